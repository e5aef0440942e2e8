"""`comply audit-log verify|append` end to end, as a user runs them (a subprocess on real files)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import assert_one_line_error, comply


def test_verify_intact_log_exits_0_with_a_report(audit_path: Path) -> None:
    done = comply("audit-log", "verify", str(audit_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{audit_path}: INTACT" in done.stdout
    assert "events: deployment 1, override 1, prediction 5" in done.stdout


def test_verify_json_is_the_summary(audit_path: Path) -> None:
    done = comply("audit-log", "verify", str(audit_path), "--format", "json")
    assert done.returncode == 0
    summary = json.loads(done.stdout)
    assert summary["entries"] == 7 and summary["intact"] is True


def test_verify_tampered_log_exits_1_naming_the_line(audit_path: Path) -> None:
    lines = audit_path.read_bytes().splitlines(keepends=True)
    del lines[2]
    audit_path.write_bytes(b"".join(lines))
    done = comply("audit-log", "verify", str(audit_path))
    assert done.returncode == 1
    assert f"{audit_path}:3: chain break:" in done.stdout
    assert "NOT INTACT: 1 chain break" in done.stdout


def test_verify_expect_head_catches_a_cut_tail(audit_path: Path) -> None:
    head = json.loads(comply("audit-log", "verify", str(audit_path), "-f", "json").stdout)["head_hash"]
    audit_path.write_bytes(b"".join(audit_path.read_bytes().splitlines(keepends=True)[:-1]))
    assert comply("audit-log", "verify", str(audit_path)).returncode == 0
    assert comply("audit-log", "verify", str(audit_path), "--expect-head", head).returncode == 1


def test_verify_empty_log_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.touch()
    done = comply("audit-log", "verify", str(path))
    assert done.returncode == 1
    assert "EMPTY" in done.stdout


def test_verify_unreadable_or_binary_exits_2(tmp_path: Path) -> None:
    assert_one_line_error(comply("audit-log", "verify", str(tmp_path / "missing.jsonl")), "missing.jsonl")
    binary = tmp_path / "blob.jsonl"
    binary.write_bytes(b"\x00\x01\x02")
    assert_one_line_error(comply("audit-log", "verify", str(binary)), "binary file")


def test_append_then_verify(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "audit.jsonl"
    first = comply(
        "audit-log",
        "append",
        str(path),
        "--event",
        "deployment",
        "--model",
        "credit-scorer",
        "--model-version",
        "2.1.0",
        "--data",
        '{"from_stage": "staging", "to_stage": "production"}',
    )
    assert first.returncode == 0, first.stderr
    second = comply(
        "audit-log",
        "append",
        str(path),
        "--event",
        "prediction",
        "--data",
        '{"request_id": "r1", "inputs": {"age": 40}, "output": 0.82}',
    )
    assert second.returncode == 0, second.stderr
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    assert entries[1]["model"] == "credit-scorer" and entries[1]["model_version"] == "2.1.0"
    assert "inputs_sha256" in entries[1]["data"] and "inputs" not in entries[1]["data"]
    assert second.stdout.strip() == entries[1]["content_hash"]
    assert comply("audit-log", "verify", str(path)).returncode == 0


def test_append_errors_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    assert_one_line_error(comply("audit-log", "append", str(path), "--event", "prediction"), "--model")
    assert_one_line_error(
        comply(
            "audit-log",
            "append",
            str(path),
            "--event",
            "x",
            "--model",
            "m",
            "--model-version",
            "1",
            "--data",
            "{not json",
        ),
        "--data: not valid JSON",
    )
    path.write_bytes(b'{"half": ')
    assert_one_line_error(
        comply("audit-log", "append", str(path), "--event", "x", "--model", "m", "--model-version", "1"),
        "last line is incomplete",
    )
