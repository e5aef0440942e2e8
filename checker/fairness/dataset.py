"""A partitioned Parquet directory as one predictions source: its files, its size, its digest.

Data lakes write one directory per partition value (`decision_date=2026-06-01/part-0.parquet`, the
hive and Delta layout). The DuckDB and Spark engines read such a directory as one table, with the
partition values as columns, and skip the partitions a filter excludes. What comply records about the
directory is what it records about a file: its size and a sha256, here over the directory's data files
(`sha256sum`-style lines `<sha256>  <relative path>`, sorted by path, hashed again), so renaming,
removing, adding or changing one file changes the digest.

Files and directories whose name starts with `_` or `.` (`_SUCCESS`, `_delta_log/`, `.crc` files) are
not data, as for Spark and DuckDB.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from checker.errors import InputError
from checker.evidence.loader import note_input
from checker.evidence.provenance import file_sha256

DATA_SUFFIXES = (".parquet", ".pq")


def is_hidden(part: str) -> bool:
    return part.startswith(("_", "."))


def data_files(directory: Path) -> list[Path]:
    """The Parquet files below `directory` (any depth, hidden names skipped), sorted; none is an error."""
    found = sorted(
        path
        for path in directory.rglob("*")
        if path.suffix.lower() in DATA_SUFFIXES
        and path.is_file()
        and not any(is_hidden(part) for part in path.relative_to(directory).parts)
    )
    if not found:
        raise InputError(f"{directory}: a directory with no Parquet files (expected e.g. decision_date=.../*.parquet)")
    return found


def is_delta_table(directory: Path) -> bool:
    """A Delta table keeps its log in `_delta_log/`: its Parquet files alone may include removed ones."""
    return (directory / "_delta_log").is_dir()


def directory_size(files: list[Path]) -> int:
    size = 0
    for path in files:
        note_input(path)
        size += path.stat().st_size
    return size


def directory_digest(directory: Path, files: list[Path]) -> str:
    """sha256 over the sorted `<sha256>  <relative path>` lines of the data files (1 MiB reads)."""
    listing = hashlib.sha256()
    for path in files:
        listing.update(f"{file_sha256(path)}  {path.relative_to(directory).as_posix()}\n".encode())
    return listing.hexdigest()
