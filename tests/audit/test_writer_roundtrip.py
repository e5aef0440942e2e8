"""The writer's output is what the verifier accepts; inputs are hashed unless raw storage is asked for."""

from __future__ import annotations

import itertools
import json
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from checker.audit import GENESIS_HASH, AuditLog, canonical_json, entry_hash, hash_inputs
from checker.errors import InputError
from checker.evidence.audit_log import verify_audit_log
from tests.audit.conftest import write_log


def entries(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_round_trip_is_intact_and_summarised(audit_path: Path) -> None:
    summary = verify_audit_log(audit_path)
    assert summary["intact"] is True
    assert summary["entries"] == summary["lines"] == 7
    assert summary["event_counts"] == {"deployment": 1, "override": 1, "prediction": 5}
    assert summary["models"] == [{"model": "credit-scorer", "version": "2.1.0", "entries": 7}]
    assert summary["first_timestamp"] == "2026-05-01T09:00:00.000000Z"
    assert summary["last_timestamp"] == "2026-05-01T15:00:00.000000Z"
    assert summary["span_days"] == 0.25
    assert summary["starts_at_genesis"] is True
    assert summary["head_hash"] == entries(audit_path)[-1]["content_hash"]
    assert summary["hash_failures_total"] == summary["chain_breaks_total"] == 0


def test_entries_chain_from_genesis_and_hash_their_canonical_json(audit_path: Path) -> None:
    written = entries(audit_path)
    assert written[0]["prev_hash"] == GENESIS_HASH
    for before, after in itertools.pairwise(written):
        assert after["prev_hash"] == before["content_hash"]
        assert after["seq"] == before["seq"] + 1
    for entry in written:
        body = {k: v for k, v in entry.items() if k != "content_hash"}
        assert entry["content_hash"] == entry_hash(entry)
        assert canonical_json(body) == json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def test_inputs_are_hashed_by_default(audit_path: Path) -> None:
    prediction = next(e for e in entries(audit_path) if e["event"] == "prediction")
    assert "inputs" not in prediction["data"]
    assert prediction["data"]["inputs_sha256"] == hash_inputs({"income": 1000, "age": 40})


def test_inputs_stored_raw_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "raw.jsonl"
    with AuditLog(path, model="m", version="1", store_inputs=True) as log:
        log.prediction(request_id="r1", inputs={"age": 40}, output=1)
    assert entries(path)[0]["data"]["inputs"] == {"age": 40}
    assert verify_audit_log(path)["intact"] is True


def test_appending_later_continues_the_chain(tmp_path: Path) -> None:
    path = write_log(tmp_path / "audit.jsonl", predictions=2)
    with AuditLog(path, model="credit-scorer", version="2.2.0") as log:
        log.deployment(from_stage="staging", to_stage="production", approved_by="b")
    summary = verify_audit_log(path)
    assert summary["intact"] is True and summary["entries"] == 5
    assert {m["version"] for m in summary["models"]} == {"2.1.0", "2.2.0"}


def test_non_ascii_data_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "utf8.jsonl"
    with AuditLog(path, model="modèle", version="1") as log:
        log.override(request_id="r1", original="a", new="b", reason="revisión manual ✓", operator="ö")
    assert verify_audit_log(path)["intact"] is True


def test_threads_appending_concurrently_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "threads.jsonl"
    log = AuditLog(path, model="m", version="1")

    def work(worker: int) -> None:
        for n in range(200):
            log.prediction(request_id=f"{worker}-{n}", inputs=[worker, n], output=n)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log.close()
    summary = verify_audit_log(path)
    assert summary["entries"] == 1600
    assert summary["intact"] is True, summary["chain_breaks"][:3]
    assert [e["seq"] for e in entries(path)] == list(range(1, 1601))


def test_two_writers_on_one_file_share_the_chain(tmp_path: Path) -> None:
    """Two AuditLog objects stand in for two processes: each re-reads the head the other wrote."""
    path = tmp_path / "shared.jsonl"
    first = AuditLog(path, model="m", version="1")
    second = AuditLog(path, model="m", version="1")
    for n in range(10):
        (first if n % 2 else second).prediction(request_id=str(n))
    first.close()
    second.close()
    assert verify_audit_log(path)["intact"] is True


def test_processes_appending_concurrently_keep_one_chain(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = tmp_path / "procs.jsonl"
    script = (
        "import sys\nfrom checker.audit import AuditLog\n"
        "log = AuditLog(sys.argv[1], model='m', version='1')\n"
        "for n in range(150):\n    log.prediction(request_id=sys.argv[2] + str(n))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(path), f"p{i}-"], cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
        for i in range(4)
    ]
    assert all(proc.wait(timeout=60) == 0 for proc in procs)
    summary = verify_audit_log(path)
    assert summary["entries"] == 600
    assert summary["intact"] is True, summary["chain_breaks"][:3]


def test_writer_refuses_to_chain_onto_a_truncated_last_line(audit_path: Path) -> None:
    raw = audit_path.read_bytes()
    audit_path.write_bytes(raw[:-20])
    with pytest.raises(InputError, match="last line is incomplete"):
        AuditLog(audit_path, model="credit-scorer", version="2.1.0").prediction(request_id="r9")


def test_writer_rejects_unserialisable_data_and_naive_clock(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "x.jsonl", model="m", version="1")
    with pytest.raises(InputError, match="not JSON-serialisable"):
        log.append("prediction", {"when": object()})
    with pytest.raises(InputError, match="not JSON-serialisable"):
        log.append("prediction", {"score": float("nan")})
    naive = AuditLog(tmp_path / "y.jsonl", model="m", version="1", clock=lambda: datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        naive.prediction(request_id="r")
    log.close()
    naive.close()
    assert (tmp_path / "x.jsonl").read_bytes() == b""


def test_clock_going_backwards_is_reported_not_hidden(tmp_path: Path) -> None:
    times = iter([datetime(2026, 5, 2, tzinfo=timezone.utc), datetime(2026, 5, 1, tzinfo=timezone.utc)])
    path = tmp_path / "clock.jsonl"
    with AuditLog(path, model="m", version="1", clock=lambda: next(times)) as log:
        log.prediction(request_id="a")
        log.prediction(request_id="b")
    summary = verify_audit_log(path)
    assert summary["intact"] is True
    assert summary["out_of_order"] == [{"line": 2, "reason": summary["out_of_order"][0]["reason"]}]
    assert "earlier than the previous" in summary["out_of_order"][0]["reason"]


def test_forked_children_get_their_own_lock(tmp_path: Path) -> None:
    """A log opened before fork (gunicorn --preload) must still serialise the children's appends."""
    import os

    path = tmp_path / "forked.jsonl"
    log = AuditLog(path, model="m", version="1")
    log.prediction(request_id="parent")
    children = []
    for worker in range(4):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                for n in range(100):
                    log.prediction(request_id=f"{worker}-{n}")
            finally:
                os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    log.close()
    summary = verify_audit_log(path)
    assert summary["entries"] == 401
    assert summary["intact"] is True, summary["chain_breaks"][:3]
