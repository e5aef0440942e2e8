"""The record-keeping Rego tests, run on regorus with only what the package needs, plus a mutation check:
deleting any one deny/warn/gaps rule makes at least one test fail (every rule has a test that needs it)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

POLICIES = ROOT / "policies"
RULES = POLICIES / "rules" / "record_keeping.rego"
TESTS = POLICIES / "rules" / "record_keeping_test.rego"
PACKAGE = "data.comply.rules.record_keeping_test"
TEST_NAMES = re.findall(r"^(test_\w+) if", TESTS.read_text(encoding="utf-8"), re.MULTILINE)


def engine(rules_text: str, coverage: bool = False) -> object:
    import regorus

    eng = regorus.Engine()
    for lib in sorted(p for p in (POLICIES / "lib").glob("*.rego") if not p.name.endswith("_test.rego")):
        eng.add_policy(str(lib.relative_to(ROOT)), lib.read_text(encoding="utf-8"))
    eng.add_policy(str(RULES.relative_to(ROOT)), rules_text)
    eng.add_policy(str(TESTS.relative_to(ROOT)), TESTS.read_text(encoding="utf-8"))
    eng.add_data_json((POLICIES / "data.json").read_text(encoding="utf-8"))
    if coverage:
        eng.set_enable_coverage(True)
    return eng


def passes(eng: object, name: str) -> bool:
    result = eng.eval_query(f"{PACKAGE}.{name}")  # type: ignore[attr-defined]
    rows = result.get("result") or []
    return bool(rows) and rows[0]["expressions"][0]["value"] is True


def test_there_are_rego_tests() -> None:
    assert len(TEST_NAMES) >= 30


@pytest.mark.parametrize("name", TEST_NAMES)
def test_rego(name: str) -> None:
    assert passes(engine(RULES.read_text(encoding="utf-8")), name)


def rule_blocks(text: str) -> list[str]:
    """Top-level blocks (with their METADATA comments) that define deny, warn or gaps."""
    blocks = text.split("\n\n")
    return [b for b in blocks if re.search(r"^(deny|warn|gaps) contains", b, re.MULTILINE)]


def test_every_rule_is_needed_by_some_test() -> None:
    text = RULES.read_text(encoding="utf-8")
    blocks = rule_blocks(text)
    assert len(blocks) >= 25
    unguarded = []
    for block in blocks:
        eng = engine(text.replace(block, "", 1))
        if all(passes(eng, name) for name in TEST_NAMES):
            code = [line for line in block.strip().splitlines() if not line.startswith("#")]
            unguarded.append(" ".join(code[:3]))
    assert not unguarded, unguarded


def test_policy_lines_are_covered() -> None:
    import json

    eng = engine(RULES.read_text(encoding="utf-8"), coverage=True)
    for name in TEST_NAMES:
        passes(eng, name)
    report = json.loads(eng.get_coverage_report_as_json())  # type: ignore[attr-defined]
    mine = next(f for f in report["files"] if f["path"].endswith("rules/record_keeping.rego"))
    covered, missed = len(mine["covered"]), len(mine["not_covered"])
    assert covered / (covered + missed) >= 0.95, sorted(mine["not_covered"])
