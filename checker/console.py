"""The one place that decides how comply writes to the terminal: colour, streams, error lines.

Colour only on a terminal, never when NO_COLOR is set (https://no-color.org), always when FORCE_COLOR
is set; errors go to stderr as a single `comply: error: ...` line.
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

from checker.errors import ComplyError


def use_colour(stream: IO[str] | None = None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def write(text: str, stream: IO[str] | None = None) -> None:
    """Write rendered output as is (it ends with its own newline)."""
    (stream or sys.stdout).write(text)


def fail(error: ComplyError | str) -> int:
    """Print one error line to stderr and return the exit code for it (2)."""
    message = str(error)
    lines = [line for line in message.splitlines() if line.strip()] or ["unknown error"]
    for line in lines:
        sys.stderr.write(f"comply: error: {line}\n")
    return error.exit_code if isinstance(error, ComplyError) else 2


def terminal_width(stream: IO[str] | None = None) -> int:
    """The terminal's width (COLUMNS wins, as for most tools), 100 when it is not a terminal."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size((stream or sys.stdout).fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 100


def text_console(file: IO[str], *, colour: bool | None = None, width: int = 100) -> Console:
    """A rich console that writes to `file`, coloured only as `use_colour` decides, never wrapping
    soft text, so piped output is the same on every machine; markup and emoji codes are never
    interpreted, so `[bold]` or `:warning:` in a card prints as written."""
    from rich.console import Console

    colour = use_colour() if colour is None else colour
    return Console(
        file=file,
        force_terminal=colour,
        no_color=not colour,
        color_system="standard" if colour else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
        width=width,
    )
