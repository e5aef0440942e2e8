"""What a change did to compliance: the cards as checked at a base ref against the working tree.

Per card: rules newly failing (failing now, not failing at the base — every failure of a new card), rules
newly passing (failing at the base, passing now), other status changes (a rule waived, a warning that
appeared), the tier moving, and evidence files whose digest changed. Across the run: waivers added,
removed, and expired on the reference date. The gate (`Diff.exit_code`) fails only when the change
introduces a failure; `--fail-on-any` fails on any failure in the working tree.

Rendered as text (terminal), JSON (machines; keys sorted, no temporary paths, byte-identical for the same
trees) and Markdown (the pull request's job summary). Card text goes through `checker.report.sanitize`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checker.report.markdown import cell, code
from checker.report.model import CardResult, RuleResult
from checker.report.sanitize import neutral_line

DIFF_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class RuleChange:
    id: str
    title: str
    article: str
    base: str | None
    """The status at the base (None: the rule was not checked there, e.g. a new card or a newly owed duty)."""
    head: str | None
    message: str = ""
    location: str | None = None


@dataclass(frozen=True)
class EvidenceChange:
    kind: str
    path: str
    base: str | None
    head: str | None


@dataclass(frozen=True)
class WaiverNote:
    rule: str
    card: str | None
    approved_by: str
    expires: str
    justification: str
    location: str


@dataclass(frozen=True)
class CardDiff:
    card: str
    model: str
    state: str
    """new (not at the base), removed (only at the base), changed, or unchanged."""
    base_tier: str | None
    head_tier: str | None
    newly_failing: tuple[RuleChange, ...] = ()
    newly_passing: tuple[RuleChange, ...] = ()
    other_changes: tuple[RuleChange, ...] = ()
    evidence: tuple[EvidenceChange, ...] = ()
    base_error: str | None = None
    """Why the card could not be checked at the base (then every failure now counts as new)."""
    failing: int = 0
    """Failures in the working tree (all of them, new or not)."""

    @property
    def tier_changed(self) -> bool:
        return self.state == "changed" and self.base_tier != self.head_tier


@dataclass(frozen=True)
class Diff:
    base_ref: str
    base_commit: str
    reference_date: str
    law: str
    cards: tuple[CardDiff, ...]
    new_waivers: tuple[WaiverNote, ...] = ()
    removed_waivers: tuple[WaiverNote, ...] = ()
    expired_waivers: tuple[WaiverNote, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    generated_at: str | None = None
    """The time of the run, only with `--timestamp` (otherwise the output is byte-identical)."""

    @property
    def introduces_failure(self) -> bool:
        return any(card.newly_failing for card in self.cards)

    @property
    def failing(self) -> int:
        return sum(card.failing for card in self.cards)

    def exit_code(self, *, fail_on_any: bool = False) -> int:
        return 1 if self.introduces_failure or (fail_on_any and self.failing) else 0

    def summary(self) -> dict[str, int]:
        return {
            "newly_failing": sum(len(card.newly_failing) for card in self.cards),
            "newly_passing": sum(len(card.newly_passing) for card in self.cards),
            "other_changes": sum(len(card.other_changes) for card in self.cards),
            "tier_changes": sum(1 for card in self.cards if card.tier_changed),
            "evidence_changes": sum(len(card.evidence) for card in self.cards),
            "new_cards": sum(1 for card in self.cards if card.state == "new"),
            "removed_cards": sum(1 for card in self.cards if card.state == "removed"),
            "new_waivers": len(self.new_waivers),
            "removed_waivers": len(self.removed_waivers),
            "expired_waivers": len(self.expired_waivers),
            "failing_now": self.failing,
        }


# -- comparing -----------------------------------------------------------------------------------------


def _change(result: RuleResult, base: str | None) -> RuleChange:
    first = result.findings[0] if result.findings else None
    return RuleChange(
        id=result.id,
        title=result.title,
        article=result.article,
        base=base,
        head=result.status,
        message=result.message,
        location=str(first.location) if first and first.location else None,
    )


def _model(card: CardResult) -> str:
    return f"{card.model_name} {card.model_version}".strip()


def compare_card(
    card: str, base: CardResult | None, head: CardResult | None, base_error: str | None = None
) -> CardDiff:
    if head is None:
        assert base is not None
        return CardDiff(card, _model(base), "removed", base.tier, None)
    failing = sum(1 for result in head.results if result.status == "fail")
    if base is None:
        newly = tuple(_change(result, None) for result in head.results if result.status == "fail")
        return CardDiff(card, _model(head), "new", None, head.tier, newly, failing=failing, base_error=base_error)
    before = {result.id: result for result in base.results}
    after = {result.id: result for result in head.results}
    newly_failing, newly_passing, other = [], [], []
    for rule_id in sorted(after):
        result = after[rule_id]
        old = before.get(rule_id)
        old_status = old.status if old is not None else None
        if result.status == old_status:
            continue
        if result.status == "fail":
            newly_failing.append(_change(result, old_status))
        elif old_status == "fail" and result.status == "pass":
            newly_passing.append(_change(result, old_status))
        else:
            other.append(_change(result, old_status))
    for rule_id in sorted(set(before) - set(after)):
        old = before[rule_id]
        other.append(RuleChange(old.id, old.title, old.article, old.status, None, "no longer checked"))
    evidence = _evidence_changes(base, head)
    changed = newly_failing or newly_passing or other or evidence or base.tier != head.tier
    return CardDiff(
        card,
        _model(head),
        "changed" if changed else "unchanged",
        base.tier,
        head.tier,
        tuple(newly_failing),
        tuple(newly_passing),
        tuple(other),
        evidence,
        failing=failing,
    )


def _evidence_changes(base: CardResult, head: CardResult) -> tuple[EvidenceChange, ...]:
    before = {(item.kind, item.path): item.sha256 for item in base.evidence}
    after = {(item.kind, item.path): item.sha256 for item in head.evidence}
    return tuple(
        EvidenceChange(kind, path, before.get((kind, path)), after.get((kind, path)))
        for kind, path in sorted(set(before) | set(after))
        if before.get((kind, path)) != after.get((kind, path))
    )


def compare(
    base_ref: str,
    base_commit: str,
    reference_date: str,
    law: str,
    base_cards: Mapping[str, CardResult],
    head_cards: Mapping[str, CardResult],
    base_errors: Mapping[str, str],
    base_waivers: Sequence[WaiverNote],
    head_waivers: Sequence[WaiverNote],
    expired: Sequence[WaiverNote],
    notes: Sequence[str] = (),
) -> Diff:
    names = sorted(set(base_cards) | set(head_cards) | set(base_errors))
    cards = tuple(
        compare_card(name, base_cards.get(name), head_cards.get(name), base_errors.get(name))
        for name in names
        if name in head_cards or name in base_cards
    )

    def key(note: WaiverNote) -> tuple[str, str, str, str, str]:
        return (note.rule, note.card or "", note.approved_by, note.expires, note.justification)

    before = {key(note) for note in base_waivers}
    after = {key(note) for note in head_waivers}
    return Diff(
        base_ref=base_ref,
        base_commit=base_commit,
        reference_date=reference_date,
        law=law,
        cards=cards,
        new_waivers=tuple(sorted((n for n in head_waivers if key(n) not in before), key=key)),
        removed_waivers=tuple(sorted((n for n in base_waivers if key(n) not in after), key=key)),
        expired_waivers=tuple(sorted(expired, key=key)),
        notes=tuple(notes),
    )


# -- JSON ------------------------------------------------------------------------------------------------


def _rule_document(change: RuleChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "title": change.title,
        "article": change.article,
        "base": change.base,
        "head": change.head,
        "message": change.message,
        "location": change.location,
    }


def _waiver_document(note: WaiverNote) -> dict[str, Any]:
    return {
        "rule": note.rule,
        "card": note.card,
        "approved_by": note.approved_by,
        "expires": note.expires,
        "justification": note.justification,
        "location": note.location,
    }


def diff_document(diff: Diff) -> dict[str, Any]:
    document = {
        "schema_version": DIFF_SCHEMA_VERSION,
        "base": {"ref": diff.base_ref, "commit": diff.base_commit},
        "head": "working tree",
        "reference_date": diff.reference_date,
        "law": diff.law,
        "introduces_failure": diff.introduces_failure,
        "summary": diff.summary(),
        "notes": list(diff.notes),
        "cards": [
            {
                "card": card.card,
                "model": card.model,
                "state": card.state,
                "tier": {"base": card.base_tier, "head": card.head_tier},
                "newly_failing": [_rule_document(change) for change in card.newly_failing],
                "newly_passing": [_rule_document(change) for change in card.newly_passing],
                "other_changes": [_rule_document(change) for change in card.other_changes],
                "evidence": [{"kind": e.kind, "path": e.path, "base": e.base, "head": e.head} for e in card.evidence],
                "base_error": card.base_error,
                "failing_now": card.failing,
            }
            for card in diff.cards
        ],
        "waivers": {
            "new": [_waiver_document(note) for note in diff.new_waivers],
            "removed": [_waiver_document(note) for note in diff.removed_waivers],
            "expired": [_waiver_document(note) for note in diff.expired_waivers],
        },
    }
    if diff.generated_at is not None:
        document["generated_at"] = diff.generated_at
    return document


def render_json(diff: Diff) -> str:
    return json.dumps(diff_document(diff), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# -- text ------------------------------------------------------------------------------------------------


def _digest(value: str | None) -> str:
    return value[:12] if value else "(none)"


def _verdict(diff: Diff) -> str:
    if diff.introduces_failure:
        return "the change introduces a failure"
    if diff.failing:
        return f"the change introduces no failure ({diff.failing} failing already at the base)"
    return "the change introduces no failure"


def _summary_words(diff: Diff) -> str:
    counts = diff.summary()
    parts = [
        f"{counts['newly_failing']} newly failing",
        f"{counts['newly_passing']} newly passing",
        f"{counts['tier_changes']} tier change{'s' if counts['tier_changes'] != 1 else ''}",
        f"{counts['new_waivers']} new waiver{'s' if counts['new_waivers'] != 1 else ''}",
        f"{counts['expired_waivers']} expired waiver{'s' if counts['expired_waivers'] != 1 else ''}",
        f"{counts['evidence_changes']} evidence change{'s' if counts['evidence_changes'] != 1 else ''}",
    ]
    return ", ".join(parts)


def _waiver_words(note: WaiverNote) -> str:
    scope = f" for {note.card}" if note.card else " for every card"
    return f"{note.rule}{scope}, approved by {note.approved_by} until {note.expires} ({note.location})"


def render_text(diff: Diff) -> str:
    t = neutral_line
    lines = [
        f"comply diff: the working tree against {t(diff.base_ref)} ({diff.base_commit[:12]})",
        f"reference date {diff.reference_date} ({t(diff.law)})",
        *(t(note) for note in diff.notes),
        *([f"generated at {diff.generated_at}"] if diff.generated_at else []),
    ]
    for card in diff.cards:
        if card.state == "unchanged":
            continue
        lines.append("")
        state = {"new": " (new card)", "removed": " (removed)"}.get(card.state, "")
        lines.append(f"{t(card.card)} ({t(card.model)}){state}")
        if card.base_error:
            lines.append(f"  could not be checked at the base: {t(card.base_error)}")
        for label, changes in (("NEWLY FAILING", card.newly_failing), ("NEWLY PASSING", card.newly_passing)):
            for change in changes:
                where = f"  ({t(change.location)})" if change.location and label == "NEWLY FAILING" else ""
                lines.append(f"  {label:<14} {t(change.id)}  {t(change.message)}{where}")
        for change in card.other_changes:
            lines.append(
                f"  {'CHANGED':<14} {t(change.id)}  {change.base or 'not checked'} -> {change.head or 'not checked'}"
            )
        if card.tier_changed:
            lines.append(f"  {'TIER':<14} {t(card.base_tier)} -> {t(card.head_tier)}")
        for item in card.evidence:
            lines.append(
                f"  {'EVIDENCE':<14} {t(item.kind)} {t(item.path)}  {_digest(item.base)} -> {_digest(item.head)}"
            )
    for label, notes in (
        ("NEW WAIVER", diff.new_waivers),
        ("REMOVED WAIVER", diff.removed_waivers),
        ("EXPIRED WAIVER", diff.expired_waivers),
    ):
        for note in notes:
            lines.append(f"{label:<16} {t(_waiver_words(note))}")
    if all(card.state == "unchanged" for card in diff.cards) and not (diff.new_waivers or diff.removed_waivers):
        lines.append("")
        lines.append("no compliance change")
    lines.append("")
    lines.append(f"comply diff: {_summary_words(diff)}; {_verdict(diff)}")
    return "\n".join(lines) + "\n"


# -- Markdown --------------------------------------------------------------------------------------------


def render_markdown(diff: Diff) -> str:
    icon = "❌" if diff.introduces_failure else "✅"
    lines = [
        "## comply — compliance diff",
        "",
        f"**{icon} {cell(_verdict(diff))}** · against {code(diff.base_ref)} ({code(diff.base_commit[:12])}) · "
        f"reference date {diff.reference_date} ({cell(diff.law)})",
        "",
        cell(_summary_words(diff)),
    ]
    lines += [f"> {cell(note)}" for note in diff.notes]
    rows = []
    for card in diff.cards:
        for label, changes in (("❌ newly failing", card.newly_failing), ("✅ newly passing", card.newly_passing)):
            rows += [
                (code(card.card), label, code(change.id), cell(change.message), cell(change.location or ""))
                for change in changes
            ]
        rows += [
            (
                code(card.card),
                "changed",
                code(change.id),
                cell(f"{change.base or 'not checked'} → {change.head or 'not checked'}"),
                "",
            )
            for change in card.other_changes
        ]
        if card.tier_changed:
            rows.append((code(card.card), "tier", "", cell(f"{card.base_tier} → {card.head_tier}"), ""))
        if card.state in ("new", "removed"):
            rows.append((code(card.card), f"{card.state} card", "", cell(card.base_error or card.model), ""))
        rows += [
            (
                code(card.card),
                "evidence",
                code(item.kind),
                cell(f"{_digest(item.base)} → {_digest(item.head)}"),
                code(item.path),
            )
            for item in card.evidence
        ]
    if rows:
        lines += ["", "| Card | Change | Rule | What | Where |", "| --- | --- | --- | --- | --- |"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    waivers = [
        (label, note)
        for label, notes in (
            ("new", diff.new_waivers),
            ("removed", diff.removed_waivers),
            ("expired", diff.expired_waivers),
        )
        for note in notes
    ]
    if waivers:
        lines += ["", "### Waivers", "", "| Waiver | Rule | Card | Approved by | Expires | Justification |"]
        lines += ["| --- | --- | --- | --- | --- | --- |"]
        lines += [
            f"| {label} | {code(note.rule)} | {code(note.card) if note.card else 'every card'} | "
            f"{cell(note.approved_by)} | {cell(note.expires)} | {cell(note.justification)} |"
            for label, note in waivers
        ]
    return "\n".join(lines) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
