"""Explainability evidence: global importance comply computes from attribution files (Parquet, CSV, JSON),
judged by policies/rules/explainability.rego, end to end through the CLI."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.evidence.explanations import global_importance, ranking
from tests.conftest import EXAMPLES, comply

REFERENCE = ("--reference-date", "2028-01-01")
CREDIT = EXAMPLES / "credit-scoring"
FEATURES = ["income", "debt_ratio", "religion", "term"]


def rows(count: int = 300, seed: int = 7) -> list[list[float]]:
    rng = random.Random(seed)
    scales = [0.4, 0.9, 0.2, 0.05]
    return [[rng.gauss(0.0, scale) for scale in scales] for _ in range(count)]


def write_csv(path: Path, header: list[str], values: list[list[float]]) -> Path:
    lines = [",".join(header)] + [",".join(repr(v) for v in row) for row in values]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_parquet(path: Path, header: list[str], values: list[list[float]]) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({name: [row[i] for row in values] for i, name in enumerate(header)}), path)
    return path


def mean_abs(values: list[list[float]]) -> list[float]:
    return [math.fsum(abs(row[i]) for row in values) / len(values) for i in range(len(values[0]))]


def test_csv_and_parquet_give_the_mean_absolute_attribution(tmp_path: Path) -> None:
    values = rows()
    expected = mean_abs(values)
    for importance in (
        global_importance(write_csv(tmp_path / "shap.csv", FEATURES, values)),
        global_importance(write_parquet(tmp_path / "shap.parquet", FEATURES, values)),
    ):
        assert importance.features == tuple(FEATURES)
        assert importance.rows == len(values)
        assert importance.values == pytest.approx(expected, rel=1e-12)
        assert ranking(importance) == ["debt_ratio", "income", "religion", "term"]


def test_parquet_in_many_row_groups_equals_numpy(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    values = rows(1000)
    table = pa.table({name: [row[i] for row in values] for i, name in enumerate(FEATURES)})
    pq.write_table(table, tmp_path / "shap.parquet", row_group_size=64)
    importance = global_importance(tmp_path / "shap.parquet")
    assert importance.rows == 1000
    assert importance.values == pytest.approx(np.abs(np.array(values)).mean(axis=0).tolist(), rel=1e-12)


def test_global_importance_json_is_read_as_given_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "importance.json"
    path.write_text('{\n  "global_importance": {\n    "a": 0.5,\n    "b": 0.7\n  }\n}\n', encoding="utf-8")
    importance = global_importance(path)
    assert importance.kind == "global" and importance.rows is None
    assert dict(zip(importance.features, importance.values, strict=True)) == {"a": 0.5, "b": 0.7}
    assert importance.lines == {"a": 3, "b": 4}


def test_ties_rank_by_name(tmp_path: Path) -> None:
    path = tmp_path / "importance.json"
    path.write_text(json.dumps({"z": 0.5, "a": 0.5, "m": 0.9}), encoding="utf-8")
    assert ranking(global_importance(path)) == ["m", "a", "z"]


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("shap.csv", "a,b\n0.1,0.2\n0.1,nan\n", r"shap\.csv:3: column 'b': 'nan' is not a finite number"),
        ("shap.csv", "a,b\n0.1,0.2\n0.1\n", r"shap\.csv:3: 1 values, the header names 2 features"),
        ("shap.csv", "a,b\n0.1,x\n", r"shap\.csv:2: column 'b': 'x' is not a number"),
        ("shap.csv", "a,a\n0.1,0.2\n", r"column 'a' appears twice"),
        ("shap.csv", "a,b\n", r"no rows of attributions"),
        ("imp.json", '{"a": -0.1}', r"imp\.json:1: a: global importance is a mean \|value\|"),
        ("imp.json", "[1, 2]", r"expected \{\"global_importance\""),
        ("shap.pkl", "not read", r"cannot tell the explanations format"),
    ],
)
def test_bad_attribution_files_are_named_errors(tmp_path: Path, name: str, text: str, error: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=error):
        global_importance(path)


def test_parquet_with_text_column_or_nulls_is_refused(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"a": [0.1, 0.2], "b": ["x", "y"]}), tmp_path / "text.parquet")
    with pytest.raises(InputError, match="column 'b' is string, not numeric"):
        global_importance(tmp_path / "text.parquet")
    pq.write_table(pa.table({"a": [0.1, None]}), tmp_path / "null.parquet")
    with pytest.raises(InputError, match="column 'a' has empty"):
        global_importance(tmp_path / "null.parquet")


def check(*args: str) -> tuple[int, dict]:
    done = comply("check", *args, "--format", "json", *REFERENCE)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def results_of(report: dict) -> dict[str, dict]:
    return {r["id"]: r for r in report["cards"][0]["results"]}


def test_credit_scoring_explanations_pass_and_their_digest_is_recorded() -> None:
    code, report = check(str(CREDIT / "model_card.yaml"), "--config", str(CREDIT / "comply.yaml"))
    assert code == 0
    card = report["cards"][0]
    assert results_of(report)["org.explainability.top_features"]["status"] == "pass"
    recorded = [e for e in card["evidence"] if e["kind"] == "explanations"]
    import hashlib

    digest = hashlib.sha256((CREDIT / "evidence" / "explanations.csv").read_bytes()).hexdigest()
    assert recorded == [
        {"kind": "explanations", "path": "examples/credit-scoring/evidence/explanations.csv", "sha256": digest}
    ]
    assert card["input"]["evidence"]["explanations"]["ranking"][:2] == ["debt_to_income", "missed_payments_12m"]


def card_with(tmp_path: Path, extra: str) -> Path:
    card = tmp_path / "model_card.yaml"
    card.write_text(f"model_details: {{name: m, version: '1'}}\n{extra}", encoding="utf-8")
    return card


def test_wrong_top_features_fail_at_the_card_line(tmp_path: Path) -> None:
    shap = write_csv(tmp_path / "shap.csv", FEATURES, rows())
    card = card_with(tmp_path, f"features: {FEATURES}\nexplainability:\n  top_features:\n    - income\n    - term\n")
    code, report = check(str(card), "--explanations", str(shap))
    result = results_of(report)["org.explainability.top_features"]
    assert code == 1 and result["status"] == "fail"
    assert any(f["line"] == 6 and "term (mean |attribution|" in f["message"] for f in result["findings"])


def test_features_from_the_explanations_header_point_at_their_column(tmp_path: Path) -> None:
    shap = write_csv(tmp_path / "shap.csv", FEATURES, rows())
    card = card_with(tmp_path, "explainability: {top_features: [debt_ratio, income]}\n")
    code, report = check(str(card), "--explanations", str(shap))
    result = results_of(report)["gdpr.art9.special_category_feature"]
    assert code == 1 and result["status"] == "fail"
    assert result["file"].endswith("shap.csv") and result["line"] == 1
    assert "column 3 of" in result["message"]


def one_line_exit_2(*args: str) -> str:
    done = comply("check", *args)
    assert done.returncode == 2, done.stdout
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


def test_explanations_that_do_not_match_the_features_are_exit_2(tmp_path: Path) -> None:
    shap = write_csv(tmp_path / "shap.csv", [*FEATURES[:3], "zip"], rows())
    card = card_with(tmp_path, f"features: {FEATURES}\n")
    error = one_line_exit_2(str(card), "--explanations", str(shap))
    assert "the explanations do not match the model's features (no attributions for term; columns that are" in error
    assert "not the card's features: zip" in error


def test_unreadable_explanations_are_exit_2(tmp_path: Path) -> None:
    shap = tmp_path / "shap.csv"
    shap.write_text("a,b\n0.1,inf\n", encoding="utf-8")
    card = card_with(tmp_path, "")
    assert "shap.csv:2: column 'b'" in one_line_exit_2(str(card), "--explanations", str(shap))
