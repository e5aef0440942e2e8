"""COMPAS (ProPublica's two-year recidivism release): error rates of the "higher risk" label by race.

The label is `two_year_recid`; COMPAS says "higher risk" when `score_text` is Medium or High. The file
is read in place from ../shared/data (never copied into the project); the tests skip when it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from checker.fairness.compute import fairness_from_table
from checker.fairness.options import FairnessOptions
from tests.conftest import comply, need_shared
from tests.fairness.conftest import COMPAS, assert_matches_fairlearn, fairlearn_reference, same

HIGHER_RISK = ("Medium", "High")
CLI_OPTIONS = (
    "--y-true",
    "two_year_recid",
    "--y-pred",
    "score_text",
    *(part for label in HIGHER_RISK for part in ("--pred-positive-label", label)),
    "--sensitive",
    "race",
)


def higher_risk(frame: pd.DataFrame) -> pd.Series:
    return frame.score_text.isin(HIGHER_RISK).astype(int)


def test_filtered_compas_matches_fairlearn(compas_frame: pd.DataFrame) -> None:
    """ProPublica's analysis filter (6,172 people): every rate and metric by race equals fairlearn's."""
    assert len(compas_frame) == 6172
    options = FairnessOptions(
        y_true="two_year_recid", y_pred="score_text", sensitive=("race",), pred_positive_label=HIGHER_RISK
    )
    document = fairness_from_table(compas_frame[["two_year_recid", "score_text", "race"]], options)
    reference = fairlearn_reference(compas_frame.two_year_recid, higher_risk(compas_frame), compas_frame.race)
    assert_matches_fairlearn(document["features"]["race"], reference)


def test_compas_cli_on_the_file_in_place_matches_fairlearn_and_propublica() -> None:
    """The whole release (7,214 people) through the CLI, every engine: false-positive and false-negative
    rates by race equal fairlearn's, and ProPublica's published figures (Black defendants labelled
    higher risk but not re-offending 44.9%, white 23.5%; labelled lower risk yet re-offending 28.0% and
    47.7%)."""
    frame = pd.read_csv(need_shared(COMPAS))
    reference = fairlearn_reference(frame.two_year_recid, higher_risk(frame), frame.race)
    for engine in ("memory", "stream", "duckdb"):
        done = comply("fairness", str(COMPAS), *CLI_OPTIONS, "--engine", engine, "--format", "json")
        assert done.returncode == 0, done.stderr
        feature = json.loads(done.stdout)["features"]["race"]
        assert_matches_fairlearn(feature, reference)
        groups = feature["groups"]
        for race, group in reference["groups"].items():
            assert same(groups[race]["fpr"], group["fpr"]) and same(groups[race]["fnr"], group["fnr"]), (engine, race)
        assert groups["African-American"]["fpr"] == pytest.approx(0.449, abs=0.0015)
        assert groups["Caucasian"]["fpr"] == pytest.approx(0.235, abs=0.0015)
        assert groups["African-American"]["fnr"] == pytest.approx(0.280, abs=0.0015)
        assert groups["Caucasian"]["fnr"] == pytest.approx(0.477, abs=0.0015)
        assert sorted(feature["small_groups"]) == ["Native American"]


def test_compas_gate_fails_on_the_error_rate_gap(compas_frame: pd.DataFrame, tmp_path: Path) -> None:
    """Judged by the policies: the equalized-odds gap by race fails the organisation's 0.10 threshold,
    the message naming the groups, and a bootstrap interval that excludes the threshold keeps it a
    failure."""
    predictions = tmp_path / "compas.parquet"
    compas_frame[["two_year_recid", "score_text", "race", "sex"]].to_parquet(predictions, index=False)
    (tmp_path / "comply.yaml").write_text(
        "fairness:\n  y_true: two_year_recid\n  y_pred: score_text\n"
        "  pred_positive_label: [Medium, High]\n  sensitive: [race]\n  bootstrap: 200\n"
    )
    card = Path(__file__).resolve().parents[2] / "examples" / "credit-scoring" / "model_card.yaml"
    done = comply(
        "check",
        str(card),
        "--config",  # the card is elsewhere: name the config here, not the card's own
        "comply.yaml",
        "--predictions",
        str(predictions),
        "--format",
        "json",
        "--reference-date",
        "2028-01-01",
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    results = {result["id"]: result for result in report["cards"][0]["results"]}
    odds = results["org.fairness.equalized_odds"]
    assert odds["status"] == "fail"
    message = odds["findings"][0]["message"]
    assert message.startswith("race: equalized_odds_difference") and "not a legal limit" in message
