"""An exit 2 never leaves a report of an earlier run at an output path.

A CI job that uploads `report.sarif` (or publishes junit.xml) after a failed step must not publish
yesterday's verdict: when a run ends in an input or usage error, the reports it would have written are
absent. Only what is certainly an old comply report is removed; an input, or any other file named as an
output by mistake, is left exactly as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import EXAMPLES, assert_one_line_error, comply

PINNED = ("--reference-date", "2026-11-25")
FILES = {
    "text": "report.txt",
    "json": "report.json",
    "sarif": "report.sarif",
    "junit": "junit.xml",
    "markdown": "summary.md",
    "html": "report.html",
    "github": "annotations.txt",
    "gitlab": "gl-code-quality.json",
}


def outputs(folder: Path) -> list[str]:
    return [argument for fmt, name in FILES.items() for argument in ("--format", f"{fmt}:{folder / name}")]


def test_a_failed_run_removes_every_report_an_earlier_run_left(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    shutil.copy(EXAMPLES / "credit-scoring-gaps" / "model_card.yaml", card)
    reports = tmp_path / "reports"
    first = comply("check", str(card), *PINNED, *outputs(reports))
    assert first.returncode == 1, first.stderr
    assert sorted(path.name for path in reports.iterdir()) == sorted(FILES.values())
    quiet = comply("check", str(card), *PINNED, "-q", "--format", f"text:{reports / 'quiet.txt'}")
    assert quiet.returncode == 1 and not (reports / "quiet.txt").read_text(encoding="utf-8").startswith("comply ")

    card.write_text("model_details: [unclosed\n", encoding="utf-8")
    broken = comply("check", str(card), *PINNED, *outputs(reports), "--format", f"text:{reports / 'quiet.txt'}")
    assert_one_line_error(broken, "model_card.yaml")
    assert list(reports.iterdir()) == [], "no report of the earlier run survives an exit 2"


def test_an_error_in_writing_removes_the_old_reports_too(tmp_path: Path) -> None:
    card = str(EXAMPLES / "spam-filter" / "model_card.yaml")
    sarif = tmp_path / "report.sarif"
    assert comply("check", card, *PINNED, "--format", f"sarif:{sarif}").returncode == 0
    assert sarif.is_file()
    done = comply("check", card, *PINNED, "--format", f"sarif:{sarif}", "--format", "json:/dev/full")
    assert_one_line_error(done, "/dev/full")
    assert not sarif.exists()


def test_files_that_are_not_old_reports_are_left_alone(tmp_path: Path) -> None:
    """An evidence file the config names, used as an output by mistake, while the run fails before reading
    it; another tool's JSON; a text file: none is a comply report, so none is touched."""
    shutil.copytree(EXAMPLES / "credit-scoring", tmp_path / "credit")
    folder = tmp_path / "credit"
    (folder / "model_card.yaml").write_text("model_details: [unclosed\n", encoding="utf-8")
    logging = folder / "evidence" / "logging.yaml"
    other = tmp_path / "other.json"
    other.write_text('{"tool": {"name": "eslint"}, "cards": []}\n', encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("remember: 3 things\n", encoding="utf-8")
    before = {path: path.read_bytes() for path in (logging, other, notes)}
    done = comply(
        "check",
        str(folder / "model_card.yaml"),
        *PINNED,
        "--format",
        f"json:{other}",
        "--format",
        f"text:{notes}",
        "--format",
        f"markdown:{logging}",
    )
    assert_one_line_error(done, "model_card.yaml")
    assert {path: path.read_bytes() for path in before} == before


def test_an_output_refused_as_an_input_is_never_removed(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    shutil.copy(EXAMPLES / "spam-filter" / "model_card.yaml", card)
    before = card.read_bytes()
    done = comply("check", str(card), *PINNED, "-o", str(card))
    assert_one_line_error(done, "refusing to write")
    assert card.read_bytes() == before


def test_a_baseline_report_at_the_output_path_is_never_removed(tmp_path: Path) -> None:
    """A baseline is a previous comply JSON report: named with --baseline, or by the card's comply.yaml,
    and given as the output by mistake, it survives a run that stops before reading it."""
    shutil.copytree(EXAMPLES / "credit-scoring-candidate", tmp_path / "candidate")
    folder = tmp_path / "candidate"
    configured = folder / "evidence" / "production-3.2.0.report.json"
    (folder / "model_card.yaml").write_text("model_details: [unclosed\n", encoding="utf-8")
    before = configured.read_bytes()
    done = comply("check", str(folder / "model_card.yaml"), *PINNED, "--format", f"json:{configured}")
    assert_one_line_error(done, "model_card.yaml")
    assert configured.read_bytes() == before, "the baseline comply.yaml names is an input, not an old report"

    named = tmp_path / "previous.json"
    named.write_bytes(before)
    broken = tmp_path / "broken.yaml"
    broken.write_text("model_details: [unclosed\n", encoding="utf-8")
    done = comply("check", str(broken), *PINNED, "--baseline", str(named), "--format", f"json:{named}")
    assert_one_line_error(done, "broken.yaml")
    assert named.read_bytes() == before, "the --baseline file is an input, not an old report"
    done = comply("check", str(broken), *PINNED, "--format", f"json:{named}")
    assert_one_line_error(done, "broken.yaml")
    assert not named.exists(), "not named as an input, the same file is an old report and goes"
