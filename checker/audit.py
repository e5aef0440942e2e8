"""The audit-log writer services call, and the one definition of an entry's hash that verification shares.

Why a writer of our own rather than the `logging` module: Art. 12 asks for automatic event logs a provider can
rely on over the system's lifetime. comply's own (organisational, not legally required) rule adds tamper-evidence:
every entry carries a SHA-256 `content_hash` of itself and the `prev_hash` of the entry before it, so editing a
line breaks its hash and deleting or reordering lines breaks the chain. `comply audit-log verify` checks both.

Entry format (one JSON object per line, UTF-8, `\\n`-terminated), top-level keys fixed:

    data           event-specific fields (inputs are stored as `inputs_sha256` unless raw storage is asked for)
    event          "prediction" | "override" | "deployment" | "model_version" | "data_version" | any other name
    model          model name
    model_version  model version
    prev_hash      content_hash of the previous entry; GENESIS_HASH (64 zeros) for the first entry of a log
    seq            1 for the first entry, +1 per entry (makes a deleted line easy to name)
    timestamp      UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`
    content_hash   SHA-256 (hex) of canonical_json(entry without content_hash)

Canonical JSON is `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)`
encoded as UTF-8. The writer puts `content_hash` last: the line is the canonical bytes with their closing `}`
replaced by `,"content_hash":"<hex>"}`. A verifier can therefore check a line by hashing its own bytes, without
re-serialising; lines written by other tools in another key order are checked against the canonical form.

Concurrency: one `threading.Lock` per `AuditLog` serialises threads; an exclusive `fcntl.flock` on the file
serialises processes. Under both locks the writer re-reads the file's last entry when the file changed since its own
last write, so several processes (each with its own `AuditLog`) append to one chain. Without `fcntl` (Windows) only
the in-process lock applies: use one writer process per file there.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from checker.errors import InputError

try:  # POSIX only; see the module docstring for what that means elsewhere.
    import fcntl
except ImportError:  # pragma: no cover - exercised only on Windows
    fcntl = None  # type: ignore[assignment]

GENESIS_HASH = "0" * 64
HASH_FIELD = "content_hash"
HASH_SUFFIX_PREFIX = b',"content_hash":"'
HASH_SUFFIX_LEN = len(HASH_SUFFIX_PREFIX) + 64 + 2  # ,"content_hash":"<64 hex>"}
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
MAX_ENTRY_BYTES = 1 << 24  # 16 MiB: the verifier checks lines up to this size; the writer refuses larger entries
MAX_SEQ = (1 << 63) - 1
ENTRY_KEYS = ("data", "event", "model", "model_version", "prev_hash", "seq", "timestamp")
_TAIL_READ = 1 << 16


def canonical_json(obj: Any) -> bytes:
    """The byte string an entry's hash is computed over: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 hex of the canonical JSON of `entry` without its `content_hash`."""
    body = {key: value for key, value in entry.items() if key != HASH_FIELD}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def encode_entry(body: Mapping[str, Any]) -> tuple[bytes, str]:
    """The line (with `\\n`) for an entry without its hash, and that hash. Used by the writer and by tests."""
    canonical = canonical_json(body)
    digest = hashlib.sha256(canonical).hexdigest()
    line = canonical[:-1] + HASH_SUFFIX_PREFIX + digest.encode("ascii") + b'"}\n'
    return line, digest


def format_timestamp(moment: datetime) -> str:
    """UTC timestamp in the one fixed-width form the writer uses (string order == time order)."""
    if moment.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return moment.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def hash_inputs(inputs: Any) -> str:
    """SHA-256 of the canonical JSON of a prediction's inputs: traceable without storing personal data."""
    try:
        return hashlib.sha256(canonical_json(inputs)).hexdigest()
    except (TypeError, ValueError) as err:
        raise InputError(f"audit log: inputs: not JSON-serialisable ({err})") from err


class ChainHead(NamedTuple):
    """Where the chain stands: the last entry's hash and sequence number, and the file size they were read at."""

    prev_hash: str
    seq: int
    size: int


