"""Audit-log verification: stream a JSON Lines log once and summarise what it proves (`input.evidence.audit_log`).

Why streamed by hand: logs reach gigabytes, so the file is read in fixed-size chunks and only counters, the last
hash and a capped list of problem lines are kept (memory does not grow with the file). The same chunks feed the
file's SHA-256 (provenance) in a helper thread; hashlib releases the GIL for large buffers.

Each line is checked on one of two paths, both defined by `checker.audit`:
- fast path: the line has exactly the writer's layout (`...,"timestamp":"<UTC>","content_hash":"<hex>"}`), so the
  hash is checked over the line's own bytes and the fields are sliced out, no JSON parsing. A hash match proves the
  bytes are the ones that were hashed; the writer only hashes canonical JSON.
- slow path (anything else, including every tampered line): `json.loads`, field checks, hash over the canonical
  JSON. Lines written by other tools in another key order verify here.

What cannot be seen from the file alone: lines cut off the *end* at a line boundary, or a log rewritten with
recomputed hashes. Record `head_hash` somewhere else (a ticket, a release) and pass it back as `expect_head`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from checker.audit import GENESIS_HASH, HASH_FIELD, HASH_SUFFIX_LEN, HASH_SUFFIX_PREFIX, entry_hash
from checker.errors import InputError
from checker.evidence.loader import refuse_special_file

GENESIS_BYTES = GENESIS_HASH.encode("ascii")
CHUNK_SIZE = 1 << 22
MAX_LINE_BYTES = 1 << 20
MAX_LISTED = 50
MAX_MODELS = 20
BINARY_SNIFF = 8192

# The writer's layout after `data`: sorted top-level keys, plain strings, fixed-width UTC timestamp.
_FAST_TAIL = re.compile(
    rb',"event":"([^"\\]+)","model":"([^"\\]*)","model_version":"([^"\\]*)",'
    rb'"prev_hash":"([0-9a-f]{64})","seq":([0-9]+),'
    rb'"timestamp":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)"$'
)
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass
class _Problems:
    """One kind of problem line: the first MAX_LISTED kept, all counted."""

    listed: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0

    def add(self, line: int, reason: str) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append({"line": line, "reason": reason})


@dataclass(slots=True)
class _State:
    """Everything the verifier remembers while streaming: O(1) in the file size (hashes and times as bytes)."""

    expect_prev: bytes
    entries: int = 0
    last_hash: bytes | None = None
    last_hash_line: int = 0
    last_seq: int = 0
    first_ts: bytes | None = None
    last_ts: bytes | None = None
    last_day: bytes | None = None
    max_gap_days: int = 0
    max_gap_line: int | None = None
    starts_at_genesis: bool | None = None
    first_prev_hash: bytes | None = None
    crlf_lines: int = 0
    event_counts: dict[bytes, int] = field(default_factory=dict)
    models: dict[tuple[bytes, bytes], int] = field(default_factory=dict)
    hash_failures: _Problems = field(default_factory=_Problems)
    chain_breaks: _Problems = field(default_factory=_Problems)
    unparseable: _Problems = field(default_factory=_Problems)
    out_of_order: _Problems = field(default_factory=_Problems)


def verify_audit_log(
    path: str | os.PathLike[str],
    *,
    expect_first_prev: str | None = None,
    expect_head: str | None = None,
    display_path: str | None = None,
) -> dict[str, Any]:
    """Verify the log at `path` and return its summary (the `audit_log_summary` schema).

    `expect_first_prev`: the prev_hash the first entry must carry when this file continues a pruned or rotated
    log (default: the genesis value). `expect_head`: the content_hash the last entry must carry (detects lines
    cut off the end). Unreadable or binary files raise `InputError`; everything wrong inside the log is reported.
    """
    file = Path(path)
    shown = display_path or str(path)
    for name, value in (("continuation hash", expect_first_prev), ("expected head hash", expect_head)):
        if value is not None and not _HEX64.fullmatch(value):
            raise InputError(f"{shown}: {name}: expected 64 lowercase hex characters, got {value!r}")
    state = _State(expect_prev=(expect_first_prev or GENESIS_HASH).encode("ascii"))
    refuse_special_file(file, shown, "audit log")
    hasher = _BackgroundDigest()
    lines = 0
    final_newline = True
    try:
        with open(file, "rb") as handle:
            for lineno, line, complete in _lines(handle, shown, hasher):
                lines = lineno
                final_newline = complete
                _check_line(state, lineno, line, complete)
            size = handle.tell()
    except OSError as err:
        raise InputError(f"{shown}: cannot read audit log: {err.strerror or err}") from err
    finally:
        file_sha256 = hasher.hexdigest()
    return _summary(state, shown, file_sha256, size, lines, final_newline, expect_head)


class _BackgroundDigest:
    """SHA-256 of the whole file computed beside the line checks; at most one chunk waits, so memory stays flat."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending: Future[None] | None = None

    def update(self, chunk: bytes) -> None:
        if self._pending is not None:
            self._pending.result()
        self._pending = self._pool.submit(self._digest.update, chunk)

    def hexdigest(self) -> str:
        if self._pending is not None:
            self._pending.result()
        self._pool.shutdown()
        return self._digest.hexdigest()


