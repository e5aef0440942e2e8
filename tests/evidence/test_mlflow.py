"""MLflow end to end: a real local tracking store (file store), a run with metrics, a predictions
artifact and a card, a registered version with an alias; `comply check models:/NAME@ALIAS
--log-to-mlflow` as a subprocess, and the tags and report read back.

Importing mlflow costs seconds, so the MLflow tests are few and marked slow; the install-line test
fakes a missing mlflow and runs in the quick suite.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLES, assert_one_line_error, comply

CREDIT = EXAMPLES / "credit-scoring"
REFERENCE = ("--reference-date", "2028-01-01")
FAIRNESS = {
    "y_true": "defaulted",
    "y_pred": "declined",
    "score": "score",
    "sensitive": ["sex", "age_band"],
    "reference_groups": {"sex": "male"},
}


class Store:
    """A file-backed MLflow tracking store and registry, with one registered credit-scorer."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uri = (root / "mlruns").as_uri()
        self.env = {"MLFLOW_TRACKING_URI": self.uri, "MLFLOW_ALLOW_FILE_STORE": "true"}
        config = root / "comply.yaml"
        config.write_text(
            yaml.safe_dump({"mlflow": {"artifacts": {"predictions": "eval/predictions.csv"}}, "fairness": FAIRNESS}),
            encoding="utf-8",
        )
        self.config = config

    def client(self) -> Any:
        from mlflow import MlflowClient

        return MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)

    def log_run(self, metrics: dict[str, float], dataset: str) -> str:
        import mlflow
        from mlflow.data.http_dataset_source import HTTPDatasetSource
        from mlflow.data.meta_dataset import MetaDataset

        mlflow.set_tracking_uri(self.uri)
        with mlflow.start_run() as run:
            mlflow.log_metrics(metrics)
            mlflow.log_artifact(str(CREDIT / "model_card.yaml"))
            mlflow.log_artifact(str(CREDIT / "evidence" / "predictions.csv"), "eval")
            source = HTTPDatasetSource(f"https://data.example.eu/{dataset}.parquet")
            mlflow.log_input(MetaDataset(source=source, name=dataset, digest="d1g3st"), context="eval")
            return str(run.info.run_id)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    pytest.importorskip("mlflow")
    previous = {key: os.environ.get(key) for key in ("MLFLOW_ALLOW_FILE_STORE", "MLFLOW_TRACKING_URI")}
    result = Store(tmp_path_factory.mktemp("mlflow"))
    os.environ.update(result.env)
    try:
        yield result
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def stated_metrics() -> dict[str, float]:
    card = yaml.safe_load((CREDIT / "model_card.yaml").read_text(encoding="utf-8"))
    return {name: float(value) for name, value in card["evaluation"]["metrics"].items()}


def verdict(report: dict) -> tuple[str, dict[str, str]]:
    card = report["cards"][0]
    return card["classification"]["tier"], {r["id"]: r["status"] for r in card["results"]}


