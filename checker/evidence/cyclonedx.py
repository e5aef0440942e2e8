"""CycloneDX 1.6 ML-BOMs: the `modelCard` of a `machine-learning-model` component.

The BOM is validated against the CycloneDX 1.6 schema comply ships (`schemas/external/`), then the
model component (`metadata.component` when it is the model, else the first `machine-learning-model`
in `components`) is mapped onto comply's facts:

    name / version                                    -> model_details.name / version
    authors[0] (email, else name)                     -> model_details.owner
    licenses[0] (license.id, license.name, expression) -> model_details.license
    modelCard.modelParameters.modelArchitecture (or architectureFamily) -> model_details.type
    modelCard.modelParameters.datasets[].name         -> data_governance.datasets[].name
    modelCard.quantitativeAnalysis.performanceMetrics -> evaluation.metrics / slices / confidence_intervals
                                                         (CycloneDX writes values as text: parsed)
    modelCard.considerations.useCases / users         -> intended_use.primary / users
    modelCard.considerations.technicalLimitations     -> ethical_considerations.limitations
    modelCard.considerations.performanceTradeoffs     -> caveats
    modelCard.considerations.ethicalConsiderations[]  -> risk_management.risks[]
    modelCard.considerations.fairnessAssessments[]    -> ethical_considerations.fairness_assessments[],
                                                         and risk_management.vulnerable_groups_considered

comply's own facts are CycloneDX properties named `comply:<section>.<field>` (on the component or its
model card), e.g. `{"name": "comply:ai_act.role", "value": "provider"}`. A value that reads as JSON
(`true`, `3`, `["a"]`) is that JSON value, anything else is text. They win over the mapping above.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from checker.errors import InputError
from checker.evidence.loader import LoadedDocument
from checker.evidence.mapping import CardBuilder, put_performance_metrics, section, texts
from checker.evidence.mct import risks_from

MODEL_TYPE = "machine-learning-model"
PROPERTY_PREFIX = "comply:"


def translate(source: LoadedDocument) -> LoadedDocument:
    from checker.schemas import validate_external

    validate_external(source.data, "cyclonedx-bom-1.6", source=source)
    component, origin = _model_component(source)
    card = CardBuilder(source)
    card.put(("model_details", "name"), component.get("name"), f"{origin}.name")
    card.put(("model_details", "version"), component.get("version"), f"{origin}.version")
    authors = component.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], Mapping):
        card.put(("model_details", "owner"), authors[0].get("email") or authors[0].get("name"), f"{origin}.authors.0")
    card.put(("model_details", "license"), _licence(component.get("licenses")), f"{origin}.licenses.0")
    model_card = section(component, "modelCard")
    at = f"{origin}.modelCard"
    parameters = section(model_card, "modelParameters")
    architecture = parameters.get("modelArchitecture") or parameters.get("architectureFamily")
    card.put(("model_details", "type"), architecture, f"{at}.modelParameters.modelArchitecture")
    datasets = [
        {"name": item["name"]}
        for item in parameters.get("datasets") or []
        if isinstance(item, Mapping) and isinstance(item.get("name"), str)
    ]
    if datasets:
        card.put(("data_governance", "datasets"), datasets, f"{at}.modelParameters.datasets")
    analysis = section(model_card, "quantitativeAnalysis")
    if analysis:
        put_performance_metrics(
            card,
            analysis.get("performanceMetrics"),
            f"{at}.quantitativeAnalysis.performanceMetrics",
            interval="confidenceInterval",
            lower="lowerBound",
            upper="upperBound",
        )
    considerations = section(model_card, "considerations")
    if considerations:
        _considerations(card, considerations, f"{at}.considerations")
    for holder, holder_origin in ((component, origin), (model_card, at)):
        _own_properties(card, holder.get("properties"), f"{holder_origin}.properties")
    return card.document()


def _model_component(source: LoadedDocument) -> tuple[Mapping[str, Any], str]:
    data = source.data
    metadata = data.get("metadata")
    main = metadata.get("component") if isinstance(metadata, Mapping) else None
    if isinstance(main, Mapping) and main.get("type") == MODEL_TYPE:
        return main, "metadata.component"
    for index, component in enumerate(data.get("components") or []):
        if isinstance(component, Mapping) and component.get("type") == MODEL_TYPE:
            return component, f"components.{index}"
    raise InputError(f"{source.path}:1: no component of type {MODEL_TYPE!r} in this BOM: nothing to check")


def _licence(licences: Any) -> str | None:
    if not isinstance(licences, list) or not licences or not isinstance(licences[0], Mapping):
        return None
    first = licences[0]
    if isinstance(first.get("expression"), str):
        return str(first["expression"])
    licence = first.get("license")
    if isinstance(licence, Mapping):
        value = licence.get("id") or licence.get("name")
        return str(value) if value else None
    return None


def _considerations(card: CardBuilder, considerations: Mapping[str, Any], at: str) -> None:
    use_cases = texts(considerations.get("useCases"))
    if use_cases:
        card.put(("intended_use", "primary"), "; ".join(use_cases), f"{at}.useCases")
    users = texts(considerations.get("users"))
    if users:
        card.put(("intended_use", "users"), users, f"{at}.users")
    limitations = texts(considerations.get("technicalLimitations"))
    if limitations:
        card.put(("ethical_considerations", "limitations"), limitations, f"{at}.technicalLimitations")
    tradeoffs = texts(considerations.get("performanceTradeoffs"))
    if tradeoffs:
        card.put(("caveats",), tradeoffs, f"{at}.performanceTradeoffs")
    risks = risks_from(considerations.get("ethicalConsiderations"), mitigation_key="mitigationStrategy")
    if risks:
        card.put(("risk_management", "risks"), risks, f"{at}.ethicalConsiderations")
    assessments = []
    for item in considerations.get("fairnessAssessments") or []:
        if isinstance(item, Mapping) and isinstance(item.get("groupAtRisk"), str):
            keys = (("groupAtRisk", "group_at_risk"), ("benefits", "benefits"), ("harms", "harms"))
            entry = {ours: item[theirs] for theirs, ours in keys if isinstance(item.get(theirs), str)}
            if isinstance(item.get("mitigationStrategy"), str):
                entry["mitigation"] = item["mitigationStrategy"]
            assessments.append(entry)
    if assessments:
        card.put(("ethical_considerations", "fairness_assessments"), assessments, f"{at}.fairnessAssessments")
        card.put(("risk_management", "vulnerable_groups_considered"), True, f"{at}.fairnessAssessments")


def _own_properties(card: CardBuilder, properties: Any, at: str) -> None:
    for index, item in enumerate(properties if isinstance(properties, list) else []):
        name = item.get("name") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not name.startswith(PROPERTY_PREFIX):
            continue
        path = tuple(part for part in name[len(PROPERTY_PREFIX) :].split(".") if part)
        if not path:
            raise InputError(f"{card.source.path}:{card.source.line_of(f'{at}.{index}') or 1}: {name}: no field")
        card.put(path, _property_value(item.get("value")), f"{at}.{index}.value", replace=True)


def _property_value(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value, parse_constant=_no_constant)
    except ValueError:
        return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a value comply accepts")
