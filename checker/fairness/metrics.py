"""Per-group rates and disparity metrics, derived from confusion counts with fairlearn's semantics.

Every number here equals what fairlearn 0.15 computes on the same rows (tests/fairness prove it
against fairlearn itself, to 1e-12). Per group, from (tn, fp, fn, tp) and n = tn + fp + fn + tp:

    base_rate      = (tp + fn) / n          fairlearn selection_rate(y_true, y_true)
    selection_rate = (tp + fp) / n          fairlearn selection_rate
    tpr = tp / (tp + fn)    fnr = fn / (tp + fn)     fairlearn true/false_negative_rate
    fpr = fp / (fp + tn)    tnr = tn / (fp + tn)     fairlearn false_positive/true_negative_rate
    precision = tp / (tp + fp)                        sklearn precision_score
    accuracy  = (tp + tn) / n                         sklearn accuracy_score
    recall    = tpr                                   sklearn recall_score
    f1 = 2 tp / (2 tp + fp + fn)                      sklearn f1_score (0 when tp + fp + fn = 0)

Zero denominators follow fairlearn/sklearn, which report 0.0 rather than undefined: a group with no
positive labels has tpr = fnr = 0 (sklearn's `confusion_matrix(normalize="true")` turns 0/0 into 0), a
group with no negative labels has fpr = tnr = 0, and a group with no positive predictions has
precision = 0 (sklearn's `zero_division` default). comply keeps those numbers, so they match fairlearn,
and flags the group (`no_positives`, `no_negatives`, `no_predicted_positives`) so a reader knows the
rate was undefined.

Disparities over the groups of one feature (groups with rows only; `between_groups` in fairlearn):

    <rate> difference = max - min            MetricFrame.difference()
    <rate> ratio      = min / max            MetricFrame.ratio(); 0/0 (every group at 0) is undefined
    demographic_parity_difference / _ratio = selection_rate difference / ratio
    equal_opportunity_difference / _ratio  = tpr difference / ratio
    equalized_odds_difference = max(tpr difference, fpr difference)          (agg="worst_case")
    equalized_odds_ratio      = min(tpr ratio, fpr ratio), with fairlearn's treatment of an
        undefined ratio: fairlearn takes Python's `min([tpr_ratio, fpr_ratio])`, so an undefined
        tpr ratio makes the result undefined while an undefined fpr ratio is skipped. comply
        reproduces that exactly (and says which in `undefined`).
    disparate_impact_ratio (the four-fifths rule) = min / max selection rate; with a reference
        (privileged) group, the lowest selection rate of another group divided by the reference's.

A single group gives differences of 0 and ratios of 1 (or undefined when its rate is 0), as in
fairlearn; the feature is flagged `single_group` because nothing was compared. Undefined values are
`null` in JSON with an `undefined` reason, never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from checker.fairness.names import DISPARITIES, RATES

Cells = Sequence[Sequence[int]]
"""Per-group counts, one row per group: (tn, fp, fn, tp, ...) as Python ints."""


def rates(cells: Cells) -> dict[str, list[float]]:
    """Every per-group rate from rows of (tn, fp, fn, tp, ...) counts.

    Rows with n = 0 give NaN (the caller reports them as undefined); zero denominators otherwise
    give 0.0 as fairlearn does. Plain Python on integer counts: each rate is one correctly rounded
    division of two exact integers, the same float numpy's float64 division gives, and a fairness
    document has at most a few thousand groups, so this needs no numpy (nor its import).
    """
    columns = list(zip(*map(_row_rates, cells), strict=True)) if cells else [() for _ in RATES]
    result = {name: list(column) for name, column in zip(RATES, columns, strict=True)}
    result["recall"] = list(result["tpr"])
    return result


_UNDEFINED = (math.nan,) * len(RATES)


def _row_rates(row: Sequence[int]) -> tuple[float, ...]:
    """One group's rates in `RATES` order."""
    tn, fp, fn, tp = row[0], row[1], row[2], row[3]
    n = tn + fp + fn + tp
    if n == 0:
        return _UNDEFINED
    positives, negatives, predicted, errors = tp + fn, fp + tn, tp + fp, 2 * tp + fp + fn
    return (
        positives / n,
        predicted / n,
        tp / positives if positives else 0.0,
        fp / negatives if negatives else 0.0,
        fn / positives if positives else 0.0,
        tn / negatives if negatives else 0.0,
        tp / predicted if predicted else 0.0,
        (tp + tn) / n,
        2 * tp / errors if errors else 0.0,
    )


class Spread:
    """max, min, difference and ratio of one rate over groups (NaN entries, i.e. empty groups, skipped);
    the first group holding the max (min) is the one named, as numpy's argmax (argmin) picks it."""

    __slots__ = ("high", "high_index", "low", "low_index")

    def __init__(self, values: Sequence[float]) -> None:
        present = [index for index, value in enumerate(values) if not math.isnan(value)]
        if not present:
            self.high = self.low = math.nan
            self.high_index = self.low_index = -1
            return
        self.high_index = max(present, key=values.__getitem__)
        self.low_index = min(present, key=values.__getitem__)
        self.high = float(values[self.high_index])
        self.low = float(values[self.low_index])

    @property
    def difference(self) -> float:
        return self.high - self.low

    @property
    def ratio(self) -> float:
        if self.high == 0.0 or math.isnan(self.high):
            return math.nan
        return self.low / self.high


