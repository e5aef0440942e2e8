"""Waivers from comply.yaml: a waived failure is WAIVED in every format and counted apart; an expired,
incomplete, unknown or Art. 5 waiver waives nothing and fails org.waiver.valid at its line."""

from __future__ import annotations

import datetime as _dt
import json
import textwrap
from pathlib import Path

import pytest

from checker.engine.bundle import RuleMetadata
from checker.waivers import WAIVER_RULE, judge_waiver
from tests.conftest import EXAMPLES, assert_one_line_error, comply
from tests.gate.validators import junit_errors, report_errors, sarif_errors

PINNED = ("--reference-date", "2026-11-25", "--timeline", "amended")
TODAY = _dt.date.today().isoformat()


def _days(n: int) -> str:
    return (_dt.date.today() + _dt.timedelta(days=n)).isoformat()


GOOD_EXPIRY = _days(29)
"""Waivers are judged against the real today: every expiry in these tests is relative to it."""
GOOD_WAIVER = f"""\
  - rule: org.approval
    card: models/gaps/model_card.yaml
    justification: Approval board meets on 2026-12-01 | ticket MRM-1
    approved_by: Dr. Jana Novak
    expires: {GOOD_EXPIRY}
"""


SELF_APPROVED = "  approved_by: credit-risk-ml@example.eu\n"
"""The gaps example's owner approves their own model: that org.approval finding is never waivable."""


def project(
    tmp_path: Path, waivers: str, cards: tuple[str, ...] = ("credit-scoring-gaps",), *, self_approved: bool = False
) -> Path:
    """A repository with the example cards; the gaps card's approval lacks a ticket (a waivable gap)
    instead of being approved by its owner, unless `self_approved`."""
    for name in cards:
        target = tmp_path / "models" / name.replace("credit-scoring-", "")
        target.mkdir(parents=True, exist_ok=True)
        text = (EXAMPLES / name / "model_card.yaml").read_text(encoding="utf-8")
        if not self_approved and SELF_APPROVED in text:
            text = text.replace(SELF_APPROVED, "  approved_by: Head of Model Risk\n").replace(
                "  ticket: MRM-2026-0412\n", ""
            )
        (target / "model_card.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "comply.yaml").write_text(
        f"waivers:\n{waivers}" if waivers else "fail_on_warn: false\n", encoding="utf-8"
    )
    return tmp_path


def results(stdout: str) -> dict[str, dict[str, object]]:
    document = json.loads(stdout)
    assert report_errors(document) == []
    return {result["id"]: result for result in document["cards"][0]["results"]}


def baseline_failures(tmp_path: Path) -> set[str]:
    done = comply("check", "models", *PINNED, "-f", "json", cwd=project(tmp_path / "base", ""))
    return {rule for rule, result in results(done.stdout).items() if result["status"] == "fail"}


def test_a_valid_waiver_reports_waived_in_every_format(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD_WAIVER)
    done = comply("check", "models", *PINNED, "-f", "json", cwd=root)
    by_id = results(done.stdout)
    assert by_id["org.approval"]["status"] == "waived"
    assert by_id["org.approval"]["waiver"] == {
        "justification": "Approval board meets on 2026-12-01 | ticket MRM-1",
        "approved_by": "Dr. Jana Novak",
        "expires": GOOD_EXPIRY,
    }
    assert by_id["org.approval"]["findings"], "a waived failure keeps its findings"
    assert by_id["org.waiver.valid"]["status"] == "pass"
    summary = json.loads(done.stdout)["summary"]
    assert summary["waived"] == 1

    text = comply("check", "models", *PINNED, cwd=root).stdout
    assert "WAIVED" in text and f"waived by Dr. Jana Novak until {GOOD_EXPIRY}" in text and "1 waived" in text
    markdown = comply("check", "models", *PINNED, "-f", "markdown", cwd=root).stdout
    assert "### Waived" in markdown and "Dr. Jana Novak" in markdown and "ticket MRM-1" in markdown
    junit = comply("check", "models", *PINNED, "-f", "junit", cwd=root).stdout
    assert junit_errors(junit) == [] and "<skipped" in junit and "Dr. Jana Novak" in junit
    sarif = json.loads(comply("check", "models", *PINNED, "-f", "sarif", cwd=root).stdout)
    assert sarif_errors(sarif) == []
    suppressed = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "org.approval"]
    assert suppressed and all(r["suppressions"][0]["status"] == "accepted" for r in suppressed)
    github = comply("check", "models", *PINNED, "-f", "github", cwd=root).stdout
    assert any(line.startswith("::notice ") and "org.approval" in line for line in github.splitlines())


