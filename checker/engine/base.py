"""The one interface every policy engine implements.

The decision document is the same whichever engine computes it (regorus in-process, or an OPA server),
so the report layer never needs to know which one ran.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from checker.errors import EngineError, one_line

DECISION_PATH = "comply/main/decision"
"""The decision document, as a data path (`data.comply.main.decision`)."""

DECISION_QUERY = "data." + DECISION_PATH.replace("/", ".")


class Engine(Protocol):
    """Evaluates the policy bundle against one input document."""

    def evaluate(self, input_doc: Mapping[str, Any]) -> dict[str, Any]:
        """Return the decision document; raise EngineError rather than return anything partial."""
        ...


_BACKTRACE = re.compile(r"\n\s*Stack backtrace:.*", re.DOTALL)
_LOCATION = re.compile(r"-->\s*(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+)")
_ERROR = re.compile(r"^\s*error:\s*(?P<msg>.+)$", re.MULTILINE)


def clean_engine_message(raw: str) -> str:
    """Turn a regorus error (with caret art and, under RUST_BACKTRACE, a Rust backtrace) into one line.

    `--> p.rego:2:10 ... error: expecting expression` becomes `p.rego:2:10: expecting expression`.
    """
    text = _BACKTRACE.sub("", raw)
    location = _LOCATION.search(text)
    error = _ERROR.search(text)
    if location and error:
        return f"{location['file']}:{location['line']}:{location['col']}: {error['msg'].strip()}"
    return one_line(text) or "policy engine failed without a message"


def check_decision(decision: Any) -> dict[str, Any]:
    """Refuse a decision document of the wrong shape: fail closed, never read it as a pass."""
    if not isinstance(decision, dict):
        raise EngineError(f"policy decision is undefined or not an object ({DECISION_QUERY})")
    classification = decision.get("classification")
    results = decision.get("results")
    if not isinstance(classification, dict) or not isinstance(classification.get("tier"), str):
        raise EngineError(f"policy decision has no classification tier ({DECISION_QUERY}.classification)")
    if not isinstance(results, list):
        raise EngineError(f"policy decision has no results list ({DECISION_QUERY}.results)")
    for result in results:
        if not (
            isinstance(result, dict)
            and isinstance(result.get("id"), str)
            and result.get("status") in {"pass", "fail", "warn"}
            and isinstance(result.get("findings"), list)
        ):
            raise EngineError(f"policy decision has a malformed result: {str(result)[:200]}")
    return decision
