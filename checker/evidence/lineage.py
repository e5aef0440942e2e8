"""Dataset lineage: the version or digest of every dataset the card lists, computed where comply can.

Why computed: a digest copied into a card proves nothing about the data on disk. For each entry of
`data_governance.datasets` comply reads what pins it, in this order:

    dvc            a DVC `.dvc` file (its `outs[0].md5`); when the data file it names is present beside it,
                   comply hashes that file (MD5, as DVC does) and records whether it still matches
    path           a local data file: comply computes its SHA-256 (and compares `sha256:` when both are given)
    sha256         a declared SHA-256 of data comply cannot see
    mlflow_digest  the digest MLflow logged for the dataset input

The result is `input.evidence.lineage` (schema `lineage`); the rule `org.lineage.dataset_versions` judges it.
Paths are relative to the card's folder. A `.dvc` file that does not parse or pins nothing is an input error
naming its line; a missing data file is not (DVC keeps data out of git): the digest stands as declared.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.evidence.loader import LoadedDocument, file_size, load_document
from checker.evidence.provenance import display_path

HEX = re.compile(r"^[0-9a-f]+$")
MD5_LEN = 32
SHA256_LEN = 64
CHUNK = 1 << 20

__all__ = ["lineage_evidence"]


def lineage_evidence(card: Mapping[str, Any], card_dir: Path, card_doc: LoadedDocument) -> dict[str, Any] | None:
    """`input.evidence.lineage` for the card's datasets, or None when it lists none."""
    governance = card.get("data_governance")
    datasets = governance.get("datasets") if isinstance(governance, Mapping) else None
    if not isinstance(datasets, list) or not datasets:
        return None
    entries = [
        _dataset(index, entry, card_dir, card_doc) for index, entry in enumerate(datasets) if isinstance(entry, Mapping)
    ]
    return {"datasets": entries}


def _dataset(index: int, entry: Mapping[str, Any], card_dir: Path, card_doc: LoadedDocument) -> dict[str, Any]:
    facts: dict[str, Any] = {"index": index, "name": str(entry.get("name", ""))}
    declared_sha = _declared_hex(entry, "sha256", SHA256_LEN, index, card_doc)
    if isinstance(entry.get("dvc"), str):
        facts.update(_from_dvc(card_dir / str(entry["dvc"])))
    elif isinstance(entry.get("path"), str):
        data_file = card_dir / str(entry["path"])
        facts.update(kind="file", algorithm="sha256", data_file=display_path(data_file))
        if data_file.exists():
            computed = _digest(data_file, "sha256")
            facts.update(digest=computed, data_present=True)
            if declared_sha is not None:
                facts.update(declared=declared_sha, matches=computed == declared_sha)
        else:
            facts["data_present"] = False
            if declared_sha is not None:
                facts.update(digest=declared_sha, declared=declared_sha)
    elif declared_sha is not None:
        facts.update(kind="sha256", algorithm="sha256", digest=declared_sha, declared=declared_sha)
    elif isinstance(entry.get("mlflow_digest"), str) and entry["mlflow_digest"].strip():
        facts.update(kind="mlflow", algorithm="mlflow", digest=entry["mlflow_digest"].strip())
    else:
        facts["kind"] = "none"
    return facts


def _declared_hex(entry: Mapping[str, Any], key: str, length: int, index: int, card_doc: LoadedDocument) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    text = str(value).strip().lower()
    if len(text) != length or not HEX.match(text):
        field = f"data_governance.datasets.{index}.{key}"
        line = card_doc.line_of(field)
        where = f"{display_path(card_doc.path)}:{line}" if line else display_path(card_doc.path)
        raise InputError(f"{where}: {field}: expected {length} hex characters, got {str(value)[:80]!r}")
    return text


def _from_dvc(dvc_file: Path) -> dict[str, Any]:
    """What a `.dvc` file pins: its first output's MD5, and whether the data file beside it still has it."""
    loaded = load_document(dvc_file)
    shown = display_path(dvc_file)
    outs = loaded.data.get("outs") if isinstance(loaded.data, Mapping) else None
    if not isinstance(outs, list) or not outs or not isinstance(outs[0], Mapping):
        line = loaded.line_of("outs")
        where = f"{shown}:{line}" if line else shown
        raise InputError(f"{where}: outs: a .dvc file lists its outputs as `outs: [{{md5, path}}]`")
    out = outs[0]
    md5 = str(out.get("md5", "")).strip().lower()
    bare = md5.removesuffix(".dir")  # a tracked directory: DVC's MD5 of its listing
    if len(bare) != MD5_LEN or not HEX.match(bare):
        line = loaded.line_of("outs.0.md5") or loaded.line_of("outs.0")
        where = f"{shown}:{line}" if line else shown
        raise InputError(f"{where}: outs.0.md5: expected the 32-hex-character MD5 DVC records, got {md5[:80]!r}")
    facts: dict[str, Any] = {"kind": "dvc", "algorithm": "md5", "digest": md5, "declared": md5, "file": shown}
    target = out.get("path")
    if isinstance(target, str) and target:
        data_file = dvc_file.parent / target
        facts["data_file"] = display_path(data_file)
        if md5.endswith(".dir") or not data_file.is_file():
            facts["data_present"] = data_file.exists()
        else:
            computed = _digest(data_file, "md5")
            facts.update(data_present=True, computed=computed, matches=computed == md5)
    return facts


def _digest(path: Path, algorithm: str) -> str:
    file_size(path, expected="a dataset file")
    hasher = hashlib.new(algorithm)
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                hasher.update(chunk)
    except OSError as err:
        raise InputError(f"{display_path(path)}: cannot read ({err.strerror or err})") from err
    return hasher.hexdigest()
