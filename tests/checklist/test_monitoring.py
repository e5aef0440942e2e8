"""Monitoring end to end: the credit-scoring example passes its monitoring rules, and a month of its verified
audit log whose override rate leaves the declared band fails, naming the month and its counts, at the card
line that declares the band (input.evidence.audit_events, per calendar month)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import EXAMPLES, comply

CREDIT = EXAMPLES / "credit-scoring"
IDS = ("org.monitoring.plan", "org.monitoring.override_rate")


def check(folder: Path) -> tuple[int, dict[str, dict]]:
    done = comply(
        "check",
        str(folder / "model_card.yaml"),
        "--config",
        str(folder / "comply.yaml"),
        "--format",
        "json",
        "--reference-date",
        "2028-01-01",
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, {r["id"]: r for r in json.loads(done.stdout)["cards"][0]["results"]}


def copy_with(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "credit-scoring"
    shutil.copytree(CREDIT, folder)
    card = folder / "model_card.yaml"
    text = card.read_text(encoding="utf-8")
    assert old in text
    card.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def test_credit_scoring_passes_monitoring() -> None:
    code, results = check(CREDIT)
    assert code == 0
    assert {results[i]["status"] for i in IDS} == {"pass"}


def test_a_month_outside_the_band_fails_at_the_band(tmp_path: Path) -> None:
    # Over the whole log the rate is 29/205 = 0.1415, inside [0.02, 0.15]; June (5/30) and August (5/31) are not.
    folder = copy_with(tmp_path, "override_rate: {min: 0.02, max: 0.3}", "override_rate: {min: 0.02, max: 0.15}")
    code, results = check(folder)
    result = results["org.monitoring.override_rate"]
    assert code == 1 and result["status"] == "fail"
    messages = [finding["message"] for finding in result["findings"]]
    assert len(messages) == 2, messages
    assert any("override rate 0.1667 in 2026-06 (5 overrides / 30 predictions in" in m for m in messages), messages
    assert any("override rate 0.1613 in 2026-08 (5 overrides / 31 predictions in" in m for m in messages), messages
    card = (folder / "model_card.yaml").read_text(encoding="utf-8").splitlines()
    assert card[result["line"] - 1].strip().startswith("override_rate:")


def test_a_log_with_no_event_for_the_model_cannot_be_measured(tmp_path: Path) -> None:
    folder = copy_with(tmp_path, "  name: retail-credit-scorer\n", "  name: another-model\n")
    _, results = check(folder)
    result = results["org.monitoring.override_rate"]
    assert result["status"] == "fail"
    assert "records no prediction or override event for model another-model" in result["message"]


def test_missing_drift_threshold_fails_at_its_field(tmp_path: Path) -> None:
    folder = copy_with(tmp_path, "    threshold: 0.2\n", "")
    code, results = check(folder)
    assert code == 1
    assert results["org.monitoring.plan"]["message"] == "organisation rule: monitoring.drift has no numeric threshold"
