"""The model's feature list, and the lists the feature rules judge it against.

The features come from the card's `features:` (names, or entries with a `name` and what the card states
about them), else from an MLflow model's signature (checker.evidence.signature), else from the header of the
explanations file (one column per feature). A card list given with a signature keeps the signature's names
beside it (`model`), and the inputs the card does not list join the items (`declared: false`). Each name gets a
`key`: its words in lower case joined by `_` (`applicantEmail`, `Applicant-Email` -> `applicant_email`),
so policies/rules/features.rego matches list terms as whole words without parsing names itself.

The lists (special categories of personal data, direct identifiers, prohibited features) are policy
data, `data.comply.feature_lists`; comply.yaml `feature_lists:` only adds to them. Taking a term off a
list would loosen a legal check, so there is no way to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from checker.errors import InputError

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
ITEM_KEYS = ("purpose", "special_category_ground")
"""What a card entry may state about its feature, passed on to the rules."""


def feature_key(name: str) -> str:
    """`applicantEmail` -> `applicant_email`; `HIV-status` -> `hiv_status`; `Ethnic Origin` -> `ethnic_origin`."""
    return _NOT_WORD.sub("_", _CAMEL.sub("_", name.strip()).lower()).strip("_")


def card_features(card: Mapping[str, Any], card_label: str) -> dict[str, Any] | None:
    """`evidence.features` from the card's `features:` list (shape-checked by the card schema)."""
    entries = card.get("features")
    if not isinstance(entries, list) or not entries:
        return None
    items = []
    for index, entry in enumerate(entries):
        stated = entry if isinstance(entry, Mapping) else {"name": entry}
        item: dict[str, Any] = {
            "name": str(stated["name"]),
            "key": feature_key(str(stated["name"])),
            "field": f"card.features.{index}",
        }
        item.update({key: stated[key] for key in ITEM_KEYS if isinstance(stated.get(key), str)})
        items.append(item)
    return {"source": "card", "file": card_label, "items": items}


def explanation_features(explanations: Mapping[str, Any]) -> dict[str, Any]:
    """`evidence.features` from the explanations file's features, when the card lists none. Each points at
    the file through `evidence.explanations.importance.<name>` (the header line of a CSV, the key of a
    JSON), and a per-row file's also names its column."""
    items = []
    for index, name in enumerate(explanations["features"]):
        item: dict[str, Any] = {
            "name": name,
            "key": feature_key(name),
            "field": f"evidence.explanations.importance.{name}",
        }
        if explanations["kind"] == "per_row":
            item["column"] = index + 1
        items.append(item)
    return {"source": "explanations", "file": explanations["file"], "items": items}


def signature_features(model: Mapping[str, Any], card: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`evidence.features` from the model's signature: on its own, or added to the card's list. Each input
    points at the signature (`evidence.model.inputs.<i>`, the `signature.inputs` line of the MLmodel file)."""
    items = []
    listed = {item["name"] for item in card["items"]} if card is not None else set()
    for index, spec in enumerate(model["inputs"]):
        if spec["name"] in listed:
            continue
        item: dict[str, Any] = {
            "name": spec["name"],
            "key": feature_key(spec["name"]),
            "field": f"evidence.model.inputs.{index}",
            "at": f"input {index + 1} of the signature in {model['file']}",
        }
        if card is not None:
            item["declared"] = False
        items.append(item)
    if card is None:
        return {"source": "signature", "file": model["file"], "items": items}
    names = [spec["name"] for spec in model["inputs"]]
    return {**card, "items": [*card["items"], *items], "model": {"file": model["file"], "names": names}}


LIST_NAMES = ("special_categories", "direct_identifiers", "prohibited")


def extend_lists(data: Mapping[str, Any], extension: Mapping[str, Any], where: Callable[[str], str]) -> dict[str, Any]:
    """Policy data with comply.yaml `feature_lists:` added to `comply.feature_lists` (terms normalised
    like feature names, each list sorted and without duplicates, so the bundle digest is stable).

    `special_categories` and `direct_identifiers` map a category to more terms (a new category is
    allowed); `prohibited` lists terms, or `{feature, reason}` entries. `where(path)` names the line of
    a comply.yaml path for errors."""
    merged: dict[str, Any] = json.loads(json.dumps(data))
    lists = merged.setdefault("comply", {}).setdefault("feature_lists", {})
    for name in sorted(extension):
        if name not in LIST_NAMES:
            raise InputError(f"{where(f'feature_lists.{name}')}: unknown list {name} (lists: {', '.join(LIST_NAMES)})")
    for name in ("special_categories", "direct_identifiers"):
        categories: dict[str, list[str]] = lists.setdefault(name, {})
        for category, terms in (extension.get(name) or {}).items():
            added = [_term(term, where(f"feature_lists.{name}.{category}")) for term in terms]
            categories[str(category)] = sorted(set(categories.get(str(category), [])) | set(added))
    prohibited = {entry["term"]: entry for entry in lists.setdefault("prohibited", [])}
    for index, raw in enumerate(extension.get("prohibited") or ()):
        at = where(f"feature_lists.prohibited.{index}")
        entry = raw if isinstance(raw, Mapping) else {"feature": raw}
        term = _term(entry.get("feature"), at)
        reason = str(entry.get("reason") or "listed in comply.yaml feature_lists.prohibited")
        prohibited[term] = {"term": term, "reason": " ".join(reason.split())}
    lists["prohibited"] = [prohibited[term] for term in sorted(prohibited)]
    return merged


def _term(value: Any, where: str) -> str:
    key = feature_key(value) if isinstance(value, str) else ""
    if not key:
        raise InputError(f"{where}: expected a feature name (letters or digits), got {value!r}")
    return key
