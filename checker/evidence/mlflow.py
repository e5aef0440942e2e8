"""MLflow as an evidence source: a registered model version or a run, and the artifacts it logged.

`comply check models:/credit-scorer@champion` (or `models:/NAME/VERSION`, `runs:/RUN_ID`) resolves the
model version and its run with `MlflowClient`, then gathers what the run holds:

- its metrics -> `input.evidence.evaluation` (judged against the card's `evaluation.metrics` by
  `org.evaluation.matches_evidence`: a card that states other numbers than the run fails);
- its dataset inputs (name, digest, source) -> `card.data_governance.datasets` entries the card does
  not already describe (the card's own words win; the run only fills in what it leaves out);
- the artifacts comply.yaml names under `mlflow.artifacts` (card, predictions, logging, audit_log),
  downloaded into a temporary folder; the card, when not named, is the artifact whose file name
  matches `card_patterns`. Each is recorded under its `runs:/<id>/<path>` URI with its sha256;
- for a registered model version, the `MLmodel` file at the version's source (its signature is the
  model's real inputs, judged by the feature rules without `--model`; see checker.evidence.signature).

The tracking URI is `--mlflow-tracking-uri`, else `MLFLOW_TRACKING_URI`, else comply.yaml
`mlflow.tracking_uri`. mlflow (`pip install 'comply-gate[mlflow]'`) is imported only here, only when
an MLflow URI or flag is used. Every failure — no server, unknown model, alias, version, run or
artifact — is one line and exit 2, never a pass.

It is also a baseline source: `--baseline models:/credit-scorer@champion` (`baseline_evidence`) takes the
champion version's run metrics, and the fairness numbers of the comply report the run logged
(`--log-to-mlflow` writes `comply/report.json`), as the production model's numbers.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.errors import InputError, UsageError, one_line

ARTIFACT_KINDS = ("card", "predictions", "logging", "audit_log")
"""What comply.yaml `mlflow.artifacts` may name (artifact paths inside the run)."""

MAX_LISTED = 2000
"""Most artifact entries walked when looking for the card (a run with more names it in comply.yaml)."""

_MODEL_ALIAS = re.compile(r"^models:/(?P<name>[^/@]+)@(?P<alias>[^/]+)$")
_MODEL_VERSION = re.compile(r"^models:/(?P<name>[^/@]+)/(?P<version>\d+)$")
_RUN = re.compile(r"^runs:/(?P<run>[0-9A-Za-z_-]+)/?$")

REPORT_ARTIFACT = "comply/report.json"
"""Where `--log-to-mlflow` logs the JSON report in the run (checker.report.mlflow_sink), read back as a baseline."""


@dataclass(frozen=True)
class RunEvidence:
    """What one MLflow model version or run contributes to a check."""

    uri: str
    run_id: str
    tracking_uri: str | None
    model_name: str | None = None
    model_version: str | None = None
    files: Mapping[str, Path] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    metrics: Mapping[str, float] = field(default_factory=dict)
    datasets: Sequence[Mapping[str, str]] = ()
    mlmodel: Path | None = None
    """The registered version's `MLmodel` file, downloaded (None for a run, or a source that holds none)."""

    @property
    def run_uri(self) -> str:
        return f"runs:/{self.run_id}"

    @property
    def mlmodel_label(self) -> str | None:
        """What the version's `MLmodel` is reported as: `models:/NAME/VERSION/MLmodel` (None for a run)."""
        if self.model_name is None:
            return None
        return f"models:/{self.model_name}/{self.model_version}/MLmodel"


def tracking_uri(explicit: str | None, config: Mapping[str, Any]) -> str | None:
    return explicit or os.environ.get("MLFLOW_TRACKING_URI") or config.get("tracking_uri") or None


def client(uri: str | None) -> Any:
    """An MlflowClient for `uri`, failing fast on an unreachable server (one retry, 10 s timeout)."""
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "10")
    from checker.extras import require

    tracking = require("mlflow.tracking", "mlflow", "reading evidence from MLflow")
    return tracking.MlflowClient(tracking_uri=uri, registry_uri=os.environ.get("MLFLOW_REGISTRY_URI") or uri)


