"""Chooses the engine for a run: embedded regorus unless an OPA server is configured."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.config import Config
from checker.engine.base import Engine
from checker.engine.bundle import PolicyBundle
from checker.errors import UsageError

MAX_EVAL_TIMEOUT = 1e9  # about 31 years: well inside what select() and the monotonic clock can represent


def create_engine(bundle: PolicyBundle, config: Config, options: Mapping[str, Any]) -> Engine:
    """The embedded engine by default, each decision limited to `--eval-timeout` / `eval_timeout` seconds
    (default 60; 0: no limit); the OPA server engine when `--opa-url` or `opa.url` is set."""
    url = options.get("opa_url") or config.opa.get("url")
    if url:
        from checker.engine.opa_server import OpaServerEngine

        base = config.path.parent if config.path is not None else None
        return OpaServerEngine.from_settings(bundle, config.opa, options, base=base)
    from checker.engine.regorus_engine import RegorusEngine
    from checker.engine.time_limit import DEFAULT_EVAL_TIMEOUT

    limit = options.get("eval_timeout")
    if limit is None:
        limit = config.eval_timeout if config.eval_timeout is not None else DEFAULT_EVAL_TIMEOUT
    # nan compares false with everything and would time every decision out; inf or a huge number overflows
    # the deadline's clock: both are refused as input, not met as an internal error mid-run.
    if not 0 <= float(limit) <= MAX_EVAL_TIMEOUT:
        raise UsageError(
            f"--eval-timeout / eval_timeout: expected seconds from 0 (no limit) to {MAX_EVAL_TIMEOUT:g}, got {limit}"
        )
    return RegorusEngine(bundle, time_limit=float(limit) or None)
