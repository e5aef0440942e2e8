"""What does one more card cost? `comply check DIR` on 1, 10, 100 and 500 copies of a card, in one process each.

    python bench/many_cards.py [--rounds 3] [--card examples/loan-desk-deployer/model_card.yaml] [--before TREE]

Only the 1-card run is repeated to warm up (.pyc files, page cache). The bundle is loaded once per run, so the time of a run is start-up plus a per-card cost; the slope of a
least-squares line through the medians is that per-card cost (target, issue 17: <= 12 ms). Output goes to
a pipe (pre-commit, CI) with RUST_BACKTRACE=1 as CI runners set it. With `--before TREE` the same runs of
an earlier source tree are interleaved with these and its slope printed beside.
`bench/decision_profile.py` splits one card's decision into the classification and each rules package.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from timing import ROOT, Command, comply_env, interleaved

SIZES = (1, 10, 100, 500)
BEFORE_MS_PER_CARD = 31.0
"""The slope before issue 17 as the issue measured it (30-34 ms, main at 8f24268); `--before TREE` measures
it again in the same run."""


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of time (ms) over number of cards."""
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return num / sum((x - mean_x) ** 2 for x, _ in points)


def copies(card: Path, folder: Path, count: int) -> Path:
    target = folder / f"{count}-cards"
    for index in range(count):
        (target / f"card{index:03d}").mkdir(parents=True)
        shutil.copy(card, target / f"card{index:03d}" / "model_card.yaml")
    return target


def commands_for(label: str, tree: Path, folders: dict[int, Path]) -> list[Command]:
    env = comply_env(tree, RUST_BACKTRACE="1")
    return [
        Command(
            f"{label} {n}",
            [sys.executable, "-m", "checker", "check", str(folders[n])],
            cwd=tree,
            env=env,
            warm_up=n == 1,
        )
        for n in SIZES
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    # a high-risk card that stands alone: the bench copies only the card, not the evidence beside it
    parser.add_argument("--card", default="examples/loan-desk-deployer/model_card.yaml")
    parser.add_argument("--before", type=Path, help="another source tree of comply to time beside this one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folders = {n: copies(ROOT / args.card, Path(tmp), n) for n in SIZES}
        trees = {"now": ROOT, **({"before": args.before.resolve()} if args.before else {})}
        runs = {label: commands_for(label, tree, folders) for label, tree in trees.items()}
        interleaved([command for group in runs.values() for command in group], args.rounds)

    print(f"comply check of N copies of {args.card}, medians of {args.rounds} interleaved runs")
    print(f"{'cards':>6} " + " ".join(f"{label + ' wall ms':>16} {label + ' cpu ms':>15}" for label in runs))
    for index, n in enumerate(SIZES):
        cells = (f"{group[index].median_ms():16.1f} {group[index].median_cpu_ms():15.1f}" for group in runs.values())
        print(f"{n:6d} " + " ".join(cells))
    slopes = {}
    for label, group in runs.items():
        wall = slope([(n, c.median_ms()) for n, c in zip(SIZES, group, strict=True)])
        cpu = slope([(n, c.median_cpu_ms()) for n, c in zip(SIZES, group, strict=True)])
        slopes[label] = (wall, cpu)
        print(f"per extra card ({label}): {wall:6.2f} ms wall, {cpu:6.2f} ms cpu")
    if "before" in slopes:
        now, before = slopes["now"], slopes["before"]
        print(f"ratio now / before: {now[0] / before[0]:.2f}x wall, {now[1] / before[1]:.2f}x cpu")
    print(f"target: <= 12 ms per extra card (before issue 17: {BEFORE_MS_PER_CARD:.0f} ms on main at 8f24268)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