def _lines(handle: BinaryIO, shown: str, digest: _BackgroundDigest) -> Iterator[tuple[int, bytes, bool]]:
    """Yield (line number, line without its newline, had a newline) from fixed-size chunks; overlong lines cut."""
    carry = b""
    lineno = 0
    skipping = False  # inside an overlong line: discard until its newline
    first = True
    while True:
        chunk = handle.read(CHUNK_SIZE)
        if first:
            first = False
            nul = chunk.find(b"\x00", 0, BINARY_SNIFF)
            if nul >= 0:
                raise InputError(f"{shown}: binary file (NUL byte at offset {nul}); expected a JSON Lines audit log")
        if not chunk:
            break
        digest.update(chunk)
        parts = chunk.split(b"\n")
        parts[0] = carry + parts[0]
        carry = parts.pop()
        for part in parts:
            lineno += 1
            if skipping:
                skipping = False
                yield lineno, b"\x00overlong", True
            else:
                yield lineno, part, True
        if len(carry) > MAX_LINE_BYTES:
            skipping = True
            carry = b""
    if skipping:
        yield lineno + 1, b"\x00overlong", False
    elif carry:
        yield lineno + 1, carry, False


def _check_line(state: _State, lineno: int, line: bytes, complete: bool) -> None:
    """Check one line's hash, chain link, sequence and time order; record what it proves.

    Fields stay bytes (ASCII hashes and timestamps compare the same as bytes); names are decoded once, at the end.
    """
    if line[-1:] == b"\r":
        state.crlf_lines += 1
        line = line[:-1]
    parsed = _fast_parse(line) or _slow_parse(state, lineno, line, complete)
    if parsed is None:
        return
    event, model, version, prev, seq_text, ts, recorded = parsed
    seq = int(seq_text)
    state.entries += 1
    counts = state.event_counts
    counts[event] = counts.get(event, 0) + 1
    key = (model, version)
    models = state.models
    if key in models:
        models[key] += 1
    elif len(models) < MAX_MODELS:
        models[key] = 1
    last_hash = state.last_hash
    if last_hash is None or prev != last_hash or seq != state.last_seq + 1:
        _chain_problem(state, lineno, prev, seq)
    state.last_hash = recorded
    state.last_hash_line = lineno
    state.last_seq = seq
    last_ts = state.last_ts
    if last_ts is None:
        state.first_ts = state.last_ts = ts
        state.last_day = ts[:10]
    elif ts > last_ts:
        state.last_ts = ts
        if ts[:10] != state.last_day:
            _new_day(state, lineno, ts[:10])
    elif ts < last_ts:
        state.out_of_order.add(
            lineno, f"timestamp {ts.decode()} is earlier than the previous entry's {last_ts.decode()}"
        )


def _chain_problem(state: _State, lineno: int, prev: bytes, seq: int) -> None:
    """The first entry, or a link that does not match: record what is wrong (nothing for a good first entry)."""
    last_hash = state.last_hash
    seq_note = ""
    if last_hash is not None and seq != state.last_seq + 1:
        seq_note = f" (seq {seq}, expected {state.last_seq + 1})"
    if last_hash is None:
        state.first_prev_hash = prev
        state.starts_at_genesis = prev == GENESIS_BYTES
        if prev != state.expect_prev:
            what = "the genesis value" if state.expect_prev == GENESIS_BYTES else "the expected continuation hash"
            state.chain_breaks.add(lineno, f"first entry's prev_hash is not {what} (earlier lines removed?)")
    elif prev != last_hash:
        state.chain_breaks.add(
            lineno,
            f"prev_hash does not match line {state.last_hash_line}'s content_hash "
            f"(a line before it was edited, deleted or moved){seq_note}",
        )
    elif seq_note:
        state.chain_breaks.add(lineno, f"sequence number out of step{seq_note}")


def _new_day(state: _State, lineno: int, day: bytes) -> None:
    """Track the longest run of calendar days without an entry (checked only when the date changes)."""
    if state.last_day is not None:
        gap = (date.fromisoformat(day.decode()) - date.fromisoformat(state.last_day.decode())).days
        if gap > state.max_gap_days:
            state.max_gap_days, state.max_gap_line = gap, lineno
    state.last_day = day


Parsed = tuple[bytes, bytes, bytes, bytes, bytes, bytes, bytes]
"""event, model, model_version, prev_hash, seq, timestamp (fixed-width UTC), content_hash."""


def _fast_parse(line: bytes) -> Parsed | None:
    """The writer's own layout: verify the hash over the line's bytes and slice the fields out."""
    if line[-HASH_SUFFIX_LEN:-66] != HASH_SUFFIX_PREFIX or line[-2:] != b'"}':
        return None
    body = line[:-HASH_SUFFIX_LEN]
    recorded = line[-66:-2]
    if hashlib.sha256(body + b"}").hexdigest().encode() != recorded:
        return None
    match = _FAST_TAIL.match(body, body.rfind(b',"event":"'))
    if match is None:
        return None
    event, model, version, prev, seq, ts = match.groups()
    return event, model, version, prev, seq, ts, recorded


