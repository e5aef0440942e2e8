"""Audit logs an attacker or a crash could produce: each is one located finding or one error line, never an
internal error; a line is judged the same wherever it falls against the read chunks (issue 10, items 9 and 11)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from checker.audit import GENESIS_HASH, encode_entry
from checker.evidence import audit_scan
from checker.evidence.audit_log import verify_audit_log
from tests.audit.conftest import write_log
from tests.conftest import assert_one_line_error, comply


def entry(seq: int, prev: str, data: object, timestamp: str = "2026-05-01T09:00:00.000000Z") -> bytes:
    body = {
        "data": data,
        "event": "prediction",
        "model": "m",
        "model_version": "1",
        "prev_hash": prev,
        "seq": seq,
        "timestamp": timestamp,
    }
    return encode_entry(body)[0]


def forged(text: str) -> bytes:
    """A line in the writer's layout whose hash covers its own (crafted) bytes: the hash alone proves nothing."""
    import hashlib

    body = text.encode()
    digest = hashlib.sha256(body + b"}").hexdigest()
    return body + b',"content_hash":"' + digest.encode() + b'"}\n'


TAIL = ',"event":"prediction","model":"m","model_version":"1","prev_hash":"' + GENESIS_HASH + '","seq":1,'


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (forged('{"data":{}' + TAIL + '"timestamp":"2026-02-30T09:00:00.000000Z"'), "not an ISO 8601 time"),
        (forged('{"data":{}' + TAIL + '"timestamp":"2026-05-01T25:61:00.000000Z"'), "not an ISO 8601 time"),
        (forged('{"data":{}' + TAIL.replace('"seq":1', '"seq":' + "9" * 5000) + '"timestamp":"x"'), "not valid JSON"),
        (
            forged(
                '{"data":{}'
                + TAIL.replace('"seq":1', '"seq":' + "9" * 30)
                + '"timestamp":"2026-05-01T09:00:00.000000Z"'
            ),
            "'seq' is not between 1 and",
        ),
        (
            forged(
                '{"data":{"decision":"approve","decision":"deny"}' + TAIL + '"timestamp":"2026-05-01T09:00:00.000000Z"'
            ),
            "duplicate key 'decision'",
        ),
        (
            forged('{"data":{},"event":"override","data":{"a":1}' + TAIL + '"timestamp":"2026-05-01T09:00:00.000000Z"'),
            "duplicate key",
        ),
        (
            b'{"data":{"x":"\\ud800"}'
            + TAIL.encode()
            + b'"timestamp":"0001-01-01T00:00:00+01:00","content_hash":"'
            + b"0" * 64
            + b'"}\n',
            "not an ISO 8601 time",
        ),
        (entry(1, GENESIS_HASH, {"x": "ok"}).replace(b'"x":"ok"', b'"x":"\\ud800"'), "lone surrogate"),
    ],
    ids=[
        "feb-30",
        "hour-25",
        "5000-digit-seq",
        "30-digit-seq",
        "duplicate-data-key",
        "duplicate-top-key",
        "overflowing-offset",
        "lone-surrogate",
    ],
)
def test_impossible_entries_are_located_findings_not_crashes(tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_bytes(line)
    done = comply("audit-log", "verify", str(path), "--format", "json")
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert summary["intact"] is False
    found = summary["unparseable"] + summary["hash_failures"]
    assert found[0]["line"] == 1 and reason in found[0]["reason"], found
    text = comply("audit-log", "verify", str(path))
    assert f"{path}:1:" in text.stdout and "NOT INTACT" in text.stdout


def test_a_genuine_entry_over_a_mebibyte_verifies_wherever_it_falls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [entry(1, GENESIS_HASH, {"small": 1})]
    prev = json.loads(lines[0])["content_hash"]
    big = entry(2, prev, {"inputs": "x" * (3 << 20)}, "2026-05-01T09:00:01.000000Z")
    lines.append(big)
    lines.append(entry(3, json.loads(big)["content_hash"], {"small": 2}, "2026-05-01T09:00:02.000000Z"))
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b"".join(lines))
    results = []
    for chunk in (1 << 22, 1 << 20, 65536, 1000 * 1000 + 7):
        monkeypatch.setattr(audit_scan, "CHUNK_SIZE", chunk)
        results.append(verify_audit_log(path))
    assert all(result == results[0] for result in results)
    assert results[0]["intact"] is True and results[0]["entries"] == 3


def test_results_do_not_depend_on_the_number_of_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_log(tmp_path / "audit.jsonl", predictions=3000, step=timedelta(minutes=7))
    raw = path.read_bytes().splitlines(keepends=True)
    raw[1500] = raw[1500].replace(b'"decision":"approve"', b'"decision":"deny"')
    del raw[2500]
    path.write_bytes(b"".join(raw))
    monkeypatch.setattr(audit_scan, "CHUNK_SIZE", 4096)
    single = verify_audit_log(path, jobs=1)
    for jobs in (2, 3, 5):
        assert verify_audit_log(path, jobs=jobs) == single
    assert [p["line"] for p in single["hash_failures"]] == [1501]
    assert [p["line"] for p in single["chain_breaks"]] == [2501]
    assert "line 2500's content_hash" in single["chain_breaks"][0]["reason"]


def test_verify_jobs_from_the_cli(audit_path: Path) -> None:
    one = comply("audit-log", "verify", str(audit_path), "-f", "json", "--jobs", "1")
    two = comply("audit-log", "verify", str(audit_path), "-f", "json", "--jobs", "2")
    assert one.returncode == two.returncode == 0 and one.stdout == two.stdout


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "audit.jsonl"
    os.mkfifo(fifo)
    assert_one_line_error(comply("audit-log", "verify", str(fifo), timeout=20), "not a regular file")


