"""The numbers rules compare against: the Regulation's own, and the organisation's.

`data.comply.law` holds the numbers the Regulation fixes (Art 18's ten years, Art 19's six months,
Art 73's 15/10/2 days, Art 51(2)'s 10^25 FLOPs, Art 52(1)'s two weeks). Nothing a repository controls
may change them: comply.yaml `thresholds:`, a `--data` file, a `deviations:` entry or a policy
directory's data naming one is an error, because a gate whose legal limits are configurable can be
configured into passing.

`data.comply.thresholds` holds comply's defaults for the organisation's own parameters (fairness limits,
audit-log coverage, risk-review age, waiver lifetime). `data.comply.threshold_rules` says, per key, which
direction is stricter and which values make sense at all. A repository may tighten a threshold freely;
loosening one is an accepted deviation that must name an owner and a reason in comply.yaml
`deviations:`, and every report shows it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.config import Config
from checker.errors import InputError
from checker.report.model import Deviation

LAW = "law"
THRESHOLDS = "thresholds"
RULES = "threshold_rules"


@dataclass(frozen=True)
class Setting:
    """One threshold value a repository asks for, with where it was written (for error messages)."""

    key: str
    value: Any
    where: str
    """`comply.yaml:12: thresholds.min_group_size`: the file, line and path of the value."""


@dataclass(frozen=True)
class DeviationRequest:
    """One comply.yaml `deviations:` entry: a threshold loosened on purpose, with who and why."""

    threshold: str
    value: Any
    owner: str
    reason: str
    where: str


def requested(config: Config, data_files: Sequence[Path] = ()) -> tuple[list[Setting], list[DeviationRequest]]:
    """What a run asks for: comply.yaml `thresholds:` and `deviations:`, then each `--data` file's `thresholds:`."""
    from checker.evidence.loader import load_document
    from checker.evidence.provenance import display_path

    settings: list[Setting] = []
    deviations: list[DeviationRequest] = []
    if config.path is not None:
        label = display_path(config.path)
        lines = config.document.line_of if config.document is not None else _no_line
        settings += settings_from(config.thresholds, label, lines)
        deviations += deviations_from(config.deviations, label, lines)
    for path in data_files:
        document = load_document(path)
        data = document.data
        if not isinstance(data, dict) or not isinstance(data.get("thresholds"), dict):
            raise InputError(f"{path}:1: (top level): expected a mapping with a `thresholds:` section")
        extra = sorted(str(key) for key in data if key != "thresholds")
        if extra:
            raise InputError(
                f"{path}:{document.line_of(extra[0]) or 1}: {extra[0]}: a --data file holds only `thresholds:` "
                "(deviations belong in comply.yaml, with an owner and a reason)"
            )
        settings += settings_from(data["thresholds"], display_path(path), document.line_of)
    return settings, deviations


def _no_line(_path: str) -> int | None:
    return None


def settings_from(mapping: Mapping[str, Any], label: str, line_of: Callable[[str], int | None]) -> list[Setting]:
    """The `thresholds:` mapping of a config or `--data` file as settings that know their line."""
    return [
        Setting(str(key), value, f"{label}:{line_of(f'thresholds.{key}') or 1}: thresholds.{key}")
        for key, value in mapping.items()
    ]


def deviations_from(
    entries: Sequence[Mapping[str, Any]], label: str, line_of: Callable[[str], int | None]
) -> list[DeviationRequest]:
    """comply.yaml `deviations:` (shape checked by the config schema: every field present)."""

    def text(raw: Mapping[str, Any], key: str) -> str:
        value = raw.get(key)
        return value.strip() if isinstance(value, str) else ""

    requests = []
    for index, raw in enumerate(entries):
        where = f"{label}:{line_of(f'deviations.{index}') or 1}: deviations.{index}"
        missing = [key for key in ("threshold", "owner", "reason") if not text(raw, key)]
        if missing or "value" not in raw:
            missing += [] if "value" in raw else ["value"]
            raise InputError(
                f"{where}: a deviation needs threshold, value, owner and reason (missing {', '.join(missing)})"
            )
        requests.append(
            DeviationRequest(text(raw, "threshold"), raw["value"], text(raw, "owner"), text(raw, "reason"), where)
        )
    return requests


