"""`comply classify`, `comply explain` and `comply policy docs`, run
as a user runs them (the CLI as a subprocess on real files). `--interactive` is tested in test_interactive.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT, comply

AS_OF = ("--reference-date", "2028-01-01")

EXAMPLE_TIERS = {
    "credit-scoring": ("high", "none"),
    "credit-scoring-gaps": ("high", "none"),
    "fraud-detector": ("minimal", "none"),
    "support-chatbot": ("limited", "none"),
    "workplace-emotion-monitor": ("prohibited", "none"),
    "spam-filter": ("minimal", "none"),
    "gpai-foundation-model": ("minimal", "gpai_systemic_risk"),
    "loan-desk-deployer": ("high", "none"),
    "credit-scoring-candidate": ("high", "none"),
    "ticket-router": ("minimal", "none"),
}


def classify_json(card: Path | str, *extra: str) -> tuple[int, dict]:
    done = comply("classify", str(card), "--format", "json", *AS_OF, *extra)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize("name", sorted(EXAMPLE_TIERS))
def test_every_example_has_its_tier(name: str) -> None:
    code, result = classify_json(f"examples/{name}/model_card.yaml")
    assert (result["tier"], result["gpai"]) == EXAMPLE_TIERS[name]
    assert code == (1 if name in {"credit-scoring-gaps", "workplace-emotion-monitor"} else 0)


def test_every_tier_has_an_example() -> None:
    assert {tier for tier, _ in EXAMPLE_TIERS.values()} >= {"prohibited", "high", "limited", "minimal"}
    assert any(gpai != "none" for _, gpai in EXAMPLE_TIERS.values())
    assert sorted(EXAMPLE_TIERS) == sorted(p.parent.name for p in EXAMPLES.glob("*/model_card.yaml"))


def test_text_output_lists_reasons_route_registration_and_dated_duties() -> None:
    done = comply(
        "classify", "examples/credit-scoring/model_card.yaml", "--reference-date", "2026-11-25", "--timeline", "amended"
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "tier:             high" in out
    assert "annex3.5.b" in out
    assert "internal_control_annex_vi" in out and "eu_database_public" in out
    assert "art14.human_oversight" in out and "from 2027-12-02  not yet applicable" in out


def test_original_timeline_moves_the_high_risk_date() -> None:
    done = comply(
        "classify",
        "examples/credit-scoring/model_card.yaml",
        "--timeline",
        "original",
        "--reference-date",
        "2026-11-25",
    )
    assert "art14.human_oversight" in done.stdout and "from 2026-08-02  applies" in done.stdout


def test_understated_tier_fails_with_the_basis() -> None:
    done = comply("classify", "examples/credit-scoring-gaps/model_card.yaml", *AS_OF)
    assert done.returncode == 1
    assert "declared limited, derived high: annex3.5.b" in done.stdout


def test_undetermined_card_fails_and_lists_facts(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text("model_details:\n  name: x\n", encoding="utf-8")
    code, result = classify_json(card)
    assert code == 1
    assert result["tier"] == "undetermined"
    assert "card.ai_act.use_cases" in result["missing_facts"]


def test_shape_errors_are_input_errors(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text("ai_act:\n  use_cases: [spam_filtering]\n", encoding="utf-8")
    done = comply("classify", str(card))
    assert done.returncode == 2
    assert done.stderr.startswith("comply: error:") and "use_cases" in done.stderr


def test_explain_prints_metadata_and_refuses_unknown_ids() -> None:
    done = comply("explain", "art73.serious_incident_reporting")
    assert done.returncode == 0
    assert "Art. 73" in done.stdout and "remediation:" in done.stdout
    done = comply("explain", "art5.1.h")
    assert "waivable:    no" in done.stdout
    done = comply("explain", "art14.oversight")
    assert done.returncode == 2 and "art14.human_oversight" in done.stderr


def test_policy_readme_is_up_to_date() -> None:
    from checker.engine.bundle import load_bundle
    from checker.policy_docs import render_markdown

    committed = (ROOT / "policies" / "README.md").read_text(encoding="utf-8")
    assert committed == render_markdown(load_bundle()), "run: comply policy docs -o policies/README.md"


def test_policy_docs_command_lists_every_rule() -> None:
    from checker.engine.bundle import load_bundle

    done = comply("policy", "docs")
    assert done.returncode == 0
    for rule_id in load_bundle().metadata:
        assert f"`{rule_id}`" in done.stdout


def test_gaps_example_before_the_high_risk_date_fails_only_the_rules_in_force() -> None:
    card = EXAMPLES / "credit-scoring-gaps" / "model_card.yaml"
    header = next(
        line for line in card.read_text(encoding="utf-8").splitlines() if line.startswith("# intended-failures:")
    )
    expected = set(header.split(":", 1)[1].split())
    done = comply("check", str(card), "--format", "json", "--reference-date", "2026-11-25", "--timeline", "amended")
    assert done.returncode == 1, done.stderr
    results = json.loads(done.stdout)["cards"][0]["results"]
    assert {r["id"] for r in results if r["status"] == "fail"} == expected
    statuses = {r["id"]: r["status"] for r in results}
    assert statuses["art14.human_oversight"] == "warn"


def test_a_card_without_a_role_lists_both_roles_duties_apart_marked_assumed(tmp_path: Path) -> None:
    """#12 item 3 and 11: no declared role lists the provider's and the deployer's duties under their own
    headings, marked assumed; comply's own rules are listed apart, never as legal duties."""
    card = yaml.safe_load((EXAMPLES / "loan-desk-deployer" / "model_card.yaml").read_text(encoding="utf-8"))
    del card["ai_act"]["role"]
    path = tmp_path / "model_card.yaml"
    path.write_text(yaml.safe_dump(card), encoding="utf-8")
    done = comply("classify", str(path), *AS_OF, "--timeline", "amended")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "role:             provider, deployer (assumed: no ai_act.role declared)" in text
    provider = text.index("  provider obligations (amended timeline, as of 2028-01-01, assumed):")
    deployer = text.index("  deployer obligations (amended timeline, as of 2028-01-01, assumed and not checked")
    organisation = text.index("  organisation rules (comply's own, not legal requirements of the Act):")
    assert provider < deployer < organisation
    assert "art9.risk_management" in text[provider:deployer]
    assert "art26.1.use_per_instructions" in text[deployer:organisation]
    assert "org.approval" in text[organisation:] and "org." not in text[:organisation]
    code, result = classify_json(path, "--timeline", "amended")
    assert code == 0 and result["roles"] == ["deployer", "provider"] and result["roles_assumed"] is True
    for duty in result["obligations"]:
        assert duty["source"] == "law" and duty["role"] in {"provider", "deployer"} and duty["assumed"] is True
        assert set(duty["dates"]) == {"original", "amended"}
    assert {duty["role"] for duty in result["obligations"]} == {"provider", "deployer"}
    assert result["organisation_rules"] and all(
        rule["source"] == "organisation" for rule in result["organisation_rules"]
    )
    fria = next(duty for duty in result["obligations"] if duty["id"] == "art27.fria")
    assert fria["dates"] == {"original": "2026-08-02", "amended": "2027-12-02"} and fria["checked"] is False


