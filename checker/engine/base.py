"""The one interface every policy engine implements.

The decision document is the same whichever engine computes it (regorus in-process, or an OPA server),
so the report layer never needs to know which one ran.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from checker.errors import ComplyError, EngineError, one_line

if TYPE_CHECKING:
    from checker.engine.bundle import PolicyBundle

NEVER_PASSING_TIERS = ("prohibited", "undetermined")
"""A system in these tiers fails the gate whatever its rule results say."""
ALWAYS_REPORTED = ("org.classification.determined",)
BUILT_IN_RULES_PREFIX = "comply.rules."

DECISION_PATH = "comply/main/decision"
"""The decision document, as a data path (`data.comply.main.decision`)."""

DECISION_QUERY = "data." + DECISION_PATH.replace("/", ".")


class Engine(Protocol):
    """Evaluates the policy bundle against one input document."""

    def evaluate(self, input_doc: Mapping[str, Any]) -> dict[str, Any]:
        """Return the decision document; raise EngineError rather than return anything partial."""
        ...


@contextlib.contextmanager
def policy_errors_first(engine: Engine) -> Iterator[None]:
    """A policy that does not load is reported before any card or evidence error raised inside.

    An engine may parse its policies in the background (the embedded engine does, in its worker, while the
    evidence is assembled); its `ready()` raises their error. Errors are reported in the order of a run
    that parsed them first: a bad policy, then the cards."""
    try:
        yield
    except ComplyError:
        ready = getattr(engine, "ready", None)
        if ready is not None:
            ready()
        raise


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


def check_invariants(decision: Mapping[str, Any], bundle: PolicyBundle) -> None:
    """What every decision must satisfy, whichever engine (or server) computed it.

    A server's word is not taken: a prohibited or undetermined tier with no failing rule, a rule reported
    twice, or a built-in rule that the decision's own classification owes but does not report (duties that
    need evidence, the organisation extensions, are reported only with it) is refused, exit 2.
    """
    results = decision["results"]
    tier = decision["classification"]["tier"]
    if tier in NEVER_PASSING_TIERS and not any(result["status"] == "fail" for result in results):
        raise EngineError(f"policy decision classifies the system as {tier} yet fails no rule: refusing it")
    seen: set[str] = set()
    for result in results:
        if result["id"] in seen:
            raise EngineError(f"policy decision reports rule {result['id']} more than once: refusing it")
        seen.add(result["id"])
    missing = sorted(expected_rules(decision["classification"], bundle) - seen)
    if missing:
        shown = ", ".join(missing[:5]) + (f" (and {len(missing) - 5} more)" if len(missing) > 5 else "")
        raise EngineError(f"policy decision omits built-in rule(s) its classification owes: {shown}")


def expected_rules(classification: Mapping[str, Any], bundle: PolicyBundle) -> set[str]:
    """The built-in rule ids a decision must report: the owed obligations that have a built-in rule (except
    the organisation extensions, which are reported only when their evidence is there), and the gate."""
    built_in = {rule_id for rule_id, meta in bundle.metadata.items() if meta.package.startswith(BUILT_IN_RULES_PREFIX)}
    extensions = bundle.data.get("comply", {}).get("obligation_extensions", [])
    optional = {item.get("id") for item in extensions if isinstance(item, dict) and item.get("group") == "organisation"}
    ids: set[Any] = set()
    for listing in ("obligations", "organisation_rules"):
        owed = classification.get(listing)
        if isinstance(owed, list):
            # A duty listed for an assumed role only is shown, not judged (`checked: false`).
            ids |= {item.get("id") for item in owed if isinstance(item, dict) and item.get("checked") is not False}
    return ({str(rule_id) for rule_id in ids if rule_id in built_in} - optional) | (set(ALWAYS_REPORTED) & built_in)
