"""`comply.yaml`: a repository's settings for comply (evidence paths, thresholds, policies, waivers).

Found in the working directory when `--config` is not given. Paths inside it are relative to the file,
so the same config works from any directory. Command-line options win over the file.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.evidence.card import DEFAULT_CARD_PATTERNS
from checker.evidence.loader import LoadedDocument, load_document

CONFIG_NAMES = ("comply.yaml", "comply.yml")


@dataclass(frozen=True)
class Config:
    """Settings read from comply.yaml (or defaults when there is none)."""

    path: Path | None = None
    thresholds: Mapping[str, Any] = field(default_factory=dict)
    policy_dirs: tuple[Path, ...] = ()
    card_patterns: tuple[str, ...] = DEFAULT_CARD_PATTERNS
    evidence: Mapping[str, Path] = field(default_factory=dict)
    fairness: Mapping[str, Any] = field(default_factory=dict)
    logging: Mapping[str, Any] | None = None
    reference_date: str | None = None
    timeline: str | None = None
    fail_on_warn: bool = False
    waivers: Sequence[Mapping[str, Any]] = ()
    deviations: Sequence[Mapping[str, Any]] = ()
    opa: Mapping[str, Any] = field(default_factory=dict)
    mlflow: Mapping[str, Any] = field(default_factory=dict)
    document: LoadedDocument | None = None


def find_config(explicit: Path | None) -> Path | None:
    """The config to use: the one named, else comply.yaml in the working directory, else none."""
    if explicit is not None:
        return explicit
    for name in CONFIG_NAMES:
        candidate = Path(name)
        if candidate.exists():  # not is_file(): a FIFO or folder named comply.yaml is refused, not skipped
            return candidate
    return None


def load_config(explicit: Path | None = None) -> Config:
    """Read and shape-check comply.yaml; relative paths resolve against the file's directory."""
    from checker.schemas import validate

    path = find_config(explicit)
    if path is None:
        return Config()
    document = load_document(path)
    data = document.data if document.data is not None else {}
    validate(data, "config", source=document)
    base = path.parent

    def resolve(value: str) -> Path:
        candidate = Path(value)
        return candidate if candidate.is_absolute() else base / candidate

    evidence = {kind: resolve(value) for kind, value in (data.get("evidence") or {}).items()}
    return Config(
        path=path,
        thresholds=dict(data.get("thresholds") or {}),
        policy_dirs=tuple(resolve(value) for value in data.get("policy_dirs") or ()),
        card_patterns=tuple(data.get("card_patterns") or DEFAULT_CARD_PATTERNS),
        evidence=evidence,
        fairness=dict(data.get("fairness") or {}),
        logging=data.get("logging"),
        reference_date=configured_reference_date(data, document),
        timeline=data.get("timeline"),
        fail_on_warn=bool(data.get("fail_on_warn", False)),
        waivers=tuple(data.get("waivers") or ()),
        deviations=tuple(data.get("deviations") or ()),
        opa=dict(data.get("opa") or {}),
        mlflow=dict(data.get("mlflow") or {}),
        document=document,
    )


def configured_reference_date(data: Mapping[str, Any], document: LoadedDocument) -> str | None:
    """comply.yaml's `reference_date`, refused when it lies before today.

    A repository that could set the clock back could defer the prohibitions and revive expired waivers;
    judging as of a past date (a replay) is only for the command line, and the report says so.
    """
    value = data.get("reference_date")
    if value is None:
        return None
    text = str(value)
    today = _dt.date.today().isoformat()
    if text < today:
        from checker.errors import InputError
        from checker.evidence.provenance import display_path

        line = document.line_of("reference_date") or 1
        raise InputError(
            f"{display_path(document.path)}:{line}: reference_date: {text} is before today ({today}); only "
            "--reference-date on the command line may replay a past date"
        )
    return text
