"""Per-group performance: what the counts give, and ROC AUC, which only the rows give.

Accuracy, precision, recall, F1, FPR and FNR are functions of a group's confusion counts, so every
engine reports them (`metrics.rates`), whether the rows were in memory, streamed, counted by DuckDB or
Spark, or arrived as a counts table. ROC AUC is not: it ranks the scores, so it needs every row's score
and label. With `--auc` (memory engine, or `fairness_from_table`), comply disaggregates scikit-learn's
`roc_auc_score` over the groups with fairlearn's `MetricFrame`, on exactly the rows the counts used
(rows with a missing label, prediction or score are left out, as everywhere). A group whose rows are all
of one class has no AUC: `null`, and the group is already flagged `no_positives` or `no_negatives`.

The tests compute all seven with MetricFrame and scikit-learn from the same rows (`rows_frame`) and hold
the count-derived numbers of the document to them (1e-12).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from checker.fairness.counts import Counter, encode_groups
from checker.fairness.document import EXCLUDED
from checker.fairness.metrics import Spread
from checker.fairness.options import MISSING_GROUP, FairnessOptions

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

GroupAuc = dict[str, Any]
"""{"overall": float | None, "features": {feature name: {group name: float | None}}}."""


def _auc(y_true: Any, score: Any) -> float:
    """scikit-learn's roc_auc_score, NaN when the rows are all of one class (where it raises)."""
    from sklearn.metrics import roc_auc_score

    if len(np.unique(np.asarray(y_true))) < 2:
        return math.nan
    return float(roc_auc_score(y_true, score))


def rows_frame(batches: Iterator[pa.RecordBatch], options: FairnessOptions) -> pd.DataFrame:
    """The rows the counts used, as pandas: each sensitive column as its group name (`<missing>` for
    missing values), y_true and y_pred as 0/1 and the score."""
    import pandas as pd

    counter = Counter(options)
    parts = []
    for batch in batches:
        cell, score = counter._cells_and_score(batch, None)
        keep = cell != EXCLUDED
        part: dict[str, Any] = {}
        for column in options.sensitive:
            encoded = encode_groups(batch.column(column), column)
            names = np.asarray([MISSING_GROUP if name is None else name for name in encoded.names], dtype=object)
            part[column] = names[encoded.codes][keep]
        part["y_true"] = (cell[keep] >> 1).astype(np.int64)
        part["y_pred"] = (cell[keep] & 1).astype(np.int64)
        if score is not None:
            part["score"] = score[keep]
        parts.append(pd.DataFrame(part))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _units(options: FairnessOptions) -> list[tuple[str, ...]]:
    units: list[tuple[str, ...]] = [(column,) for column in options.sensitive]
    if options.intersections and len(options.sensitive) > 1:
        units.append(tuple(options.sensitive))
    return units


def _group_name(key: Any) -> str:
    return " & ".join(str(part) for part in key) if isinstance(key, tuple) else str(key)


def auc_by_group(batches: Iterator[pa.RecordBatch], options: FairnessOptions) -> GroupAuc:
    """Each analysis unit's per-group ROC AUC of the score, and the overall one (MetricFrame)."""
    from checker.extras import require

    require("fairlearn", "fairness", "--auc")
    require("sklearn", "fairness", "--auc")
    from fairlearn.metrics import MetricFrame

    frame = rows_frame(batches, options)
    result: GroupAuc = {"overall": None, "features": {}}
    if frame.empty:
        return result
    for unit in _units(options):
        metric = MetricFrame(
            metrics={"roc_auc": _auc},
            y_true=frame["y_true"],
            y_pred=frame["score"],
            sensitive_features=frame[list(unit)],
        )
        result["features"][" & ".join(unit)] = {
            _group_name(key): _number(value) for key, value in metric.by_group["roc_auc"].items()
        }
        result["overall"] = _number(metric.overall["roc_auc"])
    return result


def _number(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def add_auc(document: dict[str, Any], auc: GroupAuc) -> None:
    """Put the AUCs into the document: each group's `roc_auc`, the overall one, and its worst gap."""
    document["overall"]["roc_auc"] = auc["overall"]
    for name, feature in document["features"].items():
        values: Mapping[str, float | None] = auc["features"].get(name, {})
        groups = feature["groups"]
        for group, entry in groups.items():
            entry["roc_auc"] = values.get(group) if entry["count"] > 0 else None
        names = list(groups)
        spread = Spread([math.nan if groups[group]["roc_auc"] is None else groups[group]["roc_auc"] for group in names])
        if spread.low_index >= 0:
            feature["gaps"]["roc_auc"] = {
                "difference": spread.difference,
                "ratio": None if math.isnan(spread.ratio) else spread.ratio,
                "max": spread.high,
                "min": spread.low,
                "max_group": names[spread.high_index],
                "min_group": names[spread.low_index],
            }
