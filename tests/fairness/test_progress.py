"""Progress bars: drawn on stderr when it is a terminal, never in a pipe, never with --quiet; stdout (the
results) is the same either way. The CLI runs under a real pseudo-terminal; COMPLY_PROGRESS_DELAY=0
shows the bar at once instead of after ~2 s."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, comply
from tests.fairness.conftest import random_frame

pty = pytest.importorskip("pty", reason="pseudo-terminals are POSIX-only")

ARGS = ("--y-true", "label", "--y-pred", "pred", "-s", "race", "-f", "json")


def run_on_a_terminal(*args: str) -> tuple[str, str]:
    """Run `comply ARGS` with stderr on a pseudo-terminal; (stdout, everything the terminal received)."""
    leader, follower = pty.openpty()
    env = {
        **{key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")},
        "PYTHONPATH": str(ROOT),
        "COMPLY_PROGRESS_DELAY": "0",
        "TERM": "xterm-256color",
        "COLUMNS": "100",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", *args], stdout=subprocess.PIPE, stderr=follower, env=env, cwd=ROOT
    )
    os.close(follower)
    received = bytearray()
    while True:
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # the follower side closed: the process is done
            break
        if not chunk:
            break
        received += chunk
    stdout, _ = process.communicate(timeout=120)
    os.close(leader)
    assert process.returncode == 0, received.decode(errors="replace")
    return stdout.decode(), received.decode(errors="replace")


@pytest.fixture(scope="module")
def predictions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "predictions.parquet"
    random_frame(3, rows=200_000).to_parquet(path, index=False, row_group_size=1_000)
    return path


def test_a_bar_on_a_terminal_for_streaming_and_duckdb(predictions: Path) -> None:
    stdout, terminal = run_on_a_terminal(
        "fairness", str(predictions), *ARGS, "--engine", "stream", "--batch-rows", "500"
    )
    assert "Counting predictions.parquet" in terminal and "rows" in terminal
    assert stdout == comply("fairness", str(predictions), *ARGS, "--engine", "stream", "--batch-rows", "500").stdout
    _, terminal = run_on_a_terminal("fairness", str(predictions), *ARGS, "--engine", "duckdb")
    assert "DuckDB: counting predictions.parquet" in terminal


def test_no_bar_with_quiet_or_without_a_terminal(predictions: Path) -> None:
    _, terminal = run_on_a_terminal("fairness", str(predictions), *ARGS, "--engine", "stream", "--quiet")
    assert "Counting" not in terminal
    piped = comply(
        "fairness",
        str(predictions),
        *ARGS,
        "--engine",
        "stream",
        "--batch-rows",
        "500",
        env={"COMPLY_PROGRESS_DELAY": "0"},
    )
    assert piped.returncode == 0 and piped.stderr == ""
