"""Read the columns of a predictions file (CSV, Parquet, JSON Lines) as Arrow batches.

Two ways, the same batches: `memory` reads CSV and JSON Lines whole with Arrow's multi-threaded
readers (fast, memory grows with the file), `stream` yields `batch_rows` rows at a time (memory bounded
by the batch, not the file). Parquet is read batch by batch either way (`read_ahead`), which is both
faster and smaller. Nothing here imports pandas (see `arrays`): `ParquetFile`, not `pyarrow.dataset`;
and pyarrow itself is imported by the readers only, so telling a file's format, its size and its digest
costs no import (a small CSV is counted without Arrow: `small_csv`). Only the named columns are read. Sensitive columns of CSV files are read as text, so a
group is named exactly as written; Parquet string columns are read dictionary-encoded, which hands
the counting pass its group codes without hashing.

Missing values: in CSV, an empty field and the tokens in `NULL_TOKENS` are missing (the DuckDB engine
is given the same list); in Parquet and JSON Lines, null (and NaN) are missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import InputError, one_line
from checker.evidence.loader import file_size
from checker.evidence.provenance import file_sha256
from checker.fairness.options import FairnessOptions

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
"""File suffix -> format; `.json` is read as JSON Lines (one object per line)."""

NULL_TOKENS = ("", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null")
"""CSV fields read as missing values (by every engine)."""

_CSV_BLOCK = 1 << 22
_PARQUET_MEMORY_BATCH = 1 << 21
"""Rows per batch of the memory engine's Parquet reading (the stream engine uses `batch_rows`)."""


def detect_format(path: Path, explicit: str | None) -> str:
    """The file's format: the one named, else from its suffix."""
    if explicit:
        return explicit
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: cannot tell the format from the name; use .csv, .parquet or .jsonl, or pass --input-format"
        )
    return fmt


def check_file(path: Path) -> int:
    """The predictions file's size; a missing, unreadable or empty file is an input error."""
    size = file_size(path, expected="a predictions file")
    if size == 0:
        raise InputError(f"{path}: file is empty")
    return size


def file_digest(path: Path) -> str:
    """sha256 of the predictions file (constant memory; hashlib releases the GIL, so this runs beside the
    counting pass)."""
    return file_sha256(path)


def read_batches(path: Path, fmt: str, options: FairnessOptions, *, stream: bool) -> Iterator[pa.RecordBatch]:
    """Yield the named columns of `path` as record batches (whole file first unless `stream`)."""
    import pyarrow as pa

    reader = _READERS[fmt]
    try:
        yield from reader(path, options, stream)
    except InputError:
        raise
    except (pa.ArrowException, OSError, ValueError) as err:
        raise InputError(f"{path}: cannot read as {fmt}: {one_line(str(err))}") from None


def check_columns(path: Path, present: list[str], options: FairnessOptions) -> None:
    """Every named column must exist; the error lists the ones that do."""
    for column in options.columns:
        if column not in present:
            shown = ", ".join(present[:20]) + (", ..." if len(present) > 20 else "")
            raise InputError(f"{path}: no column {column!r} (columns: {shown or 'none'})")


# -- Parquet -------------------------------------------------------------------------------------
def _parquet(path: Path, options: FairnessOptions, stream: bool) -> Iterator[pa.RecordBatch]:
    """`ParquetFile` rather than `pyarrow.dataset`: the dataset module imports pandas, which alone
    costs more than reading a million rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.ParquetFile(path).schema_arrow
    except pa.ArrowInvalid as err:
        raise InputError(f"{path}: not a Parquet file ({one_line(str(err))})") from None
    check_columns(path, schema.names, options)
    as_dictionary = [
        name
        for name in options.sensitive
        if pa.types.is_string(schema.field(name).type) or pa.types.is_large_string(schema.field(name).type)
    ]
    reader = pq.ParquetFile(path, read_dictionary=as_dictionary, pre_buffer=True)
    # Both engines read Parquet batch by batch: decoding (which releases the GIL) runs ahead in a
    # thread while the previous batch is counted, and the queue holds two batches, so memory does not
    # grow with the file. Reading the whole table first was slower (one large allocation, no overlap).
    size = options.batch_rows if stream else max(options.batch_rows, _PARQUET_MEMORY_BATCH)
    yield from read_ahead(reader.iter_batches(batch_size=size, columns=list(options.columns), use_threads=True))


def read_ahead(batches: Iterator[pa.RecordBatch], depth: int = 2) -> Iterator[pa.RecordBatch]:
    """Yield `batches`, produced by a background thread at most `depth` ahead of the consumer."""
    import queue
    import threading

    done = object()
    pending: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                if stop.is_set():
                    return
                pending.put(batch)
            pending.put(done)
        except BaseException as err:  # handed to the consumer, which raises it
            pending.put(err)

    worker = threading.Thread(target=produce, name="comply-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item = pending.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                pending.get_nowait()
            except queue.Empty:
                worker.join(0.01)


# -- CSV -----------------------------------------------------------------------------------------
def _csv_options(path: Path, options: FairnessOptions) -> tuple[object, object, object]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 20))
    check_columns(path, header.schema.names, options)
    text = pa.dictionary(pa.int32(), pa.string())
    convert = pacsv.ConvertOptions(
        include_columns=list(options.columns),
        column_types={name: text for name in options.sensitive},
        null_values=list(NULL_TOKENS),
        strings_can_be_null=True,
    )
    return pacsv.ReadOptions(block_size=_CSV_BLOCK), pacsv.ParseOptions(), convert


def _csv(path: Path, options: FairnessOptions, stream: bool) -> Iterator[pa.RecordBatch]:
    import pyarrow.csv as pacsv

    read, parse, convert = _csv_options(path, options)
    if stream:
        with pacsv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert) as reader:
            yield from reader
    else:
        yield from pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert).to_batches()


# -- JSON Lines ----------------------------------------------------------------------------------
def _jsonl(path: Path, options: FairnessOptions, stream: bool) -> Iterator[pa.RecordBatch]:
    import pyarrow.json as pajson

    read = pajson.ReadOptions(block_size=_CSV_BLOCK)
    if stream:
        with pajson.open_json(path, read_options=read) as reader:
            checked = False
            for batch in reader:
                if not checked:
                    check_columns(path, batch.schema.names, options)
                    checked = True
                yield batch.select(list(options.columns))
    else:
        table = pajson.read_json(path, read_options=read)
        check_columns(path, table.schema.names, options)
        yield from table.select(list(options.columns)).to_batches()


_READERS = {"parquet": _parquet, "csv": _csv, "jsonl": _jsonl}
