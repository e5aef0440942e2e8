"""`comply diff --base REF` in real git repositories: the rule a change broke, the waiver it added, a fix, a
new card, a tier change, an expired waiver; the working tree untouched; bad input one line, exit 2."""

from __future__ import annotations

import datetime as _dt
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, assert_one_line_error, comply

DATE = ("--reference-date", "2026-11-25")
CARD = "models/scorer/model_card.yaml"
STOP = "  stop_mechanism: Kill switch in the scoring service console returns all applications to manual review\n"
EXPIRY = (_dt.date.today() + _dt.timedelta(days=29)).isoformat()
"""Waivers are judged against the real today: the valid one expires a few weeks from it."""
WAIVER = f"""\
waivers:
  - rule: art49.1.eu_database_registration
    card: models/scorer/model_card.yaml
    justification: registration pending with the national authority
    approved_by: Head of Model Risk
    expires: {EXPIRY}
"""


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.eu",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.eu",
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def passing_repo(tmp_path: Path) -> Path:
    """A repository whose one card (the credit-scoring example) passes, committed."""
    repo = tmp_path / "repo"
    (repo / "models" / "scorer").mkdir(parents=True)
    text = (EXAMPLES / "credit-scoring" / "model_card.yaml").read_text(encoding="utf-8")
    assert STOP in text
    (repo / CARD).write_text(text, encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a passing card")
    return repo


def edit(repo: Path, old: str, new: str) -> None:
    path = repo / CARD
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def diff_json(repo: Path, *args: str) -> tuple[int, dict[str, object], str]:
    done = comply("diff", *args, *DATE, "--format", "json", cwd=repo)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout), done.stdout


def test_names_exactly_the_broken_rule_and_the_added_waiver(tmp_path: Path) -> None:
    repo = passing_repo(tmp_path)
    edit(repo, STOP, "")
    (repo / "comply.yaml").write_text(WAIVER, encoding="utf-8")
    before = (git(repo, "status", "--porcelain"), git(repo, "rev-parse", "HEAD"), git(repo, "worktree", "list"))
    code, document, raw = diff_json(repo, "--base", "HEAD")
    assert code == 1
    (card,) = document["cards"]  # type: ignore[misc]
    assert [rule["id"] for rule in card["newly_failing"]] == ["art14.human_oversight"]
    assert card["newly_failing"][0]["base"] == "pass" and card["newly_failing"][0]["location"].startswith(CARD)
    assert card["newly_passing"] == [] and card["tier"] == {"base": "high", "head": "high"}
    assert [e["kind"] for e in card["evidence"]] == ["model_card"]
    waivers = document["waivers"]
    assert [(w["rule"], w["card"], w["approved_by"]) for w in waivers["new"]] == [  # type: ignore[index]
        ("art49.1.eu_database_registration", CARD, "Head of Model Risk")
    ]
    assert waivers["removed"] == [] and waivers["expired"] == []  # type: ignore[index]
    assert document["introduces_failure"] is True and document["base"]["ref"] == "HEAD"  # type: ignore[index]
    assert "comply-diff-" not in raw and str(tmp_path) not in raw
    assert diff_json(repo, "--base", "HEAD")[2] == raw  # byte-identical
    assert "generated_at" not in document and "generated_at" in diff_json(repo, "--base", "HEAD", "--timestamp")[1]
    after = (git(repo, "status", "--porcelain"), git(repo, "rev-parse", "HEAD"), git(repo, "worktree", "list"))
    assert after == before  # the working tree, HEAD and the worktree list are untouched
    text = comply("diff", "--base", "HEAD", *DATE, cwd=repo)
    assert text.returncode == 1
    assert "NEWLY FAILING  art14.human_oversight" in text.stdout
    assert "NEW WAIVER       art49.1.eu_database_registration" in text.stdout
    assert "the change introduces a failure" in text.stdout.splitlines()[-1]
    markdown = comply("diff", "--base", "HEAD", *DATE, "-f", "markdown", cwd=repo).stdout
    assert markdown.startswith("## comply — compliance diff") and "| `art14.human_oversight` |" in markdown
    assert "### Waivers" in markdown and "Head of Model Risk" in markdown


def test_a_fix_is_newly_passing_and_old_failures_fail_only_on_request(tmp_path: Path) -> None:
    repo = passing_repo(tmp_path)
    edit(repo, STOP, "")
    edit(repo, "  ticket: MRM-2026-0412\n", "")
    git(repo, "commit", "-q", "-am", "two failures")
    edit(repo, "human_oversight:\n", "human_oversight:\n" + STOP)
    code, document, _ = diff_json(repo, "--base", "HEAD")
    (card,) = document["cards"]  # type: ignore[misc]
    assert code == 0, card
    assert [rule["id"] for rule in card["newly_passing"]] == ["art14.human_oversight"]
    assert card["newly_failing"] == [] and card["failing_now"] == 1
    assert comply("diff", "--base", "HEAD", *DATE, "--fail-on-any", cwd=repo).returncode == 1


