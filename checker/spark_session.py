"""The SparkSession comply runs on, for every command that runs on Spark (`pip install 'comply-gate[spark]'`).

Fairness counts (`checker.fairness.spark`) and audit-log verification (`checker.evidence.audit_spark`) both
need the same things from Spark: the right session, a one-line error when there is none, and progress. So
they live here once.

Which session: `master` when given (`sc://...` is Spark Connect), else `SPARK_REMOTE`, else the session
already active in this process, else a new `local[*]` one. A `spark://`, `sc://` or `k8s://` master is first
checked to accept a connection (a few seconds at most), so an unreachable cluster is one line, not a minute of
retries and a JVM stack trace. The caller stops a session comply started itself (`owned`) when its work is done.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from checker.errors import UsageError
from checker.progress import Bar

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a remote master to accept a TCP connection."""

_DEFAULT_PORTS = {"spark": 7077, "sc": 15002, "k8s": 443, "mesos": 5050}


def spark_message(err: BaseException) -> str:
    """The first line of a Spark or Py4J error (the rest is a JVM stack trace), at most 300 characters."""
    text = getattr(err, "getMessage", None)
    message = str(text() if callable(text) else err)
    if "Py4JJavaError" in type(err).__name__ and getattr(err, "java_exception", None) is not None:
        message = str(err.java_exception)  # type: ignore[attr-defined]
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    first = lines[0] if lines else type(err).__name__
    return first if len(first) <= 300 else first[:297] + "..."


def check_reachable(master: str) -> None:
    """Refuse a remote master that does not accept a TCP connection (local and yarn are not checked)."""
    parts = urlsplit(master)
    scheme = parts.scheme
    if scheme not in _DEFAULT_PORTS:
        return
    netloc = parts.netloc
    if scheme == "k8s":  # k8s://https://host:port
        netloc = urlsplit(master[len("k8s://") :]).netloc
    reasons = []
    for address in netloc.split(","):  # spark://host1:7077,host2:7077 (standby masters)
        host, _, port_text = address.rpartition(":") if ":" in address else (address, "", "")
        try:
            port = int(port_text) if port_text else _DEFAULT_PORTS[scheme]
        except ValueError:
            raise UsageError(f"--spark-master {master!r}: {port_text!r} is not a port") from None
        try:
            with socket.create_connection((host or "localhost", port), timeout=CONNECT_TIMEOUT):
                return
        except OSError as err:
            reasons.append(f"{host}:{port}: {err.strerror or err}")
    raise UsageError(f"cannot reach the Spark master {master}: {'; '.join(reasons) or 'no host'}")


def session_for(master: str | None, *, app: str, purpose: str) -> tuple[Any, bool]:
    """(the SparkSession to run on, whether comply created it and so must stop it). `app` is the Spark
    application's name; `purpose` names the work in the missing-pyspark error (`the spark engine needs ...`)."""
    from checker.extras import require

    require("pyspark", "spark", purpose)
    from pyspark.sql import SparkSession

    remote = master if master is not None and master.startswith("sc://") else None
    if master is None:
        remote = os.environ.get("SPARK_REMOTE") or None
        if remote is None:
            active = SparkSession.getActiveSession()
            if active is not None:
                return active, False
    target = remote or master or "local[*]"
    check_reachable(target)
    try:
        if remote is not None:
            return SparkSession.builder.remote(remote).getOrCreate(), True
        builder = (
            SparkSession.builder.master(target)
            .appName(app)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
        )
        if target.startswith("local"):
            # comply's results are small (a few hundred rows): 200 shuffle partitions on one machine are 200 tasks
            builder = builder.config("spark.sql.shuffle.partitions", str(max(2, os.cpu_count() or 2)))
        with _jvm_output_to(_jvm_log()) as log:
            try:
                session = builder.getOrCreate()
            except Exception as err:  # the JVM did not start: no Java, a bad master URL
                raise UsageError(f"cannot start Spark on {target}: {spark_message(err)} (Spark's log: {log})") from None
    except ImportError as err:
        raise UsageError(
            f"Spark Connect ({target}) needs {err.name or 'its client libraries'}, which is not installed: "
            "pip install 'pyspark[connect]'"
        ) from None
    except UsageError:
        raise
    except Exception as err:
        raise UsageError(f"cannot start Spark on {target}: {spark_message(err)}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session, True


def _jvm_log() -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / f"comply-spark-{os.getpid()}.log"


@contextmanager
def _jvm_output_to(log: Path) -> Iterator[Path]:
    """Start the JVM with its stderr on `log`: Spark logs a dozen lines at startup (and its stack traces
    later) on the stderr it inherits, which would bury comply's one-line errors. Only the process-level
    descriptor is swapped, for as long as the JVM takes to start; comply's own stderr is restored."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with log.open("ab") as handle:
            os.dup2(handle.fileno(), 2)
        yield log
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def stage_progress(session: Any, bar: Bar) -> None:
    """Tasks done over tasks of the running stages (classic sessions; Spark Connect has no tracker)."""
    context = getattr(session, "sparkContext", None)
    if context is None:
        return
    tracker = context.statusTracker()
    stages = [tracker.getStageInfo(stage) for stage in tracker.getActiveStageIds()]
    stages = [stage for stage in stages if stage is not None]
    total = sum(stage.numTasks for stage in stages)
    if total:
        bar.update(completed=100.0 * sum(stage.numCompletedTasks for stage in stages) / total)
