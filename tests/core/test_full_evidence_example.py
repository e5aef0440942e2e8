"""The credit-scoring example with every evidence source (predictions, logging config, audit log) passes,
and breaking any one of those files turns the verdict, pointing at the file and line that broke it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, comply

EXAMPLE = EXAMPLES / "credit-scoring"
# Under the original timeline every Annex III duty applies on this date, so nothing is deferred to a WARN.
WHEN = ("--timeline", "original", "--reference-date", "2026-11-25")


def check(folder: Path) -> tuple[int, dict]:
    done = comply(
        "check", str(folder / "model_card.yaml"), "--config", str(folder / "comply.yaml"), "--format", "json", *WHEN
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "credit-scoring"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_full_evidence_passes_every_rule() -> None:
    code, report = check(EXAMPLE)
    card = report["cards"][0]
    assert code == 0
    assert {r["status"] for r in card["results"]} == {"pass"}
    kinds = {e["kind"]: e for e in card["evidence"]}
    assert set(kinds) == {"model_card", "predictions", "logging", "audit_log", "evaluation", "explanations", "baseline"}
    assert all(len(e["sha256"]) == 64 for e in kinds.values())
    assert card["input"]["evidence"]["fairness"]["source"] == "computed"


def test_an_edited_audit_line_fails_integrity_at_that_line(copy: Path) -> None:
    log = copy / "evidence" / "audit.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[9] = lines[9].replace('"approve"', '"decline"')
    log.write_text("".join(lines), encoding="utf-8")
    code, report = check(copy)
    failed = {r["id"]: r for r in report["cards"][0]["results"] if r["status"] == "fail"}
    assert code == 1
    assert set(failed) == {"org.audit_log.integrity"}
    assert "audit.jsonl" in failed["org.audit_log.integrity"]["message"]
    assert ":10" in failed["org.audit_log.integrity"]["message"]


def test_rotation_shorter_than_retention_fails_at_the_handler_line(copy: Path) -> None:
    config = copy / "evidence" / "logging.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("backupCount: 400", "backupCount: 30"), encoding="utf-8"
    )
    code, report = check(copy)
    failed = {r["id"]: r for r in report["cards"][0]["results"] if r["status"] == "fail"}
    assert code == 1
    assert "org.logging.rotation_consistent_with_retention" in failed
    finding = failed["org.logging.rotation_consistent_with_retention"]
    assert finding["file"].endswith("evidence/logging.yaml")
    backup_line = next(i for i, text in enumerate(config.read_text().splitlines(), 1) if "backupCount" in text)
    assert finding["line"] == backup_line


def test_biased_predictions_fail_the_organisation_fairness_threshold(copy: Path) -> None:
    predictions = copy / "evidence" / "predictions.csv"
    rows = predictions.read_text(encoding="utf-8").splitlines()
    header, body = rows[0], rows[1:]
    skewed = []
    for row in body:
        fields = row.split(",")
        if fields[1] == "female" and fields[4] == "0" and int(fields[0][1:]) % 3 == 0:
            fields[4] = "1"  # decline a third of the women the model approved
        skewed.append(",".join(fields))
    predictions.write_text("\n".join([header, *skewed]) + "\n", encoding="utf-8")
    code, report = check(copy)
    failed = {r["id"]: r for r in report["cards"][0]["results"] if r["status"] == "fail"}
    assert code == 1
    assert "org.fairness.demographic_parity" in failed
    message = failed["org.fairness.demographic_parity"]["message"]
    assert "sex" in message and "female" in message
    assert "organisation" in message.lower()
