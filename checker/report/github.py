"""`--format github`: GitHub Actions workflow commands, so findings appear as annotations on the PR.

`::error` for a failure, `::warning` for a warning, `::notice` for a waived finding (visible, not
blocking), each at the file and line of the finding; a plain summary line last. Values are escaped the
way the Actions toolkit does (`%`, CR, LF in messages; also `:` and `,` in properties), so a message can
neither end the command early nor inject another one.
"""

from __future__ import annotations

from pathlib import Path

from checker.report.links import repository_path, repository_root
from checker.report.model import Finding, Location, Report, RuleResult, summary_line

COMMAND = {"fail": "error", "warn": "warning", "waived": "notice"}


def render(report: Report) -> str:
    root = repository_root()
    lines = [f"::notice title={escape_property('comply')}::{escape_data(note)}" for note in report.header_notes()]
    for card in report.cards:
        for result in sorted(card.results, key=lambda r: r.id):
            if result.status not in COMMAND:
                continue
            for finding in result.findings or (Finding(result.message, None, Location(card.card, 1)),):
                lines.append(annotation(result, finding, card.card, root))
    lines.append(f"comply: {summary_line(report.counts())}")
    return "\n".join(lines) + "\n"


def annotation(result: RuleResult, finding: Finding, card: str, root: Path | None) -> str:
    """One workflow command; `file` is relative to the repository root, as GitHub expects."""
    location = finding.location or Location(card, 1)
    properties = {"file": repository_path(location.file, root)}
    if location.line:
        properties["line"] = str(location.line)
    label = "WAIVED " if result.status == "waived" else ""
    properties["title"] = f"comply {label}{result.id} ({result.article})"
    message = f"{finding.message}\n{result.title}. Fix: {result.remediation}"
    if result.waiver is not None:
        waiver = result.waiver
        message = f"{finding.message}\nWaived until {waiver.expires} by {waiver.approved_by}: {waiver.justification}"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMAND[result.status]} {rendered}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Workflow-command message escaping (as @actions/core `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Workflow-command property escaping (as @actions/core `escapeProperty`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
