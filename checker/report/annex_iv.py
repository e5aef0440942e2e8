"""The Annex IV readiness document: each of the nine points of Annex IV against the evidence comply holds.

For every point: whether the card lists it in `technical_documentation.annex_iv_sections`, which of the card
sections that evidence it are filled in, what comply computed or verified for it (fairness from predictions,
the logging configuration, the audit log, the approval), and the rules that judge it, with their findings.
From these the point is marked:

- **present**: listed, every evidencing section filled in, and every rule judging it passes;
- **partial**: something is there, but not all of it (a rule fails or warns, a section is empty, the point
  is not listed though sections exist, or is listed with nothing behind it);
- **missing**: not listed and nothing in the card or the evidence speaks to it.

It is a readiness document — what a reviewer can check before the technical documentation is signed — not
the technical documentation Art 11 requires and not a conformity assessment (Art 43); every rendering says
so in its title and first lines. Rendered as Markdown and as a self-contained HTML page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checker.report.model import CardResult, Report, RuleResult


@dataclass(frozen=True)
class Point:
    number: int
    key: str
    """The name a card lists in `technical_documentation.annex_iv_sections`."""
    title: str
    asks: str
    sections: tuple[str, ...]
    """Card fields (dotted paths) that evidence the point."""
    evidence: tuple[str, ...]
    """Evidence comply reads or computes for it: fairness, evaluation, logging, audit_log, approvals, provenance."""
    rules: tuple[str, ...]
    """Rule ids (or id prefixes ending in `.`) that judge it."""


POINTS: tuple[Point, ...] = (
    Point(
        1,
        "general_description",
        "General description of the AI system",
        "intended purpose, provider, version, how it interacts with other hardware and software, the user "
        "interface, and the instructions for use",
        (
            "model_details.name",
            "model_details.version",
            "model_details.provider",
            "intended_use",
            "instructions_for_use",
        ),
        (),
        ("art13.instructions_for_use", "art16.provider_name_contact"),
    ),
    Point(
        2,
        "development_process",
        "Elements of the system and the process of its development",
        "design choices and architecture, data requirements and data sheets, the human-oversight assessment, "
        "validation and testing (including discriminatory impact), cybersecurity measures",
        ("training_data", "data_governance", "human_oversight", "evaluation", "robustness", "security"),
        ("fairness", "evaluation"),
        (
            "art10.data_governance",
            "art10.2.f.bias_examination",
            "art14.human_oversight",
            "art15.accuracy_robustness_cybersecurity",
            "org.fairness.",
        ),
    ),
    Point(
        3,
        "capabilities_and_limitations",
        "Monitoring, functioning and control of the system",
        "capabilities and limitations in performance, accuracy for the specific persons or groups it is meant "
        "for, foreseeable unintended outcomes and risks, human-oversight measures, input-data specifications",
        ("evaluation.metrics", "ethical_considerations", "caveats", "instructions_for_use.limitations"),
        ("fairness",),
        ("art10.2.f.bias_examination", "org.fairness.min_group_size", "art13.instructions_for_use"),
    ),
    Point(
        4,
        "metric_appropriateness",
        "Appropriateness of the performance metrics",
        "why the chosen performance metrics suit this system",
        ("evaluation.metrics",),
        ("evaluation",),
        ("art15.accuracy_robustness_cybersecurity", "org.evaluation.matches_evidence"),
    ),
    Point(
        5,
        "risk_management",
        "The risk-management system (Art 9)",
        "a detailed description of the risk-management system",
        ("risk_management",),
        (),
        ("art9.risk_management",),
    ),
    Point(
        6,
        "lifecycle_changes",
        "Relevant changes through the lifecycle",
        "the changes the provider made to the system through its lifecycle",
        ("model_details.version", "technical_documentation.version", "approvals"),
        ("approvals", "provenance"),
        ("org.approval",),
    ),
    Point(
        7,
        "standards_applied",
        "Harmonised standards applied",
        "the harmonised standards applied in full or in part, or else the solutions adopted to meet the "
        "requirements of Chapter III Section 2",
        ("qms.standard",),
        (),
        ("art17.quality_management_system",),
    ),
    Point(
        8,
        "eu_declaration_of_conformity",
        "Copy of the EU declaration of conformity (Art 47)",
        "a copy of the signed EU declaration of conformity",
        ("conformity.declaration_uri",),
        (),
        ("art47.eu_declaration_of_conformity",),
    ),
    Point(
        9,
        "post_market_monitoring_plan",
        "Post-market monitoring system and plan (Art 72)",
        "the system for evaluating performance once on the market, including the post-market monitoring plan",
        ("post_market_monitoring", "logging", "incident_response"),
        ("logging", "audit_log"),
        ("art72.post_market_monitoring", "art12.record_keeping_logging", "art19.log_retention_6m", "org.audit_log."),
    ),
)

DISCLAIMER = (
    "This is a readiness document: it shows what comply's evidence says about each point of Annex IV. It is "
    "not the technical documentation required by Art 11, and not a conformity assessment (Art 43)."
)


@dataclass(frozen=True)
class Assessment:
    point: Point
    status: str
    why: str
    """The one line that says why the point has its status."""
    listed: bool
    sections: tuple[tuple[str, bool], ...]
    evidence: tuple[str, ...]
    rules: tuple[RuleResult, ...]


@dataclass(frozen=True)
class Readiness:
    card: CardResult
    reference_date: str
    law: str
    tool_version: str
    bundle: str
    assessments: tuple[Assessment, ...]

    def counts(self) -> dict[str, int]:
        return {status: sum(1 for a in self.assessments if a.status == status) for status in STATUSES}


STATUSES = ("present", "partial", "missing")
RULE_ORDER = ("fail", "warn", "waived", "pass")


def _lookup(document: Mapping[str, Any], dotted: str) -> Any:
    value: Any = document
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


def _ok(result: RuleResult) -> bool:
    """A pass, or a duty not yet applicable whose evidence already passes."""
    if result.status == "pass":
        return True
    pending = {finding.pending for finding in result.findings}
    return result.status == "warn" and pending == {"would_pass"}


def _matching(card: CardResult, patterns: Sequence[str]) -> tuple[RuleResult, ...]:
    return tuple(
        sorted(
            (
                result
                for result in card.results
                if any(result.id == p or (p.endswith(".") and result.id.startswith(p)) for p in patterns)
            ),
            key=lambda result: result.id,
        )
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _evidence_lines(card: CardResult, kinds: Sequence[str]) -> list[str]:
    evidence = card.input_document.get("evidence")
    evidence = evidence if isinstance(evidence, Mapping) else {}
    files = {item.kind: item for item in card.evidence}
    lines = []
    for kind in kinds:
        block = evidence.get(kind)
        if kind == "fairness" and isinstance(block, Mapping):
            provenance = _mapping(block.get("provenance"))
            features = _mapping(block.get("features"))
            names = ", ".join(str(name) for name in features) or "no feature"
            if block.get("source") == "computed":
                lines.append(
                    f"fairness computed by comply from {provenance.get('file')} "
                    f"(sha256 {str(provenance.get('sha256', ''))[:12]}…) for {names}"
                )
            else:
                lines.append(f"fairness declared in {provenance.get('field', 'the card')} for {names}: not verified")
        elif kind == "evaluation" and isinstance(block, Mapping):
            recorded = files.get("evaluation")
            metrics = _mapping(block.get("metrics"))
            names = ", ".join(sorted(str(name) for name in metrics)) or "no metric"
            origin = (
                f"{recorded.path} (sha256 {recorded.sha256[:12]}…)" if recorded is not None else "the evaluation data"
            )
            lines.append(f"evaluation metrics ({names}) recomputed by comply from {origin}")
        elif kind == "logging" and isinstance(block, Mapping):
            source = block.get("file") or "the card's logging section"
            lines.append(f"logging configuration read from {source}")
        elif kind == "audit_log" and isinstance(block, Mapping):
            lines.append(
                f"audit log {block.get('file')}: {block.get('entries')} entries from "
                f"{str(block.get('first_timestamp', ''))[:10]} to {str(block.get('last_timestamp', ''))[:10]}, "
                f"hash chain {'intact' if block.get('intact') else 'damaged'}"
            )
        elif kind == "approvals":
            approvals = _lookup(card.input_document.get("card") or {}, "approvals")
            if isinstance(approvals, Mapping) and approvals.get("approved_by"):
                lines.append(f"release approved by {approvals.get('approved_by')} on {approvals.get('date', '?')}")
        elif kind == "provenance" and card.git_commit:
            lines.append(f"git commit {card.git_commit[:12]}")
    return lines


def assess(card: CardResult, point: Point) -> Assessment:
    document = card.input_document.get("card")
    document = document if isinstance(document, Mapping) else {}
    listed_value = _lookup(document, "technical_documentation.annex_iv_sections")
    listed = isinstance(listed_value, list) and point.key in listed_value
    sections = tuple((path, _filled(_lookup(document, path))) for path in point.sections)
    evidence = tuple(_evidence_lines(card, point.evidence))
    rules = _matching(card, point.rules)
    filled = [path for path, present in sections if present]
    empty = [path for path, present in sections if not present]
    problems = sorted((result for result in rules if not _ok(result)), key=lambda r: (RULE_ORDER.index(r.status), r.id))
    if not listed and not filled and not evidence:
        status = "missing"
        why = f"not listed in technical_documentation.annex_iv_sections, and the card has none of {', '.join(point.sections)}"
    elif listed and not empty and not problems:
        status = "present"
        why = "listed, every evidencing section filled in" + (", and every rule judging it passes" if rules else "")
    else:
        status = "partial"
        parts = []
        if problems:
            first = problems[0]
            where = f" ({first.findings[0].location})" if first.findings and first.findings[0].location else ""
            more = (
                f" (and {len(problems) - 1} more rule{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
            )
            parts.append(f"{first.id} {first.status}: {first.message}{where}{more}")
        if not listed:
            parts.append("not listed in technical_documentation.annex_iv_sections")
        if empty:
            parts.append("the card has no " + ", ".join(empty))
        why = "; ".join(parts)
    return Assessment(point, status, why, listed, sections, evidence, rules)


def readiness(report: Report, card: CardResult) -> Readiness:
    return Readiness(
        card=card,
        reference_date=report.reference_date,
        law=report.law,
        tool_version=report.tool_version,
        bundle=f"{report.bundle_revision} ({report.bundle_digest})",
        assessments=tuple(assess(card, point) for point in POINTS),
    )


def _documentation(card: CardResult) -> str | None:
    document = card.input_document.get("card")
    block = _lookup(document, "technical_documentation") if isinstance(document, Mapping) else None
    if not isinstance(block, Mapping) or not block.get("uri"):
        return None
    return f"{block.get('uri')} (version {block.get('version', '?')}, dated {block.get('date', '?')})"


def _scope_note(card: CardResult) -> str | None:
    if card.tier == "high":
        return None
    return f"Annex IV is owed by high-risk systems; this card is classified {card.tier}."


# -- Markdown --------------------------------------------------------------------------------------------

MARKDOWN_STATUS = {"present": "✅ present", "partial": "⚠️ partial", "missing": "❌ missing"}
RULE_STATUS = {"fail": "❌ fail", "warn": "⚠️ warn", "waived": "🔕 waived", "pass": "✅ pass"}


def render_markdown(doc: Readiness) -> str:
    from checker.report.markdown import cell, code

    card = doc.card
    counts = doc.counts()
    lines = [
        f"# Annex IV readiness document — {cell(card.model_name)} {cell(card.model_version)}".rstrip(),
        "",
        f"> **{cell(DISCLAIMER)}**",
        "",
        f"Card {code(card.card)} · tier {cell(card.tier)} · reference date {doc.reference_date} ({cell(doc.law)}) · "
        f"comply {cell(doc.tool_version)} · policy bundle {cell(doc.bundle)}",
        "",
    ]
    documentation = _documentation(card)
    lines.append(f"Technical documentation named by the card: {cell(documentation) if documentation else 'none'}")
    note = _scope_note(card)
    if note:
        lines += ["", f"> {cell(note)}"]
    lines += [
        "",
        f"**{counts['present']} present, {counts['partial']} partial, {counts['missing']} missing** of the nine points.",
        "",
        "| Point | Status | Why |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {a.point.number}. {cell(a.point.title)} | {MARKDOWN_STATUS[a.status]} | {cell(a.why)} |"
        for a in doc.assessments
    ]
    for a in doc.assessments:
        lines += ["", f"## {a.point.number}. {cell(a.point.title)} — {MARKDOWN_STATUS[a.status]}", ""]
        lines.append(f"Annex IV asks for {cell(a.point.asks)}.")
        lines += ["", f"**Why:** {cell(a.why)}", ""]
        listed = "yes" if a.listed else "no"
        lines.append(f"- listed in `technical_documentation.annex_iv_sections`: {listed}")
        for path, present in a.sections:
            lines.append(f"- card {code(path)}: {'filled in' if present else 'empty or absent'}")
        for line in a.evidence:
            lines.append(f"- evidence: {cell(line)}")
        for result in a.rules:
            where = ""
            if result.findings and result.findings[0].location and not _ok(result):
                where = f" ({cell(str(result.findings[0].location))})"
            detail = f": {cell(result.message)}{where}" if not _ok(result) else ""
            lines.append(f"- rule {code(result.id)} {RULE_STATUS.get(result.status, result.status)}{detail}")
        if not a.rules:
            lines.append("- no rule judges this point for this card")
    return "\n".join(lines) + "\n"


# -- HTML ------------------------------------------------------------------------------------------------


def render_html(doc: Readiness) -> str:
    from checker.report.htmlpage import page, status
    from checker.report.sanitize import html_text

    card = doc.card
    counts = doc.counts()
    title = f"Annex IV readiness document — {card.model_name} {card.model_version}".rstrip()
    documentation = _documentation(card)
    header = [
        f"<h1>{html_text(title)}</h1>",
        f'<p class="notes"><strong>{html_text(DISCLAIMER)}</strong></p>',
        '<dl class="facts">',
        *(
            f"<dt>{html_text(name)}</dt><dd>{html_text(value)}</dd>"
            for name, value in (
                ("Card", card.card),
                ("Tier", card.tier),
                ("Reference date", f"{doc.reference_date} ({doc.law})"),
                ("Technical documentation", documentation or "none named by the card"),
                ("comply", doc.tool_version),
                ("Policy bundle", doc.bundle),
            )
        ),
        "</dl>",
    ]
    note = _scope_note(card)
    if note:
        header.append(f'<p class="notes">{html_text(note)}</p>')
    header.append(
        f'<p class="lead">{counts["present"]} present, {counts["partial"]} partial, {counts["missing"]} missing '
        "of the nine points.</p>"
    )
    body = [
        '<table><thead><tr><th scope="col">Point</th><th scope="col">Status</th><th scope="col">Why</th></tr>'
        "</thead><tbody>"
    ]
    body += [
        f'<tr><th scope="row"><a href="#point-{a.point.number}">{a.point.number}. {html_text(a.point.title)}</a></th>'
        f"<td>{status(a.status)}</td><td>{html_text(a.why)}</td></tr>"
        for a in doc.assessments
    ]
    body.append("</tbody></table>")
    for a in doc.assessments:
        items = [
            f"<li>listed in <code>technical_documentation.annex_iv_sections</code>: {'yes' if a.listed else 'no'}</li>"
        ]
        items += [
            f"<li>card <code>{html_text(path)}</code>: {'filled in' if present else 'empty or absent'}</li>"
            for path, present in a.sections
        ]
        items += [f"<li>evidence: {html_text(line)}</li>" for line in a.evidence]
        for result in a.rules:
            detail = ""
            if not _ok(result):
                where = result.findings[0].location if result.findings and result.findings[0].location else None
                detail = f": {html_text(result.message)}" + (f" ({html_text(where)})" if where else "")
            items.append(f"<li>rule <code>{html_text(result.id)}</code> {status(result.status)}{detail}</li>")
        if not a.rules:
            items.append("<li>no rule judges this point for this card</li>")
        body.append(
            f'<section id="point-{a.point.number}"><h2>{a.point.number}. {html_text(a.point.title)} '
            f"{status(a.status)}</h2><p>Annex IV asks for {html_text(a.point.asks)}.</p>"
            f"<p><strong>Why:</strong> {html_text(a.why)}</p><ul>{''.join(items)}</ul></section>"
        )
    footer = f"<p>{html_text(DISCLAIMER)} Written by comply {html_text(doc.tool_version)}.</p>"
    return page(title, "\n".join(header), "\n".join(body), footer)
