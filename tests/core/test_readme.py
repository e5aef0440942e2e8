"""The README stays true: its opening commands work on a fresh clone, and the model card it shows is the example."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

NESTED_SUBSET = "-m 'not slow' -k 'opa or compas or policy_pack or action or sarif or readme'"
"""What the test command runs inside the clone test (through PYTEST_ADDOPTS, the command itself verbatim).

Every test module is still collected, so an import that needs something a clone lacks fails the run; the
tests selected are those that depend on the clone's surroundings (the real OPA engine, ../shared data, the
SARIF schema) and must skip with a reason or pass. The whole suite is what .ci/run itself runs; running it
a second time inside itself would double CI's time (past its 10-minute budget) and prove nothing more.
"""


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def opening_commands() -> list[str]:
    """The first two command lines of README.md, as printed (comments included: bash ignores them)."""
    first_block = re.search(r"```bash\n(.*?)```", readme(), re.DOTALL)
    assert first_block is not None
    return [line for line in first_block.group(1).splitlines() if line.strip()][:2]


def test_readme_opens_with_install_and_check_then_the_test_command() -> None:
    install, tests = opening_commands()
    assert install.startswith("pip install ") and " && comply check examples/" in install
    assert tests.split("#")[0].split() == ["pip", "install", "-e", "'.[dev]'", "&&", "python", "-m", "pytest"]
    card = install.split("comply check ", 1)[1].split()[0]
    assert (ROOT / card).is_file()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci


def test_readme_shows_the_credit_scoring_card_exactly() -> None:
    match = re.search(r"examples/credit-scoring/model_card\.yaml\)</summary>\n\n```yaml\n(.*?)```", readme(), re.DOTALL)
    assert match is not None
    assert match.group(1) == (ROOT / "examples" / "credit-scoring" / "model_card.yaml").read_text(encoding="utf-8")


def newcomer_env(venv: Path) -> dict[str, str]:
    """A shell with the new virtualenv activated and none of this run's settings (CI's, pytest's, comply's)."""
    dropped = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CI", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith(("COMPLY_", "PYTEST_XDIST"))
    }
    return {**env, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}", "NO_COLOR": "1"}


@pytest.mark.slow
def test_readme_commands_pass_verbatim_on_a_fresh_clone_with_nothing_beside_it(tmp_path: Path) -> None:
    """`git clone` of HEAD into an empty directory (no ../shared), a new virtualenv, README's two lines."""
    clone = tmp_path / "empty" / "comply"
    cloned = subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cloned.returncode == 0, cloned.stderr
    assert sorted(p.name for p in clone.parent.iterdir()) == ["comply"]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    env = newcomer_env(venv)
    install_and_check, install_and_test = opening_commands()

    first = subprocess.run(
        ["bash", "-c", install_and_check], cwd=clone, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "passed" in first.stdout

    second = subprocess.run(
        ["bash", "-c", install_and_test],
        cwd=clone,
        env={**env, "PYTEST_ADDOPTS": NESTED_SUBSET},
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    assert second.returncode == 0, second.stdout[-5000:] + second.stderr[-3000:]
    summary = second.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "error" not in summary and "failed" not in summary, summary
    # what a clone lacks is skipped with its reason, never an error
    assert "real OPA engine not installed" in second.stdout, second.stdout[-3000:]
    assert "compas-scores-two-years.csv not found in ../shared/data" in second.stdout, second.stdout[-3000:]
