"""Your own rules and thresholds: --policy / policy_dirs add comply.custom.* packages (with their own
data under comply.custom), --data / thresholds: make organisation thresholds stricter (looser only as a
declared deviation, shown in the report); the numbers the AI Act fixes cannot be changed at all; nothing can
weaken a built-in rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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


def test_stricter_thresholds_from_data_file_and_comply_yaml_change_the_verdict(tmp_path: Path) -> None:
    rule = "org.fairness.demographic_parity"
    card = tmp_path / "model_card.yaml"  # the card alone (declared 0.04), without the example's comply.yaml
    shutil.copy(EXAMPLES / "credit-scoring" / "model_card.yaml", card)
    assert statuses(comply("check", str(card), *ORIGINAL, "-f", "json").stdout)[rule] == "pass"
    data = tmp_path / "strict.yaml"
    data.write_text("thresholds:\n  demographic_parity_difference: 0.03\n", encoding="utf-8")
    strict = comply("check", str(card), "--data", str(data), *ORIGINAL, "-f", "json")
    assert strict.returncode == 1 and statuses(strict.stdout)[rule] == "fail"
    (tmp_path / "comply.yaml").write_text("thresholds:\n  demographic_parity_difference: 0.03\n", encoding="utf-8")
    configured = comply("check", "model_card.yaml", *ORIGINAL, "-f", "json", cwd=tmp_path)
    assert statuses(configured.stdout)[rule] == "fail"
    assert json.loads(configured.stdout)["deviations"] == [], "a stricter threshold is not a deviation"


LEGAL_CONSTANTS: dict[str, object] = {
    "documentation_retention_years": 1,
    "log_retention_days": 1,
    "incident_deadline_general_days": 365,
    "incident_deadline_death_days": 365,
    "incident_deadline_widespread_or_critical_infrastructure_days": 365,
    "systemic_risk_training_flops": "1.0e+300",
    "gpai_notification_days": 365,
}


@pytest.mark.parametrize(("key", "value"), sorted(LEGAL_CONSTANTS.items()))
def test_a_legal_constant_cannot_be_set_from_comply_yaml(tmp_path: Path, key: str, value: object) -> None:
    shutil.copy(EXAMPLES / "credit-scoring" / "model_card.yaml", tmp_path / "model_card.yaml")
    (tmp_path / "comply.yaml").write_text(f"thresholds:\n  {key}: {value}\n", encoding="utf-8")
    done = comply("check", "model_card.yaml", cwd=tmp_path)
    assert_one_line_error(done, f"comply.yaml:2: thresholds.{key}", "fixed by law")


def test_the_art73_deadline_and_the_art51_compute_cannot_be_talked_down(tmp_path: Path) -> None:
    """The attack of issue 10: 365 days to report an incident (art73 FAIL -> PASS), 1e300 FLOPs (no GPAI duties)."""
    data = tmp_path / "lenient.yaml"
    data.write_text("thresholds:\n  incident_deadline_general_days: 365\n", encoding="utf-8")
    assert_one_line_error(comply("check", GOOD, "--data", str(data)), "incident_deadline_general_days", "fixed by law")
    (tmp_path / "comply.yaml").write_text(
        "deviations:\n  - threshold: systemic_risk_training_flops\n    value: 1.0e+300\n"
        "    owner: CTO\n    reason: we are small\n",
        encoding="utf-8",
    )
    shutil.copy(EXAMPLES / "gpai-foundation-model" / "model_card.yaml", tmp_path / "model_card.yaml")
    done = comply("check", "model_card.yaml", cwd=tmp_path)
    assert_one_line_error(done, "deviations.0", "systemic_risk_training_flops", "fixed by law")


@pytest.mark.parametrize("section", ["law", "thresholds"])
def test_custom_policy_data_cannot_set_a_legal_constant(tmp_path: Path, section: str) -> None:
    directory = _policy_dir(
        tmp_path,
        naming__rego=(CUSTOM / "naming.rego").read_text(encoding="utf-8"),
        data__json=json.dumps({"comply": {section: {"incident_deadline_general_days": 365}}}),
    )
    done = comply("check", GOOD, "--policy", str(directory))
    assert_one_line_error(done, f"comply.{section}.incident_deadline_general_days", "fixed by law")


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ("demographic_parity_difference: 0.3", "looser than comply's default 0.1"),
        ("disparate_impact_ratio: 0.5", "looser than comply's default 0.8"),
        ("min_group_size: 5", "looser than comply's default 30"),
        ("waiver_max_lifetime_days: 3650", "looser than comply's default 365"),
        ("demographic_parity_difference: -1", "out of range"),
        ("disparate_impact_ratio: 7", "out of range"),
        ("min_group_size: 40.5", "whole number"),
        ("audit_log_max_silence_days: .nan", "not a finite number"),
    ],
)
def test_an_organisation_threshold_is_only_made_stricter(tmp_path: Path, setting: str, needle: str) -> None:
    shutil.copy(EXAMPLES / "credit-scoring" / "model_card.yaml", tmp_path / "model_card.yaml")
    (tmp_path / "comply.yaml").write_text(f"fail_on_warn: false\nthresholds:\n  {setting}\n", encoding="utf-8")
    done = comply("check", "model_card.yaml", cwd=tmp_path)
    assert_one_line_error(done, f"comply.yaml:3: thresholds.{setting.split(':')[0]}", needle)


DEVIATION = """\
deviations:
  - threshold: demographic_parity_difference
    value: 0.2
    owner: Head of Model Risk
    reason: pilot in one region, reviewed monthly (MRM-77)