def read_last_entry(fd: int, path: str) -> dict[str, Any] | None:
    """The last entry of an open log file (None when empty). Refuses a broken tail: chaining onto it would hide it."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    start = max(0, size - _TAIL_READ)
    tail = os.pread(fd, size - start, start)
    if not tail.endswith(b"\n"):
        raise InputError(
            f"{path}: last line is incomplete (a writer stopped mid-line); "
            "run `comply audit-log verify` and repair the log before appending"
        )
    while tail.rfind(b"\n", 0, len(tail) - 1) < 0 and start > 0:  # last line longer than one read
        start = max(0, start - _TAIL_READ)
        tail = os.pread(fd, size - start, start)
    last = tail[:-1].rsplit(b"\n", 1)[-1]
    try:
        entry = json.loads(last)
    except ValueError as err:
        raise InputError(f"{path}: last line is not JSON ({err}); cannot continue the hash chain") from err
    if not isinstance(entry, dict):
        raise InputError(f"{path}: last line is not a JSON object; cannot continue the hash chain")
    return entry


def last_entry(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The last entry of the log at `path`, or None when the file is empty or missing."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise InputError(f"{path}: cannot read audit log: {err.strerror}") from err
    try:
        return read_last_entry(fd, str(path))
    except OSError as err:
        raise InputError(f"{path}: cannot read audit log: {err.strerror or err}") from err
    finally:
        os.close(fd)


def read_chain_head(fd: int, path: str) -> ChainHead:
    """Where the next entry chains on: the last entry's hash and seq, or GENESIS for an empty file."""
    size = os.fstat(fd).st_size
    entry = read_last_entry(fd, path)
    if entry is None:
        return ChainHead(GENESIS_HASH, 0, 0)
    prev_hash, seq = entry.get(HASH_FIELD), entry.get("seq")
    if not isinstance(prev_hash, str) or not isinstance(seq, int) or isinstance(seq, bool):
        raise InputError(f"{path}: last line has no content_hash/seq; cannot continue the hash chain")
    return ChainHead(prev_hash, seq, size)


