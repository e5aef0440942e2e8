"""`--format text` (the default): the report for people.

Per card: the model, its tier with every reason and legal basis, then every rule grouped by article —
articles with a failure first, failures first within each — each PASS / FAIL / WARN / WAIVED with its
message, the field and line it concerns, and (for a rule that is not satisfied) how to fix it; the
summary once, last. `quiet` keeps only the failures and the summary: what a pre-commit hook should say.

The report is built once as styled lines (`Line`), then written by one of two backends: plain text when
colour is off (a pipe, CI, pre-commit: no rich import, nothing to measure), rich when colour is on (a
terminal). Both give the same characters; rich only adds colour. Tables (fairness numbers, the
multi-card summary) are `TableSpec`s: plain text draws the ones it can draw exactly as rich does
(`checker.report.table`), rich the rest. Every piece of card text passes
through `checker.report.sanitize` and no line can start a workflow command.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from checker.console import terminal_width, text_console, use_colour
from checker.report.articles import article_title
from checker.report.model import (
    STATUSES,
    CardResult,
    Report,
    RuleResult,
    group_by_article,
    needs_fix,
    summary_line,
)
from checker.report.sanitize import neutral_line, neutralise_commands
from checker.report.table import Column, TableSpec, plain_text, to_rich

if TYPE_CHECKING:
    from rich.console import Console

STATUS_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "waived": "magenta"}
TIER_STYLE = {
    "prohibited": "bold white on red",
    "high": "bold red",
    "limited": "bold yellow",
    "minimal": "bold green",
    "undetermined": "bold magenta",
    "out_of_scope": "bold cyan",
}
INDENT = " " * 11
PLAIN_WIDTH = 100
"""Width of the tables when the output is not a terminal, so piped output is the same on every machine."""

Segment = tuple[str, str]
"""A piece of a line and its rich style ("" for none)."""


@dataclass(frozen=True)
class Line:
    segments: tuple[Segment, ...] = ()

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.segments)


@dataclass(frozen=True)
class Table:
    """A block drawn by rich (tables), built only when it is printed."""

    build: Callable[[], TableSpec]
    width: int | None = None


Block = Union[Line, Table]


def line(*parts: str | Segment) -> Line:
    return Line(tuple((part, "") if isinstance(part, str) else part for part in parts))


def safe(value: Any) -> str:
    """Card or policy text, on one line, never a workflow command (see `checker.report.sanitize`)."""
    return neutral_line(value)


BLANK = Line()


def render(report: Report, *, colour: bool | None = None, quiet: bool = False, width: int | None = None) -> str:
    """The text report; rich writes it only when colour is on (a terminal, or FORCE_COLOR)."""
    colour = use_colour() if colour is None else colour
    blocks = quiet_blocks(report) if quiet else report_blocks(report)
    if colour:
        return render_rich(blocks, colour=True, width=width or terminal_width())
    return render_plain(blocks, width=width or PLAIN_WIDTH)


def render_plain(blocks: Iterable[Block], *, width: int = PLAIN_WIDTH) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Line):
            out.append(block.text + "\n")
        else:
            out.append(_table_text(block, width, colour=False))
    return neutralise_commands("".join(out))


def render_rich(blocks: Iterable[Block], *, colour: bool, width: int = PLAIN_WIDTH) -> str:
    from rich.text import Text

    buffer = io.StringIO()
    console = text_console(buffer, colour=colour, width=width)
    for block in blocks:
        if isinstance(block, Line):
            console.print(Text.assemble(*block.segments) if block.segments else Text(""))
        else:
            _print_table(console, block)
    return buffer.getvalue() if colour else neutralise_commands(buffer.getvalue())


def _print_table(console: Console, table: Table) -> None:
    width = console.width
    if table.width is not None:
        console.width = table.width
    console.print(to_rich(table.build()))
    console.width = width


def _table_text(table: Table, width: int, *, colour: bool) -> str:
    plain = None if colour else plain_text(table.build(), table.width or width)
    if plain is not None:
        return plain
    buffer = io.StringIO()
    _print_table(text_console(buffer, colour=colour, width=width), table)
    return buffer.getvalue()


def report_blocks(report: Report) -> list[Block]:
    blocks: list[Block] = [
        line(
            (
                f"comply {safe(report.tool_version)} · policy bundle {safe(report.bundle_revision)} · "
                f"reference date {report.reference_date} ({report.law})",
                "dim",
            )
        )
    ]
    blocks += [line((safe(note), "bold yellow")) for note in report.header_notes()]
    for card in report.cards:
        blocks.append(BLANK)
        blocks += card_blocks(card, several=len(report.cards) > 1)
    if len(report.cards) > 1:
        blocks += [BLANK, Table(lambda: _summary_table(report), width=240)]
    blocks += [BLANK, line((summary_line(report.counts()), "bold"))]
    return blocks


def quiet_blocks(report: Report) -> list[Block]:
    """Failures and the summary: one line per failing rule (plus its other findings) and its fix."""
    blocks: list[Block] = [line((safe(note), "bold yellow")) for note in report.header_notes()]
    several = len(report.cards) > 1
    for card in report.cards:
        failing = sorted((r for r in card.results if r.status == "fail"), key=lambda r: r.id)
        if not failing:
            continue
        if several:
            blocks.append(line(*_card_heading(card), f"  {card.counts()['fail']} failed"))
        for result in failing:
            first = result.findings[0] if result.findings else None
            where = f"  ({safe(first.location)})" if first is not None and first.location else ""
            blocks.append(
                line(
                    "  " if several else "",
                    ("FAIL  ", STATUS_STYLE["fail"]),
                    (safe(result.id), "bold"),
                    "  ",
                    safe(result.message),
                    (where, "dim"),
                )
            )
            indent = " " * (8 if several else 6)
            blocks += [line(indent, safe(finding.message)) for finding in result.findings[1:]]
            blocks.append(line(indent, (f"fix: {safe(result.remediation)}", "dim")))
    blocks.append(line((summary_line(report.counts()), "bold")))
    return blocks


def _card_heading(card: CardResult) -> tuple[Segment, ...]:
    version = f" {card.model_version}" if card.model_version else ""
    return ((safe(f"{card.model_name}{version}"), "bold"), (f"  {safe(card.card)}", ""))


def card_blocks(card: CardResult, *, several: bool) -> list[Block]:
    classification = card.classification
    blocks: list[Block] = [
        line(*_card_heading(card)),
        line("  Risk tier: ", (safe(card.tier.upper()), TIER_STYLE.get(card.tier, "bold"))),
    ]
    for reason in classification.get("reasons") or []:
        blocks.append(line("    ", (safe(reason.get("basis", "")), "cyan"), "  ", safe(reason.get("text", ""))))
    for fact in classification.get("missing_facts") or []:
        blocks.append(line("    ", ("declare", "magenta"), f"  {safe(fact)}"))
    extras = _classification_extras(classification)
    if extras:
        blocks.append(line(("  " + " · ".join(safe(extra) for extra in extras), "dim")))
    for heading, results in failures_first(group_by_article(card.results)):
        blocks += [BLANK, line((f"  {safe(article_title(heading))}", "bold underline"))]
        for result in results:
            blocks += result_blocks(result)
    blocks += _fairness(card)
    if several:
        blocks += [BLANK, line("  ", (summary_line(card.counts()), "bold"))]
    return blocks


def failures_first(
    groups: Sequence[tuple[str, list[RuleResult]]],
) -> list[tuple[str, list[RuleResult]]]:
    """Article groups ordered by their worst status (a failing article first), then as the Act numbers them."""
    ranked = enumerate(groups)
    return [
        group
        for _, group in sorted(ranked, key=lambda item: (min(STATUSES.index(r.status) for r in item[1][1]), item[0]))
    ]


def _classification_extras(classification: dict[str, Any] | Any) -> list[str]:
    gpai = classification.get("gpai")
    extras = [f"GPAI: {gpai if gpai is not None else 'none'}"]
    roles = classification.get("roles")
    if isinstance(roles, list) and roles:
        assumed = " (assumed)" if classification.get("roles_assumed") else ""
        extras.append(f"role: {', '.join(str(role) for role in roles)}{assumed}")
    for key, label in (("conformity_route", "conformity"), ("registration", "registration")):
        value = classification.get(key)
        if value not in (None, "", "none"):
            extras.append(f"{label}: {value}")
    return extras


def result_blocks(result: RuleResult) -> list[Block]:
    status = result.status.upper()
    blocks: list[Block] = [
        line(
            "    ",
            (f"{status:<6}", STATUS_STYLE.get(result.status, "")),
            " ",
            (safe(result.id), "bold"),
            "  ",
            safe(result.message),
        )
    ]
    if result.status == "pass":
        return blocks
    blocks += [line(INDENT, safe(finding.message)) for finding in result.findings[1:]]
    first = result.findings[0] if result.findings else None
    if first is not None and (first.field or first.location):
        where = f" ({safe(first.location)})" if first.location else ""
        blocks.append(line((f"{INDENT}field: {safe(first.field or '-')}{where}", "dim")))
    if result.waiver is not None:
        waiver = result.waiver
        blocks.append(
            line(
                (
                    f"{INDENT}waived by {safe(waiver.approved_by)} until {safe(waiver.expires)}: "
                    f"{safe(waiver.justification)}",
                    "magenta",
                )
            )
        )
    elif needs_fix(result):
        blocks.append(line((f"{INDENT}fix: {safe(result.remediation)}", "dim")))
    return blocks


def _fairness(card: CardResult) -> list[Block]:
    evidence = card.input_document.get("evidence", {})
    fairness = evidence.get("fairness") if isinstance(evidence, dict) else None
    if not fairness:
        return []
    from checker.fairness.render import fairness_tables

    blocks: list[Block] = []
    for table in fairness_tables(fairness):
        blocks += [BLANK, Table(_ready(table))]
    return blocks


def _ready(renderable: TableSpec) -> Callable[[], TableSpec]:
    return lambda: renderable


def _summary_table(report: Report) -> TableSpec:
    columns = [
        Column(name, justify="right" if name in {"failed", "warnings", "waived", "passed"} else "left", no_wrap=True)
        for name in ("card", "model", "tier", "failed", "warnings", "waived", "passed")
    ]
    table = TableSpec(columns, title="Summary", title_justify="left")
    for card in report.cards:
        counts = card.counts()
        table.add_row(
            safe(card.card),
            safe(card.model_name),
            safe(card.tier),
            str(counts["fail"]),
            str(counts["warn"]),
            str(counts["waived"]),
            str(counts["pass"]),
        )
    return table
