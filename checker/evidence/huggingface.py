"""Hugging Face model cards: a `README.md` whose YAML front matter is the card's metadata.

The front matter is parsed with comply's own safe loader (no huggingface_hub dependency; the Hub's
validator needs the network) and keeps the README's line numbers. What the Hub's metadata says is
mapped onto comply's facts:

    license                      -> model_details.license (and gpai.licence for a GPAI model)
    base_model, base_model_relation -> model_details.base_model, model_details.base_model_relation
    datasets                     -> data_governance.datasets[].name
    model-index results          -> evaluation.metrics (first result per metric name)
    .eval_results/*.yaml         -> evaluation.metrics ("<dataset id>/<task id>", beside the README)
    library_name, pipeline_tag   -> model_details.framework, model_details.type
    co2_eq_emissions             -> model_details.co2_eq_emissions

comply's own facts (the AI Act sections a Hub card has no words for) live under a `comply:` key,
or only the `ai_act` section under `ai_act:`; where they state the same field as the mapping above,
they win. One exception makes the verdict stricter, never looser: a licence that is not free and
open source (`llama3.1`, `gemma`, `other`, OpenRAIL, non-commercial Creative Commons ...) sets
`open_weights`, `free_open_source` and `gpai.free_open_source_licence` to false whatever the comply section claims, because the
open-source exemptions of Art 2(12) and Art 53(2) require such a licence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.evidence.loader import LoadedDocument, decode_utf8, load_document, load_yaml_text, read_bytes
from checker.evidence.mapping import CardBuilder, number, section, slice_key

FREE_OPEN_SOURCE_LICENCES = frozenset(
    {
        "apache-2.0",
        "mit",
        "bsd",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-3-clause-clear",
        "0bsd",
        "isc",
        "gpl",
        "gpl-2.0",
        "gpl-3.0",
        "lgpl",
        "lgpl-2.1",
        "lgpl-3.0",
        "lgpl-lr",
        "agpl-3.0",
        "mpl-2.0",
        "epl-1.0",
        "epl-2.0",
        "ecl-2.0",
        "eupl-1.1",
        "eupl-1.2",
        "afl-3.0",
        "osl-3.0",
        "artistic-2.0",
        "bsl-1.0",
        "zlib",
        "ms-pl",
        "postgresql",
        "unlicense",
        "wtfpl",
        "cc0-1.0",
        "cc-by-2.0",
        "cc-by-2.5",
        "cc-by-3.0",
        "cc-by-4.0",
        "cc-by-sa-3.0",
        "cc-by-sa-4.0",
        "odc-by",
        "odbl",
        "pddl",
        "cdla-permissive-1.0",
        "cdla-permissive-2.0",
        "cdla-sharing-1.0",
    }
)
"""Hub licence identifiers that grant access, use, modification and distribution without restriction
on use (Recital 102). Anything else, including `other` and unknown identifiers, is treated as not free
and open source: the exemption must be shown, not assumed."""

OPENNESS_FLAGS = (
    ("ai_act", "open_weights"),
    ("ai_act", "free_open_source"),
    ("gpai", "open_weights"),
    ("gpai", "free_open_source_licence"),
)
"""Facts a licence that is not free and open source turns to false."""


def is_free_open_source(licence: str) -> bool:
    return licence.strip().lower() in FREE_OPEN_SOURCE_LICENCES


def load_front_matter(path: Path) -> LoadedDocument:
    """The YAML front matter of a Markdown card, with the README's own line numbers."""
    raw = read_bytes(path)
    text = decode_utf8(path, raw)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise InputError(
            f"{path}:1: no YAML front matter: a Hugging Face model card starts with a line `---`, "
            "then the metadata, then `---`"
        )
    end = next((index for index in range(1, len(lines)) if lines[index].strip() in {"---", "..."}), None)
    if end is None:
        raise InputError(f"{path}:1: the YAML front matter opened on line 1 is never closed with `---`")
    body = "\n" + "".join(lines[1:end])
    if not body.strip():
        raise InputError(f"{path}:1: the YAML front matter is empty")
    data, line_map = load_yaml_text(path, body)
    if not isinstance(data, dict):
        raise InputError(f"{path}:2: front matter: expected a mapping of metadata, got {type(data).__name__}")
    return LoadedDocument(path, data, hashlib.sha256(raw).hexdigest(), line_map)


