"""Build a comply model card from another card format, keeping the line of every fact.

The Hugging Face, Model Card Toolkit and CycloneDX adapters each translate their own layout into the
one comply card the policies read. A finding must still point at the line the user wrote, so every
value is put with the dotted path it came from; `CardBuilder.document()` returns a `LoadedDocument`
whose line map is keyed by comply paths but holds the source file's lines.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from checker.errors import InputError
from checker.evidence.loader import LoadedDocument


class CardBuilder:
    """A comply card under construction from one source document."""

    def __init__(self, source: LoadedDocument) -> None:
        self.source = source
        self.card: dict[str, Any] = {}
        self.lines: dict[str, int] = {}

    def put(self, target: Sequence[str], value: Any, origin: str | None, *, replace: bool = False) -> None:
        """Set `card[target]` to `value` (read from the source at dotted path `origin`).

        An existing value is kept unless `replace`: the first source of a fact wins, so adapters put
        comply's own facts last with `replace=True` so that they override the translation. A missing
        translated value (None) is not put; comply's own facts may state null on purpose (`replace`).
        """
        if value is None and not replace:
            return
        node = self.card
        for key in target[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = {}
                node[key] = child
            node = child
        if target[-1] in node and not replace:
            return
        node[target[-1]] = value
        if origin is not None:
            self._copy_lines(".".join(target), origin)

    def merge(self, target: Sequence[str], section: Mapping[str, Any], origin: str) -> None:
        """Deep-merge a mapping of comply facts at `target`; its values win over translated ones."""
        for key, value in section.items():
            path = (*target, str(key))
            existing = self.get(path)
            if isinstance(value, Mapping) and isinstance(existing, dict):
                self.merge(path, value, f"{origin}.{key}")
            else:
                self.put(path, value, f"{origin}.{key}", replace=True)
        if target:
            self._copy_lines(".".join(target), origin, only_missing=True)

    def get(self, target: Sequence[str]) -> Any:
        node: Any = self.card
        for key in target:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node

    def document(self) -> LoadedDocument:
        """The comply card, with the source's path and digest and lines keyed by comply paths."""
        return LoadedDocument(self.source.path, self.card, self.source.sha256, dict(self.lines))

    def _copy_lines(self, target: str, origin: str, *, only_missing: bool = False) -> None:
        line = self.source.line_of(origin) if origin else 1
        if line is not None and not (only_missing and target in self.lines):
            self.lines[target] = line
        prefix = origin + "." if origin else ""
        for path, sub_line in self.source.lines.items():
            if prefix and path.startswith(prefix):
                key = f"{target}.{path[len(prefix) :]}"
                if not (only_missing and key in self.lines):
                    self.lines[key] = sub_line


def number(value: Any, *, where: str) -> float | int:
    """A metric value as a finite number: card formats that store metrics as text (CycloneDX, newer
    Model Card Toolkit) are parsed; anything that is not a number is a one-line input error."""
    if isinstance(value, bool):
        raise InputError(f"{where}: expected a number, got {value!r}")
    if isinstance(value, (int, float)):
        parsed: float | int = value
    elif isinstance(value, str):
        text = value.strip().rstrip("%")
        try:
            parsed = float(text)
        except ValueError:
            raise InputError(f"{where}: expected a number, got {value!r}") from None
        if value.strip().endswith("%"):
            parsed = parsed / 100
        elif parsed == int(parsed) and "." not in text and "e" not in text.lower() and math.isfinite(parsed):
            parsed = int(parsed)
    else:
        raise InputError(f"{where}: expected a number, got {type(value).__name__}")
    if not math.isfinite(parsed):
        raise InputError(f"{where}: {value} is not a finite number")
    return parsed


def texts(items: Any, key: str | None = None) -> list[str]:
    """The non-empty strings of a list (of strings, or of mappings holding them under `key`)."""
    result: list[str] = []
    for item in items if isinstance(items, list) else []:
        value = item.get(key) if key is not None and isinstance(item, Mapping) else item
        if isinstance(value, str) and value.strip():
            result.append(value.strip())
    return result


def section(data: Any, key: str) -> Mapping[str, Any]:
    """`data[key]` when it is a mapping, else an empty one (a missing section is not an error)."""
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def slice_key(name: str) -> str:
    """A slice name usable as one card key (dots would split the field path of a finding)."""
    return name.replace(".", "_").strip() or "(unnamed)"


def put_performance_metrics(
    card: CardBuilder, metrics: Any, origin: str, *, interval: str, lower: str, upper: str
) -> None:
    """Model Card Toolkit / CycloneDX `performance_metrics`: [{type, value, slice?, <interval>?}].

    An unsliced metric becomes `evaluation.metrics.<type>` (a number, so thresholds apply to it), its
    interval `evaluation.confidence_intervals.<type>: [low, high]`; a sliced one becomes
    `evaluation.slices.<slice>.<type>`. Text values are parsed as numbers.
    """
    if metrics is None:
        return
    where = card.source.path
    if not isinstance(metrics, list):
        raise InputError(f"{where}: {origin}: expected a list of performance metrics")
    for index, metric in enumerate(metrics):
        at = f"{origin}.{index}"
        if not isinstance(metric, Mapping) or not isinstance(metric.get("type"), str):
            raise InputError(f"{where}:{card.source.line_of(at) or 1}: {at}: expected a metric with a `type`")
        name = slice_key(metric["type"])
        line = card.source.line_of(f"{at}.value") or card.source.line_of(at) or 1
        value = number(metric.get("value"), where=f"{where}:{line}: {at}.value")
        part = metric.get("slice")
        if isinstance(part, str) and part.strip() and part.strip().lower() not in {"overall", "all", "none"}:
            card.put(("evaluation", "slices", slice_key(part), name), value, f"{at}.value")
            continue
        card.put(("evaluation", "metrics", name), value, f"{at}.value")
        bounds = metric.get(interval)
        if isinstance(bounds, Mapping) and lower in bounds and upper in bounds:
            low = number(bounds[lower], where=f"{where}:{line}: {at}.{interval}.{lower}")
            high = number(bounds[upper], where=f"{where}:{line}: {at}.{interval}.{upper}")
            card.put(("evaluation", "confidence_intervals", name), [low, high], f"{at}.{interval}")
