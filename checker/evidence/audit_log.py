"""Audit-log verification: check a JSON Lines log (or a directory of daily logs) and summarise what it proves
(`input.evidence.audit_log`, schema `audit_log_summary`).

Why streamed by hand: logs reach gigabytes, so a file is read in fixed-size chunks and only counters, the last
hash and capped problem lists are kept (memory does not grow with the file). The line checks live in
`checker.evidence.audit_scan`; this module decides how a file is cut into byte ranges (one per process for big
files), joins the ranges back in order, and words the summary. The result is the same for any number of processes.

What cannot be seen from the file alone: lines cut off the *end* at a line boundary, or a log rewritten with
recomputed hashes. Record `head_hash` somewhere else (a ticket, a release) and pass it back as `expect_head`: the
entry with that hash must still be in the log. A directory of daily files is verified as one chain against its
manifest (`checker.evidence.audit_set`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError
from checker.evidence import audit_scan
from checker.evidence.audit_scan import (
    GENESIS_BYTES,
    MAX_LISTED,
    MAX_MODELS,
    PROBLEM_KINDS,
    Segment,
    insert_first,
    join,
    scan,
)
from checker.progress import Bar, progress

if TYPE_CHECKING:
    from checker.evidence.audit_spark import SparkTarget

BINARY_SNIFF = 8192
PARALLEL_MIN_BYTES = 1 << 26  # below 64 MiB one process is faster than starting more
MAX_AUTO_JOBS = 8
HEX_DIGITS = frozenset("0123456789abcdef")

__all__ = ["MAX_LISTED", "auto_jobs", "check_hash_option", "verify_audit_log"]


def verify_audit_log(
    path: str | os.PathLike[str],
    *,
    expect_first_prev: str | None = None,
    expect_head: str | None = None,
    display_path: str | None = None,
    jobs: int | None = 1,
    spark: SparkTarget | None = None,
) -> dict[str, Any]:
    """Verify the log at `path` (a file, or a directory of daily files) and return its summary.

    `expect_first_prev`: the prev_hash the first entry must carry when this file continues a pruned or rotated
    log (default: the genesis value). `expect_head`: a content_hash recorded earlier; that entry must still be in
    the log (catches lines cut off the end). `jobs`: processes to verify with (None: by file size and CPUs).
    `spark`: check the lines on Spark instead (`checker.evidence.audit_spark`; the same summary).
    Unreadable, binary or non-regular files raise `InputError`; everything wrong inside the log is reported.
    """
    shown = display_path or str(path)
    for name, value in (("continuation hash", expect_first_prev), ("expected head hash", expect_head)):
        if value is not None:
            check_hash_option(value, f"{shown}: {name}")
    if Path(path).is_dir():
        from checker.evidence.audit_set import verify_audit_set

        return verify_audit_set(Path(path), shown, expect_head=expect_head, jobs=jobs, spark=spark)
    anchor = expect_head.encode("ascii") if expect_head else None
    [(segment, sha256)] = verify_files([(Path(path), shown)], shown, jobs=jobs, anchor=anchor, spark=spark)
    check_first_link(segment, (expect_first_prev or "").encode("ascii") or GENESIS_BYTES)
    check_anchor(segment, anchor)
    return summary_document(segment, shown, sha256)


def check_hash_option(value: str, name: str) -> str:
    """A hash given by the user: 64 lowercase hex characters, or an input error naming the option."""
    if len(value) != 64 or not set(value) <= HEX_DIGITS:
        raise InputError(f"{name}: expected 64 lowercase hex characters, got {value[:80]!r}")
    return value


def auto_jobs(size: int) -> int:
    """How many processes pay off for a file of `size` bytes: one per 64 MiB, at most one per CPU (and 8)."""
    return max(1, min(os.cpu_count() or 1, MAX_AUTO_JOBS, size // PARALLEL_MIN_BYTES))


def open_log(path: Path, shown: str) -> int:
    """An open descriptor on a regular, non-binary file, or an input error (a FIFO would block forever)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise InputError(f"{shown}: cannot read audit log: {err.strerror or err}") from err
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{shown}: cannot read audit log: not a regular file")
        head = os.pread(fd, BINARY_SNIFF, 0)
    except OSError as err:
        os.close(fd)
        raise InputError(f"{shown}: cannot read audit log: {err.strerror or err}") from err
    except InputError:
        os.close(fd)
        raise
    nul = head.find(b"\x00")
    if nul >= 0:
        os.close(fd)
        raise InputError(f"{shown}: binary file (NUL byte at offset {nul}); expected a JSON Lines audit log")
    return fd


