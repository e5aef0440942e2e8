"""The bulk path (`audit_scan._scan_batch`) is only a faster way to reach the line-by-line verdict: on genuine
logs it verifies everything itself, and on any damaged or forged log the summary is the one the line-by-line
checks give alone (issue 17 target 4: speed without a weaker check)."""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from checker.audit import AuditLog
from checker.evidence import audit_scan
from checker.evidence.audit_log import verify_audit_log
from tests.audit.conftest import ticking_clock, write_log

ALPHABET = b'0123456789abcdefABCDEF"{}[],:. \\\r\nxz'


def reforge(line: bytes) -> bytes:
    """The line with its content_hash recomputed over its own bytes: only layout, chain and data checks remain."""
    body = line.rstrip(b"\n")[: -audit_scan.HASH_SUFFIX_LEN]
    digest = hashlib.sha256(body + b"}").hexdigest().encode()
    return body + b',"content_hash":"' + digest + b'"}\n'


def rechain(lines: list[bytes], start: int) -> None:
    """Rewrite the chain from `lines[start]` on, each line rehashed and the next linked to it: a forger's whole
    rewrite, so no link or hash gives the edit away and only the content checks can."""
    for at in range(start, len(lines)):
        if at > start:
            prev_at = lines[at].index(b',"prev_hash":"') + len(b',"prev_hash":"')
            prev = lines[at - 1][-(audit_scan.HASH_SUFFIX_LEN - len(audit_scan.HASH_SUFFIX_PREFIX)) - 1 : -3]
            lines[at] = lines[at][:prev_at] + prev + lines[at][prev_at + 64 :]
        lines[at] = reforge(lines[at])


