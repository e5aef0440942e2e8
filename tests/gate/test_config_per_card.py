"""Each card has its own config: the nearest comply.yaml at or above it, up to the repository root.

In a monorepo, one model's evidence must never decide another model's verdict: every test here runs the
CLI on real files and checks each card against its own predictions only.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, assert_one_line_error, comply

PINNED = ("--reference-date", "2026-11-25", "--timeline", "original")
FAIRNESS = ("org.fairness.demographic_parity",)
CREDIT = EXAMPLES / "credit-scoring"


def _biased(source: Path, target: Path) -> None:
    """The example's predictions with every woman declined: a selection-rate gap far over any threshold."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["sex"] == "female":
            row["declined"] = "1"
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A git repository with two credit models: `fair` judged on the example's predictions, `biased` on
    predictions that decline every woman. Each model's comply.yaml names its own evidence."""
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for name in ("fair", "biased"):
        shutil.copytree(CREDIT, repo / "models" / name)
    biased = repo / "models" / "biased"
    _biased(biased / "evidence" / "predictions.csv", biased / "evidence" / "declined-women.csv")
    config = biased / "comply.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("evidence/predictions.csv", "evidence/declined-women.csv"),
        encoding="utf-8",
    )
    return repo


def _fairness(done: subprocess.CompletedProcess[str]) -> dict[str, dict[str, str]]:
    """card -> fairness rule id -> status, from a JSON report."""
    assert done.returncode in (0, 1), done.stderr
    return {
        card["card"]: {result["id"]: result["status"] for result in card["results"] if result["id"] in FAIRNESS}
        for card in json.loads(done.stdout)["cards"]
    }


def _evidence(done: subprocess.CompletedProcess[str]) -> dict[str, set[str]]:
    return {
        card["card"]: {item["path"] for item in card["evidence"] if item["kind"] == "predictions"}
        for card in json.loads(done.stdout)["cards"]
    }


def test_each_card_of_a_monorepo_is_judged_on_its_own_evidence_only(monorepo: Path) -> None:
    done = comply("check", ".", *PINNED, "-f", "json", cwd=monorepo)
    assert done.returncode == 1, done.stderr
    fair, biased = "models/fair/model_card.yaml", "models/biased/model_card.yaml"
    assert _fairness(done) == {
        biased: {"org.fairness.demographic_parity": "fail"},
        fair: {"org.fairness.demographic_parity": "pass"},
    }
    assert _evidence(done) == {
        fair: {"models/fair/evidence/predictions.csv"},
        biased: {"models/biased/evidence/declined-women.csv"},
    }
    alone = comply("check", "models/fair", *PINNED, cwd=monorepo)
    assert alone.returncode == 0, alone.stdout + alone.stderr


def test_a_cards_own_config_is_found_from_any_working_directory(monorepo: Path, tmp_path: Path) -> None:
    card = monorepo / "models" / "biased" / "model_card.yaml"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "comply.yaml").write_text("evidence:\n  predictions: nowhere.csv\n", encoding="utf-8")
    for cwd in (monorepo, card.parent, monorepo / "models", elsewhere, Path("/")):
        done = comply("check", str(card), *PINNED, "-f", "json", cwd=cwd)
        assert done.returncode == 1, (cwd, done.stderr)
        (statuses,) = _fairness(done).values()
        assert statuses["org.fairness.demographic_parity"] == "fail", cwd
        (paths,) = _evidence(done).values()
        assert [Path(path).name for path in paths] == ["declined-women.csv"], cwd