def verify_files(
    files: list[tuple[Path, str]], shown: str, *, jobs: int | None, anchor: bytes | None, spark: SparkTarget | None
) -> Iterator[tuple[Segment, str]]:
    """Each file's joined segment and SHA-256, in order: here (`jobs` processes per file), or on Spark (all
    files in one job). `files`: (path, name to report it by); `shown`: the log as the user named it."""
    if spark is not None:
        from checker.evidence.audit_spark import verify_on_spark

        yield from verify_on_spark(files, anchor, spark, shown)
        return
    for path, name in files:
        yield verify_file(path, name, jobs=jobs, anchor=anchor)


def verify_file(path: Path, shown: str, *, jobs: int | None, anchor: bytes | None = None) -> tuple[Segment, str]:
    """One file's joined segment (links inside it checked) and its SHA-256."""
    fd = open_log(path, shown)
    try:
        size = os.fstat(fd).st_size
        workers = auto_jobs(size) if jobs is None else max(1, jobs)
        bounds = line_bounds(fd, size, workers) if workers > 1 else [0, size]
        with progress(f"Verifying {path.name}", total=size, unit="bytes") as bar:
            if len(bounds) > 2:
                return _verify_parallel(path, fd, bounds, anchor, bar)
            digest = _BackgroundDigest(bar)
            try:
                with os.fdopen(os.dup(fd), "rb", buffering=0) as handle:
                    segment = scan(handle, None, digest, anchor)
            finally:
                sha256 = digest.hexdigest()
        return segment, sha256
    except OSError as err:
        raise InputError(f"{shown}: cannot read audit log: {err.strerror or err}") from err
    finally:
        os.close(fd)


