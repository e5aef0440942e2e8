"""Every classification case (a card and what the AI Act makes of it) under regorus and OPA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.policies.engines import both
from tests.policies.make_fixtures import DEFAULT_CONTEXT, EXACT_EXPECTATIONS

CASES = sorted(Path(__file__).parent.glob("*.yaml"))


def load(path: Path) -> dict[str, Any]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(case, dict) and "card" in case and "expect" in case, path.name
    return case


def test_there_are_enough_varied_cases() -> None:
    tiers = {load(path)["expect"]["tier"] for path in CASES}
    assert len(CASES) >= 40
    assert {"prohibited", "high", "limited", "minimal", "undetermined", "out_of_scope"} <= tiers


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path) -> None:
    case = load(path)
    expect = case["expect"]
    document = {"card": case["card"], "context": case.get("context", DEFAULT_CONTEXT)}
    result = both("data.comply.classification.result", document)
    assert result["tier"] == expect["tier"]
    assert result["gpai"] == expect["gpai"]
    assert sorted({r["basis"] for r in result["reasons"]}) == sorted(expect["bases"])
    for text in expect.get("reasons_contain", []):
        assert any(text in r["text"] for r in result["reasons"]), f"no reason says {text!r}"
    for listing, key in (("obligations", "obligations"), ("organisation_rules", "organisation_rules")):
        ids = [o["id"] for o in result[listing]]
        if key in expect:
            assert ids == sorted(expect[key]), listing
        for wanted in expect.get(f"{key}_include", []):
            assert wanted in ids, f"{wanted} missing from {ids}"
        for unwanted in expect.get(f"{key}_exclude", []):
            assert unwanted not in ids
    assert all(o["source"] == "law" and not o["id"].startswith("org.") for o in result["obligations"])
    assert all(o["source"] == "organisation" for o in result["organisation_rules"])
    if "unchecked" in expect:
        assert sorted(o["id"] for o in result["obligations"] if o["checked"] is False) == sorted(expect["unchecked"])
    for role, wanted_ids in expect.get("obligations_of", {}).items():
        assert sorted(o["id"] for o in result["obligations"] if o["role"] == role) == sorted(wanted_ids), role
    for key in EXACT_EXPECTATIONS:
        if key in expect:
            assert result[key] == expect[key], key
    for oid, in_force in expect.get("in_force", {}).items():
        assert {o["id"]: o["in_force"] for o in result["obligations"]}[oid] is in_force
    for oid, since in expect.get("applies_from", {}).items():
        assert {o["id"]: o["applies_from"] for o in result["obligations"]}[oid] == since, oid
    assert all(o["applies_from"] is None or o["applies_from"] <= "2030-12-31" for o in result["obligations"])
