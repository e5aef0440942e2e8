"""`comply docs annex-iv CARD`: the Annex IV readiness document for one model card (Markdown or HTML).

The card is checked exactly as `comply check` checks it (comply.yaml, its evidence, the same rules), and the
nine points of Annex IV are set against what that check found (`checker.report.annex_iv`). It documents; it
does not gate: exit 0 when the document is written, whatever it says, 2 on bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from checker.commands.check import Timeline
from checker.commands.common import check_date, write_output
from checker.console import fail, write
from checker.errors import ComplyError, UsageError

docs_app = typer.Typer(help="Documents drawn from a card's evidence (readiness, not conformity).", no_args_is_help=True)

FORMATS = ("markdown", "html")


@docs_app.command("annex-iv")
def annex_iv(
    card: Path = typer.Argument(..., help="The model card.", show_default=False),
    format: str = typer.Option("markdown", "--format", "-f", help="markdown or html."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the document here instead of stdout."),
    config: Optional[Path] = typer.Option(
        None, "--config", "-c", help="comply.yaml (default: the card's nearest comply.yaml)."
    ),
    fairness: Optional[Path] = typer.Option(None, "--fairness", help="Fairness evidence file."),
    predictions: Optional[Path] = typer.Option(None, "--predictions", help="Predictions to compute fairness from."),
    logging: Optional[Path] = typer.Option(None, "--logging", help="Logging evidence (declared block or dictConfig)."),
    audit_log: Optional[Path] = typer.Option(None, "--audit-log", help="Audit log (JSON Lines)."),
    policy: list[Path] = typer.Option([], "--policy", "-p", help="Directory of your own Rego rules; repeatable."),
    reference_date: Optional[str] = typer.Option(
        None, "--reference-date", callback=check_date, help="Judge as of this date (default: today)."
    ),
    timeline: Optional[Timeline] = typer.Option(None, "--timeline", help="original (default) or amended."),
) -> None:
    """Annex IV readiness: the nine points marked present / partial / missing, each with the finding why."""
    from checker.check import CheckRequest, open_session, run_check
    from checker.evidence.assemble import EvidencePaths
    from checker.evidence.loader import start_run
    from checker.report.annex_iv import readiness, render_html, render_markdown

    start_run()
    try:
        if format not in FORMATS:
            raise UsageError(f"unknown --format {format!r}; choose markdown or html")
        if str(card) == "-" or card.is_dir():
            raise UsageError(f"{card}: name one model card file")
        request = CheckRequest(
            paths=[card],
            evidence=EvidencePaths(fairness=fairness, logging=logging, audit_log=audit_log, predictions=predictions),
            config_path=config,
            policy_dirs=policy,
            reference_date=reference_date,
            timeline=timeline.value if timeline else None,
        )
        report = run_check(request, open_session(request))
        if len(report.cards) != 1:
            raise UsageError(f"{card}: expected one model card, found {len(report.cards)}")
        document = readiness(report, report.cards[0])
        text = render_html(document) if format == "html" else render_markdown(document)
        if output is not None:
            write_output(output, text)
        else:
            write(text)
    except ComplyError as err:
        raise typer.Exit(fail(err)) from None


def register(app: typer.Typer) -> None:
    app.add_typer(docs_app, name="docs")
