"""The reports the golden test pins: the JSON of every example card (every format), one per run and all in one run.

Regenerate after an intended change of policies or report format (and review the diff):

    python -m tests.core.golden_reports [--tree DIR]

`--tree` runs another source tree of comply (an export of an earlier commit) to make the goldens from it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
GIT_COMMIT = re.compile(r'"git_commit": "[0-9a-f]{40,64}"')
OTHER_FORMATS = ("*/README.md", "*/*.mct.json", "*/*.cdx.json")
"""Example cards in formats a directory walk does not pick up (Hugging Face, Model Card Toolkit, CycloneDX)."""
AS_OF = ("--reference-date", "2028-01-01")
"""A fixed date, so the goldens do not drift with today."""


def cases() -> dict[str, tuple[str, ...]]:
    """Golden file name -> `comply check` arguments (run from the repository root)."""
    from checker.evidence.card import find_cards

    found: dict[str, tuple[str, ...]] = {}
    other_formats = [path for pattern in OTHER_FORMATS for path in (ROOT / "examples").glob(pattern)]
    for card in sorted({*find_cards([ROOT / "examples"]), *other_formats}):
        relative = card.resolve().relative_to(ROOT / "examples")
        name = relative.parent.as_posix() if relative.name == "model_card.yaml" else relative.as_posix()
        found[name.replace("/", "--")] = (str(card.resolve().relative_to(ROOT)),)
    found["credit-scoring-full-evidence"] = (
        "examples/credit-scoring/model_card.yaml",
        "--config",
        "examples/credit-scoring/comply.yaml",
    )
    found["all-examples-one-run"] = ("examples/",)
    return found


def report_json(args: tuple[str, ...], tree: Path = ROOT) -> str:
    """The JSON report `comply check ARGS --format json` prints, its git commit (checkout-specific) blanked."""
    env = {key: value for key, value in os.environ.items() if key not in {"FORCE_COLOR"}}
    env.update({"NO_COLOR": "1", "PYTHONPATH": str(tree)})
    done = subprocess.run(
        [sys.executable, "-m", "checker", "check", *args, "--format", "json", *AS_OF],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise AssertionError(f"comply check {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return normalised(done.stdout)


def normalised(text: str) -> str:
    """The report's bytes with each card's `git_commit` blanked: it names the checkout, not a decision."""
    json.loads(text)  # it is JSON
    return GIT_COMMIT.sub('"git_commit": null', text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT)
    args = parser.parse_args()
    GOLDEN.mkdir(exist_ok=True)
    for name, arguments in cases().items():
        (GOLDEN / f"{name}.json").write_text(report_json(arguments, args.tree.resolve()), encoding="utf-8")
        print(f"wrote {GOLDEN / name}.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
