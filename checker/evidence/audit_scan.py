"""The audit-log line checker: one pass over a byte range of a log, producing a `Segment` that joins with its
neighbours.

Why segments: a hash chain is sequential to write but not to verify. Line i is checked against line i-1's hash
alone, so a byte range can be checked on its own, leaving only the link at its start (its first entry against the
previous range's last) for `join`. Ranges of one file run in parallel processes; the files of a daily set are
segments linked by their manifest. Everything a segment keeps is O(1) in its size (capped problem lists).

Each line is checked on one of two paths, both defined by `checker.audit`:
- fast path: the line has exactly the writer's layout (`{"data":...,"event":...,"timestamp":"<UTC>",
  "content_hash":"<hex>"}`). The hash is computed over the line's own bytes (memoryview slices of the read chunk,
  no copy); the fixed-position tail is located with `find`, not a regex; `data` is parsed once to prove it is a
  single JSON value without duplicate keys (the hash only proves the bytes are the ones hashed, not that every
  reader reads them alike).
- slow path (anything else, including every tampered line): `json.loads` with duplicate keys refused, field checks,
  hash over the canonical JSON. Lines written by other tools in another key order verify here.

A line is judged by its bytes alone: where it falls against the read chunks changes nothing (a line longer than
MAX_LINE_BYTES is reported as such wherever it lies, and the writer refuses to write one).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from binascii import hexlify
from bisect import bisect_left, bisect_right
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from hashlib import sha256
from itertools import repeat
from operator import itemgetter, methodcaller
from typing import Any, BinaryIO

from checker.audit import (
    GENESIS_HASH,
    HASH_FIELD,
    HASH_SUFFIX_LEN,
    HASH_SUFFIX_PREFIX,
    MAX_ENTRY_BYTES,
    MAX_SEQ,
    canonical_json,
)

GENESIS_BYTES = GENESIS_HASH.encode("ascii")
CHUNK_SIZE = 1 << 22
MAX_LINE_BYTES = MAX_ENTRY_BYTES
MAX_LISTED = 50
MAX_MODELS = 20
MAX_TRACKED_MODELS = 1024  # per segment; model counts stay exact across any split up to this many versions

_DATA_OPEN = b'{"data":'
_EVENT_OPEN = b',"event":"'
_SEQ_OPEN = b',"seq":'
_PREV_OPEN = b',"prev_hash":"'
_TS_OPEN = b',"timestamp":"'
_TS_LEN = 27  # 2026-05-01T09:00:00.000000Z
_TS_FIELD_LEN = len(_TS_OPEN) + _TS_LEN + 1
_PREV_FIELD_LEN = len(_PREV_OPEN) + 64 + 1
_MAX_SEQ_DIGITS = len(str(MAX_SEQ))
_IDENTITY = re.compile(rb',"event":"([^"\\]+)","model":"([^"\\]*)","model_version":"([^"\\]*)"')
_UTC_TIME = re.compile(rb"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z")
_HEX64 = re.compile(rb"[0-9a-f]{64}")
_IDENTITY_CACHE_MAX = 4096


@dataclass
class Problems:
    """One kind of problem line: the first MAX_LISTED kept (in line order), all counted."""

    listed: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0

    def add(self, line: int, reason: str, ref: int | None = None) -> None:
        """`ref`: a line the reason names as `{ref}` (renumbered with the segment, filled in by `worded`)."""
        self.total += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(
                {"line": line, "reason": reason} if ref is None else {"line": line, "reason": reason, "ref": ref}
            )

    def worded(self) -> list[dict[str, Any]]:
        """The listed problems with their `{ref}` lines filled in."""
        return [
            {key: value for key, value in problem.items() if key != "ref"}
            | ({"reason": problem["reason"].replace("{ref}", str(problem["ref"]))} if "ref" in problem else {})
            for problem in self.listed
        ]

    def extend(self, other: Problems, line_offset: int, where: str | None = None) -> None:
        """Append another segment's problems (which come after these), renumbered and optionally file-named."""
        room = MAX_LISTED - len(self.listed)
        for problem in other.listed[: max(room, 0)]:
            moved = {**problem, "line": problem["line"] + line_offset} if "line" in problem else dict(problem)
            if "ref" in moved:
                moved["ref"] += line_offset
            if where is not None and "file" not in moved:
                moved = {"file": where, **moved}
            self.listed.append(moved)
        self.total += other.total


