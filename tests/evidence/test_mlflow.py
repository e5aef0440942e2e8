"""MLflow end to end: a real local tracking store and registry (SQLite, created once for the module), a
run with metrics, a predictions artifact and a card, registered versions with aliases; `comply check
models:/NAME@ALIAS --log-to-mlflow` and `comply check CARD --baseline models:/NAME@champion` as
subprocesses, and the tags and report read back.

Importing mlflow costs seconds, so the MLflow tests share one store and are marked slow; the install-line
tests fake a missing mlflow and run in the quick suite.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLES, assert_one_line_error, comply

pytestmark = pytest.mark.xdist_group("mlflow")  # one store per run, not one per worker

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
    """A SQLite-backed MLflow tracking store and registry (artifacts in a folder beside it)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uri = f"sqlite:///{root / 'mlflow.db'}"
        self.env = {"MLFLOW_TRACKING_URI": self.uri}
        config = root / "comply.yaml"
        config.write_text(
            yaml.safe_dump({"mlflow": {"artifacts": {"predictions": "eval/predictions.csv"}}, "fairness": FAIRNESS}),
            encoding="utf-8",
        )
        self.config = config

    def client(self) -> Any:
        from mlflow import MlflowClient

        return MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)

    def start_run(self) -> Any:
        """A run in the store's experiment, whose artifacts go under the store's folder (not ./mlruns)."""
        import mlflow

        mlflow.set_tracking_uri(self.uri)
        if mlflow.get_experiment_by_name("comply-tests") is None:
            mlflow.create_experiment("comply-tests", artifact_location=(self.root / "artifacts").as_uri())
        mlflow.set_experiment("comply-tests")
        return mlflow.start_run()

    def register(self, name: str, run_id: str) -> str:
        client = self.client()
        if not client.search_registered_models(f"name = '{name}'"):
            client.create_registered_model(name)
        return str(client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id).version)

    def log_run(self, metrics: dict[str, float], dataset: str) -> str:
        import mlflow
        from mlflow.data.http_dataset_source import HTTPDatasetSource
        from mlflow.data.meta_dataset import MetaDataset

        with self.start_run() as run:
            mlflow.log_metrics(metrics)
            mlflow.log_artifact(str(CREDIT / "model_card.yaml"))
            mlflow.log_artifact(str(CREDIT / "evidence" / "predictions.csv"), "eval")
            source = HTTPDatasetSource(f"https://data.example.eu/{dataset}.parquet")
            mlflow.log_input(MetaDataset(source=source, name=dataset, digest="d1g3st"), context="eval")
            return str(run.info.run_id)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    pytest.importorskip("mlflow")
    previous = {key: os.environ.get(key) for key in ("MLFLOW_TRACKING_URI",)}
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
    version = store.register("credit-scorer", run_id)
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
    assert card["input"]["evidence"]["model"] == {  # the version's source holds no MLflow model: no signature
        "file": f"models:/credit-scorer/{version}/MLmodel",
        "inputs": [],
        "signature": "absent",
        "origin": "registered_version",
    }
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


def baseline_run(store: Store, metrics: dict[str, float], report: str | None = None) -> str:
    """A run of the production model: its logged metrics, and the comply report it logged if any."""
    import mlflow

    with store.start_run() as run:
        mlflow.log_metrics(metrics)
        if report is not None:
            mlflow.log_text(report, "comply/report.json")
        return str(run.info.run_id)


@pytest.fixture(scope="module")
def champion(store: Store) -> tuple[str, str, str, str]:
    """Registered model `retail-credit-scorer`: version 1 scores better than the credit-scoring card (auc
    0.99), version 2 worse (auc 0.95); (version 1, its run, version 2, its run)."""
    better = baseline_run(store, {**stated_metrics(), "auc": 0.99})
    worse = baseline_run(store, {**stated_metrics(), "auc": 0.95, "accuracy": 0.9})
    return store.register("retail-credit-scorer", better), better, store.register("retail-credit-scorer", worse), worse


