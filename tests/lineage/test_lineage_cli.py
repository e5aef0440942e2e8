"""Lineage and rollback end to end: `comply check` on a copy of the credit-scoring example, with real .dvc files,
data files comply hashes, and audit logs written by the real writer."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from checker.audit import AuditLog
from tests.audit.conftest import ticking_clock
from tests.conftest import EXAMPLES, assert_one_line_error, comply

LINEAGE_RULES = (
    "org.lineage.dataset_versions",
    "org.lineage.code_commit",
    "org.rollback.plan",
    "org.deployment.recorded",
)
DVC = "data/loan-book-2015-2024.parquet.dvc"
LOAN_BOOK_SHA256 = "a42d3e3d098840964efb7844295ecb1517665e5f8540b0653047f30980935c95"  # the example card's pin


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the credit-scoring example (card, comply.yaml, evidence, data pointer) to change."""
    target = tmp_path / "credit-scoring"
    shutil.copytree(EXAMPLES / "credit-scoring", target)
    (target / ".git").mkdir()  # the copy is its own repository root: comply.yaml lookup stops here
    # the example pins its loan book by digest, so that a copy of the card alone still checks; here the
    # same dataset is pinned by the DVC pointer that lies beside it (data/), as a DVC user would
    edit(target / "model_card.yaml", f"      sha256: {LOAN_BOOK_SHA256}\n", f"      dvc: {DVC}\n")
    return target


def check(card: Path, *extra: str) -> dict[str, dict[str, Any]]:
    done = comply("check", str(card), "--format", "json", *extra, cwd=card.parent)
    assert done.returncode in (0, 1), done.stderr
    return {result["id"]: result for result in json.loads(done.stdout)["cards"][0]["results"]}


def edit(card: Path, old: str, new: str) -> None:
    text = card.read_text(encoding="utf-8")
    assert old in text, old
    card.write_text(text.replace(old, new, 1), encoding="utf-8")