def line_bounds(fd: int, size: int, parts: int) -> list[int]:
    """Offsets that cut the file into about `parts` byte ranges, each starting at a line start."""
    bounds = [0]
    for k in range(1, parts):
        at = max(size * k // parts, bounds[-1])
        while at < size:
            window = os.pread(fd, 1 << 16, at)
            newline = window.find(b"\n")
            if newline >= 0:
                at += newline + 1
                break
            at += len(window)
        if bounds[-1] < at < size:
            bounds.append(at)
    bounds.append(size)
    return bounds


def _scan_range(path: str, start: int, stop: int, anchor: bytes | None) -> Segment:
    """A worker process's job: check the lines in [start, stop) of the file."""
    with open(path, "rb", buffering=0) as handle:
        handle.seek(start)
        return scan(handle, stop - start, None, anchor)


def _verify_parallel(path: Path, fd: int, bounds: list[int], anchor: bytes | None, bar: Bar) -> tuple[Segment, str]:
    """Ranges in worker processes while this one hashes the whole file; ranges joined in file order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    ranges = list(pairwise(bounds))
    with ProcessPoolExecutor(max_workers=len(ranges), mp_context=context) as pool:
        futures = [pool.submit(_scan_range, str(path), start, stop, anchor) for start, stop in ranges]
        digest = hashlib.sha256()
        offset = 0
        while True:
            chunk = os.pread(fd, audit_scan.CHUNK_SIZE, offset)
            if not chunk:
                break
            digest.update(chunk)
            offset += len(chunk)
            bar.update(completed=offset)
        segments = [future.result() for future in futures]
    whole = segments[0]
    for segment in segments[1:]:
        join(whole, segment)
    return whole, digest.hexdigest()


class _BackgroundDigest:
    """SHA-256 of the whole file computed beside the line checks; at most one chunk waits, so memory stays flat.
    Every chunk the checks read passes here, so it also moves the progress bar."""

    def __init__(self, bar: Bar) -> None:
        self._bar = bar
        self._digest = hashlib.sha256()
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending: Future[None] | None = None

    def update(self, chunk: bytes) -> None:
        if self._pending is not None:
            self._pending.result()
        self._pending = self._pool.submit(self._digest.update, chunk)
        self._bar.update(advance=len(chunk))

    def hexdigest(self) -> str:
        if self._pending is not None:
            self._pending.result()
        self._pool.shutdown()
        return self._digest.hexdigest()


def check_first_link(segment: Segment, expect_prev: bytes) -> None:
    """The first entry must start the chain (genesis) or continue the expected earlier head."""
    if segment.entries == 0 or segment.first_prev == expect_prev:
        return
    what = "the genesis value" if expect_prev == GENESIS_BYTES else "the expected continuation hash"
    insert_first(
        segment.chain_breaks, segment.first_line, f"first entry's prev_hash is not {what} (earlier lines removed?)"
    )


def check_anchor(segment: Segment, anchor: bytes | None, where: str | None = None) -> None:
    """A head recorded earlier must still be in the log: if it is not, lines were cut off the end (or it is
    another log). Reported at the line after the last, where the missing entries would be."""
    if anchor is None or segment.anchor_line is not None:
        return
    problem: dict[str, Any] = {
        "line": segment.lines + 1,
        "reason": (
            f"the expected head {anchor.decode()[:16]}... is not in the log: entries cut off the end "
            f"after line {segment.lines} (seq {segment.last_seq}), or a different log"
        ),
    }
    if where is not None:
        problem = {"file": where, **problem}
    segment.chain_breaks.total += 1
    if len(segment.chain_breaks.listed) < MAX_LISTED:
        segment.chain_breaks.listed.append(problem)


def _text(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


def _parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def summary_document(segment: Segment, shown: str, sha256: str) -> dict[str, Any]:
    """The summary (`audit_log_summary` schema); `intact` means every line verified and the chain is unbroken."""
    span = None
    if segment.first_ts is not None and segment.max_ts is not None:
        delta = _parse_utc(_text(segment.max_ts)) - _parse_utc(_text(segment.first_ts))
        span = round(delta.total_seconds() / 86400, 3)
    problems = {kind: getattr(segment, kind) for kind in PROBLEM_KINDS}
    models = list(segment.models.items())[:MAX_MODELS]
    summary: dict[str, Any] = {
        "file": shown,
        "sha256": sha256,
        "bytes": segment.size,
        "lines": segment.lines,
        "entries": segment.entries,
        "event_counts": dict(sorted((_text(event), n) for event, n in segment.event_counts.items())),
        "models": [
            {"model": _text(model), "version": _text(version), "entries": count}
            for (model, version), count in sorted(models)
        ],
        "span_days": span,
        "max_gap_days": segment.max_gap_days,
        "crlf_lines": segment.crlf_lines,
        "final_newline": segment.final_newline,
        "listed_max": MAX_LISTED,
        "intact": all(problems[name].total == 0 for name in ("hash_failures", "chain_breaks", "unparseable")),
    }
    optional: dict[str, Any] = {
        "first_timestamp": segment.first_ts,
        "last_timestamp": segment.max_ts,
        "head_hash": segment.last_hash,
        "first_prev_hash": segment.first_prev,
    }
    summary.update({key: _text(value) for key, value in optional.items() if value is not None})
    if segment.max_gap_line is not None:
        summary["max_gap_line"] = segment.max_gap_line
        if segment.max_gap_file is not None:
            summary["max_gap_file"] = segment.max_gap_file
    if segment.anchor is not None and segment.anchor_line is not None:
        summary["head_anchor"] = {"hash": _text(segment.anchor), "line": segment.anchor_line}
    if segment.first_prev is not None:
        summary["starts_at_genesis"] = segment.first_prev == GENESIS_BYTES
    for name, found in problems.items():
        summary[name] = found.worded()
        summary[f"{name}_total"] = found.total
    return summary
