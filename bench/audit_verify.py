"""Benchmark: `comply audit-log verify` against the floor of just hashing the file once (`sha256sum`).

    python bench/audit_verify.py                 # 250,000 and 1,000,000 lines
    python bench/audit_verify.py --lines 2000000 --lines 1000000
    python bench/audit_verify.py --lines 1000000 --runs 3   # three interleaved runs on the same log
    python bench/audit_verify.py --lines 250000 --days 4 --day-lines 100000   # + a daily set on Spark local[2]

For each size it writes a realistic log (the writer's exact format, built with `checker.audit.encode_entry`),
then times `sha256sum` on it and runs the verifier in a fresh process, reading that process's peak RSS from the
kernel, once single-process and once with 2 processes over byte ranges. It prints the ratio to sha256sum
measured in the same run (targets: <= 2x single-process, <= 1.5x with 2 processes) and peak memory (target: flat
as the file grows). With --days (and pyspark installed) it also writes a directory of that many sealed daily files
and verifies it as a whole CLI run on the process path (auto jobs) and with `--engine spark --spark-master
local[2]` (JVM start included: what a user waits for on one machine; a cluster pays it once per run), printing both
against sha256sum over the same files. Numbers are only compared within one run; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.audit import GENESIS_HASH, encode_entry, format_timestamp  # noqa: E402

EVENTS = ("prediction",) * 97 + ("override", "override", "deployment")


def write_log(path: Path, lines: int, first: int = 0, prev: str = GENESIS_HASH) -> str:
    """`lines` chained entries, one every 15 s, mostly predictions (a credit-scoring service's day); `first`
    entries came before, ending at `prev` (a daily file continuing yesterday's). Returns the last hash."""
    start = datetime(2026, 5, 1, tzinfo=timezone.utc)
    with path.open("wb", buffering=1 << 20) as out:
        for n in range(first, first + lines):
            event = EVENTS[n % len(EVENTS)]
            data: dict[str, object] = {
                "request_id": f"req-{n:09d}",
                "decision": "approve",
                "output": 0.5 + (n % 7) / 20,
            }
            data["inputs_sha256"] = format(n * 2654435761 % (1 << 256), "064x")
            if event == "override":
                data.update(original="approve", new="refer", reason="income not verified", operator="j.doe")
            body = {
                "data": data,
                "event": event,
                "model": "credit-scorer",
                "model_version": "2.1.0",
                "prev_hash": prev,
                "seq": n + 1,
                "timestamp": format_timestamp(start + timedelta(seconds=15 * n)),
            }
            line, prev = encode_entry(body)
            out.write(line)
    return prev


def timed_child(argv: list[str]) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, peak RSS in MiB, stdout). Its CPU seconds go to CPU_SECONDS[argv[0]]."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    CPU_SECONDS[argv[-1] if argv[0] != "sha256sum" else "sha256sum"] = usage.ru_utime + usage.ru_stime
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[:3]} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss // 1024, out


CPU_SECONDS: dict[str, float] = {}
VERIFY = (
    "import sys, json; from checker.evidence.audit_log import verify_audit_log; "
    "s = verify_audit_log(sys.argv[1], jobs=int(sys.argv[3])); assert s['intact'] and s['entries'] == int(sys.argv[2]), s; "
    "print(json.dumps({'entries': s['entries'], 'span_days': s['span_days']}))"
)


def bench(lines: int, workdir: Path, runs: int) -> list[dict[str, float]]:
    """`runs` interleaved rounds of sha256sum, single-process and 2-process verify on one log of `lines` lines."""
    path = workdir / f"audit-{lines}.jsonl"
    write_log(path, lines)
    subprocess.run(["sha256sum", str(path)], capture_output=True, check=True)  # warm the page cache
    rows = [one_round(path, lines) for _ in range(runs)]
    path.unlink()
    return rows


def one_round(path: Path, lines: int) -> dict[str, float]:
    size_mb = path.stat().st_size / 1e6
    floor, _, _ = timed_child(["sha256sum", str(path)])
    baseline, base_rss, _ = timed_child([sys.executable, "-c", "import checker.evidence.audit_log"])
    seconds, rss, _ = timed_child([sys.executable, "-c", VERIFY, str(path), str(lines), "1"])
    parallel, parallel_rss, _ = timed_child([sys.executable, "-c", VERIFY, str(path), str(lines), "2"])
    return {
        "cpu_ratio": CPU_SECONDS["1"] / CPU_SECONDS["sha256sum"],
        "parallel_cpu_ratio": CPU_SECONDS["2"] / CPU_SECONDS["sha256sum"],
        "parallel_s": parallel,
        "parallel_ratio": parallel / floor,
        "parallel_rss_mib": parallel_rss,
        "lines": lines,
        "mb": size_mb,
        "sha256sum_s": floor,
        "verify_s": seconds,
        "startup_s": baseline,
        "ratio": seconds / floor,
        "lines_per_s": lines / seconds,
        "rss_mib": rss,
        "base_rss_mib": base_rss,
    }