def test_a_config_above_the_card_applies_up_to_the_repository_root(monorepo: Path) -> None:
    card_dir = monorepo / "teams" / "credit" / "scorer"
    shutil.copytree(monorepo / "models" / "fair", card_dir)
    (card_dir / "comply.yaml").rename(monorepo / "teams" / "comply.yaml")
    (monorepo / "teams" / "comply.yaml").write_text(
        (monorepo / "teams" / "comply.yaml")
        .read_text(encoding="utf-8")
        .replace("evidence/", "credit/scorer/evidence/"),  # relative to the config's own directory
        encoding="utf-8",
    )
    done = comply("check", "model_card.yaml", *PINNED, "-f", "json", cwd=card_dir)
    assert _evidence(done) == {"model_card.yaml": {"evidence/predictions.csv"}}
    (monorepo.parent / "comply.yaml").write_text("evidence:\n  predictions: nowhere.csv\n", encoding="utf-8")
    (monorepo / "teams" / "comply.yaml").unlink()  # above the repository root nothing applies
    alone = comply("check", "model_card.yaml", *PINNED, "-f", "json", cwd=card_dir)
    assert _evidence(alone) == {"model_card.yaml": set()}


def test_a_config_in_a_parent_directory_that_does_not_parse_is_one_line(monorepo: Path) -> None:
    card_dir = monorepo / "models" / "plain"
    card_dir.mkdir()
    shutil.copy(CREDIT / "model_card.yaml", card_dir / "model_card.yaml")
    (monorepo / "comply.yaml").write_text("evidence: [predictions: x.csv\n", encoding="utf-8")
    for cwd in (card_dir, ROOT):
        done = comply("check", str(card_dir / "model_card.yaml"), *PINNED, cwd=cwd)
        assert_one_line_error(done, "comply.yaml")


def test_evidence_on_the_command_line_must_name_its_card_when_there_are_several(monorepo: Path) -> None:
    fair_predictions = "models/fair/evidence/predictions.csv"
    plain = comply("check", ".", *PINNED, "--predictions", fair_predictions, cwd=monorepo)
    assert_one_line_error(plain, "--predictions", "2 cards", "CARD=")
    unknown = comply("check", ".", *PINNED, "--predictions", f"models/other={fair_predictions}", cwd=monorepo)
    assert_one_line_error(unknown, "models/other is not a card of this run")
    twice = comply(
        "check",
        ".",
        *PINNED,
        "--predictions",
        f"models/biased={fair_predictions}",
        "--predictions",
        f"models/biased/model_card.yaml={fair_predictions}",
        cwd=monorepo,
    )
    assert_one_line_error(twice, "--predictions is given twice for models/biased/model_card.yaml")
    named = comply(
        "check", ".", *PINNED, "-f", "json", "--predictions", f"models/biased={fair_predictions}", cwd=monorepo
    )
    assert _evidence(named) == {  # the named card takes it, the other keeps its own
        "models/fair/model_card.yaml": {fair_predictions},
        "models/biased/model_card.yaml": {fair_predictions},
    }
    assert named.returncode == 0, named.stdout
    one_card = comply("check", "models/fair", *PINNED, "-f", "json", "--predictions", "x.csv", cwd=monorepo)
    assert_one_line_error(one_card, "x.csv")  # one card: a plain path is that card's (and this one is missing)


def test_cards_whose_configs_disagree_on_run_settings_are_refused(monorepo: Path) -> None:
    config = monorepo / "models" / "biased" / "comply.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "timeline: amended\n", encoding="utf-8")
    done = comply("check", ".", *PINNED[:2], cwd=monorepo)
    assert_one_line_error(done, "models/biased/comply.yaml", "models/fair/comply.yaml", "timeline", "separate runs")
    each = [comply("check", f"models/{name}", *PINNED[:2], cwd=monorepo) for name in ("fair", "biased")]
    assert [run.returncode for run in each] == [0, 1], [run.stderr for run in each]


def test_check_examples_picks_up_the_credit_scoring_config_for_that_card() -> None:
    done = comply("check", "examples/", *PINNED, "-f", "json")
    assert done.returncode == 1, done.stderr
    evidence = _evidence(done)
    assert evidence.pop("examples/credit-scoring/model_card.yaml") == {
        "examples/credit-scoring/evidence/predictions.csv"
    }
    assert set().union(*evidence.values()) == set(), "no other card gets the credit-scoring predictions"
    credit = next(
        card for card in json.loads(done.stdout)["cards"] if card["card"].startswith("examples/credit-scoring/")
    )
    kinds = {item["kind"] for item in credit["evidence"]}
    assert {"predictions", "logging", "audit_log"} <= kinds
