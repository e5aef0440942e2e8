"""Every output format produced by the real CLI on the bundled examples, and validated.

Two cards at once (one failing, one passing) so each format shows both, with one exit code. The
reference date and timeline are pinned so the verdict does not move with the calendar.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, assert_one_line_error, comply
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


def _hook_args() -> list[str]:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(hook for hook in hooks if hook["id"] == "comply-check")["args"]


PRE_COMMIT_FRAME = 4
"""pre-commit's own lines around a failing hook's output: name....Failed, hook id, exit code, a blank."""


def _without_release_gaps(card: Path) -> None:
    """The gaps card given the complete example's explainability, lineage, rollback and monitoring sections,
    which this test is not about, so only its approval and declared-tier gaps fail before the high-risk date."""
    import hashlib

    import yaml

    complete = yaml.safe_load((EXAMPLES / "credit-scoring" / "model_card.yaml").read_text(encoding="utf-8"))
    gaps = yaml.safe_load(card.read_text(encoding="utf-8"))
    gaps["explainability"] = complete["explainability"]
    gaps["monitoring"] = complete["monitoring"]
    gaps["model_details"]["code_commit"] = complete["model_details"]["code_commit"]
    gaps["deployment"]["rollback"] = complete["deployment"]["rollback"]
    for dataset in gaps["data_governance"]["datasets"]:
        dataset["sha256"] = hashlib.sha256(dataset["name"].encode()).hexdigest()  # a declared digest pins it
    card.write_text(yaml.safe_dump(gaps, sort_keys=False), encoding="utf-8")


def test_pre_commit_hook_default_is_quiet_and_brief(tmp_path: Path) -> None:
    import shutil

    assert "--quiet" in _hook_args()
    shutil.copy(EXAMPLES / "credit-scoring-gaps" / "model_card.yaml", tmp_path / "model_card.yaml")
    _without_release_gaps(tmp_path / "model_card.yaml")
    (tmp_path / "comply.yaml").write_text("timeline: amended\n", encoding="utf-8")  # two failures on it
    done = comply("check", *_hook_args(), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    failures = [line for line in lines if line.lstrip().startswith("FAIL")]
    assert 1 <= len(failures) <= 5
    assert len(lines) + PRE_COMMIT_FRAME <= 15, done.stdout
    assert "org.approval" in done.stdout and "fix:" in done.stdout
    assert not [line for line in lines if line.lstrip().startswith(("PASS", "WARN"))]
    assert lines[-1].startswith("2 failed"), lines


def test_full_text_puts_failures_first_and_the_summary_once() -> None:
    done = comply("check", GAPS, *PINNED)
    lines = done.stdout.splitlines()
    statuses = [
        line.split()[0]
        for line in lines
        if line.startswith("    ") and line.split()[0] in {"FAIL", "WARN", "PASS", "WAIVED"}
    ]
    first_group = statuses[: statuses.index("WARN")] if "WARN" in statuses else statuses
    assert first_group and set(first_group) == {"FAIL"}
    summary = lines[-1]
    assert sum(line.strip() == summary for line in lines) == 1
    for index, line in enumerate(lines):
        if line.startswith("    PASS"):
            assert not lines[index + 1].strip().startswith("fix:")


def test_fail_on_level() -> None:
    warned = "examples/loan-desk-deployer/model_card.yaml"  # no failure, one warning
    assert comply("check", warned, *PINNED, "--fail-on", "fail").returncode == 0
    assert comply("check", warned, *PINNED, "--fail-on", "warn").returncode == 1
    assert comply("check", warned, *PINNED, "--fail-on-warn").returncode == 1


def test_rule_selection_is_said_and_typos_get_a_suggestion() -> None:
    done = comply("check", GAPS, *PINNED, "--rule", "org.approval", "--format", "json")
    document = json.loads(done.stdout)
    assert document["rule_selection"] == {"rules": ["org.approval"], "skipped": []}
    assert {r["id"] for r in document["cards"][0]["results"]} >= {"org.approval"}
    assert report_errors(document) == []
    text = comply("check", GAPS, *PINNED, "--skip-rule", "org.classification.declared_tier").stdout
    assert "rule selection: skipped org.classification.declared_tier" in text
    assert "org.classification.declared_tier" not in text.split("skipped org.classification.declared_tier", 1)[1]
    assert_one_line_error(
        comply("check", GAPS, "--rule", "org.aproval"), "unknown --rule id", "did you mean org.approval"
    )
    assert_one_line_error(comply("check", GAPS, "--skip-rule", "art5.1.f"), "can never be waived")


def test_card_from_stdin_and_nothing_on_stdin() -> None:
    piped = comply("check", "-", *PINNED, "--format", "json", stdin=(ROOT / GAPS).read_text(encoding="utf-8"))
    from_file = comply("check", GAPS, *PINNED, "--format", "json")
    assert piped.returncode == from_file.returncode == 1
    assert json.loads(piped.stdout)["cards"][0]["card"] == "-"
    assert json.loads(piped.stdout)["summary"] == json.loads(from_file.stdout)["summary"]
    assert_one_line_error(comply("check", "-", stdin=""), "no model card on stdin")


def test_no_color_beats_force_color() -> None:
    coloured = comply("check", GOOD, *PINNED, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.stdout
    plain = comply("check", GOOD, *PINNED, "--no-color", env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" not in plain.stdout
    assert plain.stdout == comply("check", GOOD, *PINNED).stdout


def test_forged_workflow_commands_in_a_card_stay_text(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text(
        'model_details:\n  name: "x\\n::error file=README.md,line=1::forged"\n'
        '  version: "\\e[31m1\\r::stop-commands::pause"\n',
        encoding="utf-8",
    )
    for fmt in ("text", "github", "markdown"):
        out = comply("check", str(card), *PINNED, "--format", fmt).stdout
        ours = [line for line in out.splitlines() if line.startswith("::")]
        assert all(re.match(r"^::(error|warning|notice) ", line) for line in ours), fmt
        decoded = out.replace("%0A", "\n").replace("%0D", "\r").splitlines()
        assert not [line for line in decoded if line.lstrip().startswith(("::error file=README", "::stop"))], fmt
        assert "\x1b" not in out, fmt
    junit = comply("check", str(card), *PINNED, "--format", "junit").stdout
    ET.fromstring(junit)


def test_plain_and_rich_renderers_give_the_same_text_for_every_example() -> None:
    """Without colour the plain renderer (pipes, CI, pre-commit) writes what rich wrote before, for every
    example, full and quiet, one card at a time and all together."""
    from checker.check import CheckRequest, run_check
    from checker.report.text import quiet_blocks, render_plain, render_rich, report_blocks

    cards = sorted(EXAMPLES.glob("*/model_card.yaml"))
    assert len(cards) >= 8
    for paths in [[card] for card in cards] + [cards]:
        report = run_check(CheckRequest(paths=paths, reference_date="2026-11-25", timeline="original"))
        for blocks in (report_blocks(report), quiet_blocks(report)):
            assert render_plain(blocks) == render_rich(blocks, colour=False)


def test_text_to_a_pipe_does_not_import_rich(tmp_path: Path) -> None:
    """A card without fairness tables is reported to a pipe without importing rich at all."""
    card = "examples/spam-filter/model_card.yaml"
    probe = (
        f"import sys; from checker.cli import main; code = main(['check', {card!r}, '--reference-date', '2026-11-25']);"
        " sys.stderr.write('RICH' if any(m.startswith('rich') for m in sys.modules) else 'PLAIN')"
    )
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert done.stderr.endswith("PLAIN"), done.stderr


def test_json_is_byte_identical_whatever_the_text_options(tmp_path: Path) -> None:
    """Only the text renderer changed path; the JSON of a run is the same however it is asked for."""
    reference = comply("check", "examples", *PINNED, "--format", "json").stdout
    out = tmp_path / "report.json"
    comply(
        "check",
        "examples",
        *PINNED,
        "--quiet",
        "--no-color",
        "--format",
        "text",
        "--format",
        f"json:{out}",
        env={"FORCE_COLOR": "1", "NO_COLOR": ""},
    )
    assert out.read_text(encoding="utf-8") == reference
    assert comply("check", "examples", *PINNED, "-o", "-", "--format", "json").stdout == reference