PROBLEM_KINDS = ("hash_failures", "chain_breaks", "unparseable", "out_of_order")


@dataclass
class Segment:
    """What one byte range proves: counts, its first and last entries' links and times, its problems.

    Line numbers are local (1 = the range's first line); `join` renumbers. `first_*` describe the range's first
    entry, whose link to the entry before the range only `join` (or the caller, for a whole log) can check.
    """

    lines: int = 0
    entries: int = 0
    size: int = 0
    final_newline: bool = True
    crlf_lines: int = 0
    first_line: int = 0
    first_prev: bytes | None = None
    first_seq: int = 0
    first_hash: bytes | None = None
    first_ts: bytes | None = None
    last_hash: bytes | None = None
    last_hash_line: int = 0
    last_seq: int = 0
    last_ts: bytes | None = None
    max_ts: bytes | None = None
    max_gap_days: int = 0
    max_gap_line: int | None = None
    max_gap_file: str | None = None
    anchor_line: int | None = None
    anchor: bytes | None = None
    event_counts: dict[bytes, int] = field(default_factory=dict)
    models: dict[tuple[bytes, bytes], int] = field(default_factory=dict)
    hash_failures: Problems = field(default_factory=Problems)
    chain_breaks: Problems = field(default_factory=Problems)
    unparseable: Problems = field(default_factory=Problems)
    out_of_order: Problems = field(default_factory=Problems)


def link_problem(prev: bytes, seq: int, last_hash: bytes, last_seq: int) -> str | None:
    """Why an entry does not continue the entry before it (None when it does); `{ref}` stands for that entry's line."""
    seq_note = f" (seq {seq}, expected {last_seq + 1})" if seq != last_seq + 1 else ""
    if prev != last_hash:
        return (
            "prev_hash does not match line {ref}'s content_hash "
            f"(a line before it was edited, deleted or moved){seq_note}"
        )
    if seq_note:
        return f"sequence number out of step{seq_note}"
    return None


def join(head: Segment, tail: Segment, *, where: str | None = None, link: bool = True) -> None:
    """Fold `tail` (the range right after `head`) into `head`: renumber its lines, check the link between them.

    Within one file, `tail`'s lines are renumbered after `head`'s. Across the files of a set, `where` names
    `tail`'s file: its problems carry the name and keep their own line numbers, and `link=False` leaves the
    link between the files to the caller (which words it with the file names).
    """
    offset = head.lines if where is None else 0
    if tail.entries:
        if head.entries == 0:
            head.first_line, head.first_prev = tail.first_line + offset, tail.first_prev
            head.first_seq, head.first_hash, head.first_ts = tail.first_seq, tail.first_hash, tail.first_ts
        else:
            assert head.last_hash is not None and head.last_ts is not None
            assert tail.first_prev is not None and tail.first_ts is not None
            reason = link_problem(tail.first_prev, tail.first_seq, head.last_hash, head.last_seq)
            if link and reason is not None:
                insert_first(tail.chain_breaks, tail.first_line, reason, head.last_hash_line - offset)
            if tail.first_ts < head.last_ts:
                insert_first(
                    tail.out_of_order,
                    tail.first_line,
                    f"timestamp {tail.first_ts.decode()} is earlier than the previous entry's {head.last_ts.decode()}",
                )
            elif tail.first_ts[:10] > head.last_ts[:10]:
                gap = days_between(head.last_ts, tail.first_ts)
                if gap >= tail.max_gap_days:  # the boundary comes before tail's own gaps: it wins ties
                    tail.max_gap_days, tail.max_gap_line = gap, tail.first_line
        head.last_hash, head.last_hash_line = tail.last_hash, tail.last_hash_line + offset
        head.last_seq, head.last_ts = tail.last_seq, tail.last_ts
        if head.max_ts is None or (tail.max_ts is not None and tail.max_ts > head.max_ts):
            head.max_ts = tail.max_ts
    if tail.anchor_line is not None:
        head.anchor_line = tail.anchor_line + offset
    if tail.max_gap_days > head.max_gap_days and tail.max_gap_line is not None:
        head.max_gap_days, head.max_gap_line = tail.max_gap_days, tail.max_gap_line + offset
        head.max_gap_file = where if where is not None else tail.max_gap_file
    for kind in PROBLEM_KINDS:
        mine: Problems = getattr(head, kind)
        mine.extend(getattr(tail, kind), offset, where)
    for event, count in tail.event_counts.items():
        head.event_counts[event] = head.event_counts.get(event, 0) + count
    for key, count in tail.models.items():
        if key in head.models:
            head.models[key] += count
        elif len(head.models) < MAX_TRACKED_MODELS:
            head.models[key] = count
    head.lines += tail.lines
    head.entries += tail.entries
    head.size += tail.size
    head.crlf_lines += tail.crlf_lines
    head.final_newline = tail.final_newline if tail.lines else head.final_newline


