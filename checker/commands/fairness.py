"""`comply fairness`: compute per-group fairness numbers from a predictions file.

Options come from the command line over comply.yaml's `fairness:` section (same names), so
`comply fairness` and `comply check --predictions` compute the same thing. The JSON written with
`-o` is the fairness evidence `comply check --fairness` reads. Exit 0 when computed (this command
judges nothing: `comply check` does), 2 on bad input.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Optional

import typer

from checker.commands.common import write_output
from checker.console import fail, text_console, write
from checker.errors import ComplyError, UsageError


def register(app: typer.Typer) -> None:
    @app.command()
    def fairness(
        predictions: Optional[str] = typer.Argument(
            None,
            help="Predictions file (.csv, .parquet, .jsonl) or a partitioned Parquet directory (duckdb, spark; "
            "spark also reads any location it can, e.g. s3a://...); default: comply.yaml evidence.predictions.",
            show_default=False,
        ),
        counts: Optional[Path] = typer.Option(
            None,
            "--counts",
            help="A counts table (sensitive columns, y_true, y_pred, n: docs/counts.md) instead of predictions; "
            "default: comply.yaml evidence.counts.",
        ),
        count_column: Optional[str] = typer.Option(
            None, "--count-column", help="The row-count column of a counts table (default n)."
        ),
        y_true: Optional[str] = typer.Option(None, "--y-true", help="Column of observed labels."),
        y_pred: Optional[str] = typer.Option(None, "--y-pred", help="Column of predicted labels."),
        sensitive: list[str] = typer.Option([], "--sensitive", "-s", help="Sensitive-feature column; repeatable."),
        score: Optional[str] = typer.Option(
            None,
            "--score",
            help="Column of predicted scores: adds the mean score per group; without --y-pred, "
            "predictions are score >= --threshold.",
        ),
        threshold: Optional[float] = typer.Option(None, "--threshold", help="Score threshold (default 0.5)."),
        positive_label: list[str] = typer.Option(
            [],
            "--positive-label",
            help="Label value that is the positive class (labels that are not 0/1 or "
            "booleans); repeatable for several values.",
        ),
        pred_positive_label: list[str] = typer.Option(
            [],
            "--pred-positive-label",
            help="Positive class of the prediction column when it differs from the label's.",
        ),
        intersections: Optional[bool] = typer.Option(
            None, "--intersections/--no-intersections", help="Also analyse the intersection of all sensitive features."
        ),
        auc: Optional[bool] = typer.Option(
            None,
            "--auc/--no-auc",
            help="Also each group's ROC AUC of --score (fairlearn MetricFrame + scikit-learn; memory engine).",
        ),
        reference_group: list[str] = typer.Option(
            [], "--reference-group", help="FEATURE=GROUP: the privileged group for the disparate-impact ratio."
        ),
        min_group_size: Optional[int] = typer.Option(
            None, "--min-group-size", help="Flag groups with fewer rows (default 30)."
        ),
        max_groups: Optional[int] = typer.Option(
            None, "--max-groups", help="Stop when a sensitive column has more distinct values (default 1000)."
        ),
        bootstrap: Optional[int] = typer.Option(
            None, "--bootstrap", help="Bootstrap resamples for confidence intervals (default 0: none)."
        ),
        seed: Optional[int] = typer.Option(None, "--seed", help="Seed of the bootstrap (default 0)."),
        confidence: Optional[float] = typer.Option(None, "--confidence", help="Interval coverage (default 0.95)."),
        engine: Optional[str] = typer.Option(
            None,
            "--engine",
            help="memory | stream | duckdb | spark | auto (default: memory up to 1 GiB, else stream; "
            "duckdb for a directory or a row filter).",
        ),
        where: Optional[str] = typer.Option(
            None, "--where", help="duckdb, spark: only the rows matching this SQL condition, e.g. \"region = 'EU'\"."
        ),
        period: Optional[str] = typer.Option(
            None, "--period", help="duckdb, spark: only the rows of START/END (ISO dates, both included)."
        ),
        date_column: Optional[str] = typer.Option(
            None, "--date-column", help="The date (or partition) column --period filters on (default decision_date)."
        ),
        spark_master: Optional[str] = typer.Option(
            None,
            "--spark-master",
            help="spark: master URL (local[2], spark://host:7077, sc://host:15002 for Spark Connect); "
            "default SPARK_REMOTE, else local[*].",
        ),
        table: Optional[str] = typer.Option(
            None, "--table", help="spark: read this table (catalog name) instead of a path."
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar (shown only on a terminal)."),
        batch_rows: Optional[int] = typer.Option(None, "--batch-rows", help="Rows per batch when streaming."),
        input_format: Optional[str] = typer.Option(
            None, "--input-format", help="csv | parquet | jsonl (default: from the file name)."
        ),
        format: str = typer.Option(
            "text", "--format", "-f", help="What to print: text (tables), json, html (a page of charts) or svg."
        ),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the fairness JSON here."),
        config: Optional[Path] = typer.Option(
            None, "--config", "-c", help="comply.yaml (default: ./comply.yaml when present)."
        ),
    ) -> None:
        """Compute fairness evidence (per-group rates and disparity metrics) from predictions."""
        try:
            from checker.progress import set_quiet

            set_quiet(quiet)
            if format not in ("text", "json", "html", "svg"):
                raise UsageError(f"unknown --format {format!r}; choose text, json, html or svg")
            from checker.config import load_config
            from checker.fairness.options import FairnessOptions, parse_reference

            settings = load_config(config)
            chosen: dict[str, Any] = dict(settings.fairness)
            given = {
                "y_true": y_true,
                "y_pred": y_pred,
                "sensitive": sensitive or None,
                "score": score,
                "threshold": threshold,
                "positive_label": positive_label or None,
                "pred_positive_label": pred_positive_label or None,
                "intersections": intersections,
                "auc": auc,
                "reference_groups": dict(parse_reference(reference_group)) or None,
                "min_group_size": min_group_size,
                "max_groups": max_groups,
                "bootstrap": bootstrap,
                "seed": seed,
                "confidence": confidence,
                "engine": engine,
                "where": where,
                "period": period,
                "date_column": date_column,
                "spark_master": spark_master,
                "batch_rows": batch_rows,
                "file_format": input_format,
            }
            chosen.update({key: value for key, value in given.items() if value is not None})
            if sensitive and not reference_group and isinstance(chosen.get("reference_groups"), dict):
                # comply.yaml's reference groups for features the command line no longer selects
                chosen["reference_groups"] = {
                    feature: group for feature, group in chosen["reference_groups"].items() if feature in sensitive
                }
            if "y_true" not in chosen or "sensitive" not in chosen:
                raise UsageError("name the label column (--y-true) and at least one --sensitive column")
            counts_path = counts or (None if predictions else settings.evidence.get("counts"))
            if counts_path is not None and predictions is not None:
                raise UsageError("give either a predictions file or --counts, not both")
            if table is not None:
                if predictions is not None or counts_path is not None:
                    raise UsageError("give either a path or --table, not both")
                chosen.setdefault("engine", "spark")
            if counts_path is not None:
                chosen["count_column"] = count_column or chosen.get("count_column") or "n"
            elif count_column is not None:
                raise UsageError("--count-column is for a counts table: pass it with --counts")
            options = FairnessOptions.from_mapping(chosen, where="fairness options")
            path = counts_path or predictions or settings.evidence.get("predictions")
            if path is None and table is None:
                raise UsageError("name a predictions file or --counts (or set evidence.predictions in comply.yaml)")
            if table is not None and options.engine != "spark":
                raise UsageError(f"--table is read by --engine spark, not {options.engine}")
            from checker.extras import require_fairness

            require_fairness("comply fairness")
            from checker.fairness.compute import compute_fairness

            source = path if options.engine == "spark" or path is None else Path(path)
            document = compute_fairness(source, options, table=table)
            text = json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n"
            if output is not None:
                write_output(output, text)
            if format == "json":
                if output is None:
                    write(text)
            elif format in ("html", "svg"):
                write(render_charts(document, format, settings))
            else:
                write(render_text(document))
                if output is not None:
                    write(f"wrote {output}\n")
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None


def render_charts(document: dict[str, Any], format: str, settings: Any) -> str:
    """The HTML page or SVG of the charts, with the thresholds `comply check` would judge by."""
    from checker.engine.thresholds import apply_thresholds, requested
    from checker.report.fairness_html import fairness_html, fairness_svg
    from checker.resources import policies_dir

    data = json.loads((policies_dir() / "data.json").read_text(encoding="utf-8"))
    thresholds_settings, deviations = requested(settings)
    merged, _ = apply_thresholds(data, thresholds_settings, deviations)
    thresholds = merged.get("comply", {}).get("thresholds", {})
    return fairness_html(document, thresholds) if format == "html" else fairness_svg(document, thresholds)


def _filter_line(provenance: dict[str, Any]) -> str:
    parts = []
    if isinstance(period := provenance.get("period"), dict):
        parts.append(f"{period['column']} from {period['start']} to {period['end']}")
    if "where" in provenance:
        parts.append(f"where {provenance['where']}")
    return " and ".join(parts)


def render_text(document: dict[str, Any]) -> str:
    """The tables, as text (colour only on a terminal)."""
    from checker.fairness.render import fairness_tables
    from checker.report.table import to_rich

    buffer = io.StringIO()
    console = text_console(buffer, width=120)
    rows = document["rows"]
    provenance = document["provenance"]
    digest = f", sha256 {provenance['sha256'][:12]}..." if "sha256" in provenance else ""
    read = f", {provenance['engine']}" if provenance.get("engine") in ("duckdb", "spark") else ""
    console.print(
        f"{provenance['file']} ({provenance['format']}{read}{digest}): "
        f"{rows['used']} of {rows['total']} rows used, {rows['excluded']} excluded (missing label, prediction or score)"
    )
    if "period" in provenance or "where" in provenance:
        console.print(f"rows read: {_filter_line(provenance)}")
    for table in fairness_tables(document):
        console.print()
        console.print(to_rich(table))
    return buffer.getvalue()
