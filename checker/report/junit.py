"""`--format junit`: JUnit XML (the Ant/Jenkins shape, `schemas/junit.xsd`) for CI test tabs.

One `<testsuite>` per model card and one `<testcase>` per rule checked on it, so a CI test view lists
every obligation as a test. FAIL is a `<failure>` (type = severity); WAIVED is `<skipped>` with the
waiver's justification, approver and expiry, so it stays visible and is counted apart; WARN passes (a
warning does not fail the gate) but carries its message in `<system-out>`. Times are zero: the report is
byte-identical for the same inputs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from checker.report.links import repository_path, repository_root
from checker.report.model import STATUSES, CardResult, Report, RuleResult
from checker.report.sanitize import xml_text


def render(report: Report) -> str:
    root_dir = repository_root()
    counts = report.counts()
    root = ET.Element(
        "testsuites",
        _counts(
            name="comply",
            tests=sum(len(card.results) for card in report.cards),
            failures=counts["fail"],
            skipped=counts["waived"],
        ),
    )
    for index, card in enumerate(report.cards):
        root.append(testsuite(report, card, index, root_dir))
    _make_xml_safe(root)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _make_xml_safe(element: ET.Element) -> None:
    """Every attribute and text through `xml_text`: a control character from a card in any field would
    otherwise make the file unreadable to every JUnit consumer."""
    for node in element.iter():
        for key, value in node.attrib.items():
            node.set(key, xml_text(value))
        if node.text is not None:
            node.text = xml_text(node.text)


def _counts(*, name: str, tests: int, failures: int, skipped: int) -> dict[str, str]:
    return {
        "name": name,
        "tests": str(tests),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(skipped),
        "time": "0",
    }


def testsuite(report: Report, card: CardResult, index: int, root: Path | None) -> ET.Element:
    counts = card.counts()
    suite = ET.Element(
        "testsuite",
        {
            "id": str(index),
            **_counts(name=card.card, tests=len(card.results), failures=counts["fail"], skipped=counts["waived"]),
        },
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("model", f"{card.model_name} {card.model_version}".strip()),
        ("tier", card.tier),
        ("reference_date", report.reference_date),
        ("timeline", report.timeline),
        ("policy_bundle", f"{report.bundle_revision} {report.bundle_digest}"),
        *((("replay_of", report.replay_of),) if report.replay_of is not None else ()),
        *((f"deviation.{deviation.threshold}", str(deviation)) for deviation in report.deviations),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    for result in sorted(card.results, key=lambda r: (STATUSES.index(r.status), r.id)):
        suite.append(testcase(card, result, root))
    return suite


def testcase(card: CardResult, result: RuleResult, root: Path | None) -> ET.Element:
    """One rule on one card; `file` (relative to the repository root) lets CI annotate the line."""
    first = result.findings[0] if result.findings else None
    attributes = {"name": f"{result.id}: {result.title}", "classname": card.card, "time": "0"}
    if first is not None and first.location is not None:
        attributes["file"] = repository_path(first.location.file, root)
        if first.location.line:
            attributes["line"] = str(first.location.line)
    case = ET.Element("testcase", attributes)
    if result.status == "fail":
        failure = ET.SubElement(case, "failure", {"message": result.message, "type": result.severity})
        failure.text = _details(result)
    elif result.status == "waived" and result.waiver is not None:
        waiver = result.waiver
        ET.SubElement(
            case,
            "skipped",
            {"message": f"WAIVED until {waiver.expires} (approved by {waiver.approved_by}): {waiver.justification}"},
        ).text = _details(result)
    elif result.status == "warn":
        ET.SubElement(case, "system-out").text = "WARN " + _details(result)
    return case


def _details(result: RuleResult) -> str:
    lines = [f"{result.id} ({result.article}, {result.severity})"]
    for finding in result.findings:
        where = f" [{finding.location}]" if finding.location else ""
        field = f" {finding.field}:" if finding.field else ""
        lines.append(f"-{field} {finding.message}{where}")
    lines.append(f"Fix: {result.remediation}")
    return "\n".join(lines)
