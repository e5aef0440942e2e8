"""Feature rules end to end: the card's features against special categories, direct identifiers and the
organisation's prohibited list (policies/rules/features.rego), the lists extended by comply.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from checker.errors import InputError
from checker.evidence.features import extend_lists, feature_key
from tests.conftest import EXAMPLES, assert_one_line_error, comply

REFERENCE = ("--reference-date", "2028-01-01")
CANDIDATE = EXAMPLES / "credit-scoring-candidate"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("applicantEmail", "applicant_email"),
        ("HIV-status", "hiv_status"),
        ("Ethnic Origin", "ethnic_origin"),
        ("SSNNumber", "ssn_number"),
        ("  term_months ", "term_months"),
    ],
)
def test_feature_key_is_lower_case_words(name: str, key: str) -> None:
    assert feature_key(name) == key


def test_lists_only_grow_and_are_normalised() -> None:
    data = {"comply": {"feature_lists": {"special_categories": {"health_data": ["health"]}, "prohibited": []}}}
    merged = extend_lists(
        data,
        {"special_categories": {"health_data": ["BMI", "health"]}, "prohibited": ["Postcode", {"feature": "zip"}]},
        str,
    )
    lists = merged["comply"]["feature_lists"]
    assert lists["special_categories"]["health_data"] == ["bmi", "health"]
    assert [entry["term"] for entry in lists["prohibited"]] == ["postcode", "zip"]
    assert data["comply"]["feature_lists"]["prohibited"] == []  # the bundle's own data is not changed


def test_a_term_without_letters_is_refused() -> None:
    with pytest.raises(InputError, match=r"prohibited\.0: expected a feature name"):
        extend_lists({"comply": {}}, {"prohibited": ["--"]}, str)


def check_json(*args: str) -> tuple[int, dict]:
    done = comply("check", *args, "--format", "json", *REFERENCE)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_candidate_fails_on_its_special_category_feature_at_its_card_line() -> None:
    code, report = check_json(
        "examples/credit-scoring-candidate/model_card.yaml", "--config", "examples/credit-scoring-candidate/comply.yaml"
    )
    card = report["cards"][0]
    failing = {r["id"]: r for r in card["results"] if r["status"] == "fail"}
    assert code == 1
    lines = (CANDIDATE / "model_card.yaml").read_text(encoding="utf-8").splitlines()
    art9 = failing["gdpr.art9.special_category_feature"]
    assert art9["file"] == "examples/credit-scoring-candidate/model_card.yaml"
    assert lines[art9["line"] - 1].strip() == "- health_condition"
    assert art9["article"].startswith("GDPR Art. 9")


def test_comply_yaml_prohibits_a_feature_with_its_reason(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text("model_details: {name: m, version: '1'}\nfeatures: [amount, postcode_district]\n", encoding="utf-8")
    (tmp_path / "settings").mkdir()
    config = tmp_path / "settings" / "comply.yaml"
    config.write_text(
        "feature_lists:\n  prohibited:\n    - feature: postcode\n      reason: a proxy for ethnic origin\n",
        encoding="utf-8",
    )
    _, plain = check_json(str(card))
    assert {r["id"]: r["status"] for r in plain["cards"][0]["results"]}["org.features.prohibited"] == "pass"
    _, listed = check_json(str(card), "--config", str(config))
    result = {r["id"]: r for r in listed["cards"][0]["results"]}["org.features.prohibited"]
    assert result["status"] == "fail" and result["line"] == 2
    assert "postcode_district is on the prohibited list (postcode: a proxy for ethnic origin)" in result["message"]


def test_credit_scoring_features_pass_all_feature_rules() -> None:
    code, report = check_json("examples/credit-scoring/model_card.yaml")
    status = {r["id"]: r["status"] for r in report["cards"][0]["results"]}
    assert code == 0
    assert {status[i] for i in ("gdpr.art9.special_category_feature", "gdpr.art5.1.c.direct_identifier")} == {"pass"}


def test_comply_yaml_extends_the_direct_identifiers(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text("model_details: {name: m, version: '1'}\nfeatures: [amount, customerNo]\n", encoding="utf-8")
    (tmp_path / "settings").mkdir()
    config = tmp_path / "settings" / "comply.yaml"
    config.write_text("feature_lists:\n  direct_identifiers:\n    customer_number: [customer_no]\n", encoding="utf-8")
    _, plain = check_json(str(card))
    assert {r["id"]: r["status"] for r in plain["cards"][0]["results"]}["gdpr.art5.1.c.direct_identifier"] == "pass"
    _, extended = check_json(str(card), "--config", str(config))
    result = {r["id"]: r for r in extended["cards"][0]["results"]}["gdpr.art5.1.c.direct_identifier"]
    assert result["status"] == "fail"
    assert result["line"] == 2
    assert "customerNo" in result["message"]


def test_bad_list_entry_is_one_line_exit_2(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text("model_details: {name: m, version: '1'}\nfeatures: [amount]\n", encoding="utf-8")
    config = tmp_path / "comply.yaml"
    config.write_text("feature_lists:\n  prohibited:\n    - '***'\n", encoding="utf-8")
    done = comply("check", str(card), "--config", str(config))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "comply.yaml:3: feature_lists.prohibited.0: expected a feature name" in done.stderr


def write_model(folder: Path, inputs: list[dict[str, str]] | None) -> Path:
    """An MLflow model directory as MLflow writes it: an MLmodel file (YAML) whose signature.inputs is a
    JSON string of column specs. No model file beside it: comply never loads one."""
    folder.mkdir(parents=True)
    mlmodel: dict[str, object] = {
        "artifact_path": "model",
        "flavors": {"python_function": {"loader_module": "mlflow.sklearn", "python_version": "3.11.9"}},
        "mlflow_version": "3.18.0",
        "model_uuid": "0b3f9a6c1d2e4f5a8b7c6d5e4f3a2b1c",
        "utc_time_created": "2026-11-30 09:12:44.123456",
    }
    if inputs is not None:
        mlmodel["signature"] = {
            "inputs": json.dumps([{**spec, "required": True} for spec in inputs]),
            "outputs": '[{"type": "double", "required": true}]',
            "params": None,
        }
    (folder / "MLmodel").write_text(yaml.safe_dump(mlmodel), encoding="utf-8")
    return folder


def columns(*names: str) -> list[dict[str, str]]:
    return [{"type": "double", "name": name} for name in names]


def signature_line(model: Path) -> int:
    lines = (model / "MLmodel").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.strip().startswith("inputs:"))


def test_a_card_without_features_is_judged_on_the_model_signature(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text("model_details: {name: m, version: '1'}\n", encoding="utf-8")
    model = write_model(tmp_path / "model", columns("income_band", "ethnic_origin", "applicantEmail"))
    code, report = check_json(str(card), "--model", str(model))
    checked = report["cards"][0]
    results = {r["id"]: r for r in checked["results"]}
    art9 = results["gdpr.art9.special_category_feature"]
    assert code == 1 and art9["status"] == "fail"
    [finding] = art9["findings"]
    shown = f"{model.relative_to(Path.cwd()) if model.is_relative_to(Path.cwd()) else model}/MLmodel"
    assert finding["message"].startswith(f"feature ethnic_origin (input 2 of the signature in {shown}) is special")
    assert (finding["file"], finding["line"]) == (shown, signature_line(model))
    identifier = results["gdpr.art5.1.c.direct_identifier"]["findings"][0]
    assert "feature applicantEmail (input 3 of the signature" in identifier["message"]
    assert "org.features.match_model" not in results  # nothing to match: the card lists no features
    kinds = {item["kind"]: item for item in checked["evidence"]}
    assert kinds["model"]["path"] == shown
    assert checked["input"]["evidence"]["features"]["source"] == "signature"


def test_the_card_list_is_judged_against_the_signature(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text("model_details: {name: m, version: '1'}\nfeatures: [income_band, term_months]\n", encoding="utf-8")
    matching = write_model(tmp_path / "same", columns("term_months", "income_band"))
    _, report = check_json(str(card), "--model", str(matching))
    status = {r["id"]: r["status"] for r in report["cards"][0]["results"]}
    assert status["org.features.match_model"] == "pass"

    other = write_model(tmp_path / "other", columns("income_band", "religion"))
    code, report = check_json(str(card), "--model", str(other))
    results = {r["id"]: r for r in report["cards"][0]["results"]}
    assert code == 1 and results["org.features.match_model"]["status"] == "fail"
    findings = results["org.features.match_model"]["findings"]
    assert len(findings) == 2
    by_line = {finding["line"]: finding["message"] for finding in findings}
    assert "the card lists feature term_months, which is not an input of the model" in by_line[2]
    assert "religion (input 2 of the signature in" in by_line[signature_line(other)]
    assert "is an input of the model that the card's features do not list" in by_line[signature_line(other)]
    art9 = results["gdpr.art9.special_category_feature"]  # the undeclared input is judged all the same
    assert art9["status"] == "fail" and "feature religion (input 2 of the signature" in art9["message"]


@pytest.mark.parametrize(
    ("inputs", "needle"),
    [
        (None, "the model has no input signature"),
        ([{"type": "tensor", "tensor-spec": '{"dtype": "float32", "shape": [-1, 8]}'}], "has no name (a tensor spec?)"),
        (columns("income", "income"), "the signature names income more than once"),
    ],
)
def test_a_model_without_named_inputs_is_one_line_exit_2(
    tmp_path: Path, inputs: list[dict[str, str]] | None, needle: str
) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text("model_details: {name: m, version: '1'}\n", encoding="utf-8")
    model = write_model(tmp_path / "model", inputs)
    done = comply("check", str(card), "--model", str(model / "MLmodel"))
    assert_one_line_error(done, "MLmodel:", needle)


def test_a_folder_without_mlmodel_is_one_line_exit_2(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text("model_details: {name: m, version: '1'}\n", encoding="utf-8")
    (tmp_path / "model").mkdir()
    assert_one_line_error(comply("check", str(card), "--model", str(tmp_path / "model")), "no MLmodel file")


@pytest.mark.parametrize(
    ("inputs", "signature"),
    [
        (None, "absent"),
        ([], "absent"),
        ([{"type": "tensor", "tensor-spec": '{"dtype": "float32", "shape": [-1, 8]}'}], "unnamed"),
    ],
)
def test_a_registered_version_without_named_inputs_is_no_error(
    tmp_path: Path, inputs: list[dict[str, str]] | None, signature: str
) -> None:
    """The signature a card's registered version brings unasked: none to read is recorded, not refused."""
    from checker.evidence.signature import model_evidence

    model = write_model(tmp_path / "model", inputs)
    facts, _ = model_evidence(model / "MLmodel", "models:/m/1/MLmodel", required=False)
    assert (facts["file"], facts["inputs"], facts["signature"]) == ("models:/m/1/MLmodel", [], signature)
    with pytest.raises(InputError):
        model_evidence(model / "MLmodel", "models:/m/1/MLmodel")
    duplicated = write_model(tmp_path / "twice", columns("income", "income"))
    with pytest.raises(InputError, match="more than once"):
        model_evidence(duplicated, "models:/m/1/MLmodel", required=False)
