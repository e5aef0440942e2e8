"""`comply check`: cards and evidence in, a verdict out (exit 0 pass, 1 failures, 2 input error)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from checker.commands.common import check_date
from checker.console import fail
from checker.errors import ComplyError

if TYPE_CHECKING:
    from checker.check import CheckRequest, Session
    from checker.report.model import Report


class FailOn(str, Enum):
    """The least severe status that makes the gate fail (exit 1)."""

    fail = "fail"
    warn = "warn"


class Timeline(str, Enum):
    original = "original"
    amended = "amended"


def _format_names() -> list[str]:
    from checker.report import FORMATS

    return sorted(FORMATS)


_PER_CARD = " With several cards: CARD=PATH (the card file or its directory); repeatable."


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        paths: list[Path] = typer.Argument(
            ...,
            help="Model cards, directories of cards, or glob patterns; - reads one card from stdin.",
            show_default=False,
        ),
        quiet: bool = typer.Option(
            False, "--quiet", "-q", help="Text report: only the failures (with their fix) and the summary."
        ),
        no_color: bool = typer.Option(False, "--no-color", help="No colour in the text report (as NO_COLOR=1)."),
        rule: list[str] = typer.Option(
            [], "--rule", help="Report only this rule id (repeatable); rules that can never be waived stay."
        ),
        framework: Optional[str] = typer.Option(
            None,
            "--framework",
            help="Group the report by another framework's subcategories: nist-ai-rmf, gdpr (rule METADATA).",
        ),
        skip_rule: list[str] = typer.Option(
            [], "--skip-rule", help="Leave this rule id out of the report (repeatable; the report says so)."
        ),
        format: list[str] = typer.Option(
            [],
            "--format",
            "-f",
            help=f"Output format: {', '.join(_format_names())}; FORMAT:PATH writes it to a file. Repeatable.",
            show_default=False,
        ),
        output: Optional[Path] = typer.Option(
            None, "--output", "-o", help="Write the report here (- for stdout); the terminal still gets the text."
        ),
        fairness: list[str] = typer.Option(
            [],
            "--fairness",
            help="Fairness evidence file (computed fairness.json or declared numbers)." + _PER_CARD,
            metavar="[CARD=]PATH",
        ),
        predictions: list[str] = typer.Option(
            [],
            "--predictions",
            help="Predictions file to compute fairness from (options from comply.yaml `fairness:`)." + _PER_CARD,
            metavar="[CARD=]PATH",
        ),
        logging: list[str] = typer.Option(
            [],
            "--logging",
            help="Logging evidence: declared block and/or Python dictConfig (YAML/JSON)." + _PER_CARD,
            metavar="[CARD=]PATH",
        ),
        audit_log: list[str] = typer.Option(
            [], "--audit-log", help="Audit log (JSON Lines) to verify and judge." + _PER_CARD, metavar="[CARD=]PATH"
        ),
        explanations: list[str] = typer.Option(
            [],
            "--explanations",
            help="Feature attributions: per-row SHAP values (.parquet, .csv) or global importance (.json)." + _PER_CARD,
            metavar="[CARD=]PATH",
        ),
        baseline: list[str] = typer.Option(
            [],
            "--baseline",
            help="The production model's numbers: a previous comply JSON report, a metrics file (YAML/JSON), "
            "or models:/NAME@ALIAS (its run's metrics, through MLflow)." + _PER_CARD,
            metavar="[CARD=]PATH",
        ),
        model: list[str] = typer.Option(
            [],
            "--model",
            help="An MLflow model whose signature lists the features: its directory, its MLmodel file, "
            "or models:/NAME@ALIAS, runs:/RUN_ID/PATH." + _PER_CARD,
            metavar="[CARD=]PATH",
        ),
        card_format: Optional[str] = typer.Option(
            None,
            "--card-format",
            help="Card format: comply, huggingface, mct, cyclonedx (default: told from the content).",
        ),
        mlflow_run: Optional[str] = typer.Option(
            None,
            "--mlflow",
            help="MLflow evidence for local cards: runs:/RUN_ID or models:/NAME@ALIAS (metrics, datasets, artifacts).",
        ),
        log_to_mlflow: bool = typer.Option(
            False, "--log-to-mlflow", help="Log the report and compliance.* tags to the run and model version."
        ),
        mlflow_tracking_uri: Optional[str] = typer.Option(
            None, "--mlflow-tracking-uri", help="MLflow tracking server (default: MLFLOW_TRACKING_URI)."
        ),
        expect_head: list[str] = typer.Option(
            [],
            "--expect-head",
            help="Audit log: a head hash recorded earlier that must still be in the log." + _PER_CARD,
            metavar="[CARD=]HASH",
        ),
        continues: list[str] = typer.Option(
            [],
            "--continues",
            help="Audit log: the earlier log file (or its head hash) this log continues." + _PER_CARD,
            metavar="[CARD=]LOG",
        ),
        config: Optional[Path] = typer.Option(
            None,
            "--config",
            "-c",
            help="comply.yaml for every card (default: each card's nearest comply.yaml, up to the repository root).",
        ),
        policy: list[Path] = typer.Option(
            [], "--policy", "-p", help="Directory of your own Rego rules (package comply.custom.*); repeatable."
        ),
        data: list[Path] = typer.Option(
            [], "--data", help="YAML/JSON file with `thresholds:` overriding the policy thresholds; repeatable."
        ),
        opa_url: Optional[str] = typer.Option(
            None, "--opa-url", help="Evaluate on this OPA server instead of the embedded engine."
        ),
        opa_no_upload: bool = typer.Option(
            False, "--opa-no-upload", help="Query the policies the OPA server already has (bundle-managed)."
        ),
        opa_timeout: Optional[float] = typer.Option(
            None,
            "--opa-timeout",
            help="Seconds each step on the OPA server (upload, one decision) may take in total (default 10).",
        ),
        eval_timeout: Optional[float] = typer.Option(
            None,
            "--eval-timeout",
            min=0,
            help="Seconds one policy decision may take on the embedded engine (default 60; 0: no limit).",
        ),
        reference_date: Optional[str] = typer.Option(
            None, "--reference-date", callback=check_date, help="Judge as of this date (default: today)."
        ),
        timeline: Optional[Timeline] = typer.Option(
            None,
            "--timeline",
            help="Which dates apply: the Act as published (original, the default) or as amended by 2026/1744.",
        ),
        as_if_applicable: bool = typer.Option(
            False,
            "--as-if-applicable",
            help="Readiness: judge every duty as if it applied already (ages and expiries keep the reference date).",
        ),
        fail_on_warn: bool = typer.Option(False, "--fail-on-warn", help="Exit 1 on warnings too (= --fail-on warn)."),
        fail_on: Optional[FailOn] = typer.Option(
            None, "--fail-on", help="Least severe status that fails the gate: fail (default) or warn."
        ),
        timestamp: bool = typer.Option(
            False, "--timestamp", help="Record the time of the run in the report (off: reports are byte-identical)."
        ),
    ) -> None:
        """Check model cards against the EU AI Act policy pack and your own rules."""
        from checker.check import CheckRequest, open_session, run_check
        from checker.evidence.loader import INPUT_FILES, start_run
        from checker.evidence.per_card import EvidenceArguments
        from checker.report import FORMATS
        from checker.report.output import (
            plan_destinations,
            refuse_inputs,
            remove_stale_reports,
            render_to,
            write_reports,
        )

        start_run()
        destinations = []
        try:
            destinations = plan_destinations(format, output, FORMATS)
            if framework is not None:
                from checker.report.frameworks import framework_named

                framework_named(framework)  # an unknown name fails before any card is read
            request = CheckRequest(
                paths=paths,
                evidence=EvidenceArguments.of(
                    fairness=fairness,
                    logging=logging,
                    audit_log=audit_log,
                    predictions=predictions,
                    explanations=explanations,
                    baseline=baseline,
                    model=model,
                    audit_expect_head=expect_head,
                    audit_continues=continues,
                ),
                config_path=config,
                policy_dirs=policy,
                data_files=data,
                engine_options=_engine_options(opa_url, opa_no_upload, opa_timeout, eval_timeout),
                reference_date=reference_date,
                timeline=timeline.value if timeline else None,
                card_format=card_format,
                mlflow_run=mlflow_run,
                mlflow_tracking_uri=mlflow_tracking_uri,
                as_if_applicable=as_if_applicable,
            )
            session = open_session(request)
            report = run_check(request, session)
            if timestamp:
                from dataclasses import replace

                report = replace(report, generated_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))
            if rule or skip_rule:
                from checker.report.selection import select_rules

                report = select_rules(report, rule, skip_rule, session.bundle.metadata)
            if framework is not None:
                from checker.report.frameworks import regroup

                report = regroup(report, framework)
            failing_on_warn = fail_on_warn or fail_on == FailOn.warn or session.config.fail_on_warn
            refuse_inputs(destinations, run_inputs(request, session, report))
            if log_to_mlflow or session.config.mlflow.get("log_reports"):
                asked = [destination.format for destination in destinations]
                _log_to_mlflow(report, asked, session.config.mlflow, mlflow_tracking_uri, failing_on_warn)
            colour = False if no_color else None
            write_reports(
                [
                    (destination, render_to(destination, report, quiet=quiet, colour=colour))
                    for destination in destinations
                ]
            )
        except ComplyError as err:
            from checker.config import inputs_named_by_configs

            named = [*paths, *policy, *data, *([config] if config else []), *inputs_named_by_configs(paths, config)]
            evidence = [*fairness, *predictions, *logging, *audit_log, *continues, *explanations, *baseline, *model]
            remove_stale_reports(
                destinations, [*INPUT_FILES, *named, *evidence, *(v.partition("=")[2] for v in evidence)]
            )
            raise typer.Exit(fail(err)) from None
        raise typer.Exit(report.exit_code(fail_on_warn=failing_on_warn))


def _log_to_mlflow(
    report: Report, formats: list[str], settings: Mapping[str, Any], explicit_uri: Optional[str], fail_on_warn: bool
) -> None:
    """The report sink (checker.report.mlflow_sink), with the tracking URI resolved as for evidence."""
    from checker.evidence.mlflow import tracking_uri
    from checker.report.mlflow_sink import log_report

    log_report(report, formats, tracking_uri=tracking_uri(explicit_uri, settings), fail_on_warn=fail_on_warn)


def run_inputs(request: CheckRequest, session: Session, report: Report) -> list[str]:
    """Every file the run read: what the loaders recorded, the cards' evidence and the configs."""
    from checker.evidence.loader import INPUT_FILES

    inputs: list[str] = sorted(INPUT_FILES)
    for card in report.cards:
        inputs.extend(evidence.path for evidence in card.evidence)
    configs = [session.config, *(config for _, config in session.cards)]
    inputs.extend(sorted({str(config.path) for config in configs if config.path is not None}))
    inputs.extend(str(path) for path in request.data_files)
    return inputs


def _engine_options(
    url: Optional[str], no_upload: bool, timeout: Optional[float], eval_timeout: Optional[float]
) -> dict[str, object]:
    options: dict[str, object] = {}
    if eval_timeout is not None:
        options["eval_timeout"] = eval_timeout
    if url:
        options["opa_url"] = url
    if no_upload:
        options["opa_no_upload"] = True
    if timeout is not None:
        options["opa_timeout"] = timeout
    return options