def insert_first(problems: Problems, line: int, reason: str, ref: int | None = None) -> None:
    """Record a problem at a range's first entry, ahead of the range's own (which all lie after it)."""
    problems.total += 1
    problems.listed.insert(
        0, {"line": line, "reason": reason} if ref is None else {"line": line, "reason": reason, "ref": ref}
    )
    del problems.listed[MAX_LISTED:]


def days_between(earlier: bytes, later: bytes) -> int:
    return (date.fromisoformat(later[:10].decode()) - date.fromisoformat(earlier[:10].decode())).days


class _DuplicateKey(ValueError):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """object_pairs_hook: a JSON object with a key twice is read differently by different readers: refuse it."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_pairs, parse_constant=_reject_constant)
_scan_value: Any = getattr(_DECODER, "scan_once")  # noqa: B009 - set by JSONDecoder.__init__, untyped


def scan(handle: BinaryIO, length: int | None, digest: Any = None, anchor: bytes | None = None) -> Segment:
    """Check the lines in the next `length` bytes of `handle` (to end of file when None), which must start at a line
    start. `digest.update` (if given) sees every chunk read, so a whole-file SHA-256 costs no second read.
    `anchor`: a content_hash recorded earlier; the line holding it is noted (`anchor_line`)."""
    seg = Segment()
    seg.anchor = anchor
    carry = bytearray()
    overlong = False
    remaining = length
    identities: dict[bytes, tuple[bytes, ...]] = {}
    while remaining is None or remaining > 0:
        want = CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining)
        chunk = handle.read(want)
        if not chunk:
            break
        if remaining is not None:
            remaining -= len(chunk)
        if digest is not None:
            digest.update(chunk)
        seg.size += len(chunk)
        start = 0
        if carry or overlong:
            newline = chunk.find(b"\n")
            if newline < 0:
                overlong = overlong or len(carry) + len(chunk) > MAX_LINE_BYTES
                carry = bytearray() if overlong else carry + chunk
                continue
            if overlong or len(carry) + newline > MAX_LINE_BYTES:
                seg.lines += 1
                seg.unparseable.add(seg.lines, f"line longer than {MAX_LINE_BYTES} bytes")
            else:
                carry += chunk[:newline]
                joined = bytes(carry)
                _scan_lines(seg, joined + b"\n", 0, len(joined) + 1, identities)
            carry, overlong = bytearray(), False
            start = newline + 1
        last_newline = chunk.rfind(b"\n", start)
        if last_newline >= 0:
            verified = _scan_batch(seg, chunk, start, last_newline + 1, identities)
            if start + verified < last_newline + 1:
                _scan_lines(seg, chunk, start + verified, last_newline + 1, identities)
            start = last_newline + 1
        if start < len(chunk):
            overlong = len(chunk) - start > MAX_LINE_BYTES
            carry = bytearray() if overlong else bytearray(chunk[start:])
    if overlong or carry:
        seg.lines += 1
        seg.final_newline = False
        if overlong or len(carry) > MAX_LINE_BYTES:
            seg.unparseable.add(seg.lines, f"line longer than {MAX_LINE_BYTES} bytes")
        else:
            _check_last_line(seg, seg.lines, bytes(carry))
    return seg


def _scan_lines(seg: Segment, buf: bytes, pos: int, end: int, identities: dict[bytes, tuple[bytes, ...]]) -> None:
    """Check every line in buf[pos:end] (end is just past a newline). The hot loop: state lives in locals."""
    view = memoryview(buf)
    sha256 = hashlib.sha256
    find, startswith, rfind = buf.find, buf.startswith, buf.rfind
    lineno = seg.lines
    entries = seg.entries
    last_hash, last_seq, last_line = seg.last_hash, seg.last_seq, seg.last_hash_line
    last_ts, max_ts = seg.last_ts, seg.max_ts
    last_day = last_ts[:10] if last_ts is not None else None
    event_counts, models = seg.event_counts, seg.models
    anchor = seg.anchor
    suffix, suffix_len = HASH_SUFFIX_PREFIX, HASH_SUFFIX_LEN
    while pos < end:
        newline = find(b"\n", pos, end)
        lineno += 1
        stop = newline
        if stop > pos and buf[stop - 1] == 13:  # CRLF: the hash covers the JSON only
            seg.crlf_lines += 1
            stop -= 1
        parsed: tuple[bytes, bytes, bytes, bytes, int, bytes, bytes] | None = None
        if (
            newline - pos > MAX_LINE_BYTES
            or not startswith(_DATA_OPEN, pos)
            or not startswith(suffix, stop - suffix_len)
            or not startswith(b'"}', stop - 2)
        ):
            parsed = None
        else:
            body_end = stop - suffix_len
            hasher = sha256(view[pos:body_end])
            hasher.update(b"}")
            recorded = hasher.hexdigest().encode()
            ts_at = body_end - _TS_FIELD_LEN
            seq_at = rfind(_SEQ_OPEN, pos, ts_at)
            prev_at = seq_at - _PREV_FIELD_LEN
            if (
                startswith(recorded, stop - 66)
                and startswith(_TS_OPEN, ts_at)
                and buf[body_end - 1] == 34
                and _UTC_TIME.fullmatch(buf, ts_at + 14, body_end - 1) is not None
                and 0 < ts_at - seq_at - 7 <= _MAX_SEQ_DIGITS
                and startswith(_PREV_OPEN, prev_at)
                and buf[seq_at - 1] == 34
            ):
                seq_text = buf[seq_at + 7 : ts_at]
                event_at = rfind(_EVENT_OPEN, pos, prev_at)
                identity_key = buf[event_at:prev_at]
                identity = identities.get(identity_key)
                if identity is None:
                    identity = _identity(identity_key)
                    if len(identities) < _IDENTITY_CACHE_MAX:
                        identities[identity_key] = identity
                seq = int(seq_text) if seq_text.isdigit() and (seq_text[0] != 48 or len(seq_text) == 1) else 0
                if identity and 0 < seq <= MAX_SEQ and _data_is_one_value(buf, pos + 8, event_at):
                    prev = (
                        last_hash
                        if last_hash is not None and startswith(last_hash, prev_at + 14)
                        else buf[prev_at + 14 : seq_at - 1]
                    )
                    if prev is last_hash or _HEX64.fullmatch(prev) is not None:
                        ts = buf[ts_at + 14 : body_end - 1]
                        if last_day == ts[:10] or _real_day(ts):
                            event, model, version = identity
                            parsed = (event, model, version, prev, seq, ts, recorded)
        if parsed is None:
            if newline - pos > MAX_LINE_BYTES:
                seg.unparseable.add(lineno, f"line longer than {MAX_LINE_BYTES} bytes")
                pos = newline + 1
                continue
            parsed = _parse_slow(seg, lineno, bytes(view[pos:stop]))
            if parsed is None:
                pos = newline + 1
                continue
        event, model, version, prev, seq, ts, recorded = parsed
        entries += 1
        event_counts[event] = event_counts.get(event, 0) + 1
        key = (model, version)
        if key in models:
            models[key] += 1
        elif len(models) < MAX_TRACKED_MODELS:
            models[key] = 1
        if last_hash is None:
            seg.first_line, seg.first_prev, seg.first_seq, seg.first_hash, seg.first_ts = (
                lineno,
                prev,
                seq,
                recorded,
                ts,
            )
            max_ts = ts
            last_day = ts[:10]
        else:
            if prev is not last_hash or seq != last_seq + 1:
                reason = link_problem(prev, seq, last_hash, last_seq)
                if reason is not None:
                    seg.chain_breaks.add(lineno, reason, last_line)
            assert last_ts is not None
            if ts > last_ts:
                day = ts[:10]
                if day != last_day:
                    gap = days_between(last_ts, ts)
                    if gap > seg.max_gap_days:
                        seg.max_gap_days, seg.max_gap_line = gap, lineno
                    last_day = day
                if max_ts is None or ts > max_ts:
                    max_ts = ts
            elif ts < last_ts:
                seg.out_of_order.add(
                    lineno, f"timestamp {ts.decode()} is earlier than the previous entry's {last_ts.decode()}"
                )
                last_day = ts[:10]
        if recorded == anchor:
            seg.anchor_line = lineno
        last_hash, last_seq, last_line, last_ts = recorded, seq, lineno, ts
        pos = newline + 1
    seg.lines, seg.entries = lineno, entries
    seg.last_hash, seg.last_seq, seg.last_hash_line = last_hash, last_seq, last_line
    seg.last_ts, seg.max_ts = last_ts, max_ts


_ENTRY_MARKER = '"comply-' + os.urandom(16).hex() + '"'
"""Put between the `data` values of a batch: unguessable (16 bytes of os.urandom, what secrets.token_hex
reads, without importing secrets on the check path), so no crafted value can fake the batch's structure."""
_MARKER_BYTES = b"," + _ENTRY_MARKER.encode("ascii") + b","
_MARKER_TEXT = _ENTRY_MARKER[1:-1]
_PAIRS_DECODER = json.JSONDecoder(object_pairs_hook=list, parse_constant=_reject_constant)
_LINE_OPEN = b'{"data":{'
_LINK_OPEN = b'","prev_hash":"'
_SEQ_MID = b'","seq":'
_HASH_MID = b'","content_hash":"'
_LINE_CLOSE = b'"}'
_FIXED_TAIL = len(_LINK_OPEN) + 64 + len(_SEQ_MID) + _TS_FIELD_LEN + HASH_SUFFIX_LEN  # + the seq's digits
_PLAIN_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_DIGITS_TO_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
_TS_SHAPE = b"0000-00-00T00:00:00.000000Z"
_IS_TWO = bytes(int(byte == ord("2")) for byte in range(256))
_FOUR_OR_MORE = bytes(int(ord("4") <= byte <= ord("9")) for byte in range(256))


