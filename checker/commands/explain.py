"""`comply explain RULE-ID`: everything comply knows about one rule, from its METADATA.

The text comes from the rule's own `# METADATA` block (the same source as `comply policy docs`
and the report), so an explanation can never drift from the rule that produces the finding.
"""

from __future__ import annotations

from pathlib import Path

import typer

from checker.console import fail, write
from checker.errors import ComplyError


def explain_text(rule_id: str, policy_dirs: tuple[Path, ...] = ()) -> str:
    """The explanation of `rule_id`; UsageError naming close ids when it is unknown."""
    from checker.engine.bundle import load_bundle

    metadata = load_bundle(policy_dirs).metadata
    meta = metadata.get(rule_id)
    if meta is None:
        from checker.report.selection import unknown_rule

        raise unknown_rule(rule_id, sorted(metadata))
    lines = [
        f"{meta.id}: {meta.title}",
        f"  article:     {meta.article}",
        f"  severity:    {meta.severity}",
        f"  waivable:    {'yes' if meta.waivable else 'no (Art 5 findings can never be waived)'}",
        f"  defined in:  {meta.file}:{meta.line} (package {meta.package})",
        "",
        f"  {meta.description}" if meta.description else "  (no description)",
        "",
        f"  remediation: {meta.remediation}",
    ]
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    @app.command()
    def explain(
        rule_id: str = typer.Argument(..., help="A rule id, e.g. art14.human_oversight or art5.1.f."),
        policy: list[Path] = typer.Option([], "--policy", "-p", help="Include your own policy directory; repeatable."),
    ) -> None:
        """Explain a rule: title, article, severity, what it checks and how to fix a failure."""
        try:
            write(explain_text(rule_id, tuple(policy)))
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None
        raise typer.Exit(0)
