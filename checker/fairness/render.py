"""Tables for a fairness document: per-group rates with the worst gap, and the disparity metrics.

Used by `comply fairness --format text` and by the text report of `comply check` (one pair of tables
per feature). Works on computed and declared documents alike: what a declared document lacks shows
as a dash. The tables are `TableSpec`s: rich draws them on a terminal, plain text elsewhere
(`checker.report.table`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.fairness.names import DISPARITIES, RATES
from checker.report.sanitize import neutral_line
from checker.report.table import Column, TableSpec

TABLE_RATES = tuple(rate for rate in RATES if rate != "f1")
"""The rates a terminal table shows: with F1 as well the table outgrows 100 columns and rich squeezes its
headers ("select…"); F1 stays in the JSON document, the HTML report and the thresholds."""

_RATE_HEADERS = {
    "base_rate": "base",
    "selection_rate": "selected",
    "tpr": "TPR",
    "fpr": "FPR",
    "fnr": "FNR",
    "tnr": "TNR",
    "precision": "precision",
    "accuracy": "accuracy",
    "f1": "F1",
}


def fairness_tables(document: Mapping[str, Any]) -> list[TableSpec]:
    """For each feature: its per-group table (with a `worst gap` row) and its metrics table."""
    tables: list[TableSpec] = []
    features = document.get("features")
    if not isinstance(features, Mapping):
        return tables
    for name, feature in features.items():
        if not isinstance(feature, Mapping):
            continue
        groups = feature.get("groups")
        if isinstance(groups, Mapping) and groups:
            tables.append(_groups_table(neutral_line(name), feature, document))
        tables.append(_metrics_table(neutral_line(name), feature, document))
    return tables


def _number(value: Any, digits: int = 3) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "-"
    return f"{value:.{digits}f}"


def _groups_table(name: str, feature: Mapping[str, Any], document: Mapping[str, Any]) -> TableSpec:
    source = document.get("source", "computed")
    columns = [
        Column("group"),
        Column("rows", justify="right"),
        *(Column(_RATE_HEADERS[rate], justify="right") for rate in TABLE_RATES),
        Column("flags"),
    ]
    table = TableSpec(columns, title=f"Fairness by {name} ({source})", title_justify="left")
    for group, entry in feature["groups"].items():
        entry = entry if isinstance(entry, Mapping) else {}
        count = entry.get("count")
        table.add_row(
            neutral_line(group),
            str(count) if isinstance(count, int) else "-",
            *(_number(entry.get(rate)) for rate in TABLE_RATES),
            ", ".join(entry.get("flags") or []),
        )
    gaps = feature.get("gaps")
    if isinstance(gaps, Mapping) and gaps:
        table.add_section()
        table.add_row("worst gap", "", *(_number((gaps.get(rate) or {}).get("difference")) for rate in TABLE_RATES), "")
        table.caption = "worst gap, lowest -> highest group: " + "; ".join(
            f"{_RATE_HEADERS[rate]} {neutral_line(gap.get('min_group'))} -> {neutral_line(gap.get('max_group'))}"
            for rate in TABLE_RATES
            if isinstance(gap := gaps.get(rate), Mapping)
        )
        table.caption_justify = "left"
    return table


def _metrics_table(name: str, feature: Mapping[str, Any], document: Mapping[str, Any]) -> TableSpec:
    bootstrap = document.get("bootstrap")
    confidence = bootstrap.get("confidence") if isinstance(bootstrap, Mapping) else None
    interval_header = f"{confidence:.0%} interval" if isinstance(confidence, float) else "interval"
    reference = feature.get("reference_group")
    caption = f"reference group: {neutral_line(reference)}" if reference else None
    columns = [
        Column("metric"),
        Column("value", justify="right"),
        *([Column(interval_header, justify="right")] if confidence is not None else []),
        Column("groups compared"),
    ]
    table = TableSpec(columns, title=f"Disparities across {name}", title_justify="left", caption=caption)
    found = feature.get("metrics")
    metrics: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    for metric in DISPARITIES:
        entry = metrics.get(metric)
        if not isinstance(entry, Mapping):
            continue
        interval = entry.get("ci")
        shown_interval = (
            f"[{_number(interval[0])}, {_number(interval[1])}]"
            if isinstance(interval, list) and len(interval) == 2
            else ""
        )
        value = entry.get("value")
        groups = entry.get("groups")
        compared = " vs ".join(neutral_line(group) for group in groups) if isinstance(groups, list) else ""
        if value is None:
            compared = f"undefined: {entry.get('undefined', '')}"
        cells = (
            [metric, _number(value), shown_interval, compared]
            if confidence is not None
            else [metric, _number(value), compared]
        )
        table.add_row(*cells)
    return table
