"""Validators for the machine formats, against the real schemas (SARIF's: OASIS's file, in tests/data)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from tests.conftest import ROOT, TEST_DATA

SARIF_SCHEMA = TEST_DATA / "sarif-schema-2.1.0.json"
JUNIT_XSD = ROOT / "schemas" / "junit.xsd"
REPORT_SCHEMA = ROOT / "schemas" / "report.schema.json"


@cache
def _sarif_validator() -> Any:
    from jsonschema import Draft4Validator

    return Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


def sarif_errors(document: Any) -> list[str]:
    """Every way `document` breaks the SARIF 2.1.0 schema (empty when valid)."""
    return [f"{list(e.absolute_path)}: {e.message}" for e in _sarif_validator().iter_errors(document)]


@cache
def _junit_schema() -> Any:
    import xmlschema  # dev dependency: validates JUnit XML against schemas/junit.xsd

    return xmlschema.XMLSchema(str(JUNIT_XSD))


def junit_errors(xml_text: str) -> list[str]:
    """Every way `xml_text` breaks schemas/junit.xsd (empty when valid)."""
    return [str(error.reason) for error in _junit_schema().iter_errors(xml_text)]


def report_errors(document: Any) -> list[str]:
    """Every way `document` breaks schemas/report.schema.json (with date formats checked)."""
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
