"""Every number comply computes equals fairlearn's on the same rows (to 1e-12)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.fairness.compute import fairness_from_table
from checker.fairness.options import MISSING_GROUP, FairnessOptions
from tests.fairness.conftest import assert_matches_fairlearn, fairlearn_reference, random_frame, same


def options(**changes: object) -> FairnessOptions:
    base: dict[str, object] = {"y_true": "label", "y_pred": "pred", "sensitive": ("race",)}
    base.update(changes)
    return FairnessOptions(**base)  # type: ignore[arg-type]


@st.composite
def predictions(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(min_value=1, max_value=120))
    groups = draw(st.integers(min_value=1, max_value=5))
    row = st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, groups - 1), st.integers(0, 2))
    data = draw(st.lists(row, min_size=rows, max_size=rows))
    return pd.DataFrame(
        {
            "label": [item[0] for item in data],
            "pred": [item[1] for item in data],
            "race": [f"g{item[2]}" for item in data],
            "sex": [("a", "b", "c")[item[3]] for item in data],
        }
    )


@settings(max_examples=80, deadline=None, derandomize=True)
@given(predictions())
def test_random_data_matches_fairlearn(frame: pd.DataFrame) -> None:
    document = fairness_from_table(frame, options())
    assert_matches_fairlearn(document["features"]["race"], fairlearn_reference(frame.label, frame.pred, frame.race))


@settings(max_examples=20, deadline=None, derandomize=True)
@given(predictions())
def test_random_intersections_match_fairlearn(frame: pd.DataFrame) -> None:
    document = fairness_from_table(frame, options(sensitive=("race", "sex"), intersections=True))
    reference = fairlearn_reference(frame.label, frame.pred, frame[["race", "sex"]])
    assert_matches_fairlearn(document["features"]["race & sex"], reference)
    assert_matches_fairlearn(document["features"]["sex"], fairlearn_reference(frame.label, frame.pred, frame.sex))


def test_overall_matches_fairlearn() -> None:
    frame = random_frame(3)
    document = fairness_from_table(frame, options())
    reference = fairlearn_reference(frame.label, frame.pred, frame.race)["overall"]
    for rate, value in reference.items():
        assert same(document["overall"][rate], value), rate


@pytest.mark.parametrize(
    ("label", "pred", "race"),
    [
        pytest.param(
            [0, 0, 1, 1, 0, 0], [0, 1, 1, 0, 1, 0], ["a", "a", "a", "a", "b", "b"], id="group-without-positives"
        ),
        pytest.param(
            [1, 1, 1, 0, 1, 1], [0, 1, 1, 0, 1, 0], ["a", "a", "a", "a", "b", "b"], id="group-without-negatives"
        ),
        pytest.param([0, 1, 0, 1], [1, 0, 0, 1], ["a", "a", "a", "a"], id="single-group"),
        pytest.param([0, 1, 0, 1], [0, 0, 0, 0], ["a", "a", "b", "b"], id="all-predictions-negative"),
        pytest.param([0, 1, 0, 1], [1, 1, 1, 1], ["a", "a", "b", "b"], id="all-predictions-positive"),
        pytest.param([0, 0, 0, 0], [0, 0, 0, 0], ["a", "a", "b", "b"], id="everything-zero"),
        pytest.param([0, 0, 0, 0], [1, 0, 1, 1], ["a", "a", "b", "b"], id="no-positives-anywhere"),
        pytest.param([1, 1, 1, 1], [1, 0, 1, 1], ["a", "a", "b", "b"], id="no-negatives-anywhere"),
        pytest.param([1, 0, 1, 0], [1, 0, 0, 1], ["a", "b", "c", "d"], id="one-row-groups"),
    ],
)
def test_edge_cases_match_fairlearn(label: list[int], pred: list[int], race: list[str]) -> None:
    frame = pd.DataFrame({"label": label, "pred": pred, "race": race})
    document = fairness_from_table(frame, options())
    assert_matches_fairlearn(document["features"]["race"], fairlearn_reference(frame.label, frame.pred, frame.race))


def test_zero_denominators_are_flagged() -> None:
    frame = pd.DataFrame({"label": [0, 0, 1, 1], "pred": [0, 0, 1, 0], "race": ["a", "a", "b", "b"]})
    group = fairness_from_table(frame, options())["features"]["race"]["groups"]["a"]
    assert group["tpr"] == 0.0 and group["precision"] == 0.0
    assert {"no_positives", "no_predicted_positives", "small"} <= set(group["flags"])


def test_undefined_ratio_is_null_with_a_reason() -> None:
    frame = pd.DataFrame({"label": [0, 1, 0, 1], "pred": [0, 0, 0, 0], "race": ["a", "a", "b", "b"]})
    metrics = fairness_from_table(frame, options())["features"]["race"]["metrics"]
    assert metrics["demographic_parity_ratio"]["value"] is None
    assert "0/0" in metrics["demographic_parity_ratio"]["undefined"]
    assert metrics["demographic_parity_difference"]["value"] == 0.0


def test_single_group_is_flagged() -> None:
    frame = pd.DataFrame({"label": [0, 1, 0, 1], "pred": [1, 0, 0, 1], "race": ["a"] * 4})
    assert "single_group" in fairness_from_table(frame, options())["features"]["race"]["flags"]


def test_missing_sensitive_values_form_their_own_group() -> None:
    """fairlearn refuses missing sensitive values; comply reports them as the group `<missing>`,
    whose numbers equal fairlearn's on the same rows with the gap filled by that name."""
    frame = random_frame(5)
    frame.loc[::7, "race"] = None
    document = fairness_from_table(frame, options())
    feature = document["features"]["race"]
    assert "missing_value" in feature["groups"][MISSING_GROUP]["flags"]
    assert "missing_values" in feature["flags"]
    filled = frame.race.fillna(MISSING_GROUP)
    assert_matches_fairlearn(feature, fairlearn_reference(frame.label, frame.pred, filled))


