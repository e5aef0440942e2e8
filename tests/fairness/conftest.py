"""Shared helpers for the fairness tests: fairlearn's own numbers for the same rows, and data files."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import SHARED_DATA, need_shared

COMPAS = SHARED_DATA / "compas-scores-two-years.csv"
TOLERANCE = 1e-12


def fairlearn_reference(y_true: Any, y_pred: Any, sensitive: pd.Series | pd.DataFrame) -> dict[str, Any]:
    """What fairlearn itself computes: per-group rates (MetricFrame) and every disparity metric."""
    import sklearn.metrics as skm
    from fairlearn.metrics import (
        MetricFrame,
        count,
        demographic_parity_difference,
        demographic_parity_ratio,
        equal_opportunity_difference,
        equal_opportunity_ratio,
        equalized_odds_difference,
        equalized_odds_ratio,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_negative_rate,
        true_positive_rate,
    )

    metrics = {
        "count": count,
        "base_rate": lambda yt, yp: selection_rate(yt, yt),
        "selection_rate": selection_rate,
        "tpr": true_positive_rate,
        "fpr": false_positive_rate,
        "fnr": false_negative_rate,
        "tnr": true_negative_rate,
        "precision": skm.precision_score,
        "accuracy": skm.accuracy_score,
        "f1": skm.f1_score,
        "recall": skm.recall_score,
    }
    kwargs = {"y_true": y_true, "y_pred": y_pred, "sensitive_features": sensitive}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = MetricFrame(metrics=metrics, **kwargs)
        groups = {}
        for key, row in frame.by_group.iterrows():
            if not row["count"] > 0:  # fairlearn lists every combination of an intersection, even empty ones
                continue
            name = " & ".join(str(part) for part in key) if isinstance(key, tuple) else str(key)
            groups[name] = {metric: float(row[metric]) for metric in metrics}
        return {
            "groups": groups,
            "overall": {metric: float(frame.overall[metric]) for metric in metrics},
            "gaps": {metric: float(value) for metric, value in frame.difference().items()},
            "gap_ratios": {metric: float(value) for metric, value in frame.ratio().items()},
            "metrics": {
                "demographic_parity_difference": demographic_parity_difference(**kwargs),
                "demographic_parity_ratio": demographic_parity_ratio(**kwargs),
                "equalized_odds_difference": equalized_odds_difference(**kwargs),
                "equalized_odds_ratio": equalized_odds_ratio(**kwargs),
                "equal_opportunity_difference": equal_opportunity_difference(**kwargs),
                "equal_opportunity_ratio": equal_opportunity_ratio(**kwargs),
            },
        }


def same(ours: float | None, theirs: float) -> bool:
    """Equal to 1e-12, where comply's null is fairlearn's NaN."""
    if ours is None:
        return math.isnan(theirs)
    return not math.isnan(theirs) and abs(ours - theirs) <= TOLERANCE


def assert_matches_fairlearn(feature: dict[str, Any], reference: dict[str, Any]) -> None:
    """Every per-group rate, every gap and every disparity metric of one feature equals fairlearn's."""
    present = {name: group for name, group in feature["groups"].items() if group["count"] > 0}
    assert set(present) == set(reference["groups"])
    for name, theirs in reference["groups"].items():
        ours = present[name]
        assert ours["count"] == theirs["count"], name
        for rate, value in theirs.items():
            if rate != "count":
                assert same(ours[rate], value), (name, rate, ours[rate], value)
    for metric, value in reference["metrics"].items():
        assert same(feature["metrics"][metric]["value"], float(value)), (metric, feature["metrics"][metric], value)
    dpr = reference["metrics"]["demographic_parity_ratio"]
    if feature["reference_group"] is None:
        assert same(feature["metrics"]["disparate_impact_ratio"]["value"], float(dpr))
    for rate, gap in feature["gaps"].items():
        if rate not in reference["gaps"]:  # roc_auc (--auc): held to MetricFrame in test_performance
            continue
        assert same(gap["difference"], reference["gaps"][rate]), rate
        assert same(gap["ratio"], reference["gap_ratios"][rate]), rate


@pytest.fixture
def compas_frame() -> pd.DataFrame:
    """ProPublica's COMPAS two-year data with their usual filter, read in place from shared/data."""
    frame = pd.read_csv(need_shared(COMPAS))
    keep = (
        frame["days_b_screening_arrest"].between(-30, 30)
        & (frame["is_recid"] != -1)
        & (frame["c_charge_degree"] != "O")
        & (frame["score_text"] != "N/A")
    )
    return frame.loc[keep].reset_index(drop=True)


def random_frame(seed: int, rows: int = 500, groups: int = 4) -> pd.DataFrame:
    """A small synthetic predictions table."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "label": rng.integers(0, 2, rows),
            "pred": rng.integers(0, 2, rows),
            "proba": rng.random(rows),
            "sex": rng.choice(["female", "male"], rows),
            "race": rng.choice([f"r{index}" for index in range(groups)], rows),
        }
    )
