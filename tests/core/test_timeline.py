"""Duties are judged, not deferred away: the published timeline by default, the amendment only when chosen,
and a readiness mode that judges every duty now while the clock stays where it is.

The card is issue 11's CV-screening card (tests/core/fixtures/cv-screening): a name, a use case and an
approval, nothing else a high-risk system owes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES, ROOT, comply

CV_CARD = (ROOT / "tests" / "core" / "fixtures" / "cv-screening" / "model_card.yaml").relative_to(ROOT).as_posix()
TODAY = ("--reference-date", "2026-12-01")
"""After the original Annex III date (2026-08-02), before the amended one (2027-12-02)."""


def report(*args: str) -> tuple[int, dict[str, Any]]:
    done = comply("check", *args, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def by_status(document: dict[str, Any], status: str) -> dict[str, list[str]]:
    return {
        result["id"]: [finding["message"] for finding in result["findings"]]
        for result in document["cards"][0]["results"]
        if result["status"] == status
    }


def test_the_cv_screening_card_fails_by_default_on_the_published_timeline() -> None:
    code, document = report(CV_CARD, *TODAY)
    assert code == 1
    assert document["timeline"] == "original" and "as_if_applicable" not in document
    failed = by_status(document, "fail")
    assert {"art9.risk_management", "art14.human_oversight", "art11.technical_documentation"} <= set(failed)
    text = comply("check", CV_CARD, *TODAY)
    assert text.returncode == 1 and "(original timeline)" in text.stdout


def test_it_passes_only_with_the_amendment_and_names_each_missing_duty_once() -> None:
    _, strict = report(CV_CARD, *TODAY)
    code, amended = report(CV_CARD, *TODAY, "--timeline", "amended")
    assert code == 0 and amended["timeline"] == "amended"
    warned = by_status(amended, "warn")
    lacking = set(by_status(strict, "fail"))
    assert lacking <= set(warned)
    for rule in lacking:
        messages = warned[rule]
        assert len(messages) == len(set(messages)), (rule, messages)
        assert all(
            m.startswith("not yet applicable until 2027-12-02 (amended timeline); would fail: ") for m in messages
        )
    text = comply("check", CV_CARD, *TODAY, "--timeline", "amended").stdout
    rows = Counter(line.split()[1] for line in text.splitlines() if line.strip().startswith("WARN "))
    assert all(rows[rule] == 1 for rule in lacking), rows
    assert "would pass" in text  # a pending duty the card already meets (the provider's name and address)


def test_config_chooses_the_amendment_and_the_command_line_wins(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text((ROOT / CV_CARD).read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "comply.yaml"
    config.write_text("timeline: amended\n", encoding="utf-8")
    code, document = report(str(card), "--config", str(config), *TODAY)
    assert code == 0 and document["timeline"] == "amended"
    code, document = report(str(card), "--config", str(config), *TODAY, "--timeline", "original")
    assert code == 1 and document["timeline"] == "original"


def test_readiness_mode_judges_every_duty_now_and_says_so() -> None:
    _, strict = report(CV_CARD, *TODAY)
    code, ready = report(CV_CARD, *TODAY, "--timeline", "amended", "--as-if-applicable")
    assert code == 1
    assert ready["as_if_applicable"] is True and ready["reference_date"] == "2026-12-01"
    assert set(by_status(ready, "fail")) == set(by_status(strict, "fail"))
    text = comply("check", CV_CARD, *TODAY, "--timeline", "amended", "--as-if-applicable").stdout
    assert "(amended timeline, every duty judged as if applicable)" in text


def test_readiness_mode_keeps_the_clock_for_ages_where_moving_the_date_does_not() -> None:
    example = EXAMPLES / "credit-scoring"
    common = ("--config", str(example / "comply.yaml"), "--timeline", "amended")
    card = str(example / "model_card.yaml")
    code, ready = report(card, *common, "--reference-date", "2026-11-25", "--as-if-applicable")
    assert code == 0 and ready["summary"]["warnings"] == 0 and ready["summary"]["failed"] == 0
    _, moved = report(card, *common, "--reference-date", "2027-12-02")
    assert "org.audit_log.covers_period" in by_status(moved, "warn")  # the log looks stale a year on
