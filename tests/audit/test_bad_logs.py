"""Bad audit-log input: a clear finding or a clear error, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import InputError
from checker.evidence import audit_scan
from checker.evidence.audit_log import verify_audit_log


def test_empty_log_has_no_entries_and_no_problems(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    summary = verify_audit_log(path)
    assert summary["entries"] == 0 and summary["lines"] == 0
    assert "first_timestamp" not in summary and summary["span_days"] is None


def test_non_json_line_is_named(audit_path: Path) -> None:
    lines = audit_path.read_bytes().splitlines(keepends=True)
    lines.insert(2, b"this is not json\n")
    audit_path.write_bytes(b"".join(lines))
    summary = verify_audit_log(audit_path)
    assert summary["unparseable"] == [{"line": 3, "reason": "not valid JSON (Expecting value)"}]
    assert summary["chain_breaks_total"] == 0  # the chain resumes from the last good entry


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"[1, 2]", "not a JSON object"),
        (b"   ", "blank line"),
        (b"\xff\xfe{}", "not valid UTF-8"),
        (b'{"event": "prediction"}', "field 'model' missing"),
        (b'{"x": NaN}', "not valid JSON"),
    ],
)
def test_lines_that_are_not_entries_are_named(tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(line + b"\n")
    summary = verify_audit_log(path)
    assert summary["unparseable_total"] == 1
    assert reason in summary["unparseable"][0]["reason"]
    assert summary["intact"] is False


def test_bad_timestamp_and_hash_fields_are_named(audit_path: Path) -> None:
    text = audit_path.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    audit_path.write_text(first.replace("2026-05-01T09:00:00.000000Z", "yesterday") + "\n" + rest, encoding="utf-8")
    summary = verify_audit_log(audit_path)
    assert "is not an ISO 8601 time" in summary["unparseable"][0]["reason"]


def test_crlf_line_endings_verify(audit_path: Path) -> None:
    audit_path.write_bytes(audit_path.read_bytes().replace(b"\n", b"\r\n"))
    summary = verify_audit_log(audit_path)
    assert summary["intact"] is True
    assert summary["crlf_lines"] == summary["entries"] == 7


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="binary file"):
        verify_audit_log(path)


def test_missing_file_and_directory_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read audit log"):
        verify_audit_log(tmp_path / "missing.jsonl")
    with pytest.raises(InputError, match="cannot read audit log"):
        verify_audit_log(tmp_path)


def test_bad_expected_hash_is_an_input_error(audit_path: Path) -> None:
    with pytest.raises(InputError, match="64 lowercase hex"):
        verify_audit_log(audit_path, expect_head="abc")


def test_overlong_line_is_skipped_in_constant_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_scan, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(audit_scan, "CHUNK_SIZE", 256)
    path = tmp_path / "long.jsonl"
    path.write_bytes(b'{"a": "' + b"x" * 5000 + b'"}\n[1]\n' + b"y" * 3000)
    summary = verify_audit_log(path)
    assert [(p["line"], p["reason"]) for p in summary["unparseable"]] == [
        (1, "line longer than 1000 bytes"),
        (2, "not a JSON object (a JSON list)"),
        (3, "line longer than 1000 bytes"),
    ]


def test_chunk_boundaries_do_not_change_the_result(audit_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = verify_audit_log(audit_path)
    monkeypatch.setattr(audit_scan, "CHUNK_SIZE", 7)
    assert verify_audit_log(audit_path) == whole
