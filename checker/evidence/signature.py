"""An MLflow model's signature: the names of the inputs the model was logged with.

`--model` (comply.yaml `evidence.model`) names an MLflow model: a local model directory (the folder holding
its `MLmodel` file), an `MLmodel` file, or a `models:/NAME@ALIAS`, `models:/NAME/VERSION` or
`runs:/RUN_ID/PATH` URI. The `MLmodel` file is YAML whose `signature.inputs` is a JSON string,
`[{"name": "income", "type": "double"}, ...]` (column specs); comply reads it as data, with no MLflow
import for a local model and without ever loading the model (unpickling one runs code). Only a URI needs
mlflow, to download that one file.

The result is `input.evidence.model` (schemas/model.schema.json); checker.evidence.features makes the
feature list of it when the card lists none, and the card's list is judged against it when it does
(policies/rules/features.rego, `org.features.match_model`). A model `--model` names without a signature,
with unnamed (tensor) inputs or with an unreadable `MLmodel` is an input error: there is no feature list to judge.

A card from a registered model version (`comply check models:/NAME@ALIAS`) brings that version's own model:
`version_mlmodel` fetches the `MLmodel` at the version's source, and it is read with `required=False`. The
user asked for no signature there, so a version logged without one (or with tensor inputs, or with no
`MLmodel` at all) is no error: the evidence records `signature: absent` (or `unnamed`) and the features come
from the card as before. A malformed signature (not JSON, an input named twice) stays an input error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker.errors import InputError, one_line
from checker.evidence.loader import load_document

MLMODEL = "MLmodel"


def model_evidence(path: Path, label: str, *, required: bool = True) -> tuple[dict[str, Any], int]:
    """(`input.evidence.model`, the line of `signature.inputs`) of the local model directory or MLmodel file at
    `path`, reported as `label`. With `required=False` a model that names no inputs gives `inputs: []` and
    `signature: absent` (no signature) or `unnamed` (tensor inputs) instead of an input error."""
    mlmodel = path / MLMODEL if path.is_dir() else path
    if path.is_dir() and not mlmodel.is_file():
        raise InputError(f"{label}: no {MLMODEL} file in the directory (an MLflow model directory holds one)")
    shown = f"{label}/{MLMODEL}" if path.is_dir() else label
    document = load_document(mlmodel)
    data = document.data
    signature = data.get("signature") if isinstance(data, Mapping) else None
    if not isinstance(signature, Mapping) or not signature.get("inputs"):
        if not required:
            return {"file": shown, "sha256": document.sha256, "inputs": [], "signature": "absent"}, 1
        raise InputError(
            f"{shown}:1: the model has no input signature, so its features are unknown; log it with one "
            "(mlflow.models.infer_signature) or list them in the card's features:"
        )
    line = document.line_of("signature.inputs") or document.line_of("signature") or 1
    try:
        specs = json.loads(signature["inputs"]) if isinstance(signature["inputs"], str) else signature["inputs"]
    except ValueError as err:
        raise InputError(f"{shown}:{line}: signature.inputs is not JSON: {one_line(str(err))}") from None
    if not isinstance(specs, list):
        raise InputError(f"{shown}:{line}: signature.inputs is not a list of input specs")
    if not specs:
        if not required:
            return {"file": shown, "sha256": document.sha256, "inputs": [], "signature": "absent"}, line
        raise InputError(f"{shown}:{line}: the signature lists no inputs, so the model's features are unknown")
    inputs = []
    for index, spec in enumerate(specs):
        name = spec.get("name") if isinstance(spec, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            if not required:
                return {"file": shown, "sha256": document.sha256, "inputs": [], "signature": "unnamed"}, line
            raise InputError(
                f"{shown}:{line}: input {index + 1} of the signature has no name (a tensor spec?): comply needs "
                "column names; list the features in the card's features:"
            )
        inputs.append({"name": name, "type": str(spec.get("type", ""))})
    names = [item["name"] for item in inputs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InputError(f"{shown}:{line}: the signature names {', '.join(duplicates)} more than once")
    return {"file": shown, "sha256": document.sha256, "inputs": inputs}, line


def download_mlmodel(uri: str, settings: Mapping[str, Any], workdir: Path, explicit_tracking_uri: str | None) -> Path:
    """The `MLmodel` file of the model at a `models:/` or `runs:/` URI, downloaded into `workdir`."""
    from checker.evidence.mlflow import _call, _locate, client, tracking_uri

    tracking = tracking_uri(explicit_tracking_uri, settings)
    mlflow = client(tracking)
    if uri.startswith("models:/"):
        name, version, _ = _locate(mlflow, uri)
        base = _call(uri, "cannot find the model's files", mlflow.get_model_version_download_uri, name, version)
    else:
        base = uri.rstrip("/")
    return _download(uri, str(base), workdir, tracking)


def version_mlmodel(mlflow: Any, uri: str, name: str, version: str, tracking: str | None, workdir: Path) -> Path | None:
    """The `MLmodel` file at the source of registered model `name` version `version`, downloaded into
    `workdir`; None when the source holds no `MLmodel` (a version registered from a folder that is no
    MLflow model). The source is listed first, so that only a missing file is None: a server or store
    that does not answer is still an input error."""
    from checker.evidence.mlflow import _call
    from checker.extras import require

    base = _call(uri, "cannot find the model's files", mlflow.get_model_version_download_uri, name, version)
    artifacts = require("mlflow.artifacts", "mlflow", "reading an MLflow model's signature")
    listed = _call(
        uri,
        "cannot list the model's files",
        lambda: artifacts.list_artifacts(artifact_uri=str(base), tracking_uri=tracking),
    )
    if not any(not item.is_dir and item.path.rsplit("/", 1)[-1] == MLMODEL for item in listed or ()):
        return None
    return _download(uri, str(base), workdir, tracking)


def _download(uri: str, base: str, workdir: Path, tracking: str | None) -> Path:
    from checker.evidence.mlflow import _call
    from checker.extras import require

    artifacts = require("mlflow.artifacts", "mlflow", "reading an MLflow model's signature")
    local = _call(
        uri,
        f"cannot download its {MLMODEL} file",
        lambda: artifacts.download_artifacts(
            artifact_uri=f"{base.rstrip('/')}/{MLMODEL}", dst_path=str(workdir), tracking_uri=tracking
        ),
    )
    return Path(local)
