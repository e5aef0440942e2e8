"""The DuckDB engine (`pip install 'comply-gate[duckdb]'`): one GROUP BY over the file, counted in Python.

DuckDB scans the file out of core and in parallel and returns one row per (groups, raw label, raw
prediction) combination with its row count. Those few rows go through the same `Counter` as every
other engine, weighted by their counts, so labels are coerced, missing values grouped and metrics
derived by exactly the same code: only the scan differs. Its CSV reading is told the same missing
tokens, reads sensitive columns as text (like the Arrow reader) and label columns as text typed the
way Arrow's reader would type them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError, UsageError, one_line
from checker.fairness.counts import ROWS, Counter
from checker.fairness.dataset import data_files, is_delta_table
from checker.fairness.grouping import Dialect, grouped_sql
from checker.fairness.options import FairnessOptions
from checker.fairness.readers import NULL_TOKENS, check_columns
from checker.progress import Bar, polled

if TYPE_CHECKING:
    import pyarrow as pa

MAX_RESULT_ROWS = 5_000_000
"""More distinct (group, label, prediction) rows than this means a label column is not a label."""


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


DUCKDB = Dialect(quote=quote, not_finite=lambda value: f"NOT isfinite({value})")


def source_sql(
    path: Path, fmt: str, options: FairnessOptions, *, typed: bool = True, files: Sequence[Path] = ()
) -> str:
    """The table function that scans `path` (CSV sensitive columns as text, shared missing tokens);
    with `files`, the data files of a partitioned directory, partition values as columns."""
    location = _literal(str(path))
    if files:
        listed = ", ".join(_literal(str(file)) for file in files)
        return f"read_parquet([{listed}], hive_partitioning = true)"
    if fmt == "parquet":
        return f"read_parquet({location})"
    if fmt == "jsonl":
        return f"read_json({location}, format='newline_delimited')"
    nulls = ", ".join(_literal(token) for token in NULL_TOKENS)
    if not typed:
        return f"read_csv({location}, header=true, nullstr=[{nulls}])"
    text_columns = [*options.sensitive, options.y_true] + ([options.y_pred] if options.y_pred else [])
    types = ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in text_columns)
    return f"read_csv({location}, header=true, types={{{types}}}, nullstr=[{nulls}])"


def count_with_duckdb(
    path: Path, fmt: str, options: FairnessOptions, counter: Counter, *, directory: bool = False
) -> None:
    """Scan `path` (a file, or a partitioned directory) with DuckDB and add its grouped counts to
    `counter`. A row filter is applied to the scan (DuckDB skips the partitions and row groups it
    excludes) and parsed as one expression by DuckDB's relational API, so it cannot be a statement."""
    from checker.extras import require

    duckdb = require("duckdb", "duckdb", "the duckdb engine")
    files: list[Path] = []
    if directory:
        if is_delta_table(path):
            raise InputError(
                f"{path}: a Delta table (_delta_log/): its Parquet files may include removed ones; read it with "
                "--engine spark"
            )
        files = data_files(path)
    connection = duckdb.connect(config={"threads": 2})
    # progress is tracked (comply's bar, on stderr, reads it) but DuckDB's own bar, which prints to
    # stdout where the JSON goes, is never drawn
    connection.execute("SET enable_progress_bar = true")
    connection.execute("SET enable_progress_bar_print = false")
    try:
        source = source_sql(path, fmt, options, files=files)
        condition = options.row_filter(quote)
        if condition is None:
            relation = connection.sql(grouped_sql(source, options, DUCKDB))
        else:
            relation = _filtered(connection, duckdb, source, path, options, condition).query(
                "comply_rows", grouped_sql("comply_rows", options, DUCKDB)
            )
        with polled(f"DuckDB: counting {path.name}", lambda bar: _query_progress(connection, bar)):
            # DuckDB 2.x calls it to_arrow_table, 1.x arrow
            table = (getattr(relation, "to_arrow_table", None) or relation.arrow)()
    except duckdb.Error as err:
        _explain(connection, path, fmt, options, files)
        raise InputError(f"{path}: duckdb cannot read it as {fmt}: {one_line(str(err))}") from None
    finally:
        connection.close()
    if table.num_rows > MAX_RESULT_ROWS:
        raise InputError(
            f"{path}: more than {MAX_RESULT_ROWS} distinct group/label combinations; "
            f"are {options.y_true!r} and the prediction column binary labels?"
        )
    if fmt == "csv":
        table = _typed_like_arrow_csv(table, [options.y_true] + ([options.y_pred] if options.y_pred else []))
    counter.add(table, weights=ROWS)


def _query_progress(connection: Any, bar: Bar) -> None:
    """DuckDB's own estimate of the running query's progress (percent; -1 before it starts)."""
    done = float(connection.query_progress())
    if done >= 0:
        bar.update(completed=done)


def _filtered(connection: Any, duckdb: Any, source: str, path: Path, options: FairnessOptions, condition: str) -> Any:
    """The scan with the row filter applied; a filter that does not parse or names no column is the
    filter's error, not the file's."""
    relation = connection.sql(f"SELECT * FROM {source}")
    columns = list(relation.columns)
    check_columns(path, columns, options)
    if options.period is not None and options.date_column not in columns:
        raise InputError(
            f"--period: no column {options.date_column!r} to filter on (columns: {', '.join(columns[:20])}); "
            "name it with --date-column"
        )
    try:
        return relation.filter(condition)
    except duckdb.Error as err:
        raise UsageError(
            f"--where {options.where!r} is not a condition DuckDB can apply: {one_line(str(err))}"
        ) from None


def _explain(connection: Any, path: Path, fmt: str, options: FairnessOptions, files: Sequence[Path] = ()) -> None:
    """After a failed query, say what is wrong in comply's words when it is a missing column or a
    score that is not a number (checked only then: describing the file first costs every run)."""
    try:
        described = connection.execute(
            f"DESCRIBE SELECT * FROM {source_sql(path, fmt, options, typed=False, files=files)}"
        ).fetchall()
    except Exception:  # the file itself is unreadable: the query's own message says why
        return
    types = {row[0]: str(row[1]) for row in described}
    check_columns(path, list(types), options)
    if options.score is not None and not _numeric(types[options.score]):
        raise InputError(f"score column {options.score!r} has type {types[options.score]}; expected numbers")


def _numeric(sql_type: str) -> bool:
    base = sql_type.split("(")[0].upper()
    return base in {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
        "FLOAT",
        "DOUBLE",
        "DECIMAL",
        "REAL",
    }


def _typed_like_arrow_csv(table: pa.Table, columns: list[str]) -> pa.Table:
    """Type the label columns, read as text, the way Arrow's CSV reader infers them (integer, then
    boolean, then float, else text): DuckDB's own CSV sniffer reads e.g. yes/no as booleans, which
    would give labels another meaning than in the other engines."""
    import pyarrow as pa

    for name in columns:
        index = table.schema.get_field_index(name)
        column = table.column(index)
        for kind in (pa.int64(), pa.bool_(), pa.float64()):
            try:
                column = column.cast(kind)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                continue
            break
        table = table.set_column(index, name, column)
    return table
