"""Audit-log verification on Spark (issue 13, item 3): the same summary, problem lines and exit code as the
process path, on daily sets that verify and on sets with a file removed, reordered, truncated or a line
edited, with whole-file tasks and with files cut into byte ranges. These run on the test run's one
SparkSession (tests/conftest.py, xdist group "spark"); the few CLI tests start their own JVM, as a user's
run does. Failures that need no JVM (an unreachable master, no pyspark, options that do not go together) are
here too: one line, exit 2."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checker.commands.audit_log import render_text, verify_exit_code
from checker.config import read_config
from checker.errors import UsageError
from checker.evidence import audit_spark
from checker.evidence.assemble import EvidencePaths, _collect_audit_log
from checker.evidence.audit_log import verify_audit_log
from checker.evidence.audit_spark import SparkTarget, Task, run_task
from tests.audit.test_daily_set import daily_set
from tests.conftest import assert_one_line_error, comply

pytestmark = pytest.mark.xdist_group("spark")


def seal(directory: Path, *extra: str) -> None:
    done = comply("audit-log", "seal", str(directory), *extra)
    assert done.returncode == 0, done.stderr


def remove_middle(files: list[Path]) -> None:
    files[2].unlink()


def remove_last(files: list[Path]) -> None:
    files[-1].unlink()


def swap_two(files: list[Path]) -> None:
    first, second = files[1].read_bytes(), files[2].read_bytes()
    files[1].write_bytes(second)
    files[2].write_bytes(first)


def truncate_second(files: list[Path]) -> None:
    files[1].write_bytes(b"".join(files[1].read_bytes().splitlines(keepends=True)[:3]))


def edit_a_line(files: list[Path]) -> None:
    files[2].write_bytes(files[2].read_bytes().replace(b'"output":0.5', b'"output":0.9', 1))


def prune_first(files: list[Path]) -> None:
    files[0].unlink()


def unchanged(files: list[Path]) -> None:
    return None


CASES: dict[str, tuple[tuple[str, ...] | None, Callable[[list[Path]], None]]] = {
    "good, sealed": ((), unchanged),
    "good, no manifest": (None, unchanged),
    "a file removed": (("--all",), remove_middle),
    "the last file removed": (("--all",), remove_last),
    "two files reordered": (("--all",), swap_two),
    "two files reordered, no manifest": (None, swap_two),
    "a file truncated": ((), truncate_second),
    "a line edited": ((), edit_a_line),
    "the oldest file pruned": ((), prune_first),
}
"""name -> (seal options, None: no manifest; the damage done after sealing)."""


def damaged_set(directory: Path, case: str, per_day: int = 5) -> Path:
    sealing, damage = CASES[case]
    files = daily_set(directory, per_day=per_day)
    if sealing is not None:
        seal(directory, *sealing)
    damage(files)
    return directory


def assert_same_verdict(directory: Path, spark: Any, **options: Any) -> dict[str, Any]:
    """The process path's summary, text and exit code, equal to Spark's."""
    here = verify_audit_log(directory, jobs=1, **options)
    on_spark = verify_audit_log(directory, spark=SparkTarget(session=spark), **options)
    assert on_spark == here
    assert render_text(on_spark) == render_text(here)
    assert verify_exit_code(on_spark) == verify_exit_code(here)
    return here


def test_spark_gives_the_process_paths_verdict_on_good_and_damaged_sets(spark: Any, tmp_path: Path) -> None:
    verdicts = {}
    for number, case in enumerate(CASES):
        summary = assert_same_verdict(damaged_set(tmp_path / f"set-{number}", case), spark)
        verdicts[case] = verify_exit_code(summary)
    assert verdicts == {case: 0 if case.startswith(("good", "the oldest")) else 1 for case in CASES}


def test_spark_cuts_big_files_into_ranges_with_the_same_verdict(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_spark, "RANGE_BYTES", 2_000)  # ~6 lines a range: each 30-line file is 5 tasks + 1
    planned = audit_spark.plan(daily_set(tmp_path / "plan", days=1, per_day=30)[0], "plan")
    assert len(planned) > 3 and [task.check_lines for task in planned].count(False) == 1
    for case in ("good, sealed", "a line edited", "a file truncated"):
        directory = damaged_set(tmp_path / case.replace(" ", "-"), case, per_day=30)
        head = json.loads((directory / "audit-manifest.json").read_text())["files"][0]["last_hash"]
        assert_same_verdict(directory, spark, expect_head=head)
    single = tmp_path / "single"
    log = daily_set(single, days=1, per_day=30)[0]
    log.write_bytes(log.read_bytes().replace(b'"request_id":"d0-17"', b'"request_id":"d0-71"'))
    summary = assert_same_verdict(log, spark)
    assert [problem["line"] for problem in summary["hash_failures"]] == [18]


def test_comply_yaml_puts_the_audit_log_of_a_check_on_spark(spark: Any, tmp_path: Path) -> None:
    logs = damaged_set(tmp_path / "logs", "a file removed")
    config = tmp_path / "comply.yaml"
    config.write_text("audit_log:\n  engine: spark\n")  # no master: the session active in this process
    facts, evidence_file, _ = _collect_audit_log(logs, read_config(config), EvidencePaths())
    assert facts == verify_audit_log(logs, jobs=1) and evidence_file.sha256 == facts["sha256"]
    config.write_text(f"audit_log:\n  engine: spark\n  spark_master: spark://127.0.0.1:{closed_port()}\n")
    with pytest.raises(UsageError, match="cannot reach the Spark master"):
        _collect_audit_log(logs, read_config(config), EvidencePaths())


def test_a_task_that_sees_another_file_fails_closed(tmp_path: Path) -> None:
    log = daily_set(tmp_path / "logs", days=1)[0]
    size = log.stat().st_size
    outcome = audit_spark.pickle.loads(run_task(Task(str(log), 0, None, size + 1, True, True), None))
    assert outcome.segment is None and outcome.error == f"an executor sees {size} bytes where the driver saw {size + 1}"
    gone = audit_spark.pickle.loads(run_task(Task(str(tmp_path / "none.jsonl"), 0, None, 0, True, True), None))
    assert gone.error == "an executor cannot read it: No such file or directory"


def test_a_failed_task_is_named_by_its_python_error(spark: Any) -> None:
    from pyspark.sql.functions import col, udf
    from pyspark.sql.types import BinaryType

    def fails(index: int) -> bytes:
        raise ModuleNotFoundError("No module named 'checker'")

    with pytest.raises(Exception) as raised:
        spark.range(0, 1, 1, 1).select(udf(fails, BinaryType(), useArrow=False)(col("id"))).collect()
    assert audit_spark._task_message(raised.value) == (
        "ModuleNotFoundError: No module named 'checker' (install comply-gate in the executors' Python)"
    )


def test_the_cli_on_spark_names_a_removed_and_a_truncated_file_like_the_process_path(
    spark: Any, tmp_path: Path
) -> None:
    logs = tmp_path / "logs"
    files = daily_set(logs)
    seal(logs, "--all")
    files[1].unlink()
    truncate_second(files[1:])
    here = comply("audit-log", "verify", str(logs))
    on_spark = comply("audit-log", "verify", str(logs), "--engine", "spark", "--spark-master", "local[2]", timeout=300)
    assert on_spark.returncode == here.returncode == 1, on_spark.stderr
    assert on_spark.stdout == here.stdout and on_spark.stderr == ""  # Spark's own log goes to a file
    assert f"{logs}/audit-2026-06-02.jsonl: chain break: missing: the manifest lists it (seq 6..10)" in on_spark.stdout
    assert f"{logs}/audit-2026-06-03.jsonl:4: chain break: truncated: the file ends at line 3" in on_spark.stdout


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_master_is_one_line_in_bounded_time(tmp_path: Path) -> None:
    logs = damaged_set(tmp_path / "logs", "good, sealed")
    master = f"spark://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    done = comply("audit-log", "verify", str(logs), "--engine", "spark", "--spark-master", master, timeout=60)
    assert_one_line_error(done, f"cannot reach the Spark master {master}")
    assert time.monotonic() - started < 60  # the subprocess timeout bounds it; no JVM was started
    card = Path(__file__).resolve().parents[2] / "examples" / "credit-scoring" / "model_card.yaml"
    (tmp_path / "comply.yaml").write_text(f"audit_log:\n  engine: spark\n  spark_master: {master}\n")
    checked = comply("check", str(card), "--config", str(tmp_path / "comply.yaml"), "--audit-log", str(logs))
    assert_one_line_error(checked, f"cannot reach the Spark master {master}")


def test_without_pyspark_spark_verification_gives_the_install_line(tmp_path: Path) -> None:
    logs = damaged_set(tmp_path / "logs", "good, sealed")
    fake = tmp_path / "fake" / "pyspark"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'pyspark'\", name='pyspark')\n")
    env = {"PYTHONPATH": str(fake.parent), "SPARK_REMOTE": ""}
    done = comply("audit-log", "verify", str(logs), "--engine", "spark", env=env)
    assert_one_line_error(done, "audit-log verify on Spark needs pyspark", "pip install 'comply-gate[spark]'")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--engine", "spark", "-j", "2"), "--jobs is for the process engine"),
        (("--spark-master", "local[2]"), "--spark-master is for --engine spark"),
    ],
)
def test_options_for_the_other_engine_are_refused(tmp_path: Path, options: tuple[str, ...], message: str) -> None:
    logs = damaged_set(tmp_path / "logs", "good, sealed")
    assert_one_line_error(comply("audit-log", "verify", str(logs), *options), message)


def test_no_pyspark_import_on_the_process_path(tmp_path: Path) -> None:
    logs = damaged_set(tmp_path / "logs", "good, sealed")
    probe = (
        "import sys; from checker.evidence.audit_log import verify_audit_log; "
        f"verify_audit_log({str(logs)!r}); print(sorted(m for m in sys.modules if m.startswith(('pyspark', 'checker.evidence.audit_spark'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env={**os.environ})
    assert done.stdout.strip() == "[]"
