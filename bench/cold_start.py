"""How instant does `comply check` feel? Cold-start time against the imports it cannot avoid.

Prints the median wall time of `comply check <example>` over N runs beside the median of
`python -c "import yaml, jsonschema, rich, typer"` measured in the same run, and their ratio
(target <= 1.5x: nothing heavy such as pandas may be imported on this path). Then checks 200 copies of a
card in one invocation and prints the time per card (the bundle is loaded once per run).

    python bench/cold_start.py [--runs 20] [--card examples/credit-scoring/model_card.yaml]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[:300]}")
    return elapsed


def median_of(command: list[str], runs: int, cwd: Path) -> float:
    timed(command, cwd)  # warm the page cache
    return statistics.median(timed(command, cwd) for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--card", default="examples/credit-scoring/model_card.yaml")
    parser.add_argument("--copies", type=int, default=200)
    args = parser.parse_args()

    baseline = median_of([sys.executable, "-c", "import yaml, jsonschema, rich, typer"], args.runs, ROOT)
    check = median_of([sys.executable, "-m", "checker", "check", args.card], args.runs, ROOT)
    print(f"baseline  import yaml, jsonschema, rich, typer : {baseline * 1000:7.1f} ms (median of {args.runs})")
    print(f"comply    check {args.card:<34}: {check * 1000:7.1f} ms (median of {args.runs})")
    print(f"ratio     check / baseline                     : {check / baseline:7.2f}x (target <= 1.5x)")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for index in range(args.copies):
            target = folder / f"card{index:03d}" / "model_card.yaml"
            target.parent.mkdir()
            shutil.copy(ROOT / args.card, target)
        one = median_of(
            [sys.executable, "-m", "checker", "check", str(folder / "card000" / "model_card.yaml")], 5, ROOT
        )
        many = median_of([sys.executable, "-m", "checker", "check", str(folder)], 3, ROOT)
    per_card = (many - one) / (args.copies - 1)
    print(f"batch     {args.copies} cards in one invocation           : {many * 1000:7.1f} ms total")
    print(f"          marginal time per card                     : {per_card * 1000:7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
