"""Fairness charts: Wilson intervals against published values, thresholds and small groups drawn and said in
words, declared metrics charted, and `comply fairness --format html|svg` end to end."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.report.fairness_charts import feature_charts, wilson
from checker.report.fairness_html import fairness_html, fairness_svg
from tests.conftest import EXAMPLES, assert_one_line_error, comply
from tests.report.test_html import markup_errors

SVG = "{http://www.w3.org/2000/svg}"
THRESHOLDS = {"demographic_parity_difference": 0.1, "equalized_odds_difference": 0.1, "disparate_impact_ratio": 0.8}


def group(tp: int, fp: int, fn: int, tn: int, flags: tuple[str, ...] = ()) -> dict[str, object]:
    count = tp + fp + fn + tn
    return {
        "count": count,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "selection_rate": (tp + fp) / count,
        "tpr": tp / (tp + fn) if tp + fn else None,
        "fpr": fp / (fp + tn) if fp + tn else None,
        "flags": list(flags),
    }


def document() -> dict[str, object]:
    return {
        "source": "computed",
        "min_group_size": 30,
        "features": {
            "region": {
                "groups": {
                    "north": group(40, 10, 10, 40),  # selection 0.50
                    "south": group(20, 5, 30, 45),  # selection 0.25: below both lines
                    "tiny <b>": group(3, 1, 2, 6, ("small",)),
                },
                "reference_group": "north",
                "metrics": {
                    "demographic_parity_difference": {"value": 0.25, "ci": [0.1, 0.4], "groups": ["south", "north"]}
                },
            },
            "declared, only": {"metrics": {"demographic_parity_difference": {"value": 0.15}}},
        },
    }


def test_wilson_interval_matches_newcombes_published_examples() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (score interval without correction).
    low, high = wilson(81, 263, 0.95) or (0, 0)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    low, high = wilson(15, 148, 0.95) or (0, 0)
    assert (round(low, 4), round(high, 4)) == (0.0624, 0.1605)
    assert wilson(0, 20, 0.95) == (0.0, pytest.approx(0.1611, abs=1e-4))
    assert wilson(20, 20, 0.95) == (pytest.approx(0.8389, abs=1e-4), 1.0)
    assert wilson(0, 0, 0.95) is None


def test_lines_small_groups_and_references_are_drawn_and_said_in_words() -> None:
    charts = feature_charts(document(), THRESHOLDS, "t")
    assert [chart.feature for chart in charts] == ["region", "declared, only"]
    rates = charts[0]
    assert "allowed gap: highest \u2212 0.1 = 0.400 (demographic_parity_difference)" in rates.svg
    assert "disparate-impact floor: 0.8 \u00d7 reference north = 0.400" in rates.svg
    assert "url(#t-1-hatch)" in rates.svg and "small (12 rows)" in rates.svg
    assert "0.250 [" in rates.svg and "below a line" in rates.svg
    assert "tiny &lt;b&gt;" in rates.svg and "<b>" not in rates.svg
    assert "Small groups (under 30 rows, hatched): tiny &lt;b&gt;." in rates.svg  # in the <desc>
    assert "[0.100, 0.400]" in rates.metrics and "bootstrap interval" in rates.metrics
    declared = charts[1]
    assert "outside the threshold" in declared.svg and "threshold: at most 0.1" in declared.table
    for chart in charts:
        root = ET.fromstring(chart.svg)
        assert root.get("role") == "img" and root.find(f"{SVG}title") is not None
        assert root.find(f"{SVG}desc") is not None and (root.find(f"{SVG}desc").text or "").strip()


def test_svg_document_is_well_formed_with_one_chart_per_feature() -> None:
    text = fairness_svg(document(), THRESHOLDS)
    root = ET.fromstring(text.split("\n", 1)[1])
    nested = root.findall(f"{SVG}svg")
    assert len(nested) == 2 and [n.get("id") for n in nested] == ["fairness-1", "fairness-2"]
    assert fairness_svg(document(), THRESHOLDS) == text
    page = fairness_html(document(), THRESHOLDS)
    assert markup_errors(page) == [] and page.count('<figure class="fairness"') == 2


PREDICTIONS = EXAMPLES / "credit-scoring" / "evidence" / "predictions.csv"
ARGS = ("fairness", str(PREDICTIONS), "--y-true", "defaulted", "--y-pred", "declined", "-s", "sex", "-s", "age_band")


def test_cli_html_and_svg_are_deterministic_and_use_comply_yaml_thresholds(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    html = comply(*ARGS, "--format", "html", "--bootstrap", "50")
    assert html.returncode == 0, html.stderr
    assert html.stdout == comply(*ARGS, "--format", "html", "--bootstrap", "50").stdout
    assert markup_errors(html.stdout) == []
    assert html.stdout.count('<figure class="fairness"') == 2 and "bootstrap interval" in html.stdout
    svg = comply(*ARGS, "--format", "svg")
    assert svg.returncode == 0, svg.stderr
    assert len(ET.fromstring(svg.stdout.split("\n", 1)[1]).findall(f"{SVG}svg")) == 2
    (tmp_path / "comply.yaml").write_text("thresholds:\n  demographic_parity_difference: 0.05\n", encoding="utf-8")
    tighter = comply(*ARGS, "--format", "svg", cwd=tmp_path)
    assert tighter.returncode == 0, tighter.stderr
    assert "highest \u2212 0.05 = " in tighter.stdout and "highest \u2212 0.05 = " not in svg.stdout
    written = tmp_path / "fairness.json"
    both = comply(*ARGS, "--format", "html", "-o", str(written))
    assert both.returncode == 0 and json.loads(written.read_text())["features"] and both.stdout.startswith("<!DOCTYPE")
    bad = comply(*ARGS, "--format", "png")
    assert_one_line_error(bad, "choose text, json, html or svg")


def test_a_feature_with_many_groups_charts_the_ones_that_matter_and_tables_them_all() -> None:
    many = {f"g{index:03d}": group(30 + index, 10, 10, 40 + index) for index in range(80)}
    many["low"] = group(1, 1, 60, 60)  # selection rate far below the others: must be charted
    doc = {"source": "computed", "features": {"zip": {"groups": many}}}
    (chart,) = feature_charts(doc, THRESHOLDS, "m")
    root = ET.fromstring(chart.svg)
    labels = [text.find(f"{SVG}title").text for text in root.iter(f"{SVG}text") if text.find(f"{SVG}title") is not None]
    assert len(labels) == 3 * 30 and "low" in labels
    assert "g079" in labels and "g000" not in labels  # then the largest groups
    assert "charted: 30 of 81 groups" in chart.svg
    assert chart.table.count("<tr>") == 1 + 3 * 81
