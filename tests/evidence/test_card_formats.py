"""Cards where ML teams keep them: Hugging Face front matter, Model Card Toolkit JSON, CycloneDX ML-BOMs.

Each format goes through the real CLI; the Model Card Toolkit card and the CycloneDX BOM of the
ticket-router example must give exactly the input document of its comply card.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, assert_one_line_error, comply

REFERENCE = ("--reference-date", "2028-01-01")
ROUTER = EXAMPLES / "ticket-router"


def check_json(*args: str, cwd: Path | None = None) -> tuple[int, dict]:
    done = comply("check", *args, "--format", "json", *REFERENCE, cwd=cwd)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)["cards"][0]


def statuses(card: dict) -> dict[str, str]:
    return {result["id"]: result["status"] for result in card["results"]}


@pytest.mark.parametrize("name", ["model_card.mct.json", "ml-bom.cdx.json"])
def test_foreign_card_gives_the_same_input_document_as_the_comply_card(name: str) -> None:
    code, expected = check_json(str(ROUTER / "model_card.yaml"))
    other_code, actual = check_json(str(ROUTER / name))
    assert actual["input"]["card"] == expected["input"]["card"]
    assert actual["input"]["evidence"] == expected["input"]["evidence"]
    assert (other_code, statuses(actual)) == (code, statuses(expected))


@pytest.mark.parametrize(
    ("name", "fmt"), [("model_card.mct.json", "mct"), ("ml-bom.cdx.json", "cyclonedx"), ("model_card.yaml", "comply")]
)
def test_format_override_reads_the_same(name: str, fmt: str) -> None:
    _, detected = check_json(str(ROUTER / name))
    _, forced = check_json(str(ROUTER / name), "--card-format", fmt)
    assert forced["input"] == detected["input"]


def test_mct_metric_failure_points_at_the_json_line(tmp_path: Path) -> None:
    card = json.loads((ROUTER / "model_card.mct.json").read_text(encoding="utf-8"))
    card["comply"]["evaluation"]["thresholds"]["accuracy"] = 0.95
    card["comply"]["risk_category"] = "high"
    card["comply"]["ai_act"]["use_cases"] = ["employment.recruitment"]
    target = tmp_path / "model_card.mct.json"
    target.write_text(json.dumps(card, indent=2), encoding="utf-8")
    code, result = check_json(str(target))
    assert code == 1
    accuracy = next(r for r in result["results"] if r["id"] == "art15.accuracy_robustness_cybersecurity")
    finding = next(f for f in accuracy["findings"] if f["field"] == "card.evaluation.metrics.accuracy")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert '"value": "0.934"' in lines[finding["line"] - 1]


def test_mct_card_breaking_its_own_schema_is_one_line(tmp_path: Path) -> None:
    card = json.loads((ROUTER / "model_card.mct.json").read_text(encoding="utf-8"))
    card["model_details"]["owners"] = "support-ml@example.org"
    card["not_an_mct_section"] = {}
    target = tmp_path / "card.json"
    target.write_text(json.dumps(card, indent=2), encoding="utf-8")
    done = comply("check", str(target))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "model_details.owners: expected a list" in done.stderr
    assert "not_an_mct_section" in done.stderr


def test_cyclonedx_metric_text_that_is_not_a_number(tmp_path: Path) -> None:
    bom = json.loads((ROUTER / "ml-bom.cdx.json").read_text(encoding="utf-8"))
    bom["metadata"]["component"]["modelCard"]["quantitativeAnalysis"]["performanceMetrics"][0]["value"] = "high"
    target = tmp_path / "bom.json"
    target.write_text(json.dumps(bom, indent=2), encoding="utf-8")
    assert_one_line_error(comply("check", str(target)), "performanceMetrics.0.value: expected a number, got 'high'")


def test_cyclonedx_without_a_model_component(tmp_path: Path) -> None:
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "numpy"}]}
    target = tmp_path / "bom.json"
    target.write_text(json.dumps(bom), encoding="utf-8")
    assert_one_line_error(comply("check", str(target)), "no component of type 'machine-learning-model'")


def test_cyclonedx_fairness_assessments_count_as_vulnerable_groups_considered(tmp_path: Path) -> None:
    bom = json.loads((ROUTER / "ml-bom.cdx.json").read_text(encoding="utf-8"))
    considerations = bom["metadata"]["component"]["modelCard"]["considerations"]
    considerations["fairnessAssessments"] = [
        {"groupAtRisk": "customers writing in German", "harms": "slower routing", "mitigationStrategy": "DE slice"}
    ]
    target = tmp_path / "bom.json"
    target.write_text(json.dumps(bom), encoding="utf-8")
    _, card = check_json(str(target))
    assert card["input"]["card"]["risk_management"]["vulnerable_groups_considered"] is True
    assessment = card["input"]["card"]["ethical_considerations"]["fairness_assessments"][0]
    assert assessment == {
        "group_at_risk": "customers writing in German",
        "harms": "slower routing",
        "mitigation": "DE slice",
    }


def test_open_weights_llm_card_under_a_community_licence_owes_art53_1_a_b() -> None:
    done = comply("classify", str(EXAMPLES / "huggingface-llm" / "README.md"), "--format", "json", *REFERENCE)
    assert done.returncode == 0, done.stderr
    duties = {duty["id"] for duty in json.loads(done.stdout)["obligations"]}
    assert {"art53.1.a.technical_documentation", "art53.1.b.downstream_information"} <= duties
    code, card = check_json(str(EXAMPLES / "huggingface-llm" / "README.md"))
    assert code == 1
    assert card["input"]["card"]["ai_act"]["open_weights"] is False
    assert card["input"]["card"]["gpai"]["licence"] == "llama3.1"
    failed = {r["id"] for r in card["results"] if r["status"] == "fail"}
    assert failed == {"art53.1.a.technical_documentation", "art53.1.b.downstream_information"}
    finding = next(r for r in card["results"] if r["id"] == "art53.1.a.technical_documentation")["findings"][0]
    assert finding["file"] == "examples/huggingface-llm/README.md"


def test_same_llm_card_under_apache_is_exempt_once_architecture_and_usage_are_public(tmp_path: Path) -> None:
    text = (EXAMPLES / "huggingface-llm" / "README.md").read_text(encoding="utf-8")
    apache = text.replace("license: llama3.1", "license: apache-2.0")
    target = tmp_path / "README.md"
    # Art 53(2) asks for more than the licence and the weights: without the architecture and the usage
    # information stated as public, the model still owes 53(1)(a)-(b).
    target.write_text(apache, encoding="utf-8")
    code, card = check_json(str(target))
    assert code == 1
    assert card["input"]["card"]["gpai"]["free_open_source_licence"] is True
    assert statuses(card)["art53.1.a.technical_documentation"] == "fail"
    public = "  gpai:\n    architecture_public: true\n    usage_information_public: true\n"
    target.write_text(apache.replace("  gpai:\n", public, 1), encoding="utf-8")
    code, card = check_json(str(target))
    assert code == 0
    assert "art53.1.a.technical_documentation" not in statuses(card)


def test_small_classifier_card_maps_hub_metadata() -> None:
    code, card = check_json(str(EXAMPLES / "huggingface-classifier" / "README.md"))
    assert code == 0
    facts = card["input"]["card"]
    assert facts["evaluation"]["metrics"] == {
        "accuracy": 0.9106,
        "f1": 0.9131,
        "stanfordnlp/sst2/sst2_validation": 0.9106,
    }
    assert facts["data_governance"]["datasets"] == [{"name": "sst2"}, {"name": "glue"}]
    assert facts["model_details"]["framework"] == "transformers"
    assert facts["model_details"]["license"] == "apache-2.0"
    done = comply("classify", str(EXAMPLES / "huggingface-classifier" / "README.md"), "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)["tier"] == "minimal"


def test_hub_metric_below_threshold_points_at_the_readme_line(tmp_path: Path) -> None:
    folder = tmp_path / "card"
    shutil.copytree(EXAMPLES / "huggingface-classifier", folder)
    readme = folder / "README.md"
    text = readme.read_text(encoding="utf-8").replace("risk_category: minimal", "risk_category: high")
    text = text.replace("use_cases: []", "use_cases: [employment.recruitment]").replace("value: 0.9106", "value: 0.8")
    readme.write_text(text, encoding="utf-8")
    code, card = check_json(str(readme))
    assert code == 1
    accuracy = next(r for r in card["results"] if r["id"] == "art15.accuracy_robustness_cybersecurity")
    finding = next(f for f in accuracy["findings"] if f["field"] == "card.evaluation.metrics.accuracy")
    assert readme.read_text(encoding="utf-8").splitlines()[finding["line"] - 1].strip() == "value: 0.8"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("# A card\n\nNo metadata here.\n", "README.md:1: no YAML front matter"),
        ("---\n- a list\n- not a mapping\n---\n# Card\n", "README.md:2: front matter: expected a mapping"),
        ("---\nlicense: mit\n", "never closed"),
        ("---\nlicense: [mit\n---\n", "README.md:3: invalid YAML"),
        ("---\ncomply: just text\n---\n", "README.md:2: comply: expected a mapping"),
    ],
)
def test_bad_hugging_face_cards_are_one_line(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "README.md").write_text(text, encoding="utf-8")
    assert_one_line_error(comply("check", "README.md", cwd=tmp_path), needle)


def test_unknown_card_format_is_a_usage_error() -> None:
    assert_one_line_error(comply("check", str(ROUTER / "model_card.yaml"), "--card-format", "docx"), "--card-format")


def test_plain_card_check_imports_no_adapter() -> None:
    probe = (
        "import sys; from pathlib import Path; from checker.evidence.card import load_card; "
        f"load_card(Path({str(ROUTER / 'model_card.yaml')!r})); "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('checker.evidence.', 'mlflow')))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=EXAMPLES.parent
    )
    loaded = done.stdout.split()
    assert not {"checker.evidence.huggingface", "checker.evidence.mct", "checker.evidence.cyclonedx"} & set(loaded)
    assert not any(name.startswith("mlflow") for name in loaded)
