"""Output formats: one module per format over the one result model (`checker.report.model`).

Adding a format is one new module with `render(report: Report) -> str` and one line in FORMATS.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from checker.report.model import Report

FORMATS: dict[str, str] = {
    "text": "checker.report.text",
    "json": "checker.report.json",
    "sarif": "checker.report.sarif",
    "junit": "checker.report.junit",
    "markdown": "checker.report.markdown",
    "github": "checker.report.github",
    "gitlab": "checker.report.gitlab",
    "html": "checker.report.html",
}
"""Format name -> module providing `render(report) -> str` (imported only when used)."""

Renderer = Callable[[Report], str]


def renderer(name: str) -> Renderer:
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render