def apply_thresholds(
    data: Mapping[str, Any], settings: Sequence[Setting], deviations: Sequence[DeviationRequest] = ()
) -> tuple[dict[str, Any], tuple[Deviation, ...]]:
    """Policy data with the organisation's thresholds applied, and the deviations accepted on the way.

    Later settings win over earlier ones (comply.yaml, then each `--data` file). Every value is checked
    against its rule: a legal constant is refused, an unknown key or a value out of range is refused,
    a looser value is refused unless it is a declared deviation.
    """
    merged: dict[str, Any] = json.loads(json.dumps(data))
    comply = merged.setdefault("comply", {})
    law: Mapping[str, Any] = comply.get(LAW, {})
    defaults: dict[str, Any] = comply.setdefault(THRESHOLDS, {})
    rules: Mapping[str, Mapping[str, Any]] = comply.get(RULES, {})
    chosen: dict[str, Any] = {}
    for setting in settings:
        _check(setting.key, setting.value, setting.where, law, defaults, rules)
        if _looser(rules[setting.key], defaults[setting.key], setting.value):
            raise InputError(
                f"{setting.where}: {setting.value!r} is looser than comply's default {defaults[setting.key]!r} "
                f"({_direction(rules[setting.key])} is stricter); declare it under `deviations:` with an owner "
                "and a reason to accept it"
            )
        chosen[setting.key] = setting.value
    accepted: dict[str, Deviation] = {}
    for request in deviations:
        key = request.threshold
        _check(key, request.value, f"{request.where}: threshold {key}", law, defaults, rules)
        if key in accepted:
            raise InputError(f"{request.where}: threshold {key} already has a deviation")
        if key in chosen:
            raise InputError(f"{request.where}: threshold {key} is also set under `thresholds:`; keep one of the two")
        if not _looser(rules[key], defaults[key], request.value):
            raise InputError(
                f"{request.where}: {request.value!r} for {key} is not looser than comply's default "
                f"{defaults[key]!r}; set it under `thresholds:` instead"
            )
        accepted[key] = Deviation(key, request.value, defaults[key], request.owner, request.reason)
        chosen[key] = request.value
    defaults.update(chosen)
    return merged, tuple(accepted[key] for key in sorted(accepted))


def legal_constant_error(where: str, key: str, law: Mapping[str, Any], rules: Mapping[str, Mapping[str, Any]]) -> str:
    """`<where>: fixed by law (Art. 73(2): 15 days; value 15), it cannot be changed` (`where` names the key)."""
    source = rules.get(key, {}).get("fixed_by", "the AI Act")
    return f"{where}: fixed by law ({source}; value {law[key]!r}), it cannot be changed"


def _check(
    key: str,
    value: Any,
    where: str,
    law: Mapping[str, Any],
    defaults: Mapping[str, Any],
    rules: Mapping[str, Mapping[str, Any]],
) -> None:
    if key in law:
        raise InputError(legal_constant_error(where, key, law, rules))
    if key not in defaults or key not in rules:
        known = ", ".join(sorted(key for key in defaults if key in rules))
        raise InputError(f"{where}: unknown threshold {key} (organisation thresholds: {known})")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{where}: expected a number, got {value!r}")
    rule = rules[key]
    low, high = rule.get("minimum"), rule.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        raise InputError(f"{where}: {value!r} is out of range for {key} ({low} to {high})")
    if rule.get("integer") and value != int(value):
        raise InputError(f"{where}: {key} is a whole number, got {value!r}")


def _looser(rule: Mapping[str, Any], default: Any, value: Any) -> bool:
    return bool(value > default) if rule.get("stricter") == "lower" else bool(value < default)


def _direction(rule: Mapping[str, Any]) -> str:
    return "lower" if rule.get("stricter") == "lower" else "higher"
