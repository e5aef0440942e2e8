"""The model card: the one evidence file every check starts from.

Cards are comply's own YAML or JSON, a Hugging Face `README.md` with YAML front matter, a Model Card
Toolkit JSON card or a CycloneDX 1.6 ML-BOM. The format is told from the content (`--card-format`
overrides); each foreign format has an adapter module that translates it into the one comply card
the policies read, keeping the line of every fact. A plain comply card imports none of them.
Which files in a directory count as model cards is decided here, so `comply check models/` and the
pre-commit hook agree on it.
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from checker.errors import InputError, UsageError
from checker.evidence.loader import STDIN, LoadedDocument, load_document

CARD_FORMATS: dict[str, str | None] = {
    "comply": None,
    "huggingface": "checker.evidence.huggingface",
    "mct": "checker.evidence.mct",
    "cyclonedx": "checker.evidence.cyclonedx",
}
"""Card format -> the adapter module that translates it (`translate(LoadedDocument) -> LoadedDocument`)."""

MARKDOWN_SUFFIXES = (".md", ".markdown")

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


def load_card(path: Path, card_format: str | None = None) -> LoadedDocument:
    """Load one model card as a comply card, whatever its format, refusing anything but a mapping."""
    return load_card_as(path, card_format)[0]


def load_card_as(path: Path, card_format: str | None = None) -> tuple[LoadedDocument, str]:
    """The comply card in `path` and the format it was written in (`card_format` forces one)."""
    if card_format is not None and card_format not in CARD_FORMATS:
        raise UsageError(f"unknown --card-format {card_format!r}; choose one of {', '.join(CARD_FORMATS)}")
    markdown = card_format == "huggingface" or (card_format is None and path.suffix.lower() in MARKDOWN_SUFFIXES)
    if markdown:
        from checker.evidence.huggingface import load_front_matter

        document, fmt = load_front_matter(path), "huggingface"
    else:
        document = load_document(path)
        if not isinstance(document.data, dict):
            kind = type(document.data).__name__
            kind = {"list": "a list", "str": "a string", "int": "a number", "float": "a number"}.get(kind, kind)
            raise InputError(f"{path}:1: (top level): expected a mapping of model card sections, got {kind}")
        fmt = card_format or detect_format(document.data)
    adapter = CARD_FORMATS[fmt]
    if adapter is None:
        return document, fmt
    translated: LoadedDocument = importlib.import_module(adapter).translate(document)
    return translated, fmt


def detect_format(data: Mapping[str, Any]) -> str:
    """Tell a parsed card's format from its content (cheap key checks; no adapter is imported)."""
    if data.get("bomFormat") == "CycloneDX":
        return "cyclonedx"
    details = data.get("model_details")
    if isinstance(details, Mapping) and isinstance(details.get("version"), Mapping):
        return "mct"
    if "schema_version" in data or "quantitative_analysis" in data or "model_parameters" in data:
        return "mct"
    return "comply"


def is_card_name(name: str, patterns: Sequence[str] = DEFAULT_CARD_PATTERNS) -> bool:
    """True when a file name matches one of the model-card patterns."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


Patterns = Sequence[str] | Callable[[Path], Sequence[str]]
"""Card-name patterns: the same for every directory, or looked up per directory (its comply.yaml's)."""


def find_cards(paths: Iterable[Path], patterns: Patterns = DEFAULT_CARD_PATTERNS) -> list[Path]:
    """Expand files, directories and globs into model-card paths, in order and without repeats.

    A file named explicitly is a card whatever its name; a directory contributes the files below it whose
    names match the patterns of the directory they are in; a directory with none is an input error rather
    than a silent pass.
    """
    lookup = patterns if callable(patterns) else (lambda _directory: patterns)
    cards: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        for card in _expand_argument(path, lookup):
            key = card.resolve()
            if key not in seen:
                seen.add(key)
                cards.append(card)
    return cards


def _expand_argument(path: Path, patterns: Callable[[Path], Sequence[str]]) -> list[Path]:
    if str(path) == STDIN:
        return [path]
    if not path.exists() and any(char in str(path) for char in "*?["):
        matches = sorted(_glob(path))
        if not matches:
            raise InputError(f"{path}: no file matches this pattern")
        return [card for match in matches for card in _expand_argument(match, patterns)]
    if path.is_dir():
        try:
            found = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file()
                and not _hidden(candidate, path)
                and is_card_name(candidate.name, patterns(candidate.parent))
            )
        except OSError as err:
            raise InputError(f"{err.filename or path}: cannot read this directory: {err.strerror or err}") from None
        if not found:
            raise InputError(f"{path}: no model card found in this directory (looked for {', '.join(patterns(path))})")
        return found
    if not path.exists():
        raise InputError(f"{path}: no such file")
    return [path]


def _glob(pattern: Path) -> list[Path]:
    """Files matching `pattern`, relative (to the working directory) or absolute (from its anchor)."""
    if pattern.is_absolute():
        relative = pattern.relative_to(pattern.anchor)
        return list(Path(pattern.anchor).glob(str(relative))) if relative.parts else []
    return list(Path().glob(str(pattern)))


def _hidden(candidate: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in candidate.relative_to(root).parts[:-1])
