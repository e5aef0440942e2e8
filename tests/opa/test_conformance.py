"""Conformance: regorus (the embedded engine) and real OPA (the Go engine, in-process) decide the same.

A policy must give the same decision whichever engine evaluates it. Everything is discovered at test
time: every `test_*` rule in every `*_test.rego` under policies/ (same pass/fail under both engines),
and every example card, every fixture card and every classification case (the same decision document
under both engines, for each reference date and timeline in `REFERENCE_DATES` x `TIMELINES`).

A Rego construct the two engines read differently is documented at the bottom of this file, with a
test that pins the difference down.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker import policytest
from checker.engine.base import DECISION_PATH
from checker.engine.bundle import PolicyBundle, load_bundle
from checker.engine.regorus_engine import RegorusEngine
from checker.errors import ComplyError
from tests.conftest import need_opa
from tests.opa.discovery import REFERENCE_DATES, TIMELINES, all_cards, example_cards, label

opa_bindings = need_opa()
OpaEngine, OpaError, OpaUndefinedError = opa_bindings.OpaEngine, opa_bindings.OpaError, opa_bindings.OpaUndefinedError


@functools.lru_cache(maxsize=1)
def bundle() -> PolicyBundle:
    return load_bundle()


@functools.lru_cache(maxsize=2)
def opa_engine(*, with_tests: bool = False) -> OpaEngine:
    """Real OPA with the bundle's policy modules (and its tests, for the unit tests) and the policy data.

    Decisions are compared on the policy modules only, as `comply check` loads them, so a test file one
    engine refuses fails its own tests here, not every decision.
    """
    engine = OpaEngine()
    for module in bundle().modules if with_tests else bundle().policy_modules:
        engine.add_policy(module.path, module.source)
    engine.add_data(json.loads(json.dumps(bundle().data)))
    return engine


@functools.lru_cache(maxsize=1)
def regorus_engine() -> RegorusEngine:
    return RegorusEngine(bundle())


@functools.lru_cache(maxsize=1)
def regorus_test_outcomes() -> dict[tuple[str, str], policytest.TestOutcome]:
    return {(o.package, o.name): o for o in policytest.run_tests(bundle()).outcomes}


def rego_tests() -> list[tuple[str, str, str]]:
    """(module path, package, test rule) for every Rego unit test in the bundle."""
    return [(m.path, m.package, name) for m in bundle().modules if m.is_test for name in policytest.test_names(m)]


@functools.cache
def opa_package_values(package: str) -> dict[str, Any] | None:
    """Every rule of a test package, evaluated by real OPA in one query (None when the package errors).

    OPA keeps a prepared query per distinct query string on the engine (about 28 MB each for this
    bundle), so one query per test rule grew a worker to 9 GB; one per package stays small.
    """
    try:
        value = opa_engine(with_tests=True).eval_document(package)
    except OpaError:
        return None
    return value if isinstance(value, dict) else {}


def opa_test_status(package: str, name: str) -> tuple[str, str]:
    values = opa_package_values(package)
    if values is not None:
        if name not in values:
            return "fail", "undefined"
        value = values[name]
        return ("pass", "") if value is True else ("fail", f"returned {value!r}")
    try:  # the package as a whole errors: ask for this test alone, to tell which test it is
        value = opa_engine(with_tests=True).eval_document(f"{package}.{name}")
    except OpaUndefinedError:
        return "fail", "undefined"
    except OpaError as err:
        return "error", " ".join(err.message.split())[:400]
    return ("pass", "") if value is True else ("fail", f"returned {value!r}")


def test_the_bundle_has_rego_tests_and_cards_to_compare() -> None:
    assert len(rego_tests()) >= 1
    assert len(all_cards()) >= 1


@pytest.mark.parametrize(("module", "package", "name"), rego_tests(), ids=lambda v: str(v))
def test_rego_unit_test_passes_or_fails_alike(module: str, package: str, name: str) -> None:
    embedded = regorus_test_outcomes().get((package, name))
    regorus_status = embedded.status if embedded else "error"
    regorus_detail = embedded.detail if embedded else "regorus could not load the bundle with its tests"
    status, detail = opa_test_status(package, name)
    assert status == regorus_status, (
        f"{module}: {name}: regorus {regorus_status} ({regorus_detail}); opa {status} ({detail})"
    )


# -- decisions on every card --------------------------------------------------------------------------


def input_documents(card: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """The input documents for one card file, one per reference date and timeline.

    Example cards go through the real evidence assembly (what `comply check` sends); fixture files are
    raw cards, or classification cases (`card:` plus an optional `context:`), used as written.
    """
    for reference_date in REFERENCE_DATES:
        for timeline in TIMELINES:
            yield f"{reference_date}/{timeline}", document_for(card, reference_date, timeline)


def document_for(card: Path, reference_date: str, timeline: str) -> dict[str, Any]:
    if card in example_cards():
        from checker.config import load_config
        from checker.evidence.assemble import Context, EvidencePaths, assemble

        beside = card.parent / "comply.yaml"
        config = load_config(beside if beside.is_file() else None)
        return assemble(card, EvidencePaths(), Context(reference_date, timeline), config).document
    loaded = yaml.safe_load(card.read_text(encoding="utf-8"))
    raw = loaded.get("card") if isinstance(loaded, dict) and isinstance(loaded.get("card"), dict) else loaded
    return {
        "card": raw if isinstance(raw, dict) else {},
        "evidence": {},
        "context": {"reference_date": reference_date, "timeline": timeline, "card_file": label(card)},
    }


def differences(left: Any, right: Any, path: str = "decision") -> list[str]:
    """Where two JSON documents differ, as `path: regorus=... opa=...` lines (first few)."""
    if type(left) is not type(right) and not (isinstance(left, (int, float)) and isinstance(right, (int, float))):
        return [f"{path}: regorus={left!r:.120} opa={right!r:.120}"]
    if isinstance(left, dict):
        found = []
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                found.append(f"{path}.{key}: only in {'regorus' if key in left else 'opa'}")
            else:
                found += differences(left[key], right[key], f"{path}.{key}")
        return found
    if isinstance(left, list):
        if len(left) != len(right):
            return [f"{path}: regorus has {len(left)} items, opa {len(right)}: {left!r:.200} | {right!r:.200}"]
        return [
            line for i, (a, b) in enumerate(zip(left, right, strict=True)) for line in differences(a, b, f"{path}[{i}]")
        ]
    return [] if left == right else [f"{path}: regorus={left!r:.120} opa={right!r:.120}"]


@pytest.mark.parametrize("card", all_cards(), ids=label)
def test_decision_is_identical_under_both_engines(card: Path) -> None:
    compared = 0
    for context, document in input_documents_or_skip(card):
        embedded = regorus_engine().evaluate(document)
        real = opa_engine().eval_document(DECISION_PATH.replace("/", "."), document)
        found = differences(embedded, real)
        assert not found, f"{label(card)} at {context}:\n" + "\n".join(found[:12])
        assert embedded["classification"]["tier"] == real["classification"]["tier"]
        compared += 1
    assert compared == len(REFERENCE_DATES) * len(TIMELINES)


def input_documents_or_skip(card: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        return list(input_documents(card))
    except ComplyError as err:
        pytest.skip(f"not a checkable card: {err}")


# -- constructs the engines read differently --------------------------------------------------------
#
# 1. `not f(x)` where `x` is undefined (a missing key), for a builtin or a user function:
#        missing contains "flags" if not is_array(ai.prohibited_practice_flags)
#    regorus: `f(undefined)` is undefined, so `not` succeeds (true).
#    OPA v1 (Go, v1.20): the negated call is not satisfied when an argument is undefined (undefined).
#    Avoid it in the bundle: give the argument a default (`object.get(ai, "k", null)`) or test the key
#    through a helper whose arguments are always defined (`not has_array(ai, "k")`).


def _both(body: str, input_doc: dict[str, Any]) -> tuple[bool, bool]:
    import regorus

    source = "package divergence\n\nimport rego.v1\n\n" + body + "\n"
    embedded = regorus.Engine()
    embedded.add_policy("divergence.rego", source)
    embedded.set_input_json(json.dumps(input_doc))
    regorus_true = bool(json.loads(embedded.eval_query_as_json("data.divergence.r"))["result"])
    real = OpaEngine()
    real.add_policy("divergence.rego", source)
    opa_true = bool(real.eval_query("data.divergence.r = true", input_doc))
    real.close()
    return regorus_true, opa_true


def test_documented_divergence_not_of_a_call_with_an_undefined_argument() -> None:
    assert _both("r if not is_array(input.absent)", {"present": 1}) == (True, False)


@pytest.mark.parametrize(
    "body",
    [
        'r if not is_array(object.get(input, "absent", null))',
        'has_array(o, k) if is_array(o[k])\n\nr if not has_array(input, "absent")',
        "r if not input.absent",
    ],
    ids=["object.get-default", "helper-with-defined-args", "plain-ref"],
)
def test_safe_forms_agree(body: str) -> None:
    assert _both(body, {"present": 1}) == (True, True)
