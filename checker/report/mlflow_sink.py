"""MLflow as a report sink: the verdict next to the model it judges.

`comply check models:/NAME@ALIAS --log-to-mlflow` (or comply.yaml `mlflow.log_reports: true`) logs,
for every card that came from (or was joined with) an MLflow run:

- the JSON report as `comply/report.json` (and `comply/report.md` when `--format markdown`) in the run;
- tags on the run and on the registered model version it was resolved from:
  `compliance.status` (pass | fail, as the exit code decides), `compliance.tier`,
  `compliance.failed` (the failed rule ids, comma-separated, or `none`) and
  `compliance.policy_bundle` (`<revision> sha256:<digest>`, the bundle the verdict used),

so `search_runs(filter_string="tags.`compliance.status` = 'fail'")` finds every failing run and a
promotion job can refuse to move `@champion` to a version whose `compliance.status` is not `pass`.
A card with no run is a usage error; a server that refuses the write is one line and exit 2.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from checker.errors import InputError, UsageError, one_line
from checker.report.model import CardResult, Report

MAX_TAG = 5000
"""MLflow's limit on a model-version tag value; a longer failed list is cut with a count."""

EXTENSIONS = {"json": "json", "markdown": "md"}
"""Formats logged as artifacts (JSON always; the other when it was asked for)."""


def tags_for(card: CardResult, report: Report, *, fail_on_warn: bool = False) -> dict[str, str]:
    """The compliance.* tags of one card's verdict."""
    counts = card.counts()
    failed_ids = sorted(result.id for result in card.results if result.status == "fail")
    failing = bool(counts["fail"]) or (fail_on_warn and bool(counts["warn"]))
    failed = ",".join(failed_ids) or "none"
    if len(failed) > MAX_TAG:
        failed = failed[: MAX_TAG - 20].rsplit(",", 1)[0] + f",... ({len(failed_ids)} in all)"
    return {
        "compliance.status": "fail" if failing else "pass",
        "compliance.tier": card.tier,
        "compliance.failed": failed,
        "compliance.policy_bundle": f"{report.bundle_revision} {report.bundle_digest}",
    }


def log_report(
    report: Report, asked_formats: Collection[str], *, tracking_uri: str | None, fail_on_warn: bool = False
) -> None:
    """Log each card's report and tags to its run and model version (see the module docstring)."""
    from checker.evidence.mlflow import client
    from checker.report import renderer

    targets = []
    for card in report.cards:
        run_uri = next((item.path for item in card.evidence if item.kind == "mlflow_run"), None)
        if run_uri is None:
            raise UsageError(
                f"--log-to-mlflow: {card.card} came from no MLflow run; check models:/NAME@ALIAS or runs:/RUN_ID, "
                "or join a local card with --mlflow runs:/RUN_ID"
            )
        version = next((item.path for item in card.evidence if item.kind == "mlflow_model_version"), None)
        targets.append((card, run_uri.removeprefix("runs:/"), version))
    mlflow = client(tracking_uri)
    for card, run_id, version in targets:
        single = replace(report, cards=(card,))
        for name in sorted(({"json"} | set(asked_formats)) & set(EXTENSIONS)):
            text = renderer(name)(single)
            _write(f"runs:/{run_id}", mlflow.log_text, run_id, text, f"comply/report.{EXTENSIONS[name]}")
        tags = tags_for(card, report, fail_on_warn=fail_on_warn)
        for key, value in tags.items():
            _write(f"runs:/{run_id}", mlflow.set_tag, run_id, key, value)
        if version is not None:
            name, _, number = version.removeprefix("models:/").rpartition("/")
            for key, value in tags.items():
                _write(version, mlflow.set_model_version_tag, name, number, key, value)


def _write(where: str, function: object, *args: object) -> None:
    try:
        function(*args)  # type: ignore[operator]
    except Exception as err:  # the report could not be recorded: say so, never pretend it was
        raise InputError(f"{where}: cannot record the compliance result: {one_line(str(err))[:300]}") from None
