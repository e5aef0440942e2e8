"""What the verified audit log shows about operation: predictions and human overrides per calendar month, and
the deployments with their approvers (`input.evidence.audit_events`, schema `audit_events`).

Why a pass of its own: `checker.evidence.audit_log` proves the log intact with counters that do not grow with
the file; the override rate needs counts per period and the deployment rule needs each deployment's approver,
which live in the entries' `data`. This pass runs only after verification, over the same files in chain order,
and reads the writer's fixed top-level keys (`checker.audit`). Lines verification already reported as
unparseable are skipped here: the integrity rule fails on them.

Entries count for the card's model (`model_details.name`) only, when it names one: a shared log of several
services gives each card its own rate. A period with override events but no prediction event has no
denominator: that is an input error naming the first such override's line, never a rate of infinity or zero.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.evidence.provenance import display_path

MAX_DEPLOYMENTS = 200  # the most recent are kept: the rule asks about the current version's
APPROVER_KEYS = ("approved_by", "approver")

__all__ = ["audit_events"]


def audit_events(path: Path, summary: Mapping[str, Any], model: str | None) -> dict[str, Any]:
    """Per-month prediction and override counts and the deployments in the log at `path` (file or directory)."""
    periods: dict[str, dict[str, Any]] = {}
    deployments: list[dict[str, Any]] = []
    for file, shown in _files(path, summary):
        for lineno, entry in _entries(file):
            if model is not None and entry.get("model") != model:
                continue
            event = entry.get("event")
            timestamp = entry.get("timestamp")
            if not isinstance(timestamp, str) or len(timestamp) < 7:
                continue
            if event in ("prediction", "override"):
                counts = periods.setdefault(timestamp[:7], {"predictions": 0, "overrides": 0})
                counts["predictions" if event == "prediction" else "overrides"] += 1
                if event == "override" and "first_override" not in counts:
                    counts["first_override"] = f"{shown}:{lineno}"
            elif event == "deployment":
                deployments.append(_deployment(entry, shown, lineno))
    return {
        "file": display_path(path),
        "model": model,
        "periods": [_period(name, counts) for name, counts in sorted(periods.items())],
        "deployments": deployments[-MAX_DEPLOYMENTS:],
    }


def _period(name: str, counts: Mapping[str, Any]) -> dict[str, Any]:
    predictions, overrides = int(counts["predictions"]), int(counts["overrides"])
    if predictions == 0:
        raise InputError(
            f"{counts['first_override']}: {overrides} override event(s) in {name} but no prediction event: "
            "the override rate has no denominator (log every prediction, or check the model name)"
        )
    return {"period": name, "predictions": predictions, "overrides": overrides, "rate": overrides / predictions}


def _deployment(entry: Mapping[str, Any], shown: str, lineno: int) -> dict[str, Any]:
    data = entry.get("data")
    data = data if isinstance(data, Mapping) else {}
    approver = next((data[key] for key in APPROVER_KEYS if isinstance(data.get(key), str)), None)
    found: dict[str, Any] = {
        "version": str(entry.get("model_version", "")),
        "timestamp": str(entry.get("timestamp", "")),
        "file": shown,
        "line": lineno,
    }
    if approver is not None:
        found["approved_by"] = approver
    for key in ("to_stage", "ticket"):
        if isinstance(data.get(key), str):
            found[key] = data[key]
    return found


def _files(path: Path, summary: Mapping[str, Any]) -> Iterator[tuple[Path, str]]:
    """The log's files in chain order: the one file, or a directory set's files as verification listed them."""
    if not path.is_dir():
        yield path, str(summary.get("file") or display_path(path))
        return
    shown = str(summary.get("file") or display_path(path))
    for facts in summary.get("files", []):
        name = str(facts["file"])
        yield path / name, f"{shown.rstrip('/')}/{name}"


def _entries(file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = file.open("rb")
    except OSError as err:
        raise InputError(f"{display_path(file)}: cannot read ({err.strerror or err})") from err
    with handle:
        for lineno, line in enumerate(handle, start=1):
            if b'"event":"' not in line:
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # reported by verification (org.audit_log.integrity)
            if isinstance(entry, dict):
                yield lineno, entry