def test_waiving_every_failure_lets_the_gate_pass(tmp_path: Path) -> None:
    failing = sorted(baseline_failures(tmp_path))
    assert failing
    waivers = "".join(
        f"  - rule: {rule}\n    justification: accepted for the pilot\n    approved_by: CRO\n    expires: {_days(60)}\n"
        for rule in failing
    )
    done = comply("check", "models", *PINNED, cwd=project(tmp_path / "all", waivers))
    assert done.returncode == 0, done.stdout
    assert f"{len(failing)} waived" in done.stdout


@pytest.mark.parametrize(
    ("waiver", "message"),
    [
        (GOOD_WAIVER.replace(GOOD_EXPIRY, "2026-11-24"), f"expired on 2026-11-24 (judged on {TODAY})"),
        (GOOD_WAIVER.replace("    approved_by: Dr. Jana Novak\n", ""), "approved_by is missing or empty"),
        (
            GOOD_WAIVER.replace(
                "    justification: Approval board meets on 2026-12-01 | ticket MRM-1\n", "    justification: ''\n"
            ),
            "justification is missing or empty",
        ),
        (GOOD_WAIVER.replace(GOOD_EXPIRY, "31/12/2026"), "is not a date like 2026-12-31"),
        (GOOD_WAIVER.replace("rule: org.approval", "rule: org.aproval"), "no rule 'org.aproval' in the policy bundle"),
    ],
)
def test_a_bad_waiver_waives_nothing_and_fails_at_its_line(tmp_path: Path, waiver: str, message: str) -> None:
    root = project(tmp_path, waiver)
    done = comply("check", "models", *PINNED, "-f", "json", cwd=root)
    assert done.returncode == 1, done.stderr
    by_id = results(done.stdout)
    assert by_id["org.approval"]["status"] == "fail"
    validity = by_id["org.waiver.valid"]
    assert validity["status"] == "fail"
    assert any(message in finding["message"] for finding in validity["findings"]), validity  # type: ignore[union-attr]
    assert validity["file"] == "comply.yaml" and isinstance(validity["line"], int) and validity["line"] >= 2


def test_a_waiver_for_another_card_does_not_apply(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD_WAIVER.replace("models/gaps/", "models/other/"))
    by_id = results(comply("check", "models", *PINNED, "-f", "json", cwd=root).stdout)
    assert by_id["org.approval"]["status"] == "fail"
    assert "org.waiver.valid" not in by_id


def test_a_card_glob_matches(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD_WAIVER.replace("models/gaps/model_card.yaml", "models/*/model_card.yaml"))
    by_id = results(comply("check", "models", *PINNED, "-f", "json", cwd=root).stdout)
    assert by_id["org.approval"]["status"] == "waived"


def test_prohibited_practices_can_never_be_waived(tmp_path: Path) -> None:
    waivers = textwrap.indent(
        f"- rule: art5.1.f\n  justification: we promise to be careful\n  approved_by: CEO\n  expires: {_days(60)}\n",
        "  ",
    )
    root = project(tmp_path, waivers, cards=("workplace-emotion-monitor",))
    done = comply("check", "models", *PINNED, "-f", "json", cwd=root)
    assert done.returncode == 1
    by_id = results(done.stdout)
    assert by_id["art5.1.f"]["status"] == "fail"
    messages = [f["message"] for f in by_id["org.waiver.valid"]["findings"]]  # type: ignore[union-attr]
    assert any("prohibited practices (Art. 5) can never be waived" in m for m in messages), messages


