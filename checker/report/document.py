"""The report as plain data: what `--format json` prints and the other machine formats read from.

Kept free of anything run-dependent (no timestamps unless asked, paths relative to the working
directory, keys sorted) so the same inputs give byte-identical output.
"""

from __future__ import annotations

from typing import Any

from checker.report.model import CardResult, Deviation, Finding, Report, RuleResult

REPORT_SCHEMA_VERSION = 1


def report_document(report: Report) -> dict[str, Any]:
    counts = report.counts()
    document: dict[str, Any] = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": "comply", "version": report.tool_version},
        "policy_bundle": {"revision": report.bundle_revision, "digest": report.bundle_digest},
        "reference_date": report.reference_date,
        "timeline": report.timeline,
        "deviations": [deviation_document(deviation) for deviation in report.deviations],
        "summary": _summary(counts, len(report.cards)),
        "cards": [card_document(card) for card in report.cards],
    }
    if report.as_if_applicable:
        document["as_if_applicable"] = True
    if report.generated_at is not None:
        document["generated_at"] = report.generated_at
    if report.rule_selection is not None:
        document["rule_selection"] = {key: list(value) for key, value in report.rule_selection.items()}
    if report.replay_of is not None:
        document["replay"] = {"reference_date": report.reference_date, "today": report.replay_of}
    return document


def deviation_document(deviation: Deviation) -> dict[str, Any]:
    """One accepted deviation as data (JSON field, SARIF run property)."""
    return {
        "threshold": deviation.threshold,
        "value": deviation.value,
        "default": deviation.default,
        "owner": deviation.owner,
        "reason": deviation.reason,
    }


def _summary(counts: Any, cards: int) -> dict[str, int]:
    return {
        "cards": cards,
        "failed": counts["fail"],
        "warnings": counts["warn"],
        "waived": counts["waived"],
        "passed": counts["pass"],
    }


def card_document(card: CardResult) -> dict[str, Any]:
    return {
        "card": card.card,
        "model": {"name": card.model_name, "version": card.model_version},
        "git_commit": card.git_commit,
        "evidence": [{"kind": e.kind, "path": e.path, "sha256": e.sha256} for e in card.evidence],
        "classification": dict(card.classification),
        "summary": _summary(card.counts(), 1) | {"cards": 1},
        "results": [result_document(result) for result in card.results],
        "input": dict(card.input_document),
    }


def result_document(result: RuleResult) -> dict[str, Any]:
    first = result.findings[0] if result.findings else None
    document: dict[str, Any] = {
        "id": result.id,
        "status": result.status,
        "title": result.title,
        "article": result.article,
        "severity": result.severity,
        "message": result.message,
        "remediation": result.remediation,
        "field": first.field if first else None,
        "file": first.location.file if first and first.location else None,
        "line": first.location.line if first and first.location else None,
        "findings": [finding_document(finding) for finding in result.findings],
    }
    if result.waiver is not None:
        document["waiver"] = {
            "justification": result.waiver.justification,
            "approved_by": result.waiver.approved_by,
            "expires": result.waiver.expires,
        }
    return document


def finding_document(finding: Finding) -> dict[str, Any]:
    return {
        "message": finding.message,
        "field": finding.field,
        "file": finding.location.file if finding.location else None,
        "line": finding.location.line if finding.location else None,
    }
