"""Fairness as pictures: per sensitive feature, bars of selection rate, TPR and FPR per group.

Each bar carries its confidence interval (the Wilson score interval of the group's own counts, at the
run's bootstrap confidence or 95%), small groups are hatched and say so in words, and the thresholds the
rules judge by are drawn as lines: the allowed gap below the highest group (`demographic_parity_difference`
for selection rate, `equalized_odds_difference` for TPR and FPR: a bar ending left of the line makes the
gap too wide) and the disparate-impact floor (`disparate_impact_ratio` times the reference group's
selection rate). A declared feature with no per-group numbers gets a chart of the metrics it declares,
each with its own threshold.

Used by the HTML report (`checker.report.html`) and by `comply fairness --format html|svg`. The text
alternative of every chart is its <desc> and the table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any

from checker.report.sanitize import html_text
from checker.report.svg import Bar, Line, Panel, figure, nice_scale, panels

CHART_RATES = (
    ("selection_rate", "Selection rate", ("tp", "fp"), ("tp", "fp", "fn", "tn"), "demographic_parity_difference"),
    ("tpr", "True positive rate (TPR)", ("tp",), ("tp", "fn"), "equalized_odds_difference"),
    ("fpr", "False positive rate (FPR)", ("fp",), ("fp", "tn"), "equalized_odds_difference"),
)
"""(rate, heading, numerator counts, denominator counts, the gap threshold that judges it)."""

DEFAULT_THRESHOLDS = {
    "demographic_parity_difference": 0.1,
    "equalized_odds_difference": 0.1,
    "disparate_impact_ratio": 0.8,
}
LOWER_IS_BETTER = ("_difference",)
MAX_CHARTED = 30
"""Groups per chart: beyond this the bars stop being readable (a feature may have up to max_groups)."""


@dataclass(frozen=True)
class FeatureChart:
    feature: str
    svg: str
    table: str
    """An HTML table with every number the chart shows (the chart's long text alternative)."""
    caption: str
    """How to read the chart, in words (its figcaption)."""
    height: float
    """The SVG's height (to stack charts in one SVG document)."""
    metrics: str = ""
    """An HTML table of the feature's disparity metrics, with their bootstrap intervals when computed."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def wilson(successes: float, trials: float, confidence: float) -> tuple[float, float] | None:
    """Wilson score interval of a proportion; None without trials. Exact at 0 and n successes too."""
    if trials <= 0:
        return None
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= trials else min(1.0, centre + half)
    return low, high


def confidence_of(document: Mapping[str, Any]) -> float:
    bootstrap = document.get("bootstrap")
    value = bootstrap.get("confidence") if isinstance(bootstrap, Mapping) else None
    number = _number(value)
    return number if number is not None and 0 < number < 1 else 0.95


def feature_charts(
    document: Mapping[str, Any], thresholds: Mapping[str, Any], prefix: str = "fairness"
) -> list[FeatureChart]:
    """One chart (and its table) per feature of a fairness document, in the document's order."""
    features = document.get("features")
    if not isinstance(features, Mapping):
        return []
    limits = {key: _number(thresholds.get(key, default)) for key, default in DEFAULT_THRESHOLDS.items()}
    min_size = _number(thresholds.get("min_group_size", document.get("min_group_size", 30))) or 0
    confidence = confidence_of(document)
    charts = []
    for index, (name, feature) in enumerate(features.items()):
        if not isinstance(feature, Mapping):
            continue
        ident = f"{prefix}-{index + 1}"
        groups = feature.get("groups")
        if isinstance(groups, Mapping) and groups:
            charts.append(_rates_chart(ident, str(name), feature, groups, limits, min_size, confidence))
        else:
            charts.append(_declared_chart(ident, str(name), feature, document, limits))
    return charts


def _group_rows(groups: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    return [(str(group), entry if isinstance(entry, Mapping) else {}) for group, entry in groups.items()]


def _is_small(entry: Mapping[str, Any], min_size: float) -> bool:
    count = _number(entry.get("count"))
    flags = entry.get("flags") or []
    return "small" in flags or (count is not None and count < min_size)


def _interval(
    entry: Mapping[str, Any], numerator: Sequence[str], denominator: Sequence[str], confidence: float
) -> tuple[float, float] | None:
    counts = [_number(entry.get(key)) for key in (*numerator, *denominator)]
    if any(count is None for count in counts):
        return None
    top = sum(_number(entry.get(key)) or 0.0 for key in numerator)
    bottom = sum(_number(entry.get(key)) or 0.0 for key in denominator)
    return wilson(top, bottom, confidence)


def _rates_chart(
    ident: str,
    name: str,
    feature: Mapping[str, Any],
    groups: Mapping[str, Any],
    limits: Mapping[str, float | None],
    min_size: float,
    confidence: float,
) -> FeatureChart:
    rows = _group_rows(groups)
    reference = feature.get("reference_group")
    chart_panels: list[Panel] = []
    sentences: list[str] = []
    table_rows: list[str] = []
    for rate, heading, numerator, denominator, gap_key in CHART_RATES:
        values = {group: _number(entry.get(rate)) for group, entry in rows}
        present = [value for value in values.values() if value is not None]
        highest = max(present) if present else None
        gap = limits.get(gap_key)
        floor = highest - gap if highest is not None and gap is not None else None
        lines = []
        if floor is not None and gap is not None and floor > 0:
            lines.append(Line(floor, f"allowed gap: highest \u2212 {gap:g} = {floor:.3f} ({gap_key})"))
        di_floor = None
        if rate == "selection_rate" and limits.get("disparate_impact_ratio") is not None:
            ratio = limits["disparate_impact_ratio"] or 0.0
            base_group = str(reference) if reference is not None and str(reference) in values else None
            base = values.get(base_group) if base_group is not None else highest
            if base is not None:
                di_floor = ratio * base
                who = f"reference {base_group}" if base_group is not None else "highest group"
                lines.append(Line(di_floor, f"disparate-impact floor: {ratio:g} \u00d7 {who} = {di_floor:.3f}"))
        bars = []
        for group, entry in rows:
            value = values[group]
            small = _is_small(entry, min_size)
            notes = []
            if small:
                count = _number(entry.get("count"))
                notes.append(f"small ({int(count) if count is not None else '?'} rows)")
            beyond = value is not None and (
                (floor is not None and value < floor - 1e-12) or (di_floor is not None and value < di_floor - 1e-12)
            )
            if beyond:
                notes.append("below a line")
            if reference is not None and group == str(reference) and rate == "selection_rate":
                notes.append("reference")
            interval = _interval(entry, numerator, denominator, confidence) if value is not None else None
            bars.append(
                Bar(
                    group,
                    value,
                    interval[0] if interval else None,
                    interval[1] if interval else None,
                    colour="alert" if beyond else "bar",
                    pattern=small,
                    note="; ".join(notes) if notes else ("" if value is not None else "undefined"),
                )
            )
            table_rows.append(_table_row(heading, group, entry, value, interval, notes))
        reach = [value for bar in bars for value in (bar.value, bar.high) if value is not None]
        reach += [line.value for line in lines]
        note = ""
        if gap is not None and highest is not None and (floor is None or floor <= 0):
            note = f"no gap line: every rate is within {gap:g} of the highest ({highest:.3f}) whatever its value"
        scale = nice_scale(min(max(reach, default=1.0) * 1.05, 1.0))
        chart_panels.append(Panel(heading, bars, scale, tuple(lines), note))
        shown = ", ".join(
            f"{group} {value:.3f}" if value is not None else f"{group} undefined" for group, value in values.items()
        )
        if floor is not None and gap is not None and floor > 0:
            limit_text = f"; allowed gap {gap:g} below the highest ({floor:.3f})"
        elif gap is not None and highest is not None:
            limit_text = f"; every rate is within {gap:g} of the highest ({highest:.3f}), whatever its value"
        else:
            limit_text = ""
        sentences.append(f"{heading}: {shown}{limit_text}.")
    charted = _charted_groups(rows, chart_panels, reference)
    if len(charted) < len(rows):
        chart_panels = [
            replace(panel, bars=[bar for bar in panel.bars if bar.label in charted]) for panel in chart_panels
        ]
        chart_panels[-1] = replace(
            chart_panels[-1],
            note=(chart_panels[-1].note + "; " if chart_panels[-1].note else "")
            + f"charted: {len(charted)} of {len(rows)} groups (those below a line, the reference, the largest); "
            "the table lists every group",
        )
    body, height = panels(ident, chart_panels, 4)
    small_groups = [group for group, entry in rows if _is_small(entry, min_size)]
    description = (
        f"Per-group rates for {name}, with {confidence:.0%} Wilson intervals. "
        + " ".join(sentences)
        + (f" Small groups (under {min_size:g} rows, hatched): {', '.join(small_groups)}." if small_groups else "")
    )
    title = f"Fairness by {name}: selection rate, TPR and FPR per group"
    svg = figure(ident, title, description, height + 8, body)
    metrics = metrics_table(name, feature, limits, confidence if _has_bootstrap(feature) else None)
    interval_head = f"{confidence:.0%} interval"
    table = (
        f'<table class="data"><caption>{html_text(title)}</caption><thead><tr><th scope="col">rate</th>'
        f'<th scope="col">group</th><th scope="col">rows</th><th scope="col">value</th>'
        f'<th scope="col">{html_text(interval_head)}</th><th scope="col">notes</th></tr></thead><tbody>'
        + "".join(table_rows)
        + "</tbody></table>"
    )
    caption = (
        "Bars: each group's rate; whiskers: its interval; dashed lines: the thresholds (a bar ending left of a "
        "line is outside it, and says so); hatched bars: groups too small to trust. Each panel has its own axis."
    )
    return FeatureChart(name, svg, table, caption, height + 8, metrics)


def _has_bootstrap(feature: Mapping[str, Any]) -> bool:
    metrics = feature.get("metrics")
    return isinstance(metrics, Mapping) and any(
        isinstance(entry, Mapping) and "ci" in entry for entry in metrics.values()
    )


def metrics_table(
    name: str, feature: Mapping[str, Any], limits: Mapping[str, float | None], confidence: float | None
) -> str:
    """The disparity metrics of a feature: value, bootstrap interval (when computed), groups compared, threshold."""
    metrics = feature.get("metrics")
    if not isinstance(metrics, Mapping) or not metrics:
        return ""
    head = ["metric", "value"] + ([f"{confidence:.0%} bootstrap interval"] if confidence is not None else [])
    head += ["groups compared", "threshold"]
    rows = []
    for metric in sorted(metrics):
        entry = metrics[metric]
        if not isinstance(entry, Mapping):
            continue
        value = _number(entry.get("value"))
        cells = [str(metric), f"{value:.3f}" if value is not None else f"undefined: {entry.get('undefined', '')}"]
        if confidence is not None:
            interval = entry.get("ci")
            low, high = [*interval, None, None][:2] if isinstance(interval, list) else (None, None)
            shown_low, shown_high = _number(low), _number(high)
            cells.append(
                f"[{shown_low:.3f}, {shown_high:.3f}]" if shown_low is not None and shown_high is not None else "\u2013"
            )
        groups = entry.get("groups")
        cells.append(" vs ".join(str(group) for group in groups) if isinstance(groups, list) else "")
        limit = limits.get(str(metric))
        direction = "at most" if str(metric).endswith(LOWER_IS_BETTER) else "at least"
        cells.append(f"{direction} {limit:g}" if limit is not None else "")
        rows.append("<tr>" + "".join(f"<td>{html_text(cell)}</td>" for cell in cells) + "</tr>")
    header = "".join(f'<th scope="col">{html_text(cell)}</th>' for cell in head)
    return (
        f'<table class="data"><caption>{html_text(f"Disparities across {name}")}</caption>'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _charted_groups(
    rows: Sequence[tuple[str, Mapping[str, Any]]], chart_panels: Sequence[Panel], reference: Any
) -> set[str]:
    """The groups a chart can show legibly (at most MAX_CHARTED): first those below a threshold line in any
    panel, then the reference group, then the largest. Every group stays in the table and the description."""
    if len(rows) <= MAX_CHARTED:
        return {group for group, _ in rows}
    alert = {bar.label for panel in chart_panels for bar in panel.bars if bar.colour == "alert"}

    def priority(row: tuple[str, Mapping[str, Any]]) -> tuple[bool, bool, float, str]:
        group, entry = row
        return (group not in alert, group != str(reference), -(_number(entry.get("count")) or 0.0), group)

    return {group for group, _ in sorted(rows, key=priority)[:MAX_CHARTED]}


def _table_row(
    heading: str,
    group: str,
    entry: Mapping[str, Any],
    value: float | None,
    interval: tuple[float, float] | None,
    notes: Sequence[str],
) -> str:
    count = _number(entry.get("count"))
    cells = (
        heading,
        group,
        str(int(count)) if count is not None else "\u2013",
        f"{value:.3f}" if value is not None else "undefined",
        f"[{interval[0]:.3f}, {interval[1]:.3f}]" if interval else "\u2013",
        "; ".join(notes),
    )
    return "<tr>" + "".join(f"<td>{html_text(cell)}</td>" for cell in cells) + "</tr>"


def _declared_chart(
    ident: str, name: str, feature: Mapping[str, Any], document: Mapping[str, Any], limits: Mapping[str, float | None]
) -> FeatureChart:
    metrics = feature.get("metrics")
    entries = metrics if isinstance(metrics, Mapping) else {}
    bars = []
    rows = []
    sentences = []
    values = [_number(entry.get("value")) for entry in entries.values() if isinstance(entry, Mapping)]
    reach = [value for value in values if value is not None]
    reach += [limit for key, limit in limits.items() if key in entries and limit is not None]
    scale = nice_scale(max(reach, default=1.0) * 1.1)
    for metric, entry in entries.items():
        if not isinstance(entry, Mapping):
            continue
        value = _number(entry.get("value"))
        limit = limits.get(str(metric))
        outside = (
            value is not None
            and limit is not None
            and ((value > limit) if str(metric).endswith(LOWER_IS_BETTER) else (value < limit))
        )
        direction = "at most" if str(metric).endswith(LOWER_IS_BETTER) else "at least"
        limit_text = f"threshold: {direction} {limit:g}" if limit is not None else "no threshold"
        bars.append(
            Bar(
                str(metric).replace("_", " "),
                value,
                colour="alert" if outside else "bar",
                note="outside the threshold" if outside else ("" if value is not None else "undefined"),
                marker=limit,
                marker_label=f"({limit_text})",
            )
        )
        shown = f"{value:.3f}" if value is not None else "undefined"
        sentences.append(f"{metric} {shown} ({limit_text}{', outside it' if outside else ''}).")
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html_text(cell)}</td>"
                for cell in (metric, shown, limit_text, "outside the threshold" if outside else "")
            )
            + "</tr>"
        )
    source = str(document.get("source", "declared"))
    heading = f"Declared metrics ({source}; no per-group numbers)"
    body, height = panels(ident, [Panel(heading, bars, scale)], 4)
    title = f"Fairness by {name}: declared disparity metrics"
    description = f"{title}. The evidence gives no per-group rates, so no group bars can be drawn. " + " ".join(
        sentences
    )
    svg = figure(ident, title, description, height + 8, body)
    table = (
        f'<table class="data"><caption>{html_text(title)}</caption><thead><tr><th scope="col">metric</th>'
        f'<th scope="col">value</th><th scope="col">threshold</th><th scope="col">notes</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )
    caption = (
        "Bars: each metric as declared; short dashed marks: its threshold (differences must stay left of it, "
        "ratios right of it). Declared numbers cannot be verified: give comply the predictions to compute them."
    )
    return FeatureChart(name, svg, table, caption, height + 8)