def test_a_card_missing_at_the_ref_is_a_new_card(tmp_path: Path) -> None:
    repo = passing_repo(tmp_path)
    (repo / "models" / "gaps").mkdir()
    gaps = (EXAMPLES / "credit-scoring-gaps" / "model_card.yaml").read_text(encoding="utf-8")
    (repo / "models" / "gaps" / "model_card.yaml").write_text(gaps, encoding="utf-8")
    code, document, _ = diff_json(repo, "--base", "HEAD")
    assert code == 1
    states = {card["card"]: card["state"] for card in document["cards"]}  # type: ignore[union-attr]
    assert states == {"models/gaps/model_card.yaml": "new", CARD: "unchanged"}
    new = next(card for card in document["cards"] if card["state"] == "new")  # type: ignore[union-attr]
    assert {rule["base"] for rule in new["newly_failing"]} == {None} and "org.approval" in {
        rule["id"] for rule in new["newly_failing"]
    }
    # A subdirectory that did not exist at the ref: every card in it is new, nothing is an error.
    done = comply("diff", "--base", "HEAD", *DATE, "--format", "json", cwd=repo / "models" / "gaps")
    assert done.returncode == 1, done.stderr
    nested = json.loads(done.stdout)
    assert [card["state"] for card in nested["cards"]] == ["new"] and "every card is new" in nested["notes"][0]


def test_from_a_subdirectory_both_sides_find_the_root_comply_yaml(tmp_path: Path) -> None:
    repo = passing_repo(tmp_path)
    (repo / "comply.yaml").write_text(WAIVER, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a waiver at the root")
    edit(repo, STOP, "")
    done = comply("diff", "--base", "HEAD", *DATE, "--format", "json", cwd=repo / "models")
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert document["waivers"] == {"new": [], "removed": [], "expired": []}
    (card,) = document["cards"]
    assert card["card"] == "scorer/model_card.yaml"
    assert [rule["id"] for rule in card["newly_failing"]] == ["art14.human_oversight"]
    assert card["other_changes"] == []  # the waiver's rule is judged on both sides


def test_tier_change_and_expired_waiver(tmp_path: Path) -> None:
    repo = passing_repo(tmp_path)
    (repo / "comply.yaml").write_text(WAIVER.replace(EXPIRY, "2026-11-01"), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a waiver")
    edit(repo, "use_cases: [essential_services.creditworthiness]", "use_cases: []")
    edit(repo, "  profiling: true\n", "  profiling: false\n")
    code, document, _ = diff_json(repo, "--base", "HEAD")
    (card,) = document["cards"]  # type: ignore[misc]
    assert code == 0, card["newly_failing"]  # fewer duties: nothing newly fails
    assert card["tier"] == {"base": "high", "head": "minimal"}
    assert {change["head"] for change in card["other_changes"]} == {None}  # high-risk duties no longer checked
    assert document["summary"]["tier_changes"] == 1  # type: ignore[index]
    assert [w["expires"] for w in document["waivers"]["expired"]] == ["2026-11-01"]  # type: ignore[index]
    assert document["waivers"]["new"] == []  # type: ignore[index]
    text = comply("diff", "--base", "HEAD", *DATE, cwd=repo).stdout
    assert "TIER           high -> " in text and "EXPIRED WAIVER" in text


def test_bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    repo = passing_repo(tmp_path)
    assert_one_line_error(comply("diff", "--base", "no-such-ref", cwd=repo), "unknown git ref 'no-such-ref'")
    assert_one_line_error(comply("diff", "--base", "--all", cwd=repo), "unknown git ref")
    plain = tmp_path / "plain"
    plain.mkdir()
    assert_one_line_error(comply("diff", "--base", "HEAD", cwd=plain), "not inside a git repository")
    assert_one_line_error(comply("diff", "--base", "HEAD", "-f", "sarif", cwd=repo), "unknown --format 'sarif'")
    edit(repo, "model_details:\n", "model_details: [\n")
    assert_one_line_error(comply("diff", "--base", "HEAD", *DATE, cwd=repo), "model_card.yaml")


def test_default_base_is_the_merge_base_with_the_default_branch(tmp_path: Path) -> None:
    repo = passing_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, STOP, "")
    git(repo, "commit", "-q", "-am", "drop the stop mechanism")
    code, document, _ = diff_json(repo)
    assert code == 1 and document["base"]["ref"] == "merge-base(HEAD, main)"  # type: ignore[index]
    assert document["base"]["commit"] == git(repo, "rev-parse", "main").strip()  # type: ignore[index]
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    git(lonely, "init", "-q", "-b", "trunk")
    (lonely / "x").write_text("x", encoding="utf-8")
    git(lonely, "add", "x")
    git(lonely, "commit", "-q", "-m", "x")
    assert_one_line_error(comply("diff", cwd=lonely), "--base REF")


@pytest.mark.parametrize("fmt", ["json", "markdown", "text"])
def test_card_text_stays_text(tmp_path: Path, fmt: str) -> None:
    repo = passing_repo(tmp_path)
    hostile = "x\\n::error file=a::forged <img src=x> [l](https://evil.example)"
    edit(repo, "  name: retail-credit-scorer\n", f'  name: "{hostile}"\n')
    edit(repo, STOP, "")
    done = comply("diff", "--base", "HEAD", *DATE, "-f", fmt, cwd=repo)
    assert done.returncode == 1, done.stderr
    assert not any(line.startswith("::") for line in done.stdout.splitlines())
    if fmt == "markdown":
        assert "<img" not in done.stdout and "](https://evil" not in done.stdout


def test_the_action_posts_the_diff_in_the_step_summary_on_pull_requests(tmp_path: Path) -> None:
    """The Action's diff step, run as the runner runs it (see tests/gate/test_action.py), on a pull
    request whose branch breaks the card; the step reports and never fails the job."""
    import re
    import sys

    import yaml

    from tests.conftest import ROOT

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "diff")
    assert "github.event_name == 'pull_request'" in step["if"] and "always()" in step["if"]
    repo = passing_repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "pr")
    edit(repo, STOP, "")
    git(repo, "commit", "-q", "-am", "drop the stop mechanism")
    values = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    values["diff-args"] = "--reference-date 2026-11-25"

    def substitute(text: str) -> str:
        text = text.replace("${{ github.event.pull_request.base.sha }}", base)
        return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], text)

    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "comply").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m checker "$@"\n', encoding="utf-8")
    (shim / "comply").chmod(0o755)
    script = tmp_path / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.write_text("## comply — EU AI Act compliance gate\n", encoding="utf-8")
    env = {
        **os.environ,
        **{key: substitute(str(value)) for key, value in step["env"].items()},
        "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    posted = summary.read_text(encoding="utf-8")
    assert posted.startswith("## comply — EU AI Act compliance gate\n## comply — compliance diff")
    assert "| `art14.human_oversight` |" in posted and base[:12] in posted
    assert output.read_text(encoding="utf-8") == "diff-exit-code=1\n"


RULE = """package comply.custom.team

import rego.v1

deny contains "the team's rule failed" if true
"""


def test_a_policy_directory_outside_the_repository_judges_both_sides(tmp_path: Path) -> None:
    # `--policy ../rules` was read in the exported base tree, where it names nothing: the base "could not be
    # checked" and every failure of the working tree counted as new (exit 1 on an unchanged card)
    repo = passing_repo(tmp_path)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "team.rego").write_text(RULE, encoding="utf-8")
    code, document, _ = diff_json(repo, "--base", "HEAD", "--policy", "../rules")
    assert code == 0, document
    assert document["notes"] == [], document
    (card,) = document["cards"]  # type: ignore[misc]
    assert card["newly_failing"] == [] and card["failing_now"] == 1 and card["base_error"] is None, card


