"""The policy pack's Rego unit tests, run under regorus and real OPA with identical results."""

from __future__ import annotations

import functools
import re
from typing import Any

import pytest

from tests.policies import make_fixtures
from tests.policies.engines import POLICIES, ROOT, UNDEFINED, opa_value, regorus_value

OTHER_OWNERS = ("fairness", "record_keeping")
"""Rule files written by other engineers, tested by their own suites."""

TEST_RULE = re.compile(r"^(test_\w+)\b", re.MULTILINE)
PACKAGE = re.compile(r"^package (\S+)", re.MULTILINE)


def pack_tests() -> list[tuple[str, str]]:
    found = []
    for path in sorted(POLICIES.rglob("*_test.rego")):
        if path.name.startswith(OTHER_OWNERS):
            continue
        source = path.read_text(encoding="utf-8")
        match = PACKAGE.search(source)
        assert match, path
        found.extend((match.group(1), name) for name in dict.fromkeys(TEST_RULE.findall(source)))
    return found


TESTS = pack_tests()


@functools.cache
def package_values(package: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each engine's whole test package at once (one query per package keeps OPA fast).

    OPA is asked first: on a clone without it each test skips before regorus evaluates the package (a skip
    is not cached, so asking regorus first cost the README's fresh-clone run ~1 s per test, 315 times)."""
    theirs = opa_value(f"data.{package}")
    mine = regorus_value(f"data.{package}")
    assert isinstance(mine, dict) and isinstance(theirs, dict), package
    return mine, theirs


@pytest.mark.parametrize(("package", "name"), TESTS, ids=[f"{p.rsplit('.', 1)[-1]}::{n}" for p, n in TESTS])
def test_rego_unit_test_passes_on_both_engines(package: str, name: str) -> None:
    mine, theirs = package_values(package)
    assert mine.get(name) is True, f"regorus: data.{package}.{name}"
    assert theirs.get(name) is True, f"opa: data.{package}.{name}"


def rule_ids_with_metadata() -> set[str]:
    ids = set()
    for path in sorted((POLICIES).rglob("*.rego")):
        if path.name.endswith("_test.rego") or path.name.startswith(OTHER_OWNERS) or path.name == "main.rego":
            continue
        ids.update(re.findall(r"^#\s+id:\s*(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE))
    return ids


def test_organisation_rules_claim_no_article() -> None:
    """comply's own rules (`org.*`) support the Act but are not its requirements (#12 item 11): each one's
    `article` says so, and no legal rule id is an organisation rule's."""
    claims = {}
    for path in sorted(POLICIES.rglob("*.rego")):
        if path.name.endswith("_test.rego"):
            continue
        text = path.read_text(encoding="utf-8")
        claims.update(re.findall(r"^#\s+id:\s*(org\.\S+)\n#\s+article:\s*(.+)$", text, re.MULTILINE))
    assert len(claims) >= 13
    assert {
        rule_id: article for rule_id, article in claims.items() if not article.startswith("Organisation policy")
    } == {}


def test_every_rule_id_is_named_in_a_rego_test() -> None:
    tests = "\n".join(
        path.read_text(encoding="utf-8")
        for path in POLICIES.rglob("*_test.rego")
        if not path.name.startswith(OTHER_OWNERS)
    )
    untested = sorted(rule_id for rule_id in rule_ids_with_metadata() if rule_id not in tests)
    assert len(rule_ids_with_metadata()) >= 60
    # art5.1.* ids are exercised through their flags table in prohibited_test.rego.
    assert untested == [], untested


@pytest.mark.parametrize("target", sorted(make_fixtures.OUTPUTS))
def test_generated_rego_is_up_to_date(target: str) -> None:
    assert (ROOT / target).read_text(encoding="utf-8") == make_fixtures.OUTPUTS[target](), (
        f"{target} is stale: run python tests/policies/make_fixtures.py"
    )


def test_empty_input_still_has_a_total_result() -> None:
    for value in (
        regorus_value("data.comply.classification.result", {}),
        opa_value("data.comply.classification.result", {}),
    ):
        assert value is not UNDEFINED
        assert value["tier"] == "undetermined"
        assert value["declared_tier"] is None


@pytest.mark.parametrize(
    "card", [{"ai_act": "nonsense"}, {"ai_act": {"use_cases": "x", "derogation": 3}}, {"deployment": []}]
)
def test_malformed_sections_never_make_the_result_undefined(card: object) -> None:
    document = {"card": card, "context": {"reference_date": "2028-01-01", "timeline": "amended"}}
    assert regorus_value("data.comply.classification.result", document) == opa_value(
        "data.comply.classification.result", document
    )
    assert regorus_value("data.comply.classification.result", document)["tier"] == "undetermined"
