"""A hand-built report with every status and the awkward characters formats must escape.

Format tests render it directly (fast, and independent of which rules the policy pack has today); the
CLI tests in test_formats_cli.py render real reports from examples/.
"""

from __future__ import annotations

from checker.evidence.provenance import EvidenceFile
from checker.report.model import CardResult, Finding, Location, Report, RuleResult, Waiver

CARD = "examples/demo/model_card.yaml"
TRICKY = "retention 90% < 184 days | see: a,b\nsecond line"


def _result(
    rule_id: str, status: str, *, severity: str = "high", article: str = "Art. 19(1)", **extra: object
) -> RuleResult:
    return RuleResult(
        id=rule_id,
        status=status,
        title=f"Title of {rule_id}",
        article=article,
        severity=severity,
        remediation="Set logging.retention_days to 184 or more.",
        description=f"What {rule_id} checks.",
        **extra,  # type: ignore[arg-type]
    )


def sample_report() -> Report:
    failing = _result(
        "art19.log_retention_6m",
        "fail",
        findings=(
            Finding(TRICKY, "card.logging.retention_days", Location(CARD, 12)),
            Finding("second finding", "card.logging.retention_days", Location(CARD, 12)),
        ),
    )
    warning = _result(
        "art50.1.ai_interaction_disclosure",
        "warn",
        severity="medium",
        article="Art. 50(1)",
        findings=(Finding("not yet applicable", "card.transparency", Location(CARD, 30)),),
    )
    waived = _result(
        "art14.human_oversight",
        "waived",
        severity="critical",
        article="Art. 14(1)-(4)",
        findings=(Finding("no stop mechanism", "card.human_oversight.stop_mechanism", Location(CARD, 40)),),
        waiver=Waiver("pilot | limited rollout", "CRO, Jane Doe", "2027-01-31"),
    )
    annex = _result(
        "art11.technical_documentation",
        "fail",
        severity="low",
        article="Art. 11(1), Annex IV",
        findings=(Finding("missing sections", None, None),),
    )
    passing = _result("org.approval", "pass", severity="medium", article="Organisation policy")
    card = CardResult(
        card=CARD,
        model_name="demo",
        model_version="1.0",
        classification={"tier": "high", "reasons": []},
        results=(annex, waived, failing, warning, passing),
        evidence=(EvidenceFile("model_card", CARD, "0" * 64),),
        input_document={"card": {}, "evidence": {}, "context": {}},
    )
    clean = CardResult(
        card="examples/other/model_card.yaml",
        model_name="other",
        model_version="",
        classification={"tier": "minimal"},
        results=(passing,),
        evidence=(),
        input_document={"card": {}, "evidence": {}, "context": {}},
    )
    return Report("0.1.0", "test", "sha256:" + "a" * 64, "2026-11-25", "amended", (card, clean))
