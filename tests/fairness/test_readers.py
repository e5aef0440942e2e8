"""Reading predictions: every format, every engine, every label encoding gives the same counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from checker.fairness.compute import compute_fairness, fairness_from_table
from checker.fairness.options import MISSING_GROUP, FairnessOptions
from tests.fairness.conftest import assert_matches_fairlearn, fairlearn_reference, random_frame

ENGINES = ("memory", "stream", "duckdb")


def write(frame: pd.DataFrame, path: Path) -> Path:
    """Write `frame` as CSV, Parquet or JSON Lines by the suffix of `path`."""
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        with path.open("w", encoding="utf-8") as handle:
            for record in frame.to_dict(orient="records"):
                clean = {
                    key: (None if isinstance(value, float) and np.isnan(value) else value)
                    for key, value in record.items()
                }
                handle.write(json.dumps(clean) + "\n")
    return path


def without_provenance(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "provenance"}


@pytest.fixture
def messy() -> pd.DataFrame:
    """Missing sensitive values, missing labels and predictions, a tiny group."""
    frame = random_frame(21, rows=900)
    frame.loc[::13, "race"] = None
    frame["label"] = frame["label"].astype("float")
    frame.loc[5::17, "label"] = np.nan
    frame["pred"] = frame["pred"].astype("float")
    frame.loc[7::29, "pred"] = np.nan
    frame.loc[:2, "race"] = "tiny"
    return frame


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_every_engine_gives_identical_numbers(tmp_path: Path, messy: pd.DataFrame, suffix: str) -> None:
    path = write(messy, tmp_path / f"predictions{suffix}")
    options = FairnessOptions(
        y_true="label", y_pred="pred", sensitive=("race", "sex"), intersections=True, bootstrap=50, batch_rows=97
    )
    documents = {
        engine: compute_fairness(path, FairnessOptions(**{**options.__dict__, "engine": engine})) for engine in ENGINES
    }
    reference = without_provenance(documents["memory"])
    for engine in ("stream", "duckdb"):
        assert without_provenance(documents[engine]) == reference, engine
    assert documents["stream"]["provenance"]["engine"] == "stream"


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_files_match_fairlearn_after_excluding_missing_labels(tmp_path: Path, messy: pd.DataFrame, suffix: str) -> None:
    path = write(messy, tmp_path / f"predictions{suffix}")
    document = compute_fairness(path, FairnessOptions(y_true="label", y_pred="pred", sensitive=("race",)))
    used = messy.dropna(subset=["label", "pred"])
    reference = fairlearn_reference(used.label.astype(int), used.pred.astype(int), used.race.fillna(MISSING_GROUP))
    assert_matches_fairlearn(document["features"]["race"], reference)
    excluded = len(messy) - len(used)
    assert document["rows"] == {"total": len(messy), "used": len(used), "excluded": excluded}
    assert sum(group["excluded"] for group in document["features"]["race"]["groups"].values()) == excluded


def test_score_column_gives_the_same_numbers_in_every_engine(tmp_path: Path) -> None:
    frame = random_frame(4, rows=700)
    frame.loc[::31, "proba"] = np.nan
    path = write(frame, tmp_path / "scores.parquet")
    documents = [
        compute_fairness(path, FairnessOptions(y_true="label", score="proba", sensitive=("race",), engine=engine))
        for engine in ENGINES
    ]
    for document in documents[1:]:
        for name, group in document["features"]["race"]["groups"].items():
            expected = documents[0]["features"]["race"]["groups"][name]
            assert {k: v for k, v in group.items() if k != "mean_score"} == {
                k: v for k, v in expected.items() if k != "mean_score"
            }
            assert group["mean_score"] == pytest.approx(expected["mean_score"], abs=1e-12)
    assert documents[0]["rows"]["excluded"] == frame.proba.isna().sum()


@pytest.mark.parametrize(
    ("labels", "predictions", "positive"),
    [
        pytest.param([0, 1, 1, 0, 1, 0], [1, 1, 0, 0, 1, 1], (), id="zero-one"),
        pytest.param(
            [False, True, True, False, True, False], [True, True, False, False, True, True], (), id="booleans"
        ),
        pytest.param([-1, 1, 1, -1, 1, -1], [1, 1, -1, -1, 1, 1], (), id="minus-one-one"),
        pytest.param([0.0, 1.0, 1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0, 1.0, 1.0], (), id="floats"),
        pytest.param(
            ["no", "yes", "yes", "no", "yes", "no"], ["yes", "yes", "no", "no", "yes", "yes"], ("yes",), id="strings"
        ),
        pytest.param([2, 1, 1, 2, 1, 2], [1, 1, 2, 2, 1, 1], ("1",), id="positive-number"),
        pytest.param([1, 0, 0, 1, 0, 1], [0, 0, 1, 1, 0, 0], ("0",), id="zero-is-positive"),
    ],
)
def test_label_encodings(tmp_path: Path, labels: list[Any], predictions: list[Any], positive: tuple[str, ...]) -> None:
    frame = pd.DataFrame({"label": labels, "pred": predictions, "race": ["a", "a", "a", "b", "b", "b"]})
    expected = pd.DataFrame({"label": [0, 1, 1, 0, 1, 0], "pred": [1, 1, 0, 0, 1, 1], "race": frame.race})
    reference = fairness_from_table(expected, FairnessOptions(y_true="label", y_pred="pred", sensitive=("race",)))
    options = FairnessOptions(y_true="label", y_pred="pred", sensitive=("race",), positive_label=positive)
    for suffix in (".csv", ".parquet", ".jsonl"):
        path = write(frame, tmp_path / f"labels{suffix}")
        for engine in ENGINES:
            document = compute_fairness(path, FairnessOptions(**{**options.__dict__, "engine": engine}))
            assert document["features"] == reference["features"], (suffix, engine)


def test_several_positive_labels_make_one_versus_rest() -> None:
    frame = pd.DataFrame(
        {"label": [0, 1, 1, 0], "pred": ["Low", "High", "Medium", "Medium"], "race": ["a", "a", "b", "b"]}
    )
    options = FairnessOptions(
        y_true="label",
        y_pred="pred",
        sensitive=("race",),
        positive_label=("1",),
        pred_positive_label=("Medium", "High"),
    )
    groups = fairness_from_table(frame, options)["features"]["race"]["groups"]
    assert (groups["a"]["tp"], groups["a"]["tn"], groups["b"]["tp"], groups["b"]["fp"]) == (1, 1, 1, 1)


def test_csv_sensitive_values_keep_their_text(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("label,pred,region\n1,1,007\n0,1,007\n1,0,12\n0,0,\n1,1,NA\n")
    groups = compute_fairness(path, FairnessOptions(y_true="label", y_pred="pred", sensitive=("region",)))["features"][
        "region"
    ]["groups"]
    assert set(groups) == {"007", "12", MISSING_GROUP}
    assert groups[MISSING_GROUP]["count"] == 2


def test_parquet_integer_and_boolean_groups_are_named_as_text(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"label": [1, 0, 1, 0], "pred": [1, 1, 0, 0], "code": [1, 1, 2, 2], "flag": [True, False, True, False]}
    )
    path = write(frame, tmp_path / "typed.parquet")
    for engine in ENGINES:
        document = compute_fairness(
            path, FairnessOptions(y_true="label", y_pred="pred", sensitive=("code", "flag"), engine=engine)
        )
        assert set(document["features"]["code"]["groups"]) == {"1", "2"}
        assert set(document["features"]["flag"]["groups"]) == {"true", "false"}


def test_group_left_empty_by_missing_labels_is_reported_and_flagged(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"label": [1, 0, 1, 0, None, None], "pred": [1, 1, 0, 0, 1, 0], "race": ["a", "a", "b", "b", "c", "c"]}
    )
    path = write(frame, tmp_path / "empty.parquet")
    feature = compute_fairness(path, FairnessOptions(y_true="label", y_pred="pred", sensitive=("race",)))["features"][
        "race"
    ]
    assert feature["groups"]["c"]["count"] == 0 and feature["groups"]["c"]["excluded"] == 2
    assert "empty" in feature["groups"]["c"]["flags"] and feature["groups"]["c"]["tpr"] is None
    assert feature["empty_groups"] == ["c"] and "empty_groups" in feature["flags"]
    assert feature["group_count"] == 2
    used = frame.dropna()
    assert_matches_fairlearn(feature, fairlearn_reference(used.label.astype(int), used.pred, used.race))


def test_in_memory_arrow_table_and_pandas_agree() -> None:
    import pyarrow as pa

    frame = random_frame(11)
    options = FairnessOptions(y_true="label", y_pred="pred", sensitive=("race", "sex"), intersections=True)
    assert (
        fairness_from_table(frame, options)["features"]
        == fairness_from_table(pa.Table.from_pandas(frame), options)["features"]
    )


def test_pandas_categorical_sensitive_column() -> None:
    frame = random_frame(12)
    categorical = frame.assign(race=frame.race.astype("category"))
    options = FairnessOptions(y_true="label", y_pred="pred", sensitive=("race",))
    assert fairness_from_table(categorical, options)["features"] == fairness_from_table(frame, options)["features"]
