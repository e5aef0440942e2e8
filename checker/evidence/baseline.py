"""The production model's numbers, to judge a candidate against (`--baseline`, comply.yaml `evidence.baseline`).

A baseline is either
- a previous comply JSON report (`comply check --format json`): the metrics its card's evaluation evidence
  gave (recomputed or logged), else the metrics its card stated, and the fairness numbers per sensitive
  feature of its fairness evidence; or
- a metrics file (YAML/JSON): `{model_version?, metrics: {name: value}, fairness: {feature: {metric: value}}}`.

The result becomes `input.evidence.baseline` (schemas/baseline.schema.json); policies/rules/regression.rego
compares the candidate's numbers with it. A baseline that shares no metric with the candidate can judge
nothing, so it is an input error, never a pass.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.evidence.loader import LoadedDocument, load_document


def load_baseline(path: Path, label: str, model_name: str | None) -> dict[str, Any]:
    """`input.evidence.baseline` from the file at `path` (reported as `label`), the card of a report with
    several chosen by the candidate's model name."""
    document = load_document(path)
    data = document.data
    if not isinstance(data, Mapping):
        raise InputError(f"{label}:1: a baseline is a comply JSON report or a mapping with `metrics:`")
    if isinstance(data.get("cards"), list):
        facts = _from_report(data, label, model_name)
    else:
        facts = _from_metrics_file(data, document, label)
    return {"file": label, "sha256": document.sha256, **facts}


def _from_report(report: Mapping[str, Any], label: str, model_name: str | None) -> dict[str, Any]:
    cards = [card for card in report["cards"] if isinstance(card, Mapping)]
    if len(cards) > 1:
        named = [card for card in cards if _model(card).get("name") == model_name]
        if len(named) != 1:
            names = ", ".join(sorted(str(_model(card).get("name")) for card in cards))
            raise InputError(f"{label}: the report holds {len(cards)} cards ({names}); none is {model_name!r} alone")
        cards = named
    if not cards:
        raise InputError(f"{label}: the report holds no card")
    card = cards[0]
    document = _mapping(card.get("input"))
    evidence = _mapping(document.get("evidence"))
    metrics, fairness = current_numbers(_mapping(document.get("card")), evidence)
    facts: dict[str, Any] = {
        "source": "report",
        "metrics": metrics,
        "fairness": fairness,
    }
    version = _model(card).get("version")
    if isinstance(version, str) and version:
        facts["model_version"] = version
    return facts


def _model(card: Mapping[str, Any]) -> Mapping[str, Any]:
    model = card.get("model")
    return model if isinstance(model, Mapping) else {}


def finite_numbers(values: Any) -> dict[str, float]:
    """The finite numbers of a mapping (a metric with a bound or a null value is no number to compare)."""
    if not isinstance(values, Mapping):
        return {}
    return {
        str(name): float(value)
        for name, value in values.items()
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    }


def _from_metrics_file(data: Mapping[str, Any], document: LoadedDocument, label: str) -> dict[str, Any]:
    unknown = sorted(str(key) for key in data if key not in {"model_version", "metrics", "fairness"})
    if unknown:
        line = document.line_of(unknown[0]) or 1
        raise InputError(f"{label}:{line}: {unknown[0]}: a metrics file holds model_version, metrics and fairness")

    def number(path: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"{label}:{document.line_of(path) or 1}: {path}: expected a finite number, got {value!r}")
        return float(value)

    metrics = data.get("metrics") or {}
    fairness = data.get("fairness") or {}
    if not isinstance(metrics, Mapping) or not isinstance(fairness, Mapping):
        raise InputError(f"{label}:1: metrics and fairness are mappings of names to numbers")
    facts: dict[str, Any] = {
        "source": "metrics",
        "metrics": {str(name): number(f"metrics.{name}", value) for name, value in metrics.items()},
        "fairness": {},
    }
    for feature, values in fairness.items():
        if not isinstance(values, Mapping):
            raise InputError(
                f"{label}:{document.line_of(f'fairness.{feature}') or 1}: fairness.{feature}: expected metric: value"
            )
        facts["fairness"][str(feature)] = {
            str(name): number(f"fairness.{feature}.{name}", value) for name, value in values.items()
        }
    if data.get("model_version") is not None:
        facts["model_version"] = str(data["model_version"])
    return facts


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def current_numbers(
    card: Mapping[str, Any], evidence: Mapping[str, Any]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """A card's metrics (its evaluation evidence over what it states) and fairness numbers per sensitive
    feature, read the way policies/rules/regression.rego reads the candidate's."""
    stated = _mapping(_mapping(card.get("evaluation")).get("metrics"))
    computed = _mapping(_mapping(evidence.get("evaluation")).get("metrics"))
    fairness: dict[str, dict[str, float]] = {}
    for name, feature in _mapping(_mapping(evidence.get("fairness")).get("features")).items():
        values = finite_numbers(
            {
                metric: _mapping(entry).get("value")
                for metric, entry in _mapping(_mapping(feature).get("metrics")).items()
            }
        )
        if values:
            fairness[str(name)] = values
    return {**finite_numbers(stated), **finite_numbers(computed)}, fairness


def check_common(baseline: Mapping[str, Any], card: Mapping[str, Any], evidence: Mapping[str, Any]) -> None:
    """Refuse a baseline that shares no number with the candidate: it would judge nothing."""
    metrics, fairness = current_numbers(card, evidence)
    common = set(baseline["metrics"]) & set(metrics)
    common_fairness = {
        (feature, name)
        for feature, values in baseline["fairness"].items()
        for name in values
        if name in fairness.get(feature, {})
    }
    if not common and not common_fairness:
        theirs = sorted(baseline["metrics"]) + sorted(f"{f}.{m}" for f, v in baseline["fairness"].items() for m in v)
        ours = sorted(metrics) + sorted(f"{f}.{m}" for f, v in fairness.items() for m in v)
        raise InputError(
            f"{baseline['file']}: the baseline has no metric in common with the candidate (baseline: "
            f"{', '.join(theirs[:12]) or 'none'}; candidate: {', '.join(ours[:12]) or 'none'})"
        )