class AuditLog:
    """Append-only, hash-chained JSON Lines audit log for one model version.

    `AuditLog("logs/audit.jsonl", model="credit-scorer", version="2.1.0").prediction(request_id="r1", ...)`.
    Inputs are hashed unless `store_inputs=True`; `fsync=True` makes every append durable before it returns.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        model: str,
        version: str,
        store_inputs: bool = False,
        fsync: bool = False,
        clock: Callable[[], datetime] | None = None,
        continues: str | os.PathLike[str] | None = None,
    ) -> None:
        if not model or not version:
            raise InputError("audit log: model and version must be non-empty")
        self.path = Path(path)
        self.model = model
        self.version = version
        self.store_inputs = store_inputs
        self.fsync = fsync
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._continues = Path(continues) if continues is not None else None
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = None
        self._read_fd = -1
        self._pid = -1
        self._head: ChainHead | None = None
        self._open()

    def _open(self) -> None:
        """(Re)open the file. After a fork the child gets its own descriptors: flock does not separate
        processes that share one open file description (e.g. gunicorn --preload workers)."""
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        except OSError as err:
            raise InputError(f"{self.path}: cannot open audit log for appending: {err.strerror or err}") from err
        try:
            self._read_fd = os.open(self.path, os.O_RDONLY)
        except OSError as err:
            os.close(self._fd)
            self._fd = None
            raise InputError(f"{self.path}: cannot read audit log: {err.strerror or err}") from err
        self._pid = os.getpid()
        self._head = None

    # -- lifecycle -------------------------------------------------------------------------------------------
    def close(self) -> None:
        """Release the file descriptors; further appends raise."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                os.close(self._read_fd)
                self._fd = None

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- the events Art. 12 / 14 / 72 evidence needs ---------------------------------------------------------
    def prediction(
        self,
        *,
        request_id: str,
        inputs: Any = None,
        output: Any = None,
        decision: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """One model output (Art. 12(2)(a),(b): situations to monitor, post-market monitoring)."""
        data: dict[str, Any] = {"request_id": request_id, **extra}
        if inputs is not None:
            data["inputs"] = inputs
        if output is not None:
            data["output"] = output
        if decision is not None:
            data["decision"] = decision
        return self.append("prediction", data)

    def override(
        self, *, request_id: str, original: Any, new: Any, reason: str, operator: str, **extra: Any
    ) -> dict[str, Any]:
        """A human overriding or disregarding an output (Art. 14(4)(d)): who, what, why."""
        data = {"request_id": request_id, "original": original, "new": new, "reason": reason, "operator": operator}
        return self.append("override", {**extra, **data})

    def deployment(
        self, *, from_stage: str, to_stage: str, approved_by: str, ticket: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A stage transition of this model version (which version served when)."""
        data: dict[str, Any] = {"from_stage": from_stage, "to_stage": to_stage, "approved_by": approved_by, **extra}
        if ticket is not None:
            data["ticket"] = ticket
        return self.append("deployment", data)

    # -- the one write path ------------------------------------------------------------------------------------
    def append(self, event: str, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Write one entry; returns it (with `content_hash`). Raw `inputs` become `inputs_sha256` by default."""
        if not isinstance(event, str) or not event:
            raise InputError("audit log: event must be a non-empty string")
        payload = dict(data or {})
        if "inputs" in payload and not self.store_inputs:
            payload["inputs_sha256"] = hash_inputs(payload.pop("inputs"))
        with self._lock:
            if self._fd is None:
                raise InputError(f"{self.path}: audit log is closed")
            if self._pid != os.getpid():
                self._open()
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                return self._append_locked(event, payload)
            finally:
                if fcntl is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _continued_head(self) -> ChainHead:
        """An empty file that continues an earlier one (yesterday's file of a daily set) chains on its last entry."""
        assert self._continues is not None
        try:
            fd = os.open(self._continues, os.O_RDONLY)
        except OSError as err:
            raise InputError(f"{self._continues}: cannot read the log this one continues: {err.strerror}") from err
        try:
            previous = read_chain_head(fd, str(self._continues))
        finally:
            os.close(fd)
        return ChainHead(previous.prev_hash, previous.seq, 0)

    def _append_locked(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        assert self._fd is not None
        size = os.fstat(self._fd).st_size
        head = self._head
        if head is None or head.size != size:  # another writer appended (or first use): re-read the last line
            head = read_chain_head(self._read_fd, str(self.path))
            if head.size == 0 and self._continues is not None:
                head = self._continued_head()
        body = {
            "data": payload,
            "event": event,
            "model": self.model,
            "model_version": self.version,
            "prev_hash": head.prev_hash,
            "seq": head.seq + 1,
            "timestamp": format_timestamp(self._clock()),
        }
        try:
            line, digest = encode_entry(body)
        except (TypeError, ValueError) as err:
            raise InputError(f"audit log: {event}: data is not JSON-serialisable ({err})") from err
        if len(line) > MAX_ENTRY_BYTES:
            raise InputError(
                f"audit log: {event}: entry is {len(line)} bytes, more than {MAX_ENTRY_BYTES}; "
                "log a SHA-256 of large payloads instead"
            )
        written = 0
        try:
            while written < len(line):
                written += os.write(self._fd, line[written:])
            if self.fsync:
                os.fsync(self._fd)
        except OSError as err:
            torn = " (a partial line may remain: run `comply audit-log repair`)" if written else ""
            raise InputError(f"{self.path}: cannot write audit log: {err.strerror or err}{torn}") from err
        self._head = ChainHead(digest, head.seq + 1, size + len(line))
        return {**body, HASH_FIELD: digest}


class Repair(NamedTuple):
    """What `repair` did: the torn bytes' sidecar file, their size and the line they were on."""

    sidecar: Path
    torn_bytes: int
    line: int


def repair(path: str | os.PathLike[str], *, clock: Callable[[], datetime] | None = None) -> Repair | None:
    """Move a torn last line (a writer stopped mid-line) aside and record that in the chain; None if not torn.

    The torn bytes go to `<log>.torn-<n>` (never overwritten), the log is cut back to its last complete line, and
    an `audit_log_repair` entry (size, SHA-256 and sidecar of the torn bytes) is appended, so the repair is itself
    on the record and verifies. Runs under the writers' file lock. Only a missing final newline is repaired:
    anything else wrong in a log is evidence, left for `verify` to report.
    """
    log = Path(path)
    try:
        fd = os.open(log, os.O_RDWR)
    except OSError as err:
        raise InputError(f"{log}: cannot open audit log: {err.strerror or err}") from err
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
            return None
        start = size
        while start > 0:
            step = max(0, start - _TAIL_READ)
            piece = os.pread(fd, start - step, step)
            newline = piece.rfind(b"\n")
            if newline >= 0:
                start = step + newline + 1
                break
            start = step
        torn = os.pread(fd, size - start, start)
        lines = _count_lines(fd, start) + 1
        sidecar = _free_sidecar(log)
        with open(sidecar, "xb") as out:
            out.write(torn)
            out.flush()
            os.fsync(out.fileno())
        os.ftruncate(fd, start)
        os.fsync(fd)
    except OSError as err:
        raise InputError(f"{log}: cannot repair audit log: {err.strerror or err}") from err
    finally:
        os.close(fd)  # releases the lock before the append below takes it again
    previous = last_entry(log) or {}
    model, version = previous.get("model"), previous.get("model_version")
    if not isinstance(model, str) or not isinstance(version, str) or not model or not version:
        model, version = "comply", "repair"
    with AuditLog(log, model=model, version=version, clock=clock) as writer:
        writer.append(
            "audit_log_repair",
            {
                "torn_line": lines,
                "torn_bytes": len(torn),
                "torn_sha256": hashlib.sha256(torn).hexdigest(),
                "sidecar": sidecar.name,
            },
        )
    return Repair(sidecar, len(torn), lines)


def _count_lines(fd: int, stop: int) -> int:
    count, offset = 0, 0
    while offset < stop:
        piece = os.pread(fd, min(1 << 22, stop - offset), offset)
        if not piece:
            break
        count += piece.count(b"\n")
        offset += len(piece)
    return count


def _free_sidecar(log: Path) -> Path:
    for n in range(1, 10_000):
        candidate = log.with_name(f"{log.name}.torn-{n}")
        if not candidate.exists():
            return candidate
    raise InputError(f"{log}: too many .torn-N files beside it; move them away first")
