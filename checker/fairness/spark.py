"""The Spark engine (`pip install 'comply-gate[spark]'`): the GROUP BY runs where the data lives.

A lender's decision logs are billions of rows in a data lake; they cannot come to the machine that runs
comply, and need not: the per-group confusion counts are a sufficient statistic (docs/counts.md). So
the same statement the DuckDB engine runs (`grouping.grouped_sql`) runs on a SparkSession, over a
Parquet file or a hive/Delta-style partitioned directory at any location Spark reads, or over a table
of its catalog, with the row filter (`where`, `period`) applied to the scan, so Spark reads only the
partitions of the period. A few hundred rows of counts come back to the driver, and the Counter and
`build_document` make the fairness document exactly as for every other engine.

Which session: the one passed in (Python API), else the one `checker.spark_session` picks for
`spark_master` (Spark Connect, `SPARK_REMOTE`, the active session, `local[*]`; an unreachable master is
one line). A session comply started itself is stopped when the counts are in.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from checker.errors import InputError, UsageError
from checker.fairness.counts import ROWS, Counter
from checker.fairness.dataset import is_delta_table
from checker.fairness.duck import MAX_RESULT_ROWS
from checker.fairness.grouping import Dialect, grouped_sql
from checker.fairness.options import FairnessOptions
from checker.fairness.readers import check_columns
from checker.progress import polled
from checker.spark_session import session_for, spark_message, stage_progress


def quote(name: str) -> str:
    """A Spark SQL identifier, quoted."""
    return "`" + name.replace("`", "``") + "`"


SPARK = Dialect(quote=quote, not_finite=lambda value: f"(isnan({value}) OR abs({value}) = double('infinity'))")


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
        with polled(f"Spark: counting {where}", lambda bar: stage_progress(session, bar)):
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
        session, owned = session_for(options.spark_master, app="comply fairness", purpose="the spark engine")
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
