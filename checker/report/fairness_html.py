"""`comply fairness --format html|svg`: the charts of the HTML report for a fairness run alone.

`svg` is one SVG document with a chart per sensitive feature stacked (each a nested, accessible SVG with its
own title and description), for slides and wikis; `html` is a self-contained page with the charts, the
per-group tables and the disparity metrics with their bootstrap intervals. Both draw the thresholds that
`comply check` would judge by (comply's defaults, with comply.yaml `thresholds:` and accepted
`deviations:` applied), and both are byte-identical for the same inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.report.fairness_charts import feature_charts
from checker.report.htmlpage import page
from checker.report.sanitize import html_text
from checker.report.svg import FONT, INK, WIDTH, num


def fairness_svg(document: Mapping[str, Any], thresholds: Mapping[str, Any]) -> str:
    charts = feature_charts(document, thresholds)
    y = 0.0
    nested = []
    for chart in charts:
        nested.append(
            f'<text x="0" y="{num(y + 18)}" font-size="16" font-weight="700" fill="{INK}">'
            f"By {html_text(chart.feature)}</text>" + chart.svg.replace("<svg ", f'<svg x="0" y="{num(y + 28)}" ', 1)
        )
        y += chart.height + 28 + 16
    features = ", ".join(chart.feature for chart in charts) or "none"
    title = f"Fairness by {features}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(WIDTH)} {num(max(y, 1.0))}" '
        f'width="{num(WIDTH)}" height="{num(max(y, 1.0))}" role="img" aria-labelledby="fairness-title" '
        f'font-family="{FONT}"><title id="fairness-title">{html_text(title)}</title>' + "".join(nested) + "</svg>\n"
    )


def fairness_html(document: Mapping[str, Any], thresholds: Mapping[str, Any]) -> str:
    provenance = document.get("provenance")
    provenance = provenance if isinstance(provenance, Mapping) else {}
    rows = document.get("rows")
    used = (
        f", {html_text(rows.get('used'))} of {html_text(rows.get('total'))} rows used"
        if isinstance(rows, Mapping)
        else ""
    )
    header = (
        "<h1>comply fairness</h1>"
        f'<p class="lead">Per-group rates from <code>{html_text(provenance.get("file", "?"))}</code> '
        f"(sha256 <code>{html_text(provenance.get('sha256', '?'))}</code>){used}.</p>"
        "<p>Thresholds drawn are those <code>comply check</code> judges by; this page judges nothing.</p>"
    )
    body = []
    for chart in feature_charts(document, thresholds):
        body.append(
            f"<section><h2>By {html_text(chart.feature)}</h2>"
            f'<figure class="fairness" data-feature="{html_text(chart.feature)}">{chart.svg}'
            f"<figcaption>{html_text(chart.caption)}</figcaption></figure>{chart.table}{chart.metrics}</section>"
        )
    if not body:
        body.append("<p>The document names no sensitive feature.</p>")
    footer = f"<p>Written by comply {html_text(provenance.get('comply_version', ''))}.</p>"
    return page("comply fairness", header, "\n".join(body), footer)
