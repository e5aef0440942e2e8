"""The embedded engine's time limit: a policy that explodes combinatorially is stopped, one line, exit 2.

regorus cannot be interrupted and holds the GIL, so the decision runs in a forked worker that the
parent kills at the deadline (checker.engine.time_limit). The slow rule here is real Rego: it tries
every triple of numbers below a bound, so its time grows with the cube of the bound.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, assert_one_line_error, comply

CARD = str(EXAMPLES / "spam-filter" / "model_card.yaml")
PINNED = ("--reference-date", "2026-11-25")

SLOW_RULE = """package comply.custom.slow

import rego.v1

checks contains "custom.slow"

# METADATA
# title: No three numbers below the bound sum to a negative
# description: A deliberately slow rule that tries every triple of numbers below the bound.
# custom:
#   id: custom.slow
#   article: Organisation policy (test)
#   severity: low
#   remediation: Nothing to fix; the rule only takes time.
deny contains finding if {
	n := numbers.range(0, BOUND)
	count([1 | some a in n; some b in n; some c in n; a + b + c < 0]) > 0
	finding := {"id": "custom.slow", "msg": "three numbers summed to a negative"}
}
"""


def slow_policy(tmp_path: Path, bound: int) -> Path:
    folder = tmp_path / f"slow-{bound}"
    folder.mkdir()
    (folder / "slow.rego").write_text(SLOW_RULE.replace("BOUND", str(bound)), encoding="utf-8")
    return folder


def test_a_slow_policy_is_stopped_at_the_limit(tmp_path: Path) -> None:
    policy = slow_policy(tmp_path, 600)  # 216 million triples: minutes without the limit
    done = comply("check", CARD, *PINNED, "--policy", str(policy), "--eval-timeout", "1")
    assert_one_line_error(done, "policy evaluation exceeded 1 s")


def test_the_limit_comes_from_the_cards_comply_yaml(tmp_path: Path) -> None:
    policy = slow_policy(tmp_path, 600)
    card = tmp_path / "model_card.yaml"
    card.write_bytes(Path(CARD).read_bytes())
    (tmp_path / "comply.yaml").write_text(f"eval_timeout: 1.5\npolicy_dirs: [{policy.name}]\n", encoding="utf-8")
    done = comply("check", str(card), *PINNED)
    assert_one_line_error(done, "policy evaluation exceeded 1.5 s")
    (tmp_path / "comply.yaml").write_text("eval_timeout: -1\n", encoding="utf-8")
    assert_one_line_error(comply("check", str(card), *PINNED), "eval_timeout")


def test_without_the_limit_the_same_policy_runs_far_longer(tmp_path: Path) -> None:
    """The limit is what stops it: with `--eval-timeout 0` the rule is still running at 8 times the limit."""
    policy = slow_policy(tmp_path, 600)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "checker", "check", CARD, *PINNED, "--policy", str(policy), "--eval-timeout", "0"]
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=8, check=False)


def test_a_policy_that_finishes_in_time_is_judged_in_the_worker(tmp_path: Path) -> None:
    policy = slow_policy(tmp_path, 40)  # 64,000 triples: well within the limit
    limited = comply("check", CARD, *PINNED, "--policy", str(policy), "--eval-timeout", "30", "-f", "json")
    unlimited = comply("check", CARD, *PINNED, "--policy", str(policy), "--eval-timeout", "0", "-f", "json")
    assert limited.returncode == 0, limited.stderr
    assert '"id": "custom.slow"' in limited.stdout
    assert limited.stdout == unlimited.stdout


def test_one_worker_serves_every_card_of_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.check import CheckRequest, run_check

    forks: list[int] = []
    os.register_at_fork(after_in_parent=lambda: forks.append(1))
    monkeypatch.chdir(ROOT)
    before = len(forks)
    report = run_check(CheckRequest(paths=[Path("examples")], reference_date="2026-11-25"))
    assert len(report.cards) >= 5
    assert len(forks) - before == 1


BROKEN_RULE = "package comply.custom.broken\nimport rego.v1\ndeny contains msg if {\n  msg := \n}\n"


def test_a_policy_that_does_not_parse_is_reported_before_a_missing_card(tmp_path: Path) -> None:
    """The worker parses the policies while the parent looks for the cards; the policy error still wins,
    as when they were parsed first."""
    (tmp_path / "broken.rego").write_text(BROKEN_RULE, encoding="utf-8")
    done = comply("check", str(tmp_path / "no-such-card.yaml"), *PINNED, "--policy", str(tmp_path))
    assert_one_line_error(done, "broken.rego:4:", "expecting")
    assert "no-such-card" not in done.stderr


def test_a_policy_that_does_not_parse_is_reported_before_unreadable_evidence(tmp_path: Path) -> None:
    (tmp_path / "broken.rego").write_text(BROKEN_RULE, encoding="utf-8")
    (tmp_path / "audit.jsonl").write_bytes(b"\x00binary")
    done = comply("check", CARD, *PINNED, "--policy", str(tmp_path), "--audit-log", str(tmp_path / "audit.jsonl"))
    assert_one_line_error(done, "broken.rego:4:", "expecting")
    assert "binary" not in done.stderr
    checked = comply("check", CARD, *PINNED, "--audit-log", str(tmp_path / "audit.jsonl"))
    assert_one_line_error(checked, "binary file")  # the same evidence error, once the policies load


def test_the_worker_reports_a_policy_that_does_not_parse_to_every_caller(tmp_path: Path) -> None:
    import checker.engine.regorus_engine as regorus_engine
    from checker.engine.bundle import load_bundle
    from checker.errors import EngineError

    (tmp_path / "broken.rego").write_text(BROKEN_RULE, encoding="utf-8")
    engine = regorus_engine.RegorusEngine(load_bundle((tmp_path,)), time_limit=60)
    document = {"card": {}, "evidence": {}, "context": {"reference_date": "2026-11-25", "timeline": "original"}}
    for _ in range(2):  # the worker is not forked again: its error stands
        with pytest.raises(EngineError, match=r"broken\.rego:4:"):
            engine.evaluate(document)
    with pytest.raises(EngineError, match=r"broken\.rego:4:"):
        engine.ready()
    engine.close()


def test_the_parent_does_not_parse_the_policies_when_the_worker_does() -> None:
    """With a time limit (the default) regorus is loaded only in the worker: the parent never imports it."""
    probe = (
        "import contextlib, io, sys\n"
        "from checker.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(sys.argv[1:])\n"
        "print(code, 'regorus' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", probe, "check", CARD, *PINNED, "-f", "json"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["0", "False"], done.stderr
    unlimited = subprocess.run([*command, "--eval-timeout", "0"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert unlimited.stdout.split() == ["0", "True"], unlimited.stderr


def test_without_fork_evaluation_is_in_process_and_says_so_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import checker.engine.regorus_engine as regorus_engine
    from checker.engine.bundle import load_bundle

    monkeypatch.setattr(regorus_engine, "can_fork", lambda: False)
    engine = regorus_engine.RegorusEngine(load_bundle(), time_limit=60)
    document = {"card": {}, "evidence": {}, "context": {"reference_date": "2026-11-25", "timeline": "original"}}
    first, second = engine.evaluate(document), engine.evaluate(document)
    assert first == second and first["classification"]["tier"]
    assert capsys.readouterr().err.count("no time limit on policy evaluation") == 1


@pytest.mark.parametrize("value", ["nan", "inf", "1e18"])
def test_a_limit_that_is_no_number_of_seconds_is_refused(value: str) -> None:
    # nan made every decision "exceed nan s"; inf and 1e18 overflowed the deadline: an internal error
    done = comply("check", CARD, *PINNED, "--eval-timeout", value)
    assert_one_line_error(done, "--eval-timeout / eval_timeout: expected seconds from 0 (no limit) to 1e+09")


def test_a_huge_limit_in_comply_yaml_is_refused(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_bytes(Path(CARD).read_bytes())
    (tmp_path / "comply.yaml").write_text("eval_timeout: 1.0e+300\n", encoding="utf-8")
    done = comply("check", str(card), *PINNED, cwd=tmp_path)
    assert_one_line_error(done, "got 1e+300")