@pytest.mark.slow
def test_check_registered_alias_logs_verdict_back_to_mlflow(store: Store) -> None:
    run_id = store.log_run(stated_metrics(), "loan-book-2015-2024")
    client = store.client()
    client.create_registered_model("credit-scorer")
    version = client.create_model_version("credit-scorer", f"runs:/{run_id}/model", run_id=run_id).version
    client.set_registered_model_alias("credit-scorer", "champion", version)

    done = comply(
        "check", "models:/credit-scorer@champion", "--log-to-mlflow", "--config", str(store.config),
        "--format", "json", *REFERENCE, env=store.env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    card = report["cards"][0]
    assert card["card"] == f"runs:/{run_id}/model_card.yaml"
    kinds = {item["kind"]: item["path"] for item in card["evidence"]}
    assert kinds["predictions"] == f"runs:/{run_id}/eval/predictions.csv"
    assert kinds["mlflow_model_version"] == f"models:/credit-scorer/{version}"
    assert card["input"]["evidence"]["evaluation"]["metrics"] == stated_metrics()
    assert card["input"]["evidence"]["fairness"]["source"] == "computed"
    described = yaml.safe_load((CREDIT / "model_card.yaml").read_text(encoding="utf-8"))["data_governance"]
    assert card["input"]["card"]["data_governance"] == described  # the card's own words win
    statuses = verdict(report)[1]
    assert statuses["org.evaluation.matches_evidence"] == "pass"

    local = comply(
        "check", str(CREDIT / "model_card.yaml"), "--predictions", str(CREDIT / "evidence" / "predictions.csv"),
        "--config", str(store.config), "--format", "json", *REFERENCE,
    )  # fmt: skip
    assert local.returncode == done.returncode
    tier, local_statuses = verdict(json.loads(local.stdout))
    assert tier == verdict(report)[0]
    assert {rule: statuses[rule] for rule in local_statuses} == local_statuses

    tags = client.get_run(run_id).data.tags
    assert tags["compliance.status"] == "pass"
    assert tags["compliance.tier"] == "high"
    assert tags["compliance.failed"] == "none"
    assert (
        tags["compliance.policy_bundle"] == f"{report['policy_bundle']['revision']} {report['policy_bundle']['digest']}"
    )
    version_tags = client.get_model_version("credit-scorer", version).tags
    assert {key: version_tags[key] for key in tags if key.startswith("compliance.")} == {
        key: value for key, value in tags.items() if key.startswith("compliance.")
    }
    found = client.search_runs([client.get_run(run_id).info.experiment_id], "tags.`compliance.status` = 'pass'")
    assert [run.info.run_id for run in found] == [run_id]
    target = store.root / "download"
    path = client.download_artifacts(run_id, "comply/report.json", str(target))
    logged_report = json.loads(Path(path).read_text(encoding="utf-8"))
    assert verdict(logged_report) == verdict(report)


@pytest.mark.slow
def test_card_whose_metrics_differ_from_its_run_fails_and_is_tagged(store: Store, tmp_path: Path) -> None:
    metrics = {**stated_metrics(), "accuracy": 0.61}
    run_id = store.log_run(metrics, "applications-2025")
    card = tmp_path / "model_card.yaml"
    shutil.copy(CREDIT / "model_card.yaml", card)
    done = comply(
        "check", str(card), "--mlflow", f"runs:/{run_id}", "--log-to-mlflow", "--config", str(store.config),
        "--format", "json", *REFERENCE, env=store.env,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    checked = json.loads(done.stdout)["cards"][0]
    logged = checked["input"]["card"]["data_governance"]["datasets"][-1]
    assert logged["name"] == "applications-2025" and "d1g3st" in logged["provenance"]
    governance = next(r for r in checked["results"] if r["id"] == "art10.data_governance")
    assert governance["status"] == "fail"  # a dataset the run used and the card does not describe
    assert all("dataset 1 " in finding["message"] for finding in governance["findings"])
    result = next(r for r in checked["results"] if r["id"] == "org.evaluation.matches_evidence")
    assert result["status"] == "fail"
    assert f"runs:/{run_id} gives 0.61" in result["findings"][0]["message"]
    assert (
        result["findings"][0]["line"] == card.read_text(encoding="utf-8").splitlines().index("    accuracy: 0.9195") + 1
    )
    tags = store.client().get_run(run_id).data.tags
    assert tags["compliance.status"] == "fail"
    assert "org.evaluation.matches_evidence" in tags["compliance.failed"].split(",")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("models:/credit-scorer@no-such-alias", "no alias @no-such-alias"),
        ("models:/no-such-model/1", "no version 1 of registered model 'no-such-model'"),
        ("runs:/0123456789abcdef0123456789abcdef", "cannot read the run"),
    ],
)
def test_unknown_model_alias_or_run_is_one_line(store: Store, target: str, needle: str) -> None:
    done = comply("check", target, "--config", str(store.config), env=store.env)
    assert_one_line_error(done, needle)


@pytest.mark.slow
def test_unreachable_tracking_server_is_one_line() -> None:
    pytest.importorskip("mlflow")
    done = comply(
        "check", "models:/credit-scorer@champion", "--mlflow-tracking-uri", "http://127.0.0.1:9",
        env={"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "3"},
    )  # fmt: skip
    assert_one_line_error(done, "models:/credit-scorer@champion")


def test_log_to_mlflow_without_a_run_is_a_usage_error(tmp_path: Path) -> None:
    fake = tmp_path / "mlflow"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'mlflow'\", name='mlflow')\n")
    done = comply("check", str(CREDIT / "model_card.yaml"), "--log-to-mlflow", env={"PYTHONPATH": str(tmp_path)})
    assert_one_line_error(done, "came from no MLflow run")


def test_without_the_extra_an_mlflow_uri_gives_the_install_line(tmp_path: Path) -> None:
    fake = tmp_path / "mlflow"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'mlflow'\", name='mlflow')\n")
    done = comply("check", "models:/credit-scorer@champion", env={"PYTHONPATH": str(tmp_path)})
    assert_one_line_error(done, "pip install 'comply-gate[mlflow]'")
