"""Logging evidence: facts from a dictConfig and from comply's declared block, with the lines findings need."""

from __future__ import annotations

import json
import logging.config
from pathlib import Path

import pytest
import yaml

from checker.errors import InputError
from checker.evidence.logging import declared_from_card, line_for, load_logging_evidence

TIMED_30 = """\
version: 1
handlers:
  console:
    class: logging.StreamHandler
  file:
    class: logging.handlers.TimedRotatingFileHandler
    filename: {log}
    when: D
    backupCount: 30
root:
  handlers: [console, file]
comply:
  events: [prediction, override, deployment]
  retention_days: 184
"""


def write(tmp_path: Path, text: str, name: str = "logging.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_timed_rotation_keeping_30_days_contradicts_184(tmp_path: Path) -> None:
    path = write(tmp_path, TIMED_30.format(log=tmp_path / "app.log"))
    facts, loaded = load_logging_evidence(path)
    assert facts["layout"] == "both"
    assert facts["durable"] is True
    assert facts["rotation"] == "time"
    assert facts["rotation_retention_days"] == 30
    assert facts["retention_days"] == 184
    assert facts["rotation_handler"] == "file"
    assert facts["handlers"]["file"]["line"] == 5
    assert line_for(facts, "handlers.file.backupCount") == 9
    assert line_for(facts, "retention_days") == 14
    assert len(loaded.sha256) == 64


def test_the_both_layout_still_loads_in_python_logging(tmp_path: Path) -> None:
    path = write(tmp_path, TIMED_30.format(log=tmp_path / "app.log"))
    logging.config.dictConfig(yaml.safe_load(path.read_text()))  # the `comply:` key is ignored by Python
    logging.getLogger().handlers.clear()


@pytest.mark.parametrize(
    ("when", "interval", "backups", "days"),
    [("midnight", 1, 200, 200), ("H", 6, 20, 5), ("W0", 1, 27, 189), ("S", 3600, 24, 1)],
)
def test_rotation_days_per_unit(tmp_path: Path, when: str, interval: int, backups: int, days: float) -> None:
    text = (
        "version: 1\nhandlers:\n  f:\n    class: logging.handlers.TimedRotatingFileHandler\n"
        f"    filename: x.log\n    when: {when}\n    interval: {interval}\n    backupCount: {backups}\n"
        "root: {handlers: [f]}\n"
    )
    facts, _ = load_logging_evidence(write(tmp_path, text))
    assert facts["rotation_retention_days"] == days


def test_size_rotation_has_no_time_bound(tmp_path: Path) -> None:
    text = """\
version: 1
handlers:
  f: {class: logging.handlers.RotatingFileHandler, filename: x.log, maxBytes: 1048576, backupCount: 5}
root: {handlers: [f]}
"""
    facts, _ = load_logging_evidence(write(tmp_path, text))
    assert facts["durable"] is True
    assert facts["rotation"] == "size"
    assert "rotation_retention_days" not in facts


def test_backup_count_zero_never_deletes(tmp_path: Path) -> None:
    text = """\
version: 1
handlers:
  f: {class: logging.handlers.TimedRotatingFileHandler, filename: x.log, when: D}
root: {handlers: [f]}
"""
    facts, _ = load_logging_evidence(write(tmp_path, text))
    assert facts["rotation"] == "unbounded"


def test_console_only_is_not_durable(tmp_path: Path) -> None:
    text = "version: 1\nhandlers:\n  c: {class: logging.StreamHandler}\nroot: {handlers: [c]}\n"
    facts, _ = load_logging_evidence(write(tmp_path, text))
    assert facts["durable"] is False
    assert facts["rotation"] == "none"


def test_handler_no_logger_uses_does_not_count(tmp_path: Path) -> None:
    text = "version: 1\nhandlers:\n  f: {class: logging.FileHandler, filename: x.log}\nroot: {handlers: []}\n"
    facts, _ = load_logging_evidence(write(tmp_path, text))
    assert facts["handlers"]["f"]["attached"] is False
    assert facts["durable"] is False


def test_memory_handler_is_as_durable_as_its_target(tmp_path: Path) -> None:
    text = """\
version: 1
handlers:
  buffer: {class: logging.handlers.MemoryHandler, capacity: 100, target: file}
  file: {class: logging.FileHandler, filename: x.log}
loggers:
  app: {handlers: [buffer]}
"""
    facts, _ = load_logging_evidence(write(tmp_path, text))
    assert facts["handlers"]["buffer"]["retention"] == "forwarded"
    assert facts["handlers"]["file"]["attached"] is True
    assert facts["durable"] is True and facts["rotation"] == "unbounded"


def test_unknown_handler_class_is_a_fact_not_a_crash(tmp_path: Path) -> None:
    text = """\
version: 1
handlers:
  kafka: {class: myapp.logs.KafkaHandler, topic: audit}
  custom: {"()": myapp.logs.make_handler}
  broken: not-a-mapping
root: {handlers: [kafka, custom, broken]}
"""
    facts, _ = load_logging_evidence(write(tmp_path, text))
    assert facts["unknown_handlers"] == ["broken", "custom", "kafka"]
    assert facts["durable"] is False
    assert "unknown handler class 'myapp.logs.KafkaHandler'" in facts["handlers"]["kafka"]["note"]
    assert facts["handlers"]["custom"]["class"] == "myapp.logs.make_handler"


def test_invalid_rotation_settings_are_reported(tmp_path: Path) -> None:
    text = """\
version: 1
handlers:
  f: {class: logging.handlers.TimedRotatingFileHandler, filename: x.log, when: fortnightly, backupCount: 3}
root: {handlers: [f]}
"""
    facts, _ = load_logging_evidence(write(tmp_path, text))
    assert facts["rotation"] == "unknown"
    assert "invalid rotation settings" in facts["handlers"]["f"]["note"]


def test_declared_block_json_file(tmp_path: Path) -> None:
    block = {
        "enabled": True,
        "events": ["prediction"],
        "retention_days": 200,
        "destination": "syslog",
        "tamper_evident": True,
        "fields": ["request_id", "inputs"],
        "since": "2026-03-01",
    }
    facts, _ = load_logging_evidence(write(tmp_path, json.dumps(block, indent=1), "logging.json"))
    assert facts["layout"] == "declared"
    assert facts["inputs_logged_as"] == "raw"
    assert facts["since"] == "2026-03-01"
    assert "handlers" not in facts and "durable" not in facts
    assert line_for(facts, "retention_days") == 6  # json.dumps(indent=1) puts the events list on lines 3-5


def test_declared_block_under_logging_key(tmp_path: Path) -> None:
    facts, _ = load_logging_evidence(write(tmp_path, "logging:\n  retention_days: 184\n  inputs: hash\n"))
    assert facts["retention_days"] == 184 and facts["inputs_logged_as"] == "hash"
    assert line_for(facts, "retention_days") == 2


def test_wrong_type_names_file_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "logging:\n  events: [prediction]\n  retention_days: six months\n")
    with pytest.raises(InputError, match=r"logging\.yaml:3: logging\.retention_days: expected a whole number"):
        load_logging_evidence(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "must be a mapping"),
        ("colour: blue\n", "not logging evidence"),
        ("version: 1\nhandlers: [a, b]\n", "handlers: expected a mapping"),
        ("logging: [a]\n", "not logging evidence"),
    ],
)
def test_files_that_are_not_logging_evidence(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_logging_evidence(write(tmp_path, text))


def test_declared_from_card() -> None:
    assert declared_from_card({"model_details": {}}) is None
    facts = declared_from_card({"logging": {"retention_days": 184, "fields": ["inputs_sha256"]}})
    assert facts == {
        "source": "card",
        "layout": "declared",
        "retention_days": 184,
        "fields": ["inputs_sha256"],
        "inputs_logged_as": "hash",
    }
    with pytest.raises(InputError, match=r"model card: logging\.events"):
        declared_from_card({"logging": {"events": "prediction"}})
