"""Every output format produced by the real CLI on the bundled examples, and validated.

Two cards at once (one failing, one passing) so each format shows both, with one exit code. The
reference date and timeline are pinned so the verdict does not move with the calendar.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, assert_one_line_error, comply
from tests.gate.validators import junit_errors, report_errors, sarif_errors

GAPS = "examples/credit-scoring-gaps/model_card.yaml"
GOOD = "examples/credit-scoring/model_card.yaml"
PINNED = ("--reference-date", "2026-11-25", "--timeline", "original")


def check(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    done = comply("check", GAPS, GOOD, *PINNED, *args, cwd=cwd)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, done.stdout


def test_json_is_valid_against_the_report_schema() -> None:
    code, out = check("--format", "json")
    assert code == 1
    document = json.loads(out)
    assert report_errors(document) == []
    assert [card["card"] for card in document["cards"]] == [GAPS, GOOD]
    assert document["summary"]["failed"] >= 1 and document["cards"][1]["summary"]["failed"] == 0


def test_sarif_is_valid_and_points_at_the_failing_card() -> None:
    code, out = check("--format", "sarif")
    assert code == 1
    document = json.loads(out)
    assert sarif_errors(document) == []
    run = document["runs"][0]
    results = run["results"]
    assert results, "a failing card must produce SARIF results"
    failing = [r for r in results if r["level"] == "error"]
    assert failing
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] in {GAPS, GOOD}
        assert location["region"]["startLine"] >= 1
    assert any(
        r["ruleId"] == "org.approval" and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == GAPS
        for r in results
    )
    rules = run["tool"]["driver"]["rules"]
    art = [rule for rule in rules if rule["id"].startswith("art")]
    assert art and all(rule["helpUri"].startswith("https://artificialintelligenceact.eu/article/") for rule in art)
    assert all(
        rule["help"]["text"] and rule["defaultConfiguration"]["level"] in {"error", "warning", "note"} for rule in rules
    )


def test_junit_is_valid_with_a_testcase_per_rule_per_card() -> None:
    code, out = check("--format", "junit")
    assert code == 1
    assert junit_errors(out) == []
    document = json.loads(check("--format", "json")[1])
    root = ET.fromstring(out)
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [GAPS, GOOD]
    for suite, card in zip(suites, document["cards"], strict=True):
        assert len(suite.findall("testcase")) == len(card["results"])
        assert int(suite.get("failures", "-1")) == card["summary"]["failed"]
    assert int(root.get("failures", "0")) == document["summary"]["failed"] >= 1


def test_markdown_summarises_both_cards_and_lists_failures() -> None:
    code, out = check("--format", "markdown")
    assert code == 1
    assert f"| `{GAPS}` |" in out and f"| `{GOOD}` |" in out
    assert "### Failures and warnings" in out and "`org.approval`" in out


def test_github_annotations_name_file_and_line() -> None:
    code, out = check("--format", "github")
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert errors and all(line.startswith(f"::error file={GAPS},") for line in errors)
    assert any(line.startswith(f"::error file={GAPS},line=") for line in errors)
    assert out.splitlines()[-1].startswith("comply: ")


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "markdown", "github"])
def test_output_file_gets_the_report_and_the_terminal_the_text_summary(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / "reports" / f"report.{fmt}"
    code, out = check("--format", fmt, "--output", str(target))
    assert code == 1
    assert target.read_text(encoding="utf-8") == check("--format", fmt)[1]
    assert "Summary" in out and "failed" in out.splitlines()[-1]


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "markdown", "github"])
def test_machine_formats_are_byte_identical_across_runs(fmt: str) -> None:
    assert check("--format", fmt)[1] == check("--format", fmt)[1]


def test_several_reports_in_one_run_match_single_runs(tmp_path: Path) -> None:
    sarif, junit = tmp_path / "out.sarif", tmp_path / "nested" / "junit.xml"
    code, out = check("--format", "text", "--format", f"sarif:{sarif}", "--format", f"junit:{junit}")
    assert code == 1
    assert out == check()[1]
    assert sarif.read_text(encoding="utf-8") == check("--format", "sarif")[1]
    assert junit.read_text(encoding="utf-8") == check("--format", "junit")[1]


def test_report_to_stdout_with_dash() -> None:
    assert check("--format", "json", "-o", "-")[1] == check("--format", "json")[1]
    assert check("--format", "json:-")[1] == check("--format", "json")[1]


def test_two_reports_for_stdout_are_one_line(tmp_path: Path) -> None:
    assert_one_line_error(comply("check", GOOD, "--format", "json", "--format", "sarif"), "only one report")


@pytest.mark.parametrize(
    ("target", "how"),
    [
        ("model_card.yaml", "-o"),
        ("comply.yaml", "--format"),
        ("evidence/audit.jsonl", "-o"),
        ("evidence/logging.yaml", "--format"),
        ("./evidence/../model_card.yaml", "--format"),
        ("link.yaml", "-o"),
        ("hard.yaml", "--format"),
    ],
)
def test_an_output_over_an_input_is_refused_and_nothing_is_written(tmp_path: Path, target: str, how: str) -> None:
    import shutil

    shutil.copytree(EXAMPLES / "credit-scoring", tmp_path / "card")
    work = tmp_path / "card"
    (work / "link.yaml").symlink_to("model_card.yaml")
    os.link(work / "model_card.yaml", work / "hard.yaml")
    before = {path: path.read_bytes() for path in work.rglob("*") if path.is_file()}
    option = ["-o", target, "--format", "json"] if how == "-o" else ["--format", f"json:{target}"]
    done = comply(
        "check",
        "model_card.yaml",
        "--logging",
        "evidence/logging.yaml",
        "--audit-log",
        "evidence/audit.jsonl",
        *option,
        cwd=work,
    )
    assert_one_line_error(done, "refusing to write", "an input of this run")
    assert {path: path.read_bytes() for path in work.rglob("*") if path.is_file()} == before
    assert not [path for path in work.rglob("*.tmp")]


def test_a_failed_run_leaves_the_previous_report_whole(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("previous\n")
    broken = tmp_path / "model_card.yaml"
    broken.write_text("model_details: [\n")
    assert_one_line_error(comply("check", str(broken), "--format", f"json:{report}"), "invalid YAML")
    assert report.read_text() == "previous\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model_card.yaml", "report.json"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_replaces_nothing(tmp_path: Path) -> None:
    report = tmp_path / "report.sarif"
    report.write_text("previous\n")
    done = comply("check", GOOD, *PINNED, "--format", f"sarif:{report}", "--format", "json:/dev/full")
    assert_one_line_error(done, "/dev/full", "cannot write")
    assert report.read_text() == "previous\n"
    assert not list(tmp_path.glob("*.tmp"))


def test_output_to_a_device_is_written_not_replaced() -> None:
    code, _ = check("--format", "json:/dev/null")
    assert code == 1
    assert Path("/dev/null").is_char_device()
