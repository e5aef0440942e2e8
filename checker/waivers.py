"""Waivers: an organisation's signed-off, time-boxed exceptions to a rule, read from comply.yaml.

A waiver names a rule id (and optionally the cards it covers, as a path or glob relative to comply.yaml),
why the exception is acceptable, who approved it and when it expires. A waived failure or warning is
reported as WAIVED with the waiver attached — in every format, counted apart, never dropped.

Whether a waiver is *valid* is decided here, in the same place it is applied, so the two can never
disagree: an incomplete waiver, one past its expiry (judged on the run's reference date, never before
today: a replay of a past date must not revive an expired waiver), one living longer than the
organisational threshold `waiver_max_lifetime_days`, one naming a rule the bundle does not have, or one for
a rule that can never be waived (prohibited practices, Art. 5; any rule whose METADATA says
`waivable: false`; a result with a finding the policy marks `"waivable": false`, such as self-approval)
waives nothing and fails the rule `org.waiver.valid` on every card it covers, pointing at its line in
comply.yaml. The waivers belong to the run's configuration, not
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
MAX_LIFETIME_KEY = "waiver_max_lifetime_days"
DEFAULT_MAX_LIFETIME_DAYS = 365

WAIVER_RULE = RuleMetadata(
    id=WAIVER_RULE_ID,
    title="Waivers are complete, unexpired and allowed",
    description=(
        "Every waiver in comply.yaml names a known rule, a justification, who approved it and an expiry date "
        "not yet passed and within the maximum lifetime; prohibited practices (Art. 5), rules marked "
        "waivable: false and self-approval cannot be waived."
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
        refused = [
            _refusal(by_rule[result.id], result, card.card)
            for result in card.results
            if result.id in by_rule and result.status in {"fail", "warn"} and not _can_waive(result)
        ]
        results = [_waive(result, by_rule.get(result.id)) if _can_waive(result) else result for result in card.results]
        results.append(validity_result(covering, tuple(refused)))
        return replace(card, results=tuple(sorted(results, key=lambda result: result.id)))


def _waive(result: RuleResult, entry: WaiverEntry | None) -> RuleResult:
    if entry is None or result.status not in {"fail", "warn"}:
        return result
    return replace(result, status="waived", waiver=entry.as_waiver())


def _can_waive(result: RuleResult) -> bool:
    """A result is waivable only if none of its findings is marked `waivable: false` by its policy."""
    return all(finding.waivable for finding in result.findings)


def _refusal(entry: WaiverEntry, result: RuleResult, card: str) -> Finding:
    blocking = next(finding for finding in result.findings if not finding.waivable)
    return Finding(
        f"waivers.{entry.index}: {result.id} on {card} cannot be waived: {blocking.message} (never waivable)",
        f"waivers.{entry.index}.rule",
        entry.location,
    )


def validity_result(entries: Sequence[WaiverEntry], refused: tuple[Finding, ...] = ()) -> RuleResult:
    """`org.waiver.valid` for one card: FAIL listing every problem of the waivers covering it (and every
    finding a waiver tried to hide that is never waivable), else PASS."""
    findings = tuple(problem for entry in entries for problem in entry.problems) + refused
    return result_from_metadata(WAIVER_RULE, "fail" if findings else "pass", findings)


def load_waivers(
    config: Config, judged_on: str, rules: Mapping[str, RuleMetadata], data: Mapping[str, Any] | None = None
) -> WaiverSet:
    """Read comply.yaml's `waivers:` and judge each one (shape is checked by the config schema).

    `judged_on` is the run's reference date but never earlier than today: a replay of a past date must not
    revive a waiver that has expired. The longest lifetime a waiver may have is the organisational threshold
    `waiver_max_lifetime_days` of the policy data (default one year; looser only as a declared deviation).
    """
    if not config.waivers or config.path is None:
        return WaiverSet()
    label = display_path(config.path)
    lines = config.document.line_of if config.document is not None else (lambda _path: None)
    thresholds = (data or {}).get("comply", {}).get("thresholds", {})
    max_days = thresholds.get(MAX_LIFETIME_KEY, DEFAULT_MAX_LIFETIME_DAYS)
    entries = tuple(
        judge_waiver(index, raw, judged_on, rules, label, lines, max_lifetime_days=int(max_days))
        for index, raw in enumerate(config.waivers)
    )
    return WaiverSet(entries, config.path.parent)


def _lifetime_problems(
    raw: Mapping[str, Any], expiry: _dt.date, judged_on: str, max_days: int, problem: Any
) -> list[Finding]:
    """A waiver lives at most `max_days`, counted from its `approved_on` date (else from the day it is
    judged); an `approved_on` that is not a date, lies after the judging day or after the expiry is refused."""
    start = _dt.date.fromisoformat(judged_on)
    approved_on = raw.get("approved_on")
    if approved_on is not None:
        text = str(approved_on).strip()
        try:
            start = _dt.date.fromisoformat(text)
        except ValueError:
            return [problem("approved_on", f"approved_on {text!r} is not a date like 2026-12-31")]
        if text > judged_on:
            return [problem("approved_on", f"approved_on {text} is after the day it is judged ({judged_on})")]
    lifetime = (expiry - start).days
    if lifetime > max_days:
        since = f"approval on {start.isoformat()}" if approved_on is not None else judged_on
        return [
            problem(
                "expires",
                f"waiver lives {lifetime} days (from {since} to {expiry.isoformat()}), longer than the "
                f"{max_days}-day maximum (thresholds.{MAX_LIFETIME_KEY})",
            )
        ]
    return []


def judge_waiver(
    index: int,
    raw: Mapping[str, Any],
    reference_date: str,
    rules: Mapping[str, RuleMetadata],
    label: str,
    line_of: Any,
    *,
    max_lifetime_days: int = 365,
) -> WaiverEntry:
    """One waiver with its problems: missing fields, a bad or past expiry, a lifetime over the maximum,
    an unknown or unwaivable rule."""
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
                    problem("expires", f"waiver for {rule or '?'} expired on {expires} (judged on {reference_date})")
                )
            else:
                problems.extend(_lifetime_problems(raw, expiry, reference_date, max_lifetime_days, problem))
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
