"""An MLflow model's signature: the names of the inputs the model was logged with.

`--model` (comply.yaml `evidence.model`) names an MLflow model: a local model directory (the folder holding
its `MLmodel` file), an `MLmodel` file, or a `models:/NAME@ALIAS`, `models:/NAME/VERSION` or
`runs:/RUN_ID/PATH` URI. The `MLmodel` file is YAML whose `signature.inputs` is a JSON string,
`[{"name": "income", "type": "double"}, ...]` (column specs); comply reads it as data, with no MLflow
import for a local model and without ever loading the model (unpickling one runs code). Only a URI needs
mlflow, to download that one file.

The result is `input.evidence.model` (schemas/model.schema.json); checker.evidence.features makes the
feature list of it when the card lists none, and the card's list is judged against it when it does
(policies/rules/features.rego, `org.features.match_model`). A model without a signature, with unnamed
(tensor) inputs or an unreadable `MLmodel` is an input error: there is no feature list to judge.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker.errors import InputError, one_line
from checker.evidence.loader import load_document

MLMODEL = "MLmodel"


def model_evidence(path: Path, label: str) -> tuple[dict[str, Any], int]:
    """(`input.evidence.model`, the line of `signature.inputs`) of the local model directory or MLmodel file at
    `path`, reported as `label`."""
    mlmodel = path / MLMODEL if path.is_dir() else path
    if path.is_dir() and not mlmodel.is_file():
        raise InputError(f"{label}: no {MLMODEL} file in the directory (an MLflow model directory holds one)")
    shown = f"{label}/{MLMODEL}" if path.is_dir() else label
    document = load_document(mlmodel)
    data = document.data
    signature = data.get("signature") if isinstance(data, Mapping) else None
    if not isinstance(signature, Mapping) or not signature.get("inputs"):
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
    inputs = []
    for index, spec in enumerate(specs):
        name = spec.get("name") if isinstance(spec, Mapping) else None
        if not isinstance(name, str) or not name.strip():
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
    from checker.extras import require

    tracking = tracking_uri(explicit_tracking_uri, settings)
    mlflow = client(tracking)
    if uri.startswith("models:/"):
        name, version, _ = _locate(mlflow, uri)
        base = _call(uri, "cannot find the model's files", mlflow.get_model_version_download_uri, name, version)
    else:
        base = uri.rstrip("/")
    artifacts = require("mlflow.artifacts", "mlflow", "reading an MLflow model's signature")
    local = _call(
        uri,
        f"cannot download its {MLMODEL} file",
        lambda: artifacts.download_artifacts(
            artifact_uri=f"{str(base).rstrip('/')}/{MLMODEL}", dst_path=str(workdir), tracking_uri=tracking
        ),
    )
    return Path(local)
