"""`--format html`: one self-contained page for the people who sign a model off.

Per card: the verdict; the risk tier with its reasons and their legal basis; a table of the articles with
their status and every rule under them (failures first, each with its fix); the readiness timeline (each
duty on the date it applies, met or not); fairness per sensitive feature as bar charts with intervals,
thresholds and small groups marked (`checker.report.fairness_charts`); the audit log's coverage of the
retention period; and the evidence files with their digests. Everything comes from the one result model,
so the page says what the JSON report says. Card text is escaped everywhere (`sanitize.html_text`) and
the page carries a CSP that forbids scripts and requests (`checker.report.htmlpage`). Deterministic: no
timestamp unless `--timestamp`, ids derived from positions, numbers printed at fixed precision.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

from checker.report.articles import article_title
from checker.report.fairness_charts import feature_charts
from checker.report.htmlpage import page, status
from checker.report.model import (
    STATUSES,
    CardResult,
    Report,
    RuleResult,
    article_sort_key,
    group_by_article,
    needs_fix,
    summary_line,
)
from checker.report.sanitize import html_text
from checker.report.svg import COLOURS, GRID, INK, MUTED, WIDTH, figure, num

FAIRNESS_RULES = ("art10.2.f.bias_examination", "org.fairness.")
AUDIT_RULES = ("org.audit_log.", "art12.", "art19.")


def render(report: Report) -> str:
    counts = report.counts()
    verdict = "fail" if counts["fail"] else ("warn" if counts["warn"] else "pass")
    header = [
        "<h1>comply compliance report</h1>",
        f'<p class="lead">{status(verdict)} {html_text(summary_line(counts))} across '
        f"{len(report.cards)} model card{'s' if len(report.cards) != 1 else ''}</p>",
        '<dl class="facts">',
        _fact("Reference date", report.reference_date),
        _fact("Law", report.law),
        _fact("Policy bundle", f"{report.bundle_revision} ({report.bundle_digest})", mono=True),
        _fact("comply", report.tool_version),
    ]
    if report.generated_at is not None:
        header.append(_fact("Generated at", report.generated_at))
    header.append("</dl>")
    notes = report.header_notes()
    if notes:
        header.append('<ul class="notes">' + "".join(f"<li>{html_text(note)}</li>" for note in notes) + "</ul>")
    if len(report.cards) > 1:
        header.append('<nav class="contents" aria-label="Model cards"><h2>Model cards</h2><ol>')
        for index, card in enumerate(report.cards, start=1):
            header.append(
                f'<li><a href="#card-{index}">{html_text(_card_name(card))}</a> '
                f"{status(_card_verdict(card))} {html_text(summary_line(card.counts()))}</li>"
            )
        header.append("</ol></nav>")
    body = [_card_section(report, card, index) for index, card in enumerate(report.cards, start=1)]
    footer = (
        f"<p>Written by comply {html_text(report.tool_version)} from the evidence named above. It reports what "
        "comply's policies found in that evidence: it is not legal advice and not a conformity assessment.</p>"
    )
    return page("comply compliance report", "\n".join(header), "\n".join(body), footer)


def _fact(name: str, value: object, *, mono: bool = False) -> str:
    shown = f"<code>{html_text(value)}</code>" if mono else html_text(value)
    return f"<dt>{html_text(name)}</dt><dd>{shown}</dd>"


def _card_name(card: CardResult) -> str:
    version = f" {card.model_version}" if card.model_version else ""
    return f"{card.model_name or card.card}{version}"


def _card_verdict(card: CardResult) -> str:
    counts = card.counts()
    return "fail" if counts["fail"] else ("warn" if counts["warn"] else "pass")


def _card_section(report: Report, card: CardResult, index: int) -> str:
    anchor = f"card-{index}"
    parts = [
        f'<section class="card" id="{anchor}" aria-labelledby="{anchor}-name">',
        f'<h2 id="{anchor}-name">{html_text(_card_name(card))}</h2>',
        f'<p class="lead">{status(_card_verdict(card))} {html_text(summary_line(card.counts()))} '
        f"&mdash; <code>{html_text(card.card)}</code></p>",
        _attention(card),
        _tier(card),
        _articles(card),
        _timeline(report, card, anchor),
        _fairness(report, card, anchor),
        _audit_log(report, card, anchor),
        _evidence(card),
        "</section>",
    ]
    return "\n".join(parts)


def _attention(card: CardResult) -> str:
    """Failures first, as in every format: what must be fixed (and the warnings), before the detail."""
    chosen = [result for result in card.results if result.status in ("fail", "warn")]
    if not chosen:
        return ""
    chosen.sort(key=lambda result: (STATUSES.index(result.status), article_sort_key(result.article), result.id))
    return "<h3>Needs attention</h3>" + '<ul class="rules">' + "".join(_rule(result) for result in chosen) + "</ul>"


# -- risk tier -----------------------------------------------------------------------------------------


def _tier(card: CardResult) -> str:
    classification = card.classification
    tier = card.tier
    parts = [
        "<h3>Risk tier</h3>",
        f'<p><span class="badge tier-{html_text(tier)}">{html_text(tier.upper())}</span>'
        f"{_tier_context(classification)}</p>",
    ]
    reasons = classification.get("reasons")
    if isinstance(reasons, list) and reasons:
        parts.append("<h4>Why</h4><ul>")
        for reason in reasons:
            if isinstance(reason, Mapping):
                basis = reason.get("basis")
                legal = (
                    f' <span class="muted">(legal basis: {html_text(legal_basis(str(basis)))}, '
                    f"<code>{html_text(basis)}</code>)</span>"
                    if basis
                    else ""
                )
                parts.append(f"<li>{html_text(reason.get('text', ''))}{legal}</li>")
            else:
                parts.append(f"<li>{html_text(reason)}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>No reason recorded.</p>")
    facts = []
    for key, label in (
        ("declared_tier", "Tier the card declares"),
        ("roles", "Role"),
        ("gpai", "General-purpose AI"),
        ("conformity_route", "Conformity route"),
        ("registration", "Registration"),
    ):
        value = classification.get(key)
        if key == "roles":
            value = _roles_text(classification)
        if value not in (None, ""):
            facts.append(_fact(label, str(value).replace("_", " ")))
    if facts:
        parts.append('<dl class="facts">' + "".join(facts) + "</dl>")
    for key, label in (("missing_facts", "Facts the card is missing"), ("notes", "Notes")):
        items = classification.get(key)
        if isinstance(items, list) and items:
            parts.append(f"<h4>{label}</h4><ul>" + "".join(f"<li>{html_text(_text(i))}</li>" for i in items) + "</ul>")
    return "\n".join(parts)


def _roles_text(classification: Mapping[str, Any]) -> str:
    """'provider and deployer (assumed)', or the declared roles; '' when the classification names none."""
    roles = classification.get("roles")
    if not isinstance(roles, list) or not roles:
        return ""
    text = " and ".join(str(role) for role in roles)
    return f"{text} (assumed)" if classification.get("roles_assumed") else text


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX", 10: "X", 11: "XI"}


def legal_basis(code: str) -> str:
    """'annex3.5.b' -> 'Annex III 5(b)', 'art5.1.f' -> 'Art. 5(1)(f)', 'art50.3' -> 'Art. 50(3)'; others as given."""
    head, _, rest = code.partition(".")
    parts = [part for part in rest.split(".") if part]
    if head == "annex1" and len(parts) == 2 and parts[0] in ("a", "b"):
        return f"Annex I Section {parts[0].upper()} point {parts[1]}"
    if head.startswith("annex") and head[5:].isdigit() and int(head[5:]) in _ROMAN:
        point = parts[0] + "".join(f"({part})" for part in parts[1:]) if parts else ""
        return f"Annex {_ROMAN[int(head[5:])]} {point}".strip()
    if head.startswith("art") and head[3:].isdigit():
        return f"Art. {head[3:]}" + "".join(f"({part})" for part in parts)
    return code


def _tier_context(classification: Mapping[str, Any]) -> str:
    roles = _roles_text(classification)
    return f" as {html_text(roles)}" if roles else ""


def _text(item: object) -> str:
    if isinstance(item, Mapping):
        return str(item.get("text") or item.get("msg") or item.get("fact") or item)
    return str(item)


# -- articles ------------------------------------------------------------------------------------------


def _worst(results: Sequence[RuleResult]) -> str:
    return min((result.status for result in results), key=STATUSES.index, default="pass")


def _articles(card: CardResult) -> str:
    parts = [
        "<h3>Articles</h3>",
        '<table class="articles"><thead><tr><th scope="col">Article</th><th scope="col">Status</th>'
        '<th scope="col">Rules</th></tr></thead><tbody>',
    ]
    for heading, results in group_by_article(card.results):
        parts.append(
            f'<tr><th scope="row">{html_text(article_title(heading))}</th><td>{status(_worst(results))}</td>'
            f'<td><ul class="rules">{"".join(_rule(result) for result in results)}</ul></td></tr>'
        )
    parts.append("</tbody></table>")
    return "\n".join(parts)


def _rule(result: RuleResult) -> str:
    lines = [f"{status(result.status)} <code>{html_text(result.id)}</code> {html_text(result.title)}"]
    if result.status != "pass":
        for finding in result.findings:
            where = f' <span class="muted">({html_text(finding.location)})</span>' if finding.location else ""
            lines.append(f"<br>{html_text(finding.message)}{where}")
    if result.waiver is not None:
        waiver = result.waiver
        lines.append(
            f"<br>Waived by {html_text(waiver.approved_by)} until {html_text(waiver.expires)}: "
            f"{html_text(waiver.justification)}"
        )
    if needs_fix(result):
        lines.append(f'<br><span class="fix">How to fix: {html_text(result.remediation)}</span>')
    return f"<li>{''.join(lines)}</li>"


# -- readiness timeline --------------------------------------------------------------------------------


def _duty_state(result: RuleResult | None) -> tuple[str, str]:
    """(status key, words) of a duty on the timeline."""
    if result is None:
        return "unchecked", "no evidence to judge it by"
    pending = {finding.pending for finding in result.findings if finding.pending}
    if "would_fail" in pending:
        return "warn", "not yet applicable; its evidence would fail today"
    if pending == {"would_pass"}:
        return "pass", "not yet applicable; its evidence already passes"
    words = {"fail": "not met", "warn": "met with warnings", "waived": "not met, waived", "pass": "met"}
    return result.status, words.get(result.status, result.status)


def _timeline(report: Report, card: CardResult, anchor: str) -> str:
    obligations = card.classification.get("obligations")
    results = {result.id: result for result in card.results}
    dated: dict[str, list[tuple[str, RuleResult | None]]] = {}
    undated: list[tuple[str, RuleResult | None]] = []
    seen: set[str] = set()
    organisation = card.classification.get("organisation_rules")
    listed = [
        *(obligations if isinstance(obligations, list) else []),
        *(organisation if isinstance(organisation, list) else []),
    ]
    for obligation in listed:
        if not isinstance(obligation, Mapping) or not isinstance(obligation.get("id"), str):
            continue
        rule_id = obligation["id"]
        if rule_id in seen:  # one row per duty, whichever roles owe it
            continue
        seen.add(rule_id)
        date = obligation.get("applies_from")
        (dated.setdefault(str(date), []) if isinstance(date, str) else undated).append((rule_id, results.get(rule_id)))
    parts = ["<h3>Readiness timeline</h3>"]
    if not dated and not undated:
        parts.append("<p>The classification lists no duties for this card.</p>")
        return "\n".join(parts)
    parts.append(
        f"<p>Each duty the {html_text(card.tier)}-risk classification owes, on the date it applies "
        f"({html_text(report.law)}), as judged on {html_text(report.reference_date)}.</p>"
    )
    if dated:
        parts.append(_timeline_chart(report, dated, f"{anchor}-timeline"))
    parts.append(
        '<table><thead><tr><th scope="col">Applies from</th><th scope="col">Duty</th><th scope="col">Status</th>'
        "</tr></thead><tbody>"
    )
    for date in sorted(dated):
        for rule_id, result in sorted(dated[date], key=lambda item: article_sort_key(item[0])):
            parts.append(_duty_row(date, rule_id, result))
    parts.append("</tbody></table>")
    if undated:
        parts.append(
            f"<p>{len(undated)} organisation rules apply from the day the organisation adopts them and have no "
            "legal date: they are listed under Articles.</p>"
        )
    return "\n".join(parts)


def _duty_row(date: str, rule_id: str, result: RuleResult | None) -> str:
    key, words = _duty_state(result)
    title = f" {html_text(result.title)}" if result is not None else ""
    return (
        f"<tr><td>{html_text(date)}</td><td><code>{html_text(rule_id)}</code>{title}</td>"
        f"<td>{status(key, words)}</td></tr>"
    )


def _day(text: str) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _timeline_chart(report: Report, dated: Mapping[str, list[tuple[str, RuleResult | None]]], ident: str) -> str:
    days = {date: _day(date) for date in dated}
    known = sorted((day, date) for date, day in days.items() if day is not None)
    reference = _day(report.reference_date)
    if not known:
        return ""
    points = [day for day, _ in known] + ([reference] if reference else [])
    start, end = min(points), max(points)
    span = max((end - start).days, 1)
    left, right = 60.0, WIDTH - 60.0
    axis = 64.0

    def x(day: _dt.date) -> float:
        return left + (day - start).days / span * (right - left)

    body = [
        f'<line x1="{num(left)}" y1="{num(axis)}" x2="{num(right)}" y2="{num(axis)}" stroke="{INK}" stroke-width="2"/>'
    ]
    sentences = []
    for number, (day, date) in enumerate(known):
        states = [_duty_state(result)[0] for _, result in dated[date]]
        met = sum(1 for state in states if state == "pass")
        unmet = len(states) - met
        colour = COLOURS["ok"] if unmet == 0 else COLOURS["fail"] if "fail" in states else COLOURS["warn"]
        cx = x(day)
        label_y = axis + 24 + 30 * (number % 2)
        symbol = "\u2714" if unmet == 0 else "\u2716"
        body.append(
            f'<circle cx="{num(cx)}" cy="{num(axis)}" r="8" fill="{colour}" stroke="{INK}"/>'
            f'<line x1="{num(cx)}" y1="{num(axis + 8)}" x2="{num(cx)}" y2="{num(label_y - 12)}" stroke="{GRID}"/>'
            f'<text x="{num(cx)}" y="{num(label_y)}" text-anchor="middle" font-weight="600">{html_text(date)}</text>'
            f'<text x="{num(cx)}" y="{num(label_y + 14)}" text-anchor="middle" font-size="11">'
            f"{symbol} {met} met, {unmet} not met</text>"
        )
        sentences.append(f"{date}: {len(states)} duties, {met} met, {unmet} not met.")
    if reference is not None:
        rx = x(reference)
        anchor = "end" if rx > WIDTH - 160 else ("start" if rx < 160 else "middle")
        body.append(
            f'<line x1="{num(rx)}" y1="{num(axis - 34)}" x2="{num(rx)}" y2="{num(axis + 8)}" stroke="{INK}" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
            f'<text x="{num(rx)}" y="{num(axis - 40)}" text-anchor="{anchor}" fill="{MUTED}">'
            f"reference date {html_text(report.reference_date)}</text>"
        )
    description = f"Duties by the date they apply; reference date {report.reference_date}. " + " ".join(sentences)
    svg = figure(ident, "Readiness timeline: duties by the date they apply", description, 140, body)
    return f"<figure>{svg}<figcaption>Filled circle per date: green \u2714 every duty met, red or amber \u2716 some not met (details in the table).</figcaption></figure>"


# -- fairness ------------------------------------------------------------------------------------------


def _evidence_block(card: CardResult, key: str) -> Mapping[str, Any] | None:
    evidence = card.input_document.get("evidence")
    block = evidence.get(key) if isinstance(evidence, Mapping) else None
    return block if isinstance(block, Mapping) else None


def _rules_list(card: CardResult, prefixes: Sequence[str]) -> str:
    chosen = [result for result in card.results if result.id.startswith(tuple(prefixes))]
    if not chosen:
        return ""
    chosen.sort(key=lambda result: (STATUSES.index(result.status), result.id))
    return '<ul class="rules">' + "".join(_rule(result) for result in chosen) + "</ul>"


def _fairness(report: Report, card: CardResult, anchor: str) -> str:
    parts = ["<h3>Fairness</h3>"]
    document = _evidence_block(card, "fairness")
    if document is None:
        parts.append("<p>No fairness evidence: neither computed from predictions nor declared in the card.</p>")
        parts.append(_rules_list(card, FAIRNESS_RULES))
        return "\n".join(parts)
    provenance = document.get("provenance")
    source = html_text(document.get("source", "unknown"))
    if isinstance(provenance, Mapping) and provenance.get("sha256"):
        rows = document.get("rows")
        used = (
            f", {html_text(rows.get('used'))} of {html_text(rows.get('total'))} rows used"
            if isinstance(rows, Mapping)
            else ""
        )
        parts.append(
            f"<p>{source.capitalize()} from <code>{html_text(provenance.get('file'))}</code> "
            f"(sha256 <code>{html_text(provenance.get('sha256'))}</code>){used}.</p>"
        )
    elif isinstance(provenance, Mapping):
        parts.append(f"<p>{source.capitalize()} in <code>{html_text(provenance.get('field', card.card))}</code>.</p>")
    charts = feature_charts(document, report.thresholds, f"{anchor}-fairness")
    for chart in charts:
        parts.append(
            f"<h4>By {html_text(chart.feature)}</h4>"
            f'<figure class="fairness" data-feature="{html_text(chart.feature)}">{chart.svg}'
            f"<figcaption>{html_text(chart.caption)}</figcaption></figure>{chart.table}{chart.metrics}"
        )
    if not charts:
        parts.append("<p>The fairness evidence names no sensitive feature.</p>")
    parts.append(_rules_list(card, FAIRNESS_RULES))
    return "\n".join(parts)


# -- audit log -----------------------------------------------------------------------------------------


def _logging_fact(card: CardResult, key: str) -> Any:
    evidence = _evidence_block(card, "logging") or {}
    if key in evidence:
        return evidence[key]
    section = card.input_document.get("card")
    logging = section.get("logging") if isinstance(section, Mapping) else None
    return logging.get(key) if isinstance(logging, Mapping) else None


def _audit_log(report: Report, card: CardResult, anchor: str) -> str:
    parts = ["<h3>Audit log</h3>"]
    audit = _evidence_block(card, "audit_log")
    if audit is None:
        parts.append("<p>No audit log was supplied, so its coverage of the retention period is unknown.</p>")
        parts.append(_rules_list(card, AUDIT_RULES))
        return "\n".join(parts)
    parts.append(_coverage_chart(report, card, audit, f"{anchor}-audit"))
    intact = audit.get("intact")
    facts = [
        _fact("File", audit.get("file"), mono=True),
        _fact("Entries", audit.get("entries")),
        _fact("First entry", audit.get("first_timestamp")),
        _fact("Last entry", audit.get("last_timestamp")),
        _fact("Longest silence", f"{audit.get('max_gap_days')} days (before line {audit.get('max_gap_line')})"),
        _fact(
            "Hash chain",
            ("intact" if intact else "damaged")
            + f": {audit.get('chain_breaks_total', 0)} breaks, {audit.get('hash_failures_total', 0)} hash failures, "
            f"{audit.get('unparseable_total', 0)} unreadable lines",
        ),
        _fact("Head hash", audit.get("head_hash"), mono=True),
    ]
    parts.append('<dl class="facts">' + "".join(facts) + "</dl>")
    parts.append(_rules_list(card, AUDIT_RULES))
    return "\n".join(parts)


def _coverage_chart(report: Report, card: CardResult, audit: Mapping[str, Any], ident: str) -> str:
    reference = _day(report.reference_date)
    first = _day(str(audit.get("first_timestamp") or ""))
    last = _day(str(audit.get("last_timestamp") or ""))
    if reference is None or first is None or last is None:
        return "<p>The audit log has no dated entries to chart.</p>"
    retention = _logging_fact(card, "retention_days")
    since = _day(str(_logging_fact(card, "since") or ""))
    window = None
    if isinstance(retention, int) and not isinstance(retention, bool) and retention > 0:
        window = reference - _dt.timedelta(days=retention)
        if since is not None and since > window:
            window = since
    start = min(day for day in (window, first) if day is not None)
    end = max(reference, last)
    span = max((end - start).days, 1)
    left, right = 150.0, WIDTH - 40.0

    def x(day: _dt.date) -> float:
        return left + (day - start).days / span * (right - left)

    body = []
    sentences = []
    if window is not None:
        body.append(
            f'<text x="0" y="34">must be kept</text><rect x="{num(x(window))}" y="22" '
            f'width="{num(max(x(reference) - x(window), 1.0))}" height="16" fill="#ffffff" stroke="{INK}" '
            f'stroke-dasharray="4 2"/>'
            f'<text x="{num(x(window))}" y="14" font-size="11">kept from {window.isoformat()}</text>'
        )
        sentences.append(
            f"Entries must be kept from {window.isoformat()} to the reference date {reference.isoformat()}."
        )
    body.append(
        f'<line x1="{num(x(reference))}" y1="4" x2="{num(x(reference))}" y2="70" stroke="{INK}" stroke-width="2" '
        f'stroke-dasharray="4 3"/><text x="{num(x(reference) - 4)}" y="14" text-anchor="end" font-size="11" '
        f'fill="{MUTED}">reference date {reference.isoformat()}</text>'
    )
    covered_late = window is not None and first > window
    colour = COLOURS["warn"] if covered_late else COLOURS["ok"]
    body.append(
        f'<text x="0" y="60">logged</text><rect x="{num(x(first))}" y="48" width="{num(max(x(last) - x(first), 1.0))}" '
        f'height="16" fill="{colour}" stroke="{INK}"/>'
        f'<line x1="{num(x(first))}" y1="64" x2="{num(x(first))}" y2="72" stroke="{MUTED}"/>'
        f'<text x="{num(x(first))}" y="84" font-size="11">first entry {first.isoformat()}</text>'
        f'<line x1="{num(x(last))}" y1="64" x2="{num(x(last))}" y2="86" stroke="{MUTED}"/>'
        f'<text x="{num(x(last))}" y="98" text-anchor="end" font-size="11">last entry {last.isoformat()}</text>'
    )
    sentences.append(f"The log holds entries from {first.isoformat()} to {last.isoformat()}.")
    if covered_late and window is not None:
        sentences.append(f"It starts {(first - window).days} days after the start of the period it must cover.")
    description = " ".join(sentences) + (
        "" if window is not None else " The retention period is not declared, so no period to cover is drawn."
    )
    svg = figure(ident, "Audit-log coverage of the retention period", description, 106, body)
    basis = f"{retention}-day retention" if window is not None else "no declared retention"
    if since is not None:
        basis += f", logging since {since.isoformat()}"
    caption = (
        f"Dashed box: the period that must still be in the log ({basis}); filled bar: the period the log covers"
        + (" (amber: it starts late)." if covered_late else ".")
    )
    return f"<figure>{svg}<figcaption>{html_text(caption)}</figcaption></figure>"


# -- evidence ------------------------------------------------------------------------------------------


def _evidence(card: CardResult) -> str:
    parts = [
        "<h3>Evidence</h3>",
        '<table><thead><tr><th scope="col">Kind</th><th scope="col">File</th><th scope="col">sha256</th>'
        "</tr></thead><tbody>",
    ]
    for item in card.evidence:
        parts.append(
            f'<tr><td class="kind">{html_text(item.kind)}</td><td><code>{html_text(item.path)}</code></td>'
            f"<td><code>{html_text(item.sha256)}</code></td></tr>"
        )
    parts.append("</tbody></table>")
    if card.git_commit:
        parts.append(f"<p>Git commit: <code>{html_text(card.git_commit)}</code></p>")
    return "\n".join(parts)