"""


def test_a_declared_deviation_loosens_a_threshold_and_every_format_shows_it(tmp_path: Path) -> None:
    card = (EXAMPLES / "credit-scoring" / "model_card.yaml").read_text(encoding="utf-8")
    (tmp_path / "model_card.yaml").write_text(
        card.replace("demographic_parity_difference: 0.04", "demographic_parity_difference: 0.15"), encoding="utf-8"
    )
    rule = "org.fairness.demographic_parity"
    assert statuses(comply("check", "model_card.yaml", *ORIGINAL, "-f", "json", cwd=tmp_path).stdout)[rule] == "fail"
    (tmp_path / "comply.yaml").write_text(DEVIATION, encoding="utf-8")
    done = comply("check", "model_card.yaml", *ORIGINAL, "-f", "json", cwd=tmp_path)
    assert statuses(done.stdout)[rule] == "pass"
    assert json.loads(done.stdout)["deviations"] == [
        {
            "threshold": "demographic_parity_difference",
            "value": 0.2,
            "default": 0.1,
            "owner": "Head of Model Risk",
            "reason": "pilot in one region, reviewed monthly (MRM-77)",
        }
    ]
    shown = "deviation: thresholds.demographic_parity_difference = 0.2 (comply's default 0.1)"
    text = comply("check", "model_card.yaml", *ORIGINAL, cwd=tmp_path).stdout
    assert shown in "\n".join(text.splitlines()[:4]) and "Head of Model Risk" in text
    markdown = comply("check", "model_card.yaml", *ORIGINAL, "-f", "markdown", cwd=tmp_path).stdout
    assert shown in "\n".join(markdown.splitlines()[:6])
    sarif = json.loads(comply("check", "model_card.yaml", *ORIGINAL, "-f", "sarif", cwd=tmp_path).stdout)
    assert sarif["runs"][0]["properties"]["deviations"][0]["owner"] == "Head of Model Risk"
    junit = comply("check", "model_card.yaml", *ORIGINAL, "-f", "junit", cwd=tmp_path).stdout
    assert 'name="deviation.demographic_parity_difference"' in junit and "Head of Model Risk" in junit
    github = comply("check", "model_card.yaml", *ORIGINAL, "-f", "github", cwd=tmp_path).stdout
    notice = "::notice title=comply::deviation: thresholds.demographic_parity_difference"
    assert any(line.startswith(notice) for line in github.splitlines()[:3])


@pytest.mark.parametrize(
    ("deviation", "needle"),
    [
        (DEVIATION.replace("value: 0.2", "value: 0.05"), "not looser than comply's default"),
        (DEVIATION.replace("    owner: Head of Model Risk\n", ""), "owner"),
        (DEVIATION.replace("value: 0.2", "value: 2"), "out of range"),
        (DEVIATION + "thresholds:\n  demographic_parity_difference: 0.05\n", "also set under `thresholds:`"),
        (DEVIATION.replace("demographic_parity_difference", "dp"), "unknown threshold dp"),
    ],
)
def test_a_bad_deviation_is_an_input_error(tmp_path: Path, deviation: str, needle: str) -> None:
    shutil.copy(EXAMPLES / "credit-scoring" / "model_card.yaml", tmp_path / "model_card.yaml")
    (tmp_path / "comply.yaml").write_text(deviation, encoding="utf-8")
    assert_one_line_error(comply("check", "model_card.yaml", cwd=tmp_path), needle)


def test_a_data_file_cannot_declare_deviations(tmp_path: Path) -> None:
    data = tmp_path / "d.yaml"
    data.write_text("thresholds: {}\n" + DEVIATION, encoding="utf-8")
    assert_one_line_error(comply("check", GOOD, "--data", str(data)), "d.yaml:2: deviations", "belong in comply.yaml")


def test_every_organisation_threshold_says_which_way_is_stricter() -> None:
    comply_data = json.loads((ROOT / "policies" / "data.json").read_text(encoding="utf-8"))["comply"]
    rules = comply_data["threshold_rules"]
    assert not set(comply_data["law"]) & set(comply_data["thresholds"])
    assert all("fixed_by" in rules[key] for key in comply_data["law"])
    for key, value in comply_data["thresholds"].items():
        assert rules[key]["stricter"] in {"lower", "higher"}, key
        assert rules[key]["minimum"] <= value <= rules[key]["maximum"], key


def test_unknown_thresholds_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "typo.yaml"
    data.write_text("thresholds:\n  log_retention_dayz: 400\n", encoding="utf-8")
    assert_one_line_error(comply("check", GOOD, "--data", str(data)), "log_retention_dayz", "unknown threshold")


# --- custom rules never vanish: every shape reports, or the bundle refuses to load ---------------------

NESTED = """package comply.custom.team.naming