def test_deployer_owes_26_9_checked_and_26_12_listed_but_never_judged(tmp_path: Path) -> None:
    card = EXAMPLES / "loan-desk-deployer" / "model_card.yaml"
    done = comply("classify", str(card), "--reference-date", "2028-01-01")
    _, _, rest = done.stdout.partition("  deployer obligations (")
    assert rest, done.stdout
    deployer_block = rest.split("  organisation rules")[0]
    assert "art26.9.dpia_uses_instructions" in deployer_block
    line = next(line for line in deployer_block.splitlines() if "art26.12.cooperate_with_authorities" in line)
    assert line.endswith("(owed, not checked by comply: no card fact evidences it)")
    _, result = classify_json(card)
    by_id = {o["id"]: o for o in result["obligations"]}
    assert by_id["art26.9.dpia_uses_instructions"]["checked"] is True
    assert by_id["art26.12.cooperate_with_authorities"]["checked"] is False
    assert by_id["art26.12.cooperate_with_authorities"]["dates"] == {"original": "2026-08-02", "amended": "2027-12-02"}
    done = comply("check", str(card), "--format", "json", "--reference-date", "2028-01-01")
    results = {r["id"]: r["status"] for r in json.loads(done.stdout)["cards"][0]["results"]}
    assert results["art26.9.dpia_uses_instructions"] == "pass"
    assert "art26.12.cooperate_with_authorities" not in results
    text = card.read_text(encoding="utf-8")
    without = text.replace("    uses_provider_instructions: true\n", "")
    assert without != text
    copy = tmp_path / "model_card.yaml"
    copy.write_text(without, encoding="utf-8")
    done = comply("check", str(copy), "--format", "json", "--reference-date", "2028-01-01")
    assert done.returncode == 1
    results = {r["id"]: r["status"] for r in json.loads(done.stdout)["cards"][0]["results"]}
    assert results["art26.9.dpia_uses_instructions"] == "fail"


def test_an_urgent_rbi_use_pending_authorisation_warns_and_a_late_request_fails(tmp_path: Path) -> None:
    """Art 5(3): requested within 24 hours and pending is a warning naming the limit and the stop-and-discard
    duty, not a failed prior authorisation; requested after the 24 hours it is a prohibited use."""
    card = yaml.safe_load((ROOT / "tests/policies/fixtures/rbi_exception.yaml").read_text(encoding="utf-8"))
    del card["ai_act"]["rbi"]["authorisation"]
    rules = ("--rule", "art5.3.prior_authorisation", "--rule", "art5.1.h")
    for requested_at, expected in (("2026-03-01T14:00:00Z", "warn"), ("2026-03-02T09:00:00Z", "fail")):
        card["ai_act"]["rbi"]["urgency"] = {
            "started_at": "2026-03-01T08:00:00Z",
            "authorisation_requested_at": requested_at,
        }
        path = tmp_path / "model_card.yaml"
        path.write_text(yaml.safe_dump(card), encoding="utf-8")
        done = comply("check", str(path), "--format", "json", *AS_OF, *rules)
        assert done.returncode in (0, 1), done.stderr
        results = {r["id"]: r for r in json.loads(done.stdout)["cards"][0]["results"]}
        if expected == "warn":
            assert results["art5.3.prior_authorisation"]["status"] == "warn"
            assert "at the latest by 2026-03-02T08:00:00Z" in results["art5.3.prior_authorisation"]["message"]
            assert "stop the use immediately and discard its data" in results["art5.3.prior_authorisation"]["message"]
            assert "art5.1.h" not in results
        else:
            assert results["art5.1.h"]["status"] == "fail"
            assert "after the latest 2026-03-02T08:00:00Z" in results["art5.1.h"]["message"]
            assert "art5.3.prior_authorisation" not in results