def line_by_line(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    with monkeypatch.context() as patch:
        patch.setattr(audit_scan, "_scan_batch", lambda *args: 0)
        return verify_audit_log(path)


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    path = write_log(tmp_path_factory.mktemp("bulk") / "audit.jsonl", predictions=120, step=timedelta(hours=5))
    return path.read_bytes().splitlines(keepends=True)


def test_a_genuine_log_is_verified_in_bulk(
    genuine: list[bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b"".join(genuine))
    slow: list[int] = []
    real = audit_scan._scan_lines
    monkeypatch.setattr(
        audit_scan,
        "_scan_lines",
        lambda seg, buf, pos, end, ids: slow.append(end - pos) or real(seg, buf, pos, end, ids),
    )
    summary = verify_audit_log(path)
    assert summary["intact"] is True and summary["entries"] == len(genuine)
    assert slow == []  # seqs 1..122 cross two digit counts: runs split there, nothing falls back
    monkeypatch.setattr(audit_scan, "_scan_lines", real)
    assert summary == line_by_line(path, monkeypatch)


@pytest.mark.parametrize("reason", ["income unverified", "see https://x.test/a"], ids=["no-colon", "colon"])
def test_data_with_lists_or_colons_is_verified_in_bulk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason: str
) -> None:
    """Lists of scalars pass the colon count; a `:` in a string takes the exact pairs check, not the line loop."""
    path = tmp_path / "audit.jsonl"
    with AuditLog(path, model="credit-scorer", version="2.1.0", clock=ticking_clock(), store_inputs=True) as log:
        for n in range(40):
            log.prediction(request_id=f"r{n}", inputs=["a", n, []], output=0.5)
            log.override(request_id=f"r{n}", original="approve", new="refer", reason=reason, operator="j.doe")
    slow: list[int] = []
    real = audit_scan._scan_lines
    monkeypatch.setattr(
        audit_scan,
        "_scan_lines",
        lambda seg, buf, pos, end, ids: slow.append(end - pos) or real(seg, buf, pos, end, ids),
    )
    summary = verify_audit_log(path)
    assert summary["intact"] is True and summary["entries"] == 80 and slow == []
    monkeypatch.setattr(audit_scan, "_scan_lines", real)
    assert summary == line_by_line(path, monkeypatch)


@pytest.mark.parametrize("forge", [False, True], ids=["edited", "edited-and-rehashed"])
@pytest.mark.parametrize("chunk", [1 << 22, 4096])
def test_every_mutation_gets_the_line_by_line_verdict(
    genuine: list[bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forge: bool, chunk: int
) -> None:
    monkeypatch.setattr(audit_scan, "CHUNK_SIZE", chunk)
    rng = random.Random(f"{forge}-{chunk}")
    path = tmp_path / "audit.jsonl"
    caught = 0
    for _ in range(120):
        lines = list(genuine)
        at = rng.randrange(len(lines))
        line = bytearray(lines[at])
        spot = rng.randrange(len(line) - 1)
        kind = rng.randrange(3)
        if kind == 0:
            line[spot] = rng.choice(ALPHABET)
        elif kind == 1:
            del line[spot]
        else:
            line[spot:spot] = bytes([rng.choice(ALPHABET)])
        lines[at] = reforge(bytes(line)) if forge and line.endswith(b'"}\n') else bytes(line)
        path.write_bytes(b"".join(lines))
        bulk = verify_audit_log(path)
        assert bulk == line_by_line(path, monkeypatch), (at, bytes(line))
        caught += not bulk["intact"] or bulk["out_of_order_total"] > 0
    assert caught > 60  # most single-byte edits are damage; a few (a digit in a hash-free spot, rehashed) are not


# Edits aimed at each shortcut of the bulk path: its data test (repeated keys however spelled, a `:` in a string,
# nesting) and its time test (each field's range).
FORGERIES = [
    (b'"seq":5,', b'"seq":05,'),
    (b'"decision":"approve"', b'"decision":"approve","decision":"deny"'),
    (b'"decision":"approve"', b'"decision":{"a":1,"a":2}'),
    (b'"request_id":"r4"}', b'"request_id":"r4"} '),
    (b'"decision":"approve"', b'"decision":"app{rove"'),
    (b'"model":"credit-scorer"', b'"model":"credit\\"scorer"'),
    (b'"timestamp":"2026-05-', b'"timestamp":"2026-13-'),
    (b'.000000Z"', b'.000000z"'),
    (b'"decision":"approve"', b'"decision":"a:b","decision":"deny"'),
    (b'"decision":"approve"', b'"decision":"approve","d\\u0065cision":"deny"'),
    (b'"decision":"approve"', b'"decision" :"approve","decision":"deny"'),
    (b'"decision":"approve"', b'"decision":{"k":"x:y","k":2}'),
    (b'"decision":"approve"', b'"decision":[{"k":1,"k":2}]'),
    (b'"decision":"approve"', b'"decision":{"a":[1,{}],"b":"c"}'),
    (b'"decision":"approve"', b'"decision":"\\":\\"","decision":"deny"'),
    (b"T20:00:00", b"T24:00:00"),
    (b"T10:00:00", b"T30:00:00"),
    (b"T05:00:00", b"T05:60:00"),
    (b"T05:00:00", b"T05:00:60"),
    (b"T05:00:00", b"T05:00:0a"),
]
VALID_FORGERIES = {"brace-in-string", "escaped-quote-in-model", "nested-without-repeats", "leading-zero-seq"}
FORGERY_IDS = [
    "leading-zero-seq",
    "repeated-key",
    "nested-repeated-key",
    "space-after-data",
    "brace-in-string",
    "escaped-quote-in-model",
    "month-13",
    "lowercase-z",
    "repeated-key-colon-in-string",
    "repeated-key-unicode-escape",
    "repeated-key-space-before-colon",
    "nested-repeated-key-colon-in-string",
    "repeated-key-in-array",
    "nested-without-repeats",
    "repeated-key-escaped-quote-colon",
    "hour-24",
    "hour-30",
    "minute-60",
    "second-60",
    "letter-in-time",
]


@pytest.mark.parametrize(("old", "new"), FORGERIES, ids=FORGERY_IDS)
def test_forged_lines_get_the_line_by_line_verdict(
    genuine: list[bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: bytes, new: bytes
) -> None:
    lines = list(genuine)
    at = next(n for n, line in enumerate(lines) if n >= 4 and old in line)
    lines[at] = reforge(lines[at].replace(old, new, 1))
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b"".join(lines))
    bulk = verify_audit_log(path)
    assert bulk == line_by_line(path, monkeypatch)
    assert bulk["chain_breaks"][0]["line"] == at + 2  # the rehashed line no longer chains on


@pytest.mark.parametrize(
    ("name", "old", "new"), [(name, *edit) for name, edit in zip(FORGERY_IDS, FORGERIES, strict=True)], ids=FORGERY_IDS
)
def test_rechained_forgeries_get_the_line_by_line_verdict(
    genuine: list[bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, old: bytes, new: bytes
) -> None:
    lines = list(genuine)
    at = next(n for n, line in enumerate(lines) if n >= 4 and old in line)
    lines[at] = lines[at].replace(old, new, 1)
    rechain(lines, at)
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b"".join(lines))
    bulk = verify_audit_log(path)
    assert bulk == line_by_line(path, monkeypatch)
    if name not in VALID_FORGERIES:  # a repeated key or an impossible time is refused, however well chained
        assert not bulk["intact"] or bulk["out_of_order_total"] > 0, bulk