def test_nan_in_a_numeric_sensitive_column_is_missing() -> None:
    frame = pd.DataFrame({"label": [0, 1, 0, 1, 1], "pred": [0, 1, 1, 1, 0], "age": [20.0, np.nan, 30.0, 20.0, np.nan]})
    groups = fairness_from_table(frame, options(sensitive=("age",)))["features"]["age"]["groups"]
    assert set(groups) == {"20.0", "30.0", MISSING_GROUP}
    assert groups[MISSING_GROUP]["count"] == 2


def test_reference_group_disparate_impact() -> None:
    frame = pd.DataFrame({"label": [0] * 10, "pred": [1, 1, 1, 1, 0, 1, 1, 0, 0, 0], "race": ["a"] * 5 + ["b"] * 5})
    metric = fairness_from_table(frame, options(reference_groups=(("race", "a"),)))["features"]["race"]["metrics"][
        "disparate_impact_ratio"
    ]
    assert metric["value"] == pytest.approx((2 / 5) / (4 / 5))
    assert metric["groups"] == ["b", "a"] and metric["reference_group"] == "a"


def test_mean_score_matches_fairlearn_mean_prediction() -> None:
    from fairlearn.metrics import MetricFrame, mean_prediction

    frame = random_frame(8)
    document = fairness_from_table(frame, options(score="proba"))
    frame_ = MetricFrame(metrics=mean_prediction, y_true=frame.label, y_pred=frame.proba, sensitive_features=frame.race)
    for name, value in frame_.by_group.items():
        assert document["features"]["race"]["groups"][name]["mean_score"] == pytest.approx(value, abs=1e-12)


def test_predictions_from_score_threshold() -> None:
    frame = random_frame(9)
    derived = fairness_from_table(frame, options(y_pred=None, score="proba", threshold=0.3))
    frame["thresholded"] = (frame.proba >= 0.3).astype(int)
    reference = fairlearn_reference(frame.label, frame.thresholded, frame.race)
    assert_matches_fairlearn(derived["features"]["race"], reference)