def check_against(store: Store, baseline: str, *extra: str) -> tuple[int, dict]:
    done = comply(
        "check", str(CREDIT / "model_card.yaml"), "--config", str(CREDIT / "comply.yaml"), "--baseline", baseline,
        "--format", "json", *extra, *REFERENCE, env=store.env,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.mark.slow
def test_a_regression_against_the_champion_fails_and_a_better_candidate_passes(
    store: Store, champion: tuple[str, str, str, str]
) -> None:
    better, better_run, worse, worse_run = champion
    client = store.client()
    client.set_registered_model_alias("retail-credit-scorer", "champion", better)
    code, report = check_against(store, "models:/retail-credit-scorer@champion")
    card = report["cards"][0]
    result = next(r for r in card["results"] if r["id"] == "org.regression.metrics")
    assert code == 1 and result["status"] == "fail"
    [finding] = result["findings"]
    assert finding["message"] == (
        "organisation rule: auc 0.9714 against 0.99 in models:/retail-credit-scorer@champion (version "
        f"{better}): -0.0186, more than the margin 0.005 allows"
    )
    lines = (CREDIT / "model_card.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[finding["line"] - 1].strip() == "auc: 0.9714"
    baseline = card["input"]["evidence"]["baseline"]
    assert baseline["source"] == "mlflow"
    assert baseline["mlflow"] == {
        "uri": "models:/retail-credit-scorer@champion",
        "model": "retail-credit-scorer",
        "version": better,
        "run_id": better_run,
    }
    assert {"kind": "baseline", "path": f"models:/retail-credit-scorer/{better}", "sha256": baseline["sha256"]} in (
        card["evidence"]
    )

    client.set_registered_model_alias("retail-credit-scorer", "champion", worse)  # the candidate is better
    code, report = check_against(store, "models:/retail-credit-scorer@champion")
    statuses = {r["id"]: r["status"] for r in report["cards"][0]["results"]}
    assert code == 0 and statuses["org.regression.metrics"] == "pass"
    assert report["cards"][0]["input"]["evidence"]["baseline"]["mlflow"]["run_id"] == worse_run


@pytest.mark.slow
def test_a_champion_that_logged_a_comply_report_gives_its_fairness_numbers(store: Store, tmp_path: Path) -> None:
    logged = comply(
        "check", str(CREDIT / "model_card.yaml"), "--config", str(CREDIT / "comply.yaml"), "--format", "json",
        *REFERENCE,
    )  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    earlier = json.loads(logged.stdout)["cards"][0]["input"]["evidence"]
    recomputed = earlier["evaluation"]["metrics"]
    run_id = baseline_run(store, {"auc": 0.9714}, report=logged.stdout)
    version = store.register("credit-with-report", run_id)
    store.client().set_registered_model_alias("credit-with-report", "champion", version)
    config = tmp_path / "comply.yaml"  # evidence.baseline in comply.yaml, beside the example's other evidence
    settings = yaml.safe_load((CREDIT / "comply.yaml").read_text(encoding="utf-8"))
    settings["evidence"] = {kind: str(CREDIT / path) for kind, path in settings["evidence"].items()}
    settings["evidence"]["baseline"] = "models:/credit-with-report@champion"
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    done = comply(
        "check", str(CREDIT / "model_card.yaml"), "--config", str(config), "--format", "json", *REFERENCE,
        env=store.env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    card = json.loads(done.stdout)["cards"][0]
    baseline = card["input"]["evidence"]["baseline"]
    assert baseline["mlflow"]["report"] == f"runs:/{run_id}/comply/report.json"
    assert baseline["sha256"] == hashlib.sha256(logged.stdout.encode("utf-8")).hexdigest()
    assert baseline["metrics"] == {**recomputed, "auc": 0.9714}  # the run's logged auc wins over the report's
    assert baseline["fairness"] == {
        feature: {name: entry["value"] for name, entry in values["metrics"].items() if entry.get("value") is not None}
        for feature, values in earlier["fairness"]["features"].items()
    }
    statuses = {r["id"]: r["status"] for r in card["results"]}
    assert statuses["org.regression.fairness"] == "pass"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("models:/no-such-model@champion", "models:/no-such-model@champion: no alias @champion"),
        ("models:/retail-credit-scorer@no-such-alias", "no alias @no-such-alias on registered model"),
    ],
)
def test_an_unknown_baseline_model_or_alias_is_one_line(
    store: Store, champion: tuple[str, str, str, str], target: str, needle: str
) -> None:
    done = comply("check", str(CREDIT / "model_card.yaml"), "--baseline", target, env=store.env)
    assert_one_line_error(done, needle)


@pytest.mark.slow
def test_an_unreachable_tracking_server_for_the_baseline_is_one_line() -> None:
    done = comply(
        "check", str(CREDIT / "model_card.yaml"), "--baseline", "models:/retail-credit-scorer@champion",
        "--mlflow-tracking-uri", "http://127.0.0.1:9",
        env={"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "3"},
    )  # fmt: skip
    assert_one_line_error(done, "models:/retail-credit-scorer@champion")


def test_without_the_extra_an_mlflow_baseline_gives_the_install_line(tmp_path: Path) -> None:
    fake = tmp_path / "mlflow"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'mlflow'\", name='mlflow')\n")
    done = comply(
        "check", str(CREDIT / "model_card.yaml"), "--baseline", "models:/credit-scorer@champion",
        env={"PYTHONPATH": str(tmp_path)},
    )  # fmt: skip
    assert_one_line_error(done, "pip install 'comply-gate[mlflow]'")


@pytest.mark.slow
def test_the_registered_model_signature_gives_the_features(store: Store, tmp_path: Path) -> None:
    import mlflow

    from tests.checklist.test_features import columns, write_model

    model = write_model(tmp_path / "model", columns("income_band", "trade_union_member"))
    with store.start_run() as run:
        mlflow.log_artifacts(str(model), "model")
        run_id = str(run.info.run_id)
    version = store.register("signed-scorer", run_id)
    store.client().set_registered_model_alias("signed-scorer", "champion", version)
    card = tmp_path / "model_card.yaml"
    card.write_text("model_details: {name: signed-scorer, version: '1'}\n", encoding="utf-8")
    for uri in ("models:/signed-scorer@champion", f"runs:/{run_id}/model"):
        done = comply("check", str(card), "--model", uri, "--format", "json", *REFERENCE, env=store.env)
        assert done.returncode == 1, done.stderr
        checked = json.loads(done.stdout)["cards"][0]
        art9 = next(r for r in checked["results"] if r["id"] == "gdpr.art9.special_category_feature")
        assert art9["status"] == "fail"
        assert f"feature trade_union_member (input 2 of the signature in {uri}/MLmodel)" in art9["message"]
        assert art9["file"] == f"{uri}/MLmodel"
        model_file = next(item for item in checked["evidence"] if item["kind"] == "model")
        assert model_file["sha256"] == hashlib.sha256((model / "MLmodel").read_bytes()).hexdigest()


def log_signed_model(store: Store, name: str, card: str, inputs: list[tuple[str, str]] | None) -> tuple[str, str]:
    """A run that logs `card` as its model card and an MLflow 3 model (pyfunc, never loaded by comply) with a
    column signature of `inputs` (none when None), registered as a new version of `name`: (version, run id)."""
    import mlflow
    import mlflow.pyfunc
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    class Echo(mlflow.pyfunc.PythonModel):  # type: ignore[misc]
        def predict(self, context: Any, model_input: Any) -> Any:
            return model_input

    signature = None if inputs is None else ModelSignature(inputs=Schema([ColSpec(t, n) for n, t in inputs]))
    with store.start_run() as run:
        mlflow.log_text(card, "model_card.yaml")
        info = mlflow.pyfunc.log_model(
            name="model", python_model=Echo(), signature=signature, pip_requirements=[], registered_model_name=name
        )
        return str(info.registered_model_version), str(run.info.run_id)


SIGNED_CARD = "model_details: {name: signed-registry, version: '1'}\nfeatures: [income_band, term_months]\n"


@pytest.mark.slow
def test_a_card_from_a_registered_version_is_judged_on_that_version_signature(store: Store, tmp_path: Path) -> None:
    from tests.checklist.test_features import columns, signature_line, write_model

    version, run_id = log_signed_model(
        store,
        "signed-registry",
        SIGNED_CARD,
        [("income_band", "double"), ("term_months", "long"), ("ethnicity", "string")],
    )
    store.client().set_registered_model_alias("signed-registry", "champion", version)
    done = comply("check", "models:/signed-registry@champion", "--format", "json", *REFERENCE, env=store.env)
    assert done.returncode == 1, done.stderr
    checked = json.loads(done.stdout)["cards"][0]
    shown = f"models:/signed-registry/{version}/MLmodel"
    downloaded = Path(store.client().download_artifacts(run_id, "model_card.yaml", str(tmp_path / "card"))).parent
    from mlflow.artifacts import download_artifacts

    mlmodel = Path(
        download_artifacts(artifact_uri=f"models:/signed-registry/{version}/MLmodel", dst_path=str(downloaded))
    )
    results = {r["id"]: r for r in checked["results"]}
    art9 = results["gdpr.art9.special_category_feature"]
    assert art9["status"] == "fail"
    [finding] = art9["findings"]
    assert finding["message"].startswith(f"feature ethnicity (input 3 of the signature in {shown}) is special")
    assert (finding["file"], finding["line"]) == (shown, signature_line(mlmodel.parent))
    unlisted = results["org.features.match_model"]
    assert unlisted["status"] == "fail" and "ethnicity" in unlisted["message"]
    model = checked["input"]["evidence"]["model"]
    assert (model["origin"], model["file"]) == ("registered_version", shown)
    assert [spec["name"] for spec in model["inputs"]] == ["income_band", "term_months", "ethnicity"]
    evidence = {item["kind"]: item for item in checked["evidence"]}
    assert evidence["model"] == {
        "kind": "model",
        "path": shown,
        "sha256": hashlib.sha256(mlmodel.read_bytes()).hexdigest(),
    }

    local = write_model(tmp_path / "local-model", columns("income_band", "term_months"))
    done = comply(
        "check", "models:/signed-registry@champion", "--model", str(local), "--format", "json", *REFERENCE,
        env=store.env,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    checked = json.loads(done.stdout)["cards"][0]
    statuses = {r["id"]: r["status"] for r in checked["results"]}
    assert statuses["gdpr.art9.special_category_feature"] == "pass"  # --model wins: its inputs are judged
    assert statuses["org.features.match_model"] == "pass"
    model = checked["input"]["evidence"]["model"]
    assert model["origin"] == "option" and model["file"] == f"{local}/MLmodel"
    assert model["registered_version"] == {
        "file": shown,
        "sha256": evidence["model"]["sha256"],
        "names": ["income_band", "term_months", "ethnicity"],
        "same_inputs": False,
    }
    assert [item["path"] for item in checked["evidence"] if item["kind"] == "model"] == [f"{local}/MLmodel"]


@pytest.mark.slow
def test_a_registered_version_without_a_signature_keeps_the_card_features(store: Store) -> None:
    version, _ = log_signed_model(store, "unsigned-registry", SIGNED_CARD, None)
    done = comply("check", f"models:/unsigned-registry/{version}", "--format", "json", *REFERENCE, env=store.env)
    assert done.returncode in (0, 1), done.stderr
    checked = json.loads(done.stdout)["cards"][0]
    evidence = checked["input"]["evidence"]
    shown = f"models:/unsigned-registry/{version}/MLmodel"
    assert evidence["model"]["signature"] == "absent" and evidence["model"]["inputs"] == []
    assert (evidence["model"]["origin"], evidence["model"]["file"]) == ("registered_version", shown)
    assert evidence["features"]["source"] == "card" and "model" not in evidence["features"]
    assert [item["name"] for item in evidence["features"]["items"]] == ["income_band", "term_months"]
    assert "org.features.match_model" not in {r["id"] for r in checked["results"]}
    assert {item["kind"]: item["path"] for item in checked["evidence"]}["model"] == shown
