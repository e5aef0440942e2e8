"""How fast, and in how much memory, comply computes fairness numbers, against baselines in the same run.

For each size (default 1e5, 1e6, 1e7 rows) and each layout (one feature of 5 groups; two features,
5 x 3, with their intersection), one Parquet file is written and every case runs in its own
subprocess, whose peak RSS is read with os.wait4 (the child's own rusage). Times are the best of a few
repeats, measured inside the child after the data is loaded, so they compare computations, not imports;
"RSS before" is the child's RSS at that point (interpreter, libraries and the loaded data).

Cases:
  floor          np.bincount of the per-group confusion counts from arrays in memory (the floor: every
                 metric is a function of these counts)
  comply         comply's metric computation from the same data in memory (Arrow table): counts,
                 rates, disparity metrics, the whole fairness document
  fairlearn      fairlearn MetricFrame (the same 9 per-group metrics) + the disparity functions, from
                 pandas in memory (1e5 and 1e6 only: it is far slower)
  duckdb         DuckDB `GROUP BY` of group, label and prediction over the Parquet file (end to end)
  comply-file    `compute_fairness(file)`, memory engine: read the Parquet file, sha256 it, count, derive
  comply-stream  the same with the streaming engine (bounded memory; decoding ahead while counting)
  comply-duckdb  the same with the DuckDB engine
Whole processes, as a user pays for them (start-up and imports included), next to those: per size,
`python -m checker fairness FILE ... --format json` against a DuckDB process (`python -c "import duckdb;
... GROUP BY ..."`, 2 threads) over the same Parquet file, and at the smallest size above 1e5 the same
file as CSV; runs interleaved (comply, duckdb, comply, ...), best of REPEATS, peak RSS from os.wait4.
Data are written by a child process, because Linux counts the memory a child inherits at fork in its
peak RSS. With --big N (default 1e8 unless --quick), a file of N rows is also processed, whole process,
by the streaming engine against DuckDB.

Targets: comply / floor <= 2 at 1e7 rows; comply-file / duckdb <= 1.5 in-process; whole process: Parquet
<= 1.5x DuckDB at 1e6 and 1e7 rows, CSV <= 1.2x, streaming 1e8 rows <= 1.2x with peak RSS <= 350 MiB.

    python bench/fairness_speed.py              # 1e5, 1e6, 1e7 and the 1e8 memory check
    python bench/fairness_speed.py --quick      # 1e5 and 1e6 only, no 1e8 file
    python bench/fairness_speed.py --rows 1e6 --big 0
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

LAYOUTS = {"5 groups": ("race",), "5x3 intersections": ("race", "sex")}
RACES = ["a", "b", "c", "d", "e"]
SEXES = ["f", "m", "x"]
REPEATS = 3
FAIRLEARN_MAX_ROWS = 1_000_000
CHUNK = 5_000_000
PROCESS_TARGETS = {"parquet": 1.5, "csv": 1.2, "stream": 1.2}
RSS_TARGET_MB = 350


# -- data ---------------------------------------------------------------------------------------
def write_parquet(path: Path, rows: int, seed: int = 0) -> None:
    """Synthetic predictions with group-dependent base and selection rates, written in chunks so a
    1e8-row file needs no more memory than a 5e6-row one."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    schema = pa.schema(
        [
            ("label", pa.int8()),
            ("pred", pa.int8()),
            ("race", pa.dictionary(pa.int32(), pa.string())),
            ("sex", pa.dictionary(pa.int32(), pa.string())),
        ]
    )
    with pq.ParquetWriter(path, schema) as writer:
        done = 0
        while done < rows:
            size = min(CHUNK, rows - done)
            race = rng.choice(5, size, p=[0.4, 0.25, 0.2, 0.1, 0.05]).astype(np.int32)
            sex = rng.choice(3, size, p=[0.49, 0.49, 0.02]).astype(np.int32)
            label = (rng.random(size) < 0.3 + 0.05 * race).astype(np.int8)
            pred = (rng.random(size) < np.where(label == 1, 0.7, 0.2) + 0.02 * race).astype(np.int8)
            table = pa.table(
                {
                    "label": label,
                    "pred": pred,
                    "race": pa.DictionaryArray.from_arrays(race, pa.array(RACES)),
                    "sex": pa.DictionaryArray.from_arrays(sex, pa.array(SEXES)),
                },
                schema=schema,
            )
            writer.write_table(table, row_group_size=1 << 20)
            done += size


# -- cases (each runs in a child process) --------------------------------------------------------
def _options(features: tuple[str, ...], engine: str = "memory") -> Any:
    from checker.fairness.options import FairnessOptions

    return FairnessOptions(
        y_true="label", y_pred="pred", sensitive=features, intersections=len(features) > 1, engine=engine
    )


