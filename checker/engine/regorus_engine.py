"""The embedded engine: regorus (a Rust Rego interpreter) in-process.

Policies are parsed once per bundle; each evaluation works on a clone of the prepared engine so that
checking many cards in one run never re-parses the bundle.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from checker.engine.base import DECISION_QUERY, check_decision, check_invariants, clean_engine_message
from checker.engine.bundle import Module, PolicyBundle
from checker.engine.time_limit import ForkedEvaluator, can_fork
from checker.errors import EngineError

if TYPE_CHECKING:
    import regorus


def load_regorus() -> ModuleType:
    """regorus, imported with Rust library backtraces off unless the user set RUST_LIB_BACKTRACE.

    regorus's errors capture a backtrace whenever RUST_BACKTRACE=1 (which many CI runners set): parsing
    the bundle takes 2.5-3.4x as long and every error message carries kilobytes of frames. Capture is
    decided once, from the environment, on first use, so the variable is set before regorus is loaded.
    RUST_LIB_BACKTRACE=0 only silences library backtraces; a panic still prints its backtrace under
    RUST_BACKTRACE.
    """
    os.environ.setdefault("RUST_LIB_BACKTRACE", "0")
    import regorus

    module: ModuleType = regorus
    return module


class RegorusEngine:
    """`Engine` backed by regorus. With `time_limit` (seconds), each decision is evaluated in a forked
    worker that is killed when it takes longer (checker.engine.time_limit); the worker parses the policies
    itself, beside the caller's evidence assembly, and this process parses them only if asked for an
    engine of its own (`prepared`, `query`). Without a limit they are parsed here, at once."""

    def __init__(self, bundle: PolicyBundle, *, include_tests: bool = False, time_limit: float | None = None) -> None:
        self.bundle = bundle
        self._modules = bundle.modules if include_tests else bundle.policy_modules
        self._engine: regorus.Engine | None = None
        self._limited: ForkedEvaluator | None = None
        self._unlimited_note = False
        if time_limit and can_fork():
            self._limited = ForkedEvaluator(self._prepare_decide, time_limit)
            self._limited.start()
            return
        self._unlimited_note = bool(time_limit)
        self._loaded()

    def _loaded(self) -> regorus.Engine:
        """The engine with the bundle's policies and data, parsed and analysed once in this process."""
        if self._engine is None:
            self._engine = parse_bundle(self._modules, self.bundle)
        return self._engine

    def _prepare_decide(self) -> Callable[[str], str]:
        """In the worker: parse the policies, then decide each input there."""
        self._loaded()
        return self._decide

    def ready(self) -> None:
        """Raise the error the policies failed to load with, waiting for the worker if it parses them."""
        if self._limited is not None:
            self._limited.ready()

    def close(self) -> None:
        """Stop the evaluation worker, if one was started."""
        if self._limited is not None:
            self._limited.close()

    def _decide(self, input_json: str) -> str:
        """The decision for one input, as regorus's JSON value (in the worker when a limit applies).

        The decision is read as a rule (`eval_rule`), not a query: a query is parsed, analysed and
        scheduled on every call, 1.5-2 ms of each card's decision in a many-card run; the rule's value is
        the same document (tests/opa holds both engines to it)."""
        engine = self._loaded().clone()
        engine.set_input_json(input_json)
        answer: str = engine.eval_rule_as_json(DECISION_QUERY)
        return answer

    def prepared(self) -> regorus.Engine:
        """A fresh copy of the loaded engine (for tests, coverage and queries other than the decision)."""
        return self._loaded().clone()

    def query(self, query: str, input_doc: Mapping[str, Any] | None = None) -> Any:
        """Evaluate `query`; the value of its single expression, or raise if it is undefined."""
        engine = self.prepared()
        return query_value(engine, query, input_doc)

    def evaluate(self, input_doc: Mapping[str, Any]) -> dict[str, Any]:
        if self._unlimited_note:
            self._unlimited_note = False
            sys.stderr.write("comply: note: no time limit on policy evaluation here (os.fork is unavailable)\n")
        evaluate = self._decide if self._limited is None else self._limited
        try:
            raw = evaluate(json.dumps(input_doc))
        except RuntimeError as err:
            raise EngineError(clean_engine_message(str(err))) from None
        decision = check_decision(rule_value(raw))
        check_invariants(decision, self.bundle)
        return decision


def parse_bundle(modules: Sequence[Module], bundle: PolicyBundle) -> regorus.Engine:
    """A regorus engine with `modules` and the bundle's data, analysed; a policy that does not load is an EngineError."""
    engine = load_regorus().Engine()
    for module in modules:
        try:
            engine.add_policy(module.path, module.source)
        except RuntimeError as err:
            raise EngineError(clean_engine_message(str(err))) from None
    try:
        engine.add_data_json(json.dumps(bundle.data))
    except RuntimeError as err:
        raise EngineError(f"policy data: {clean_engine_message(str(err))}") from None
    # The first query on an engine analyses every module; doing it once here means each clone
    # (one per card) starts analysed, which saves a quarter of the per-card time in batch runs.
    try:
        engine.eval_query_as_json("true")
    except RuntimeError as err:
        raise EngineError(clean_engine_message(str(err))) from None
    return engine


def query_value(engine: regorus.Engine, query: str, input_doc: Mapping[str, Any] | None) -> Any:
    """Run one query on a prepared regorus engine; undefined or multiple results are errors."""
    try:
        if input_doc is not None:
            engine.set_input_json(json.dumps(input_doc))
        raw = engine.eval_query_as_json(query)
    except RuntimeError as err:
        raise EngineError(clean_engine_message(str(err))) from None
    return answer_value(raw, query)


UNDEFINED_RULE = '"<undefined>"'
"""regorus's `eval_rule_as_json` answer for a rule with no value (the decision is an object, never this string)."""


def rule_value(raw: str) -> Any:
    """The value of an `eval_rule_as_json` answer; None when the rule is undefined (check_decision refuses it)."""
    return None if raw == UNDEFINED_RULE else json.loads(raw)


def answer_value(raw: str, query: str) -> Any:
    """The value of a query's single expression in regorus's JSON answer; undefined or several are errors."""
    results = json.loads(raw).get("result", [])
    if len(results) != 1 or len(results[0].get("expressions", [])) != 1:
        raise EngineError(f"{query} is undefined: is the policy bundle loaded?")
    return results[0]["expressions"][0]["value"]
