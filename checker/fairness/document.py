"""The fairness document from per-group counts: every engine's counts, the same document.

`build_document` turns the counts of each analysis unit (`UnitCounts`: one feature, or an
intersection) into the normalized document of `schemas/fairness.schema.json`, checking what makes the
numbers meaningless (no usable row, a feature with no values, a reference group or positive label that
matches nothing). Counts are Python ints and the rates plain float divisions (`metrics`), so this module
imports neither numpy nor pyarrow: a small CSV counted in Python (`small_csv`) gets its document
without them, and every other engine hands over the counts its numpy pass produced. Only bootstrap
intervals (numpy's random generator) and ROC AUC (scikit-learn) import more, when asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from checker.errors import InputError
from checker.fairness.metrics import disparities, gaps, rates
from checker.fairness.names import RATES
from checker.fairness.options import MISSING_GROUP, FairnessOptions, parse_period

if TYPE_CHECKING:
    from checker.fairness.performance import GroupAuc

SCHEMA_VERSION = 1
ENTRY_RATES = (*RATES, "recall")
"""What each group entry carries: the rates, and recall (= tpr) under the name the checklists use."""
CELLS = ("tn", "fp", "fn", "tp", "excluded")
"""Cell order: cell index = 2 * y_true + y_pred for valid rows, 4 for excluded rows."""
EXCLUDED = 4

Unit = tuple[int, ...]
"""Indices into `options.sensitive` of the features one analysis covers."""


@dataclass
class UnitCounts:
    """The counts of one analysis unit, groups in sorted order (missing last).

    `cells[g] = [tn, fp, fn, tp, excluded]` for group `g`; `score_sum[g]` sums the score of the
    group's non-excluded rows (None without a score column).
    """

    features: tuple[str, ...]
    groups: list[tuple[str | None, ...]]
    cells: list[list[int]]
    score_sum: list[float] | None

    def group_name(self, index: int) -> str:
        """`Female`, or `Female & African-American` for an intersection; missing is `<missing>`."""
        return " & ".join(MISSING_GROUP if value is None else value for value in self.groups[index])


class Counts(Protocol):
    """What a document is built from: the rows read and each unit's counts (`counts.Counter`,
    `small_csv.SmallCounts`)."""

    @property
    def rows(self) -> int: ...

    def result(self) -> dict[Unit, UnitCounts]: ...


def add_filter_provenance(provenance: dict[str, Any], options: FairnessOptions) -> None:
    """Record which rows were read: the `where` condition and the period, as given."""
    if options.where is not None:
        provenance["where"] = options.where
    if options.period is not None:
        start, end = parse_period(options.period)
        provenance["period"] = {"start": start.isoformat(), "end": end.isoformat(), "column": options.date_column}


def build_document(
    counter: Counts,
    options: FairnessOptions,
    provenance: dict[str, Any],
    *,
    where: str,
    auc: GroupAuc | None = None,
) -> dict[str, Any]:
    """Turn the merged counts into the fairness document, checking what makes numbers meaningless;
    `auc` (from the rows, `performance.auc_by_group`) adds each group's and the overall ROC AUC."""
    if counter.rows == 0:
        raise InputError(f"{where}: no rows to compute fairness from")
    units = counter.result()
    first = units[(0,)]
    total = [sum(column) for column in zip(*first.cells, strict=True)] if first.cells else [0] * len(CELLS)
    excluded = total[EXCLUDED]
    used = counter.rows - excluded
    if used == 0:
        raise InputError(
            f"{where}: no row has both a label in {options.y_true!r} and a prediction "
            f"({excluded} rows with a missing label, prediction or score)"
        )
    _check_features(units, options, where)
    _check_positive_labels(total, options, where)
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "source": "computed",
        "sensitive_features": list(options.sensitive),
        "min_group_size": options.min_group_size,
        "rows": {"total": counter.rows, "used": used, "excluded": excluded},
        "overall": _group_entry(total, _rates_row(total), None, options, missing=False),
        "features": {},
        "columns": _columns(options),
        "provenance": provenance,
    }
    if options.bootstrap:
        document["bootstrap"] = {
            "iterations": options.bootstrap,
            "seed": options.seed,
            "confidence": options.confidence,
            "method": "percentile; multinomial resampling of rows",
        }
    for stream, counts in enumerate(units.values()):
        name = " & ".join(counts.features)
        document["features"][name] = _feature(counts, options, stream, where)
    if auc is not None:
        from checker.fairness.performance import add_auc

        add_auc(document, auc)
    return document


def _columns(options: FairnessOptions) -> dict[str, Any]:
    columns: dict[str, Any] = {"y_true": options.y_true, "y_pred": options.y_pred, "sensitive": list(options.sensitive)}
    if options.score is not None:
        columns["score"] = options.score
        if options.y_pred is None:
            columns["threshold"] = options.threshold
    if options.positive_label:
        columns["positive_label"] = list(options.positive_label)
    if options.pred_positive_label:
        columns["pred_positive_label"] = list(options.pred_positive_label)
    return columns


