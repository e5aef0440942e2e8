"""Each output format rendered from one hand-built report: schema validity, escaping, every status shown."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from checker.report import FORMATS, renderer
from checker.report.model import Finding, Location, Report
from tests.gate.sample_report import CARD, TRICKY, sample_report
from tests.gate.validators import junit_errors, sarif_errors


def test_every_format_is_registered() -> None:
    assert {"text", "json", "sarif", "junit", "markdown", "github"} <= set(FORMATS)


def test_sarif_is_valid_and_locates_every_non_passing_finding() -> None:
    document = json.loads(renderer("sarif")(sample_report()))
    assert sarif_errors(document) == []
    run = document["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert list(rules) == sorted(rules)
    retention = rules["art19.log_retention_6m"]
    assert retention["helpUri"] == "https://artificialintelligenceact.eu/article/19/"
    assert "184 or more" in retention["help"]["text"] and "184 or more" in retention["help"]["markdown"]
    assert retention["defaultConfiguration"]["level"] == "error"
    assert "eu-ai-act" in retention["properties"]["tags"]
    assert "helpUri" not in rules["org.approval"]
    results = run["results"]
    # 2 findings of the failure + the low-severity failure + the warning + the waived one; passes omitted.
    assert len(results) == 5
    assert {r["ruleId"] for r in results} == set(rules) - {"org.approval"}
    for result in results:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == CARD
        assert location["region"]["startLine"] >= 1
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels == {
        "art19.log_retention_6m": "error",
        "art50.1.ai_interaction_disclosure": "warning",
        "art14.human_oversight": "error",
        "art11.technical_documentation": "note",
    }
    fingerprints = [r["partialFingerprints"]["complyFinding/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)
    waived = next(r for r in results if r["ruleId"] == "art14.human_oversight")
    assert waived["suppressions"][0]["status"] == "accepted"
    assert "CRO, Jane Doe" in waived["suppressions"][0]["justification"]
    unlocated = next(r for r in results if r["ruleId"] == "art11.technical_documentation")
    assert unlocated["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_sarif_fingerprints_ignore_line_numbers() -> None:
    from dataclasses import replace

    from checker.report.model import Location

    report = sample_report()
    card = report.cards[0]
    moved = tuple(
        replace(r, findings=tuple(replace(f, location=Location(CARD, 99)) for f in r.findings)) for r in card.results
    )
    shifted = replace(report, cards=(replace(card, results=moved), *report.cards[1:]))

    def prints(rep: object) -> list[str]:
        return [
            r["partialFingerprints"]["complyFinding/v1"]
            for r in json.loads(renderer("sarif")(rep))["runs"][0]["results"]
        ]  # type: ignore[arg-type]

    assert prints(report) == prints(shifted)


def test_junit_is_valid_with_one_testcase_per_rule_per_card() -> None:
    text = renderer("junit")(sample_report())
    assert junit_errors(text) == []
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "2", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [CARD, "examples/other/model_card.yaml"]
    cases = {c.get("name", "").split(":")[0]: c for c in suites[0].findall("testcase")}
    assert len(cases) == 5
    assert cases["art19.log_retention_6m"].find("failure") is not None
    assert cases["art19.log_retention_6m"].get("line") == "12"
    assert "184 or more" in (cases["art19.log_retention_6m"].find("failure").text or "")  # type: ignore[union-attr]
    skipped = cases["art14.human_oversight"].find("skipped")
    assert skipped is not None and "CRO, Jane Doe" in skipped.get("message", "")
    warn_out = cases["art50.1.ai_interaction_disclosure"].find("system-out")
    assert warn_out is not None and (warn_out.text or "").startswith("WARN")
    assert list(cases["org.approval"]) == []


def test_junit_schema_rejects_what_ci_could_not_read() -> None:
    broken = '<testsuites tests="1" failures="0" errors="0"><testsuite name="x" tests="one" failures="0" errors="0"/></testsuites>'
    assert junit_errors(broken)
    no_name = '<testsuites tests="1" failures="0" errors="0"><testsuite tests="1" failures="0" errors="0"><testcase classname="c" time="0"/></testsuite></testsuites>'
    assert junit_errors(no_name)


def _cells(row: str) -> list[str]:
    """Split a Markdown table row on unescaped pipes."""
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_markdown_tables_survive_pipes_newlines_and_html() -> None:
    text = renderer("markdown")(sample_report())
    assert text.startswith("## comply")
    assert "❌ 2 failed, 1 warning, 1 waived, 2 passed" in text
    tables = [line for line in text.splitlines() if line.startswith("|")]
    widths = {len(_cells(line)) for line in tables}
    assert widths <= {8, 7}, widths
    assert "retention 90% &lt; 184 days \\| see: a,b<br>second line" in text
    assert "[Art. 19(1)](https://artificialintelligenceact.eu/article/19/)" in text
    assert "### Waived" in text and "pilot \\| limited rollout" in text and "2027-01-31" in text
    assert "`examples/other/model_card.yaml`" in text


def test_github_commands_are_escaped_and_cover_every_status() -> None:
    lines = renderer("github")(sample_report()).splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 5
    kinds = [line.split(" ", 1)[0] for line in commands]
    assert kinds.count("::error") == 3 and kinds.count("::warning") == 1 and kinds.count("::notice") == 1
    first = next(line for line in commands if "90%25" in line)
    head, message = first.split("::", 2)[1:]
    assert head.startswith("error file=examples/demo/model_card.yaml,line=12,title=")
    assert "%3A" not in head.split("title=")[0]  # no colon in the file path
    title = head.split("title=")[1]
    assert ":" not in title and "," not in title
    assert message.startswith("retention 90%25 < 184 days | see: a,b\\nsecond line%0A")
    decoded = message.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
    assert decoded.startswith(TRICKY.replace("\n", "\\n"))  # a line break in a finding is shown, never acted on
    waived = next(line for line in commands if line.startswith("::notice"))
    assert "WAIVED" in waived and "CRO, Jane Doe" in waived
    assert lines[-1] == "comply: 2 failed, 1 warning, 1 waived, 2 passed"


def test_every_format_is_deterministic() -> None:
    for name in FORMATS:
        assert renderer(name)(sample_report()) == renderer(name)(sample_report()), name


FORGED = "x\n::error file=README.md,line=1::forged"
HOSTILE = (
    FORGED,
    "\r::add-mask::secret",
    "::stop-commands::pause",
    "  ##[error]old style",
    "\x1b[31mred\x1b[0m \x1b]8;;http://evil\x07link\x1b]8;;\x07",
    "[bold red]markup[/] :warning:",
    "![pixel](https://evil.example/p.png) [click](https://evil.example) <img src=x> https://evil.example www.evil.example",
    "bell\x07 nul\x00 del\x7f nel\x85 sep\u2028 rtl\u202e",
)


def hostile_report() -> Report:
    """Every card-controlled field of the sample report replaced by hostile text."""
    from dataclasses import replace

    report = sample_report()
    text = " | ".join(HOSTILE)
    cards = []
    for card in report.cards:
        results = tuple(
            replace(
                result,
                findings=tuple(replace(f, message=text, field=text) for f in result.findings),
                waiver=replace(result.waiver, justification=text, approved_by=FORGED) if result.waiver else None,
            )
            for result in card.results
        )
        cards.append(
            replace(card, card=f"dir/{FORGED}/model_card.yaml", model_name=FORGED, model_version=text, results=results)
        )
    return replace(report, cards=tuple(cards))


def _workflow_commands(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith(("::", "##["))]


@pytest.mark.parametrize("quiet", [False, True])
@pytest.mark.parametrize("colour", [False, True])
def test_text_never_carries_a_workflow_command_an_escape_or_markup(quiet: bool, colour: bool) -> None:
    from checker.report.text import render

    out = render(hostile_report(), colour=colour, quiet=quiet)
    assert _workflow_commands(out) == []
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # what rich adds for colour; nothing else may remain
    assert "\x1b" not in plain and "\x07" not in plain and "\x00" not in plain and "\u202e" not in plain
    assert "[bold red]markup[/] :warning:" in plain  # printed as written, never interpreted
    assert "x\\n\\::error file=README.md" in plain or "x\\n::error file=README.md" in plain


def test_github_output_has_only_its_own_commands() -> None:
    out = renderer("github")(hostile_report())
    commands = _workflow_commands(out)
    assert len(commands) == len(out.splitlines()) - 1  # every line but the summary is one of ours
    assert all(re.match(r"^::(error|warning|notice) [^\n]*::", line) for line in commands)
    assert "\x1b" not in out and "\x07" not in out


def test_junit_stays_well_formed_with_any_control_character() -> None:
    from dataclasses import replace

    report = hostile_report()
    every_control = "".join(chr(code) for code in range(32)) + "\x7f\ud800\ufffe"
    card = report.cards[0]
    results = tuple(
        replace(r, findings=tuple(replace(f, message=every_control) for f in r.findings)) for r in card.results
    )
    report = replace(report, cards=(replace(card, model_name=every_control, results=results), *report.cards[1:]))
    out = renderer("junit")(report)
    ET.fromstring(out)  # raises on anything XML 1.0 cannot hold
    assert junit_errors(out) == []


def test_markdown_from_card_fields_renders_no_link_image_or_html() -> None:
    out = renderer("markdown")(hostile_report())
    assert "![pixel](" not in out and "[click](" not in out and "<img" not in out
    assert "https://evil" not in out and "www.evil" not in out
    assert "\x1b" not in out and _workflow_commands(out) == []
    links = re.findall(r"(?<!\\)\[[^\]]*\]\(([^)]*)\)", out)
    assert links and all(link.startswith("https://artificialintelligenceact.eu/") for link in links)


def test_sarif_and_json_keep_card_text_exact() -> None:
    """Machine formats carry the text as data (JSON escapes it); nothing is lost there."""
    document = json.loads(renderer("json")(hostile_report()))
    assert document["cards"][0]["model"]["name"] == FORGED


def test_one_sanitising_module_serves_every_format() -> None:
    import inspect

    from checker.report import github, junit, markdown, text

    for module in (github, junit, markdown, text):
        assert "checker.report.sanitize" in inspect.getsource(module), module.__name__


def test_github_groups_annotations_so_every_failure_is_visible() -> None:
    from dataclasses import replace

    report = sample_report()
    card = report.cards[0]
    many = tuple(
        replace(
            card.results[0],
            id=f"org.rule_{index:02d}",
            findings=(Finding(f"gap {index}", None, Location(CARD, index + 1)),),
        )
        for index in range(25)
    )
    out = renderer("github")(replace(report, cards=(replace(card, results=many + card.results),)))
    errors = [line for line in out.splitlines() if line.startswith("::error")]
    assert 1 <= len(errors) <= 10
    assert all(f"org.rule_{index:02d}" in "".join(errors) for index in range(25))
    kinds = [
        line.split(" ", 1)[0] for line in out.splitlines() if line.startswith("::") and "title=comply::" not in line
    ]
    assert kinds == sorted(kinds, key=["::error", "::warning", "::notice"].index)  # failures first


def test_no_fix_for_a_pending_duty_whose_evidence_would_pass() -> None:
    from dataclasses import replace

    from checker.report.text import render

    report = sample_report()
    card = report.cards[0]
    pending = replace(
        card.results[0],
        status="warn",
        findings=(
            Finding("not yet applicable until 2027-12-02; would pass", None, Location(CARD, 1), pending="would_pass"),
        ),
    )
    out = render(replace(report, cards=(replace(card, results=(pending,)),)), colour=False)
    assert "would pass" in out and "fix:" not in out


def test_failures_come_first_in_sarif_and_junit() -> None:
    sarif = json.loads(renderer("sarif")(sample_report()))
    statuses = [r["properties"]["status"] for r in sarif["runs"][0]["results"]]
    order = ["fail", "warn", "waived", "pass"]
    assert statuses == sorted(statuses, key=order.index)
    cases = ET.fromstring(renderer("junit")(sample_report())).iter("testcase")
    kinds = ["fail" if case.find("failure") is not None else "other" for case in cases]
    assert kinds == sorted(kinds, key=["fail", "other"].index)
