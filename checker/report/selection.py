"""`--rule` / `--skip-rule`: report a chosen set of rules, and say so.

Choosing rules narrows what a report shows, so it can never be silent or quietly weaken the gate: an
unknown id is a one-line usage error with the ids it resembles (as `comply explain`), a rule that can
never be waived (Art 5 prohibitions, self-approval) cannot be skipped and stays in a `--rule` selection,
and every report names the selection in its header notes (JSON: `rule_selection`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from checker.errors import UsageError
from checker.report.model import Report, RuleResult

if TYPE_CHECKING:
    from checker.engine.bundle import RuleMetadata


def unknown_rule(rule_id: str, known: Sequence[str], option: str = "rule id") -> UsageError:
    """The one-line error for a rule id the bundle does not have, naming the closest ids."""
    close = difflib.get_close_matches(rule_id, sorted(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `comply policy docs` lists every rule"
    return UsageError(f"unknown {option} {rule_id!r}{hint}")


def select_rules(
    report: Report, only: Sequence[str], skip: Sequence[str], metadata: Mapping[str, RuleMetadata]
) -> Report:
    """The report with only the `only` rules (when given) and without the `skip` rules."""
    known = set(metadata)
    for option, ids in (("--rule", only), ("--skip-rule", skip)):
        for rule_id in ids:
            if rule_id not in known:
                raise unknown_rule(rule_id, sorted(known), f"{option} id")
    fixed = sorted(rule_id for rule_id in skip if not metadata[rule_id].waivable)
    if fixed:
        raise UsageError(f"--skip-rule {fixed[0]}: this rule can never be waived, so it cannot be skipped either")
    wanted, unwanted = set(only), set(skip)

    def kept(result: RuleResult) -> bool:
        meta = metadata.get(result.id)
        if (meta is not None and not meta.waivable) or any(not finding.waivable for finding in result.findings):
            return True  # a prohibition or a self-approval is reported whatever was selected
        return (not wanted or result.id in wanted) and result.id not in unwanted

    cards = tuple(replace(card, results=tuple(r for r in card.results if kept(r))) for card in report.cards)
    notes = []
    if only:
        notes.append(f"rule selection: only {', '.join(sorted(wanted))} (and the rules that can never be waived)")
    if skip:
        notes.append(f"rule selection: skipped {', '.join(sorted(unwanted))}")
    selection = {"rules": sorted(wanted), "skipped": sorted(unwanted)}
    return replace(report, cards=cards, notes=report.notes + tuple(notes), rule_selection=selection)