def _scan_batch(seg: Segment, buf: bytes, start: int, end: int, identities: dict[bytes, tuple[bytes, ...]]) -> int:
    """Verify the lines of buf[start:end] in bulk; returns how many bytes (whole lines, from `start`) it verified
    and recorded, leaving the rest to the line-by-line loop. The common case, a run of the writer's own lines with
    nothing wrong, costs a few C-level passes per line: split, the line's hash, one slice of its tail compared in
    one piece with the tail the chain predicts, one slice of its head. Anything unusual in any line, even a
    harmless one, stops the bulk path so every finding is worded in one place (`_scan_lines`). Accepts only
    what `_scan_lines`'s fast path accepts (and of that only flat `data` objects).
    """
    lines = buf[start:end].split(b"\n")
    lines.pop()
    count = len(lines)
    if end - start > MAX_LINE_BYTES and max(map(len, lines)) > MAX_LINE_BYTES:
        return 0
    if b"".join(map(_OPENING, lines)) != _LINE_OPEN * count:
        return 0
    done = 0
    while done < count:
        head = _run_head(seg, lines[done])
        if head is None:
            break
        first_prev, first_seq = head
        stop = min(count, done + 10 ** len(str(first_seq)) - first_seq)  # seq digits constant within a run
        run = lines if done == 0 and stop == count else lines[done:stop]
        if not _verify_run(seg, run, first_prev, first_seq, identities):
            break
        done = stop
    if done == count:
        return end - start
    return sum(map(len, lines[:done])) + done if done else 0


