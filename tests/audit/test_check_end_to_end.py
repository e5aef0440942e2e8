"""`comply check --logging --audit-log` end to end: the real CLI, the real bundle, real files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.audit.conftest import write_log
from tests.audit.test_logging_evidence import TIMED_30
from tests.conftest import EXAMPLES, comply

CARD = EXAMPLES / "credit-scoring" / "model_card.yaml"
RECORD_KEEPING = (
    "art12.record_keeping_logging",
    "art19.log_retention_6m",
    "org.logging.rotation_consistent_with_retention",
    "org.audit_log.present",
    "org.audit_log.integrity",
)


def check(tmp_path: Path, logging_text: str, audit: Path) -> dict[str, dict]:
    logging_file = tmp_path / "logging.yaml"
    logging_file.write_text(logging_text, encoding="utf-8")
    done = comply(
        "check", str(CARD), "--logging", str(logging_file), "--audit-log", str(audit),
        "--reference-date", "2028-01-01", "--format", "json",
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    return {result["id"]: result for result in report["cards"][0]["results"]}


def test_thirty_day_rotation_fails_retention_naming_the_handler_line(tmp_path: Path) -> None:
    audit = write_log(tmp_path / "audit.jsonl")
    results = check(tmp_path, TIMED_30.format(log="app.log"), audit)
    assert {rid for rid in RECORD_KEEPING} <= set(results)
    assert results["art12.record_keeping_logging"]["status"] == "pass"
    retention = results["art19.log_retention_6m"]
    assert retention["status"] == "fail"
    assert retention["field"] == "evidence.logging.handlers.file.backupCount"
    assert retention["line"] == 9 and retention["file"].endswith("logging.yaml")
    assert results["org.logging.rotation_consistent_with_retention"]["status"] == "fail"
    assert results["org.audit_log.integrity"]["status"] == "pass"


def test_tampered_audit_log_fails_integrity_with_the_line(tmp_path: Path) -> None:
    audit = write_log(tmp_path / "audit.jsonl")
    lines = audit.read_bytes().splitlines(keepends=True)
    lines[2], lines[3] = lines[3], lines[2]
    audit.write_bytes(b"".join(lines))
    results = check(tmp_path, TIMED_30.format(log="app.log").replace("backupCount: 30", "backupCount: 400"), audit)
    integrity = results["org.audit_log.integrity"]
    assert integrity["status"] == "fail"
    assert any(":3: hash chain broken" in f["message"] for f in integrity["findings"]), integrity["findings"]
    assert results["art19.log_retention_6m"]["status"] == "pass"
