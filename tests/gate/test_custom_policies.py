"""Your own rules and thresholds: --policy / policy_dirs add comply.custom.* packages (with their own
data under comply.custom), --data / thresholds: override thresholds; nothing can weaken a built-in rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import EXAMPLES, ROOT, assert_one_line_error, comply

CUSTOM = ROOT / "tests" / "gate" / "fixtures" / "custom_policy"
GOOD = "examples/credit-scoring/model_card.yaml"
ORIGINAL = ("--reference-date", "2026-11-25", "--timeline", "original")  # Annex III duties apply


def statuses(stdout: str) -> dict[str, str]:
    return {r["id"]: r["status"] for card in json.loads(stdout)["cards"] for r in card["results"]}


def card_with_owner(tmp_path: Path, owner: str) -> Path:
    text = (EXAMPLES / "credit-scoring" / "model_card.yaml").read_text(encoding="utf-8")
    card = tmp_path / "model_card.yaml"
    card.write_text(text.replace("owner: credit-risk-ml@example.eu", f"owner: {owner}"), encoding="utf-8")
    return card


def test_a_custom_rule_passes_and_fails_with_its_metadata(tmp_path: Path) -> None:
    passing = comply("check", GOOD, "--policy", str(CUSTOM), *ORIGINAL, "-f", "json")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert statuses(passing.stdout)["custom.owner_domain"] == "pass"
    card = card_with_owner(tmp_path, "someone@gmail.com")
    failing = comply("check", str(card), "--policy", str(CUSTOM), *ORIGINAL, "-f", "json")
    assert failing.returncode == 1
    result = next(r for r in json.loads(failing.stdout)["cards"][0]["results"] if r["id"] == "custom.owner_domain")
    assert result["status"] == "fail"
    assert result["article"] == "Organisation policy (model ownership)" and result["severity"] == "medium"
    assert "example.eu, example.org" in result["message"] and result["line"] == 8


def test_policy_dirs_in_comply_yaml_are_used(tmp_path: Path) -> None:
    card_with_owner(tmp_path, "someone@gmail.com")
    shutil.copytree(CUSTOM, tmp_path / "policy")
    (tmp_path / "comply.yaml").write_text("policy_dirs: [policy]\n", encoding="utf-8")
    done = comply("check", "model_card.yaml", *ORIGINAL, "-f", "json", cwd=tmp_path)
    assert statuses(done.stdout)["custom.owner_domain"] == "fail"


def _policy_dir(tmp_path: Path, **files: str) -> Path:
    directory = tmp_path / "policy"
    directory.mkdir()
    for name, text in files.items():
        (directory / name.replace("__", ".")).write_text(text, encoding="utf-8")
    return directory


def test_a_custom_package_outside_comply_custom_is_refused(tmp_path: Path) -> None:
    rego = (
        (CUSTOM / "naming.rego")
        .read_text(encoding="utf-8")
        .replace("comply.custom.naming", "comply.rules.record_keeping")
    )
    directory = _policy_dir(tmp_path, naming__rego=rego)
    assert_one_line_error(comply("check", GOOD, "--policy", str(directory)), "not allowed", "comply.custom.*")


def test_custom_data_cannot_redefine_built_in_data(tmp_path: Path) -> None:
    directory = _policy_dir(
        tmp_path,
        naming__rego=(CUSTOM / "naming.rego").read_text(encoding="utf-8"),
        data__json=json.dumps(
            {"comply": {"thresholds": {"log_retention_days": 1}, "custom": {"naming": {"domains": []}}}}
        ),
    )
    assert_one_line_error(
        comply("check", GOOD, "--policy", str(directory)),
        "may only add keys under comply.custom",
        "comply.thresholds",
    )


def test_a_custom_rule_cannot_take_over_a_built_in_rule_id(tmp_path: Path) -> None:
    rego = (CUSTOM / "naming.rego").read_text(encoding="utf-8").replace("custom.owner_domain", "art19.log_retention_6m")
    directory = _policy_dir(tmp_path, naming__rego=rego, data__yaml=(CUSTOM / "data.yaml").read_text(encoding="utf-8"))
    assert_one_line_error(
        comply("check", GOOD, "--policy", str(directory)), "art19.log_retention_6m", "already has METADATA"
    )


def test_policy_test_runs_the_custom_rego_tests_with_coverage(tmp_path: Path) -> None:
    done = comply("policy", "test", str(CUSTOM))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed, 0 failed" in done.stdout
    assert "naming.rego" in done.stdout and "% " in done.stdout and "total" in done.stdout
    broken = tmp_path / "broken"
    shutil.copytree(CUSTOM, broken)
    test_file = broken / "naming_test.rego"
    test_file.write_text(
        test_file.read_text(encoding="utf-8").replace(
            '== 1 with input as {"card": {}}', '== 0 with input as {"card": {}}'
        ),
        encoding="utf-8",
    )
    failed = comply("policy", "test", str(broken))
    assert failed.returncode == 1 and "FAIL" in failed.stdout and "test_missing_owner_fails" in failed.stdout


def test_thresholds_from_data_file_and_comply_yaml_change_the_verdict(tmp_path: Path) -> None:
    assert statuses(comply("check", GOOD, *ORIGINAL, "-f", "json").stdout)["art19.log_retention_6m"] == "pass"
    data = tmp_path / "strict.yaml"
    data.write_text("thresholds:\n  log_retention_days: 400\n", encoding="utf-8")
    strict = comply("check", GOOD, "--data", str(data), *ORIGINAL, "-f", "json")
    assert strict.returncode == 1 and statuses(strict.stdout)["art19.log_retention_6m"] == "fail"
    shutil.copy(EXAMPLES / "credit-scoring" / "model_card.yaml", tmp_path / "model_card.yaml")
    (tmp_path / "comply.yaml").write_text("thresholds:\n  log_retention_days: 400\n", encoding="utf-8")
    configured = comply("check", "model_card.yaml", *ORIGINAL, "-f", "json", cwd=tmp_path)
    assert statuses(configured.stdout)["art19.log_retention_6m"] == "fail"


def test_unknown_thresholds_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "typo.yaml"
    data.write_text("thresholds:\n  log_retention_dayz: 400\n", encoding="utf-8")
    assert_one_line_error(comply("check", GOOD, "--data", str(data)), "log_retention_dayz", "unknown threshold")
