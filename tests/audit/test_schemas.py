"""What the collectors produce is what the schemas (and so the input document) accept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import ValidationError

from checker.evidence.audit_log import verify_audit_log
from checker.evidence.logging import declared_from_card, load_logging_evidence
from tests.audit.test_logging_evidence import TIMED_30
from tests.conftest import ROOT


def validate(instance: object, name: str) -> None:
    """Strict 2020-12 validation against schemas/<name>.schema.json (formats asserted)."""
    from datetime import date, datetime

    from jsonschema import Draft202012Validator, FormatChecker

    formats = FormatChecker(formats=())
    formats.checks("date", raises=ValueError)(
        lambda value: not isinstance(value, str) or bool(date.fromisoformat(value))
    )
    formats.checks("date-time", raises=ValueError)(
        lambda value: not isinstance(value, str) or bool(datetime.fromisoformat(value).tzinfo)
    )
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema, format_checker=formats).validate(instance)


def test_intact_and_tampered_summaries_validate(audit_path: Path) -> None:
    validate(verify_audit_log(audit_path), "audit_log_summary")
    lines = audit_path.read_bytes().splitlines(keepends=True)
    lines[1:3] = [lines[2], b"garbage\n"]
    audit_path.write_bytes(b"".join(lines) + b'{"trunc')
    summary = verify_audit_log(audit_path)
    assert summary["intact"] is False
    validate(summary, "audit_log_summary")


def test_empty_log_summary_validates(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.touch()
    validate(verify_audit_log(path), "audit_log_summary")


@pytest.mark.parametrize(
    "text",
    [
        TIMED_30.format(log="app.log"),
        "version: 1\nhandlers:\n  k: {class: x.Y}\n  b: {class: logging.handlers.MemoryHandler, target: k}\n"
        "  q: {class: logging.handlers.QueueHandler, handlers: [k]}\nroot: {handlers: [b, q]}\n",
        "logging: {retention_days: 10, events: [prediction], since: 2026-01-01, inputs: none, destination: syslog}\n",
    ],
)
def test_logging_facts_validate(tmp_path: Path, text: str) -> None:
    path = tmp_path / "logging.yaml"
    path.write_text(text, encoding="utf-8")
    facts, _ = load_logging_evidence(path)
    validate(facts, "logging")
    assert declared_from_card({"logging": {"retention_days": 1}}) is not None
    validate(declared_from_card({"logging": {"retention_days": 1, "tamper_evident": True}}), "logging")


def test_schema_rejects_a_summary_missing_intact(audit_path: Path) -> None:
    summary = verify_audit_log(audit_path)
    del summary["intact"]
    with pytest.raises(ValidationError, match="intact"):
        validate(summary, "audit_log_summary")
