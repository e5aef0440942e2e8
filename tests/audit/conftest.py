"""Fixtures for the record-keeping tests: logs written by the real writer, with a controllable clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from checker.audit import AuditLog

START = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc)


def ticking_clock(start: datetime = START, step: timedelta = timedelta(hours=1)) -> Callable[[], datetime]:
    """A clock that advances `step` per call, so logs span real periods without sleeping."""
    state = {"now": start - step}

    def now() -> datetime:
        state["now"] += step
        return state["now"]

    return now


def write_log(path: Path, predictions: int = 5, *, step: timedelta = timedelta(hours=1)) -> Path:
    """A realistic log: a deployment, `predictions` predictions, one override."""
    with AuditLog(path, model="credit-scorer", version="2.1.0", clock=ticking_clock(step=step)) as log:
        log.deployment(from_stage="staging", to_stage="production", approved_by="a.approver", ticket="CHG-1")
        for n in range(predictions):
            log.prediction(request_id=f"r{n}", inputs={"income": 1000 + n, "age": 40}, output=0.5, decision="approve")
        log.override(request_id="r0", original="approve", new="refer", reason="income unverified", operator="j.doe")
    return path


@pytest.fixture
def audit_path(tmp_path: Path) -> Iterator[Path]:
    yield write_log(tmp_path / "audit.jsonl")