def _run_head(seg: Segment, first: bytes) -> tuple[bytes, int] | None:
    """The prev_hash and seq a run's first line must carry: the previous entry's, or (at a segment's first entry)
    the line's own when they are well formed."""
    if seg.last_hash is not None:
        return (seg.last_hash, seg.last_seq + 1) if seg.last_seq < MAX_SEQ else None
    ts_at = len(first) - HASH_SUFFIX_LEN - _TS_FIELD_LEN
    seq_at = first.rfind(_SEQ_MID, 0, ts_at)
    seq_text = first[seq_at + len(_SEQ_MID) : ts_at]
    prev = first[seq_at - 64 : seq_at]
    if (
        seq_at < 64
        or not seq_text.isdigit()
        or len(seq_text) > _MAX_SEQ_DIGITS
        or (seq_text[0] == 48 and len(seq_text) > 1)
        or _HEX64.fullmatch(prev) is None
    ):
        return None
    seq = int(seq_text)
    return (prev, seq) if 0 < seq <= MAX_SEQ else None


def _verify_run(
    seg: Segment, run: list[bytes], first_prev: bytes, first_seq: int, identities: dict[bytes, tuple[bytes, ...]]
) -> bool:
    """Verify and record lines whose seqs have one number of digits, or record nothing and return False."""
    count = len(run)
    if first_seq + count - 1 > MAX_SEQ:
        return False
    tail_len = _FIXED_TAIL + len(str(first_seq))
    hashers = list(map(sha256, map(_BODY, run)))
    deque(map(_UPDATE, hashers, repeat(b"}")), 0)  # the closing brace the line's content_hash replaced
    hashes = list(map(hexlify, map(_DIGEST, hashers)))
    times = list(map(_STAMP_AT, run))
    # Each line's tail as the chain predicts it: the previous line's hash, the next seq, its own timestamp, the
    # hash of its own bytes. One comparison checks every link, every seq, every hash and the tail's layout.
    predicted = [_LINK_OPEN] * (9 * count)
    predicted[1::9] = [first_prev, *hashes[:-1]]
    predicted[2::9] = repeat(_SEQ_MID, count)
    predicted[3::9] = map(b"%d".__mod__, range(first_seq, first_seq + count))
    predicted[4::9] = repeat(_TS_OPEN, count)
    predicted[5::9] = times
    predicted[6::9] = repeat(_HASH_MID, count)
    predicted[7::9] = hashes
    predicted[8::9] = repeat(_LINE_CLOSE, count)
    if b"".join(map(itemgetter(slice(-tail_len, None)), run)) != b"".join(predicted):
        return False
    last_ts = seg.last_ts
    if not _utc_times(b"".join(times)) or times != sorted(times) or (last_ts is not None and times[0] < last_ts):
        return False
    days = _days(times)
    if not all(map(_real_day, days)):
        return False
    parts = list(map(_SPLIT_EVENT, map(itemgetter(slice(0, -tail_len)), run)))
    if not _data_batch_is_clean(list(map(_DATA, map(_BEFORE, parts)))):
        return False
    identity_counts = Counter(map(_AFTER, parts))
    for identity_key in identity_counts:
        identity = identities.get(identity_key)
        if identity is None:
            identity = _identity(_EVENT_OPEN + identity_key + b'"')
            if len(identities) < _IDENTITY_CACHE_MAX:
                identities[identity_key] = identity
        if not identity or not _is_text(identity):
            return False
    # Every line verified: record what the run proves.
    lineno = seg.lines
    if seg.last_hash is None:
        seg.first_line, seg.first_prev, seg.first_seq = lineno + 1, first_prev, first_seq
        seg.first_hash, seg.first_ts = hashes[0], times[0]
        seg.max_ts = times[0]
        previous_day = times[0][:10]
    else:
        assert last_ts is not None
        previous_day = last_ts[:10]
    for day in days:
        if day > previous_day:
            gap = (date.fromisoformat(day.decode()) - date.fromisoformat(previous_day.decode())).days
            if gap > seg.max_gap_days:
                seg.max_gap_days, seg.max_gap_line = gap, lineno + 1 + bisect_left(times, day)
            previous_day = day
    for identity_key, n in identity_counts.items():
        event, model, version = identities.get(identity_key) or _identity(_EVENT_OPEN + identity_key + b'"')
        seg.event_counts[event] = seg.event_counts.get(event, 0) + n
        key = (model, version)
        if key in seg.models:
            seg.models[key] += n
        elif len(seg.models) < MAX_TRACKED_MODELS:
            seg.models[key] = n
    if seg.anchor is not None and seg.anchor in hashes:
        seg.anchor_line = lineno + count - hashes[::-1].index(seg.anchor)
    seg.lines, seg.entries = lineno + count, seg.entries + count
    seg.last_hash, seg.last_seq, seg.last_hash_line = hashes[-1], first_seq + count - 1, lineno + count
    seg.last_ts = times[-1]
    if seg.max_ts is None or times[-1] > seg.max_ts:
        seg.max_ts = times[-1]
    return True