def _check_features(units: dict[Unit, UnitCounts], options: FairnessOptions, where: str) -> None:
    for index, column in enumerate(options.sensitive):
        groups = units[(index,)].groups
        if all(group == (None,) for group in groups):
            raise InputError(f"{where}: sensitive column {column!r} has no values (every row is missing)")
    for feature, group in options.reference_groups:
        counts = units[(options.sensitive.index(feature),)]
        names = [counts.group_name(index) for index in range(len(counts.groups))]
        if group not in names:
            raise InputError(
                f"{where}: reference group {group!r} is not a value of {feature!r} (groups: {', '.join(names[:20])})"
            )


def _check_positive_labels(total: list[int], options: FairnessOptions, where: str) -> None:
    """Positive labels that match no row of any column they apply to are almost certainly mistyped:
    refuse, rather than report a model that never predicts on data that has no positives.

    `positive_label` applies to y_true, and to y_pred unless `pred_positive_label` is given."""
    fp, fn, tp = total[1], total[2], total[3]
    true_positives, pred_positives = tp + fn, tp + fp
    if options.positive_label:
        shares_pred = options.y_pred is not None and not options.pred_positive_label
        if true_positives == 0 and not (shares_pred and pred_positives):
            columns = f"{options.y_true!r}" + (f" or {options.y_pred!r}" if shares_pred else "")
            raise InputError(f"{where}: --positive-label {_shown(options.positive_label)} matches no row of {columns}")
    if options.pred_positive_label and options.y_pred is not None and pred_positives == 0:
        raise InputError(
            f"{where}: --pred-positive-label {_shown(options.pred_positive_label)} matches no row of {options.y_pred!r}"
        )


def _shown(labels: tuple[str, ...]) -> str:
    return ", ".join(repr(label) for label in labels)


def _rates_row(cells: list[int]) -> dict[str, float | None]:
    values = rates([cells])
    return {name: _number(values[name][0]) for name in ENTRY_RATES}


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value


def _group_entry(
    cells: list[int],
    group_rates: dict[str, float | None],
    score_sum: float | None,
    options: FairnessOptions,
    *,
    missing: bool,
) -> dict[str, Any]:
    tn, fp, fn, tp, excluded = cells
    count = tn + fp + fn + tp
    entry: dict[str, Any] = {
        "count": count,
        "excluded": excluded,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        **group_rates,
    }
    if options.score is not None:
        entry["mean_score"] = score_sum / count if score_sum is not None and count else None
    flags = []
    if count == 0:
        flags.append("empty")
    elif count < options.min_group_size:
        flags.append("small")
    if count and tp + fn == 0:
        flags.append("no_positives")
    if count and tn + fp == 0:
        flags.append("no_negatives")
    if count and tp + fp == 0:
        flags.append("no_predicted_positives")
    if missing:
        flags.append("missing_value")
    entry["flags"] = flags
    return entry


def _feature(counts: UnitCounts, options: FairnessOptions, stream: int, where: str) -> dict[str, Any]:
    names = [counts.group_name(index) for index in range(len(counts.groups))]
    if len(set(names)) != len(names):
        raise InputError(f"{where}: two groups of {' & '.join(counts.features)} print the same; rename one")
    group_rates = rates(counts.cells)
    reference_name = options.reference.get(counts.features[0]) if len(counts.features) == 1 else None
    reference = names.index(reference_name) if reference_name is not None else None
    groups: dict[str, Any] = {}
    for index, name in enumerate(names):
        row_rates = {rate: _number(group_rates[rate][index]) for rate in ENTRY_RATES}
        score_sum = None if counts.score_sum is None else counts.score_sum[index]
        entry = _group_entry(counts.cells[index], row_rates, score_sum, options, missing=None in counts.groups[index])
        if len(counts.features) > 1:
            entry["values"] = {
                feature: MISSING_GROUP if value is None else value
                for feature, value in zip(counts.features, counts.groups[index], strict=True)
            }
        groups[name] = entry
    metrics = disparities(group_rates, names, reference)
    if options.bootstrap:
        from checker.fairness.bootstrap import bootstrap_intervals

        intervals = bootstrap_intervals(
            counts.cells,
            iterations=options.bootstrap,
            seed=options.seed,
            stream=stream,
            confidence=options.confidence,
            reference=reference,
        )
        for metric, interval in intervals.items():
            metrics[metric].update(interval)
    present = [name for name in names if groups[name]["count"] > 0]
    feature: dict[str, Any] = {
        "columns": list(counts.features),
        "intersection": len(counts.features) > 1,
        "reference_group": reference_name,
        "group_count": len(present),
        "small_groups": [name for name in present if groups[name]["count"] < options.min_group_size],
        "empty_groups": [name for name in names if groups[name]["count"] == 0],
        "smallest_group": min(present, key=lambda name: (groups[name]["count"], name)),
        "groups": groups,
        "metrics": metrics,
        "gaps": gaps(group_rates, names),
    }
    flags = []
    if len(present) < 2:
        flags.append("single_group")
    if feature["small_groups"]:
        flags.append("small_groups")
    if feature["empty_groups"]:
        flags.append("empty_groups")
    if any(None in group for group in counts.groups):
        flags.append("missing_values")
    feature["flags"] = flags
    return feature
