"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).

One SARIF rule per comply rule that was checked (title, article link, remediation as help, severity as
default level) and one SARIF result per finding of a failing, warning or waived rule, located at the file
and line the finding concerns (relative to the repository root), so code scanning shows it inline on the
model card. Passing rules produce no result: SARIF carries alerts, and the JSON and JUnit reports keep the
full record. A waived finding is a result with an accepted external suppression — visible, never dropped.
`partialFingerprints` hash the rule, file and field (not the line), so an alert survives edits above it;
GitLab Code Quality (`checker.report.gitlab`) uses the same fingerprints (`checker.report.fingerprint`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checker.report.document import deviation_document
from checker.report.fingerprint import fingerprint, numbered_findings
from checker.report.links import article_url, repository_path, repository_root
from checker.report.model import STATUSES, CardResult, Finding, Location, Report, RuleResult, article_heading

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

SEVERITY_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
"""comply severity -> SARIF level of a failure."""


def render(report: Report) -> str:
    return json.dumps(sarif_document(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def sarif_document(report: Report, root: Path | None = None) -> dict[str, Any]:
    root = root or repository_root()
    rules = _rules(report)
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = [
        sarif_result(card, result, finding, ordinal, index[result.id], root)
        for card in report.cards
        for result in sorted(card.results, key=lambda r: STATUSES.index(r.status))
        if result.status != "pass"
        for finding, ordinal in numbered_findings(result, card)
    ]
    counts = report.counts()
    run = {
        "tool": {
            "driver": {
                "name": "comply",
                "version": report.tool_version,
                "rules": rules,
            }
        },
        "invocations": [{"executionSuccessful": True}],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "policyBundle": {"revision": report.bundle_revision, "digest": report.bundle_digest},
            "referenceDate": report.reference_date,
            "timeline": report.timeline,
            "summary": {status: counts[status] for status in ("fail", "warn", "waived", "pass")},
            "deviations": [deviation_document(deviation) for deviation in report.deviations],
            **({"replayOf": report.replay_of} if report.replay_of is not None else {}),
            **({"notes": report.header_notes()} if report.header_notes() else {}),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def level(result: RuleResult) -> str:
    """SARIF level: a failure (or a waived one) by its severity; a warning is never more than a warning."""
    mapped = SEVERITY_LEVEL.get(result.severity, "warning")
    if result.status == "warn":
        return "note" if mapped == "note" else "warning"
    return mapped


def _rules(report: Report) -> list[dict[str, Any]]:
    seen: dict[str, RuleResult] = {}
    for card in report.cards:
        for result in card.results:
            seen.setdefault(result.id, result)
    return [sarif_rule(seen[rule_id]) for rule_id in sorted(seen)]


def sarif_rule(result: RuleResult) -> dict[str, Any]:
    url = article_url(result.article, result.custom)
    description = result.description or result.title
    help_text = f"{description}\n\nArticle: {result.article}\nHow to fix: {result.remediation}"
    help_markdown = (
        f"{description}\n\n**Article:** {f'[{result.article}]({url})' if url else result.article}\n\n"
        f"**How to fix:** {result.remediation}"
    )
    rule: dict[str, Any] = {
        "id": result.id,
        "name": _pascal(result.id),
        "shortDescription": {"text": result.title},
        "fullDescription": {"text": description},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": SEVERITY_LEVEL.get(result.severity, "warning")},
        "properties": {
            "tags": sorted({"eu-ai-act", "compliance", article_heading(result.article), f"severity:{result.severity}"}),
            "article": result.article,
            "severity": result.severity,
        },
    }
    if url:
        rule["helpUri"] = url
    return rule


def sarif_result(
    card: CardResult, result: RuleResult, finding: Finding, ordinal: int, rule_index: int, root: Path | None
) -> dict[str, Any]:
    location = finding.location or Location(card.card, 1)
    uri = repository_path(location.file, root)
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
    physical["region"] = {"startLine": location.line if location.line and location.line >= 1 else 1}
    text = finding.message
    if result.status == "warn":
        text = f"[warning] {text}"
    sarif: dict[str, Any] = {
        "ruleId": result.id,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": level(result),
        "message": {"text": f"{text} ({result.article}) Fix: {result.remediation}"},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {
            "complyFinding/v1": fingerprint(result.id, repository_path(card.card, root), finding, ordinal)
        },
        "properties": {"status": result.status, "field": finding.field, "card": repository_path(card.card, root)},
    }
    if result.waiver is not None:
        waiver = result.waiver
        sarif["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{waiver.justification} (approved by {waiver.approved_by}, expires {waiver.expires})",
            }
        ]
    return sarif


def _pascal(rule_id: str) -> str:
    """'art19.log_retention_6m' -> 'Art19LogRetention6m' (SARIF `name` is an identifier-like label)."""
    parts = [part for chunk in rule_id.split(".") for part in chunk.split("_") if part]
    return "".join(part[:1].upper() + part[1:] for part in parts)
