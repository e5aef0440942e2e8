"""`comply policy test`: run the Rego unit tests (`test_*` rules in `*_test.rego`) with line coverage.

Each test rule is evaluated on its own; true passes, false or undefined fails, an evaluation error is
reported as an error (and fails the run). Coverage is regorus's line coverage of the policy files (test
files excluded), collected over the whole test run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from checker.engine.base import clean_engine_message
from checker.engine.bundle import Module, PolicyBundle

_TEST_RULE = re.compile(r"^(test_[A-Za-z0-9_]*)\b", re.MULTILINE)


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest test class

    module: str
    package: str
    name: str
    status: str  # pass | fail | error
    detail: str = ""


@dataclass(frozen=True)
class FileCoverage:
    path: str
    covered: int
    not_covered: tuple[int, ...]

    @property
    def percent(self) -> float:
        total = self.covered + len(self.not_covered)
        return 100.0 if total == 0 else 100.0 * self.covered / total


@dataclass(frozen=True)
class TestRun:
    outcomes: tuple[TestOutcome, ...]
    coverage: tuple[FileCoverage, ...]

    @property
    def passed(self) -> bool:
        return bool(self.outcomes) and all(outcome.status == "pass" for outcome in self.outcomes)

    @property
    def coverage_percent(self) -> float:
        covered = sum(item.covered for item in self.coverage)
        total = covered + sum(len(item.not_covered) for item in self.coverage)
        return 100.0 if total == 0 else 100.0 * covered / total


def test_names(module: Module) -> list[str]:
    """The `test_*` rules a test module defines, in file order, each once."""
    return list(dict.fromkeys(_TEST_RULE.findall(module.source)))


def run_tests(bundle: PolicyBundle, *, only_dirs: Sequence[str] = (), pattern: str | None = None) -> TestRun:
    """Evaluate every test rule in the bundle (or in the modules under `only_dirs`)."""
    from checker.engine.regorus_engine import load_regorus

    engine = load_regorus().Engine()
    engine.set_enable_coverage(True)
    for module in bundle.modules:
        try:
            engine.add_policy(module.path, module.source)
        except RuntimeError as err:
            return TestRun(
                (TestOutcome(module.path, module.package, "(load)", "error", clean_engine_message(str(err))),), ()
            )
    engine.add_data_json(json.dumps(bundle.data))
    selected = [m for m in bundle.modules if m.is_test and (not only_dirs or m.path.startswith(tuple(only_dirs)))]
    outcomes = []
    for module in selected:
        for name in test_names(module):
            if pattern and not re.search(pattern, name):
                continue
            outcomes.append(_run_one(engine, module, name))
    coverage = _coverage(engine, bundle, only_dirs)
    return TestRun(tuple(outcomes), coverage)


def _run_one(engine: object, module: Module, name: str) -> TestOutcome:
    query = f"data.{module.package}.{name}"
    try:
        raw = engine.eval_query_as_json(query)  # type: ignore[attr-defined]
    except RuntimeError as err:
        return TestOutcome(module.path, module.package, name, "error", clean_engine_message(str(err)))
    results = json.loads(raw).get("result", [])
    value = results[0]["expressions"][0]["value"] if results else None
    if value is True:
        return TestOutcome(module.path, module.package, name, "pass")
    return TestOutcome(
        module.path, module.package, name, "fail", "undefined" if value is None else f"returned {value!r}"
    )


def _coverage(engine: object, bundle: PolicyBundle, only_dirs: Sequence[str]) -> tuple[FileCoverage, ...]:
    report = json.loads(engine.get_coverage_report_as_json())  # type: ignore[attr-defined]
    policy_paths = {
        m.path for m in bundle.modules if not m.is_test and (not only_dirs or m.path.startswith(tuple(only_dirs)))
    }
    files = []
    for entry in report.get("files", []):
        if entry["path"] in policy_paths:
            files.append(FileCoverage(entry["path"], len(entry["covered"]), tuple(entry["not_covered"])))
    return tuple(sorted(files, key=lambda item: item.path))