def card_line(card: Path, needle: str) -> int:
    return next(n for n, line in enumerate(card.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_the_example_passes_every_lineage_rule() -> None:
    results = check(EXAMPLES / "credit-scoring" / "model_card.yaml")
    for rule in LINEAGE_RULES:
        assert results[rule]["status"] == "pass", results[rule]


def test_a_pulled_dvc_data_file_is_rehashed_and_a_change_fails_at_the_card_line(example: Path) -> None:
    data = example / "data" / "loan-book-2015-2024.parquet"
    data.write_bytes(b"PAR1 loan book rows")
    md5 = hashlib.md5(data.read_bytes()).hexdigest()
    dvc = example / DVC
    dvc.write_text(dvc.read_text(encoding="utf-8").replace("3f9c1d7e52a04b8e9d6c2a1f0b7e4d58", md5), encoding="utf-8")
    card = example / "model_card.yaml"
    assert check(card)["org.lineage.dataset_versions"]["status"] == "pass"
    data.write_bytes(b"PAR1 loan book rows, one more")
    changed = hashlib.md5(data.read_bytes()).hexdigest()
    result = check(card)["org.lineage.dataset_versions"]
    assert result["status"] == "fail"
    finding = result["findings"][0]
    assert finding["field"] == "card.data_governance.datasets.0.dvc"
    assert finding["line"] == card_line(card, "dvc: data/")
    assert changed in finding["message"] and md5 in finding["message"] and DVC in finding["message"]


def test_a_local_data_file_is_hashed_and_checked_against_the_declared_sha256(example: Path) -> None:
    data = example / "data" / "holdout.csv"
    data.write_text("id,defaulted\n1,0\n", encoding="utf-8")
    card = example / "model_card.yaml"
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    edit(
        card,
        "      dvc: data/loan-book-2015-2024.parquet.dvc\n",
        f"      path: data/holdout.csv\n      sha256: {digest}\n",
    )
    assert check(card)["org.lineage.dataset_versions"]["status"] == "pass"
    data.write_text("id,defaulted\n1,1\n", encoding="utf-8")
    result = check(card)["org.lineage.dataset_versions"]
    assert result["status"] == "fail"
    assert result["findings"][0]["line"] == card_line(card, f"sha256: {digest}")


def test_a_dataset_without_version_or_digest_fails(example: Path) -> None:
    card = example / "model_card.yaml"
    edit(card, "      dvc: data/loan-book-2015-2024.parquet.dvc\n", "")
    result = check(card)["org.lineage.dataset_versions"]
    assert result["status"] == "fail"
    assert "loan-book-2015-2024) has no version or digest" in result["findings"][0]["message"]


def test_missing_commit_and_rollback_fail_at_their_lines(example: Path) -> None:
    card = example / "model_card.yaml"
    edit(card, "  code_commit: 9b4e2f1c7a0d3e5b8c6f1a2d4e7b9c0a1f3e5d7b\n", "  code_commit: HEAD\n")
    edit(card, "    previous_version: 3.1.0\n", "    previous_version: 3.2.0\n")
    results = check(card)
    assert results["org.lineage.code_commit"]["status"] == "fail"
    assert results["org.lineage.code_commit"]["findings"][0]["line"] == card_line(card, "code_commit: HEAD")
    rollback = results["org.rollback.plan"]
    assert rollback["status"] == "fail"
    assert "previous version 3.2.0 is the current version" in rollback["findings"][0]["message"]
    assert rollback["findings"][0]["line"] == card_line(card, "previous_version: 3.2.0")


def write_log(path: Path, *, version: str = "3.2.0", approved: bool = True) -> Path:
    path.unlink(missing_ok=True)  # replaces the example's log
    clock = ticking_clock(datetime(2026, 9, 1, 9, tzinfo=timezone.utc), timedelta(hours=6))
    with AuditLog(path, model="retail-credit-scorer", version=version, clock=clock) as log:
        if approved:
            log.deployment(from_stage="staging", to_stage="production", approved_by="Dr. Jana Novak")
        else:
            log.append("deployment", {"from_stage": "staging", "to_stage": "production"})
        for n in range(40):
            log.prediction(request_id=f"r{n}", inputs={"n": n}, output=0.2, decision="approve")
        log.override(request_id="r1", original="approve", new="refer", reason="income unverified", operator="o")
    return path


def test_a_deployment_without_an_approver_fails_at_its_audit_log_line(example: Path) -> None:
    log = write_log(example / "evidence" / "audit.jsonl", approved=False)
    result = check(example / "model_card.yaml", "--audit-log", str(log))["org.deployment.recorded"]
    assert result["status"] == "fail"
    finding = result["findings"][0]
    assert finding["line"] == 1 and finding["file"].endswith("audit.jsonl")
    assert "names no approver" in finding["message"]


def test_a_log_without_the_current_versions_deployment_fails(example: Path) -> None:
    log = write_log(example / "evidence" / "audit.jsonl", version="3.1.0")
    result = check(example / "model_card.yaml", "--audit-log", str(log))["org.deployment.recorded"]
    assert result["status"] == "fail"
    assert "no deployment event for version 3.2.0" in result["findings"][0]["message"]


def test_without_an_audit_log_the_deployment_rule_is_not_judged(example: Path) -> None:
    (example / "comply.yaml").write_text(
        (example / "comply.yaml").read_text(encoding="utf-8").replace("  audit_log: evidence/audit.jsonl\n", ""),
        encoding="utf-8",
    )
    assert "org.deployment.recorded" not in check(example / "model_card.yaml")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("outs: [\n", ":2:"),
        ("outs: []\n", ":1: outs:"),
        ("outs:\n- md5: not-a-digest\n  path: x\n", ":2: outs.0.md5:"),
    ],
)
def test_a_bad_dvc_file_is_one_located_line(example: Path, content: str, needle: str) -> None:
    (example / DVC).write_text(content, encoding="utf-8")
    done = comply("check", str(example / "model_card.yaml"), cwd=example)
    assert_one_line_error(done, "loan-book-2015-2024.parquet.dvc", needle)


def test_a_bad_declared_sha256_is_one_located_line(example: Path) -> None:
    card = example / "model_card.yaml"
    edit(card, "      dvc: data/loan-book-2015-2024.parquet.dvc\n", "      sha256: abc123\n")
    done = comply("check", str(card), cwd=example)
    assert_one_line_error(done, f"model_card.yaml:{card_line(card, 'sha256: abc123')}", "datasets.0.sha256")