def disparities(
    group_rates: Mapping[str, Sequence[float]],
    names: Sequence[str],
    reference: int | None = None,
) -> dict[str, dict[str, Any]]:
    """The disparity metrics of one feature, each `{value, rate, groups, undefined?}`.

    `groups` names the two groups the value compares (lowest first); `reference` is the index of the
    reference group for the disparate-impact ratio, if the user named one.
    """
    selection = Spread(group_rates["selection_rate"])
    tpr = Spread(group_rates["tpr"])
    fpr = Spread(group_rates["fpr"])
    metrics = {
        "demographic_parity_difference": _entry(selection.difference, "selection_rate", selection, names),
        "demographic_parity_ratio": _ratio_entry(selection, "selection_rate", names),
        "equal_opportunity_difference": _entry(tpr.difference, "tpr", tpr, names),
        "equal_opportunity_ratio": _ratio_entry(tpr, "tpr", names),
    }
    worse = tpr if tpr.difference >= fpr.difference else fpr
    metrics["equalized_odds_difference"] = _entry(
        max(tpr.difference, fpr.difference), "tpr" if worse is tpr else "fpr", worse, names
    )
    metrics["equalized_odds_ratio"] = _equalized_odds_ratio(tpr, fpr, names)
    metrics["disparate_impact_ratio"] = _disparate_impact(group_rates["selection_rate"], selection, names, reference)
    return {name: metrics[name] for name in DISPARITIES}


def _entry(
    value: float, rate: str, spread: Spread, names: Sequence[str], undefined: str | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"value": None if math.isnan(value) else value, "rate": rate}
    if spread.low_index >= 0:
        entry["groups"] = [names[spread.low_index], names[spread.high_index]]
    if entry["value"] is None:
        entry["undefined"] = undefined or f"every group has {rate} 0, so the ratio is 0/0"
    return entry


def _ratio_entry(spread: Spread, rate: str, names: Sequence[str]) -> dict[str, Any]:
    return _entry(spread.ratio, rate, spread, names)


def _equalized_odds_ratio(tpr: Spread, fpr: Spread, names: Sequence[str]) -> dict[str, Any]:
    """fairlearn: `min([tpr_ratio, fpr_ratio])` with Python's min, which keeps a leading NaN and
    skips a trailing one."""
    if math.isnan(tpr.ratio):
        return _entry(
            math.nan, "tpr", tpr, names, "every group has tpr 0, so the tpr ratio is 0/0 (fairlearn: undefined)"
        )
    if math.isnan(fpr.ratio) or tpr.ratio <= fpr.ratio:
        return _entry(tpr.ratio, "tpr", tpr, names)
    return _entry(fpr.ratio, "fpr", fpr, names)


def _disparate_impact(
    selection_rates: Sequence[float], spread: Spread, names: Sequence[str], reference: int | None
) -> dict[str, Any]:
    if reference is None:
        return _entry(spread.ratio, "selection_rate", spread, names)
    base = float(selection_rates[reference])
    others = [index for index in range(len(names)) if index != reference and not math.isnan(selection_rates[index])]
    entry: dict[str, Any] = {"value": None, "rate": "selection_rate", "reference_group": names[reference]}
    if math.isnan(base):
        entry["undefined"] = f"the reference group {names[reference]!r} has no rows"
    elif not others:
        entry["undefined"] = f"no group besides the reference group {names[reference]!r}"
    elif base == 0.0:
        entry["undefined"] = f"the reference group {names[reference]!r} has selection rate 0"
    else:
        worst = min(others, key=lambda index: (selection_rates[index], index))
        entry["value"] = float(selection_rates[worst]) / base
        entry["groups"] = [names[worst], names[reference]]
    return entry


def gaps(group_rates: Mapping[str, Sequence[float]], names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The worst gap of every per-group rate: which groups are highest and lowest, by how much."""
    result: dict[str, dict[str, Any]] = {}
    for rate in RATES:
        spread = Spread(group_rates[rate])
        if spread.low_index < 0:
            continue
        ratio = spread.ratio
        result[rate] = {
            "difference": spread.difference,
            "ratio": None if math.isnan(ratio) else ratio,
            "max": spread.high,
            "min": spread.low,
            "max_group": names[spread.high_index],
            "min_group": names[spread.low_index],
        }
    return result


def metric_values(cells: Any, reference: int | None = None) -> dict[str, float]:
    """Just the disparity values (NaN when undefined) for one set of group counts (rows of ints, or a
    numpy array of them): what the bootstrap recomputes for every resample, so only the three rates
    the disparities compare are computed (as `rates` computes them)."""
    rows: Cells = cells.tolist() if hasattr(cells, "tolist") else cells
    selection, tpr, fpr = (list(column) for column in zip(*map(_compared_rates, rows), strict=True))
    group_rates = {"selection_rate": selection, "tpr": tpr, "fpr": fpr}
    names = [str(index) for index in range(len(rows))]
    return {
        name: (math.nan if entry["value"] is None else float(entry["value"]))
        for name, entry in disparities(group_rates, names, reference).items()
    }


def _compared_rates(row: Sequence[int]) -> tuple[float, float, float]:
    """selection_rate, tpr and fpr of one group, exactly as `_row_rates` gives them."""
    tn, fp, fn, tp = row[0], row[1], row[2], row[3]
    n = tn + fp + fn + tp
    if n == 0:
        return math.nan, math.nan, math.nan
    positives, negatives = tp + fn, fp + tn
    return (tp + fp) / n, tp / positives if positives else 0.0, fp / negatives if negatives else 0.0