def translate(source: LoadedDocument) -> LoadedDocument:
    """The comply card a Hugging Face front matter describes (see the module docstring)."""
    meta = source.data
    card = CardBuilder(source)
    licence = meta.get("license")
    if isinstance(licence, str):
        card.put(("model_details", "license"), licence, "license")
    base = meta.get("base_model")
    if isinstance(base, (str, list)):
        card.put(("model_details", "base_model"), base, "base_model")
    card.put(("model_details", "base_model_relation"), _text(meta.get("base_model_relation")), "base_model_relation")
    card.put(("model_details", "framework"), _text(meta.get("library_name")), "library_name")
    card.put(("model_details", "type"), _text(meta.get("pipeline_tag")), "pipeline_tag")
    if isinstance(meta.get("co2_eq_emissions"), (int, float, dict)):
        card.put(("model_details", "co2_eq_emissions"), meta["co2_eq_emissions"], "co2_eq_emissions")
    datasets = meta.get("datasets")
    if isinstance(datasets, str):
        datasets = [datasets]
    if isinstance(datasets, list):
        entries = [{"name": str(name)} for name in datasets if isinstance(name, (str, int))]
        if entries:
            card.put(("data_governance", "datasets"), entries, "datasets")
    _model_index(card, meta.get("model-index"), source)
    _eval_results(card, source.path.parent / ".eval_results")
    own = meta.get("comply")
    if own is not None:
        if not isinstance(own, Mapping):
            raise InputError(f"{_where(source, 'comply')}: comply: expected a mapping of comply card sections")
        card.merge((), own, "comply")
    ai_act = meta.get("ai_act")
    if ai_act is not None:
        if not isinstance(ai_act, Mapping):
            raise InputError(f"{_where(source, 'ai_act')}: ai_act: expected a mapping of AI Act facts")
        card.merge(("ai_act",), ai_act, "ai_act")
    if isinstance(licence, str):
        _apply_licence(card, licence)
    return card.document()


def _apply_licence(card: CardBuilder, licence: str) -> None:
    ai_act = card.get(("ai_act",))
    if isinstance(ai_act, dict) and ai_act.get("general_purpose") is True:
        card.put(("gpai", "licence"), licence, "license")
    if is_free_open_source(licence):
        if isinstance(ai_act, dict) and ai_act.get("general_purpose") is True:
            # The licence half of Art 53(2); public weights, architecture and usage information stay
            # the card's to declare.
            card.put(("gpai", "free_open_source_licence"), True, "license")
        return
    for part, flag in OPENNESS_FLAGS:
        if card.get((part, flag)) is True:
            card.put((part, flag), False, "license", replace=True)


def _model_index(card: CardBuilder, index: Any, source: LoadedDocument) -> None:
    """`model-index: [{name, results: [{task, dataset, metrics: [{type, value, name}]}]}]`."""
    if index is None:
        return
    if not isinstance(index, list):
        raise InputError(f"{_where(source, 'model-index')}: model-index: expected a list of models")
    for m, model in enumerate(index):
        results = model.get("results") if isinstance(model, Mapping) else None
        for r, result in enumerate(results if isinstance(results, list) else []):
            if not isinstance(result, Mapping):
                continue
            dataset = section(result, "dataset")
            metrics = result.get("metrics")
            for k, metric in enumerate(metrics if isinstance(metrics, list) else []):
                if not isinstance(metric, Mapping) or metric.get("value") is None:
                    continue
                origin = f"model-index.{m}.results.{r}.metrics.{k}"
                name = slice_key(str(metric.get("type") or metric.get("name") or f"metric_{k}"))
                value = number(metric["value"], where=f"{_where(source, origin + '.value')}: {origin}.value")
                card.put(("evaluation", "metrics", name), value, f"{origin}.value")
                test_set = dataset.get("name") or dataset.get("type")
                if isinstance(test_set, str):
                    card.put(("evaluation", "test_set"), test_set, f"model-index.{m}.results.{r}.dataset")


def _eval_results(card: CardBuilder, folder: Path) -> None:
    """Hub eval results: `.eval_results/<benchmark>.yaml`, each a list of {dataset: {id, task_id}, value}."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        loaded = load_document(path)
        entries = loaded.data if isinstance(loaded.data, list) else [loaded.data]
        for index, entry in enumerate(entries):
            dataset = entry.get("dataset") if isinstance(entry, Mapping) else None
            if not isinstance(dataset, Mapping) or not isinstance(dataset.get("id"), str) or "value" not in entry:
                raise InputError(
                    f"{path}:{loaded.line_of(str(index)) or 1}: expected {{dataset: {{id, task_id}}, value}}"
                )
            task = dataset.get("task_id")
            name = slice_key(f"{dataset['id']}/{task}" if task else dataset["id"])
            value = number(entry["value"], where=f"{path}:{loaded.line_of(f'{index}.value') or 1}: value")
            card.put(("evaluation", "metrics", name), value, None)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _where(source: LoadedDocument, dotted: str) -> str:
    line = source.line_of(dotted)
    return f"{source.path}:{line}" if line else str(source.path)
