"""`--format gitlab`: GitLab Code Quality issues, one per non-passing finding, fingerprints shared with SARIF."""

from __future__ import annotations

import json
from dataclasses import replace

from checker.report import renderer
from checker.report.model import Location
from tests.conftest import comply
from tests.gate.sample_report import CARD, sample_report
from tests.gate.test_format_units import hostile_report

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def _shape_errors(issues: object) -> list[str]:
    """What GitLab's Code Quality widget needs from every issue (its documented required fields)."""
    if not isinstance(issues, list):
        return ["not a JSON array"]
    errors = []
    for number, item in enumerate(issues):
        if set(item) != {"description", "check_name", "fingerprint", "severity", "location"}:
            errors.append(f"{number}: keys {sorted(item)}")
            continue
        location = item["location"]
        if not (isinstance(location.get("path"), str) and isinstance(location["lines"].get("begin"), int)):
            errors.append(f"{number}: location {location}")
        if location["lines"]["begin"] < 1 or item["severity"] not in SEVERITIES:
            errors.append(f"{number}: line or severity {item}")
        if not (isinstance(item["description"], str) and item["description"] and len(item["fingerprint"]) == 64):
            errors.append(f"{number}: description or fingerprint {item}")
    return errors


def test_one_issue_per_non_passing_finding_with_sarifs_fingerprints() -> None:
    issues = json.loads(renderer("gitlab")(sample_report()))
    assert _shape_errors(issues) == []
    sarif = json.loads(renderer("sarif")(sample_report()))["runs"][0]["results"]
    assert len(issues) == len(sarif) == 5
    assert [(i["check_name"], i["fingerprint"]) for i in issues] == [
        (r["ruleId"], r["partialFingerprints"]["complyFinding/v1"]) for r in sarif
    ]
    assert len({i["fingerprint"] for i in issues}) == 5
    assert {i["location"]["path"] for i in issues} == {CARD}
    severity = {i["check_name"]: i["severity"] for i in issues}
    assert severity == {
        "art19.log_retention_6m": "critical",
        "art11.technical_documentation": "minor",
        "art50.1.ai_interaction_disclosure": "minor",
        "art14.human_oversight": "info",
    }
    waived = next(i for i in issues if i["check_name"] == "art14.human_oversight")
    assert waived["description"].startswith("[waived] ") and "CRO, Jane Doe" in waived["description"]
    assert [i["check_name"] for i in issues][:3] == [
        "art11.technical_documentation",
        "art19.log_retention_6m",
        "art19.log_retention_6m",
    ]  # failures first, as in every format


def test_fingerprints_survive_line_moves() -> None:
    report = sample_report()
    card = report.cards[0]
    moved = tuple(
        replace(r, findings=tuple(replace(f, location=Location(CARD, 99)) for f in r.findings)) for r in card.results
    )
    shifted = replace(report, cards=(replace(card, results=moved), *report.cards[1:]))
    before = json.loads(renderer("gitlab")(report))
    after = json.loads(renderer("gitlab")(shifted))
    assert [i["fingerprint"] for i in before] == [i["fingerprint"] for i in after]
    assert {i["location"]["lines"]["begin"] for i in after if i["check_name"] != "art11.technical_documentation"} == {
        99
    }


def test_card_text_stays_one_line_of_data() -> None:
    text = renderer("gitlab")(hostile_report())
    issues = json.loads(text)
    assert _shape_errors(issues) == []
    for item in issues:
        assert "\n" not in item["description"] and "\x1b" not in item["description"]
        assert "\u202e" not in item["description"]
    assert any("::error file=README.md" in i["description"] for i in issues)  # shown, as text


def test_cli_on_the_examples_is_stable_and_matches_sarif() -> None:
    args = ("check", "examples/credit-scoring-gaps/model_card.yaml", "examples/credit-scoring/model_card.yaml")
    pinned = ("--reference-date", "2026-11-25", "--timeline", "original")
    first = comply(*args, *pinned, "--format", "gitlab")
    second = comply(*args, *pinned, "--format", "gitlab")
    assert first.returncode == 1, first.stderr
    assert first.stdout == second.stdout
    issues = json.loads(first.stdout)
    assert issues and _shape_errors(issues) == []
    assert {i["location"]["path"] for i in issues} <= {args[1], args[2]}
    assert any(i["severity"] in {"critical", "blocker"} for i in issues)
    sarif = json.loads(comply(*args, *pinned, "--format", "sarif").stdout)["runs"][0]["results"]
    assert [i["fingerprint"] for i in issues] == [r["partialFingerprints"]["complyFinding/v1"] for r in sarif]
