"""The Spark engine (`pip install 'comply-gate[spark]'`): the GROUP BY runs where the data lives.

A lender's decision logs are billions of rows in a data lake; they cannot come to the machine that runs
comply, and need not: the per-group confusion counts are a sufficient statistic (docs/counts.md). So
the same statement the DuckDB engine runs (`grouping.grouped_sql`) runs on a SparkSession, over a
Parquet file or a hive/Delta-style partitioned directory at any location Spark reads, or over a table
of its catalog, with the row filter (`where`, `period`) applied to the scan, so Spark reads only the
partitions of the period. A few hundred rows of counts come back to the driver, and the Counter and
`build_document` make the fairness document exactly as for every other engine.

Which session: the one passed in (Python API), else `spark_master` (`sc://...` is Spark Connect),
else `SPARK_REMOTE`, else the session already active in this process, else a new `local[*]` one. A
`spark://`, `sc://` or `k8s://` master is first checked to accept a connection (a few seconds at most),
so an unreachable cluster is one line, not a minute of retries and a JVM stack trace. A session comply
started itself is stopped when the counts are in.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from checker.errors import InputError, UsageError
from checker.fairness.counts import ROWS, Counter
from checker.fairness.dataset import is_delta_table
from checker.fairness.duck import MAX_RESULT_ROWS
from checker.fairness.grouping import Dialect, grouped_sql
from checker.fairness.options import FairnessOptions
from checker.fairness.readers import check_columns
from checker.progress import Bar, polled

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a remote master to accept a TCP connection."""

_DEFAULT_PORTS = {"spark": 7077, "sc": 15002, "k8s": 443, "mesos": 5050}


def quote(name: str) -> str:
    """A Spark SQL identifier, quoted."""
    return "`" + name.replace("`", "``") + "`"


SPARK = Dialect(quote=quote, not_finite=lambda value: f"(isnan({value}) OR abs({value}) = double('infinity'))")


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


def session_for(options: FairnessOptions) -> tuple[Any, bool]:
    """(the SparkSession to run on, whether comply created it and so must stop it)."""
    from checker.extras import require

    require("pyspark", "spark", "the spark engine")
    from pyspark.sql import SparkSession

    master = options.spark_master
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
            .appName("comply fairness")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
        )
        if target.startswith("local"):
            # the GROUP BY's result is a few hundred rows: 200 shuffle partitions on one machine are 200 tasks
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


def read_source(session: Any, location: str | None, table: str | None, options: FairnessOptions) -> Any:
    """The DataFrame of a table, a Delta directory or Parquet (a file or a partitioned directory)."""
    try:
        if table is not None:
            return session.table(table)
        assert location is not None
        local = Path(location)
        if "://" not in location:
            if not local.exists():
                raise InputError(f"{location}: no such file or directory")
            location = str(local.resolve())
            if local.is_dir() and is_delta_table(local):
                return session.read.format("delta").load(location)
            if local.is_file() and local.suffix.lower() not in (".parquet", ".pq") and options.file_format != "parquet":
                raise InputError(f"{location}: the spark engine reads Parquet, Delta or a table, not {local.suffix}")
        return session.read.parquet(location)
    except InputError:
        raise
    except Exception as err:
        name = f"table {table}" if table is not None else location
        raise InputError(f"{name}: spark cannot read it: {spark_message(err)}") from None


def count_with_spark(session: Any, frame: Any, where: str, options: FairnessOptions, counter: Counter) -> None:
    """Filter `frame` on the cluster, group it there, and add the few result rows to `counter`."""
    columns = list(frame.columns)
    check_columns(Path(where), columns, options)
    if options.period is not None and options.date_column not in columns:
        raise InputError(
            f"--period: no column {options.date_column!r} to filter on (columns: {', '.join(columns[:20])}); "
            "name it with --date-column"
        )
    condition = options.row_filter(quote)
    if condition is not None:
        try:
            frame = frame.where(condition)
        except Exception as err:
            raise UsageError(
                f"--where {options.where!r} is not a condition Spark can apply: {spark_message(err)}"
            ) from None
    view = f"comply_rows_{uuid.uuid4().hex}"
    frame.createOrReplaceTempView(view)
    try:
        grouped = session.sql(grouped_sql(view, options, SPARK)).limit(MAX_RESULT_ROWS + 1)
        with polled(f"Spark: counting {where}", lambda bar: _stage_progress(session, bar)):
            table = _to_arrow(grouped)
    except Exception as err:
        if options.where is not None and "ParseException" in type(err).__name__:
            raise UsageError(
                f"--where {options.where!r} is not a condition Spark can apply: {spark_message(err)}"
            ) from None
        raise InputError(f"{where}: spark failed: {spark_message(err)}") from None
    finally:
        session.catalog.dropTempView(view)
    if table.num_rows > MAX_RESULT_ROWS:
        raise InputError(
            f"{where}: more than {MAX_RESULT_ROWS} distinct group/label combinations; "
            f"are {options.y_true!r} and the prediction column binary labels?"
        )
    counter.add(table, weights=ROWS)


def _to_arrow(frame: Any) -> Any:
    """The grouped rows as an Arrow table (`toArrow` from Spark 4; rows otherwise)."""
    import pyarrow as pa

    to_arrow = getattr(frame, "toArrow", None)
    if to_arrow is not None:
        return to_arrow()
    rows = [row.asDict() for row in frame.collect()]
    return pa.Table.from_pylist(rows) if rows else pa.table({name: pa.array([], pa.null()) for name in frame.columns})


def _stage_progress(session: Any, bar: Bar) -> None:
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


def fairness_on_spark(
    location: Path | str | None,
    options: FairnessOptions,
    *,
    table: str | None = None,
    session: Any = None,
) -> dict[str, Any]:
    """The fairness document for Parquet at `location` (or a catalog `table`), counted on Spark."""
    from checker.evidence.provenance import display_path, tool_version
    from checker.fairness.document import add_filter_provenance, build_document

    if options.count_column is not None:
        raise UsageError("a counts table is already counted: read it without --engine spark")
    if (location is None) == (table is None):
        raise UsageError("the spark engine reads a path or a --table, one of them")
    where = f"table {table}" if table is not None else str(location)
    owned = False
    if session is None:
        session, owned = session_for(options)
    try:
        frame = read_source(session, None if location is None else str(location), table, options)
        counter = Counter(options)
        count_with_spark(session, frame, where, options, counter)
        files = _input_files(frame)
    finally:
        if owned:
            session.stop()
    if options.filtered and counter.rows == 0:
        raise InputError(f"{where}: no rows in the {options.filter_text()}")
    shown = table if table is not None else str(location)
    if table is None and "://" not in shown:
        shown = display_path(Path(shown))
    provenance: dict[str, Any] = {
        "file": shown,
        "rows": counter.rows,
        "format": "table" if table is not None else "parquet",
        "engine": "spark",
        "comply_version": tool_version(),
    }
    if table is not None:
        provenance["table"] = table
    if files is not None:
        provenance["files"] = files
    add_filter_provenance(provenance, options)
    return build_document(counter, options, provenance, where=where)


def _input_files(frame: Any) -> int | None:
    """How many files the source is made of (None when Spark cannot say, e.g. a view)."""
    try:
        return len(frame.inputFiles())
    except Exception:
        return None
