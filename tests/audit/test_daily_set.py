"""A directory of daily audit-log files verified as one chain against its manifest, end to end through the CLI:
a removed file is named, a truncated file is named with the line where it stops (issue 13, item 3)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from checker.audit import AuditLog
from tests.conftest import assert_one_line_error, comply


def daily_set(directory: Path, days: int = 4, per_day: int = 5) -> list[Path]:
    """`days` chained daily files, each continuing the one before (AuditLog(continues=...))."""
    directory.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for day in range(days):
        moment = datetime(2026, 6, 1 + day, 8, tzinfo=timezone.utc)
        ticks = iter(moment + timedelta(minutes=n) for n in range(per_day))
        path = directory / f"audit-2026-06-{1 + day:02d}.jsonl"
        with AuditLog(
            path,
            model="credit-scorer",
            version="2.1.0",
            clock=ticks.__next__,
            continues=files[-1] if files else None,
        ) as log:
            for n in range(per_day):
                log.prediction(request_id=f"d{day}-{n}", output=0.5)
        files.append(path)
    return files


def verify(directory: Path) -> tuple[int, dict, str]:
    as_json = comply("audit-log", "verify", str(directory), "-f", "json")
    as_text = comply("audit-log", "verify", str(directory))
    return as_json.returncode, json.loads(as_json.stdout), as_text.stdout


def test_a_sealed_daily_set_verifies_as_one_chain(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    daily_set(logs)
    sealed = comply("audit-log", "seal", str(logs))
    assert sealed.returncode == 0 and "sealed 3 file(s)" in sealed.stdout  # the newest is still open
    code, summary, text = verify(logs)
    assert code == 0, text
    assert summary["entries"] == 20 and summary["manifest"] is True and len(summary["files"]) == 4
    assert summary["first_timestamp"].startswith("2026-06-01") and summary["last_timestamp"].startswith("2026-06-04")
    assert f"{logs}: INTACT" in text


def test_a_removed_file_is_named(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    files = daily_set(logs)
    assert comply("audit-log", "seal", str(logs), "--all").returncode == 0
    files[2].unlink()
    code, summary, text = verify(logs)
    assert code == 1 and summary["intact"] is False
    assert f"{logs}/audit-2026-06-03.jsonl: chain break: missing: the manifest lists it (seq 11..15)" in text


def test_a_removed_last_file_is_named(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    files = daily_set(logs)
    assert comply("audit-log", "seal", str(logs), "--all").returncode == 0
    files[-1].unlink()
    code, _, text = verify(logs)
    assert code == 1 and f"{logs}/audit-2026-06-04.jsonl: chain break: missing" in text


def test_a_truncated_file_is_named_with_its_line(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    files = daily_set(logs)
    assert comply("audit-log", "seal", str(logs)).returncode == 0
    lines = files[1].read_bytes().splitlines(keepends=True)
    files[1].write_bytes(b"".join(lines[:3]))
    code, _, text = verify(logs)
    assert code == 1
    assert f"{logs}/audit-2026-06-02.jsonl:4: chain break: truncated: the file ends at line 3 (seq 8)" in text
    assert "manifest records its last entry as seq 10" in text


def test_without_a_manifest_a_file_dropped_between_others_still_breaks_the_chain(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    files = daily_set(logs)
    files[1].unlink()
    code, _, text = verify(logs)
    assert code == 1
    assert f"{logs}/audit-2026-06-03.jsonl:1: chain break: first entry (seq 11) does not continue" in text


def test_pruned_old_files_are_not_damage_and_coverage_is_judged_over_the_set(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    files = daily_set(logs)
    assert comply("audit-log", "seal", str(logs)).returncode == 0
    files[0].unlink()
    code, summary, _ = verify(logs)
    assert code == 0 and summary["pruned_files"] == ["audit-2026-06-01.jsonl"]
    assert summary["first_timestamp"].startswith("2026-06-02")


def test_sealing_a_damaged_set_is_refused(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    files = daily_set(logs)
    files[0].write_bytes(files[0].read_bytes().replace(b'"output":0.5', b'"output":0.9', 1))
    assert_one_line_error(comply("audit-log", "seal", str(logs)), "not intact, not sealed")
    assert not (logs / "audit-manifest.json").exists()


def test_check_takes_a_directory_as_the_audit_log(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES

    logs = tmp_path / "logs"
    files = daily_set(logs)
    assert comply("audit-log", "seal", str(logs), "--all").returncode == 0
    files[1].unlink()
    card = EXAMPLES / "credit-scoring" / "model_card.yaml"
    done = comply("check", str(card), "--audit-log", str(logs), "--format", "json", "--reference-date", "2026-06-05")
    report = json.loads(done.stdout)
    results = {r["id"]: r for c in report["cards"] for r in c["results"]}
    assert results["org.audit_log.integrity"]["status"] == "fail"
    assert "audit-2026-06-02.jsonl" in json.dumps(results["org.audit_log.integrity"])
