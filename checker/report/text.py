"""`--format text` (the default): the report for people, rendered with rich.

Per card: the model, its tier with every reason and legal basis, then every rule grouped by article,
each PASS / FAIL / WARN / WAIVED with its message, the field and line it concerns, and how to fix it;
a summary line last. Colour follows `checker.console.use_colour`.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.text import Text

from checker.console import text_console
from checker.report.articles import article_title
from checker.report.model import CardResult, Report, RuleResult, group_by_article, summary_line

STATUS_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "waived": "magenta"}
TIER_STYLE = {
    "prohibited": "bold white on red",
    "high": "bold red",
    "limited": "bold yellow",
    "minimal": "bold green",
    "undetermined": "bold magenta",
    "out_of_scope": "bold cyan",
}


def render(report: Report, *, colour: bool | None = None) -> str:
    buffer = io.StringIO()
    console = text_console(buffer, colour=colour)
    console.print(
        Text(
            f"comply {report.tool_version} · policy bundle {report.bundle_revision} · "
            f"reference date {report.reference_date} ({report.law})",
            style="dim",
        )
    )
    for note in report.header_notes():
        console.print(Text(note, style="bold yellow"))
    for card in report.cards:
        console.print()
        _card(console, card)
    if len(report.cards) > 1:
        console.print()
        _summary_table(console, report)
    console.print()
    console.print(Text(summary_line(report.counts()), style="bold"))
    return buffer.getvalue()


def _card(console: Console, card: CardResult) -> None:
    version = f" {card.model_version}" if card.model_version else ""
    console.print(Text.assemble((f"{card.model_name}{version}", "bold"), f"  {card.card}"))
    classification = card.classification
    console.print(Text.assemble("  Risk tier: ", (card.tier.upper(), TIER_STYLE.get(card.tier, "bold"))))
    for reason in classification.get("reasons") or []:
        console.print(Text.assemble("    ", (str(reason.get("basis", "")), "cyan"), "  ", str(reason.get("text", ""))))
    for fact in classification.get("missing_facts") or []:
        console.print(Text.assemble("    ", ("declare", "magenta"), f"  {fact}"))
    extras = _classification_extras(classification)
    if extras:
        console.print(Text("  " + " · ".join(extras), style="dim"))
    for heading, results in group_by_article(card.results):
        console.print()
        console.print(Text(f"  {article_title(heading)}", style="bold underline"))
        for result in results:
            _result(console, result)
    _fairness(console, card)
    console.print()
    console.print(Text.assemble("  ", (summary_line(card.counts()), "bold")))


def _classification_extras(classification: dict[str, Any] | Any) -> list[str]:
    extras = []
    for key, label in (
        ("gpai", "GPAI"),
        ("role", "role"),
        ("conformity_route", "conformity"),
        ("registration", "registration"),
    ):
        value = classification.get(key)
        if value not in (None, "", "none") or key == "gpai":
            extras.append(f"{label}: {value if value is not None else 'none'}")
    return extras


def _result(console: Console, result: RuleResult) -> None:
    status = result.status.upper()
    console.print(
        Text.assemble(
            "    ",
            (f"{status:<6}", STATUS_STYLE.get(result.status, "")),
            " ",
            (result.id, "bold"),
            "  ",
            result.message,
        )
    )
    if result.status == "pass":
        return
    for finding in result.findings[1:]:
        console.print(Text(f"{'':11}{finding.message}"))
    first = result.findings[0] if result.findings else None
    if first is not None and (first.field or first.location):
        where = f" ({first.location})" if first.location else ""
        console.print(Text(f"{'':11}field: {first.field or '-'}{where}", style="dim"))
    if result.waiver is not None:
        waiver = result.waiver
        console.print(
            Text(
                f"{'':11}waived by {waiver.approved_by} until {waiver.expires}: {waiver.justification}", style="magenta"
            )
        )
    elif result.status in {"fail", "warn"}:
        console.print(Text(f"{'':11}fix: {result.remediation}", style="dim"))


def _fairness(console: Console, card: CardResult) -> None:
    evidence = card.input_document.get("evidence", {})
    fairness = evidence.get("fairness") if isinstance(evidence, dict) else None
    if not fairness:
        return
    from checker.fairness.render import fairness_tables

    for table in fairness_tables(fairness):
        console.print()
        console.print(table)


def _summary_table(console: Console, report: Report) -> None:
    from rich.table import Table

    table = Table(title="Summary", title_justify="left", show_edge=False)
    for column in ("card", "model", "tier", "failed", "warnings", "waived", "passed"):
        table.add_column(
            column,
            justify="right" if column in {"failed", "warnings", "waived", "passed"} else "left",
            no_wrap=True,
        )
    for card in report.cards:
        counts = card.counts()
        table.add_row(
            card.card,
            card.model_name,
            card.tier,
            str(counts["fail"]),
            str(counts["warn"]),
            str(counts["waived"]),
            str(counts["pass"]),
        )
    width = console.width
    console.width = 240  # the table's natural width: never fold card paths, whatever the terminal
    console.print(table)
    console.width = width
