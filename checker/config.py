"""`comply.yaml`: a repository's settings for comply (evidence paths, thresholds, policies, waivers).

Each card has its own config: the nearest comply.yaml at or above the card's directory, up to the
repository root (the directory with `.git`; outside a repository, up to the working directory), unless
`--config` names one for every card. Paths inside it are relative to the file, so the same config works
from any directory. Command-line options win over the file.

Some settings belong to the whole run rather than to one card: the policy bundle (policy_dirs,
thresholds, deviations), the engine (opa), the clock (reference_date, timeline), the exit rule
(fail_on_warn) and mlflow. The configs of one run's cards must agree on them (`run_config`).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.evidence.card import DEFAULT_CARD_PATTERNS
from checker.evidence.loader import LoadedDocument, is_mlflow_uri, load_document

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
    audit_log: Mapping[str, Any] = field(default_factory=dict)
    logging: Mapping[str, Any] | None = None
    reference_date: str | None = None
    timeline: str | None = None
    fail_on_warn: bool = False
    waivers: Sequence[Mapping[str, Any]] = ()
    deviations: Sequence[Mapping[str, Any]] = ()
    opa: Mapping[str, Any] = field(default_factory=dict)
    eval_timeout: float | None = None
    mlflow: Mapping[str, Any] = field(default_factory=dict)
    feature_lists: Mapping[str, Any] = field(default_factory=dict)
    regression: Mapping[str, Any] = field(default_factory=dict)
    document: LoadedDocument | None = None

    def where(self, dotted: str) -> str:
        """`comply.yaml:12: feature_lists.prohibited.0`: a setting's file, line and path, for errors."""
        from checker.evidence.provenance import display_path

        if self.path is None:
            return dotted
        line = self.document.line_of(dotted) if self.document is not None else None
        return f"{display_path(self.path)}:{line or 1}: {dotted}"


def find_config(explicit: Path | None, near: Path | None = None) -> Path | None:
    """The config to use: the one named, else the nearest comply.yaml at or above the directory `near`
    (default: the working directory) within its repository, else none."""
    if explicit is not None:
        return explicit
    for folder in search_dirs(Path(".") if near is None else near):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.exists():  # not is_file(): a FIFO or folder named comply.yaml is refused, not skipped
                return _shown(candidate)
    return None


def search_dirs(directory: Path) -> list[Path]:
    """Where a config for `directory` may be: the directory and its parents up to the repository root
    (the nearest one holding `.git`); outside a repository, up to the working directory when `directory` is
    below it, else the directory alone (a stray comply.yaml in /tmp or $HOME never applies)."""
    start = directory.resolve()
    chain = [start, *start.parents]
    for index, folder in enumerate(chain):
        if (folder / ".git").exists():
            return chain[: index + 1]
    cwd = Path.cwd().resolve()
    return chain[: chain.index(cwd) + 1] if cwd in chain else [start]


def _shown(path: Path) -> Path:
    """`path` relative to the working directory when below it (as reports name files), else absolute."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def load_config(explicit: Path | None = None, near: Path | None = None) -> Config:
    """Read and shape-check comply.yaml (the one named, else the one for the directory `near`); relative
    paths resolve against the file's directory."""
    path = find_config(explicit, near)
    return Config() if path is None else read_config(path)


