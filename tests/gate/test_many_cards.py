"""Many cards at once: directories and globs, one summary table, one exit code, one bundle load."""

from __future__ import annotations

import json
import shutil
import subprocess
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


def test_card_patterns_come_from_the_comply_yaml_of_each_directory(tmp_path: Path) -> None:
    """Which files are cards is decided by the config that would judge them: the nearest comply.yaml at
    or above the file's directory (up to the repository root), whatever directory was named or is current."""
    spam = EXAMPLES / "spam-filter" / "model_card.yaml"
    models = tmp_path / "models" / "scorer"
    models.mkdir(parents=True)
    shutil.copy(spam, models / "scorer.card.yaml")
    shutil.copy(spam, models / "notes.yaml")
    (tmp_path / "comply.yaml").write_text('card_patterns: ["*.card.yaml"]\n', encoding="utf-8")
    other = tmp_path / "models" / "ranker"
    other.mkdir()
    shutil.copy(spam, other / "ranker.card.yaml")  # not a card here: this directory has its own patterns
    shutil.copy(spam, other / "ranker.model.yaml")
    (other / "comply.yaml").write_text('card_patterns: ["*.model.yaml"]\n', encoding="utf-8")
    expected = ["models/ranker/ranker.model.yaml", "models/scorer/scorer.card.yaml"]

    def cards(cwd: Path, *paths: str) -> list[str]:
        done = comply("check", *paths, *PINNED, "-f", "json", cwd=cwd)
        assert done.returncode == 0, done.stderr
        return [card["card"] for card in json.loads(done.stdout)["cards"]]

    assert cards(tmp_path, "models") == expected
    # Outside a repository the search stops at the working directory: from models/ the root config is not seen.
    none = comply("check", "scorer", *PINNED, cwd=tmp_path / "models")
    assert none.returncode == 2 and "no model card found" in none.stderr
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    # In a repository it is seen from anywhere below the root, and from outside it.
    assert cards(tmp_path / "models", ".") == [path.removeprefix("models/") for path in expected]
    assert cards(ROOT, str(tmp_path / "models" / "scorer")) == [str(models / "scorer.card.yaml")]


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