def _best(function: Any) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM the peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def case_floor(path: Path, features: tuple[str, ...]) -> dict[str, Any]:
    import numpy as np
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["label", "pred", *features])
    label = table.column("label").to_numpy()
    pred = table.column("pred").to_numpy()
    codes = [table.column(name).combine_chunks().indices.to_numpy() for name in features]
    sizes = [len(RACES), len(SEXES)][: len(features)]
    groups = int(np.prod(sizes))
    before = _rss_mb()

    def run() -> Any:
        group = codes[0].astype(np.intp)
        if len(codes) > 1:
            group = group * sizes[1] + codes[1]
        return np.bincount(group * 4 + label * 2 + pred, minlength=groups * 4)

    seconds = _best(run)
    return {"seconds": seconds, "rss_before_mb": before, "check": int(run().sum())}


def case_comply(path: Path, features: tuple[str, ...]) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from checker.fairness.compute import fairness_from_table

    table = pq.read_table(path, columns=["label", "pred", *features])
    options = _options(features)
    before = _rss_mb()
    seconds = _best(lambda: fairness_from_table(table, options))
    document = fairness_from_table(table, options)
    return {"seconds": seconds, "rss_before_mb": before, "check": document["rows"]["used"]}


def case_fairlearn(path: Path, features: tuple[str, ...]) -> dict[str, Any]:
    import warnings

    import pandas as pd
    import sklearn.metrics as skm
    from fairlearn.metrics import (
        MetricFrame,
        count,
        demographic_parity_difference,
        demographic_parity_ratio,
        equal_opportunity_difference,
        equalized_odds_difference,
        equalized_odds_ratio,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_negative_rate,
        true_positive_rate,
    )

    frame = pd.read_parquet(path, columns=["label", "pred", *features])
    sensitive = frame[list(features)] if len(features) > 1 else frame[features[0]]
    metrics = {
        "count": count,
        "base_rate": lambda yt, yp: selection_rate(yt, yt),
        "selection_rate": selection_rate,
        "tpr": true_positive_rate,
        "fpr": false_positive_rate,
        "fnr": false_negative_rate,
        "tnr": true_negative_rate,
        "precision": skm.precision_score,
        "accuracy": skm.accuracy_score,
    }
    before = _rss_mb()

    def run() -> Any:
        kwargs = {"y_true": frame.label, "y_pred": frame.pred, "sensitive_features": sensitive}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            MetricFrame(metrics=metrics, **kwargs).difference()
            for function in (
                demographic_parity_difference,
                demographic_parity_ratio,
                equalized_odds_difference,
                equalized_odds_ratio,
                equal_opportunity_difference,
            ):
                function(**kwargs)

    start = time.perf_counter()
    run()
    return {"seconds": time.perf_counter() - start, "rss_before_mb": before, "check": len(frame)}


def case_duckdb(path: Path, features: tuple[str, ...]) -> dict[str, Any]:
    import duckdb

    connection = duckdb.connect(config={"threads": 2})
    keys = ", ".join(features)
    query = f"SELECT {keys}, label, pred, count(*) AS n FROM read_parquet('{path}') GROUP BY ALL"
    before = _rss_mb()
    seconds = _best(lambda: connection.execute(query).fetchall())
    total = sum(row[-1] for row in connection.execute(query).fetchall())
    return {"seconds": seconds, "rss_before_mb": before, "check": total}


def _case_file(engine: str) -> Any:
    def run_case(path: Path, features: tuple[str, ...]) -> dict[str, Any]:
        from checker.fairness.compute import compute_fairness

        options = _options(features, engine)
        before = _rss_mb()
        seconds = _best(lambda: compute_fairness(path, options))
        return {"seconds": seconds, "rss_before_mb": before, "check": compute_fairness(path, options)["rows"]["used"]}

    return run_case


def case_big(path: Path, features: tuple[str, ...]) -> dict[str, Any]:
    from checker.fairness.compute import compute_fairness

    start = time.perf_counter()
    document = compute_fairness(path, _options(features, "stream"))
    return {"seconds": time.perf_counter() - start, "rss_before_mb": float("nan"), "check": document["rows"]["used"]}


CASES = {
    "floor": case_floor,
    "comply": case_comply,
    "fairlearn": case_fairlearn,
    "duckdb": case_duckdb,
    "comply-file": _case_file("memory"),
    "comply-stream": _case_file("stream"),
    "comply-duckdb": _case_file("duckdb"),
    "comply-stream-big": case_big,
}


