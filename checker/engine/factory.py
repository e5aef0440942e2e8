"""Chooses the engine for a run: embedded regorus unless an OPA server is configured."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.config import Config
from checker.engine.base import Engine
from checker.engine.bundle import PolicyBundle


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
    return RegorusEngine(bundle, time_limit=float(limit) or None)
