"""Art 111 through the CLI: a GPAI model released in 2024 is not failed today for duties it owes only
from 2027-08-02 (111(3)), and a legacy high-risk system keeps its tier but owes the high-risk duties
only after a significant change in design (111(2))."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES, comply

TODAY = ("--reference-date", "2026-12-02")


def gpai_card_without_copyright_policy(tmp_path: Path, placed_on_market: str | None) -> Path:
    text = (EXAMPLES / "gpai-foundation-model" / "model_card.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "copyright_policy_uri" not in line]
    if placed_on_market:
        lines.append(f"  placed_on_market: {placed_on_market}")
    card = tmp_path / "model_card.yaml"
    card.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return card


def statuses(done_stdout: str) -> dict[str, tuple[str, str]]:
    report = json.loads(done_stdout)["cards"][0]
    return {r["id"]: (r["status"], r["message"]) for r in report["results"]}


def test_gpai_model_released_after_the_chapter_v_date_fails_a_missing_copyright_policy(tmp_path: Path) -> None:
    card = gpai_card_without_copyright_policy(tmp_path, "2025-09-01")
    done = comply("check", str(card), "--format", "json", *TODAY)
    assert done.returncode == 1, done.stderr
    assert statuses(done.stdout)["art53.1.c.copyright_policy"][0] == "fail"


def test_gpai_model_released_in_2024_is_pending_until_2027_08_02(tmp_path: Path) -> None:
    card = gpai_card_without_copyright_policy(tmp_path, "2024-06-01")
    done = comply("check", str(card), "--format", "json", *TODAY)
    assert done.returncode == 0, (done.stdout, done.stderr)
    status, message = statuses(done.stdout)["art53.1.c.copyright_policy"]
    assert status == "warn"
    assert message.startswith("not yet applicable until 2027-08-02") and "would fail" in message
    done = comply("classify", str(card), *TODAY)
    assert "art111.3" in done.stdout and "apply by 2027-08-02" in done.stdout
    # From 2027-08-02 the same card fails.
    done = comply("check", str(card), "--format", "json", "--reference-date", "2027-08-02")
    assert statuses(done.stdout)["art53.1.c.copyright_policy"][0] == "fail"


def test_legacy_credit_scorer_unchanged_since_2025_owes_no_high_risk_duty(tmp_path: Path) -> None:
    text = (EXAMPLES / "credit-scoring-gaps" / "model_card.yaml").read_text(encoding="utf-8")
    card = tmp_path / "model_card.yaml"
    card.write_text(text + "\n", encoding="utf-8")
    done = comply("check", str(card), "--format", "json", "--reference-date", "2028-01-01")
    assert done.returncode == 1
    assert statuses(done.stdout)["art14.human_oversight"][0] == "fail"
    legacy = text.replace(
        "\nai_act:\n", "\nai_act:\n  placed_on_market: 2025-03-01\n  significant_change_since: false\n"
    )
    assert legacy != text
    card.write_text(legacy, encoding="utf-8")
    done = comply("classify", str(card), "--format", "json", "--reference-date", "2028-01-01")
    result = json.loads(done.stdout)
    assert result["tier"] == "high" and "art111.2" in {r["basis"] for r in result["reasons"]}
    ids = {o["id"] for o in result["obligations"]}
    assert "art14.human_oversight" not in ids and "art4.ai_literacy" in ids
    done = comply("check", str(card), "--format", "json", "--reference-date", "2028-01-01")
    assert "art14.human_oversight" not in statuses(done.stdout)


def test_a_significant_change_dated_before_the_placing_on_the_market_is_a_question(tmp_path: Path) -> None:
    text = (EXAMPLES / "credit-scoring-gaps" / "model_card.yaml").read_text(encoding="utf-8")
    contradictory = text.replace(
        "\nai_act:\n", "\nai_act:\n  placed_on_market: 2025-03-01\n  significant_change_since: 2024-11-01\n"
    )
    assert contradictory != text
    card = tmp_path / "model_card.yaml"
    card.write_text(contradictory, encoding="utf-8")
    done = comply("classify", str(card), "--reference-date", "2028-01-01")
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "tier:             undetermined" in done.stdout
    assert "questions (the card's own facts contradict a claim" in done.stdout
    assert "(ai_act.significant_change_since 2024-11-01) is dated before the placing on the market" in done.stdout
    assert "art111.2" not in done.stdout
