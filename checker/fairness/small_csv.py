"""Small, plainly written CSV predictions counted in Python: no numpy, no Arrow, the same numbers.

`comply check` recomputes a card's evaluation from the predictions file `comply card fill` recorded
(`checker.evidence.evaluation`), and its fairness evidence from the predictions comply.yaml names
(`checker.fairness.compute.compute_fairness`). Such a file is usually a few thousand rows, and
importing numpy and pyarrow to read it costs several times what the rest of a cold check does (150-500
ms against a few milliseconds of counting). `count_small_csv` reads the file the way the Arrow path
does and returns the per-group confusion counts and score sums, the row count, the file's sha256 and
the (label, score) pairs; `SmallCounts.result()` hands the counts to `document.build_document` exactly as
the Arrow path's `counts.Counter` does, so the fairness document is the same one. It returns None
whenever it cannot be sure the Arrow path would read the file the same way, and the caller takes that
path, which also words every error. It declines:

- a file over `MAX_BYTES`, not UTF-8, with a byte-order mark, a quote, a carriage return, a blank line,
  a repeated column name or a row whose field count differs from the header's;
- options beyond columns, threshold, reference groups, group-size limits and bootstrap (positive
  labels, counts tables, intersections, ROC AUC, row filters, an engine or format other than the
  default CSV reading);
- a label or prediction other than exactly `0` or `1` (so Arrow reads the column as int64 0/1), a score
  that is not a plain finite decimal number (`-12`, `0.45`, `1e-3`; no null token, no `+`, no `.5`);
- a sensitive column whose every value is missing, a value literally named `<missing>`, or more groups
  than `max_groups` (each an error on the Arrow path).

Sensitive values are text as written; the CSV null tokens (`readers.NULL_TOKENS`) are the missing group,
as on the Arrow path. A group's score sum adds its rows' scores in file order, as `np.bincount` does
over the one batch Arrow reads a file this small in, so mean scores are the same floats.
tests/fairness/test_small_csv.py holds both paths to identical output.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from pathlib import Path

from checker.fairness.document import Unit, UnitCounts
from checker.fairness.options import MISSING_GROUP, FairnessOptions
from checker.fairness.readers import NULL_TOKENS as READER_NULL_TOKENS

MAX_BYTES = 1 << 20
"""Largest file read here: well inside one block of the Arrow reader (whose type inference works per
block), and where counting in Python still takes only milliseconds."""

NULL_TOKENS = frozenset(READER_NULL_TOKENS)
"""The CSV fields every engine reads as missing."""

_NUMBERS = re.compile(r"(?:-?(?:[0-9]{1,15}|[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+|[0-9]+\.[0-9]+)\n)*")
"""A column of plain decimal numbers, one per line: an integer has at most 15 digits, so it is exact as a
float64 (Arrow reads an integer column as int64, then casts)."""


@dataclass(frozen=True)
class SmallCounts:
    """What the evaluation and the fairness document need from the file: rows, digest, per-group
    cells and score sums, and (label, score) pairs.

    `groups[column][name] = [tn, fp, fn, tp]` and `score_sums[column][name]` (None without a score
    column), names as `UnitCounts.group_name` gives them; `features` lists the sensitive columns in
    the options' order.
    """

    rows: int
    sha256: str
    groups: dict[str, dict[str, list[int]]]
    scored: list[tuple[float, int]] | None
    score_sums: dict[str, dict[str, float]] | None = None
    features: tuple[str, ...] = ()

    def result(self) -> dict[Unit, UnitCounts]:
        """Each feature's counts as `counts.Counter.result` gives them: groups sorted by name, the
        missing group last, cells (tn, fp, fn, tp, excluded) with no excluded rows (the file has none)."""
        units: dict[Unit, UnitCounts] = {}
        for index, column in enumerate(self.features):
            counted = self.groups[column]
            names = sorted(counted, key=lambda name: (name == MISSING_GROUP, name))
            sums = None if self.score_sums is None else self.score_sums[column]
            units[(index,)] = UnitCounts(
                features=(column,),
                groups=[(None if name == MISSING_GROUP else name,) for name in names],
                cells=[[*counted[name], 0] for name in names],
                score_sum=None if sums is None else [sums[name] for name in names],
            )
        return units


def count_small_csv(path: Path, options: FairnessOptions) -> SmallCounts | None:
    """The counts of `path`, or None when the Arrow path must read it (see the module docstring).

    Every pass is a C-level one (split, map, Counter, one regex over a whole column): a few milliseconds
    for the few thousand rows a card's predictions usually have."""
    if not _plain_options(options) or path.suffix.lower() != ".csv":
        return None
    try:
        if not 0 < path.stat().st_size <= MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) > MAX_BYTES or b'"' in data or b"\r" in data or data.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    header = lines[0].split(",")
    rows = list(map(_split, lines[1:]))
    width = len(header)
    if not rows or set(map(len, rows)) != {width}:
        return None
    if len(set(header)) != width or any(column not in header for column in options.columns):
        return None
    position = {name: index for index, name in enumerate(header)}
    labels = _labels(_column(rows, position[options.y_true]))
    scores = None if options.score is None else _scores(_column(rows, position[options.score]))
    if labels is None or (options.score is not None and scores is None):
        return None
    if options.y_pred is not None:
        predictions = _labels(_column(rows, position[options.y_pred]))
    else:
        assert scores is not None
        predictions = [1 if score >= options.threshold else 0 for score in scores]
    if predictions is None:
        return None
    cells = list(map(_cell, labels, predictions))
    groups: dict[str, dict[str, list[int]]] = {}
    sums: dict[str, dict[str, float]] | None = None if scores is None else {}
    for column in options.sensitive:
        names = _names(_column(rows, position[column]), options.max_groups)
        if names is None:
            return None
        groups[column] = _groups(names, cells)
        if sums is not None and scores is not None:
            sums[column] = _score_sums(names, scores)
    scored = None if scores is None else list(zip(scores, labels, strict=True))
    digest = hashlib.sha256(data).hexdigest()
    return SmallCounts(len(rows), digest, groups, scored, sums, tuple(options.sensitive))


