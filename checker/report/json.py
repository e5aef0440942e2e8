"""`--format json`: the report document, keys sorted, two-space indent, one trailing newline."""

from __future__ import annotations

import json

from checker.report.document import report_document
from checker.report.model import Report


def render(report: Report) -> str:
    return json.dumps(report_document(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
