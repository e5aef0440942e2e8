"""Per-group performance (accuracy, precision, recall, F1, FPR, FNR, ROC AUC): the numbers comply derives
from counts, in every engine and from a counts table, equal fairlearn's MetricFrame over scikit-learn's
metrics on the same rows (1e-12); ROC AUC, which needs the rows, is MetricFrame's and only in memory."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from checker.fairness.compute import compute_fairness, fairness_from_table
from checker.fairness.options import FairnessOptions
from checker.fairness.performance import rows_frame
from checker.schemas import validate
from tests.conftest import assert_one_line_error, comply

METRICS = ("accuracy", "precision", "recall", "f1", "fpr", "fnr")


def performance_with_fairlearn(frame: pd.DataFrame, columns: list[str]) -> dict[str, dict[str, float]]:
    """fairlearn MetricFrame over scikit-learn's metrics, per group, from the rows."""
    import sklearn.metrics as skm
    from fairlearn.metrics import MetricFrame, false_negative_rate, false_positive_rate

    metrics = {
        "accuracy": skm.accuracy_score,
        "precision": lambda y, p: skm.precision_score(y, p, zero_division=0),
        "recall": lambda y, p: skm.recall_score(y, p, zero_division=0),
        "f1": lambda y, p: skm.f1_score(y, p, zero_division=0),
        "fpr": false_positive_rate,
        "fnr": false_negative_rate,
    }

    def auc(y: Any, score: Any) -> float:
        return float(skm.roc_auc_score(y, score)) if len(set(y)) == 2 else math.nan

    labelled = MetricFrame(
        metrics=metrics, y_true=frame["y_true"], y_pred=frame["y_pred"], sensitive_features=frame[columns]
    )
    scored = MetricFrame(
        metrics={"roc_auc": auc}, y_true=frame["y_true"], y_pred=frame["score"], sensitive_features=frame[columns]
    )
    result: dict[str, dict[str, float]] = {}
    for key, row in labelled.by_group.iterrows():
        name = " & ".join(key) if isinstance(key, tuple) else str(key)
        if not math.isnan(float(row["accuracy"])):
            result[name] = {metric: float(row[metric]) for metric in metrics}
    for key, value in scored.by_group["roc_auc"].items():
        name = " & ".join(key) if isinstance(key, tuple) else str(key)
        if name in result:
            result[name]["roc_auc"] = float(value)
    return result


def predictions(seed: int, rows: int = 1_500) -> pd.DataFrame:
    """Random predictions with missing values, a group with only negatives and one never predicted positive."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["female", "male", None], rows, p=[0.45, 0.45, 0.1]),
            "region": rng.choice(["north", "south", "east", "west"], rows),
            "y_true": pd.array(rng.integers(0, 2, rows), dtype="Int64"),
            "y_pred": rng.integers(0, 2, rows),
            "score": rng.random(rows),
        }
    )
    frame.loc[rng.random(rows) < 0.03, "y_true"] = pd.NA
    frame.loc[rng.random(rows) < 0.03, "score"] = np.nan
    frame.loc[frame["region"] == "west", "y_true"] = 0  # one class only: no AUC, recall 0 by convention
    frame.loc[frame["region"] == "east", "y_pred"] = 0  # never predicted positive: precision and F1 0
    return frame


OPTIONS = FairnessOptions(
    y_true="y_true", y_pred="y_pred", score="score", sensitive=("sex", "region"), intersections=True, auc=True
)


def same(ours: float | None, theirs: float) -> bool:
    if ours is None:
        return math.isnan(theirs)
    return abs(ours - theirs) <= 1e-12


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counts_and_metricframe_agree_on_every_group(seed: int) -> None:
    frame = predictions(seed)
    document = fairness_from_table(frame, OPTIONS)
    validate(document, "fairness")
    rows = rows_frame(iter(pa.Table.from_pandas(frame, preserve_index=False).to_batches()), OPTIONS)
    for name in ("sex", "region", "sex & region"):
        columns = name.split(" & ")
        reference = performance_with_fairlearn(rows, columns)
        groups = {group: entry for group, entry in document["features"][name]["groups"].items() if entry["count"]}
        assert set(groups) == set(reference), name
        for group, theirs in reference.items():
            for metric, value in theirs.items():
                assert same(groups[group][metric], value), (name, group, metric, groups[group][metric], value)
    assert document["features"]["region"]["groups"]["west"]["roc_auc"] is None
    assert document["features"]["region"]["groups"]["east"]["f1"] == 0.0
    overall = performance_with_fairlearn(rows.assign(all="all"), ["all"])["all"]
    assert all(same(document["overall"][metric], overall[metric]) for metric in (*METRICS, "roc_auc"))
    assert document["features"]["region"]["gaps"]["roc_auc"]["min_group"] in {"north", "south", "east"}


def test_every_engine_and_a_counts_table_give_the_count_metrics(tmp_path: Path) -> None:
    frame = predictions(4)
    path = tmp_path / "predictions.parquet"
    frame.to_parquet(path, index=False)
    options = {"y_true": "y_true", "y_pred": "y_pred", "sensitive": ("sex", "region")}
    documents = [compute_fairness(path, FairnessOptions(**options, engine=e)) for e in ("memory", "stream", "duckdb")]
    counts = frame.groupby(["sex", "region", "y_true", "y_pred"], dropna=False).size().reset_index(name="n")
    counts_path = tmp_path / "counts.parquet"
    counts.to_parquet(counts_path, index=False)
    documents.append(compute_fairness(counts_path, FairnessOptions(**options, count_column="n")))
    first = documents[0]["features"]["region"]["groups"]
    for document in documents[1:]:
        groups = document["features"]["region"]["groups"]
        for group, entry in first.items():
            assert {metric: groups[group][metric] for metric in METRICS} == {
                metric: entry[metric] for metric in METRICS
            }
            assert "roc_auc" not in groups[group]


def test_auc_through_the_cli_and_where_it_cannot_be(tmp_path: Path) -> None:
    path = tmp_path / "predictions.parquet"
    predictions(5).to_parquet(path, index=False)
    columns = ("--y-true", "y_true", "--y-pred", "y_pred", "-s", "sex", "--score", "score")
    done = comply("fairness", str(path), *columns, "--auc", "-f", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert isinstance(document["features"]["sex"]["groups"]["female"]["roc_auc"], float)
    assert_one_line_error(
        comply("fairness", str(path), *columns, "--auc", "--engine", "duckdb"), "ROC AUC cannot come from counts"
    )
    assert_one_line_error(
        comply("fairness", str(path), "--y-true", "y_true", "--y-pred", "y_pred", "-s", "sex", "--auc"),
        "--auc needs a score column",
    )
