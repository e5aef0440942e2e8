"""Bootstrap intervals: reproducible, honest about sample size, equal in distribution to row resampling."""

from __future__ import annotations

import numpy as np
import pandas as pd

from checker.fairness.bootstrap import bootstrap_intervals
from checker.fairness.compute import fairness_from_table
from checker.fairness.metrics import metric_values
from checker.fairness.options import FairnessOptions
from tests.fairness.conftest import random_frame

METRIC = "demographic_parity_difference"


def options(**changes: object) -> FairnessOptions:
    base: dict[str, object] = {"y_true": "label", "y_pred": "pred", "sensitive": ("race",), "bootstrap": 300}
    base.update(changes)
    return FairnessOptions(**base)  # type: ignore[arg-type]


def test_same_seed_same_intervals() -> None:
    frame = random_frame(30)
    first = fairness_from_table(frame, options(seed=3))
    second = fairness_from_table(frame, options(seed=3))
    assert first == second
    other = fairness_from_table(frame, options(seed=4))
    assert other["features"]["race"]["metrics"][METRIC]["ci"] != first["features"]["race"]["metrics"][METRIC]["ci"]


def test_interval_narrows_with_more_rows() -> None:
    """0.12 on 40 rows is not 0.12 on 40,000: the interval says so."""
    rng = np.random.default_rng(0)

    def frame(rows: int) -> pd.DataFrame:
        group = rng.integers(0, 2, rows)
        selected = rng.random(rows) < np.where(group == 1, 0.56, 0.44)
        return pd.DataFrame(
            {"label": rng.integers(0, 2, rows), "pred": selected.astype(int), "race": np.where(group, "b", "a")}
        )

    small = fairness_from_table(frame(40), options())["features"]["race"]["metrics"][METRIC]
    large = fairness_from_table(frame(40_000), options())["features"]["race"]["metrics"][METRIC]
    assert (small["ci"][1] - small["ci"][0]) > 5 * (large["ci"][1] - large["ci"][0])
    assert small["se"] > 5 * large["se"]
    assert large["ci"][0] <= large["value"] <= large["ci"][1]


def test_multinomial_draws_match_row_resampling_in_distribution() -> None:
    """Resampling rows with replacement (fairlearn's bootstrap) and drawing cell counts from the
    multinomial give the same distribution of the metric (compared on mean and spread)."""
    frame = random_frame(31, rows=300, groups=3)
    cells = fairness_from_table(frame, options(bootstrap=0))["features"]["race"]["groups"]
    counts = np.asarray([[g["tn"], g["fp"], g["fn"], g["tp"], 0] for g in cells.values()], dtype=np.int64)
    ours = bootstrap_intervals(counts, iterations=2000, seed=0, stream=0, confidence=0.95)[METRIC]

    rng = np.random.default_rng(1)
    codes = frame.race.map({name: index for index, name in enumerate(cells)}).to_numpy()
    key = codes * 4 + frame.label.to_numpy() * 2 + frame.pred.to_numpy()
    values = []
    for _ in range(2000):
        sample = rng.integers(0, len(frame), len(frame))
        resampled = np.bincount(key[sample], minlength=len(cells) * 4).reshape(-1, 4)
        present = resampled[resampled.sum(axis=1) > 0]
        values.append(metric_values(present)[METRIC])
    rows_se = float(np.std(values, ddof=1))
    assert abs(ours["se"] - rows_se) < 0.15 * rows_se
    low, high = np.quantile(values, [0.025, 0.975])
    assert abs(ours["ci"][0] - low) < 0.02 and abs(ours["ci"][1] - high) < 0.02


def test_undefined_replicates_are_counted_not_hidden() -> None:
    frame = pd.DataFrame({"label": [0, 1, 0, 1] * 3, "pred": [0] * 11 + [1], "race": ["a"] * 6 + ["b"] * 6})
    metric = fairness_from_table(frame, options(bootstrap=400))["features"]["race"]["metrics"][
        "demographic_parity_ratio"
    ]
    assert 0.0 < metric["undefined_fraction"] < 1.0


def test_bootstrap_is_recorded_in_the_document() -> None:
    document = fairness_from_table(random_frame(32), options(bootstrap=25, seed=9, confidence=0.9))
    assert document["bootstrap"]["iterations"] == 25 and document["bootstrap"]["confidence"] == 0.9
    assert "bootstrap" not in fairness_from_table(random_frame(32), options(bootstrap=0))
