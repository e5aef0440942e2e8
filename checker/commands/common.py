"""Option parsing and file writing shared by several commands."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Optional

import typer

from checker.errors import UsageError


def check_date(value: Optional[str]) -> Optional[str]:
    """Typer callback for `--reference-date`: an ISO date, normalised, or a usage error."""
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"expected a date like 2026-08-02, got {value!r}") from None


def write_output(path: Path, text: str) -> None:
    """Write a report or evidence file, complete or not at all, never over one of the run's inputs;
    failure is a one-line usage error."""
    from checker.evidence.loader import INPUT_FILES
    from checker.report.output import Destination, refuse_inputs, write_file_atomically

    refuse_inputs([Destination("output", path)], INPUT_FILES)
    write_file_atomically(path, text)


def continued_head(value: str | None) -> str | None:
    """--continues: a 64-hex head hash, or a log file whose last entry's hash is taken."""
    if value is None:
        return None
    from checker.audit import HASH_FIELD, last_entry
    from checker.evidence.audit_log import HEX_DIGITS

    if len(value) == 64 and set(value) <= HEX_DIGITS:
        return value
    if not Path(value).is_file():
        raise UsageError(f"--continues: {value!r} is neither a 64-hex head hash nor a log file")
    entry = last_entry(value) or {}
    head = entry.get(HASH_FIELD)
    if not isinstance(head, str):
        raise UsageError(f"--continues: {value}: has no last entry with a content_hash")
    return head