def run_child(case: str, path: Path, features: tuple[str, ...]) -> dict[str, Any]:
    """Run one case in a fresh interpreter, which reports its own peak RSS (VmHWM: the high-water mark
    of its address space since exec, so the parent's memory is not counted, unlike ru_maxrss)."""
    command = [sys.executable, __file__, "--child", case, "--file", str(path), "--features", ",".join(features)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, stdout=subprocess.PIPE, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"case {case} failed with exit {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def comply_command(path: Path, engine: str) -> list[str]:
    sensitive = [arg for feature in LAYOUTS["5x3 intersections"] for arg in ("--sensitive", feature)]
    return [
        sys.executable,
        "-m",
        "checker",
        "fairness",
        str(path),
        "--y-true",
        "label",
        "--y-pred",
        "pred",
        *sensitive,
        "--intersections",
        "--engine",
        engine,
        "--format",
        "json",
    ]


def duckdb_command(path: Path, fmt: str) -> list[str]:
    keys = ", ".join(LAYOUTS["5x3 intersections"])
    source = f"read_parquet('{path}')" if fmt == "parquet" else f"read_csv('{path}', header=true)"
    query = f"SELECT {keys}, label, pred, count(*) AS n FROM {source} GROUP BY ALL"
    code = f"import duckdb; c = duckdb.connect(config={{'threads': 2}}); print(len(c.sql({query!r}).fetchall()))"
    return [sys.executable, "-c", code]


def run_process(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command[:6])}... failed: {child.stderr.read().decode() if child.stderr else ''}")
    return seconds, usage.ru_maxrss / 1024


def compare(label: str, comply: list[str], duck: list[str], repeats: int) -> dict[str, float]:
    best = {"comply": float("inf"), "duckdb": float("inf")}
    peak = {"comply": 0.0, "duckdb": 0.0}
    for _ in range(repeats):
        for name, command in (("comply", comply), ("duckdb", duck)):
            seconds, rss = run_process(command)
            best[name] = min(best[name], seconds)
            peak[name] = max(peak[name], rss)
    ratio = best["comply"] / best["duckdb"]
    print(
        f"  whole process  {label:<14} comply {best['comply']:7.3f} s {peak['comply']:6.0f} MiB   "
        f"duckdb {best['duckdb']:7.3f} s {peak['duckdb']:6.0f} MiB   comply / duckdb {ratio:5.2f}"
    )
    return {"ratio": ratio, "comply_rss": peak["comply"]}


