"""No regression against the production model: `--baseline` with a previous comply JSON report or a metrics
file, judged by policies/rules/regression.rego, end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.evidence.baseline import load_baseline
from tests.conftest import EXAMPLES, comply

REFERENCE = ("--reference-date", "2028-01-01")
CANDIDATE = EXAMPLES / "credit-scoring-candidate"
CREDIT = EXAMPLES / "credit-scoring"


def check(*args: str) -> tuple[int, dict]:
    done = comply("check", *args, "--format", "json", *REFERENCE)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def results_of(report: dict) -> dict[str, dict]:
    return {r["id"]: r for r in report["cards"][0]["results"]}


def test_candidate_regresses_against_the_production_report_at_its_card_line() -> None:
    code, report = check(str(CANDIDATE / "model_card.yaml"), "--config", str(CANDIDATE / "comply.yaml"))
    result = results_of(report)["org.regression.metrics"]
    assert code == 1 and result["status"] == "fail"
    lines = (CANDIDATE / "model_card.yaml").read_text(encoding="utf-8").splitlines()
    auc = next(f for f in result["findings"] if f["message"].startswith("organisation rule: auc"))
    assert lines[auc["line"] - 1].strip() == "auc: 0.9496"
    assert "auc 0.9496 against 0.9714" in auc["message"] and "-0.0218" in auc["message"]
    assert "(version 3.2.0)" in auc["message"]
    assert not any("accuracy" in f["message"] for f in result["findings"])  # its own margin, 0.01
    kinds = {e["kind"] for e in report["cards"][0]["evidence"]}
    assert "baseline" in kinds
    failing = {r["id"] for r in report["cards"][0]["results"] if r["status"] == "fail"}
    header = next(line for line in lines if line.startswith("# intended-failures:"))
    assert failing == set(header.split(":", 1)[1].split())


def test_credit_scoring_is_no_worse_than_its_predecessor() -> None:
    code, report = check(str(CREDIT / "model_card.yaml"), "--config", str(CREDIT / "comply.yaml"))
    results = results_of(report)
    assert code == 0
    assert results["org.regression.metrics"]["status"] == "pass"
    assert results["org.regression.fairness"]["status"] == "pass"


def test_a_widened_gap_in_a_metrics_file_baseline_fails(tmp_path: Path) -> None:
    baseline = tmp_path / "prod.yaml"
    baseline.write_text(
        "metrics: {auc: 0.9}\nfairness:\n  sex: {demographic_parity_difference: 0.001}\n", encoding="utf-8"
    )
    code, report = check(
        str(CREDIT / "model_card.yaml"), "--config", str(CREDIT / "comply.yaml"), "--baseline", str(baseline)
    )
    result = results_of(report)["org.regression.fairness"]
    assert code == 1 and result["status"] == "fail"
    assert "sex demographic_parity_difference 0.0127 against 0.001" in result["message"]


def one_line_exit_2(*args: str) -> str:
    done = comply("check", *args)
    assert done.returncode == 2, done.stdout
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


def test_a_baseline_with_no_common_metric_is_exit_2(tmp_path: Path) -> None:
    baseline = tmp_path / "prod.json"
    baseline.write_text('{"metrics": {"bleu": 31.2}}', encoding="utf-8")
    error = one_line_exit_2(str(CREDIT / "model_card.yaml"), "--baseline", str(baseline))
    assert "the baseline has no metric in common with the candidate (baseline: bleu; candidate: accuracy, auc" in error


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("metrics: {auc: .nan}\n", r"prod\.yaml:1: metrics\.auc: nan is not a finite number"),
        ("metrics: {auc: 0.9}\nowner: me\n", r"prod\.yaml:2: owner: a metrics file holds"),
        ("metrics: {auc: high}\n", r"prod\.yaml:1: metrics\.auc: expected a finite number, got 'high'"),
        ("- 1\n", r"a baseline is a comply JSON report or a mapping"),
        ("fairness: {sex: 0.1}\n", r"fairness\.sex: expected metric: value"),
    ],
)
def test_bad_metrics_files_are_named(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "prod.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=error):
        load_baseline(path, "prod.yaml", "m")


def test_a_report_of_several_cards_is_read_for_the_candidates_model(tmp_path: Path) -> None:
    report = {
        "cards": [
            {"model": {"name": "a", "version": "1"}, "input": {"card": {"evaluation": {"metrics": {"auc": 0.8}}}}},
            {"model": {"name": "b", "version": "2"}, "input": {"card": {"evaluation": {"metrics": {"auc": 0.9}}}}},
        ]
    }
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    assert load_baseline(path, "report.json", "b")["metrics"] == {"auc": 0.9}
    with pytest.raises(InputError, match="the report holds 2 cards"):
        load_baseline(path, "report.json", "c")
