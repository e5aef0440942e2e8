"""Fixtures of the OPA tests: a running test OPA server (see opa_test_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.opa.opa_test_server import OpaTestServer


@pytest.fixture
def opa_server() -> Iterator[OpaTestServer]:
    """A fresh, empty test OPA server on 127.0.0.1 for one test (imported here: it needs opa_bindings)."""
    from tests.opa.opa_test_server import running

    with running() as server:
        yield server
