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
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

from checker.fairness.names import DISPARITIES, RATES


def rates(cells: NDArray[np.int64]) -> dict[str, NDArray[np.float64]]:
    """Every per-group rate from an (groups, >=4) array of (tn, fp, fn, tp, ...) counts.

    Rows with n = 0 give NaN (the caller reports them as undefined); zero denominators otherwise
    give 0.0 as fairlearn does.
    """
    tn, fp, fn, tp = (cells[:, index].astype(np.float64) for index in range(4))
    n = tn + fp + fn + tp
    with np.errstate(divide="ignore", invalid="ignore"):
        result = {
            "base_rate": (tp + fn) / n,
            "selection_rate": (tp + fp) / n,
            "tpr": _zero_if_undefined(tp, tp + fn),
            "fpr": _zero_if_undefined(fp, fp + tn),
            "fnr": _zero_if_undefined(fn, tp + fn),
            "tnr": _zero_if_undefined(tn, fp + tn),
            "precision": _zero_if_undefined(tp, tp + fp),
            "accuracy": (tp + tn) / n,
            "f1": _zero_if_undefined(2 * tp, 2 * tp + fp + fn),
        }
        result["recall"] = result["tpr"].copy()
    empty = n == 0
    if empty.any():
        for values in result.values():
            values[empty] = np.nan
    return result


def _zero_if_undefined(numerator: NDArray[np.float64], denominator: NDArray[np.float64]) -> NDArray[np.float64]:
    out = np.zeros_like(numerator)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


class Spread:
    """max, min, difference and ratio of one rate over groups (NaN entries, i.e. empty groups, skipped)."""

    __slots__ = ("high", "high_index", "low", "low_index")

    def __init__(self, values: NDArray[np.float64]) -> None:
        present = np.flatnonzero(~np.isnan(values))
        if present.size == 0:
            self.high = self.low = math.nan
            self.high_index = self.low_index = -1
            return
        chosen = values[present]
        self.high_index = int(present[int(np.argmax(chosen))])
        self.low_index = int(present[int(np.argmin(chosen))])
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
    group_rates: Mapping[str, NDArray[np.float64]],
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
    selection_rates: NDArray[np.float64], spread: Spread, names: Sequence[str], reference: int | None
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


def gaps(group_rates: Mapping[str, NDArray[np.float64]], names: Sequence[str]) -> dict[str, dict[str, Any]]:
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


def metric_values(cells: NDArray[np.int64], reference: int | None = None) -> dict[str, float]:
    """Just the disparity values (NaN when undefined) for one set of group counts: what the
    bootstrap recomputes for every resample."""
    group_rates = rates(cells)
    names = [str(index) for index in range(len(cells))]
    return {
        name: (math.nan if entry["value"] is None else float(entry["value"]))
        for name, entry in disparities(group_rates, names, reference).items()
    }
