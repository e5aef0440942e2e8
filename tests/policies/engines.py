"""Both engines loaded with the whole policy bundle (tests included), for cross-engine tests.

Every query is answered by regorus and by real OPA (opa_bindings); tests assert both agree, so a
construct that the two engines read differently fails here first.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"


def policy_files() -> list[Path]:
    return sorted(POLICIES.rglob("*.rego"))


@functools.lru_cache(maxsize=1)
def _regorus() -> Any:
    import regorus

    engine = regorus.Engine()
    for path in policy_files():
        engine.add_policy(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))
    engine.add_data_json((POLICIES / "data.json").read_text(encoding="utf-8"))
    return engine


@functools.lru_cache(maxsize=1)
def _opa() -> Any:
    from tests.conftest import need_opa

    engine = need_opa().OpaEngine()
    for path in policy_files():
        engine.add_policy(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))
    engine.add_data(json.loads((POLICIES / "data.json").read_text(encoding="utf-8")))
    return engine


UNDEFINED = object()


def regorus_value(query: str, input_doc: Mapping[str, Any] | None = None) -> Any:
    engine = _regorus().clone()
    if input_doc is not None:
        engine.set_input_json(json.dumps(input_doc))
    results = json.loads(engine.eval_query_as_json(query)).get("result", [])
    if not results:
        return UNDEFINED
    return results[0]["expressions"][0]["value"]


def opa_value(query: str, input_doc: Mapping[str, Any] | None = None) -> Any:
    rows = _opa().eval_query(f"__x := {query}", input=dict(input_doc) if input_doc is not None else None)
    if not rows:
        return UNDEFINED
    return rows[0]["__x"]


def both(query: str, input_doc: Mapping[str, Any] | None = None) -> Any:
    """The value of `query` on both engines; fails when they disagree."""
    mine = regorus_value(query, input_doc)
    theirs = opa_value(query, input_doc)
    assert mine == theirs, f"engines disagree on {query}: regorus={mine!r} opa={theirs!r}"
    return mine
