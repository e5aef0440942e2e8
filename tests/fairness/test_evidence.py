"""Fairness evidence for the input document: computed, from a file, or declared in the card — one shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.errors import InputError, UsageError
from checker.evidence.fairness import declared_from_card, load_fairness_file, predictions_evidence
from checker.fairness.compute import fairness_from_table
from checker.fairness.options import FairnessOptions
from checker.schemas import validate
from tests.conftest import comply
from tests.fairness.conftest import random_frame

OPTIONS = FairnessOptions(y_true="label", y_pred="pred", sensitive=("race", "sex"), intersections=True, bootstrap=20)


def test_computed_document_is_schema_valid(tmp_path: Path) -> None:
    frame = random_frame(40)
    frame.loc[::9, "race"] = None
    validate(fairness_from_table(frame, OPTIONS), "fairness")


def test_predictions_evidence_accepts_options_or_comply_yaml_mapping(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    random_frame(41).to_parquet(path, index=False)
    from_options = predictions_evidence(path, OPTIONS)
    from_mapping = predictions_evidence(
        path,
        {"y_true": "label", "y_pred": "pred", "sensitive": ["race", "sex"], "intersections": True, "bootstrap": 20},
    )
    assert from_options == from_mapping
    assert from_options["source"] == "computed"
    validate(from_options, "fairness")


def test_predictions_evidence_without_options_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="fairness:"):
        predictions_evidence(tmp_path / "p.parquet", {})
    with pytest.raises(UsageError, match="unknown option 'label'"):
        predictions_evidence(tmp_path / "p.parquet", {"label": "x", "y_true": "y", "sensitive": "s"})


def test_computed_file_round_trips(tmp_path: Path) -> None:
    document = fairness_from_table(random_frame(42), OPTIONS)
    path = tmp_path / "fairness.json"
    path.write_text(json.dumps(document))
    loaded, source = load_fairness_file(path)
    assert loaded == document
    assert source.line_of("features.race.metrics.demographic_parity_difference.value") is not None


def test_tampered_computed_file_is_rejected(tmp_path: Path) -> None:
    document = fairness_from_table(random_frame(43), OPTIONS)
    document["features"]["race"]["metrics"]["demographic_parity_difference"]["value"] = "low"
    path = tmp_path / "fairness.json"
    path.write_text(json.dumps(document))
    with pytest.raises(InputError, match="demographic_parity_difference"):
        load_fairness_file(path)


def test_declared_file_is_normalized(tmp_path: Path) -> None:
    path = tmp_path / "declared.yaml"
    path.write_text(
        "sensitive_features: [sex]\nreport_uri: https://example.eu/bias.pdf\n"
        "features:\n  sex:\n    reference_group: male\n    metrics:\n"
        "      demographic_parity_difference: 0.04\n"
        "      disparate_impact_ratio: {value: 0.91, ci: [0.85, 0.97], groups: [female, male]}\n"
        "      calibration_gap: 0.01\n"
        "    groups: {female: {count: 1200, selection_rate: 0.31}, male: {count: 1340}}\n"
    )
    document, _ = load_fairness_file(path)
    validate(document, "fairness")
    assert document["source"] == "declared"
    feature = document["features"]["sex"]
    assert feature["metrics"]["demographic_parity_difference"] == {"value": 0.04}
    assert feature["metrics"]["disparate_impact_ratio"]["ci"] == [0.85, 0.97]
    assert feature["other_metrics"] == {"calibration_gap": {"value": 0.01}}
    assert feature["groups"]["female"] == {"count": 1200, "selection_rate": 0.31}
    assert document["provenance"]["format"] == "yaml" and len(document["provenance"]["sha256"]) == 64


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("metrics: {demographic_parity_difference: low}\n", "expected a number"),
        ("features: {sex: {metrics: {demographic_parity_difference: .nan}}}\n", "not a finite number"),
        ("features: [sex]\n", "expected a mapping of feature name"),
        ("report_uri: x\n", "no fairness numbers"),
        ("- 1\n", "must be a mapping"),
        ("features: {sex: {metrics: {x: 1}, groups: {a: {count: 1.5}}}}\n", "whole number"),
    ],
)
def test_bad_declared_files(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "declared.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=needle):
        load_fairness_file(path)


def test_card_declaration_top_level_metrics_become_one_feature() -> None:
    card = {
        "ethical_considerations": {
            "bias_analysis": {
                "metrics": {"demographic_parity_difference": 0.04, "equalized_odds_difference": 0.05},
                "sensitive_features": ["sex", "age_band"],
                "report_uri": "https://docs.example.eu/bias-report.pdf",
            }
        }
    }
    document = declared_from_card(card)
    assert document is not None
    validate(document, "fairness")
    feature = document["features"]["sex, age_band"]
    assert feature["columns"] == ["sex", "age_band"] and feature["flags"] == ["not_disaggregated"]
    assert feature["metrics"]["equalized_odds_difference"] == {"value": 0.05}
    assert document["provenance"] == {"format": "card", "field": "card.ethical_considerations.bias_analysis"}


def test_card_bias_analysis_wins_over_evaluation_fairness() -> None:
    card = {
        "ethical_considerations": {
            "bias_analysis": {"features": {"sex": {"metrics": {"demographic_parity_difference": 0.02}}}}
        },
        "evaluation": {
            "fairness": {
                "features": {
                    "sex": {"metrics": {"demographic_parity_difference": 0.3}},
                    "age": {"metrics": {"demographic_parity_difference": 0.07}},
                }
            }
        },
    }
    document = declared_from_card(card)
    assert document is not None
    assert document["features"]["sex"]["metrics"]["demographic_parity_difference"]["value"] == 0.02
    assert document["features"]["age"]["metrics"]["demographic_parity_difference"]["value"] == 0.07
    assert document["sensitive_features"] == ["sex", "age"]


def test_card_without_numbers_declares_nothing() -> None:
    assert declared_from_card({}) is None
    assert declared_from_card({"ethical_considerations": {"bias_analysis": {"report_uri": "x"}}}) is None


def test_card_with_a_bad_number_names_the_field() -> None:
    card = {"ethical_considerations": {"bias_analysis": {"metrics": {"demographic_parity_difference": True}}}}
    with pytest.raises(
        InputError, match=r"card\.ethical_considerations\.bias_analysis\.metrics\.demographic_parity_difference"
    ):
        declared_from_card(card)


def test_check_with_a_fairness_file_and_with_predictions_agree(tmp_path: Path) -> None:
    """`comply fairness -o` then `comply check --fairness` judges exactly what `--predictions` judges."""
    predictions = tmp_path / "predictions.csv"
    random_frame(44, rows=600).to_csv(predictions, index=False)
    (tmp_path / "comply.yaml").write_text("fairness:\n  y_true: label\n  y_pred: pred\n  sensitive: [race, sex]\n")
    card = Path(__file__).resolve().parents[2] / "examples" / "credit-scoring" / "model_card.yaml"
    computed = tmp_path / "fairness.json"
    assert comply("fairness", str(predictions), "-o", str(computed), cwd=tmp_path).returncode == 0
    # the card lives elsewhere: its own comply.yaml would apply, so name the one here
    reports = [
        comply(
            "check",
            str(card),
            "--config",
            "comply.yaml",
            flag,
            str(path),
            "--format",
            "json",
            "--reference-date",
            "2028-01-01",
            cwd=tmp_path,
        )
        for flag, path in (("--predictions", predictions), ("--fairness", computed))
    ]
    results = []
    for done in reports:
        assert done.returncode in (0, 1), done.stderr
        card_result = json.loads(done.stdout)["cards"][0]
        results.append(
            {
                r["id"]: (r["status"], [f["message"] for f in r["findings"]])
                for r in card_result["results"]
                if "fairness" in r["id"] or "bias" in r["id"]
            }
        )
    assert results[0] == results[1]
    assert set(results[0]) >= {
        "art10.2.f.bias_examination",
        "org.fairness.demographic_parity",
        "org.fairness.equalized_odds",
        "org.fairness.disparate_impact",
        "org.fairness.min_group_size",
    }
