"""Compute the fairness document from a predictions file: read, count once, derive, describe.

`compute_fairness(path, options)` is the entry point for the CLI and `comply check --predictions`;
`fairness_from_table(table, options)` does the same for data already in memory (a pandas DataFrame or
an Arrow table). Both return the normalized fairness document of `schemas/fairness.schema.json`
(`source: computed`), which becomes `input.evidence.fairness`.

Input rules (each a one-line InputError, exit 2, rather than a number that means nothing):
a missing column; an empty file or one with no rows; no row with both a label and a prediction;
a sensitive column with no values at all; positive labels that match no row; a reference group that
is not in the data. Rows with a missing label, prediction or score are excluded and counted
(`rows.excluded`, and per group `excluded`); a group left with no rows is reported and flagged
`empty`; groups under `min_group_size` are reported and flagged `small`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError, UsageError
from checker.fairness.dataset import data_files, directory_digest, directory_size
from checker.fairness.document import add_filter_provenance, build_document
from checker.fairness.options import FILTERING_ENGINES, MEMORY_ENGINE_MAX_BYTES, FairnessOptions
from checker.fairness.readers import check_columns, check_file, detect_format, file_digest, read_batches
from checker.progress import progress, showing

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["add_filter_provenance", "build_document", "choose_engine", "compute_fairness", "fairness_from_table"]


def choose_engine(options: FairnessOptions, size: int, *, directory: bool = False) -> str:
    """`auto` reads files up to 1 GiB whole and streams bigger ones; a partitioned directory or a row
    filter needs an engine that reads directories and filters where it reads: DuckDB."""
    if options.engine != "auto":
        engine = options.engine
    elif directory or options.filtered:
        engine = "duckdb"
    else:
        engine = "memory" if size <= MEMORY_ENGINE_MAX_BYTES else "stream"
    if directory and engine not in FILTERING_ENGINES:
        raise UsageError(f"a directory of Parquet files is read by --engine duckdb or spark, not {engine}")
    return engine


def compute_fairness(
    path: Path | str | None,
    options: FairnessOptions,
    *,
    table: str | None = None,
    session: Any = None,
) -> dict[str, Any]:
    """The fairness document for the predictions at `path`: a file, or a partitioned Parquet directory
    (DuckDB, Spark). With the Spark engine, `path` may be any location Spark reads (`s3a://...`) or
    None with a `table` name; `session` is the SparkSession to run on (default: see `spark.session`)."""
    if options.engine == "spark" or table is not None:
        from checker.fairness.spark import fairness_on_spark

        return fairness_on_spark(path, options, table=table, session=session)
    if path is None:
        raise UsageError("name a predictions file or directory")
    path = Path(path)
    directory = path.is_dir()
    if directory:
        if options.count_column is not None:
            raise InputError(f"{path}: a counts table is one file, not a directory")
        files = data_files(path)
        fmt = "parquet"
        size = directory_size(files)
    else:
        fmt = detect_format(path, options.file_format)
        size = check_file(path)
    engine = choose_engine(options, size, directory=directory)
    if fmt == "csv" and engine == "memory" and not options.auc:
        from checker.fairness.small_csv import count_small_csv

        small = count_small_csv(path, options)
        if small is not None:
            provenance = _provenance(path, small.sha256, size, small.rows, fmt, engine, options, None)
            return build_document(small, options, provenance, where=str(path))
    from checker.fairness.counts import Counter, check_row_counts

    counter = Counter(options)
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(directory_digest, path, files) if directory else pool.submit(file_digest, path)
        try:
            if options.count_column is not None:
                engine = "stream" if engine == "stream" else "memory"
                for batch in read_batches(path, fmt, options, stream=engine == "stream"):
                    check_row_counts(batch.column(options.count_column), options.count_column)
                    counter.add(batch, weights=options.count_column)
            elif engine == "duckdb":
                from checker.fairness.duck import count_with_duckdb

                count_with_duckdb(path, fmt, options, counter, directory=directory)
            else:
                with progress(f"Counting {path.name}", total=_row_count(path, fmt), unit="rows") as bar:
                    for batch in read_batches(path, fmt, options, stream=engine == "stream"):
                        counter.add(batch)
                        bar.update(advance=batch.num_rows)
        except InputError as err:
            message = str(err)
            raise InputError(message if message.startswith(str(path)) else f"{path}: {message}") from None
        digest = hashing.result()
    if options.filtered and counter.rows == 0:
        raise InputError(f"{path}: no rows in the {options.filter_text()}")
    by_rows = None
    if options.auc:
        if engine != "memory":
            raise UsageError(
                f"--auc needs the rows' scores in memory (--engine memory), not {engine}: ROC AUC cannot come from counts"
            )
        from checker.fairness.performance import auc_by_group

        by_rows = auc_by_group(read_batches(path, fmt, options, stream=False), options)
    provenance = _provenance(path, digest, size, counter.rows, fmt, engine, options, len(files) if directory else None)
    return build_document(counter, options, provenance, where=str(path), auc=by_rows)


def _provenance(
    path: Path, digest: str, size: int, rows: int, fmt: str, engine: str, options: FairnessOptions, files: int | None
) -> dict[str, Any]:
    """Where the numbers come from: the file (or directory of `files` files), its sha256 and size, what read it."""
    from checker.evidence.provenance import display_path, tool_version

    provenance: dict[str, Any] = {
        "file": display_path(path),
        "sha256": digest,
        "bytes": size,
        "rows": rows,
        "format": fmt,
        "engine": engine,
        "comply_version": tool_version(),
    }
    if files is not None:
        provenance["files"] = files
    if options.count_column is not None:
        provenance["counts"] = True
    add_filter_provenance(provenance, options)
    return provenance


def _row_count(path: Path, fmt: str) -> int | None:
    """A Parquet file's row count from its footer, for the progress bar (None: unknown, or no bar)."""
    if fmt != "parquet" or not showing():
        return None
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # the reader reports an unreadable file in its own words
        return None


def fairness_from_table(
    table: Any, options: FairnessOptions, *, provenance: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The fairness document for an in-memory pandas DataFrame or Arrow table."""
    import pyarrow as pa

    if not isinstance(table, (pa.Table, pa.RecordBatch)):
        table = pa.Table.from_pandas(table, preserve_index=False)
    from checker.fairness.counts import Counter

    check_columns(Path("<table>"), list(table.schema.names), options)
    counter = Counter(options)
    batches = _batches(table.select(list(options.columns)))
    for batch in batches:
        counter.add(batch)
    by_rows = None
    if options.auc:
        from checker.fairness.performance import auc_by_group

        by_rows = auc_by_group(iter(batches), options)
    facts = {"file": "<in-memory table>", "rows": counter.rows, "format": "table", "engine": "memory"}
    return build_document(counter, options, {**facts, **(provenance or {})}, where="<table>", auc=by_rows)


def _batches(table: pa.Table | pa.RecordBatch) -> list[pa.RecordBatch]:
    import pyarrow as pa

    return [table] if isinstance(table, pa.RecordBatch) else table.to_batches()
