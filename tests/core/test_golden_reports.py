"""The JSON report of every example is byte-for-byte what it was before the check path was made faster.

The goldens under tests/core/golden were made from main before issue 17's speed work (fast-path schema
validation, one warmed engine, the plain renderer). A change that alters a report on purpose (a policy,
the report format) regenerates them with `python -m tests.core.golden_reports` and shows the diff in review.
"""

from __future__ import annotations

import difflib

import pytest

from tests.core.golden_reports import GOLDEN, cases, report_json


@pytest.mark.parametrize("name", sorted(cases()))
def test_report_is_byte_identical_to_its_golden(name: str) -> None:
    expected = (GOLDEN / f"{name}.json").read_text(encoding="utf-8")
    actual = report_json(cases()[name])
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "now", n=2))
        pytest.fail(
            f"report for {name} differs from tests/core/golden/{name}.json "
            f"(intended? regenerate: python -m tests.core.golden_reports):\n{diff[:4000]}"
        )


def test_every_example_has_a_golden() -> None:
    assert {path.stem for path in GOLDEN.glob("*.json")} == set(cases())
