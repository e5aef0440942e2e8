"""TEST FIXTURE: a small stand-in for `opa run --server`, evaluating with the real OPA Go engine.

There is no `opa` binary on the build machines, but the OPA v1 Go engine is available in-process
(`opa_bindings`, from opa-golib-python-bindings). This module puts the subset of OPA's REST API that
comply uses in front of it, so the HTTP path (opa-python-client, requests, status codes, error bodies)
is exercised for real:

    GET    /health
    GET    /v1/policies                 list {id, raw}
    GET    /v1/policies/{id}            (an empty id is a 404, as in OPA 1.x)
    PUT    /v1/policies/{id}            text/plain Rego; refused with OPA's 400 body if the set does not compile
    DELETE /v1/policies/{id}
    PUT    /v1/data/{path}              JSON document (refused when it overlaps a policy package)
    PATCH  /v1/data/{path}              JSON Patch add / replace / remove
    GET    /v1/data/{path}
    POST   /v1/data/{path}              {"input": ...} -> {"result": ...}, or {} when undefined
    GET    /v1/data/system/bundles      the manifest of every activated bundle, as OPA stores them

Faults for the failure-mode tests: `token` (401 without it, 403 with a wrong one), `delay` (sleep
before every answer), `fail` (answer every API call with a fixed status and body), `decision_body`
(answer data POSTs with fixed bytes), `drip` (send the answer to data POSTs 16 bytes at a time, this many
seconds apart: a server that never stops answering). It listens on 127.0.0.1 on a random port, and stops itself
after `max_lifetime` seconds even if a test forgets to.

It is not OPA: bundles are activated whole from the test (`activate`), no bundle downloads, no decision
logs, no authorization policy. Never ship it.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.conftest import need_opa

opa_bindings = need_opa()
OpaEngine, OpaError, OpaUndefinedError = opa_bindings.OpaEngine, opa_bindings.OpaError, opa_bindings.OpaUndefinedError


_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_][\w.]*)", re.MULTILINE)
_AST_ERROR = re.compile(r"(?P<file>\S+?):(?P<row>\d+): (?P<code>rego_\w+): (?P<message>[^\n]+)")


@dataclass
class Faults:
    """What the server does wrong on purpose."""

    token: str | None = None
    delay: float = 0.0
    fail: tuple[int, str] | None = None
    decision_body: bytes | None = None
    drip: float = 0.0


@dataclass
class _State:
    policies: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    engine: OpaEngine | None = None
    requests: list[tuple[str, str]] = field(default_factory=list)
    bundles: dict[str, Any] = field(default_factory=dict)


class OpaTestServer:
    """The fixture: start it, point comply at `.url`, stop it (or use `running()`)."""

    def __init__(self, faults: Faults | None = None, *, max_lifetime: float = 300.0) -> None:
        self.faults = faults or Faults()
        self.state = _State()
        self.lock = threading.RLock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="opa-test-server", daemon=True)
        self._deadline = threading.Timer(max_lifetime, self.stop)
        self._deadline.daemon = True

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[tuple[str, str]]:
        with self.lock:
            return list(self.state.requests)

    def start(self) -> OpaTestServer:
        self._thread.start()
        self._deadline.start()
        return self

    def stop(self) -> None:
        self._deadline.cancel()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self.lock:
            if self.state.engine is not None:
                self.state.engine.close()
                self.state.engine = None

    # -- what the REST handlers do -------------------------------------------------------------

    def engine(self) -> OpaEngine:
        with self.lock:
            if self.state.engine is None:
                self.state.engine = build_engine(self.state.policies, self.state.data)
            return self.state.engine

    def put_policy(self, policy_id: str, source: str) -> tuple[int, Any]:
        with self.lock:
            candidate = {**self.state.policies, policy_id: source}
            refused = compile_errors(candidate, self.state.data)
            if refused is not None:
                return 400, refused
            conflict = data_conflict(candidate, self.state.data)
            if conflict:
                return 400, {"code": "invalid_parameter", "message": conflict}
            self._replace(policies=candidate)
            return 200, {}

    def activate(
        self,
        policies: Mapping[str, str],
        data: Mapping[str, Any],
        manifest: Mapping[str, Any] | None = None,
        name: str = "bundle.tar.gz",
    ) -> tuple[int, Any]:
        """Load a whole bundle at once, as OPA activates one (modules that call each other in any order),
        recording its `.manifest` under data.system.bundles[name].manifest as OPA does."""
        with self.lock:
            refused = compile_errors(policies, data)
            if refused is not None:
                return 400, refused
            self._replace(policies=dict(policies), data=json.loads(json.dumps(dict(data))))
            self.state.bundles = {name: {"manifest": dict(manifest)}} if manifest is not None else {}
            return 200, {}

    def delete_policy(self, policy_id: str) -> tuple[int, Any]:
        with self.lock:
            if policy_id not in self.state.policies:
                return 404, not_found(f"storage_not_found_error: policy id {policy_id!r}")
            candidate = {k: v for k, v in self.state.policies.items() if k != policy_id}
            refused = compile_errors(candidate, self.state.data)
            if refused is not None:
                return 400, {**refused, "code": "invalid_operation"}
            self._replace(policies=candidate)
            return 200, {}

    def put_data(self, path: list[str], value: Any) -> tuple[int, Any]:
        with self.lock:
            data = json.loads(json.dumps(self.state.data))
            if not path:
                data = value
            else:
                parent = data
                for key in path[:-1]:
                    parent = parent.setdefault(key, {})
                    if not isinstance(parent, dict):
                        return 400, {
                            "code": "invalid_parameter",
                            "message": f"/{'/'.join(path)}: parent is not an object",
                        }
                parent[path[-1]] = value
            conflict = data_conflict(self.state.policies, data)
            if conflict:
                return 400, {"code": "invalid_parameter", "message": conflict}
            self._replace(data=data)
            return 204, None

    def patch_data(self, path: list[str], ops: Any) -> tuple[int, Any]:
        with self.lock:
            data = json.loads(json.dumps(self.state.data))
            for op in ops if isinstance(ops, list) else [None]:
                if not isinstance(op, dict) or op.get("op") not in {"add", "replace", "remove"}:
                    return 400, {"code": "invalid_parameter", "message": f"bad JSON Patch operation {op!r}"}
                keys = path + [unquote(k) for k in str(op.get("path", "")).split("/") if k]
                parent = _lookup(data, keys[:-1])
                if not isinstance(parent, dict) or not keys or (op["op"] != "add" and keys[-1] not in parent):
                    return 404, not_found(f"storage_not_found_error: /{'/'.join(keys)}: document does not exist")
                if op["op"] == "remove":
                    del parent[keys[-1]]
                else:
                    parent[keys[-1]] = op.get("value")
            self._replace(data=data)
            return 204, None

    def evaluate(self, path: list[str], input_doc: Any) -> tuple[int, Any]:
        try:
            value = self.engine().eval_document(".".join(path), input_doc)
        except OpaUndefinedError:
            return 200, {}
        except OpaError as err:
            return 500, {"code": "internal_error", "message": err.message}
        return 200, {"result": value}

    def _replace(self, *, policies: dict[str, str] | None = None, data: dict[str, Any] | None = None) -> None:
        if self.state.engine is not None:
            self.state.engine.close()
        self.state.engine = None
        if policies is not None:
            self.state.policies = policies
        if data is not None:
            self.state.data = data


@contextmanager
def running(faults: Faults | None = None) -> Iterator[OpaTestServer]:
    """A started server, stopped when the block ends."""
    server = OpaTestServer(faults).start()
    try:
        yield server
    finally:
        server.stop()


def build_engine(policies: Mapping[str, str], data: Mapping[str, Any]) -> OpaEngine:
    engine = OpaEngine()
    for policy_id in sorted(policies):
        engine.add_policy(policy_id, policies[policy_id])
    if data:
        engine.add_data(dict(data))
    return engine


def compile_errors(policies: Mapping[str, str], data: Mapping[str, Any]) -> dict[str, Any] | None:
    """OPA's 400 body when this module set does not parse or compile, else None."""
    engine = OpaEngine()
    try:
        for policy_id in sorted(policies):
            engine.add_policy(policy_id, policies[policy_id])
        engine.eval_query("x = 1")
    except OpaError as err:
        errors = [
            {
                "code": m["code"],
                "message": m["message"],
                "location": {"file": m["file"], "row": int(m["row"]), "col": 1},
            }
            for m in _AST_ERROR.finditer(err.message)
        ] or [{"code": "rego_compile_error", "message": err.message}]
        return {"code": "invalid_parameter", "message": "error(s) occurred while compiling module(s)", "errors": errors}
    finally:
        engine.close()
    return None


