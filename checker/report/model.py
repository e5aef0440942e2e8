"""The one result model every output format renders, and the exit code computed from it.

A report holds, per model card, the classification the policies derived and one result per rule, joined
with the rule's METADATA (title, article, severity, remediation) and with the file and line each finding
points at.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.evidence.provenance import EvidenceFile

if TYPE_CHECKING:
    from checker.engine.bundle import RuleMetadata

STATUSES = ("fail", "warn", "waived", "pass")
"""Rule statuses, worst first."""


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Finding:
    message: str
    field: str | None = None
    location: Location | None = None
    waivable: bool = True
    """False when the policy marks the finding `"waivable": false` (self-approval): no waiver hides it."""
    pending: str | None = None
    """For a duty not yet applicable: "would_fail" or "would_pass" (what its evidence shows today)."""


@dataclass(frozen=True)
class Waiver:
    justification: str
    approved_by: str
    expires: str


@dataclass(frozen=True)
class Deviation:
    """An organisational threshold loosened on purpose (comply.yaml `deviations:`), shown in every report."""

    threshold: str
    value: Any
    default: Any
    owner: str
    reason: str

    def __str__(self) -> str:
        return (
            f"deviation: thresholds.{self.threshold} = {self.value} (comply's default {self.default}), "
            f"accepted by {self.owner}: {self.reason}"
        )


@dataclass(frozen=True)
class RuleResult:
    id: str
    status: str
    title: str
    article: str
    severity: str
    remediation: str
    description: str = ""
    findings: tuple[Finding, ...] = ()
    waiver: Waiver | None = None
    custom: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """One line: the first finding's message, or the rule title for a pass."""
        return self.findings[0].message if self.findings else self.title


def result_from_metadata(meta: RuleMetadata, status: str, findings: tuple[Finding, ...]) -> RuleResult:
    """A rule's result, carrying what its METADATA says about it (title, article, severity, fix)."""
    return RuleResult(
        id=meta.id,
        status=status,
        title=meta.title,
        article=meta.article,
        severity=meta.severity,
        remediation=meta.remediation,
        description=meta.description,
        findings=findings,
        custom=meta.custom,
    )


@dataclass(frozen=True)
class CardResult:
    card: str
    model_name: str
    model_version: str
    classification: Mapping[str, Any]
    results: tuple[RuleResult, ...]
    evidence: tuple[EvidenceFile, ...]
    input_document: Mapping[str, Any]
    git_commit: str | None = None

    @property
    def tier(self) -> str:
        return str(self.classification.get("tier", "undetermined"))

    def counts(self) -> Counter[str]:
        return Counter(result.status for result in self.results)


@dataclass(frozen=True)
class Report:
    tool_version: str
    bundle_revision: str
    bundle_digest: str
    reference_date: str
    timeline: str
    cards: tuple[CardResult, ...]
    generated_at: str | None = None
    deviations: tuple[Deviation, ...] = ()
    replay_of: str | None = None
    """The real date of a replay: set when the reference date (from the command line) is earlier than
    today. Waivers and Art 5 prohibitions are still judged as of this date."""
    notes: tuple[str, ...] = ()
    """More header notes from the command line (a rule selection), printed by every format."""
    rule_selection: Mapping[str, Sequence[str]] | None = None
    """`--rule` / `--skip-rule` as given (JSON `rule_selection`); None when every rule is reported."""

    def header_notes(self) -> list[str]:
        """What every format prints at the top, beside the reference date: a replay, every deviation."""
        notes = []
        if self.replay_of is not None:
            notes.append(
                f"replay: judged as of {self.reference_date} (today is {self.replay_of}); waivers and "
                "Art 5 prohibitions are judged as of today"
            )
        notes.extend(str(deviation) for deviation in self.deviations)
        notes.extend(self.notes)
        return notes

    as_if_applicable: bool = False
    thresholds: Mapping[str, Any] = field(default_factory=dict)
    """The organisation's thresholds the rules judged by (`data.comply.thresholds`, after comply.yaml and
    `--data`): the HTML report draws them on its charts."""

    @property
    def law(self) -> str:
        """Which law the report judged by, as its header says it: `original timeline` (+ readiness mode)."""
        readiness = ", every duty judged as if applicable" if self.as_if_applicable else ""
        return f"{self.timeline} timeline{readiness}"

    def counts(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for card in self.cards:
            total.update(card.counts())
        return total

    def exit_code(self, *, fail_on_warn: bool = False) -> int:
        """0 when nothing failed (warnings allowed unless `fail_on_warn`), 1 otherwise."""
        counts = self.counts()
        if counts["fail"] or (fail_on_warn and counts["warn"]):
            return 1
        return 0


def needs_fix(result: RuleResult) -> bool:
    """Whether the report should say how to fix `result`: a failure, or a warning with something to fix
    (not a duty that is only pending while its evidence would already pass)."""
    if result.status == "fail":
        return True
    if result.status != "warn":
        return False
    return not result.findings or any(finding.pending != "would_pass" for finding in result.findings)


def summary_line(counts: Mapping[str, int]) -> str:
    """`3 failed, 1 warning, 21 passed` (zero counts left out, except passed)."""
    parts = []
    if counts.get("fail"):
        parts.append(f"{counts['fail']} failed")
    if counts.get("warn"):
        parts.append(f"{counts['warn']} warning{'s' if counts['warn'] != 1 else ''}")
    if counts.get("waived"):
        parts.append(f"{counts['waived']} waived")
    parts.append(f"{counts.get('pass', 0)} passed")
    return ", ".join(parts)


_NUMBER = re.compile(r"\d+|\D+")


def article_sort_key(article: str) -> tuple[tuple[int, Any], ...]:
    """Sort 'Art. 5(1)(f)' before 'Art. 10(2)' before 'Art. 50': numbers compare as numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _NUMBER.findall(article))


def group_by_article(results: Sequence[RuleResult]) -> list[tuple[str, list[RuleResult]]]:
    """Results grouped under their article's top-level number, articles in numeric order."""
    groups: dict[str, list[RuleResult]] = {}
    for result in results:
        groups.setdefault(article_heading(result.article), []).append(result)
    ordered = sorted(
        groups.items(),
        key=lambda item: (item[0] == ORGANISATION_HEADING, item[0].startswith("GDPR"), article_sort_key(item[0])),
    )
    return [(heading, sorted(items, key=lambda r: (STATUSES.index(r.status), r.id))) for heading, items in ordered]


_ARTICLE = re.compile(r"^((?:GDPR\s+)?Art(?:icle|\.)?\s*\d+|Annex\s+[IVXLC]+)", re.IGNORECASE)


ORGANISATION_HEADING = "Organisation rules"
"""Where comply's own rules (ids `org.*`, article "Organisation policy ...") are grouped: they support the
Act but are not legal requirements, and the report must not present them as such."""


def article_heading(article: str) -> str:
    """'Art. 10(2)(f)' -> 'Art. 10', 'GDPR Art. 9(1)' -> 'GDPR Art. 9' (other law than the AI Act, grouped
    after it); comply's own organisational rules share one heading."""
    text = article.strip()
    if text.lower().startswith("organisation"):
        return ORGANISATION_HEADING
    match = _ARTICLE.match(text)
    return match.group(1) if match else text
