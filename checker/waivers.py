"""Waivers: an organisation's signed-off, time-boxed exceptions to a rule, read from comply.yaml.

A waiver names a rule id (and optionally the cards it covers, as a path or glob relative to comply.yaml),
why the exception is acceptable, who approved it and when it expires. A waived failure or warning is
reported as WAIVED with the waiver attached — in every format, counted apart, never dropped.

Whether a waiver is *valid* is decided here, in the same place it is applied, so the two can never
disagree: an incomplete waiver, one past its expiry on the run's reference date, one naming a rule the
bundle does not have, or one for a rule that can never be waived (prohibited practices, Art. 5; any rule
whose METADATA says `waivable: false`) waives nothing and fails the rule `org.waiver.valid` on every
card it covers, pointing at its line in comply.yaml. The waivers belong to the run's configuration, not
to the card's evidence, so this rule is judged in Python rather than in the policies; its METADATA is
defined once, below, in the same form as a Rego rule's.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from checker.config import Config
from checker.engine.bundle import RuleMetadata
from checker.evidence.provenance import display_path
from checker.report.model import CardResult, Finding, Location, RuleResult, Waiver, result_from_metadata

WAIVER_RULE_ID = "org.waiver.valid"
REQUIRED_FIELDS = ("rule", "justification", "approved_by", "expires")

WAIVER_RULE = RuleMetadata(
    id=WAIVER_RULE_ID,
    title="Waivers are complete, unexpired and allowed",
    description=(
        "Every waiver in comply.yaml names a known rule, a justification, who approved it and an expiry date "
        "not yet passed; prohibited practices (Art. 5) and rules marked waivable: false cannot be waived."
    ),
    article="Organisation policy (waivers)",
    severity="high",
    remediation=(
        "Complete the waiver (rule, justification, approved_by, expires: YYYY-MM-DD), renew it with a new "
        "approval, or remove it and fix the finding; Art. 5 findings can only be fixed."
    ),
    file="checker/waivers.py",
    line=1,
    rule="waivers",
    package="checker.waivers",
    custom={"id": WAIVER_RULE_ID, "waivable": False},
)
"""METADATA of the synthetic rule that judges the waivers themselves (never waivable)."""


@dataclass(frozen=True)
class WaiverEntry:
    """One `waivers:` item as written, with every reason it cannot be honoured."""

    index: int
    rule: str
    card: str | None
    justification: str
    approved_by: str
    expires: str
    location: Location
    problems: tuple[Finding, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems

    def covers(self, card: Path, base: Path) -> bool:
        """True when the waiver is for every card, or `card` matches its path or glob (relative to `base`)."""
        if not self.card:
            return True
        absolute = card.resolve()
        try:
            relative = absolute.relative_to(base.resolve()).as_posix()
        except ValueError:
            relative = absolute.as_posix()
        pattern = self.card.removeprefix("./")
        return relative == pattern or fnmatch.fnmatchcase(relative, pattern)

    def as_waiver(self) -> Waiver:
        return Waiver(justification=self.justification, approved_by=self.approved_by, expires=self.expires)


@dataclass(frozen=True)
class WaiverSet:
    """The waivers of one run, judged once against the run's reference date and policy bundle."""

    entries: tuple[WaiverEntry, ...] = ()
    base: Path = Path()

    def apply(self, card: CardResult) -> CardResult:
        """Mark failures and warnings covered by a valid waiver as WAIVED; judge the waivers that cover
        this card as the rule `org.waiver.valid` (absent when no waiver covers the card)."""
        covering = [entry for entry in self.entries if entry.covers(Path(card.card), self.base)]
        if not covering:
            return card
        by_rule: dict[str, WaiverEntry] = {}
        for entry in covering:
            if entry.valid:
                by_rule.setdefault(entry.rule, entry)
        results = [_waive(result, by_rule.get(result.id)) for result in card.results]
        results.append(validity_result(covering))
        return replace(card, results=tuple(sorted(results, key=lambda result: result.id)))


def _waive(result: RuleResult, entry: WaiverEntry | None) -> RuleResult:
    if entry is None or result.status not in {"fail", "warn"}:
        return result
    return replace(result, status="waived", waiver=entry.as_waiver())


def validity_result(entries: Sequence[WaiverEntry]) -> RuleResult:
    """`org.waiver.valid` for one card: FAIL listing every problem of the waivers covering it, else PASS."""
    findings = tuple(problem for entry in entries for problem in entry.problems)
    return result_from_metadata(WAIVER_RULE, "fail" if findings else "pass", findings)


def load_waivers(config: Config, reference_date: str, rules: Mapping[str, RuleMetadata]) -> WaiverSet:
    """Read comply.yaml's `waivers:` and judge each one (shape is checked by the config schema)."""
    if not config.waivers or config.path is None:
        return WaiverSet()
    label = display_path(config.path)
    lines = config.document.line_of if config.document is not None else (lambda _path: None)
    entries = tuple(
        judge_waiver(index, raw, reference_date, rules, label, lines) for index, raw in enumerate(config.waivers)
    )
    return WaiverSet(entries, config.path.parent)


def judge_waiver(
    index: int,
    raw: Mapping[str, Any],
    reference_date: str,
    rules: Mapping[str, RuleMetadata],
    label: str,
    line_of: Any,
) -> WaiverEntry:
    """One waiver with its problems: missing fields, a bad or past expiry, an unknown or unwaivable rule."""
    where = f"waivers.{index}"

    def text(key: str) -> str:
        value = raw.get(key)
        return value.strip() if isinstance(value, str) else ""

    def problem(key: str | None, message: str) -> Finding:
        path = f"{where}.{key}" if key and key in raw else where
        return Finding(f"{where}: {message}", path, Location(label, line_of(path)))

    rule, expires = text("rule"), text("expires")
    problems = [problem(key, f"{key} is missing or empty") for key in REQUIRED_FIELDS if not text(key)]
    if expires:
        try:
            expiry = _dt.date.fromisoformat(expires)
        except ValueError:
            problems.append(problem("expires", f"expires {expires!r} is not a date like 2026-12-31"))
        else:
            if expiry.isoformat() != expires:
                problems.append(problem("expires", f"expires {expires!r} is not a date like 2026-12-31"))
            elif expiry.isoformat() < reference_date:
                problems.append(
                    problem(
                        "expires", f"waiver for {rule or '?'} expired on {expires} (reference date {reference_date})"
                    )
                )
    if rule:
        meta = rules.get(rule)
        if rule == WAIVER_RULE_ID:
            problems.append(problem("rule", f"{rule} judges the waivers themselves and cannot be waived"))
        elif meta is None:
            problems.append(problem("rule", f"no rule {rule!r} in the policy bundle (see `comply policy docs`)"))
        elif not meta.waivable:
            reason = (
                "prohibited practices (Art. 5) can never be waived"
                if meta.prohibited_practice
                else "its METADATA says waivable: false"
            )
            problems.append(problem("rule", f"{rule} cannot be waived: {reason}"))
    return WaiverEntry(
        index=index,
        rule=rule,
        card=text("card") or None,
        justification=text("justification"),
        approved_by=text("approved_by"),
        expires=expires,
        location=Location(label, line_of(where)),
        problems=tuple(problems),
    )
