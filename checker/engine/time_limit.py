"""A time limit for the embedded engine: evaluation in a forked child that is killed at the deadline.

regorus has no way to interrupt an evaluation, and it holds the GIL while it evaluates, so neither a
thread nor a signal handler in this process can stop a policy that loops or explodes combinatorially.
A child process can be stopped. Once the bundle is loaded, the engine forks one worker, which parses the
policies itself while this process assembles the evidence (two cores: the parse is off the critical path),
says once whether that worked, and then serves every decision of the run in turn: one fork per run. Nothing
is serialised but each input and each decision, which regorus reads and writes as JSON anyway. The parent
waits for each answer at most the limit, then kills the worker: one line, exit 2, no partial report.

Where `os.fork` does not exist (Windows), evaluation stays in-process with no limit, and the first
decision says so once on stderr.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import struct
import time
from collections.abc import Callable

from checker.errors import EngineError, one_line

DEFAULT_EVAL_TIMEOUT = 60.0
"""Seconds one policy decision may take on the embedded engine (a card takes milliseconds)."""

_LENGTH = struct.Struct(">Q")
_RESULT, _ERROR, _READY, _FAILED = b"R", b"E", b"S", b"F"

Evaluate = Callable[[str], str]
"""An input document as JSON -> the engine's raw JSON answer (raises RuntimeError on an engine error)."""
Prepare = Callable[[], Evaluate]
"""Run once in the worker: parse the policies and return the evaluator (raises EngineError when they do not load)."""


def can_fork() -> bool:
    return hasattr(os, "fork")


class ForkedEvaluator:
    """One worker process, forked lazily, that runs `prepare` once and then evaluates each request within
    `seconds`. Its preparation is waited for (at most `seconds` too) at the first request or `ready()`."""

    def __init__(self, prepare: Prepare, seconds: float) -> None:
        self._prepare = prepare
        self.seconds = seconds
        self._pid: int | None = None
        self._requests = -1
        self._answers = -1
        self._prepared = False
        self._failure: str | None = None

    def __call__(self, input_json: str) -> str:
        self.ready()
        try:
            _send(self._requests, input_json.encode("utf-8"))
            kind, payload = self._receive(time.monotonic() + self.seconds)
        except BrokenPipeError:
            raise EngineError(self._death()) from None
        text = payload.decode("utf-8", errors="replace")
        if kind == _ERROR:
            raise RuntimeError(text)
        return text

    def ready(self) -> None:
        """Wait until the worker has prepared the engine; raise its EngineError (every time) if it could not."""
        if self._failure is not None:
            raise EngineError(self._failure)
        if self._pid is None:
            self.start()
        if self._prepared:
            return
        kind, payload = self._receive(time.monotonic() + self.seconds)
        if kind != _READY:
            self._failure = payload.decode("utf-8", errors="replace")
            self.close()
            raise EngineError(self._failure)
        self._prepared = True

    def close(self) -> None:
        """End the worker (it also ends by itself when this process closes the request pipe)."""
        if self._pid is None:
            return
        pid, self._pid = self._pid, None
        self._close_pipes()
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)

    def _close_pipes(self) -> None:
        for fd in (self._requests, self._answers):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter exit the worker ends by itself (end of file)
            self.close()

    def start(self) -> None:
        """Fork the worker now (the engine does so once its bundle is loaded, before any thread or evidence
        file exists, so the child inherits a quiet process); else the first decision does."""
        if self._pid is not None:
            return
        self._prepared = False
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the caller's code
            os.close(request_write)
            os.close(answer_read)
            _serve(self._prepare, request_read, answer_write)
        os.close(request_read)
        os.close(answer_write)
        self._pid, self._requests, self._answers = pid, request_write, answer_read

    def _receive(self, deadline: float) -> tuple[bytes, bytes]:
        header = self._read_exactly(1 + _LENGTH.size, deadline)
        (length,) = _LENGTH.unpack(header[1:])
        return header[:1], self._read_exactly(length, deadline)

    def _read_exactly(self, count: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        remaining = count
        while remaining:
            left = deadline - time.monotonic()
            ready = select.select([self._answers], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                self.close()
                raise EngineError(
                    f"policy evaluation exceeded {self.seconds:g} s (stopped; --eval-timeout or eval_timeout "
                    "in comply.yaml sets the limit)"
                )
            chunk = os.read(self._answers, min(remaining, 1 << 20))
            if not chunk:
                raise EngineError(self._death())
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _death(self) -> str:
        """Why the worker stopped answering (a crash in the engine, say), reaped."""
        pid, self._pid = self._pid, None
        status = os.waitpid(pid, 0)[1] if pid is not None else 0
        self._close_pipes()
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.waitstatus_to_exitcode(status)}"
        return f"policy engine process ended without an answer ({how})"


def _serve(prepare: Prepare, requests: int, answers: int) -> None:
    """The worker: prepare the engine and say whether that worked, then read an input, answer with the
    decision or the engine's error; exit at EOF."""
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # never hold the caller's terminal or captured pipes open
            os.dup2(devnull, fd)
        with contextlib.suppress(ValueError):  # ValueError: forked from a thread other than the main one
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops a long evaluation at once
        try:
            evaluate = prepare()
        except EngineError as err:
            _answer(answers, _FAILED, str(err).encode("utf-8", errors="replace"))
            evaluate = None
        except Exception as err:  # a bug still fails closed, as one line in the parent
            message = one_line(f"policy engine could not start: {type(err).__name__}: {err}")
            _answer(answers, _FAILED, message.encode("utf-8", errors="replace"))
            evaluate = None
        else:
            _answer(answers, _READY, b"")
        while evaluate is not None:
            header = _read_all(requests, _LENGTH.size)
            if header is None:
                break
            (length,) = _LENGTH.unpack(header)
            body = _read_all(requests, length) or b""
            try:
                kind, payload = _RESULT, evaluate(body.decode("utf-8")).encode("utf-8")
            except Exception as err:  # every failure goes back to the parent as its message
                kind, payload = _ERROR, str(err).encode("utf-8", errors="replace")
            _answer(answers, kind, payload)
    except BaseException:  # the parent sees the pipe close and reports it
        code = 1
    os._exit(code)


def _answer(fd: int, kind: bytes, payload: bytes) -> None:
    _write_all(fd, kind + _LENGTH.pack(len(payload)) + payload)


def _send(fd: int, payload: bytes) -> None:
    _write_all(fd, _LENGTH.pack(len(payload)) + payload)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int, count: int) -> bytes | None:
    """Exactly `count` bytes, or None at end of file before the first byte."""
    chunks: list[bytes] = []
    remaining = count
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None if remaining == count else b"".join(chunks)
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