def test_expect_head_must_still_be_in_a_growing_log(audit_path: Path) -> None:
    recorded = json.loads(comply("audit-log", "verify", str(audit_path), "-f", "json").stdout)["head_hash"]
    comply("audit-log", "append", str(audit_path), "--event", "prediction", "--data", '{"request_id": "later"}')
    grown = comply("audit-log", "verify", str(audit_path), "--expect-head", recorded)
    assert grown.returncode == 0, grown.stdout
    assert "expected head found at line 7" in grown.stdout
    lines = audit_path.read_bytes().splitlines(keepends=True)
    audit_path.write_bytes(b"".join(lines[:5]))
    cut = comply("audit-log", "verify", str(audit_path), "--expect-head", recorded)
    assert cut.returncode == 1
    assert f"{audit_path}:6: chain break: the expected head" in cut.stdout


def test_append_to_a_directory_or_a_full_disk_is_one_line_and_loses_nothing(tmp_path: Path) -> None:
    args = ("--event", "prediction", "--model", "m", "--model-version", "1", "--data", '{"request_id": "r"}')
    assert_one_line_error(comply("audit-log", "append", str(tmp_path), *args), str(tmp_path))
    if Path("/dev/full").exists():
        assert_one_line_error(comply("audit-log", "append", "/dev/full", *args), "No space left on device")


def test_repair_moves_a_torn_line_aside_and_records_it(audit_path: Path) -> None:
    whole = audit_path.read_bytes()
    audit_path.write_bytes(whole + b'{"data":{"request_id":"r9"},"event":"predi')
    assert comply("audit-log", "verify", str(audit_path)).returncode == 1
    refused = comply("audit-log", "append", str(audit_path), "--event", "x")
    assert_one_line_error(refused, "last line is incomplete")
    done = comply("audit-log", "repair", str(audit_path))
    assert done.returncode == 0, done.stderr
    assert f"{audit_path}:8: torn last line (42 bytes) moved to" in done.stdout
    sidecar = audit_path.with_name("audit.jsonl.torn-1")
    assert sidecar.read_bytes() == b'{"data":{"request_id":"r9"},"event":"predi'
    after = json.loads(comply("audit-log", "verify", str(audit_path), "-f", "json").stdout)
    assert after["intact"] is True and after["entries"] == 8
    assert after["event_counts"]["audit_log_repair"] == 1
    assert audit_path.read_bytes().startswith(whole)
    again = comply("audit-log", "repair", str(audit_path))
    assert again.returncode == 0 and "nothing to repair" in again.stdout


def test_check_anchors_the_head_of_the_audit_log(tmp_path: Path, audit_path: Path) -> None:
    from tests.conftest import EXAMPLES

    card = EXAMPLES / "credit-scoring" / "model_card.yaml"
    recorded = json.loads(comply("audit-log", "verify", str(audit_path), "-f", "json").stdout)["head_hash"]
    audit_path.write_bytes(b"".join(audit_path.read_bytes().splitlines(keepends=True)[:-2]))
    base = ("check", str(card), "--audit-log", str(audit_path), "--format", "json", "--reference-date", "2026-05-02")
    plain = json.loads(comply(*base).stdout)
    anchored = json.loads(comply(*base, "--expect-head", recorded).stdout)

    def integrity(report: dict) -> str:
        results = [r for card in report["cards"] for r in card["results"] if r["id"] == "org.audit_log.integrity"]
        return results[0]["status"]

    assert integrity(plain) != "fail"
    assert integrity(anchored) == "fail"
    assert_one_line_error(
        comply("check", str(EXAMPLES / "spam-filter" / "model_card.yaml"), "--expect-head", "abc"), "--audit-log"
    )
    assert_one_line_error(comply(*base, "--expect-head", "abc"), "64 lowercase hex")


@pytest.mark.parametrize(
    ("data", "clean"),
    [
        (b'{"a":1,"b":2}', True),
        (b'{"a":1,"b":2,"a":3}', False),
        (b'{"a":1,"a" :2}', False),  # whitespace before a colon: the key count cannot be read off `":`
        (b'{"a":1,"a"\t:2}', False),
        (b'{"a":"x\\":y","a":2}', False),  # `\":` inside a string counts one key too many: pairs decide
        (b'{"a":"x\\":y","b":1}', True),
        (b'{"a" :1,"b":2}', True),
        (b'{"k\\":":1,"k\\":":2}', False),
        (b'{"a":NaN}', False),
    ],
)
def test_a_batch_with_a_repeated_key_is_never_clean(data: bytes, clean: bool) -> None:
    assert audit_scan._data_batch_is_clean([b'{"x":1}', data, b'{"y":"z"}']) is clean


@pytest.mark.parametrize("data", ['{"a":1,"a" :2}', '{"a":"x\\":y","a":2}', '{"a":1,"b":2,"a":3}'])
def test_a_repeated_key_amid_genuine_lines_is_found_where_it_is(tmp_path: Path, data: str) -> None:
    lines = [entry(1, GENESIS_HASH, {"n": 1})]
    for seq in range(2, 7):
        prev = json.loads(lines[-1])["content_hash"]
        stamp = f"2026-05-01T09:00:0{seq}.000000Z"
        if seq == 4:
            tail = TAIL.replace(GENESIS_HASH, prev).replace('"seq":1', f'"seq":{seq}')
            lines.append(forged('{"data":' + data + tail + f'"timestamp":"{stamp}"'))
        else:
            lines.append(entry(seq, prev, {"n": seq}, stamp))
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b"".join(lines))
    summary = verify_audit_log(path)
    assert summary["intact"] is False
    assert [(p["line"], "duplicate key" in p["reason"]) for p in summary["unparseable"]] == [(4, True)]
