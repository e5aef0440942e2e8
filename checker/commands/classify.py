"""`comply classify`: what the EU AI Act makes of a model card, and why.

Prints the tier, the GPAI flag, every reason with its legal basis, the conformity-assessment route,
the registration variant and the dated obligations. The classification is the policy bundle's
(`data.comply.classification`), evaluated through the same engine as `comply check`, so the two
commands can never disagree. `--interactive` asks the fact-sheet questions and writes the answers
into the card instead.

Exit status: 0 when the tier is determined and not understated, 1 when it is undetermined,
prohibited or lower than the tier the card declares, 2 on input or usage errors.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from checker.commands.common import check_date
from checker.console import fail, write
from checker.errors import ComplyError, UsageError

TIER_RANK = {"out_of_scope": 0, "minimal": 1, "limited": 2, "high": 3, "prohibited": 4}
ROLE_ORDER = ("provider", "deployer", "importer", "distributor")


class Timeline(str, Enum):
    original = "original"
    amended = "amended"


class Format(str, Enum):
    text = "text"
    json = "json"


def classify_card(
    card_path: Path, *, reference_date: str | None = None, timeline: str | None = None, config_path: Path | None = None
) -> dict[str, Any]:
    """The classification result for one card, with the card's path (raises ComplyError on bad input)."""
    from checker.config import load_config
    from checker.engine.base import policy_errors_first
    from checker.engine.bundle import load_bundle
    from checker.engine.factory import create_engine
    from checker.evidence.assemble import Context
    from checker.evidence.card import load_card
    from checker.evidence.provenance import display_path
    from checker.schemas import validate

    config = load_config(config_path, near=card_path.parent)
    bundle = load_bundle(tuple(config.policy_dirs))
    engine = create_engine(bundle, config, {})
    with policy_errors_first(engine):
        context = Context.build(reference_date, timeline, config)
        card = load_card(card_path)
        label = display_path(card_path)
        validate(card.data, "model_card", source=card, label=label)
        document = {
            "card": card.data,
            "context": {**context.as_input(), "card_file": label},
        }
        classification = dict(engine.evaluate(document)["classification"])
    classification["card_file"] = label
    return classification


def gate_failed(result: Mapping[str, Any]) -> bool:
    """Undetermined, prohibited, or declared lower than derived: the classification itself fails."""
    tier = str(result.get("tier"))
    if tier in {"undetermined", "prohibited"}:
        return True
    declared = result.get("declared_tier")
    return isinstance(declared, str) and TIER_RANK.get(declared, 99) < TIER_RANK.get(tier, 0)


def render_text(result: Mapping[str, Any]) -> str:
    """A reading of the result for people: one fact per line, reasons and duties in tables."""
    lines = [str(result.get("card_file", "model card"))]
    declared = result.get("declared_tier")
    tier = str(result["tier"])
    suffix = f"   (declared: {declared})" if declared else ""
    lines.append(f"  tier:             {tier}{suffix}")
    if gate_failed(result) and declared and tier not in {"undetermined", "prohibited"}:
        bases = ", ".join(
            r["basis"] for r in result["reasons"] if not r["basis"].startswith(("art50", "art3.", "art51"))
        )
        lines.append(f"  !! declared {declared}, derived {tier}: {bases}")
    lines.append(f"  GPAI:             {result['gpai']}")
    lines.append(f"  role:             {roles_line(result)}")
    lines.append(f"  conformity route: {result['conformity_route']}")
    lines.append(f"  registration:     {result['registration']}")
    if result["reasons"]:
        lines.append("  reasons:")
        width = max(len(r["basis"]) for r in result["reasons"])
        lines.extend(f"    {r['basis']:<{width}}  {r['text']}" for r in result["reasons"])
    if result["missing_facts"]:
        lines.append("  missing facts (declare them; the tier stays undetermined until then):")
        lines.extend(f"    {fact.removeprefix('card.')}" for fact in result["missing_facts"])
    if result.get("questions"):
        lines.append("  questions (the card's own facts contradict a claim; answer them to determine the tier):")
        lines.extend(f"    {question}" for question in result["questions"])
    lines.extend(duty_lines(result))
    for note in result.get("notes", []):
        lines.append(f"  note: {note}")
    return "\n".join(lines) + "\n"


