"""The errors a user can cause, each reported as one line and exit status 2.

Everything that should stop comply without a verdict derives from `ComplyError`: the CLI prints
`comply: error: <message>` and exits 2. Nothing that fails this way may ever be read as a pass.
"""

from __future__ import annotations


class ComplyError(Exception):
    """A failure that ends the run with exit 2 and a one-line message."""

    exit_code = 2


class InputError(ComplyError):
    """Evidence that cannot be read or has the wrong shape (`file:line: field: what is wrong`)."""


class UsageError(ComplyError):
    """Options or arguments that do not make sense together."""


class EngineError(ComplyError):
    """The policy engine failed or returned something other than a decision."""


def one_line(text: str) -> str:
    """Collapse a multi-line message (engine output, OS errors) into one readable line."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())