import rego.v1

# METADATA
# title: Model names are lower-case
# custom:
#   id: custom.team.lowercase_name
#   article: Organisation policy (naming)
#   severity: low
#   remediation: Rename the model.
deny contains {"id": "custom.team.lowercase_name", "msg": "model name is not lower-case"} if {
	input.card.model_details.name != "never-this-name"
}
"""

CONFTEST_SHAPES = {
    "string deny": ('deny contains msg if {\n\tmsg := "owner must be a team"\n}\n', "fail"),
    "string warn": ('warn contains msg if {\n\tmsg := "consider a team owner"\n}\n', "warn"),
    "violation object without id": ('violation contains {"msg": "no ticket"} if true\n', "fail"),
    "deny with a suffix": ('deny_owner contains "owner is a person" if true\n', "fail"),
    "object deny without id": (
        'deny contains {"msg": "no id here", "field": "card.model_details.owner"} if true\n',
        "fail",
    ),
}


def test_a_finding_from_a_nested_custom_package_is_reported(tmp_path: Path) -> None:
    directory = _policy_dir(tmp_path, naming__rego=NESTED)
    done = comply("check", GOOD, "--policy", str(directory), *ORIGINAL, "-f", "json")
    assert done.returncode == 1, done.stderr
    assert statuses(done.stdout)["custom.team.lowercase_name"] == "fail"


@pytest.mark.parametrize("shape", sorted(CONFTEST_SHAPES))
def test_conftest_shapes_report_under_the_package_path(tmp_path: Path, shape: str) -> None:
    rule, status = CONFTEST_SHAPES[shape]
    directory = _policy_dir(tmp_path, team__rego=f"package comply.custom.team.conftest\n\nimport rego.v1\n\n{rule}")
    done = comply("check", GOOD, "--policy", str(directory), *ORIGINAL, "-f", "json")
    assert done.returncode == (1 if status == "fail" else 0), done.stdout[-500:] + done.stderr
    result = next(r for r in json.loads(done.stdout)["cards"][0]["results"] if r["id"] == "comply.custom.team.conftest")
    assert result["status"] == status and result["findings"], result
    assert result["article"].startswith("Organisation policy")


@pytest.mark.parametrize("name", ["denies", "violations", "warning", "deny-ish"])
def test_a_misnamed_rule_set_fails_to_load_naming_file_and_rule(tmp_path: Path, name: str) -> None:
    head = name.replace("-ish", "ied")
    directory = _policy_dir(
        tmp_path, team__rego=f'package comply.custom.team\n\nimport rego.v1\n\n{head} contains "x" if true\n'
    )
    done = comply("check", GOOD, "--policy", str(directory))
    assert_one_line_error(done, "team.rego:5: rule", head, "never reported")


def test_a_helper_used_by_a_rule_set_is_fine(tmp_path: Path) -> None:
    rego = 'package comply.custom.team\n\nimport rego.v1\n\npersonal if contains(input.card.model_details.owner, "@gmail")\n\ndeny contains "personal owner" if personal\n'
    directory = _policy_dir(tmp_path, team__rego=rego)
    done = comply("check", GOOD, "--policy", str(directory), *ORIGINAL, "-f", "json")
    assert done.returncode == 0 and "comply.custom.team" not in statuses(done.stdout), done.stderr
    card = card_with_owner(tmp_path, "someone@gmail.com")
    failing = comply("check", str(card), "--policy", str(directory), *ORIGINAL, "-f", "json")
    assert failing.returncode == 1 and statuses(failing.stdout)["comply.custom.team"] == "fail"


def test_an_id_without_metadata_names_the_file(tmp_path: Path) -> None:
    rego = (
        'package comply.custom.team\n\nimport rego.v1\n\ndeny contains {"id": "custom.unknown", "msg": "m"} if true\n'
    )
    directory = _policy_dir(tmp_path, team__rego=rego)
    done = comply("check", GOOD, "--policy", str(directory), *ORIGINAL)
    assert_one_line_error(done, "team.rego (comply.custom.team)", "custom.unknown", "no # METADATA")


# --- policy directories never shadow each other ---------------------------------------------------


def test_the_same_package_in_two_policy_directories_is_a_load_error(tmp_path: Path) -> None:
    central = _policy_dir(tmp_path, naming__rego=(CUSTOM / "naming.rego").read_text(encoding="utf-8"))
    local = tmp_path / "local"
    local.mkdir()
    (local / "extra.rego").write_text(
        'package comply.custom.naming\n\nimport rego.v1\n\nchecks contains "custom.owner_domain" if false\n',
        encoding="utf-8",
    )
    (tmp_path / "comply.yaml").write_text("policy_dirs: [local]\n", encoding="utf-8")
    shutil.copy(EXAMPLES / "credit-scoring" / "model_card.yaml", tmp_path / "model_card.yaml")
    done = comply("check", "model_card.yaml", "--policy", str(central), cwd=tmp_path)
    assert_one_line_error(done, "package comply.custom.naming", "naming.rego", "extra.rego")


def test_data_of_one_directory_cannot_shadow_a_package_of_another(tmp_path: Path) -> None:
    central = _policy_dir(tmp_path, naming__rego=(CUSTOM / "naming.rego").read_text(encoding="utf-8"))
    local = tmp_path / "local"
    local.mkdir()
    (local / "other.rego").write_text('package comply.custom.other\n\nimport rego.v1\n\ndeny contains "x" if false\n')
    (local / "data.yaml").write_text("comply:\n  custom:\n    naming:\n      domains: [gmail.com]\n")
    done = comply("check", GOOD, "--policy", str(central), "--policy", str(local))
    assert_one_line_error(done, "data.yaml", "comply.custom.naming", "naming.rego")


def test_the_same_data_key_in_two_directories_names_both_files(tmp_path: Path) -> None:
    first = tmp_path / "a"
    second = tmp_path / "b"
    for directory, package in ((first, "a"), (second, "b")):
        directory.mkdir()
        (directory / "p.rego").write_text(
            f'package comply.custom.{package}\n\nimport rego.v1\n\ndeny contains "x" if false\n'
        )
        (directory / "data.json").write_text('{"comply": {"custom": {"shared": {"v": 1}}}}')
    done = comply("check", GOOD, "--policy", str(first), "--policy", str(second))
    assert_one_line_error(done, "b/data.json", "comply.custom.shared", "a/data.json")


def test_the_same_directory_twice_is_not_a_conflict(tmp_path: Path) -> None:
    done = comply("check", GOOD, "--policy", str(CUSTOM), "--policy", str(CUSTOM), *ORIGINAL, "-f", "json")
    assert done.returncode == 0, done.stderr
