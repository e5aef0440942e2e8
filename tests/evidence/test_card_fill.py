"""`comply card fill` and `comply card render`: evaluation numbers computed, never typed by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, assert_one_line_error, comply

CREDIT = EXAMPLES / "credit-scoring"
REFERENCE = ("--reference-date", "2028-01-01")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    folder = tmp_path / "credit-scoring"
    shutil.copytree(CREDIT, folder)
    return folder


def fill(folder: Path, *extra: str) -> None:
    done = comply("card", "fill", "model_card.yaml", "--config", "comply.yaml", *extra, cwd=folder)
    assert done.returncode == 0, done.stderr


def test_fill_reproduces_the_example_byte_for_byte(example: Path) -> None:
    fill(example)
    assert (example / "model_card.yaml").read_bytes() == (CREDIT / "model_card.yaml").read_bytes()


def test_fill_rewrites_hand_typed_numbers_and_keeps_every_comment(example: Path) -> None:
    card = example / "model_card.yaml"
    committed = yaml.safe_load(card.read_text(encoding="utf-8"))
    text = card.read_text(encoding="utf-8")
    start, end = text.index("  metrics:\n    accuracy"), text.index("  test_set:")
    text = text[:start] + "  metrics:  # typed by hand\n    auc: 0.81\n    accuracy: 0.78\n" + text[end:]
    start, end = text.index("  slices:\n"), text.index("  thresholds:")
    text = (
        text[:start]
        + "  slices:\n    - sex\n    - age_band\n  # the thresholds were agreed with model risk\n"
        + text[end:]
    )
    start = text.index("  source:\n")
    end = text.index("\nexplainability:\n") + 1  # the evaluation's source block ends where explainability starts
    text = text[:start] + text[end:]
    text = text.replace(
        "  accuracy_metrics:\n    auc: 0.9714\n    accuracy: 0.9195",
        "  accuracy_metrics:\n    auc: 0.81\n    accuracy: 0.78",
    )
    text = text.replace("human_oversight:\n", "human_oversight:  # reviewed 2026-09\n")
    card.write_text(text, encoding="utf-8")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    fill(example)
    filled_text = card.read_text(encoding="utf-8")
    filled = yaml.safe_load(filled_text)
    assert filled["evaluation"] == committed["evaluation"]
    assert filled["instructions_for_use"] == committed["instructions_for_use"]
    assert filled == committed
    for comment in comments:
        assert comment in filled_text.splitlines()
    assert "human_oversight:  # reviewed 2026-09" in filled_text
    assert list(filled) == list(committed)  # section order kept


def test_check_fails_a_card_whose_numbers_differ_from_the_recorded_source(example: Path) -> None:
    card = example / "model_card.yaml"
    text = card.read_text(encoding="utf-8").replace("    accuracy: 0.9195\n", "    accuracy: 0.95\n", 1)
    text = text.replace("      accuracy: 0.9157\n", "      accuracy: 0.99\n", 1)
    card.write_text(text, encoding="utf-8")
    done = comply("check", str(card), "--format", "json", *REFERENCE)
    assert done.returncode == 1, done.stderr
    result = next(
        r for r in json.loads(done.stdout)["cards"][0]["results"] if r["id"] == "org.evaluation.matches_evidence"
    )
    assert result["status"] == "fail"
    fields = {finding["field"]: finding for finding in result["findings"]}
    assert set(fields) == {"card.evaluation.metrics.accuracy", "card.evaluation.slices.sex=female.accuracy"}
    lines = text.splitlines()
    assert lines[fields["card.evaluation.metrics.accuracy"]["line"] - 1] == "    accuracy: 0.95"
    assert "evidence/predictions.csv gives 0.919" in fields["card.evaluation.metrics.accuracy"]["message"]


def test_changed_predictions_are_reported(example: Path) -> None:
    predictions = example / "evidence" / "predictions.csv"
    rows = predictions.read_text(encoding="utf-8").splitlines()
    rows[1:201] = [row.replace(",0,0,", ",1,0,") for row in rows[1:201]]  # 200 more missed defaults
    predictions.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = comply("check", str(example / "model_card.yaml"), "--format", "json", *REFERENCE)
    assert done.returncode == 1
    result = next(
        r for r in json.loads(done.stdout)["cards"][0]["results"] if r["id"] == "org.evaluation.matches_evidence"
    )
    assert result["status"] == "fail"
    assert any(finding["field"] == "card.evaluation.metrics.recall" for finding in result["findings"])


def test_recorded_source_that_is_gone_is_a_warning_never_a_pass(example: Path) -> None:
    (example / "evidence" / "predictions.csv").unlink()
    (example / "comply.yaml").unlink()  # the card alone: its config would name the missing file as evidence
    done = comply("check", str(example / "model_card.yaml"), "--format", "json", *REFERENCE)
    assert done.returncode == 0, done.stderr
    result = next(
        r for r in json.loads(done.stdout)["cards"][0]["results"] if r["id"] == "org.evaluation.matches_evidence"
    )
    assert result["status"] == "warn"
    assert "not verified" in result["findings"][0]["message"]
    assert result["findings"][0]["field"] == "card.evaluation.source.file"


def test_computed_numbers_equal_sklearn() -> None:
    pandas = pytest.importorskip("pandas")
    metrics = pytest.importorskip("sklearn.metrics")
    frame = pandas.read_csv(CREDIT / "evidence" / "predictions.csv")
    from checker.evidence.evaluation import compute_evaluation
    from checker.fairness.options import FairnessOptions

    options = FairnessOptions(y_true="defaulted", y_pred="declined", score="score", sensitive=("sex", "age_band"))
    computed = compute_evaluation(CREDIT / "evidence" / "predictions.csv", options)
    y, p = frame["defaulted"], frame["declined"]
    expected = {
        "accuracy": metrics.accuracy_score(y, p),
        "precision": metrics.precision_score(y, p),
        "recall": metrics.recall_score(y, p),
        "fpr": ((p == 1) & (y == 0)).sum() / (y == 0).sum(),
        "auc": metrics.roc_auc_score(y, frame["score"]),
    }
    assert computed["metrics"] == pytest.approx(expected, abs=1e-12)
    group = frame[frame["age_band"] == "65+"]
    assert computed["slices"]["age_band=65+"]["n"] == len(group)
    assert computed["slices"]["age_band=65+"]["recall"] == pytest.approx(
        metrics.recall_score(group["defaulted"], group["declined"]), abs=1e-12
    )


def test_fill_refuses_what_it_cannot_edit_safely(tmp_path: Path) -> None:
    shutil.copy(CREDIT / "comply.yaml", tmp_path / "comply.yaml")
    (tmp_path / "evidence").mkdir()
    shutil.copy(CREDIT / "evidence" / "predictions.csv", tmp_path / "evidence" / "predictions.csv")
    flow = tmp_path / "model_card.yaml"
    flow.write_text("model_details: {name: x}\nevaluation: {metrics: {auc: 0.8}}\n", encoding="utf-8")
    before = flow.read_bytes()
    assert_one_line_error(comply("card", "fill", "model_card.yaml", cwd=tmp_path), "block style")
    assert flow.read_bytes() == before
    shutil.copy(EXAMPLES / "ticket-router" / "model_card.mct.json", tmp_path / "card.json")
    assert_one_line_error(comply("card", "fill", "card.json", cwd=tmp_path), "edits comply YAML cards")


def test_fill_adds_an_evaluation_section_to_a_card_without_one(tmp_path: Path) -> None:
    shutil.copy(CREDIT / "comply.yaml", tmp_path / "comply.yaml")
    (tmp_path / "evidence").mkdir()
    shutil.copy(CREDIT / "evidence" / "predictions.csv", tmp_path / "evidence" / "predictions.csv")
    card = tmp_path / "model_card.yaml"
    card.write_text("# my card\nmodel_details:\n  name: x  # the name\n", encoding="utf-8")
    assert comply("card", "fill", "model_card.yaml", cwd=tmp_path).returncode == 0
    text = card.read_text(encoding="utf-8")
    assert text.startswith("# my card\nmodel_details:\n  name: x  # the name\nevaluation:\n  metrics:\n")
    assert yaml.safe_load(text)["evaluation"]["metrics"]["auc"] == 0.9714


@pytest.mark.parametrize("card", ["credit-scoring/model_card.yaml", "ticket-router/model_card.mct.json"])
def test_render_markdown(card: str, tmp_path: Path) -> None:
    out = tmp_path / "card.md"
    done = comply("card", "render", str(EXAMPLES / card), "-o", str(out))
    assert done.returncode == 0, done.stderr
    markdown = out.read_text(encoding="utf-8")
    assert markdown.startswith("# ")
    assert "## Evaluation" in markdown and "| metric | value |" in markdown
    if card.startswith("credit"):
        assert "| accuracy | 0.9195 |" in markdown and "| age_band=65+ |" in markdown
    else:
        assert "| accuracy | 0.934 |" in markdown and "| language_de |" in markdown


def test_render_never_overwrites_the_card(example: Path) -> None:
    before = (example / "model_card.yaml").read_bytes()
    assert_one_line_error(
        comply("card", "render", "model_card.yaml", "-o", "model_card.yaml", cwd=example), "the card itself"
    )
    assert (example / "model_card.yaml").read_bytes() == before