def _days(times: list[bytes]) -> list[bytes]:
    """The distinct days of sorted timestamps, in order (a bisection per day, not a pass per line)."""
    days = [times[0][:10]]
    at = 0
    while times[-1][:10] != days[-1]:
        at = bisect_right(times, days[-1] + b"\xff", at)
        days.append(times[at][:10])
    return days


def _data_batch_is_clean(datas: list[bytes]) -> bool:
    """Each `data` is exactly one JSON object and no key is in any object twice: one parse of the whole batch.

    The common case costs a plain parse (dicts, which the garbage collector does not track) and one count: every
    key of every object is followed by exactly one `:` outside strings, and no `:` outside strings follows
    anything else, so the batch's `:` bytes number at least its keys, and its keys at least the entries of the
    parsed dicts (a repeated key keeps one entry; a nested object's keys are no top-level entries). Equal
    counts therefore prove that no object repeats a key, nested or not. A `:` inside a string breaks the tie and
    sends the batch to `_data_batch_has_no_repeats`, which compares each flat object's pairs with its dict."""
    joined = _MARKER_BYTES.join(datas)
    braces = b"{" * len(datas)
    if b"".join(map(_FIRST_BYTE, datas)) != braces:
        return False
    if b"".join(map(_LAST_BYTE, datas)) != braces.replace(b"{", b"}"):  # nothing after the object either
        return False
    text = joined.join((b"[", b"]"))
    try:
        parsed = _PLAIN_DECODER.decode(text.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    values = parsed[0::2]
    if len(values) != len(datas) or parsed[1::2] != [_MARKER_TEXT] * (len(datas) - 1):
        return False
    if joined.count(b":") == sum(map(len, values)):
        return True
    return _data_batch_has_no_repeats(joined, text, len(datas))


def _data_batch_has_no_repeats(joined: bytes, text: bytes, count: int) -> bool:
    """The exact test for a batch whose strings hold a `:`: objects kept as pair lists, so that a repeated key
    shows as a dict shorter than its pairs. A `{` anywhere but at each object's start (a nested object, or in a
    string) sends the batch back to the line-by-line checks."""
    if joined.count(b"{") != count:
        return False
    try:
        values = _PAIRS_DECODER.decode(text.decode("utf-8"))[0::2]
        return list(map(len, map(dict, values))) == list(map(len, values))
    except (TypeError, ValueError, RecursionError):
        return False


def _utc_times(times: bytes) -> bool:
    """Every 27 bytes of `times` is the writer's UTC form (`_UTC_TIME` but for the month and day, which the
    callers check as real dates): the shape by one translation, the hour, minute and second ranges on the
    bytes at their fixed offsets (bytes slices with a step, no pass per line in Python)."""
    count, rest = divmod(len(times), _TS_LEN)
    if rest or times.translate(_DIGITS_TO_ZERO) != _TS_SHAPE * count:
        return False
    hour_tens = times[11::_TS_LEN]
    if hour_tens.translate(None, b"012"):
        return False
    twenties = int.from_bytes(hour_tens.translate(_IS_TWO), "big")
    if twenties & int.from_bytes(times[12::_TS_LEN].translate(_FOUR_OR_MORE), "big"):
        return False  # 24 to 29 o'clock
    return not (times[14::_TS_LEN] + times[17::_TS_LEN]).translate(None, b"012345")


def _is_text(identity: tuple[bytes, ...]) -> bool:
    try:
        for part in identity:
            part.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_OPENING = itemgetter(slice(0, len(_LINE_OPEN)))
_FIRST_BYTE = itemgetter(slice(0, 1))
_LAST_BYTE = itemgetter(slice(-1, None))
_BODY = itemgetter(slice(0, -HASH_SUFFIX_LEN))
_DIGEST = methodcaller("digest")
_UPDATE = type(sha256()).update
_STAMP_AT = itemgetter(slice(-(HASH_SUFFIX_LEN + 1 + _TS_LEN), -(HASH_SUFFIX_LEN + 1)))
_SPLIT_EVENT = methodcaller("rpartition", _EVENT_OPEN)
_BEFORE = itemgetter(0)
_AFTER = itemgetter(2)
_DATA = itemgetter(slice(len(_DATA_OPEN), None))


def _identity(tail: bytes) -> tuple[bytes, ...]:
    """event, model, model_version from the writer's `,"event":..,"model_version":".."` (empty if not that)."""
    match = _IDENTITY.fullmatch(tail)
    return match.groups() if match is not None else ()


def _data_is_one_value(buf: bytes, start: int, stop: int) -> bool:
    """`data` is exactly one JSON value, with no key twice in any object (readers would disagree on it)."""
    try:
        text = buf[start:stop].decode("utf-8")
        _, end = _scan_value(text, 0)
    except (ValueError, StopIteration, RecursionError):
        return False
    return bool(end == len(text))


def _real_day(ts: bytes) -> bool:
    try:
        date.fromisoformat(ts[:10].decode())
    except ValueError:
        return False
    return True


def _check_last_line(seg: Segment, lineno: int, line: bytes) -> None:
    """The last line when it has no newline (a writer stopped mid-line, or a cut file): checked like any other."""
    before = seg.lines
    seg.lines = lineno - 1
    _scan_lines(seg, line + b"\n", 0, len(line) + 1, {})
    seg.lines = max(before, lineno)
    for problem in seg.unparseable.listed:
        if problem["line"] == lineno:
            problem["reason"] = "truncated last line (no newline at end of file): " + problem["reason"]


Parsed = tuple[bytes, bytes, bytes, bytes, int, bytes, bytes]
"""event, model, model_version, prev_hash, seq, timestamp (fixed-width UTC), content_hash."""


def _parse_slow(seg: Segment, lineno: int, line: bytes) -> Parsed | None:
    """Any line not in the writer's exact layout: parse it as JSON, check its fields, hash its canonical form."""
    entry = _entry_or_reason(line)
    if isinstance(entry, str):
        seg.unparseable.add(lineno, entry)
        return None
    fields = _entry_fields(entry)
    if isinstance(fields, str):
        seg.unparseable.add(lineno, fields)
        return None
    body = {key: value for key, value in entry.items() if key != HASH_FIELD}
    try:
        computed = hashlib.sha256(canonical_json(body)).hexdigest().encode("ascii")
    except UnicodeEncodeError:
        seg.unparseable.add(lineno, "contains a lone surrogate escape (not representable in UTF-8)")
        return None
    except ValueError as err:
        seg.unparseable.add(lineno, f"not canonical JSON ({err})")
        return None
    if computed != fields[6]:
        seg.hash_failures.add(lineno, "content_hash does not match the entry (line edited)")
    return fields


def _entry_or_reason(line: bytes) -> dict[str, Any] | str:
    """The line as a JSON object, or why it is not one."""
    if not line.strip():
        return "blank line (the writer never writes one)"
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"not valid UTF-8 (byte {err.start})"
    try:
        entry = _DECODER.decode(text)
    except _DuplicateKey as err:
        return f"duplicate key {err.args[0]!r} (JSON readers disagree on which value counts)"
    except RecursionError:
        return "not valid JSON (nested too deeply)"
    except ValueError as err:
        return f"not valid JSON ({str(err.args[0]).split(':')[0]})"
    if not isinstance(entry, dict):
        return f"not a JSON object (a JSON {type(entry).__name__})"
    return entry


def _entry_fields(entry: dict[str, Any]) -> Parsed | str:
    """The checked fields of a parsed entry, or why the entry is not a valid audit entry."""
    for key in ("event", "model", "model_version", "prev_hash", "timestamp", HASH_FIELD):
        if not isinstance(entry.get(key), str):
            return f"field {key!r} missing or not a string"
    seq = entry.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool):
        return "field 'seq' missing or not an integer"
    if not 0 < seq <= MAX_SEQ:
        return f"field 'seq' is not between 1 and {MAX_SEQ}"
    for key in ("prev_hash", HASH_FIELD):
        if _HEX64.fullmatch(entry[key].encode("utf-8", "replace")) is None:
            return f"field {key!r} is not 64 lowercase hex characters"
    timestamp = normalise_timestamp(entry["timestamp"])
    if timestamp is None:
        return f"timestamp {entry['timestamp'][:64]!r} is not an ISO 8601 time with a UTC offset (or not a real time)"
    try:
        texts = (entry["event"], entry["model"], entry["model_version"], entry["prev_hash"])
        event, model, version, prev = (text.encode("utf-8") for text in texts)
    except UnicodeEncodeError:
        return "contains a lone surrogate escape (not representable in UTF-8)"
    return event, model, version, prev, seq, timestamp.encode("ascii"), entry[HASH_FIELD].encode("ascii")


def normalise_timestamp(text: str) -> str | None:
    """Any real ISO 8601 time with an offset, as the writer's fixed-width UTC string (strings compare as times)."""
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            return None
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except (ValueError, OverflowError):
        return None
