"""Evidence named on the command line, matched to the cards of the run.

A run with one card takes `--predictions PATH` as it always has. A run with several cards cannot know
which card a plain path is for, and applying it to all of them would judge one model on another's
evidence: there each command-line evidence value must name its card, `--predictions CARD=PATH`, where
CARD is the card file or the directory holding it (as typed, or any path to the same place). The text
after the first `=` is the value whatever it holds, so a path with `=` in it is written `CARD=PATH`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.errors import UsageError
from checker.evidence.assemble import EvidencePaths
from checker.evidence.provenance import display_path


def _continued_head(value: str) -> str | None:
    from checker.commands.common import continued_head

    return continued_head(value)


OPTIONS: Mapping[str, tuple[str, Callable[[str], object]]] = {
    "fairness": ("--fairness", Path),
    "predictions": ("--predictions", Path),
    "logging": ("--logging", Path),
    "audit_log": ("--audit-log", Path),
    "explanations": ("--explanations", Path),
    "baseline": ("--baseline", Path),
    "model": ("--model", Path),
    "audit_expect_head": ("--expect-head", str),
    "audit_continues": ("--continues", _continued_head),
}
"""EvidencePaths field -> (the command-line option, how its value is read)."""


@dataclass(frozen=True)
class EvidenceArguments:
    """The evidence options as typed: (EvidencePaths field, value) in command-line order."""

    given: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, **values: Sequence[str]) -> EvidenceArguments:
        return cls(tuple((kind, value) for kind in OPTIONS for value in values.get(kind, ())))


def evidence_per_card(given: EvidencePaths | EvidenceArguments, cards: Sequence[Path]) -> list[EvidencePaths]:
    """The command-line evidence of each card, in the order of `cards`.

    A usage error when a value does not say which card it is for in a run of several, names no card of
    the run (or the directory of several), or gives the same option twice for one card.
    """
    if isinstance(given, EvidencePaths):
        if len(cards) > 1 and given != EvidencePaths():
            raise UsageError(f"evidence named for a run of {len(cards)} cards: name it per card (CARD=PATH)")
        return [given] * len(cards)
    chosen: list[dict[str, object]] = [{} for _ in cards]
    for kind, raw in given.given:
        option, read = OPTIONS[kind]
        card_text, separator, value = raw.partition("=")
        if not separator:
            if len(cards) > 1:
                raise UsageError(
                    f"{option} {raw}: this run checks {len(cards)} cards; say which one it is for: {option} CARD={raw}"
                )
            index, value = 0, raw
        else:
            index = _card_named(card_text, cards, f"{option} {raw}")
        if not value:
            raise UsageError(f"{option} {raw}: nothing after {card_text}=")
        if kind in chosen[index]:
            raise UsageError(f"{option} is given twice for {_shown(cards[index])}")
        chosen[index][kind] = read(value)
    return [EvidencePaths(**values) for values in chosen]  # type: ignore[arg-type]


def _card_named(text: str, cards: Sequence[Path], where: str) -> int:
    """The index of the card that `text` names: the card file, or the directory holding just that card."""
    target = Path(text).resolve()
    for index, card in enumerate(cards):
        if card.resolve() == target:
            return index
    held = [index for index, card in enumerate(cards) if card.resolve().parent == target]
    if len(held) == 1:
        return held[0]
    if held:
        names = ", ".join(_shown(cards[index]) for index in held[:3])
        raise UsageError(f"{where}: {text} holds several cards of this run ({names}); name the card file")
    names = ", ".join(_shown(card) for card in cards[:3]) + (", ..." if len(cards) > 3 else "")
    raise UsageError(f"{where}: {text} is not a card of this run ({names})")


def _shown(card: Path) -> str:
    return "-" if str(card) == "-" else display_path(card)
