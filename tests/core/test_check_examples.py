"""`comply check` end to end on the bundled examples, as a user runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checker.schemas import validator
from tests.conftest import EXAMPLES, comply

REFERENCE = ("--reference-date", "2028-01-01")
"""A date when every Annex III duty applies under both timelines, so results do not drift with today."""

ANSI = re.compile(r"\x1b\[")


def intended_failures(card: Path, key: str) -> set[str]:
    """Rule ids the example declares it fails, from its `# <key>: id id ...` header comment."""
    for line in card.read_text(encoding="utf-8").splitlines():
        match = re.match(rf"#\s*{re.escape(key)}:\s*(.+)", line)
        if match:
            return set(match.group(1).replace(",", " ").split())
    return set()


def report_of(*args: str) -> tuple[int, dict]:
    done = comply("check", *args, "--format", "json", *REFERENCE)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_passing_high_risk_credit_scoring_example() -> None:
    code, report = report_of("examples/credit-scoring/model_card.yaml")
    card = report["cards"][0]
    failing = [r["id"] for r in card["results"] if r["status"] == "fail"]
    assert code == 0, failing
    assert card["classification"]["tier"] == "high"
    assert any(reason["basis"] == "annex3.5.b" for reason in card["classification"]["reasons"])
    assert len(card["results"]) >= 10


def test_gaps_example_fails_exactly_as_intended() -> None:
    card_path = EXAMPLES / "credit-scoring-gaps" / "model_card.yaml"
    expected = intended_failures(card_path, "intended-failures-once-high-risk-duties-apply")
    assert expected, "the gaps example must list its intended failures in a header comment"
    code, report = report_of(str(card_path.relative_to(EXAMPLES.parent)))
    card = report["cards"][0]
    failing = {r["id"] for r in card["results"] if r["status"] == "fail"}
    assert code == 1
    assert failing == expected
    for result in card["results"]:
        if result["status"] == "fail":
            assert result["file"] == "examples/credit-scoring-gaps/model_card.yaml" or result["file"].startswith(
                "examples/"
            )
            assert result["message"] and result["remediation"] and result["article"]


def test_fraud_detection_is_not_high_risk_on_the_credit_scoring_ground() -> None:
    _, report = report_of("examples/fraud-detector/model_card.yaml")
    classification = report["cards"][0]["classification"]
    assert classification["tier"] != "high"
    assert not any(reason["basis"] == "annex3.5.b" for reason in classification["reasons"])


def test_chatbot_is_limited_risk_with_transparency_duty() -> None:
    _, report = report_of("examples/support-chatbot/model_card.yaml")
    card = report["cards"][0]
    assert card["classification"]["tier"] == "limited"
    assert any(reason["basis"] == "art50.1" for reason in card["classification"]["reasons"])
    assert any(r["id"].startswith("art50.1") for r in card["results"])


def test_json_report_is_byte_identical_and_valid() -> None:
    args = ("check", "examples/credit-scoring-gaps/model_card.yaml", "--format", "json", *REFERENCE)
    first, second = comply(*args), comply(*args)
    assert first.stdout == second.stdout
    document = json.loads(first.stdout)
    errors = list(validator("report").iter_errors(document))
    assert not errors, errors[0].message
    card = document["cards"][0]
    assert card["evidence"][0]["kind"] == "model_card"
    assert re.fullmatch(r"[0-9a-f]{64}", card["evidence"][0]["sha256"])
    assert document["policy_bundle"]["digest"].startswith("sha256:")
    assert "generated_at" not in document


def test_timestamp_only_when_asked() -> None:
    done = comply("check", "examples/credit-scoring/model_card.yaml", "--format", "json", "--timestamp", *REFERENCE)
    assert "generated_at" in json.loads(done.stdout)


def test_text_report_groups_by_article_without_colour_when_piped() -> None:
    done = comply("check", "examples/credit-scoring-gaps/model_card.yaml", *REFERENCE)
    assert done.returncode == 1
    assert not ANSI.search(done.stdout)
    assert "Risk tier: HIGH" in done.stdout
    assert "annex3.5.b" in done.stdout
    assert re.search(r"^\s+Art\. 14 — Human oversight", done.stdout, re.MULTILINE)
    assert re.search(r"^\s+FAIL\s+\S+", done.stdout, re.MULTILINE)
    assert "fix: " in done.stdout
    assert re.search(r"^\d+ failed(, \d+ warnings?)?, \d+ passed$", done.stdout.strip().splitlines()[-1])


def test_colour_when_forced_and_never_with_no_color() -> None:
    forced = comply(
        "check", "examples/credit-scoring/model_card.yaml", *REFERENCE, env={"FORCE_COLOR": "1", "NO_COLOR": ""}
    )
    assert ANSI.search(forced.stdout)
    plain = comply(
        "check", "examples/credit-scoring/model_card.yaml", *REFERENCE, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
    )
    assert not ANSI.search(plain.stdout)


def test_fail_on_warn_turns_warnings_into_failure() -> None:
    # Before the amended Annex III date, high-risk duties are not yet applicable: reported as WARN.
    early = ("--reference-date", "2027-06-01")
    done = comply("check", "examples/credit-scoring/model_card.yaml", *early)
    assert done.returncode == 0, done.stdout
    assert "WARN" in done.stdout
    strict = comply("check", "examples/credit-scoring/model_card.yaml", *early, "--fail-on-warn")
    assert strict.returncode == 1


def test_many_cards_one_exit_code_and_summary(tmp_path: Path) -> None:
    done = comply("check", "examples/", *REFERENCE)
    assert done.returncode == 1
    assert "Summary" in done.stdout
    assert "credit-scoring-gaps" in done.stdout and "support-chatbot" in done.stdout


@pytest.mark.parametrize("example", sorted(p.parent.name for p in EXAMPLES.glob("*/model_card.yaml")))
def test_every_example_evaluates(example: str) -> None:
    done = comply("check", f"examples/{example}/model_card.yaml", "--format", "json", *REFERENCE)
    assert done.returncode in (0, 1), done.stderr
    tier = json.loads(done.stdout)["cards"][0]["classification"]["tier"]
    assert tier in {"prohibited", "high", "limited", "minimal", "undetermined", "out_of_scope"}
