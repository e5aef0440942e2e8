"""Where the shipped policy bundle and schemas live.

In a wheel they are packaged inside `checker/_bundle/`; in a source checkout (or an editable
install) they are the top-level `policies/` and `schemas/` directories beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    for candidate in (_PACKAGE / "_bundle" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"comply installation is incomplete: no {name}/ directory beside {_PACKAGE}")


def policies_dir() -> Path:
    """The built-in Rego policy bundle."""
    return _locate("policies")


def schemas_dir() -> Path:
    """The JSON Schemas for evidence files, the input document and the report."""
    return _locate("schemas")
