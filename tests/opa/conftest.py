"""Fixtures of the OPA tests: a running test OPA server (see opa_test_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.opa.opa_test_server import OpaTestServer, running


@pytest.fixture
def opa_server() -> Iterator[OpaTestServer]:
    """A fresh, empty test OPA server on 127.0.0.1 for one test."""
    with running() as server:
        yield server
