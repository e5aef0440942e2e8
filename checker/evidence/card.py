"""The model card: the one evidence file every check starts from.

Cards are YAML or JSON. Which files in a directory count as model cards is decided here, so
`comply check models/` and the pre-commit hook agree on it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from pathlib import Path

from checker.errors import InputError
from checker.evidence.loader import LoadedDocument, load_document

DEFAULT_CARD_PATTERNS: tuple[str, ...] = (
    "model_card.yaml",
    "model_card.yml",
    "model_card.json",
    "*.model_card.yaml",
    "*.model_card.yml",
    "*.model_card.json",
    "modelcard.yaml",
    "modelcard.yml",
)
"""File names that mark a model card when a directory is given."""


def load_card(path: Path) -> LoadedDocument:
    """Load one model card, refusing anything but a mapping at the top level."""
    document = load_document(path)
    if not isinstance(document.data, dict):
        kind = type(document.data).__name__
        kind = {"list": "a list", "str": "a string", "int": "a number", "float": "a number"}.get(kind, kind)
        raise InputError(f"{path}:1: (top level): expected a mapping of model card sections, got {kind}")
    return document


def is_card_name(name: str, patterns: Sequence[str] = DEFAULT_CARD_PATTERNS) -> bool:
    """True when a file name matches one of the model-card patterns."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def find_cards(paths: Iterable[Path], patterns: Sequence[str] = DEFAULT_CARD_PATTERNS) -> list[Path]:
    """Expand files, directories and globs into model-card paths, in order and without repeats.

    A file named explicitly is a card whatever its name; a directory contributes the files below it whose
    names match `patterns`; a directory with none is an input error rather than a silent pass.
    """
    cards: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        for card in _expand_argument(path, patterns):
            key = card.resolve()
            if key not in seen:
                seen.add(key)
                cards.append(card)
    return cards


def _expand_argument(path: Path, patterns: Sequence[str]) -> list[Path]:
    if not path.exists() and any(char in str(path) for char in "*?["):
        matches = sorted(Path().glob(str(path)))
        if not matches:
            raise InputError(f"{path}: no file matches this pattern")
        return [card for match in matches for card in _expand_argument(match, patterns)]
    if path.is_dir():
        found = sorted(
            candidate
            for candidate in path.rglob("*")
            if candidate.is_file() and is_card_name(candidate.name, patterns) and not _hidden(candidate, path)
        )
        if not found:
            raise InputError(f"{path}: no model card found in this directory (looked for {', '.join(patterns)})")
        return found
    if not path.exists():
        raise InputError(f"{path}: no such file")
    return [path]


def _hidden(candidate: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in candidate.relative_to(root).parts[:-1])
