"""A directory of daily audit-log files verified as one hash chain, against its manifest.

Why a manifest: each file is a segment of one chain (its first entry's prev_hash is the previous file's last
content_hash), so a file dropped from the middle shows as a broken link. A file cut short, or the last closed
file removed, does not: nothing after it says what it held. `comply audit-log seal DIR` records, for every
closed file, its first and last hashes and sequence numbers in `audit-manifest.json`; verification then names a
missing file, and the line where a truncated file stops. Files listed first that are gone are reported as pruned
(retention ended), not as damage: `org.audit_log.covers_period` judges whether what remains still covers the
period. Files newer than the manifest's last (today's, still being written) must chain on.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError
from checker.evidence.audit_log import check_anchor, check_first_link, summary_document, verify_files
from checker.evidence.audit_scan import GENESIS_BYTES, Problems, Segment, join

if TYPE_CHECKING:
    from checker.evidence.audit_spark import SparkTarget

MANIFEST_NAME = "audit-manifest.json"
MANIFEST_FORMAT = "comply-audit-manifest/1"
LOG_SUFFIX = ".jsonl"
_MANIFEST_KEYS = ("file", "first_prev_hash", "first_seq", "last_hash", "last_seq")


def log_files(directory: Path) -> list[str]:
    """The log files of a set, in name order (daily names like audit-2026-06-01.jsonl sort by date)."""
    try:
        names = sorted(entry.name for entry in os.scandir(directory) if entry.name.endswith(LOG_SUFFIX))
    except OSError as err:
        raise InputError(f"{directory}: cannot read audit-log directory: {err.strerror or err}") from err
    return names


def read_manifest(directory: Path, shown: str) -> list[dict[str, Any]] | None:
    """The manifest's file entries, or None when the directory has none. A broken manifest is an input error."""
    path = directory / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise InputError(f"{shown}/{MANIFEST_NAME}: cannot read: {err.strerror or err}") from err
    try:
        document = json.loads(raw)
    except ValueError as err:
        raise InputError(f"{shown}/{MANIFEST_NAME}: not valid JSON ({err})") from err
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(document, dict) or document.get("format") != MANIFEST_FORMAT or not isinstance(files, list):
        raise InputError(f"{shown}/{MANIFEST_NAME}: not a comply audit manifest (format {MANIFEST_FORMAT})")
    for index, entry in enumerate(files):
        if not isinstance(entry, dict) or any(key not in entry for key in _MANIFEST_KEYS):
            raise InputError(f"{shown}/{MANIFEST_NAME}: files[{index}]: needs {', '.join(_MANIFEST_KEYS)}")
    return files


def verify_audit_set(
    directory: Path, shown: str, *, expect_head: str | None, jobs: int | None, spark: SparkTarget | None = None
) -> dict[str, Any]:
    """Verify every file of the set, each file's links against the manifest and the links between files.
    The files' lines are checked here (`jobs`) or on Spark (`spark`); the links are judged here either way."""
    names = log_files(directory)
    manifest = read_manifest(directory, shown)
    if not names and not manifest:
        raise InputError(f"{shown}: cannot read audit log: a directory with no *{LOG_SUFFIX} files and no manifest")
    listed = [str(entry["file"]) for entry in manifest or []]
    expected = {str(entry["file"]): entry for entry in manifest or []}
    order = listed + [name for name in names if name not in expected and (not listed or name > listed[-1])]
    present = set(names)
    whole = Segment()
    cross = Problems()
    pruned: list[str] = []
    files: list[dict[str, Any]] = []
    digest = hashlib.sha256()
    previous: tuple[str, Segment] | None = None
    gap_after_missing = False
    anchor = expect_head.encode("ascii") if expect_head else None
    kept = [(directory / name, f"{shown}/{name}") for name in order if name in present]
    scanned = verify_files(kept, shown, jobs=jobs, anchor=anchor, spark=spark)
    for name in names:
        if name not in order:
            cross.listed.append({"file": name, "reason": "not in the manifest, but older than its last file"})
            cross.total += 1
    for name in order:
        entry = expected.get(name)
        if name not in present:
            if previous is None and not gap_after_missing and entry is not None and not files:
                pruned.append(name)
                continue
            seqs = f" (seq {entry['first_seq']}..{entry['last_seq']})" if entry is not None else ""
            cross.listed.append({"file": name, "reason": f"missing: the manifest lists it{seqs}"})
            cross.total += 1
            gap_after_missing = True
            continue
        segment, sha256 = next(scanned)
        digest.update(f"{sha256}  {name}\n".encode())
        _check_against_manifest(segment, entry, previous, gap_after_missing, pruned)
        _link_files(segment, previous, gap_after_missing)
        files.append(_file_facts(name, segment, sha256))
        join(whole, segment, where=name, link=False)
        previous, gap_after_missing = (name, segment), False
    if anchor is not None and whole.anchor_line is None:
        check_anchor(whole, anchor, where=previous[0] if previous else None)
    whole.chain_breaks.listed[:0] = cross.listed
    whole.chain_breaks.total += cross.total
    summary = summary_document(whole, shown, digest.hexdigest())
    summary["files"] = files
    if pruned:
        summary["pruned_files"] = pruned
    summary["manifest"] = manifest is not None
    return summary


