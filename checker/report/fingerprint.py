"""Stable identities for findings, shared by every format a code host tracks across runs (SARIF, GitLab).

A finding is identified by its rule, its card (relative to the repository root) and its field, never by
its line, so an alert survives edits above it; when one rule reports several findings on the same field,
their order among those findings tells them apart. SARIF's `partialFingerprints["complyFinding/v1"]` and
GitLab Code Quality's `fingerprint` are the same string, so the two hosts agree on which alert is which.
"""

from __future__ import annotations

import hashlib

from checker.report.model import CardResult, Finding, Location, RuleResult


def numbered_findings(result: RuleResult, card: CardResult) -> list[tuple[Finding, int]]:
    """Each finding with how many earlier findings of the rule share its field (so fingerprints differ).

    A non-passing rule always yields at least one finding, placed at the card when it has none.
    """
    findings = result.findings or (Finding(result.message, None, Location(card.card, 1)),)
    seen: dict[str | None, int] = {}
    numbered = []
    for finding in findings:
        numbered.append((finding, seen.get(finding.field, 0)))
        seen[finding.field] = seen.get(finding.field, 0) + 1
    return numbered


def fingerprint(rule_id: str, card: str, finding: Finding, ordinal: int) -> str:
    """sha256 of rule id, card path (repository-relative), field and ordinal: no line, no message."""
    key = "\0".join((rule_id, card, finding.field or "", str(ordinal)))
    return hashlib.sha256(key.encode()).hexdigest()
