"""Benchmark: global importance (mean |SHAP value| per feature) from a per-row SHAP Parquet file.

    python bench/explanations_speed.py                       # 1,000,000 rows x 50 features
    python bench/explanations_speed.py --rows 2000000 --features 20

Writes a float64 SHAP file of the given shape (random values, Parquet as `pyarrow` writes it by default, in
row groups of 250,000 rows), then reads it with each reader `--repeat` times, interleaved, each run a fresh
process whose peak RSS is read from the kernel: comply's reader
(`checker.evidence.explanations.global_importance`: Arrow, one column chunk at a time, no pandas) and pandas
`pd.read_parquet(path).abs().mean()` on the same file. It prints wall time, peak RSS, the ratio to pandas
measured in the same run (targets: < 2 s and < 1 GB for 1e6 x 50) and the largest difference between the
two results. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COMPLY = """
import json, resource, sys, time
start = time.perf_counter()
from checker.evidence.explanations import global_importance
importance = global_importance(__import__("pathlib").Path(sys.argv[1]))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "values": list(importance.values)}))
"""

PANDAS = """
import json, resource, sys, time
start = time.perf_counter()
import pandas as pd
values = pd.read_parquet(sys.argv[1]).abs().mean()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "values": [float(v) for v in values]}))
"""


def write_shap(path: Path, rows: int, features: int) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(20261202)
    scales = np.linspace(1.0, 0.02, features)
    writer = None
    step = 250_000
    for start in range(0, rows, step):
        block = rng.standard_normal((min(step, rows - start), features)) * scales
        table = pa.table({f"feature_{i:02d}": block[:, i] for i in range(features)})
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    if writer is not None:
        writer.close()


def run(code: str, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each reader (the best is reported)")
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write is not None:
        write_shap(args.write, args.rows, args.features)
        return 0
    with tempfile.TemporaryDirectory(prefix="comply-bench-shap-") as folder:
        path = Path(folder) / "shap.parquet"
        # Written by a process of its own, as a training pipeline would: pages this process wrote and still
        # holds in the page cache were counted in the readers' peak RSS (the whole file, 450 MB).
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--write",
                str(path),
                "--rows",
                str(args.rows),
                "--features",
                str(args.features),
            ],
            check=True,
        )
        size_mb = path.stat().st_size / 1e6
        print(f"SHAP file: {args.rows:,} rows x {args.features} features, {size_mb:,.0f} MB Parquet")
        results: dict[str, list[dict[str, object]]] = {"comply": [], "pandas": []}
        for _ in range(args.repeat):  # interleaved, so load from other processes falls on both alike
            results["comply"].append(run(COMPLY, path))
            results["pandas"].append(run(PANDAS, path))
    best = {name: min(runs, key=lambda r: float(r["seconds"])) for name, runs in results.items()}  # type: ignore[arg-type]
    for name, result in best.items():
        rss = max(int(r["rss_kib"]) for r in results[name]) / 1024  # type: ignore[call-overload]
        print(f"  {name:7s} {float(result['seconds']):6.2f} s   peak RSS {rss:7.0f} MiB")  # type: ignore[arg-type]
    comply, pandas = best["comply"], best["pandas"]
    ratio = float(comply["seconds"]) / float(pandas["seconds"])  # type: ignore[arg-type]
    difference = max(
        abs(a - b) / max(abs(b), 1e-300)
        for a, b in zip(comply["values"], pandas["values"], strict=True)  # type: ignore[call-overload]
    )
    print(f"  comply / pandas: {ratio:.2f}x time; largest relative difference of the results {difference:.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