def _check_against_manifest(
    segment: Segment,
    entry: dict[str, Any] | None,
    previous: tuple[str, Segment] | None,
    after_gap: bool,
    pruned: list[str],
) -> None:
    """A listed file must start and end where the manifest says; the first file of a fresh set at genesis."""
    if entry is None:
        if previous is None and not pruned:
            check_first_link(segment, GENESIS_BYTES)
        return
    if segment.entries == 0:
        segment.chain_breaks.add(1, "file has no entries, but the manifest lists entries for it")
        return
    if segment.first_prev != str(entry["first_prev_hash"]).encode() or segment.first_seq != entry["first_seq"]:
        segment.chain_breaks.add(
            segment.first_line,
            f"first entry (seq {segment.first_seq}) is not the one the manifest records (seq {entry['first_seq']}): "
            "lines removed from the start, or a different file",
        )
    if segment.last_hash != str(entry["last_hash"]).encode():
        segment.chain_breaks.add(
            segment.lines + 1,
            f"truncated: the file ends at line {segment.lines} (seq {segment.last_seq}), but the manifest records "
            f"its last entry as seq {entry['last_seq']}",
        )


def _link_files(segment: Segment, previous: tuple[str, Segment] | None, after_gap: bool) -> None:
    """The first entry of a file continues the last entry of the file before it (not checked after a gap
    already reported as a missing file)."""
    if previous is None or after_gap or segment.entries == 0 or previous[1].last_hash is None:
        return
    name, before = previous
    if segment.first_prev != before.last_hash or segment.first_seq != before.last_seq + 1:
        segment.chain_breaks.add(
            segment.first_line,
            f"first entry (seq {segment.first_seq}) does not continue {name}'s last entry (seq {before.last_seq}): "
            "a file between them removed, files out of order, or a file cut short",
        )


def _file_facts(name: str, segment: Segment, sha256: str) -> dict[str, Any]:
    facts: dict[str, Any] = {"file": name, "sha256": sha256, "lines": segment.lines, "entries": segment.entries}
    if segment.entries:
        assert segment.first_prev is not None and segment.last_hash is not None
        facts.update(
            first_prev_hash=segment.first_prev.decode(),
            first_seq=segment.first_seq,
            last_hash=segment.last_hash.decode(),
            last_seq=segment.last_seq,
        )
    return facts


def seal(directory: Path, shown: str, *, include_newest: bool) -> list[str]:
    """Record every closed, intact file not yet in the manifest (all but the newest unless `include_newest`).
    Refuses to seal a set that does not verify: a manifest must never bless damage. Returns the names added."""
    summary = verify_audit_set(directory, shown, expect_head=None, jobs=1)
    if not summary["intact"]:
        problem: dict[str, Any] = next(
            iter(summary["hash_failures"] + summary["chain_breaks"] + summary["unparseable"]), {}
        )
        where = ":".join(str(problem[key]) for key in ("file", "line") if key in problem)
        raise InputError(f"{shown}: not intact, not sealed ({where}: {problem.get('reason', 'see verify')})")
    manifest = read_manifest(directory, shown) or []
    known = {str(entry["file"]) for entry in manifest}
    candidates = [facts for facts in summary["files"] if facts["file"] not in known and facts["entries"]]
    if not include_newest and candidates and candidates[-1]["file"] == summary["files"][-1]["file"]:
        candidates = candidates[:-1]
    added = [
        {key: facts[key] for key in ("file", "first_prev_hash", "first_seq", "last_hash", "last_seq", "sha256")}
        for facts in candidates
    ]
    if added:
        document = {"format": MANIFEST_FORMAT, "files": manifest + added}
        target = directory / MANIFEST_NAME
        temporary = directory / f".{MANIFEST_NAME}.tmp"
        temporary.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(temporary, target)
    return [str(entry["file"]) for entry in added]