def write_in_child(path: Path, rows: int) -> None:
    """`write_parquet` in a child process, so this one stays small (see the module's docstring)."""
    code = f"from bench.fairness_speed import write_parquet; from pathlib import Path; write_parquet(Path({str(path)!r}), {rows})"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def write_csv(parquet: Path, csv: Path) -> None:
    code = (
        "import pyarrow.csv as c, pyarrow.parquet as q; "
        f"c.write_csv(q.ParquetFile({str(parquet)!r}).read(), {str(csv)!r})"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- the report ----------------------------------------------------------------------------------
def bench_size(rows: int, directory: Path) -> tuple[list[tuple[str, str, dict[str, Any]]], Path]:
    path = directory / f"predictions-{rows}.parquet"
    write_in_child(path, rows)
    results = []
    for layout, features in LAYOUTS.items():
        for case in ("floor", "comply", "fairlearn", "duckdb", "comply-file", "comply-stream", "comply-duckdb"):
            if case == "fairlearn" and rows > FAIRLEARN_MAX_ROWS:
                continue
            result = run_child(case, path, features)
            if result["check"] != rows:
                raise SystemExit(f"{case} counted {result['check']} rows, expected {rows}")
            results.append((layout, case, result))
    return results, path


def bench_processes(rows: int, path: Path, with_csv: bool, verdicts: list[str]) -> None:
    """The whole-process comparison of one Parquet file (and the same rows as CSV)."""
    result = compare(f"parquet {rows:.0e}", comply_command(path, "auto"), duckdb_command(path, "parquet"), REPEATS)
    verdicts.append(_verdict(f"parquet {rows:.0e}", result["ratio"], PROCESS_TARGETS["parquet"]))
    if with_csv:
        csv = path.with_suffix(".csv")
        write_csv(path, csv)
        result = compare(f"csv {rows:.0e}", comply_command(csv, "auto"), duckdb_command(csv, "csv"), REPEATS)
        verdicts.append(_verdict(f"csv {rows:.0e}", result["ratio"], PROCESS_TARGETS["csv"]))
        csv.unlink()


def _verdict(label: str, ratio: float, target: float) -> str:
    return f"  whole process {label:<14} comply / duckdb {ratio:5.2f} <= {target}: {'met' if ratio <= target else 'NOT met'}"


def print_size(rows: int, results: list[tuple[str, str, dict[str, Any]]]) -> dict[str, float]:
    ratios: dict[str, float] = {}
    print(f"\n{rows:,} rows")
    print(
        f"  {'layout':<18} {'case':<14} {'seconds':>9} {'vs floor':>9} {'vs duckdb':>10} {'peak RSS MB':>12} {'RSS before MB':>14}"
    )
    for layout in LAYOUTS:
        chosen = {case: result for name, case, result in results if name == layout}
        floor = chosen["floor"]["seconds"]
        duck = chosen["duckdb"]["seconds"]
        for case, result in chosen.items():
            seconds = result["seconds"]
            print(
                f"  {layout:<18} {case:<14} {seconds:>9.4f} {seconds / floor:>9.2f} {seconds / duck:>10.2f} "
                f"{result['peak_rss_mb']:>12.0f} {result['rss_before_mb']:>14.0f}"
            )
        ratios[f"{layout}: comply / floor"] = chosen["comply"]["seconds"] / floor
        ratios[f"{layout}: comply-file / duckdb"] = chosen["comply-file"]["seconds"] / duck
        ratios[f"{layout}: comply-stream / duckdb"] = chosen["comply-stream"]["seconds"] / duck
        if "fairlearn" in chosen:
            ratios[f"{layout}: fairlearn / comply"] = chosen["fairlearn"]["seconds"] / chosen["comply"]["seconds"]
    return ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", action="append", type=float, help="Row counts to run (repeatable).")
    parser.add_argument("--quick", action="store_true", help="1e5 and 1e6 rows, no big file.")
    parser.add_argument("--big", type=float, default=None, help="Rows of the memory-bound file (0: skip).")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--features", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = CASES[args.child](args.file, tuple(args.features.split(",")))
        result["peak_rss_mb"] = _status_mb("VmHWM")
        print(json.dumps(result))
        return 0
    sizes = (
        [int(rows) for rows in args.rows]
        if args.rows
        else ([100_000, 1_000_000] if args.quick else [100_000, 1_000_000, 10_000_000])
    )
    big = int(args.big) if args.big is not None else (0 if args.quick else 100_000_000)
    print(f"comply fairness speed: {os.cpu_count()} cores; best of {REPEATS} (fairlearn and the big file: once)")
    targets: dict[str, float] = {}
    verdicts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="comply-bench-") as tmp:
        directory = Path(tmp)
        csv_size = min((rows for rows in sizes if rows >= 1_000_000), default=max(sizes))
        for rows in sizes:
            results, path = bench_size(rows, directory)
            ratios = print_size(rows, results)
            bench_processes(rows, path, rows == csv_size, verdicts)
            path.unlink()
            if rows == max(sizes):
                targets.update(ratios)
        print(f"\nratios at {max(sizes):,} rows")
        for name, value in targets.items():
            print(f"  {name:<45} {value:8.2f}")
        for layout in LAYOUTS:
            print(
                f"  target comply / floor <= 2 ({layout}): {'met' if targets[f'{layout}: comply / floor'] <= 2 else 'NOT met'}"
            )
            met = targets[f"{layout}: comply-file / duckdb"] <= 1.5
            print(f"  target comply-file / duckdb <= 1.5 ({layout}): {'met' if met else 'NOT met'}")
        if big:
            path = directory / "big.parquet"
            start = time.perf_counter()
            write_in_child(path, big)
            written = time.perf_counter() - start
            result = run_child("comply-stream-big", path, LAYOUTS["5x3 intersections"])
            size_mb = path.stat().st_size / 2**20
            print(
                f"\n{big:,} rows ({size_mb:.0f} MB Parquet, written in {written:.0f} s), streaming engine, 5x3 intersections: "
                f"in-process {result['seconds']:.1f} s, peak RSS {result['peak_rss_mb']:.0f} MiB"
            )
            if result["check"] != big:
                raise SystemExit(f"big file: counted {result['check']} rows, expected {big}")
            whole = compare(f"stream {big:.0e}", comply_command(path, "stream"), duckdb_command(path, "parquet"), 1)
            verdicts.append(_verdict(f"stream {big:.0e}", whole["ratio"], PROCESS_TARGETS["stream"]))
            met = whole["comply_rss"] <= RSS_TARGET_MB
            verdicts.append(
                f"  whole process stream peak RSS {whole['comply_rss']:.0f} MiB <= {RSS_TARGET_MB}: {'met' if met else 'NOT met'}"
            )
        print("\n".join(verdicts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
