"""Fairness where the data lives: Spark local[2] against DuckDB against the in-memory engine, and DuckDB over a
partitioned directory with a period, in one run.

    python bench/fairness_scale.py                   # 1e7 rows for the engines, 1e8 partitioned rows
    python bench/fairness_scale.py --rows 1e6 --partitioned-rows 1e7

Part 1 (engines): one Parquet file of N rows (two sensitive features, labels with missing values, a score);
`compute_fairness` with the memory, DuckDB and Spark engines on it (Spark: a local[2] session started
before timing, so the figure is the job, not the JVM; its start-up is printed apart). Best of --repeats,
ratios against the in-memory engine measured here. The three documents must be the same number for number
(floats to 1e-12): the bench stops otherwise.

Part 2 (partitioned): M rows in 365 daily partitions (`decision_date=2026-01-01/...`, written by DuckDB),
`python -m checker fairness DIR --period 2026-06-01/2026-11-30` as a user runs it (a whole process:
imports, listing, sha256 of every file, the scan), its wall time and peak RSS (os.wait4). Target: peak RSS
< 1 GB. Data are written by child processes, so that their memory is not counted in ours.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COLUMNS = ("--y-true", "y_true", "--y-pred", "y_pred", "-s", "sex", "-s", "age_band", "--score", "score")
PERIOD = "2026-06-01/2026-11-30"

WRITE = """
import duckdb, sys
rows, target, partitioned = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
duckdb.sql("SET threads = 2"); duckdb.sql("SET enable_progress_bar = false")
select = f'''
SELECT CASE WHEN random() < 0.03 THEN NULL WHEN random() < 0.5 THEN 'female' ELSE 'male' END AS sex,
       ['18-25', '26-40', '41-65', '65+'][1 + (i % 4)::INT] AS age_band,
       CASE WHEN random() < 0.02 THEN NULL ELSE (random() < 0.4)::INT END AS y_true,
       (random() < 0.45)::INT AS y_pred,
       random() AS score,
       (DATE '2026-01-01' + (i % 365)::INT) AS decision_date
FROM range({rows}) t(i)'''
if partitioned:
    duckdb.sql(f"COPY ({select}) TO '{target}' (FORMAT parquet, PARTITION_BY (decision_date))")
else:
    duckdb.sql(f"COPY ({select}) TO '{target}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
"""


def write(rows: int, target: Path, *, partitioned: bool) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", WRITE, str(rows), str(target), "1" if partitioned else "0"], check=True)
    return time.perf_counter() - started


def same(ours: Any, theirs: Any, path: str = "") -> None:
    if isinstance(ours, dict):
        assert isinstance(theirs, dict) and set(ours) == set(theirs), path
        for key in ours:
            same(ours[key], theirs[key], f"{path}.{key}")
    elif isinstance(ours, list):
        assert isinstance(theirs, list) and len(ours) == len(theirs), path
        for index, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
            same(mine, other, f"{path}[{index}]")
    elif isinstance(ours, float) and isinstance(theirs, float):
        assert abs(ours - theirs) <= 1e-12, (path, ours, theirs)
    else:
        assert ours == theirs, (path, ours, theirs)


def engines(rows: int, repeats: int, directory: Path) -> None:
    from pyspark.sql import SparkSession

    from checker.fairness.compute import compute_fairness
    from checker.fairness.options import FairnessOptions

    path = directory / "predictions.parquet"
    print(f"writing {rows:.0e} rows: {write(rows, path, partitioned=False):.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
    started = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    print(f"spark local[2] session start-up: {time.perf_counter() - started:.1f} s (not in the figures below)")
    base = {"y_true": "y_true", "y_pred": "y_pred", "sensitive": ("sex", "age_band"), "score": "score"}
    best: dict[str, float] = {}
    documents: dict[str, dict[str, Any]] = {}
    for _ in range(repeats):
        for engine in ("memory", "duckdb", "spark"):
            options = FairnessOptions(**base, intersections=True, engine=engine)
            started = time.perf_counter()
            document = compute_fairness(path, options, session=spark if engine == "spark" else None)
            elapsed = time.perf_counter() - started
            best[engine] = min(best.get(engine, elapsed), elapsed)
            documents[engine] = {key: value for key, value in document.items() if key != "provenance"}
    spark.stop()
    same(documents["duckdb"], documents["memory"])
    same(documents["spark"], documents["memory"])
    print(f"\n{rows:.0e} rows, one Parquet file; best of {repeats}; same counts and numbers from all three (1e-12)")
    print(f"{'engine':<12}{'seconds':>10}{'x memory':>10}{'rows/s':>14}")
    for engine in ("memory", "duckdb", "spark"):
        print(f"{engine:<12}{best[engine]:>10.2f}{best[engine] / best['memory']:>10.2f}{rows / best[engine]:>14.3g}")


def partitioned(rows: int, directory: Path) -> None:
    lake = directory / "decisions"
    print(f"\nwriting {rows:.0e} rows in 365 daily partitions: {write(rows, lake, partitioned=True):.1f} s")
    files = list(lake.rglob("*.parquet"))
    size = sum(path.stat().st_size for path in files)
    print(f"{len(files)} files, {size / 1e6:.0f} MB")
    argv = [sys.executable, "-m", "checker", "fairness", str(lake), *COLUMNS, "--period", PERIOD, "-f", "json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out, err = directory / "out.json", directory / "err.txt"
    with out.open("wb") as stdout_file, err.open("wb") as stderr_file:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=stdout_file, stderr=stderr_file, env=env)
        _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage: its peak RSS alone
        elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"comply failed: {err.read_text()}")
    peak = usage.ru_maxrss * 1024
    stdout = out.read_bytes()
    document = json.loads(stdout)
    print(f"comply fairness DIR --period {PERIOD} (duckdb, whole process incl. sha256 of every file)")
    print(f"  rows in the period: {document['rows']['total']:,} of {rows:,}")
    print(
        f"  wall {elapsed:.1f} s, peak RSS {peak / 2**20:.0f} MiB (target < 1 GB: {'met' if peak < 1e9 else 'MISSED'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e7)
    parser.add_argument("--partitioned-rows", type=float, default=1e8)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="comply-scale-") as temporary:
        directory = Path(temporary)
        if args.rows:
            engines(int(args.rows), args.repeats, directory)
        if args.partitioned_rows:
            partitioned(int(args.partitioned_rows), directory)


if __name__ == "__main__":
    main()