def test_a_policy_directory_new_in_the_working_tree_is_new_at_the_base(tmp_path: Path) -> None:
    # the base lacks the directory: checked without it (a note), so only the new rule's failure is new
    repo = passing_repo(tmp_path)
    (repo / "rules").mkdir()
    (repo / "rules" / "team.rego").write_text(RULE, encoding="utf-8")
    code, document, _ = diff_json(repo, "--base", "HEAD", "--policy", "rules")
    assert code == 1
    assert document["notes"] == ["--policy rules does not exist at the base: checked without it"], document
    (card,) = document["cards"]  # type: ignore[misc]
    assert [rule["id"] for rule in card["newly_failing"]] == ["comply.custom.team"]


@pytest.mark.parametrize("target", [CARD, "comply.yaml"])
def test_the_diff_is_never_written_over_an_input(tmp_path: Path, target: str) -> None:
    # the base side's run forgot the working tree's inputs, so -o model_card.yaml replaced the card with the diff
    repo = passing_repo(tmp_path)
    (repo / "comply.yaml").write_text(WAIVER, encoding="utf-8")
    before = (repo / target).read_bytes()
    done = comply("diff", "--base", "HEAD", *DATE, "-o", target, cwd=repo)
    assert_one_line_error(done, "refusing to write the output report over", "an input of this run")
    assert (repo / target).read_bytes() == before


def test_a_card_outside_the_repository_is_refused(tmp_path: Path) -> None:
    # `comply diff ../elsewhere/model_card.yaml` was checked in the working tree and missing at the base, so
    # it counted as a new card whose every failure was new (exit 1)
    repo = passing_repo(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "model_card.yaml").write_bytes((repo / CARD).read_bytes())
    done = comply("diff", "--base", "HEAD", *DATE, "../elsewhere/model_card.yaml", cwd=repo)
    assert_one_line_error(done, "../elsewhere/model_card.yaml: outside the repository")