def area_under_roc(scored: list[tuple[float, int]]) -> float | None:
    """ROC AUC by average ranks, as `checker.evidence.evaluation.area_under_roc` computes it: every rank
    is a multiple of one half far below 2**52, so the sum is exact in any order and the result is the
    same float. A score's average rank is the number of lower scores plus (its ties + 1) / 2."""
    labels = [label for _, label in scored]
    positives = sum(labels)
    negatives = len(scored) - positives
    if positives == 0 or negatives == 0:
        return None
    tied = Counter(score for score, _ in scored)
    average_rank: dict[float, float] = {}
    below = 0
    for score in sorted(tied):
        count = tied[score]
        average_rank[score] = below + (count + 1) / 2.0
        below += count
    rank_sum = float(sum(map(average_rank.__getitem__, compress((score for score, _ in scored), labels))))
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def _plain_options(options: FairnessOptions) -> bool:
    return (
        options.count_column is None
        and not options.positive_label
        and not options.pred_positive_label
        and not options.intersections
        and not options.auc
        and not options.filtered
        and options.engine in ("auto", "memory")
        and options.file_format in (None, "csv")
    )


_BINARY = {"0": 0, "1": 1}


def _split(line: str) -> list[str]:
    return line.split(",")


def _column(rows: list[list[str]], index: int) -> list[str]:
    return list(map(itemgetter(index), rows))


def _cell(truth: int, predicted: int) -> int:
    """The index into [tn, fp, fn, tp]."""
    return 2 * truth + predicted


def _labels(values: list[str]) -> list[int] | None:
    """The column as 0/1, or None unless every value is exactly `0` or `1`."""
    if not set(values) <= _BINARY.keys():
        return None
    return list(map(_BINARY.__getitem__, values))


def _scores(values: list[str]) -> list[float] | None:
    """The column as floats, or None unless every value is a plain finite decimal number (one regex
    over the whole column)."""
    if _NUMBERS.fullmatch("\n".join(values) + "\n") is None:
        return None
    numbers = list(map(float, values))
    return numbers if all(map(math.isfinite, numbers)) else None


def _names(values: list[str], max_groups: int) -> list[str] | None:
    """Each row's group name (the CSV null tokens are the missing group), or None where the Arrow path
    would refuse the column: a value literally `<missing>`, no value at all, more than `max_groups`."""
    if MISSING_GROUP in values:
        return None
    names = [MISSING_GROUP if value in NULL_TOKENS else value for value in values]
    present = len(set(names) - {MISSING_GROUP})
    if not present or present > max_groups:
        return None
    return names


def _groups(names: list[str], cells: list[int]) -> dict[str, list[int]]:
    counted: dict[str, list[int]] = {}
    for (name, cell), count in Counter(zip(names, cells, strict=True)).items():
        found = counted.get(name)
        if found is None:
            found = counted[name] = [0, 0, 0, 0]
        found[cell] += count
    return counted


def _score_sums(names: list[str], scores: list[float]) -> dict[str, float]:
    """Each group's sum of scores, added in row order from 0.0 (as `np.bincount` with weights adds)."""
    sums = dict.fromkeys(names, 0.0)
    for name, score in zip(names, scores, strict=True):
        sums[name] += score
    return sums
