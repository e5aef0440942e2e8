"""Model Card Toolkit (MCT) cards: the JSON `ModelCard.to_json()` writes (schema v0.0.2).

The card is first validated against MCT's own JSON Schema (shipped in `schemas/external/`), then
mapped onto comply's facts:

    model_details.name / version.name / version.date -> model_details.name / version / created
    model_details.owners[0] (contact, else name)      -> model_details.owner
    model_details.licenses[0].identifier              -> model_details.license
    model_parameters.model_architecture               -> model_details.type
    model_parameters.data[].name / link               -> data_governance.datasets[].name / uri
    quantitative_analysis.performance_metrics         -> evaluation.metrics / slices / confidence_intervals
    considerations.use_cases[].description            -> intended_use.primary (joined with "; ")
    considerations.users[].description                -> intended_use.users
    considerations.limitations[].description          -> ethical_considerations.limitations
    considerations.tradeoffs[].description            -> caveats
    considerations.ethical_considerations[]           -> risk_management.risks[] {id, description, mitigation}

MCT has no words for the AI Act, and its schema forbids unknown top-level keys, so comply's own facts
live under a top-level `comply` key that is set aside before validation; where they state the same
field as the mapping above, they win.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.evidence.loader import LoadedDocument
from checker.evidence.mapping import CardBuilder, put_performance_metrics, section, texts

OWN_KEY = "comply"


def translate(source: LoadedDocument) -> LoadedDocument:
    from checker.errors import InputError
    from checker.schemas import validate_external

    data = source.data
    own = data.get(OWN_KEY)
    validate_external({k: v for k, v in data.items() if k != OWN_KEY}, "mct-model-card-v0.0.2", source=source)
    card = CardBuilder(source)
    details = section(data, "model_details")
    card.put(("model_details", "name"), details.get("name"), "model_details.name")
    version = section(details, "version")
    card.put(("model_details", "version"), version.get("name"), "model_details.version.name")
    card.put(("model_details", "created"), version.get("date"), "model_details.version.date")
    owners = details.get("owners")
    if isinstance(owners, list) and owners and isinstance(owners[0], Mapping):
        owner = owners[0].get("contact") or owners[0].get("name")
        card.put(("model_details", "owner"), owner, "model_details.owners.0")
    licences = details.get("licenses")
    if isinstance(licences, list) and licences and isinstance(licences[0], Mapping):
        card.put(("model_details", "license"), licences[0].get("identifier"), "model_details.licenses.0.identifier")
    parameters = section(data, "model_parameters")
    card.put(("model_details", "type"), parameters.get("model_architecture"), "model_parameters.model_architecture")
    datasets = []
    for item in parameters.get("data") or []:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            entry = {"name": item["name"]}
            if isinstance(item.get("link"), str):
                entry["uri"] = item["link"]
            datasets.append(entry)
    if datasets:
        card.put(("data_governance", "datasets"), datasets, "model_parameters.data")
    analysis = section(data, "quantitative_analysis")
    put_performance_metrics(
        card,
        analysis.get("performance_metrics"),
        "quantitative_analysis.performance_metrics",
        interval="confidence_interval",
        lower="lower_bound",
        upper="upper_bound",
    )
    considerations = section(data, "considerations")
    _considerations(card, considerations)
    if own is not None:
        if not isinstance(own, Mapping):
            raise InputError(f"{source.path}:{source.line_of(OWN_KEY) or 1}: comply: expected a mapping")
        card.merge((), own, OWN_KEY)
    return card.document()


def _considerations(card: CardBuilder, considerations: Mapping[str, Any]) -> None:
    use_cases = texts(considerations.get("use_cases"), "description")
    if use_cases:
        card.put(("intended_use", "primary"), "; ".join(use_cases), "considerations.use_cases")
    users = texts(considerations.get("users"), "description")
    if users:
        card.put(("intended_use", "users"), users, "considerations.users")
    limitations = texts(considerations.get("limitations"), "description")
    if limitations:
        card.put(("ethical_considerations", "limitations"), limitations, "considerations.limitations")
    tradeoffs = texts(considerations.get("tradeoffs"), "description")
    if tradeoffs:
        card.put(("caveats",), tradeoffs, "considerations.tradeoffs")
    risks = risks_from(considerations.get("ethical_considerations"), mitigation_key="mitigation_strategy")
    if risks:
        card.put(("risk_management", "risks"), risks, "considerations.ethical_considerations")


def risks_from(items: Any, *, mitigation_key: str) -> list[dict[str, str]]:
    """Named risks with their mitigation as comply's `risk_management.risks` (ids R1, R2, ...)."""
    risks: list[dict[str, str]] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            risk = {"id": f"R{len(risks) + 1}", "description": item["name"]}
            if isinstance(item.get(mitigation_key), str):
                risk["mitigation"] = item[mitigation_key]
            risks.append(risk)
    return risks
