"""The few SVG pieces comply's charts are drawn with: a figure with its text alternative, a value axis,
rows of horizontal bars with intervals, marker lines and labels.

Written by hand rather than with a plotting library: the charts are bars, whiskers and lines, and a
library would add a dependency, fonts and ids that change from run to run. Here every coordinate is
printed with one decimal, every id is derived from the caller's prefix, and every piece of text is
escaped (`html_text`), so the same inputs give byte-identical SVG and card text can never become markup.
Colour is never the only signal: callers pass a `pattern` and a text `note` for every highlighted bar.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from checker.report.sanitize import html_text

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2328"
MUTED = "#57606a"
GRID = "#d0d7de"
COLOURS = {
    "bar": "#2f6feb",
    "alert": "#bf4b00",
    "ok": "#1a7f37",
    "fail": "#cf222e",
    "warn": "#9a6700",
    "muted": "#8c959f",
}


def num(value: float) -> str:
    """A coordinate: one decimal, no trailing `.0`, no `-0` (byte-stable across platforms)."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def nice_scale(maximum: float) -> float:
    """The axis end for values up to `maximum`: 0.05, 0.1, 0.2, 0.25, 0.5 or 1, else the next whole number.

    Small rates (false positive rates of a few per cent) get an axis they can be read on; the ticks always
    say which axis it is."""
    for end in TICK_STEPS:
        if maximum <= end:
            return end
    return float(math.ceil(maximum))


TICK_STEPS = {0.05: 0.01, 0.1: 0.02, 0.2: 0.05, 0.25: 0.05, 0.5: 0.1, 1.0: 0.2}
"""Axis end -> tick step (round numbers on every axis)."""


