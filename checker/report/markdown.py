"""`--format markdown`: a GitHub-flavoured Markdown summary for a PR comment or `$GITHUB_STEP_SUMMARY`.

A verdict line, one row per card (tier and counts), then a table of every failing or warning rule with
its article (linked), finding, file:line and fix, then the waived rules with who approved them and until
when. Cell text is escaped so a `|`, a newline or HTML in a message cannot break the table.
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.report.links import article_url
from checker.report.model import Report, RuleResult, summary_line
from checker.report.sanitize import markdown_text, one_line

STATUS_LABEL = {"fail": "❌ FAIL", "warn": "⚠️ WARN", "waived": "🔕 WAIVED", "pass": "✅ PASS"}


def render(report: Report) -> str:
    counts = report.counts()
    failing = counts["fail"] > 0
    lines = [
        "## comply — EU AI Act compliance gate",
        "",
        f"**{'❌' if failing else '✅'} {summary_line(counts)}** · {len(report.cards)} "
        f"card{'s' if len(report.cards) != 1 else ''} · policy bundle {cell(report.bundle_revision)} · "
        f"reference date {report.reference_date} ({report.law})",
        "",
        *(f"> **{cell(note)}**" for note in report.header_notes()),
        *([""] if report.header_notes() else []),
        *_table(
            ("Card", "Model", "Tier", "Result", "Failed", "Warnings", "Waived", "Passed"),
            (
                (
                    code(card.card),
                    cell(f"{card.model_name} {card.model_version}".strip()),
                    cell(card.tier),
                    "❌ fail" if card.counts()["fail"] else "✅ pass",
                    *(str(card.counts()[status]) for status in ("fail", "warn", "waived", "pass")),
                )
                for card in report.cards
            ),
            numeric_from=4,
        ),
    ]
    problems = [
        (card.card, result) for card in report.cards for result in card.results if result.status in {"fail", "warn"}
    ]
    if problems:
        lines += ["", "### Failures and warnings", ""]
        lines += _table(
            ("Card", "Status", "Rule", "Article", "Severity", "Finding", "Where", "How to fix"),
            (
                (
                    code(card),
                    STATUS_LABEL[result.status],
                    code(result.id),
                    article_link(result),
                    cell(result.severity),
                    cell("\n".join(f.message for f in result.findings) or result.message),
                    cell("\n".join(dict.fromkeys(str(f.location) for f in result.findings if f.location))),
                    cell(result.remediation),
                )
                for card, result in sorted(problems, key=lambda item: (item[1].status != "fail", item[0], item[1].id))
            ),
        )
    waived = [(card.card, result) for card in report.cards for result in card.results if result.status == "waived"]
    if waived:
        lines += ["", "### Waived", ""]
        lines += _table(
            ("Card", "Rule", "Article", "Finding", "Approved by", "Expires", "Justification"),
            (
                (
                    code(card),
                    code(result.id),
                    article_link(result),
                    cell(result.message),
                    cell(result.waiver.approved_by if result.waiver else ""),
                    cell(result.waiver.expires if result.waiver else ""),
                    cell(result.waiver.justification if result.waiver else ""),
                )
                for card, result in sorted(waived, key=lambda item: (item[0], item[1].id))
            ),
        )
    return "\n".join(lines) + "\n"


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]], numeric_from: int | None = None) -> list[str]:
    align = ["---:" if numeric_from is not None and i >= numeric_from else "---" for i in range(len(header))]
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"] + [
        "| " + " | ".join(row) + " |" for row in rows
    ]


def cell(text: str) -> str:
    """Text safe inside a table cell: each line through `markdown_text` (no link, image, emphasis or
    HTML renders; pipes escaped), line breaks as <br>."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(markdown_text(part.strip()) for part in lines)


def code(text: str) -> str:
    """A file path or rule id as inline code (backticks cannot occur inside; pipes are still escaped)."""
    return "`" + one_line(text).replace("`", "'").replace("|", "\\|") + "`"


def article_link(result: RuleResult) -> str:
    """The article, linked to its page only when the address is a plain https URL."""
    url = article_url(result.article, result.custom)
    plain = url is not None and url.startswith("https://") and not any(c in url for c in " \t()<>[]\"'")
    return f"[{cell(result.article)}]({url})" if plain else cell(result.article)
