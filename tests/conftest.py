"""Shared test helpers: run the real CLI as a subprocess on real files; skip rules for what a clone lacks.

A fresh clone has neither `../shared` (the COMPAS data) nor the real OPA engine (`opa_bindings`, installed
apart from the dev extra): tests that need them skip with one line naming what is missing and how to get it,
unless `COMPLY_REQUIRE_SHARED=1` / `COMPLY_REQUIRE_OPA=1` ask for them, which turns the skip into a failure.
`COMPLY_STRICT=1` (set by .ci/run) makes every skip a failure: in CI nothing may silently not run.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
EXAMPLES = ROOT / "examples"
TEST_DATA = ROOT / "tests" / "data"
"""Small public files the tests need, kept in the repository (each with its source in tests/data/SOURCES.md)."""

OPA_INSTALL = "pip install --no-deps --ignore-requires-python opa-golib-python-bindings"


def _missing(reason: str, require_variable: str) -> None:
    """Skip, or fail when the environment asks for what is missing."""
    if os.environ.get(require_variable) == "1":
        pytest.fail(f"{reason} ({require_variable}=1 requires it)", pytrace=False)
    pytest.skip(f"{reason}; {require_variable}=1 makes this a failure", allow_module_level=True)


def need_opa() -> ModuleType:
    """The real OPA engine (`opa_bindings`), or skip the caller (a whole module at import time)."""
    try:
        return importlib.import_module("opa_bindings")
    except ImportError:
        pass
    _missing(f"real OPA engine not installed (opa_bindings: {OPA_INSTALL})", "COMPLY_REQUIRE_OPA")
    raise AssertionError("unreachable: _missing always raises")


def need_shared(path: Path) -> Path:
    """A file of ../shared/data, or skip the caller."""
    if not path.is_file():
        _missing(f"{path.name} not found in ../shared/data (run beside a shared/ checkout)", "COMPLY_REQUIRE_SHARED")
    return path


def strict() -> bool:
    return os.environ.get("COMPLY_STRICT") == "1"


FAST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
"""The tests' jobs are seconds long: the JIT's first tier alone and the serial collector start a JVM and
warm it up in about half the time on two cores (a long job would want the full JIT: not set for users)."""


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """The run's one SparkSession (local[2], no UI), stopped at the end. Every test that takes it is marked
    `pytest.mark.xdist_group("spark")`, so under xdist (--dist loadgroup) they share one worker and one JVM."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _missing("pyspark not installed (pip install 'comply-gate[spark]')", "COMPLY_REQUIRE_SPARK")
    if shutil.which("java") is None:
        _missing("no java on PATH (the Spark engine needs Java 17)", "COMPLY_REQUIRE_SPARK")
    previous = os.environ.get("JAVA_TOOL_OPTIONS")
    os.environ["JAVA_TOOL_OPTIONS"] = FAST_JVM  # read by the JVM this process starts, and by the CLI test's
    session = (
        SparkSession.builder.master("local[2]")
        .appName("comply tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    if previous is None:
        os.environ.pop("JAVA_TOOL_OPTIONS", None)
    else:
        os.environ["JAVA_TOOL_OPTIONS"] = previous


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under COMPLY_STRICT=1 a skipped test is a failed one (xfail stays xfail)."""
    outcome = yield
    report = outcome.get_result()
    if strict() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under COMPLY_STRICT=1: {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """Under COMPLY_STRICT=1 a module that skips itself at import fails instead."""
    outcome = yield
    report = outcome.get_result()
    if strict() and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped under COMPLY_STRICT=1: {report.longrepr}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first (stable order otherwise): under xdist the longest tests start at once instead of
    ending the run on one worker while the other idles (the fresh-clone README test alone takes minutes)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def comply(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m checker ARGS` the way a user runs `comply ARGS`."""
    inherited = {key: value for key, value in os.environ.items() if key != "FORCE_COLOR"}
    full_env = {**inherited, "NO_COLOR": "1", "RUST_BACKTRACE": "1", **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), full_env.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-m", "checker", *args],
        cwd=cwd or ROOT,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 2, no traceback, and every stderr line is a `comply: error:` line naming the problem."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Stack backtrace" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines, "no error message"
    assert all(line.startswith("comply: error: ") for line in lines), done.stderr
    for needle in needles:
        assert needle in done.stderr, (needle, done.stderr)


@pytest.fixture
def run_comply():
    return comply
