"""What the embedded engine's time limit costs: decisions in-process vs in the forked worker.

    python bench/eval_time_limit.py [--rounds 20] [--runs 5]

Both run in one process on the same input documents (the example cards assembled as `comply check`
does). The worker is forked once per run, at the first decision, and serves every later one over a
pipe; what is timed is that first decision (fork included), then one decision each, against the
in-process engine measured here, the fork itself, and whole `comply check examples/` runs with and
without the limit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.engines import documents, per_decision  # noqa: E402
from checker.engine.bundle import load_bundle  # noqa: E402
from checker.engine.regorus_engine import RegorusEngine  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5, help="CLI runs of each kind")
    args = parser.parse_args(argv)
    bundle = load_bundle()
    docs = [doc for _, doc in documents()]
    unlimited = RegorusEngine(bundle)
    forks, firsts, fresh = [], [], []
    for _ in range(5):  # a run's start: the engine forks its worker, then the first decision
        plain = RegorusEngine(bundle)
        start = time.perf_counter()
        plain.evaluate(docs[0])
        fresh.append(time.perf_counter() - start)
        limited = RegorusEngine(bundle, time_limit=60)
        assert limited._limited is not None
        limited._limited.close()
        start = time.perf_counter()
        limited._limited.start()
        forks.append(time.perf_counter() - start)
        start = time.perf_counter()
        limited.evaluate(docs[0])
        firsts.append(time.perf_counter() - start)
        limited.close()
    limited = RegorusEngine(bundle, time_limit=60)
    in_process = per_decision(unlimited.evaluate, docs, args.rounds)
    forked = per_decision(limited.evaluate, docs, args.rounds)
    limited.close()
    base, worker = statistics.median(in_process), statistics.median(forked)
    fork, first, first_plain = statistics.median(forks), statistics.median(firsts), statistics.median(fresh)
    print(f"{len(docs)} example cards x {args.rounds} rounds, median per decision")
    print(f"  in-process (no limit)   {base * 1000:8.2f} ms  1.00x")
    print(
        f"  forked worker (limit)   {worker * 1000:8.2f} ms  {worker / base:.2f}x  (+{(worker - base) * 1000:.2f} ms)"
    )
    print(f"  fork (once per run)     {fork * 1000:8.2f} ms  in the parent, when the engine is built")
    print(
        f"  first decision          {first * 1000:8.2f} ms  forked, vs {first_plain * 1000:.2f} ms in-process "
        f"(+{(first - first_plain) * 1000:.2f} ms)"
    )
    print(f"  comply check examples/  {_cli_ratio(args.runs)}")
    return 0


def _cli_ratio(runs: int) -> str:
    """Wall time of `comply check examples/` (one process, one fork) with the default limit vs none,
    interleaved so that load on the machine falls on both alike."""
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    times: dict[str, list[float]] = {"60": [], "0": []}
    for _ in range(runs):
        for limit, samples in times.items():
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "checker", "check", "examples/", "-q", "--eval-timeout", limit],
                cwd=ROOT,
                env=env,
                capture_output=True,
                check=False,
            )
            samples.append(time.perf_counter() - start)
    limited, unlimited = statistics.median(times["60"]), statistics.median(times["0"])
    return f"{limited:.2f} s with the limit vs {unlimited:.2f} s without: {limited / unlimited:.2f}x (median of {runs})"


if __name__ == "__main__":
    raise SystemExit(main())