def _slow_parse(state: _State, lineno: int, line: bytes, complete: bool) -> Parsed | None:
    """Any other line: parse it as JSON, check its fields, hash its canonical form. Records what is wrong."""
    problem = _unparseable_reason(line, complete)
    if problem is not None:
        state.unparseable.add(lineno, problem)
        return None
    entry = json.loads(line)
    fields = _entry_fields(entry)
    if isinstance(fields, str):
        state.unparseable.add(lineno, fields)
        return None
    if entry_hash(entry).encode("ascii") != fields[6]:
        state.hash_failures.add(lineno, "content_hash does not match the entry (line edited)")
    return fields


def _unparseable_reason(line: bytes, complete: bool) -> str | None:
    """Why a line is not a JSON object, or None when it is one."""
    if line == b"\x00overlong":
        return f"line longer than {MAX_LINE_BYTES} bytes"
    if not line.strip():
        return "blank line (the writer never writes one)"
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"not valid UTF-8 (byte {err.start})"
    try:
        entry = json.loads(text, parse_constant=_reject_constant)
    except ValueError as err:
        cut = "" if complete else "truncated last line (no newline at end of file): "
        return f"{cut}not valid JSON ({err.args[0].split(':')[0]})"
    if not isinstance(entry, dict):
        return f"not a JSON object (a JSON {type(entry).__name__})"
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _entry_fields(entry: dict[str, Any]) -> Parsed | str:
    """The checked fields of a parsed entry, or why the entry is not a valid audit entry."""
    for key, kind in (
        ("event", str),
        ("model", str),
        ("model_version", str),
        ("prev_hash", str),
        ("timestamp", str),
        (HASH_FIELD, str),
    ):
        if not isinstance(entry.get(key), kind):
            return f"field {key!r} missing or not a string"
    seq = entry.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool):
        return "field 'seq' missing or not an integer"
    for key in ("prev_hash", HASH_FIELD):
        if not _HEX64.fullmatch(entry[key]):
            return f"field {key!r} is not 64 lowercase hex characters"
    timestamp = _normalise_timestamp(entry["timestamp"])
    if timestamp is None:
        return f"timestamp {entry['timestamp']!r} is not an ISO 8601 time with a UTC offset"
    texts = (entry["event"], entry["model"], entry["model_version"], entry["prev_hash"], str(seq), timestamp)
    event, model, version, prev, seq_text, ts = (text.encode("utf-8") for text in texts)
    return event, model, version, prev, seq_text, ts, entry[HASH_FIELD].encode("ascii")


def _normalise_timestamp(text: str) -> str | None:
    """Any ISO 8601 time with an offset, as the writer's fixed-width UTC string (so strings compare as times)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _text(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


def _summary(
    state: _State, shown: str, sha256: str, size: int, lines: int, final_newline: bool, expect_head: str | None
) -> dict[str, Any]:
    """The summary document; `intact` means every line verified and the chain is unbroken."""
    if expect_head is not None and state.last_hash != expect_head.encode("ascii"):
        state.chain_breaks.add(
            max(lines, 1),
            "last entry's content_hash is not the expected head (lines cut off the end, or a different log)",
        )
    span = None
    if state.first_ts is not None and state.last_ts is not None:
        delta = _parse_utc(_text(state.last_ts)) - _parse_utc(_text(state.first_ts))
        span = round(delta.total_seconds() / 86400, 3)
    problems = {
        "hash_failures": state.hash_failures,
        "chain_breaks": state.chain_breaks,
        "unparseable": state.unparseable,
        "out_of_order": state.out_of_order,
    }
    summary: dict[str, Any] = {
        "file": shown,
        "sha256": sha256,
        "bytes": size,
        "lines": lines,
        "entries": state.entries,
        "event_counts": dict(sorted((_text(event), n) for event, n in state.event_counts.items())),
        "models": [
            {"model": _text(model), "version": _text(version), "entries": count}
            for (model, version), count in sorted(state.models.items())
        ],
        "span_days": span,
        "max_gap_days": state.max_gap_days,
        "crlf_lines": state.crlf_lines,
        "final_newline": final_newline,
        "listed_max": MAX_LISTED,
        "intact": all(problems[name].total == 0 for name in ("hash_failures", "chain_breaks", "unparseable")),
    }
    optional: dict[str, Any] = {
        "first_timestamp": state.first_ts,
        "last_timestamp": state.last_ts,
        "head_hash": state.last_hash,
        "first_prev_hash": state.first_prev_hash,
    }
    summary.update({key: _text(value) for key, value in optional.items() if value is not None})
    if state.max_gap_line is not None:
        summary["max_gap_line"] = state.max_gap_line
    if state.starts_at_genesis is not None:
        summary["starts_at_genesis"] = state.starts_at_genesis
    for name, found in problems.items():
        summary[name] = found.listed
        summary[f"{name}_total"] = found.total
    return summary


def _parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