def resolve(
    uri: str,
    settings: Mapping[str, Any],
    workdir: Path,
    *,
    explicit_tracking_uri: str | None = None,
    card_patterns: Sequence[str] = (),
    want_card: bool = True,
) -> RunEvidence:
    """Resolve `uri` to its run and download the artifacts comply needs into `workdir`."""
    tracking = tracking_uri(explicit_tracking_uri, settings)
    mlflow = client(tracking)
    name, version, run_id = _locate(mlflow, uri)
    run = _call(uri, "cannot read the run", mlflow.get_run, run_id)
    named = dict(settings.get("artifacts") or {})
    unknown = sorted(set(named) - set(ARTIFACT_KINDS))
    if unknown:
        raise UsageError(f"comply.yaml mlflow.artifacts: unknown kind(s) {', '.join(unknown)}")
    if not want_card:
        named.pop("card", None)
    elif "card" not in named:
        named["card"] = _find_card(mlflow, uri, run_id, card_patterns)
    files: dict[str, Path] = {}
    labels: dict[str, str] = {}
    for kind, artifact in sorted(named.items()):
        target = workdir / kind
        target.mkdir(parents=True, exist_ok=True)
        label = f"runs:/{run_id}/{artifact}"
        local = _call(
            label, "cannot download the artifact", mlflow.download_artifacts, run_id, str(artifact), str(target)
        )
        path = Path(local)
        if not path.is_file():
            raise InputError(f"{label}: not a file artifact (a folder?)")
        files[kind] = path
        labels[kind] = label
    metrics = {str(key): float(value) for key, value in sorted((run.data.metrics or {}).items())}
    mlmodel = None
    if name is not None and version is not None:
        from checker.evidence.signature import version_mlmodel

        (workdir / "model").mkdir(parents=True, exist_ok=True)
        mlmodel = version_mlmodel(mlflow, uri, name, version, tracking, workdir / "model")
    return RunEvidence(
        uri=uri,
        run_id=run_id,
        tracking_uri=tracking,
        model_name=name,
        model_version=version,
        files=files,
        labels=labels,
        metrics=metrics,
        datasets=_datasets(run),
        mlmodel=mlmodel,
    )


def evaluation_evidence(run: RunEvidence) -> dict[str, Any] | None:
    """`input.evidence.evaluation` from the run's logged metrics (None when it logged none)."""
    if not run.metrics:
        return None
    provenance: dict[str, Any] = {"source": run.run_uri}
    if run.model_name:
        provenance["model_version"] = f"models:/{run.model_name}/{run.model_version}"
    return {"source": "mlflow", "metrics": dict(run.metrics), "provenance": provenance}


