"""Many cards at once: directories and globs, one summary table, one exit code, one bundle load."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import EXAMPLES, ROOT, comply

PINNED = ("--reference-date", "2026-11-25")


def test_a_directory_checks_every_card_below_it_with_one_summary() -> None:
    done = comply("check", "examples/", *PINNED)
    cards = [p.relative_to(ROOT).as_posix() for p in sorted(EXAMPLES.rglob("model_card.yaml"))]
    assert done.returncode == 1, done.stderr  # credit-scoring-gaps and the prohibited example fail
    assert done.stdout.count("Summary") == 1
    for card in cards:
        assert card in done.stdout
    listed = json.loads(comply("check", "examples/", *PINNED, "-f", "json").stdout)
    assert [card["card"] for card in listed["cards"]] == cards


def test_a_glob_and_a_list_of_paths_give_the_same_cards_as_the_directory() -> None:
    by_dir = json.loads(comply("check", "examples/", *PINNED, "-f", "json").stdout)
    by_glob = json.loads(comply("check", "examples/*/model_card.yaml", *PINNED, "-f", "json").stdout)
    assert by_glob == by_dir


def test_one_passing_set_exits_zero() -> None:
    done = comply("check", "examples/credit-scoring", "examples/spam-filter", *PINNED)
    assert done.returncode == 0, done.stdout + done.stderr


def test_card_patterns_come_from_comply_yaml(tmp_path: Path) -> None:
    models = tmp_path / "models" / "scorer"
    models.mkdir(parents=True)
    shutil.copy(EXAMPLES / "spam-filter" / "model_card.yaml", models / "scorer.card.yaml")
    shutil.copy(EXAMPLES / "spam-filter" / "model_card.yaml", models / "notes.yaml")
    (tmp_path / "comply.yaml").write_text('card_patterns: ["*.card.yaml"]\n', encoding="utf-8")
    done = comply("check", "models", *PINNED, "-f", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [card["card"] for card in json.loads(done.stdout)["cards"]] == ["models/scorer/scorer.card.yaml"]
    none = comply("check", ".", *PINNED, cwd=tmp_path / "models")  # no comply.yaml here: default patterns
    assert none.returncode == 2 and "no model card found" in none.stderr


def test_the_policy_bundle_is_loaded_once_per_run(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import checker.check as check_module
    from checker.check import CheckRequest, run_check

    calls = []
    real = check_module.load_bundle

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(check_module, "load_bundle", counting)
    monkeypatch.chdir(ROOT)
    report = run_check(CheckRequest(paths=[Path("examples")], reference_date="2026-11-25"))
    assert len(report.cards) >= 3 and len(calls) == 1
