"""Custom packages in every shape comply accepts (nested, conftest's string and object findings, `_suffix`
rule sets, `checks`) decide the same under regorus and the real OPA engine, and none is dropped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checker.engine.base import DECISION_PATH
from checker.engine.bundle import load_bundle
from checker.engine.regorus_engine import RegorusEngine
from tests.conftest import need_opa
from tests.opa.test_bundle import CARD_INPUT
from tests.opa.test_conformance import differences

OpaEngine = need_opa().OpaEngine

SHAPES = {
    "nested.rego": """package comply.custom.team.naming

import rego.v1

# METADATA
# title: Named
# custom:
#   id: custom.team.named
#   article: Organisation policy (naming)
#   severity: low
#   remediation: Name it.
deny contains {"id": "custom.team.named", "msg": "named", "field": "card.model_details.name"} if true

checks contains "custom.team.named"
""",
    "conftest.rego": """package comply.custom.conftest

import rego.v1

deny contains msg if msg := "a string finding"

warn contains "a string warning" if true

violation contains {"msg": "an object without id"} if true

deny_suffix contains {"msg": "suffixed", "field": "card.model_details"} if true
""",
    "flat.rego": """package comply.custom.flat

import rego.v1

deny := true
""",
}


def decisions(tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    for name, source in SHAPES.items():
        (tmp_path / name).write_text(source, encoding="utf-8")
    bundle = load_bundle((tmp_path,))
    embedded = RegorusEngine(bundle).evaluate(CARD_INPUT)
    engine = OpaEngine()
    try:
        for module in bundle.policy_modules:
            engine.add_policy(module.path, module.source)
        engine.add_data(dict(bundle.data))
        real = engine.eval_document(DECISION_PATH.replace("/", "."), CARD_INPUT)
    finally:
        engine.close()
    return embedded, real


@pytest.mark.parametrize("expected", ["custom.team.named", "comply.custom.conftest", "comply.custom.flat"])
def test_every_custom_shape_is_reported_alike_by_both_engines(tmp_path: Path, expected: str) -> None:
    embedded, real = decisions(tmp_path)
    assert differences(embedded, real) == []
    by_id = {result["id"]: result for result in embedded["results"]}
    assert by_id[expected]["status"] == "fail"
    if expected == "comply.custom.conftest":
        messages = sorted(finding["msg"] for finding in by_id[expected]["findings"])
        assert messages == ["a string finding", "an object without id", "suffixed"]