def bench_daily_set(days: int, day_lines: int, workdir: Path) -> dict[str, float]:
    """One round over a sealed directory of `days` files: sha256sum, the process path, Spark local[2]."""
    logs = workdir / "daily"
    logs.mkdir()
    prev = GENESIS_HASH
    for day in range(days):
        prev = write_log(logs / f"audit-2026-05-{1 + day:02d}.jsonl", day_lines, first=day * day_lines, prev=prev)
    comply = [sys.executable, "-m", "checker", "audit-log"]
    subprocess.run([*comply, "seal", str(logs), "--all"], capture_output=True, check=True, cwd=ROOT)
    files = sorted(str(path) for path in logs.glob("*.jsonl"))
    subprocess.run(["sha256sum", *files], capture_output=True, check=True)  # warm the page cache
    floor, _, _ = timed_child(["sha256sum", *files])
    here, _, here_out = timed_child([*comply, "verify", str(logs), "-f", "json"])
    spark_argv = [*comply, "verify", str(logs), "-f", "json", "--engine", "spark", "--spark-master", "local[2]"]
    on_spark, _, spark_out = timed_child(spark_argv)
    if spark_out != here_out:
        raise SystemExit("the Spark summary differs from the process path's")
    shutil.rmtree(logs)
    logs.mkdir()  # the fixed cost: the same run over one file of ten lines (JVM start, session, one task)
    write_log(logs / "audit-2026-05-01.jsonl", 10)
    fixed, _, _ = timed_child(spark_argv)
    shutil.rmtree(logs)
    return {
        "days": days,
        "lines": days * day_lines,
        "sha256sum_s": floor,
        "process_s": here,
        "spark_s": on_spark,
        "spark_fixed_s": fixed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, action="append", help="log sizes in lines (repeatable)")
    parser.add_argument("--runs", type=int, default=1, help="interleaved rounds per size (each printed)")
    parser.add_argument("--days", type=int, default=0, help="also a daily set of this many files on Spark")
    parser.add_argument("--day-lines", type=int, default=100_000, help="lines per daily file (with --days)")
    args = parser.parse_args()
    if shutil.which("sha256sum") is None:
        raise SystemExit("sha256sum not found: it is the baseline")
    sizes = args.lines or [250_000, 1_000_000]
    with tempfile.TemporaryDirectory(prefix="comply-bench-") as tmp:
        rows = [row for n in sizes for row in bench(n, Path(tmp), max(1, args.runs))]
        daily = [bench_daily_set(args.days, args.day_lines, Path(tmp)) for _ in range(args.runs)] if args.days else []
    print(
        f"{'lines':>10} {'MB':>7} {'sha256sum':>10} {'verify':>8} {'ratio':>6} {'2 procs':>8} {'ratio':>6} "
        f"{'lines/s':>11} {'peak RSS':>9} {'2 procs':>8} {'(import only)':>13} {'CPU ratio 1/2 procs':>20}"
    )
    for r in rows:
        print(
            f"{r['lines']:>10,} {r['mb']:>7.0f} {r['sha256sum_s']:>9.2f}s {r['verify_s']:>7.2f}s {r['ratio']:>5.2f}x "
            f"{r['parallel_s']:>7.2f}s {r['parallel_ratio']:>5.2f}x {r['lines_per_s']:>11,.0f} {r['rss_mib']:>6} MiB "
            f"{r['parallel_rss_mib']:>4} MiB {r['base_rss_mib']:>9} MiB {r['cpu_ratio']:>10.2f}x {r['parallel_cpu_ratio']:>5.2f}x"
        )
    print("targets: verify <= 2x sha256sum single-process, <= 1.5x with 2 processes; peak RSS flat across sizes")
    print("CPU ratio: the processes' user+sys seconds over sha256sum's (steadier than wall time on a busy machine)")
    if daily:
        print(
            f"\n{'daily set':>10} {'lines':>10} {'sha256sum':>10} {'process':>8} {'ratio':>6} "
            f"{'spark local[2]':>15} {'ratio':>6} {'vs process':>10} {'(10-line set)':>14}"
        )
    for r in daily:
        print(
            f"{r['days']:>5} days {r['lines']:>10,} {r['sha256sum_s']:>9.2f}s {r['process_s']:>7.2f}s "
            f"{r['process_s'] / r['sha256sum_s']:>5.2f}x {r['spark_s']:>14.2f}s {r['spark_s'] / r['sha256sum_s']:>5.2f}x "
            f"{r['spark_s'] / r['process_s']:>9.2f}x {r['spark_fixed_s']:>13.2f}s"
        )
    if daily:
        print("whole CLI runs; Spark's includes starting its JVM and session: the 10-line set is that fixed cost")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