def clip(text: str, limit: int) -> str:
    """At most `limit` characters (an ellipsis marks a cut); the full text goes in a <title>."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a label, a value in [0, scale], an optional interval, and how it stands out."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    colour: str = "bar"
    pattern: bool = False
    """Hatched (e.g. a group too small to trust): the pattern, not only the colour, shows it."""
    note: str = ""
    """Text after the value (e.g. `small group: 12 rows`, `beyond the gap`): the words that say it."""
    marker: float | None = None
    """A per-row threshold tick (for rows with different thresholds)."""
    marker_label: str = ""


@dataclass(frozen=True)
class Line:
    """A vertical line across a panel (a threshold), with its label."""

    value: float
    label: str


@dataclass(frozen=True)
class Panel:
    title: str
    bars: Sequence[Bar]
    scale: float = 1.0
    lines: Sequence[Line] = ()
    """Thresholds drawn across the panel, each with its own dash pattern and a label row of its own."""
    note: str = ""
    """A line of text under the panel (e.g. why a threshold has no line)."""


DASHES = ("6 3", "2 2", "9 3 2 3")
LABEL_WIDTH = 200.0
BAR_WIDTH = 390.0
VALUE_WIDTH = 390.0
ROW = 24.0
WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH + 20


def figure(prefix: str, title: str, description: str, height: float, body: Sequence[str]) -> str:
    """An accessible SVG: role img, labelled by its <title>, described by its <desc> (the text alternative)."""
    ident = html_text(prefix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" role="img" '
        f'viewBox="0 0 {num(WIDTH)} {num(height)}" width="{num(WIDTH)}" height="{num(height)}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{FONT}" font-size="12" fill="{INK}">'
        f'<title id="{ident}-title">{html_text(title)}</title><desc id="{ident}-desc">{html_text(description)}</desc>'
        f"<defs>"
        f'<pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{COLOURS["muted"]}" '
        f'stroke-width="3"/></pattern></defs>' + "".join(body) + "</svg>"
    )


def panels(prefix: str, items: Sequence[Panel], top: float = 0.0) -> tuple[list[str], float]:
    """Stacked bar panels from `top`; returns the SVG elements and the height used."""
    body: list[str] = []
    y = top
    for panel in items:
        elements, used = _panel(prefix, panel, y)
        body.extend(elements)
        y += used
    return body, y - top


def _x(value: float, scale: float) -> float:
    return LABEL_WIDTH + max(0.0, min(value, scale)) / scale * BAR_WIDTH


def _panel(prefix: str, panel: Panel, top: float) -> tuple[list[str], float]:
    body = [f'<text x="0" y="{num(top + 16)}" font-weight="600" font-size="13">{html_text(panel.title)}</text>']
    axis_top = top + 26
    rows_top = axis_top + 16
    bottom = rows_top + ROW * len(panel.bars)
    step = TICK_STEPS.get(panel.scale, panel.scale / 4)
    for index in range(round(panel.scale / step) + 1):
        value = step * index
        x = _x(value, panel.scale)
        body.append(
            f'<line x1="{num(x)}" y1="{num(rows_top - 4)}" x2="{num(x)}" y2="{num(bottom)}" stroke="{GRID}"/>'
            f'<text x="{num(x)}" y="{num(axis_top + 8)}" text-anchor="middle" fill="{MUTED}" font-size="11">'
            f"{_tick(value)}</text>"
        )
    for index, bar in enumerate(panel.bars):
        body.extend(_bar(prefix, bar, rows_top + ROW * index, panel.scale))
    for number, line in enumerate(panel.lines):
        x = _x(line.value, panel.scale)
        dash = DASHES[number % len(DASHES)]
        body.append(
            f'<line x1="{num(x)}" y1="{num(rows_top - 8)}" x2="{num(x)}" y2="{num(bottom + 4 + 14 * number)}" '
            f'stroke="{INK}" stroke-width="2" stroke-dasharray="{dash}"/>'
            f'<text x="{num(x + 4)}" y="{num(bottom + 16 + 14 * number)}" font-size="11">'
            f"{html_text(line.label)}</text>"
        )
    bottom += 14 * len(panel.lines)
    if panel.note:
        body.append(
            f'<text x="{num(LABEL_WIDTH)}" y="{num(bottom + 16)}" font-size="11">{html_text(panel.note)}</text>'
        )
        bottom += 14
    return body, bottom - top + 14


def _tick(value: float) -> str:
    return f"{round(value, 4):g}"


def _bar(prefix: str, bar: Bar, top: float, scale: float) -> list[str]:
    middle = top + ROW / 2
    label = clip(bar.label, 30)
    body = [
        f'<text x="{num(LABEL_WIDTH - 8)}" y="{num(middle + 4)}" text-anchor="end">'
        f"<title>{html_text(bar.label)}</title>{html_text(label)}</text>"
    ]
    if bar.value is None:
        body.append(
            f'<text x="{num(LABEL_WIDTH + 4)}" y="{num(middle + 4)}" fill="{MUTED}">{html_text(bar.note or "no value")}</text>'
        )
        return body
    colour = COLOURS.get(bar.colour, COLOURS["bar"])
    width = _x(bar.value, scale) - LABEL_WIDTH
    fill = f"url(#{html_text(prefix)}-hatch)" if bar.pattern else colour
    body.append(
        f'<rect x="{num(LABEL_WIDTH)}" y="{num(top + 5)}" width="{num(max(width, 1.0))}" height="{num(ROW - 10)}" '
        f'fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
    )
    if bar.low is not None and bar.high is not None:
        low, high = _x(bar.low, scale), _x(bar.high, scale)
        body.append(
            f'<path d="M{num(low)} {num(middle)}H{num(high)}M{num(low)} {num(middle - 5)}V{num(middle + 5)}'
            f'M{num(high)} {num(middle - 5)}V{num(middle + 5)}" stroke="{INK}" stroke-width="1.5" fill="none"/>'
        )
    if bar.marker is not None:
        x = _x(bar.marker, scale)
        body.append(
            f'<path d="M{num(x)} {num(top + 1)}V{num(top + ROW - 1)}" stroke="{INK}" stroke-width="2" '
            f'stroke-dasharray="3 2" fill="none"/>'
        )
    text = f"{bar.value:.3f}"
    if bar.low is not None and bar.high is not None:
        text += f" [{bar.low:.3f}, {bar.high:.3f}]"
    if bar.marker_label:
        text += f"  {bar.marker_label}"
    if bar.note:
        text += f"  {bar.note}"
    weight = ' font-weight="600"' if bar.note else ""
    body.append(f'<text x="{num(LABEL_WIDTH + BAR_WIDTH + 10)}" y="{num(middle + 4)}"{weight}>{html_text(text)}</text>')
    return body