def data_conflict(policies: Mapping[str, str], data: Mapping[str, Any]) -> str:
    """OPA refuses base documents at or above a package path (`data.comply` when `comply.main` exists)."""
    for source in policies.values():
        match = _PACKAGE.search(source)
        if not match:
            continue
        node: Any = data
        for key in match.group(1).split("."):
            if not isinstance(node, dict) or key not in node:
                break
            node = node[key]
        else:
            return f"conflicting rules data.{match.group(1)} found in data"
    return ""


def not_found(message: str) -> dict[str, str]:
    return {"code": "resource_not_found", "message": message}


def _lookup(data: Any, keys: list[str]) -> Any:
    node = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _handler_for(server: OpaTestServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: pytest shows failures, not access logs."""

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_PUT(self) -> None:
            self._dispatch("PUT")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def do_PATCH(self) -> None:
            self._dispatch("PATCH")

        def do_DELETE(self) -> None:
            self._dispatch("DELETE")

        def _dispatch(self, method: str) -> None:
            path = urlsplit(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with server.lock:
                server.state.requests.append((method, path))
            faults = server.faults
            if faults.delay:
                time.sleep(faults.delay)
            if path == "/health" and method == "GET":
                return self._send(200, {})
            if not path.startswith("/v1/"):
                return self._send(404, not_found(f"no such endpoint {path}"))
            if faults.token is not None:
                given = self.headers.get("Authorization")
                if given is None:
                    return self._send(401, {"code": "unauthorized", "message": "authentication required"})
                if given != f"Bearer {faults.token}":
                    return self._send(
                        403, {"code": "unauthorized", "message": "request rejected by administrative policy"}
                    )
            if faults.fail is not None:
                status, text = faults.fail
                return self._send_bytes(status, text.encode(), "application/json")
            if faults.decision_body is not None and method == "POST" and path.startswith("/v1/data"):
                return self._send_bytes(200, faults.decision_body, "application/json")
            if faults.drip and method == "POST" and path.startswith("/v1/data"):
                return self._drip(faults.drip)
            try:
                status, payload = self._route(method, path, body)
            except ValueError as err:
                status, payload = 400, {"code": "invalid_parameter", "message": f"cannot decode body: {err}"}
            self._send(status, payload)

        def _route(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
            if path == "/v1/policies" and method == "GET":
                with server.lock:
                    listed = [{"id": k, "raw": v} for k, v in sorted(server.state.policies.items())]
                return 200, {"result": listed}
            if path.startswith("/v1/policies/"):
                policy_id = unquote(path[len("/v1/policies/") :])
                if method == "PUT" and policy_id:
                    return server.put_policy(policy_id, body.decode("utf-8"))
                if method == "DELETE" and policy_id:
                    return server.delete_policy(policy_id)
                if method == "GET":
                    with server.lock:
                        raw = server.state.policies.get(policy_id)
                    if raw is None:
                        return 404, not_found(f"storage_not_found_error: policy id {policy_id!r}")
                    return 200, {"result": {"id": policy_id, "raw": raw}}
            if path == "/v1/data" or path.startswith("/v1/data/"):
                keys = [unquote(part) for part in path[len("/v1/data") :].split("/") if part]
                if method == "PUT":
                    return server.put_data(keys, json.loads(body))
                if method == "PATCH":
                    return server.patch_data(keys, json.loads(body))
                if method == "POST":
                    request = json.loads(body) if body else {}
                    return server.evaluate(keys, request.get("input") if isinstance(request, dict) else None)
                if method == "GET" and keys[:2] == ["system", "bundles"]:
                    with server.lock:
                        return 200, {"result": json.loads(json.dumps(server.state.bundles))}
                if method == "GET":
                    return server.evaluate(keys, None)
            return 405, {"code": "invalid_parameter", "message": f"{method} {path} is not supported"}

        def _drip(self, pause: float) -> None:
            body = json.dumps({"result": {"classification": {"tier": "minimal"}, "results": []}}).encode() * 1000
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for start in range(0, len(body), 16):
                    self.wfile.write(body[start : start + 16])
                    self.wfile.flush()
                    time.sleep(pause)
            except OSError:
                pass  # the client gave up, as it should

        def _send(self, status: int, payload: Any) -> None:
            if payload is None:
                self._send_bytes(status, b"", None)
            else:
                self._send_bytes(status, json.dumps(payload).encode(), "application/json")

        def _send_bytes(self, status: int, body: bytes, content_type: str | None) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    return Handler


if __name__ == "__main__":
    with running() as fixture:
        print(f"opa test server listening on {fixture.url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
