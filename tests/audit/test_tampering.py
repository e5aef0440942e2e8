"""A log edited by hand, truncated, with a line deleted or two lines swapped is rejected, naming the line."""

from __future__ import annotations

import json
from pathlib import Path

from checker.audit import GENESIS_HASH, entry_hash
from checker.evidence.audit_log import verify_audit_log


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def problem_lines(summary: dict, kind: str) -> list[int]:
    return [problem["line"] for problem in summary[kind]]


def test_edited_value_fails_its_hash(audit_path: Path) -> None:
    lines = lines_of(audit_path)
    lines[3] = lines[3].replace(b'"decision":"approve"', b'"decision":"reject"')
    audit_path.write_bytes(b"".join(lines))
    summary = verify_audit_log(audit_path)
    assert summary["intact"] is False
    assert problem_lines(summary, "hash_failures") == [4]
    assert summary["chain_breaks_total"] == 0


def test_edit_with_recomputed_hash_breaks_the_chain_at_the_next_line(audit_path: Path) -> None:
    lines = lines_of(audit_path)
    entry = json.loads(lines[2])
    entry["data"]["decision"] = "reject"
    entry["content_hash"] = entry_hash(entry)
    lines[2] = json.dumps(entry).encode() + b"\n"  # also a different key order and spacing
    audit_path.write_bytes(b"".join(lines))
    summary = verify_audit_log(audit_path)
    assert summary["hash_failures_total"] == 0  # the forged line itself verifies (canonical form)
    assert problem_lines(summary, "chain_breaks") == [4]
    assert "line 3's content_hash" in summary["chain_breaks"][0]["reason"]


def test_deleted_line_breaks_the_chain_where_it_was(audit_path: Path) -> None:
    lines = lines_of(audit_path)
    del lines[3]
    audit_path.write_bytes(b"".join(lines))
    summary = verify_audit_log(audit_path)
    assert summary["intact"] is False
    assert problem_lines(summary, "chain_breaks") == [4]
    assert "seq 5, expected 4" in summary["chain_breaks"][0]["reason"]


def test_deleted_first_line_is_caught_at_line_one(audit_path: Path) -> None:
    audit_path.write_bytes(b"".join(lines_of(audit_path)[1:]))
    summary = verify_audit_log(audit_path)
    assert problem_lines(summary, "chain_breaks") == [1]
    assert summary["starts_at_genesis"] is False


def test_continuation_of_a_pruned_log_verifies_against_the_given_hash(audit_path: Path) -> None:
    lines = lines_of(audit_path)
    cut = json.loads(lines[1])["prev_hash"]
    audit_path.write_bytes(b"".join(lines[1:]))
    assert verify_audit_log(audit_path, expect_first_prev=cut)["intact"] is True
    assert verify_audit_log(audit_path, expect_first_prev=GENESIS_HASH)["intact"] is False


def test_swapped_lines_are_named(audit_path: Path) -> None:
    lines = lines_of(audit_path)
    lines[2], lines[3] = lines[3], lines[2]
    audit_path.write_bytes(b"".join(lines))
    summary = verify_audit_log(audit_path)
    assert summary["intact"] is False
    assert problem_lines(summary, "chain_breaks") == [3, 4, 5]
    assert problem_lines(summary, "out_of_order") == [4]


def test_truncated_mid_line_is_unparseable_last_line(audit_path: Path) -> None:
    raw = audit_path.read_bytes()
    audit_path.write_bytes(raw[:-40])
    summary = verify_audit_log(audit_path)
    assert summary["intact"] is False
    assert summary["final_newline"] is False
    assert problem_lines(summary, "unparseable") == [7]
    assert "truncated last line" in summary["unparseable"][0]["reason"]


def test_lines_cut_off_the_end_are_caught_with_the_recorded_head(audit_path: Path) -> None:
    head = verify_audit_log(audit_path)["head_hash"]
    audit_path.write_bytes(b"".join(lines_of(audit_path)[:-2]))
    assert verify_audit_log(audit_path)["intact"] is True  # invisible from the file alone...
    summary = verify_audit_log(audit_path, expect_head=head)
    assert summary["intact"] is False  # ...but not against the recorded head
    assert "expected head" in summary["chain_breaks"][0]["reason"]


def test_problem_lists_are_capped_but_counted(tmp_path: Path) -> None:
    from checker.evidence import audit_log
    from tests.audit.conftest import write_log

    path = write_log(tmp_path / "big.jsonl", predictions=audit_log.MAX_LISTED + 30)
    lines = [line.replace(b'"decision":"approve"', b'"decision":"nope"') for line in lines_of(path)]
    path.write_bytes(b"".join(lines))
    summary = verify_audit_log(path)
    assert summary["hash_failures_total"] == audit_log.MAX_LISTED + 30
    assert len(summary["hash_failures"]) == audit_log.MAX_LISTED
