"""A tiny DevTools-protocol client: open a page in headless Chromium and record what it did.

Chromium is started with `--remote-debugging-pipe` (commands on fd 3, replies and events on fd 4, each
message JSON ending in NUL), so no port, no websocket library and no race with other processes. The client
records every request the page makes (`Network.requestWillBeSent`), every console message, exception and
log entry (CSP violations arrive as `Log.entryAdded`), evaluates expressions in the page and takes a
full-page screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageVisit:
    requests: list[str] = field(default_factory=list)
    console: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, and error-level log entries (CSP reports)."""
        found = [
            f"console.{m['type']}: {m.get('args')}" for m in self.console if m["type"] in ("error", "warning", "assert")
        ]
        found += [f"exception: {e.get('exceptionDetails', {}).get('text')}" for e in self.exceptions]
        found += [
            f"log {e['entry']['level']}: {e['entry'].get('text')}"
            for e in self.log
            if e["entry"]["level"] in ("error", "warning")
        ]
        return found


class Browser:
    def __init__(self, binary: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="comply-chromium-")
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the browser; closed in close())
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        # The child must find the pipe ends at fds 3 and 4: move them out of the way first (so the dup2
        # calls cannot clobber each other), then place them in the child just before it starts Chromium.
        child_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD_CLOEXEC, 20)
        child_write = fcntl.fcntl(replies_write, fcntl.F_DUPFD_CLOEXEC, 20)
        os.close(commands_read)
        os.close(replies_write)
        commands_read, replies_write = child_read, child_write

        def wire() -> None:
            os.dup2(commands_read, 3)
            os.dup2(replies_write, 4)

        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,  # a file, not a pipe: Chromium's chatter must never fill a pipe and block it
            preexec_fn=wire,
            pass_fds=(3, 4),
        )
        os.close(commands_read)
        os.close(replies_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for descriptor in (self._commands, self._replies):
            with contextlib.suppress(OSError):
                os.close(descriptor)
        self._stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _send(self, message: dict[str, Any]) -> None:
        os.write(self._commands, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                self._stderr.seek(0)
                stderr = self._stderr.read().decode(errors="replace")
                raise RuntimeError(f"Chromium closed the DevTools pipe: {stderr[-2000:]}")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
            self.events.append(self._receive(deadline))

    def visit(self, path: Path, expressions: dict[str, str], screenshot: Path, width: int = 1100) -> PageVisit:
        """Load `path`, evaluate `expressions` (name -> JS returning JSON-able data), screenshot the page."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        self.events.clear()
        self.call("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
        self.wait_for("Page.loadEventFired", session)
        visit = PageVisit()
        for name, expression in expressions.items():
            result = self.call(
                "Runtime.evaluate",
                {"expression": f"JSON.stringify({expression})", "returnByValue": True},
                session=session,
            )
            visit.values[name] = json.loads(result["result"]["value"])
        height = int(visit.values.get("height") or 900)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": min(height, 16000), "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        shot = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        # Collect what arrived meanwhile (late console messages, requests) before reading the record.
        self.call("Runtime.evaluate", {"expression": "1"}, session=session)
        for event in self.events:
            if event.get("sessionId") != session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                visit.requests.append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled":
                visit.console.append(params)
            elif method == "Runtime.exceptionThrown":
                visit.exceptions.append(params)
            elif method == "Log.entryAdded":
                visit.log.append(params)
        self.call("Target.closeTarget", {"targetId": target})
        return visit