def test_waiver_shape_errors_are_input_errors(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD_WAIVER + "    approver: someone\n")
    done = comply("check", "models", *PINNED, cwd=root)
    assert done.returncode == 2 and "approver" in done.stderr


def _meta(rule_id: str, article: str, **custom: object) -> RuleMetadata:
    return RuleMetadata(rule_id, "t", "", article, "high", "fix", "f.rego", 1, "deny", "p", {"id": rule_id, **custom})


@pytest.mark.parametrize(
    ("meta", "waivable"),
    [
        (_meta("art5.1.f", "Art. 5(1)(f)"), False),
        (_meta("art50.1.ai_interaction_disclosure", "Art. 50(1)"), True),
        (_meta("org.x", "Article 5"), False),
        (_meta("org.y", "Organisation policy", waivable=False), False),
        (_meta("art19.log_retention_6m", "Art. 19(1)"), True),
        (WAIVER_RULE, False),
    ],
)
def test_which_rules_are_waivable(meta: RuleMetadata, waivable: bool) -> None:
    assert meta.waivable is waivable


def test_judging_a_waiver_is_date_exact() -> None:
    rules = {"art19.log_retention_6m": _meta("art19.log_retention_6m", "Art. 19(1)")}
    raw = {"rule": "art19.log_retention_6m", "justification": "j", "approved_by": "a", "expires": "2026-11-25"}
    assert judge_waiver(0, raw, "2026-11-25", rules, "comply.yaml", lambda _p: 3).valid
    assert not judge_waiver(0, raw, "2026-11-26", rules, "comply.yaml", lambda _p: 3).valid
    assert not judge_waiver(0, {**raw, "expires": "20261125"}, "2026-11-01", rules, "comply.yaml", lambda _p: 3).valid


def test_self_approval_cannot_be_waived(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD_WAIVER, self_approved=True)
    done = comply("check", "models", *PINNED, "-f", "json", cwd=root)
    assert done.returncode == 1
    by_id = results(done.stdout)
    assert by_id["org.approval"]["status"] == "fail"
    messages = [f["message"] for f in by_id["org.waiver.valid"]["findings"]]  # type: ignore[union-attr]
    assert any("the model's owner approved their own model (never waivable)" in m for m in messages), messages


@pytest.mark.parametrize(
    ("extra", "thresholds", "message"),
    [
        ("", "", "longer than the 365-day maximum"),
        (f"    approved_on: {_days(-10)}\n", "", "longer than the 365-day maximum"),
        (f"    approved_on: {_days(3)}\n", "", "is after the day it is judged"),
    ],
)
def test_a_waiver_lives_at_most_a_year(tmp_path: Path, extra: str, thresholds: str, message: str) -> None:
    waiver = GOOD_WAIVER.replace(GOOD_EXPIRY, _days(400)) + extra
    root = project(tmp_path, waiver)
    (root / "comply.yaml").write_text(thresholds + f"waivers:\n{waiver}", encoding="utf-8")
    by_id = results(comply("check", "models", *PINNED, "-f", "json", cwd=root).stdout)
    assert by_id["org.approval"]["status"] == "fail"
    messages = [f["message"] for f in by_id["org.waiver.valid"]["findings"]]  # type: ignore[union-attr]
    assert any(message in m for m in messages), messages


