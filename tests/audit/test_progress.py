"""`comply audit-log verify` shows a progress bar on a terminal (stderr a pseudo-terminal), nothing with --quiet
or in a pipe, and the same stdout either way (issue 13 item 5). COMPLY_PROGRESS_DELAY=0 shows it at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.audit_verify import write_log
from tests.conftest import comply
from tests.fairness.test_progress import run_on_a_terminal


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "audit.jsonl"
    write_log(path, 30_000)
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bar_on_a_terminal_and_the_same_results(big_log: Path, jobs: str) -> None:
    stdout, terminal = run_on_a_terminal("audit-log", "verify", str(big_log), "-j", jobs)
    assert "Verifying audit.jsonl" in terminal and "bytes" in terminal
    assert "INTACT" in stdout and stdout == comply("audit-log", "verify", str(big_log), "-j", jobs).stdout


def test_no_bar_with_quiet_or_in_a_pipe(big_log: Path) -> None:
    _, terminal = run_on_a_terminal("audit-log", "verify", str(big_log), "--quiet")
    assert "Verifying" not in terminal
    piped = comply("audit-log", "verify", str(big_log), env={"COMPLY_PROGRESS_DELAY": "0"})
    assert piped.returncode == 0 and piped.stderr == ""
