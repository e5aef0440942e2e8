"""`comply docs annex-iv`: the nine points of Annex IV against a card's evidence, each with the finding why;
titled a readiness document; Markdown and HTML; deterministic; bad input one line, exit 2."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import EXAMPLES, assert_one_line_error, comply
from tests.report.test_html import HOSTILE_NAME, markup_errors

DATE = ("--reference-date", "2026-11-25", "--timeline", "original")
GOOD = ("examples/credit-scoring/model_card.yaml", "--config", "examples/credit-scoring/comply.yaml")
GAPS = ("examples/credit-scoring-gaps/model_card.yaml",)
ROW = re.compile(r"^\| (\d)\. [^|]+ \| [^ ]+ (present|partial|missing) \| (.*) \|$", re.MULTILINE)


def document(*args: str, cwd: Path | None = None) -> str:
    done = comply("docs", "annex-iv", *args, *DATE, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def statuses(markdown: str) -> dict[int, tuple[str, str]]:
    return {int(number): (status, why) for number, status, why in ROW.findall(markdown)}


def test_the_complete_example_has_all_nine_points_present_with_its_evidence() -> None:
    markdown = document(*GOOD)
    assert markdown.startswith("# Annex IV readiness document — retail-credit-scorer 3.2.0\n")
    assert "not the technical documentation required by Art 11, and not a conformity assessment" in markdown
    found = statuses(markdown)
    assert sorted(found) == list(range(1, 10))
    assert {status for status, _ in found.values()} == {"present"}
    assert "fairness computed by comply from examples/credit-scoring/evidence/predictions.csv" in markdown
    assert "audit log examples/credit-scoring/evidence/audit.jsonl: 235 entries" in markdown
    assert "release approved by Dr. Jana Novak" in markdown
    assert markdown == document(*GOOD)


def test_the_gaps_example_names_the_finding_behind_each_partial_point() -> None:
    found = statuses(document(*GAPS))
    assert found[1][0] == "present" and found[5][0] == "present" and found[8][0] == "present"
    assert found[2][0] == "partial" and found[2][1].startswith(
        "art10.data_governance fail: dataset 0 has no provenance"
    )
    assert found[6] == (
        "partial",
        "org.approval fail: the model's owner approved their own model (examples/credit-scoring-gaps/model_card.yaml:143)",
    )
    assert found[7] == ("partial", "not listed in technical_documentation.annex_iv_sections")
    assert found[9][0] == "partial" and "not listed in technical_documentation.annex" in found[9][1]


def test_a_point_with_nothing_behind_it_is_missing(tmp_path: Path) -> None:
    text = (EXAMPLES / "credit-scoring-gaps" / "model_card.yaml").read_text(encoding="utf-8")
    start = text.index("risk_management:\n")
    end = text.index("\ndata_governance:\n")
    text = text[:start] + text[end + 1 :]
    text = text.replace("    - risk_management\n", "")
    (tmp_path / "model_card.yaml").write_text(text, encoding="utf-8")
    found = statuses(document("model_card.yaml", cwd=tmp_path))
    assert found[5][0] == "missing"
    assert "not listed in technical" in found[5][1] and "none of risk" in found[5][1]


def test_html_is_self_contained_escaped_and_deterministic(tmp_path: Path) -> None:
    page = document(*GAPS, "--format", "html")
    assert markup_errors(page) == []
    assert "<title>Annex IV readiness document — retail-credit-scorer 3.2.0-rc1</title>" in page
    assert page.count('<section id="point-') == 9 and "default-src 'none'" in page
    assert page == document(*GAPS, "--format", "html")
    text = (EXAMPLES / "credit-scoring-gaps" / "model_card.yaml").read_text(encoding="utf-8")
    text = text.replace("  name: retail-credit-scorer\n", f'  name: "{HOSTILE_NAME.replace(chr(34), chr(39))}"\n')
    (tmp_path / "model_card.yaml").write_text(text, encoding="utf-8")
    hostile = document("model_card.yaml", "-f", "html", cwd=tmp_path)
    assert markup_errors(hostile) == [] and "<script" not in hostile and "&lt;script&gt;" in hostile
    written = tmp_path / "annex-iv.md"
    assert comply("docs", "annex-iv", "model_card.yaml", *DATE, "-o", str(written), cwd=tmp_path).returncode == 0
    assert written.read_text(encoding="utf-8").startswith("# Annex IV readiness document")


def test_bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    assert_one_line_error(comply("docs", "annex-iv", "no/such/model_card.yaml"), "no/such/model_card.yaml")
    assert_one_line_error(comply("docs", "annex-iv", "examples"), "name one model card file")
    assert_one_line_error(comply("docs", "annex-iv", *GAPS, "-f", "pdf"), "choose markdown or html")
