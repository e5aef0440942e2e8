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
    """Write a report or evidence file, creating its folder; failure is a one-line usage error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{path}: cannot write: {err.strerror}") from None
