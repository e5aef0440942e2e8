"""Where a rule's legal text lives, and how a finding's file is named for code hosts.

Shared by the formats that link out (SARIF `helpUri`, Markdown tables) or that must name files the way
GitHub does (relative to the repository root), so every format points at the same article page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ACT_SITE = "https://artificialintelligenceact.eu"
_ARTICLE = re.compile(r"^\s*Art(?:icle|\.)?\s*(\d+)", re.IGNORECASE)
_ANNEX = re.compile(r"^\s*Annex\s+([IVXLC]+)\b", re.IGNORECASE)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(numeral: str) -> int:
    """'IV' -> 4 (subtractive notation), for Annex numbers."""
    values = [_ROMAN[char] for char in numeral.upper()]
    return sum(
        -value if index + 1 < len(values) and value < values[index + 1] else value for index, value in enumerate(values)
    )


def article_url(article: str, custom: Mapping[str, Any] | None = None) -> str | None:
    """The page for 'Art. 19(1)' or 'Annex IV'; a rule's own `custom.help_uri` wins; None for org rules."""
    if custom and isinstance(custom.get("help_uri"), str) and custom["help_uri"]:
        return str(custom["help_uri"])
    match = _ARTICLE.match(article)
    if match:
        return f"{ACT_SITE}/article/{int(match.group(1))}/"
    match = _ANNEX.match(article)
    if match:
        return f"{ACT_SITE}/annex/{roman_to_int(match.group(1))}/"
    return None


def repository_root(start: Path | None = None) -> Path | None:
    """The nearest directory at or above `start` (default: the working directory) holding `.git`."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def repository_path(file: str, root: Path | None) -> str:
    """`file` (as the report names it: relative to the working directory) relative to the repository
    root, in forward slashes — the form GitHub code scanning and annotations expect."""
    path = Path(file)
    if root is not None:
        try:
            return (Path.cwd() / path).resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()