def baseline_evidence(
    uri: str,
    settings: Mapping[str, Any],
    workdir: Path,
    model_name: str | None,
    *,
    explicit_tracking_uri: str | None = None,
) -> dict[str, Any]:
    """`input.evidence.baseline` from a registered model version or run (schemas/baseline.schema.json).

    The metrics are those the run logged; the comply report the run logged, when there is one, adds the
    fairness numbers per sensitive feature and any metric the run did not log (the run's own numbers win).
    `mlflow` records what the URI resolved to (registered model, version, run), and `sha256` is that of
    the report artifact, else of the logged metrics as comply read them (canonical JSON)."""
    import hashlib
    import json

    from checker.evidence.baseline import finite_numbers, load_baseline

    mlflow = client(tracking_uri(explicit_tracking_uri, settings))
    name, version, run_id = _locate(mlflow, uri)
    run = _call(uri, "cannot read the run", mlflow.get_run, run_id)
    logged = finite_numbers(run.data.metrics or {})
    provenance: dict[str, str] = {"uri": uri, "run_id": run_id}
    if name is not None and version is not None:
        provenance.update({"model": name, "version": version})
    listed = _call(uri, "cannot list the run's artifacts", mlflow.list_artifacts, run_id, REPORT_ARTIFACT.split("/")[0])
    facts: dict[str, Any] = {"metrics": {}, "fairness": {}}
    if any(item.path == REPORT_ARTIFACT for item in listed):
        label = f"runs:/{run_id}/{REPORT_ARTIFACT}"
        local = _call(
            label, "cannot download the artifact", mlflow.download_artifacts, run_id, REPORT_ARTIFACT, str(workdir)
        )
        facts = load_baseline(Path(local), label, model_name)
        if facts["source"] != "report":
            raise InputError(f"{label}: not a comply JSON report")
        provenance["report"] = label
    elif not logged:
        raise InputError(
            f"{uri}: run {run_id} logged no metrics and no comply report: there is nothing to compare with"
        )
    digest = (
        facts.get("sha256")
        or hashlib.sha256(json.dumps(logged, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()
    )
    baseline: dict[str, Any] = {
        "file": uri,
        "sha256": digest,
        "source": "mlflow",
        "metrics": {**facts["metrics"], **logged},
        "fairness": facts["fairness"],
        "mlflow": provenance,
    }
    if version is not None:
        baseline["model_version"] = version
    elif "model_version" in facts:
        baseline["model_version"] = facts["model_version"]
    return baseline


def merge_datasets(card: dict[str, Any], run: RunEvidence) -> None:
    """Add the run's dataset inputs to `card.data_governance.datasets` where the card leaves them out."""
    if not run.datasets:
        return
    governance = card.get("data_governance")
    if governance is None:
        governance = card["data_governance"] = {}
    if not isinstance(governance, dict):
        return
    datasets = governance.get("datasets")
    if datasets is None:
        datasets = governance["datasets"] = []
    if not isinstance(datasets, list):
        return
    known = {entry.get("name"): entry for entry in datasets if isinstance(entry, dict)}
    for logged in run.datasets:
        provenance = f"MLflow dataset input of {run.run_uri}: source {logged['source']}, digest {logged['digest']}"
        entry = known.get(logged["name"])
        if entry is None:
            datasets.append({"name": logged["name"], "provenance": provenance})
        elif not entry.get("provenance"):
            entry["provenance"] = provenance


def _locate(mlflow: Any, uri: str) -> tuple[str | None, str | None, str]:
    """(model name, version, run id) for a models:/ or runs:/ URI."""
    match = _MODEL_ALIAS.match(uri)
    if match:
        name, alias = match["name"], match["alias"]
        found = _call(
            uri, f"no alias @{alias} on registered model {name!r}", mlflow.get_model_version_by_alias, name, alias
        )
        return name, str(found.version), _run_of(uri, found)
    match = _MODEL_VERSION.match(uri)
    if match:
        name, number = match["name"], match["version"]
        found = _call(uri, f"no version {number} of registered model {name!r}", mlflow.get_model_version, name, number)
        return name, str(found.version), _run_of(uri, found)
    match = _RUN.match(uri)
    if match:
        return None, None, match["run"]
    raise UsageError(
        f"{uri}: not an MLflow URI comply reads; use models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID"
    )


def _run_of(uri: str, version: Any) -> str:
    if not getattr(version, "run_id", None):
        raise InputError(f"{uri}: the model version has no run, so there is no evidence to read")
    return str(version.run_id)


def _find_card(mlflow: Any, uri: str, run_id: str, patterns: Sequence[str]) -> str:
    """The artifact path of the run's model card: the first (shortest, then sorted) matching a pattern."""
    found: list[str] = []
    pending = [None]
    seen = 0
    while pending:
        folder = pending.pop()
        for item in _call(uri, "cannot list the run's artifacts", mlflow.list_artifacts, run_id, folder):
            seen += 1
            if seen > MAX_LISTED:
                raise InputError(
                    f"{uri}: more than {MAX_LISTED} artifacts; name the card in comply.yaml mlflow.artifacts.card"
                )
            if item.is_dir:
                pending.append(item.path)
            elif any(fnmatch.fnmatch(item.path.rsplit("/", 1)[-1], pattern) for pattern in patterns):
                found.append(item.path)
    if not found:
        raise InputError(
            f"{uri}: no model card among the run's artifacts (looked for {', '.join(patterns)}); "
            "log one or name it in comply.yaml mlflow.artifacts.card"
        )
    return min(found, key=lambda path: (path.count("/"), path))


def _datasets(run: Any) -> list[dict[str, str]]:
    inputs = getattr(getattr(run, "inputs", None), "dataset_inputs", None) or []
    result = []
    for item in inputs:
        dataset = getattr(item, "dataset", None)
        if dataset is not None and getattr(dataset, "name", None):
            result.append(
                {
                    "name": str(dataset.name),
                    "digest": str(getattr(dataset, "digest", "") or ""),
                    "source": str(getattr(dataset, "source", "") or ""),
                }
            )
    return sorted(result, key=lambda entry: entry["name"])


def _call(where: str, what: str, function: Any, *args: Any) -> Any:
    """Call the MLflow client, turning any failure (HTTP, missing resource, bad store) into one line."""
    try:
        return function(*args)
    except Exception as err:  # MlflowException, requests errors, OSError: all end the run without a verdict
        detail = one_line(str(err)) or type(err).__name__
        raise InputError(f"{where}: {what}: {detail[:300]}") from None
