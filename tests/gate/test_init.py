"""`comply init`: the starter files are valid, the templates pass shape checks, and a fresh high-risk
template fails with what to fill in instead of passing vacuously."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from checker.schemas import validate
from tests.conftest import assert_one_line_error, comply

PINNED = ("--reference-date", "2026-11-25", "--timeline", "original")


def test_init_writes_config_card_and_pre_commit_config(tmp_path: Path) -> None:
    done = comply("init", "--dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    for name in ("comply.yaml", "model_card.yaml", ".pre-commit-config.yaml"):
        assert (tmp_path / name).is_file(), name
    validate(yaml.safe_load((tmp_path / "comply.yaml").read_text(encoding="utf-8")), "config")
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert hooks["repos"][0]["hooks"][0]["id"] == "comply-check"


def test_the_high_tier_template_fails_with_what_to_fill_in(tmp_path: Path) -> None:
    comply("init", "--tier", "high", "--dir", str(tmp_path))
    done = comply("check", "model_card.yaml", *PINNED, "-f", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr  # shape-valid (not exit 2) but not compliant
    card = json.loads(done.stdout)["cards"][0]
    assert card["classification"]["tier"] == "high"
    failed = {r["id"] for r in card["results"] if r["status"] == "fail"}
    assert {"art9.risk_management", "art14.human_oversight", "org.approval"} <= failed, failed


@pytest.mark.parametrize("tier", ["high", "limited", "minimal"])
def test_every_template_passes_shape_validation_and_gets_its_tier(tmp_path: Path, tier: str) -> None:
    comply("init", "--tier", tier, "--dir", str(tmp_path))
    done = comply("check", "model_card.yaml", *PINNED, "-f", "json", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["cards"][0]["classification"]["tier"] == tier


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    (tmp_path / "model_card.yaml").write_text("mine\n", encoding="utf-8")
    assert_one_line_error(comply("init", "--dir", str(tmp_path)), "model_card.yaml already exists", "--force")
    assert (tmp_path / "model_card.yaml").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "comply.yaml").exists()
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    forced = comply("init", "--dir", str(tmp_path), "--force")
    assert forced.returncode == 0
    assert (tmp_path / "model_card.yaml").read_text(encoding="utf-8") != "mine\n"
    assert (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos: []\n"
    assert "id: comply-check" in forced.stdout  # the snippet to add instead
