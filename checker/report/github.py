"""`--format github`: GitHub Actions workflow commands, so findings appear as annotations on the PR.

`::error` for a failure, `::warning` for a warning, `::notice` for a waived finding (visible, not
blocking), each at the file and line of the finding; errors first, a plain summary line last. GitHub
shows only 10 annotations of a type per step, so when there are more, they are grouped one per card
(each listing all its findings of that type): every failure stays visible. Values are escaped the
way the Actions toolkit does (`%`, CR, LF in messages; also `:` and `,` in properties), so a message can
neither end the command early nor inject another one.
"""

from __future__ import annotations

from pathlib import Path

from checker.report.links import repository_path, repository_root
from checker.report.model import CardResult, Finding, Location, Report, RuleResult, summary_line
from checker.report.sanitize import one_line

COMMAND = {"fail": "error", "warn": "warning", "waived": "notice"}

MAX_PER_TYPE = 10
"""GitHub shows at most 10 annotations of each type (error, warning, notice) per step."""


def render(report: Report) -> str:
    root = repository_root()
    by_status: dict[str, list[tuple[CardResult, RuleResult, Finding]]] = {status: [] for status in COMMAND}
    for card in report.cards:
        for result in sorted(card.results, key=lambda r: r.id):
            if result.status not in COMMAND:
                continue
            for finding in result.findings or (Finding(result.message, None, Location(card.card, 1)),):
                by_status[result.status].append((card, result, finding))
    notes = [
        f"::notice title={escape_property('comply')}::{escape_data(one_line(note))}" for note in report.header_notes()
    ]
    lines: list[str] = list(notes)  # a replay or deviation is said before anything is judged
    for status in COMMAND:  # then errors, warnings, notices
        room = MAX_PER_TYPE - (len(notes) if status == "waived" else 0)
        lines += fitted_annotations(by_status[status], root, max(room, 1))
    lines.append(f"comply: {summary_line(report.counts())}")
    return "\n".join(lines) + "\n"


def fitted_annotations(items: list[tuple[CardResult, RuleResult, Finding]], root: Path | None, room: int) -> list[str]:
    """One annotation per finding when they fit in what GitHub shows; otherwise one per card listing all
    of that card's findings of this type (and, past the limit, the remaining cards in the last one), so
    that every failure stays visible."""
    if len(items) <= room:
        return [annotation(result, finding, card.card, root) for card, result, finding in items]
    per_card: dict[str, list[tuple[CardResult, RuleResult, Finding]]] = {}
    for item in items:
        per_card.setdefault(item[0].card, []).append(item)
    groups = list(per_card.values())
    if len(groups) > room:
        groups = [*groups[: room - 1], [item for group in groups[room - 1 :] for item in group]]
    return [grouped_annotation(group, root) for group in groups]


def grouped_annotation(items: list[tuple[CardResult, RuleResult, Finding]], root: Path | None) -> str:
    """One workflow command for several findings of one status, at the first one's file and line."""
    card, result, finding = items[0]
    location = finding.location or Location(card.card, 1)
    properties = {"file": one_line(repository_path(location.file, root))}
    if location.line:
        properties["line"] = str(location.line)
    noun = {"fail": "failures", "warn": "warnings", "waived": "waived findings"}[result.status]
    cards = sorted({item[0].card for item in items})
    where = cards[0] if len(cards) == 1 else f"{len(cards)} cards"
    properties["title"] = f"comply: {len(items)} {noun} in {one_line(where)}"
    lines = []
    for item_card, item_result, item_finding in items:
        at = item_finding.location or Location(item_card.card, 1)
        lines.append(f"{item_result.id}: {one_line(item_finding.message)} ({one_line(at)})")
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMAND[result.status]} {rendered}::{escape_data(chr(10).join(lines))}"


def annotation(result: RuleResult, finding: Finding, card: str, root: Path | None) -> str:
    """One workflow command; `file` is relative to the repository root, as GitHub expects."""
    location = finding.location or Location(card, 1)
    properties = {"file": one_line(repository_path(location.file, root))}
    if location.line:
        properties["line"] = str(location.line)
    label = "WAIVED " if result.status == "waived" else ""
    properties["title"] = one_line(f"comply {label}{result.id} ({result.article})")
    message = f"{one_line(finding.message)}\n{one_line(result.title)}. Fix: {one_line(result.remediation)}"
    if result.waiver is not None:
        waiver = result.waiver
        message = (
            f"{one_line(finding.message)}\nWaived until {one_line(waiver.expires)} by {one_line(waiver.approved_by)}: "
            f"{one_line(waiver.justification)}"
        )
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMAND[result.status]} {rendered}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Workflow-command message escaping (as @actions/core `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Workflow-command property escaping (as @actions/core `escapeProperty`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
