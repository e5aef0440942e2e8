"""Fairness evidence for the input document (`input.evidence.fairness`), from three sources.

- `predictions_evidence(path, options)`: comply computes the numbers from the evaluation predictions
  (`comply check --predictions`), `source: computed`.
- `load_fairness_file(path)`: a fairness evidence file: either a document `comply fairness -o` wrote
  (kept as is, after a shape check) or numbers declared by hand in the card layout below.
- `declared_from_card(card)`: numbers the model card declares itself.

All three give the one normalized shape of `schemas/fairness.schema.json`; declared numbers are
marked `source: declared` so the policies can tell a measured number from a claimed one.

Declared layout (in the card under `ethical_considerations.bias_analysis` or `evaluation.fairness`,
or as the whole of a hand-written evidence file):

    sensitive_features: [sex, age_band]
    report_uri: https://example.eu/bias-report.pdf
    metrics:                          # not broken down by feature: judged as one feature
      demographic_parity_difference: 0.04
      equalized_odds_difference: 0.05
    groups: [female, male]            # names, or {name: {count: 1200, selection_rate: 0.31}}
    features:                         # per feature (preferred)
      sex:
        reference_group: male
        metrics:
          demographic_parity_difference: 0.04            # a number ...
          disparate_impact_ratio: {value: 0.91, ci: [0.85, 0.97], groups: [female, male]}  # ... or a mapping
        groups: {female: {count: 1200}, male: {count: 1340}}

Metric names are those of `checker.fairness.metrics.DISPARITIES`; other names are kept under
`other_metrics` (shown, not judged). Values must be finite numbers. Top-level `metrics` become one
feature named after the declared sensitive features (`sex, age_band`), flagged `not_disaggregated`.
When the card declares numbers in both places, `bias_analysis` wins feature by feature.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError, UsageError
from checker.evidence.loader import LoadedDocument, load_document
from checker.evidence.provenance import display_path

if TYPE_CHECKING:
    from checker.fairness.options import FairnessOptions

DECLARED_SECTIONS = (("ethical_considerations", "bias_analysis"), ("evaluation", "fairness"))
"""Card sections read for declared numbers, in order of precedence."""

_RATE_KEYS = ("count", "base_rate", "selection_rate", "tpr", "fpr", "fnr", "tnr", "precision", "accuracy", "mean_score")


def predictions_evidence(path: Path | str, options: FairnessOptions | Mapping[str, Any]) -> dict[str, Any]:
    """Compute fairness evidence from a predictions file (`comply check --predictions`).

    `options` is a `FairnessOptions`, or the `fairness:` mapping of comply.yaml (same field names).
    """
    from checker.extras import require_fairness

    require_fairness("computing fairness from --predictions")
    from checker.fairness.compute import compute_fairness
    from checker.fairness.options import FairnessOptions

    if not isinstance(options, FairnessOptions):
        if not options:
            raise UsageError(
                "--predictions needs to know the columns: add a `fairness:` section to comply.yaml "
                "(y_true, y_pred, sensitive), or run `comply fairness` and pass its output with --fairness"
            )
        options = FairnessOptions.from_mapping(options, where="comply.yaml fairness")
    return compute_fairness(path, options)


def load_fairness_file(path: Path | str) -> tuple[dict[str, Any], LoadedDocument]:
    """Read a fairness evidence file: a computed document, or declared numbers (layout above)."""
    from checker.schemas import validate

    loaded = load_document(Path(path))
    data = loaded.data
    if not isinstance(data, Mapping):
        raise InputError(f"{loaded.path}: a fairness evidence file must be a mapping, got {type(data).__name__}")
    if data.get("source") in ("computed", "declared") and "features" in data:
        validate(data, "fairness", source=loaded, label=str(loaded.path))
        return dict(data), loaded
    document = normalize_declared(data, where=str(loaded.path), field="")
    if document is None:
        raise InputError(
            f"{loaded.path}: no fairness numbers: expected `metrics` or `features` (see comply fairness --help)"
        )
    suffix = loaded.path.suffix.lower().lstrip(".")
    document["provenance"] = {
        "file": display_path(loaded.path),
        "sha256": loaded.sha256,
        "format": "json" if suffix == "json" else "yaml",
    }
    validate(document, "fairness", label=str(loaded.path))
    return document, loaded


def declared_from_card(card: Mapping[str, Any]) -> dict[str, Any] | None:
    """Normalize the fairness numbers a card declares, or None when it declares none."""
    documents = []
    for outer, inner in DECLARED_SECTIONS:
        section = card.get(outer)
        block = section.get(inner) if isinstance(section, Mapping) else None
        if isinstance(block, Mapping):
            field = f"card.{outer}.{inner}"
            document = normalize_declared(block, where="", field=field)
            if document is not None:
                document["provenance"] = {"format": "card", "field": field}
                documents.append(document)
    if not documents:
        return None
    merged = documents[0]
    for later in documents[1:]:
        for name, feature in later["features"].items():
            merged["features"].setdefault(name, feature)
        for name in later["sensitive_features"]:
            if name not in merged["sensitive_features"]:
                merged["sensitive_features"].append(name)
    return merged


def normalize_declared(block: Mapping[str, Any], *, where: str, field: str) -> dict[str, Any] | None:
    """The normalized document for one declared block, or None when it holds no numbers."""
    sensitive = _text_list(block.get("sensitive_features"), f"{_join(field, 'sensitive_features')}", where)
    features: dict[str, Any] = {}
    per_feature = block.get("features")
    if per_feature is not None:
        if not isinstance(per_feature, Mapping):
            raise InputError(_at(where) + f"{_join(field, 'features')}: expected a mapping of feature name to numbers")
        for name, entry in per_feature.items():
            entry_field = _join(field, f"features.{name}")
            if not isinstance(entry, Mapping):
                raise InputError(_at(where) + f"{entry_field}: expected a mapping with `metrics`")
            features[str(name)] = _declared_feature(entry, [str(name)], where, entry_field)
    if block.get("metrics"):
        columns = sensitive or ["(unspecified)"]
        name = ", ".join(columns)
        feature = _declared_feature(block, columns, where, field)
        if len(columns) > 1 or not sensitive:
            feature["flags"] = ["not_disaggregated"]
        features.setdefault(name, feature)
    if not features:
        return None
    for feature in features.values():
        for column in feature["columns"]:
            if column not in sensitive and column != "(unspecified)":
                sensitive.append(column)
    document: dict[str, Any] = {"source": "declared", "sensitive_features": sensitive, "features": features}
    if isinstance(block.get("report_uri"), str):
        document["report_uri"] = block["report_uri"]
    return document


def _declared_feature(entry: Mapping[str, Any], columns: list[str], where: str, field: str) -> dict[str, Any]:
    from checker.fairness.names import DISPARITIES

    raw = entry.get("metrics")
    if not isinstance(raw, Mapping) or not raw:
        raise InputError(_at(where) + f"{_join(field, 'metrics')}: expected a mapping of metric name to number")
    metrics: dict[str, Any] = {}
    others: dict[str, Any] = {}
    for metric, value in raw.items():
        metric_field = _join(field, f"metrics.{metric}")
        target = metrics if metric in DISPARITIES else others
        target[str(metric)] = _declared_metric(value, where, metric_field)
    feature: dict[str, Any] = {
        "columns": list(entry.get("columns") or columns),
        "intersection": False,
        "metrics": metrics,
    }
    if others:
        feature["other_metrics"] = others
    if isinstance(entry.get("reference_group"), str):
        feature["reference_group"] = entry["reference_group"]
    groups = entry.get("groups")
    if groups is not None:
        feature["groups"] = _declared_groups(groups, where, _join(field, "groups"))
    return feature


def _declared_metric(value: Any, where: str, field: str) -> dict[str, Any]:
    if isinstance(value, Mapping):
        number = _number(value.get("value"), where, f"{field}.value")
        metric: dict[str, Any] = {"value": number}
        if value.get("ci") is not None:
            interval = value["ci"]
            if not (isinstance(interval, list) and len(interval) == 2):
                raise InputError(_at(where) + f"{field}.ci: expected [low, high]")
            metric["ci"] = [_number(bound, where, f"{field}.ci") for bound in interval]
        if value.get("groups") is not None:
            metric["groups"] = _text_list(value["groups"], f"{field}.groups", where)
        return metric
    return {"value": _number(value, where, field)}


def _declared_groups(groups: Any, where: str, field: str) -> dict[str, Any]:
    if isinstance(groups, list):
        return {str(name): {} for name in groups}
    if not isinstance(groups, Mapping):
        raise InputError(_at(where) + f"{field}: expected a list of group names or a mapping of group to numbers")
    result: dict[str, Any] = {}
    for name, numbers in groups.items():
        entry: dict[str, Any] = {}
        if isinstance(numbers, Mapping):
            for key in _RATE_KEYS:
                if key in numbers:
                    number = _number(numbers[key], where, f"{field}.{name}.{key}")
                    if key == "count" and (number < 0 or number != int(number)):
                        raise InputError(_at(where) + f"{field}.{name}.count: expected a whole number of rows")
                    entry[key] = int(number) if key == "count" else number
        elif numbers is not None:
            raise InputError(_at(where) + f"{field}.{name}: expected a mapping such as {{count: 1200}}")
        result[str(name)] = entry
    return result


def _number(value: Any, where: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(_at(where) + f"{field}: expected a number, got {value!r}")
    if not math.isfinite(value):
        raise InputError(_at(where) + f"{field}: {value} is not a finite number")
    return value


def _text_list(value: Any, field: str, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(
        isinstance(item, (str, int)) and not isinstance(item, bool) for item in value
    ):
        raise InputError(_at(where) + f"{field}: expected a list of names")
    return [str(item) for item in value]


def _at(where: str) -> str:
    """`file: ` before a field path when the numbers come from a file (a card's own fields need none)."""
    return f"{where}: " if where else ""


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key
