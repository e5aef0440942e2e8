"""Bad input never crashes and never passes: exit 2 with one clear line naming the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error, comply

MINIMAL_CARD = "model_details:\n  name: demo\n  version: '1'\n"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_missing_file(tmp_path: Path) -> None:
    assert_one_line_error(comply("check", str(tmp_path / "nope.yaml")), "no such file")


def test_directory_without_cards(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert_one_line_error(comply("check", str(tmp_path)), "no model card found")


def test_empty_file(tmp_path: Path) -> None:
    assert_one_line_error(comply("check", str(write(tmp_path, "model_card.yaml", ""))), "empty")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", "model_details:\n  name: demo\n  version: [1, 2\nother: x\n")
    done = comply("check", str(card))
    assert_one_line_error(done, "invalid YAML")
    assert "model_card.yaml:" in done.stderr


def test_yaml_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    card = write(tmp_path, "model_card.yaml", "\n".join(levels) + "\n")
    assert_one_line_error(comply("check", str(card), timeout=30), "billion laughs")


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    with card.open("w") as handle:
        handle.write("model_details:\n  name: big\nnotes: |\n")
        line = "  " + "x" * 1022 + "\n"
        for _ in range(50 * 1024):
            handle.write(line)
    assert card.stat().st_size > 50 * 1024 * 1024
    assert_one_line_error(comply("check", str(card), timeout=30), "limit")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", b"model_details:\n  name: caf\xe9\n")
    assert_one_line_error(comply("check", str(card)), "not valid UTF-8", "model_card.yaml:2")


def test_top_level_list(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", "- model_details\n- evaluation\n")
    assert_one_line_error(comply("check", str(card)), "expected a mapping")


def test_wrong_type_names_file_line_and_field(tmp_path: Path) -> None:
    card = write(
        tmp_path,
        "model_card.yaml",
        MINIMAL_CARD + "evaluation:\n  metrics:\n    accuracy: high\n",
    )
    done = comply("check", str(card))
    assert_one_line_error(done, "model_card.yaml:6: evaluation.metrics.accuracy: expected a number", 'got "high"')


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_inf_in_metrics(tmp_path: Path, value: str) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD + f"evaluation:\n  metrics:\n    auc: {value}\n")
    assert_one_line_error(comply("check", str(card)), "evaluation.metrics.auc", "not a finite number")


def test_nan_in_json_card(tmp_path: Path) -> None:
    card = write(
        tmp_path, "model_card.json", '{"model_details": {"name": "x"}, "evaluation": {"metrics": {"auc": NaN}}}'
    )
    assert_one_line_error(comply("check", str(card)), "NaN")


def test_duplicate_keys(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD + "model_details:\n  name: again\n")
    assert_one_line_error(comply("check", str(card)), "duplicate key")


def test_policy_with_syntax_error(tmp_path: Path) -> None:
    policy = tmp_path / "policies"
    policy.mkdir()
    (policy / "broken.rego").write_text(
        "package comply.custom.broken\n\nimport rego.v1\n\ndeny contains x if {\n  x := \n}\n"
    )
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    done = comply("check", str(card), "--policy", str(policy))
    assert_one_line_error(done, "broken.rego:")


def test_custom_policy_may_not_replace_builtin_packages(tmp_path: Path) -> None:
    policy = tmp_path / "policies"
    policy.mkdir()
    (policy / "evil.rego").write_text('package comply.classification\n\nimport rego.v1\n\ntier := "minimal"\n')
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    assert_one_line_error(comply("check", str(card), "--policy", str(policy)), "comply.custom")


def test_unknown_format(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    done = comply("check", str(card), "--format", "yaml")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "yaml" in done.stderr


def test_unknown_threshold_override(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    data = write(tmp_path, "thresholds.yaml", "thresholds:\n  not_a_threshold: 3\n")
    assert_one_line_error(comply("check", str(card), "--data", str(data)), "unknown threshold")


def test_bad_reference_date(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    done = comply("check", str(card), "--reference-date", "yesterday")
    assert done.returncode == 2 and "Traceback" not in done.stderr
