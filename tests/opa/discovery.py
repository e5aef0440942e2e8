"""What the OPA tests and bench check: every card and every Rego test the repository has right now.

Discovered at test time, never listed by hand, so rules and examples added by anyone are covered by
the conformance suite the moment they land.
"""

from __future__ import annotations

from pathlib import Path

from checker.evidence.card import DEFAULT_CARD_PATTERNS, find_cards, is_card_name

ROOT = Path(__file__).resolve().parents[2]
OPA_CARDS = Path(__file__).resolve().parent / "cards"
REFERENCE_DATES = ("2026-11-25", "2028-01-01")
TIMELINES = ("original", "amended")


def example_cards() -> list[Path]:
    """Every model card under examples/."""
    examples = ROOT / "examples"
    if not examples.is_dir() or not any(examples.rglob("*")):
        return []
    return find_cards([examples], DEFAULT_CARD_PATTERNS)


def fixture_cards() -> list[Path]:
    """Cards in every tests/ directory named like `*cases*` or `fixtures` (any YAML/JSON file), and tests/opa/cards/."""
    tests = ROOT / "tests"
    directories = [d for d in tests.rglob("*") if d.is_dir() and ("cases" in d.name or d.name == "fixtures")]
    directories.append(OPA_CARDS)
    found: set[Path] = set()
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in directory.rglob("*"):
            if path.is_file() and (is_card_name(path.name) or path.suffix in {".yaml", ".yml", ".json"}):
                found.add(path)
    return sorted(found)


def all_cards() -> list[Path]:
    return example_cards() + [card for card in fixture_cards() if card not in example_cards()]


def label(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()
