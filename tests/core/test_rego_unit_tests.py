"""Every Rego unit test in the bundle, one pytest case each (the same runner as `comply policy test`)."""

from __future__ import annotations

import pytest

from checker.engine.bundle import load_bundle
from checker.policytest import TestOutcome, run_tests
from tests.conftest import comply

_RUN = run_tests(load_bundle())


def test_bundle_has_rego_tests() -> None:
    assert len(_RUN.outcomes) >= 10


@pytest.mark.parametrize("outcome", _RUN.outcomes, ids=lambda o: f"{o.package}.{o.name}")
def test_rego(outcome: TestOutcome) -> None:
    assert outcome.status == "pass", f"{outcome.module}: {outcome.name}: {outcome.detail}"


def test_policy_line_coverage_is_at_least_95_percent() -> None:
    uncovered = {item.path: item.not_covered for item in _RUN.coverage if item.not_covered}
    assert _RUN.coverage_percent >= 95.0, uncovered


def test_policy_test_command_reports_counts_and_coverage() -> None:
    done = comply("policy", "test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "coverage:" in done.stdout
    assert done.stdout.rstrip().endswith(f"{len(_RUN.outcomes)} passed, 0 failed")


def test_policy_test_fails_on_a_failing_rego_test(tmp_path) -> None:
    (tmp_path / "mine.rego").write_text(
        'package comply.custom.mine\n\nimport rego.v1\n\nlimit := 3\n\ndeny contains "over the limit" if limit > 5\n'
    )
    (tmp_path / "mine_test.rego").write_text(
        "package comply.custom.mine_test\n\nimport rego.v1\n\n"
        "test_limit_is_three if data.comply.custom.mine.limit == 3\n\n"
        "test_limit_is_four if data.comply.custom.mine.limit == 4\n"
    )
    done = comply("policy", "test", str(tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL" in done.stdout and "test_limit_is_four" in done.stdout
    assert "1 passed, 1 failed" in done.stdout