def test_the_waiver_lifetime_is_an_organisation_threshold(tmp_path: Path) -> None:
    waiver = GOOD_WAIVER.replace(GOOD_EXPIRY, _days(60))
    root = project(tmp_path, waiver)
    assert results(comply("check", "models", *PINNED, "-f", "json", cwd=root).stdout)["org.approval"]["status"] == (
        "waived"
    )
    (root / "comply.yaml").write_text(f"thresholds:\n  waiver_max_lifetime_days: 30\nwaivers:\n{waiver}")
    stricter = results(comply("check", "models", *PINNED, "-f", "json", cwd=root).stdout)
    assert stricter["org.approval"]["status"] == "fail" and stricter["org.waiver.valid"]["status"] == "fail"
    longer = GOOD_WAIVER.replace(GOOD_EXPIRY, _days(600))
    (root / "comply.yaml").write_text(
        "deviations:\n  - threshold: waiver_max_lifetime_days\n    value: 730\n    owner: CRO\n"
        f"    reason: two-year supplier contract\nwaivers:\n{longer}"
    )
    done = comply("check", "models", *PINNED, "-f", "json", cwd=root)
    assert results(done.stdout)["org.approval"]["status"] == "waived"
    assert json.loads(done.stdout)["deviations"][0]["threshold"] == "waiver_max_lifetime_days"


# --- the clock --------------------------------------------------------------------------------------


def test_comply_yaml_cannot_set_the_clock_back(tmp_path: Path) -> None:
    root = project(tmp_path, "")
    (root / "comply.yaml").write_text("timeline: amended\nreference_date: 2024-01-01\n", encoding="utf-8")
    done = comply("check", "models", cwd=root)
    assert_one_line_error(done, "comply.yaml:2: reference_date: 2024-01-01 is before today", "--reference-date")
    (root / "comply.yaml").write_text(f"reference_date: {_days(30)}\n", encoding="utf-8")
    ahead = comply("check", "models", "-f", "json", cwd=root)
    assert ahead.returncode in {0, 1} and json.loads(ahead.stdout)["reference_date"] == _days(30)


def test_a_replay_is_announced_in_every_format(tmp_path: Path) -> None:
    root = project(tmp_path, "")
    replay = ("--reference-date", "2026-01-15")
    note = f"replay: judged as of 2026-01-15 (today is {TODAY})"
    document = json.loads(comply("check", "models", *replay, "-f", "json", cwd=root).stdout)
    assert report_errors(document) == []
    assert document["replay"] == {"reference_date": "2026-01-15", "today": TODAY}
    assert note in "\n".join(comply("check", "models", *replay, cwd=root).stdout.splitlines()[:3])
    assert note in "\n".join(comply("check", "models", *replay, "-f", "markdown", cwd=root).stdout.splitlines()[:6])
    sarif = json.loads(comply("check", "models", *replay, "-f", "sarif", cwd=root).stdout)
    assert sarif_errors(sarif) == [] and sarif["runs"][0]["properties"]["replayOf"] == TODAY
    junit = comply("check", "models", *replay, "-f", "junit", cwd=root).stdout
    assert junit_errors(junit) == [] and f'name="replay_of" value="{TODAY}"' in junit
    github = comply("check", "models", *replay, "-f", "github", cwd=root).stdout
    assert github.splitlines()[0].startswith("::notice title=comply::replay: judged as of 2026-01-15")
    today = json.loads(comply("check", "models", "-f", "json", cwd=root).stdout)
    assert "replay" not in today and "today" not in today["cards"][0]["input"]["context"]


def test_a_replay_never_revives_a_waiver_that_has_expired(tmp_path: Path) -> None:
    expired_yesterday = GOOD_WAIVER.replace(GOOD_EXPIRY, _days(-1))
    root = project(tmp_path, expired_yesterday)
    done = comply("check", "models", "--reference-date", _days(-20), "-f", "json", cwd=root)
    by_id = results(done.stdout)
    assert done.returncode == 1 and by_id["org.approval"]["status"] == "fail"
    messages = [f["message"] for f in by_id["org.waiver.valid"]["findings"]]  # type: ignore[union-attr]
    assert any(f"expired on {_days(-1)} (judged on {TODAY})" in m for m in messages), messages


def test_a_replay_never_defers_a_prohibition(tmp_path: Path) -> None:
    root = project(tmp_path, "", cards=("workplace-emotion-monitor",))
    done = comply("check", "models", "--reference-date", "2024-01-01", "-f", "json", cwd=root)
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr
    assert results(done.stdout)["art5.1.f"]["status"] == "fail"