def roles_line(result: Mapping[str, Any]) -> str:
    """'provider, deployer (assumed: no ai_act.role declared)' or the declared roles."""
    roles = ", ".join(sorted((str(role) for role in result.get("roles", [])), key=role_rank)) or "none"
    return f"{roles} (assumed: no ai_act.role declared)" if result.get("roles_assumed") else roles


def duty_lines(result: Mapping[str, Any]) -> list[str]:
    """The legal duties under one heading per role, then comply's own rules apart: they are not the Act's."""
    obligations: list[Mapping[str, Any]] = list(result.get("obligations", []))
    organisation: list[Mapping[str, Any]] = list(result.get("organisation_rules", []))
    if not obligations and not organisation:
        return []
    width = max(len(str(duty["id"])) for duty in obligations + organisation)
    lines = []
    for role in sorted({str(duty["role"]) for duty in obligations}, key=role_rank):
        marks = []
        if result.get("roles_assumed"):
            marks.append("assumed")
        role_checked = any(duty.get("checked", True) for duty in obligations if duty["role"] == role)
        if not role_checked:
            marks.append("not checked by comply check")
        mark = f", {' and '.join(marks)}" if marks else ""
        lines.append(f"  {role} obligations ({result['timeline']} timeline, as of {result['reference_date']}{mark}):")
        lines.extend(_duty_line(duty, width, role_checked) for duty in obligations if duty["role"] == role)
    if organisation:
        lines.append("  organisation rules (comply's own, not legal requirements of the Act):")
        lines.extend(sorted({_duty_line(duty, width) for duty in organisation}))
    return lines


def role_rank(role: str) -> tuple[int, str]:
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER), role)


def _duty_line(duty: Mapping[str, Any], width: int, role_checked: bool = False) -> str:
    """One duty; under a heading whose duties comply check judges, one it never judges says so."""
    since = duty["applies_from"] or "always"
    state = "applies" if duty["in_force"] else "not yet applicable"
    other = {timeline: date for timeline, date in (duty.get("dates") or {}).items() if date and date != since}
    elsewhere = "".join(f"  ({timeline}: {date})" for timeline, date in sorted(other.items()))
    unchecked = (
        "  (owed, not checked by comply: no card fact evidences it)"
        if role_checked and duty.get("checked") is False
        else ""
    )
    return f"    {duty['id']:<{width}}  from {since:<10}  {state}{elsewhere}{unchecked}"


def register(app: typer.Typer) -> None:
    @app.command()
    def classify(
        cards: list[Path] = typer.Argument(None, help="Model cards to classify.", show_default=False),
        format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
        interactive: bool = typer.Option(
            False, "--interactive", "-i", help="Ask the AI Act questions and write the answers into the card."
        ),
        reference_date: Optional[str] = typer.Option(
            None, "--reference-date", callback=check_date, help="Judge as of this date (default: today)."
        ),
        timeline: Optional[Timeline] = typer.Option(
            None,
            "--timeline",
            help="Which dates apply: the Act as published (original, the default) or as amended by 2026/1744.",
        ),
        config: Optional[Path] = typer.Option(
            None, "--config", "-c", help="comply.yaml (default: the card's nearest comply.yaml)."
        ),
    ) -> None:
        """Classify model cards under the EU AI Act: tier, GPAI flag, reasons, route, registration, duties."""
        try:
            if interactive:
                raise typer.Exit(_interactive(cards or []))
            if not cards:
                raise UsageError("name at least one model card (or use --interactive)")
            results = [
                classify_card(
                    path,
                    reference_date=reference_date,
                    timeline=timeline.value if timeline else None,
                    config_path=config,
                )
                for path in cards
            ]
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None
        if format is Format.json:
            payload: Any = results[0] if len(results) == 1 else results
            write(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        else:
            write("\n".join(render_text(result) for result in results))
        raise typer.Exit(1 if any(gate_failed(result) for result in results) else 0)


def _interactive(cards: Sequence[Path]) -> int:
    """Run the questionnaire on stdin/stdout and write the answers into the (new or existing) card."""
    from checker.interactive import run_questionnaire

    if len(cards) > 1:
        raise UsageError("--interactive writes one card at a time")
    target = cards[0] if cards else Path("model_card.yaml")
    run_questionnaire(target, sys.stdin, sys.stdout)
    write(f"wrote the ai_act and deployment sections to {target}; run `comply classify {target}`\n")
    return 0
