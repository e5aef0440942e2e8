"""The DuckDB engine (`pip install 'comply-gate[duckdb]'`): one GROUP BY over the file, counted in Python.

DuckDB scans the file out of core and in parallel and returns one row per (groups, raw label, raw
prediction) combination with its row count. Those few rows go through the same `Counter` as every
other engine, weighted by their counts, so labels are coerced, missing values grouped and metrics
derived by exactly the same code: only the scan differs. Its CSV reading is told the same missing
tokens, reads sensitive columns as text (like the Arrow reader) and label columns as text typed the
way Arrow's reader would type them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError, one_line
from checker.fairness.counts import PRED_FROM_SCORE, ROWS, SCORE_MISSING, SCORE_SUM, Counter
from checker.fairness.options import FairnessOptions
from checker.fairness.readers import NULL_TOKENS, check_columns

if TYPE_CHECKING:
    import pyarrow as pa

MAX_RESULT_ROWS = 5_000_000
"""More distinct (group, label, prediction) rows than this means a label column is not a label."""


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def source_sql(path: Path, fmt: str, options: FairnessOptions, *, typed: bool = True) -> str:
    """The table function that scans `path` (CSV sensitive columns as text, shared missing tokens)."""
    location = _literal(str(path))
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


def grouped_sql(path: Path, fmt: str, options: FairnessOptions) -> str:
    """The GROUP BY query whose rows the Counter counts with weights."""
    keys = [quote(name) for name in options.sensitive] + [quote(options.y_true)]
    selects = list(keys)
    if options.y_pred is not None:
        selects.append(quote(options.y_pred))
        keys.append(quote(options.y_pred))
    if options.score is not None:
        score = f"CAST({quote(options.score)} AS DOUBLE)"
        missing = f"({score} IS NULL OR NOT isfinite({score}))"
        selects.append(f"{missing} AS {quote(SCORE_MISSING)}")
        keys.append(missing)
        selects.append(f"sum(CASE WHEN {missing} THEN 0 ELSE {score} END) AS {quote(SCORE_SUM)}")
        if options.y_pred is None:
            decided = f"CAST(coalesce({score} >= {float(options.threshold)!r} AND NOT {missing}, false) AS TINYINT)"
            selects.append(f"{decided} AS {quote(PRED_FROM_SCORE)}")
            keys.append(decided)
    selects.append(f"count(*) AS {quote(ROWS)}")
    return f"SELECT {', '.join(selects)} FROM {source_sql(path, fmt, options)} GROUP BY {', '.join(keys)}"


def count_with_duckdb(path: Path, fmt: str, options: FairnessOptions, counter: Counter) -> None:
    """Scan `path` with DuckDB and add its grouped counts to `counter`."""
    from checker.extras import require

    duckdb = require("duckdb", "duckdb", "the duckdb engine")
    connection = duckdb.connect(config={"threads": 2})
    try:
        relation = connection.sql(grouped_sql(path, fmt, options))
        # DuckDB 2.x calls it to_arrow_table, 1.x arrow
        table = (getattr(relation, "to_arrow_table", None) or relation.arrow)()
    except duckdb.Error as err:
        _explain(connection, path, fmt, options)
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


def _explain(connection: Any, path: Path, fmt: str, options: FairnessOptions) -> None:
    """After a failed query, say what is wrong in comply's words when it is a missing column or a
    score that is not a number (checked only then: describing the file first costs every run)."""
    try:
        described = connection.execute(
            f"DESCRIBE SELECT * FROM {source_sql(path, fmt, options, typed=False)}"
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