def read_config(path: Path) -> Config:
    """Read and shape-check the config at `path`."""
    from checker.schemas import validate

    document = load_document(path)
    data = document.data if document.data is not None else {}
    validate(data, "config", source=document)
    base = path.parent

    def resolve(value: str) -> Path:
        candidate = Path(value)
        return candidate if candidate.is_absolute() else base / candidate

    def resolve_evidence(value: str) -> Path:
        """A path relative to comply.yaml, or an MLflow URI as written (a `models:/` baseline)."""
        return Path(value) if is_mlflow_uri(value) else resolve(value)

    evidence = {kind: resolve_evidence(value) for kind, value in (data.get("evidence") or {}).items()}
    return Config(
        path=path,
        thresholds=dict(data.get("thresholds") or {}),
        policy_dirs=tuple(resolve(value) for value in data.get("policy_dirs") or ()),
        card_patterns=tuple(data.get("card_patterns") or DEFAULT_CARD_PATTERNS),
        evidence=evidence,
        fairness=dict(data.get("fairness") or {}),
        audit_log=dict(data.get("audit_log") or {}),
        logging=data.get("logging"),
        reference_date=configured_reference_date(data, document),
        timeline=data.get("timeline"),
        fail_on_warn=bool(data.get("fail_on_warn", False)),
        waivers=tuple(data.get("waivers") or ()),
        deviations=tuple(data.get("deviations") or ()),
        opa=dict(data.get("opa") or {}),
        eval_timeout=data.get("eval_timeout"),
        mlflow=dict(data.get("mlflow") or {}),
        feature_lists=dict(data.get("feature_lists") or {}),
        regression=dict(data.get("regression") or {}),
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


class Configs:
    """The config of every card of one run, each file read once: `--config` for all cards when given,
    else each card's nearest comply.yaml (`find_config`)."""

    def __init__(self, explicit: Path | None = None) -> None:
        self._explicit = read_config(explicit) if explicit is not None else None
        self._by_directory: dict[Path, Config] = {}
        self._by_file: dict[Path, Config] = {}

    def for_directory(self, directory: Path) -> Config:
        if self._explicit is not None:
            return self._explicit
        key = directory.resolve()
        if key not in self._by_directory:
            path = find_config(None, directory)
            if path is None:
                self._by_directory[key] = Config()
            else:
                real = path.resolve()
                if real not in self._by_file:
                    self._by_file[real] = read_config(path)
                self._by_directory[key] = self._by_file[real]
        return self._by_directory[key]

    def for_card(self, card: Path) -> Config:
        """The card's config; a card on stdin (`-`) has the working directory's."""
        from checker.evidence.loader import STDIN

        return self.for_directory(Path(".") if str(card) == STDIN else card.parent)

    def patterns_for(self, directory: Path) -> tuple[str, ...]:
        """Which file names are model cards in `directory`: its config's `card_patterns`."""
        return self.for_directory(directory).card_patterns


def inputs_named_by_configs(paths: Sequence[Path], explicit: Path | None) -> list[Path]:
    """Every evidence file the configs of these cards name, found as a run would find them.

    For protecting inputs after an exit 2: a run can stop (a card that does not parse) before it reads a
    config's evidence, and an old report at an output path may be exactly that evidence (a baseline is a
    previous comply JSON report). Best effort by design: a config that cannot be read names nothing here.
    """
    from checker.errors import ComplyError

    found: set[Path] = set() if explicit is None else {explicit}
    for path in paths:
        directory = path if path.is_dir() else path.parent
        nearest = find_config(None, directory)
        if nearest is not None:
            found.add(nearest)
        if path.is_dir():
            for folder, _, files in os.walk(path):
                found.update(Path(folder) / name for name in CONFIG_NAMES if name in files)
    named: list[Path] = []
    for config_path in sorted(found):
        try:
            config = read_config(config_path)
        except (ComplyError, OSError, ValueError):
            continue
        named += [value for value in config.evidence.values() if not is_mlflow_uri(value)]
    return named


RUN_SETTINGS = (
    "policy_dirs",
    "thresholds",
    "deviations",
    "opa",
    "reference_date",
    "timeline",
    "fail_on_warn",
    "mlflow",
    "feature_lists",
)
"""Config settings that hold for a whole run (one bundle, one engine, one clock, one exit rule)."""


def _run_setting(config: Config, name: str) -> Any:
    value = getattr(config, name)
    if name == "policy_dirs":
        return tuple(path.resolve() for path in value)
    if name in ("opa", "mlflow") and value and config.path is not None:
        return value, config.path.resolve().parent  # paths inside resolve against the file
    return value


def run_config(cards: Sequence[tuple[str, Config]]) -> Config:
    """The config whose run-wide settings the run uses: the first card's, once every other card's config
    is shown to agree with it (a usage error names the first setting on which two differ)."""
    if not cards:
        return Config()
    first_card, first = cards[0]
    for card, config in cards[1:]:
        if config is first:
            continue
        for name in RUN_SETTINGS:
            if _run_setting(config, name) != _run_setting(first, name):
                from checker.errors import UsageError

                raise UsageError(
                    f"{_config_label(card, config)} and {_config_label(first_card, first)} set {name} differently; "
                    "one run judges all its cards with one policy bundle, engine and clock: check these cards "
                    "in separate runs, or give --config"
                )
    return first


def _config_label(card: str, config: Config) -> str:
    from checker.evidence.provenance import display_path

    if config.path is None:
        return f"{card} (no comply.yaml)"
    return f"{display_path(config.path)} (for {card})"
