"""Audit-log verification on Spark (`comply audit-log verify DIR --engine spark`): the line checks run on the
executors, the verdict is made on the driver exactly as on one machine.

Why this shape: verifying is reading. A year of daily files is hundreds of gigabytes that a cluster reads in
parallel from where they are stored; the result of checking a file (or a byte range of a big one) is a
`Segment`, O(1) in the size of what it covers. So each file or range is one Spark task that runs the same
`audit_scan.scan` the process path runs, and sends back its Segment (and the file's SHA-256); the driver joins
the segments in manifest order with the same `join` and the same manifest checks (`checker.evidence.audit_set`),
so the summary, every problem line and the exit code are those of the process path on the same files.

What the cluster needs: the executors open the files at the driver's absolute paths (a shared filesystem: NFS,
a mounted volume, or one machine with `local[N]`), and comply installed in the executors' Python (the tasks
import `checker`). A file an executor cannot open, or sees at a different size than the driver did, stops the
run with one line: a verdict over files the driver did not list would prove nothing.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple

from checker.errors import InputError
from checker.evidence.audit_scan import CHUNK_SIZE, Segment, join, scan

RANGE_BYTES = 1 << 26
"""A file over 64 MiB is cut into ranges of about this size, one task each (the process path's unit too)."""


@dataclass(frozen=True)
class SparkTarget:
    """Where to verify: a master URL (`local[2]`, `spark://host:7077`, `sc://host:15002`; None: SPARK_REMOTE, the
    session active in this process, else `local[*]`), or a SparkSession to use (the Python API, tests)."""

    master: str | None = None
    session: Any = None


class Task(NamedTuple):
    """One Spark task: lines of [start, stop) of `path` to check (stop None: to the end), and/or the whole
    file's SHA-256. `size` is the file's size as the driver saw it (the executor must see at least that)."""

    path: str
    start: int
    stop: int | None
    size: int
    check_lines: bool
    hash_file: bool


class Outcome(NamedTuple):
    """What a task sends back: its segment (lines checked), the file's SHA-256 (hashed), or why it failed."""

    segment: Segment | None = None
    sha256: str | None = None
    error: str | None = None


def run_task(task: Task, anchor: bytes | None) -> bytes:
    """The executor's job (pickled for the trip back; everything in an Outcome is O(1) in the file's size)."""
    try:
        with open(task.path, "rb", buffering=0) as handle:
            seen = os.fstat(handle.fileno()).st_size
            if seen < task.size:
                raise _Mismatch(f"an executor sees {seen} bytes where the driver saw {task.size}")
            handle.seek(task.start)
            digest = hashlib.sha256() if task.hash_file else None
            segment = None
            if task.check_lines:
                length = None if task.stop is None else task.stop - task.start
                segment = scan(handle, length, digest, anchor)
            elif digest is not None:
                while chunk := handle.read(CHUNK_SIZE):
                    digest.update(chunk)
        outcome = Outcome(segment, digest.hexdigest() if digest is not None else None)
    except _Mismatch as err:
        outcome = Outcome(error=str(err))
    except OSError as err:
        outcome = Outcome(error=f"an executor cannot read it: {err.strerror or err}")
    return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)


class _Mismatch(Exception):
    pass


def plan(path: Path, shown: str) -> list[Task]:
    """The tasks for one file: the whole file in one task, or a big file's ranges (cut at line starts, as the
    process path cuts them) plus one task hashing the whole file. The driver opens the file first, so a file
    that is missing, not regular or binary is the same one-line error as on the process path."""
    from checker.evidence.audit_log import line_bounds, open_log

    fd = open_log(path, shown)
    try:
        size = os.fstat(fd).st_size
        parts = -(-size // RANGE_BYTES)
        bounds = line_bounds(fd, size, parts) if parts > 1 else [0, size]
    except OSError as err:
        raise InputError(f"{shown}: cannot read audit log: {err.strerror or err}") from err
    finally:
        os.close(fd)
    where = str(path.resolve())  # the executors' working directory is not the driver's
    if len(bounds) <= 2:
        return [Task(where, 0, None, size, check_lines=True, hash_file=True)]
    ranges = [Task(where, start, stop, size, check_lines=True, hash_file=False) for start, stop in pairwise(bounds)]
    return [*ranges, Task(where, 0, None, size, check_lines=False, hash_file=True)]


def verify_on_spark(
    files: list[tuple[Path, str]], anchor: bytes | None, target: SparkTarget, shown: str
) -> list[tuple[Segment, str]]:
    """Each file's joined segment and SHA-256 (as `audit_log.verify_file` gives them), checked in one Spark job.
    `files`: (path, name to report it by); `shown`: the log (file or directory) as the user named it."""
    if not files:
        return []
    plans = [plan(path, name) for path, name in files]
    tasks = [task for tasks in plans for task in tasks]
    outcomes = _run(tasks, anchor, target, shown)
    results: list[tuple[Segment, str]] = []
    at = 0
    for (_, name), tasks in zip(files, plans, strict=True):
        mine = outcomes[at : at + len(tasks)]
        at += len(tasks)
        for outcome in mine:
            if outcome.error is not None:
                raise InputError(
                    f"{name}: cannot verify on Spark: {outcome.error} (the executors must see the files at the "
                    "driver's paths: a shared filesystem)"
                )
        segments = [outcome.segment for outcome in mine if outcome.segment is not None]
        whole = segments[0]
        for segment in segments[1:]:
            join(whole, segment)
        sha256 = next(outcome.sha256 for outcome in mine if outcome.sha256 is not None)
        results.append((whole, sha256))
    return results


def _run(tasks: list[Task], anchor: bytes | None, target: SparkTarget, shown: str) -> list[Outcome]:
    """One Spark job of len(tasks) tasks (a range of ids, one per partition), outcomes in task order."""
    from checker.progress import polled
    from checker.spark_session import session_for, spark_message, stage_progress

    session, owned = target.session, False
    if session is None:
        session, owned = session_for(target.master, app="comply audit-log verify", purpose="audit-log verify on Spark")
    try:
        from pyspark.sql.functions import col, udf
        from pyspark.sql.types import BinaryType

        def check(index: int) -> bytes:
            return run_task(tasks[index], anchor)

        checked = udf(check, BinaryType(), useArrow=False)
        job = session.range(0, len(tasks), 1, len(tasks)).select(col("id"), checked(col("id")).alias("outcome"))
        try:
            with polled(f"Spark: verifying {shown}", lambda bar: stage_progress(session, bar)):
                rows = job.collect()
        except Exception as err:
            raise InputError(f"{shown}: Spark failed: {_task_message(err) or spark_message(err)}") from None
    finally:
        if owned:
            session.stop()
    by_index = {int(row["id"]): row["outcome"] for row in rows}
    if sorted(by_index) != list(range(len(tasks))):
        raise InputError(f"{shown}: Spark returned {len(by_index)} of {len(tasks)} task results")
    return [pickle.loads(bytes(by_index[index])) for index in range(len(tasks))]


def _task_message(err: BaseException) -> str | None:
    """The Python error a task raised (a PythonException's message is the worker's whole traceback: its last
    line says what went wrong, e.g. `ModuleNotFoundError: No module named 'checker'` on the executors)."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    if not any(line.startswith("Traceback (most recent call last)") for line in lines):
        return None
    errors = [line for line in lines if not line.startswith(("File ", "at ", "^", "~")) and ":" in line]
    last = errors[-1] if errors else None
    if last is not None and "No module named 'checker'" in last:
        last += " (install comply-gate in the executors' Python)"
    return last if last is None or len(last) <= 300 else last[:297] + "..."
