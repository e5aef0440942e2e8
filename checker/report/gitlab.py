"""`--format gitlab`: GitLab Code Quality (the `artifacts:reports:codequality` JSON array).

One issue per finding of a failing, warning or waived rule, as SARIF has one result per finding:
`{description, check_name, fingerprint, severity, location: {path, lines: {begin}}}`, the path relative to
the repository root. The fingerprint is SARIF's (`checker.report.fingerprint`), so both hosts track the same
alert across runs and edits. GitLab has no suppressions: a waived finding stays in the report at severity
`info` with the waiver in its description, so it is visible but never weighs like a failure. Passing
rules produce nothing; the JSON and JUnit reports keep the full record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checker.report.fingerprint import fingerprint, numbered_findings
from checker.report.links import repository_path, repository_root
from checker.report.model import STATUSES, CardResult, Finding, Location, Report, RuleResult
from checker.report.sanitize import one_line

FAILURE_SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}
"""comply severity -> GitLab severity of a failure (GitLab's scale: info, minor, major, critical, blocker)."""


def render(report: Report) -> str:
    return json.dumps(code_quality(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def code_quality(report: Report, root: Path | None = None) -> list[dict[str, Any]]:
    root = root or repository_root()
    return [
        issue(card, result, finding, ordinal, root)
        for card in report.cards
        for result in sorted(card.results, key=lambda r: STATUSES.index(r.status))
        if result.status != "pass"
        for finding, ordinal in numbered_findings(result, card)
    ]


def severity(result: RuleResult) -> str:
    """A failure by its rule's severity; a warning at most `minor`; a waived finding `info`."""
    if result.status == "waived":
        return "info"
    mapped = FAILURE_SEVERITY.get(result.severity, "major")
    if result.status == "warn":
        return "info" if mapped == "info" else "minor"
    return mapped


def issue(card: CardResult, result: RuleResult, finding: Finding, ordinal: int, root: Path | None) -> dict[str, Any]:
    location = finding.location or Location(card.card, 1)
    line = location.line if location.line and location.line >= 1 else 1
    prefix = {"warn": "[warning] ", "waived": "[waived] "}.get(result.status, "")
    description = f"{prefix}{one_line(finding.message)} ({result.article}) Fix: {one_line(result.remediation)}"
    if result.waiver is not None:
        waiver = result.waiver
        description += (
            f" Waived: {one_line(waiver.justification)} (approved by {one_line(waiver.approved_by)}, "
            f"expires {one_line(waiver.expires)})"
        )
    return {
        "description": description,
        "check_name": result.id,
        "fingerprint": fingerprint(result.id, repository_path(card.card, root), finding, ordinal),
        "severity": severity(result),
        "location": {"path": repository_path(location.file, root), "lines": {"begin": line}},
    }
