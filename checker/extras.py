"""Optional dependencies: import one only on the path that needs it, or stop with the line that installs it.

The core install (`pip install comply-gate`) carries what a card check needs. Heavy libraries live in extras
(`fairness`, `duckdb`, `spark`, `mlflow`, `all`); a command that needs one which is missing exits 2 with the one
`pip install` line that fixes it, instead of a traceback or, worse, a silently skipped check.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from checker import DISTRIBUTION
from checker.errors import UsageError


def install_line(extra: str) -> str:
    """The command that installs an extra, quoted for any POSIX shell."""
    return f"pip install '{DISTRIBUTION}[{extra}]'"


def missing_extra(module: str, extra: str, purpose: str) -> UsageError:
    """The one-line error for a missing optional module: what needs it and how to install it."""
    return UsageError(f"{purpose} needs {module}, which is not installed: {install_line(extra)}")


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import `module`, or raise a one-line UsageError naming what needs it and how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise missing_extra(err.name or module, extra, purpose) from None


FAIRNESS_MODULES = ("numpy", "pyarrow")
"""What computing fairness from predictions imports (the `fairness` extra; fairlearn is only the tests' oracle)."""


def require_fairness(purpose: str) -> None:
    """Stop with the install line before a fairness computation whose libraries are not installed.

    They are looked up, not imported: a small CSV is counted without them (`checker.fairness.small_csv`),
    and the paths that need them import them where they do."""
    import importlib.util

    for module in FAIRNESS_MODULES:
        if importlib.util.find_spec(module) is None:
            raise missing_extra(module, "fairness", purpose)
