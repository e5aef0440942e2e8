"""The OPA server engine: evaluate on a real OPA (`opa run --server`) through opa-python-client.

Organisations that run OPA as their central policy decision point want comply's decisions to come
from it, with OPA's own decision logs. By default comply first syncs its policy bundle to the server
under a policy-id prefix it owns (`comply/...`): it uploads every module, writes the policy data beside
the packages (never over them) and deletes modules a previous version left under the prefix. With
`--opa-no-upload` it queries what the server already serves (a bundle built by `comply policy bundle`).

Every failure is fail-closed: an unreachable server, a timeout, a refused token, an HTTP error, an
undefined decision or a response of the wrong shape all become one `EngineError` line naming the URL,
the HTTP status and OPA's own error code and message. opa-python-client (and requests/urllib3 under
it) is imported only here, only when a server is configured.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from checker.engine.base import DECISION_PATH, DECISION_QUERY, check_decision, check_invariants
from checker.engine.bundle import Module, PolicyBundle
from checker.errors import EngineError, UsageError, one_line

DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The largest answer read from a server (a decision for one card is a few hundred KiB)."""
BUNDLES_PATH = "system/bundles"
"""Where OPA keeps the manifest of every activated bundle (`GET /v1/data/system/bundles`)."""
DEFAULT_POLICY_PREFIX = "comply"
TOKEN_ENV_VARS = ("COMPLY_OPA_TOKEN", "OPA_TOKEN")
_PREFIX = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")
_T = TypeVar("_T")


@dataclass(frozen=True)
class OpaSettings:
    """Where the server is and how to talk to it, from `--opa-*` options and comply.yaml `opa:`."""

    url: str
    scheme: str
    host: str
    port: int
    base_path: str
    token: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    verify: bool | str = True
    client_cert: str | tuple[str, str] | None = None
    policy_prefix: str = DEFAULT_POLICY_PREFIX
    upload: bool = True

    @property
    def root_url(self) -> str:
        """The REST API root (`http://host:port[/base]/v1`) every call is made under."""
        return f"{self.scheme}://{self.host}:{self.port}{self.base_path}/v1"

    @classmethod
    def from_sources(
        cls,
        config: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        environ: Mapping[str, str] | None = None,
        base: Path | None = None,
    ) -> OpaSettings:
        """Command-line options win over comply.yaml; the token may come from the environment."""
        env = os.environ if environ is None else environ
        url = str(options.get("opa_url") or config.get("url") or "")
        scheme, host, port, base_path = _parse_url(url)
        tls = config.get("tls") or {}
        if not isinstance(tls, Mapping):
            raise UsageError("opa.tls: expected a mapping with ca_cert, client_cert, client_key, verify")
        verify, client_cert = _tls(tls, base)
        if scheme == "http" and (tls.get("ca_cert") or client_cert):
            raise UsageError(f"opa.tls: certificates are set but the OPA url {url} is not https://")
        token = config.get("token") or next((env[name] for name in TOKEN_ENV_VARS if env.get(name)), None)
        prefix = str(config.get("policy_prefix") or DEFAULT_POLICY_PREFIX).strip("/")
        if not _PREFIX.match(prefix):
            raise UsageError(
                f"opa.policy_prefix: {prefix!r} is not a policy id prefix like 'comply' or 'teams/ml/comply'"
            )
        return cls(
            url=url.rstrip("/"),
            scheme=scheme,
            host=host,
            port=port,
            base_path=base_path,
            token=str(token) if token else None,
            timeout=_timeout(options.get("opa_timeout"), config.get("timeout")),
            verify=verify,
            client_cert=client_cert,
            policy_prefix=prefix,
            upload=not (options.get("opa_no_upload") or config.get("no_upload")),
        )


def _parse_url(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UsageError(f"--opa-url: expected http(s)://host[:port], got {url!r}")
    if parts.query or parts.fragment or parts.username:
        raise UsageError(f"--opa-url: {url!r} must not carry credentials, a query or a fragment (use opa.token)")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UsageError(f"--opa-url: {url!r} has an invalid port") from None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    base_path = parts.path.rstrip("/")
    if base_path.endswith("/v1"):
        base_path = base_path[: -len("/v1")]
    return parts.scheme, host, port, base_path


def _timeout(option: Any, configured: Any) -> float:
    value = option if option is not None else configured if configured is not None else DEFAULT_TIMEOUT
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise UsageError(f"OPA timeout: expected a positive number of seconds, got {value!r}")
    return float(value)


def _tls(tls: Mapping[str, Any], base: Path | None) -> tuple[bool | str, str | tuple[str, str] | None]:
    def existing(key: str) -> str | None:
        value = tls.get(key)
        if not value:
            return None
        path = Path(str(value))
        path = path if path.is_absolute() or base is None else base / path
        if not path.is_file():
            raise UsageError(f"opa.tls.{key}: {path}: no such file")
        return str(path)

    ca_cert = existing("ca_cert")
    verify_flag = tls.get("verify", True)
    if not isinstance(verify_flag, bool):
        raise UsageError(f"opa.tls.verify: expected true or false, got {verify_flag!r}")
    verify: bool | str = ca_cert if (ca_cert and verify_flag) else verify_flag
    cert, key = existing("client_cert"), existing("client_key")
    if key and not cert:
        raise UsageError("opa.tls.client_key is set without opa.tls.client_cert")
    return verify, ((cert, key) if cert and key else cert)


def policy_id(prefix: str, module: Module) -> str:
    """The OPA policy id of a module: comply's prefix, then the module's path without `/` or `..` tricks."""
    parts = [part for part in module.path.replace("\\", "/").split("/") if part not in {"", ".", ".."}]
    return "/".join([prefix, *parts])


def data_documents(data: Mapping[str, Any], packages: Sequence[str]) -> list[tuple[tuple[str, ...], Any]]:
    """Split policy data into documents that can be written without touching a policy package path.

    OPA refuses data that overlaps a package (`data.comply` holds both `comply.main` and the data
    `comply.thresholds`), so the data is written one level below the deepest package prefix:
    `comply/thresholds`, `comply/dates`, ... each as its own document.
    """
    package_paths = [tuple(package.split(".")) for package in packages]
    documents: list[tuple[tuple[str, ...], Any]] = []

    def walk(path: tuple[str, ...], value: Any) -> None:
        shared = any(pkg[: len(path)] == path for pkg in package_paths)
        if isinstance(value, Mapping) and (not path or shared):
            for key in sorted(value):
                walk((*path, str(key)), value[key])
        else:
            documents.append((path, value))

    walk((), data)
    return documents


class OpaServerEngine:
    """`Engine` that evaluates on an OPA server over its REST API."""

    def __init__(self, bundle: PolicyBundle, settings: OpaSettings, client: Any = None) -> None:
        self.bundle = bundle
        self.settings = settings
        self._client = client if client is not None else _make_client(settings)
        self._last_status: int | None = None
        self._last_body: str = ""
        self._deadline = time.monotonic() + settings.timeout
        session = _session(self._client)
        session.hooks["response"].append(self._remember)
        adapter = _bounded_adapter(self)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self._synced = False

    @classmethod
    def from_settings(
        cls, bundle: PolicyBundle, config: Mapping[str, Any], options: Mapping[str, Any], *, base: Path | None = None
    ) -> OpaServerEngine:
        """Build from comply.yaml's `opa:` mapping and the `--opa-*` options (see `OpaSettings`)."""
        return cls(bundle, OpaSettings.from_sources(config, options, base=base))

    def close(self) -> None:
        self._client.close_connection()

    def remaining(self) -> float:
        """Seconds left of the current step's deadline (`--opa-timeout` bounds each step in total)."""
        return self._deadline - time.monotonic()

    def _start_step(self) -> None:
        self._deadline = time.monotonic() + self.settings.timeout

    def evaluate(self, input_doc: Mapping[str, Any]) -> dict[str, Any]:
        if not self._synced:
            self._start_step()
            if self.settings.upload:
                self.sync()
            else:
                self.verify_served_bundle()
            self._synced = True
        self._start_step()
        body = self._call(f"querying {DECISION_QUERY}", self._client.query_rule, dict(input_doc), DECISION_PATH)
        if not isinstance(body, dict):
            raise EngineError(f"OPA server {self.settings.url}: the answer to {DECISION_QUERY} is not a JSON object")
        if "result" not in body:
            hint = (
                "load comply's bundle on the server (comply policy bundle -o bundle.tar.gz)"
                if not self.settings.upload
                else "the uploaded policies did not produce it"
            )
            raise EngineError(f"OPA server {self.settings.url}: {DECISION_QUERY} is undefined: {hint}")
        try:
            decision = check_decision(body["result"])
            check_invariants(decision, self.bundle)
        except EngineError as err:
            raise EngineError(f"OPA server {self.settings.url}: {err}") from None
        return decision

    # -- is the server's bundle the one this report records? ------------------------------------

    def verify_served_bundle(self) -> None:
        """With --opa-no-upload, refuse a server whose comply bundle is not this run's (digest and revision).

        OPA records the manifest of every bundle it activates under data.system.bundles; comply's bundle
        manifest carries the digest of its policies and data (`comply policy bundle`), which the report prints.
        """
        body = self._call("reading the bundle manifests", self._get_json, f"data/{BUNDLES_PATH}")
        bundles = body.get("result") if isinstance(body, dict) else None
        manifests = [
            item.get("manifest")
            for item in (bundles.values() if isinstance(bundles, dict) else ())
            if isinstance(item, dict)
        ]
        ours = [m for m in manifests if isinstance(m, dict) and "comply" in (m.get("roots") or [])]
        url = self.settings.url
        if not ours:
            raise EngineError(
                f"OPA server {url} serves no bundle with root comply (GET /v1/data/{BUNDLES_PATH}): cannot check "
                "that its policies are this run's; load comply's bundle (comply policy bundle -o bundle.tar.gz; "
                "opa run --server --bundle bundle.tar.gz)"
            )
        manifest: dict[str, Any] = ours[0]
        metadata = manifest.get("metadata")
        served_digest = metadata.get("comply_digest") if isinstance(metadata, dict) else None
        served_revision = manifest.get("revision")
        if served_digest != self.bundle.digest or served_revision != self.bundle.revision:
            raise EngineError(
                f"OPA server {url} serves comply bundle revision {served_revision} ({served_digest}), but this run's "
                f"policies are revision {self.bundle.revision} ({self.bundle.digest}): rebuild the bundle with the "
                "same comply.yaml, --policy and --data (comply policy bundle) or check without --opa-no-upload"
            )

    def _get_json(self, path: str) -> Any:
        response = _session(self._client).get(f"{self.settings.root_url}/{path}", timeout=self.remaining())
        response.raise_for_status()
        return response.json()

    def _verify_uploaded(self) -> None:
        """After a sync, the server must list every module exactly as uploaded."""
        listed = self._call("listing policies", self._list_policies)
        for module in self.bundle.policy_modules:
            name = policy_id(self.settings.policy_prefix, module)
            if listed.get(name) != module.source:
                raise EngineError(
                    f"OPA server {self.settings.url} does not serve {module.path} as uploaded (policy id {name}): "
                    "refusing its decisions"
                )

    # -- syncing the bundle to the server -------------------------------------------------------

    def sync(self) -> None:
        """Make the server hold exactly this bundle under comply's prefix: data, modules, no leftovers."""
        packages = [module.package for module in self.bundle.policy_modules]
        self._write_data(data_documents(self.bundle.data, packages))
        listed = self._call("listing policies", self._list_policy_ids)
        wanted = {policy_id(self.settings.policy_prefix, module): module for module in self.bundle.policy_modules}
        own = self.settings.policy_prefix + "/"
        stale = sorted(str(item) for item in listed if str(item).startswith(own) and str(item) not in wanted)
        steps: list[tuple[str, Callable[[], Any]]] = [
            (f"deleting stale policy {name}", _bind(self._client.delete_policy, quote(name, safe="/")))
            for name in stale
        ]
        steps += [
            (
                f"uploading policy {module.path}",
                _bind(self._client.update_policy_from_string, module.source, quote(name, safe="/"), False),
            )
            for name, module in wanted.items()
        ]
        self._until_settled(steps)
        self._verify_uploaded()

    def _list_policy_ids(self) -> list[str]:
        return sorted(self._list_policies())

    def _list_policies(self) -> dict[str, str]:
        """GET /v1/policies, without the trailing slash.

        opa-python-client's `get_policies_list` asks for `/v1/policies/`, which OPA 1.x routes to "get
        the policy with the empty id" (404); so this one request goes through the client's session.
        """
        response = _session(self._client).get(f"{self.settings.root_url}/policies", timeout=self.remaining())
        response.raise_for_status()
        body = response.json()
        listed = body.get("result") if isinstance(body, dict) else None
        if not isinstance(listed, list):
            raise EngineError(f"OPA server {self.settings.url}: GET /v1/policies did not return a list of policies")
        return {str(item["id"]): str(item.get("raw")) for item in listed if isinstance(item, dict) and item.get("id")}

    def _write_data(self, documents: list[tuple[tuple[str, ...], Any]]) -> None:
        objects = [(path, value) for path, value in documents if isinstance(value, Mapping)]
        others = [(path, value) for path, value in documents if not isinstance(value, Mapping)]
        for path, value in objects:
            self._call(
                f"writing data {'/'.join(path)}", self._client.update_or_create_data, dict(value), _endpoint(path)
            )
        for path, value in others:
            # opa-python-client only PUTs objects; arrays and scalars go in as a JSON Patch `add` on the parent.
            patch = [{"op": "add", "path": "/" + quote(path[-1], safe=""), "value": value}]
            self._call(f"writing data {'/'.join(path)}", self._client.patch_data, _endpoint(path[:-1]), patch)

    def _until_settled(self, steps: list[tuple[str, Callable[[], Any]]]) -> None:
        """Run policy changes until all succeed, retrying those OPA refuses until another lands first.

        OPA compiles the whole module set on every upload or delete, so a module that calls a function
        from one not yet uploaded (or a stale module still used by another) is refused for now; any
        order that works is found by retrying while progress is made. The first error that stays is
        the one reported.
        """
        pending = steps
        while pending:
            failed: list[tuple[str, Callable[[], Any]]] = []
            first_error: EngineError | None = None
            for action, step in pending:
                try:
                    self._call(action, step)
                except EngineError as err:
                    if self._last_status not in {400}:
                        raise
                    failed.append((action, step))
                    first_error = first_error or err
            if len(failed) == len(pending) and first_error is not None:
                raise first_error
            pending = failed

    # -- one request, every failure as one line -------------------------------------------------

    def _remember(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self._last_status = response.status_code
        self._last_body = response.text[:2000] if response.status_code >= 300 else ""

    def _call(self, action: str, fn: Callable[..., _T], *args: Any) -> _T:
        import requests
        from opa_client import errors as opa_errors

        self._last_status, self._last_body = None, ""
        url = self.settings.url
        try:
            return fn(*args)
        except requests.exceptions.JSONDecodeError:
            raise EngineError(self._http_failure(action, "the answer is not JSON")) from None
        except requests.exceptions.SSLError as err:
            raise EngineError(f"OPA server {url}: TLS failed while {action}: {_reason(err)}") from None
        except requests.exceptions.Timeout:
            raise EngineError(self._timeout_message(action)) from None
        except requests.exceptions.ConnectionError as err:
            if _timed_out(err):
                raise EngineError(self._timeout_message(action)) from None
            raise EngineError(f"cannot reach OPA server {url} while {action}: {_reason(err)}") from None
        except requests.exceptions.HTTPError as err:
            if err.response is not None:
                self._last_status, self._last_body = err.response.status_code, err.response.text[:2000]
            raise EngineError(self._http_failure(action)) from None
        except requests.exceptions.RequestException as err:
            raise EngineError(f"OPA server {url}: {action} failed: {one_line(str(err))[:300]}") from None
        except (
            opa_errors.RegoParseError,
            opa_errors.DeletePolicyError,
            opa_errors.DeleteDataError,
            opa_errors.PatchDataError,
            opa_errors.PolicyNotFoundError,
            opa_errors.QueryExecuteError,
            opa_errors.ConnectionsError,
        ):
            raise EngineError(self._http_failure(action)) from None
        except ResponseTooLarge as err:
            raise EngineError(f"OPA server {url}: {action} failed: {err} (refusing it)") from None
        except (TypeError, ValueError) as err:
            raise EngineError(f"OPA server {url}: {action} failed: {one_line(str(err))[:300]}") from None

    def _timeout_message(self, action: str) -> str:
        return (
            f"OPA server {self.settings.url} did not answer within {self.settings.timeout:g}s while {action} "
            "(a total deadline per step; raise --opa-timeout or opa.timeout)"
        )

    def _http_failure(self, action: str, problem: str = "") -> str:
        """`OPA server URL: ACTION failed: HTTP 400 invalid_parameter: message: file:row: detail`."""
        status = self._last_status
        code, message, detail = _opa_error(self._last_body)
        parts = [f"OPA server {self.settings.url}: {action} failed: HTTP {status if status is not None else '?'}"]
        if problem:
            parts[0] += f" ({problem})"
        if code or message:
            parts.append(" ".join(filter(None, [code, message and f"{message}"])).strip())
        elif self._last_body.strip():
            parts.append(one_line(self._last_body)[:200])
        if detail:
            parts.append(self._strip_prefix(detail))
        line = ": ".join(parts)
        if status in {401, 403}:
            line += " (set opa.token in comply.yaml or COMPLY_OPA_TOKEN)"
        elif "owned by bundle" in line:
            line += " (the server is bundle-managed: use --opa-no-upload)"
        return one_line(line)

    def _strip_prefix(self, text: str) -> str:
        return text.replace(self.settings.policy_prefix + "/", "")


class ResponseTooLarge(Exception):
    """A server answer above MAX_RESPONSE_BYTES (reported as one EngineError line)."""


def _bounded_adapter(engine: OpaServerEngine) -> Any:
    """A requests adapter that holds every request to the engine's deadline and caps the answer's size.

    requests' own timeout bounds each socket read, so a server that drips its answer could hold a run
    forever; here the body is read in pieces, each with the time that is left, and the whole stops at the
    deadline or at MAX_RESPONSE_BYTES.
    """
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import HTTPError as Urllib3Error
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    class BoundedAdapter(HTTPAdapter):
        def send(
            self,
            request: Any,
            stream: bool = False,
            timeout: Any = None,
            verify: bool | str = True,
            cert: Any = None,
            proxies: Any = None,
        ) -> Any:
            left = engine.remaining()
            if left <= 0:
                raise requests.exceptions.Timeout("deadline passed")
            response = super().send(request, stream=True, timeout=left, verify=verify, cert=cert, proxies=proxies)
            body = bytearray()
            try:
                sock = getattr(getattr(response.raw, "connection", None), "sock", None)
                while True:
                    left = engine.remaining()
                    if left <= 0:
                        raise requests.exceptions.Timeout("deadline passed while reading the answer")
                    if sock is not None:
                        sock.settimeout(left)
                    chunk = response.raw.read1(65536, decode_content=True)
                    if not chunk:
                        break
                    body += chunk
                    if len(body) > MAX_RESPONSE_BYTES:
                        raise ResponseTooLarge(f"the answer is over {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB")
            except (OSError, Urllib3Error) as err:
                response.close()
                if engine.remaining() <= 0 or isinstance(err, (TimeoutError, Urllib3Timeout)):
                    raise requests.exceptions.Timeout(str(err)) from None
                raise requests.exceptions.ConnectionError(str(err)) from None
            except BaseException:
                response.close()
                raise
            response._content = bytes(body)
            response._content_consumed = True
            response.close()
            return response

    return BoundedAdapter(max_retries=0)


def _bind(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: fn(*args)


def _endpoint(path: tuple[str, ...]) -> str:
    return "/".join(quote(part, safe="") for part in path)


def _opa_error(body: str) -> tuple[str, str, str]:
    """OPA's error body: `{"code", "message", "errors": [{"code", "message", "location"}]}`."""
    import json

    try:
        parsed = json.loads(body) if body.strip() else None
    except ValueError:
        return "", "", ""
    if not isinstance(parsed, dict):
        return "", "", ""
    code, message = str(parsed.get("code") or ""), one_line(str(parsed.get("message") or ""))
    details = []
    for error in parsed.get("errors") or []:
        if isinstance(error, dict) and error.get("message"):
            location = error.get("location") if isinstance(error.get("location"), dict) else {}
            where = f"{location.get('file')}:{location.get('row')}: " if location and location.get("file") else ""
            details.append(f"{where}{one_line(str(error['message']))}")
    detail = "; ".join(details[:3]) + (f" (and {len(details) - 3} more)" if len(details) > 3 else "")
    return code, message, detail


def _timed_out(err: BaseException) -> bool:
    """requests reports a read timeout on an idempotent request with retries off as a ConnectionError."""
    from urllib3.exceptions import NewConnectionError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    reason = getattr(err.args[0], "reason", None) if err.args else None
    # urllib3's NewConnectionError (connection refused) derives from its ConnectTimeoutError.
    return isinstance(reason, Urllib3Timeout) and not isinstance(reason, NewConnectionError)


def _reason(err: BaseException) -> str:
    """The useful part of a requests/urllib3 connection error (`Connection refused`, a TLS verify failure)."""
    text = str(err)
    found = _ERRNO.search(text)
    if found:
        return found.group(1).strip()
    for marker in ("CERTIFICATE_VERIFY_FAILED", "Name or service not known", "Connection refused", "timed out"):
        if marker in text:
            return marker
    return one_line(text)[:200] or type(err).__name__


def _session(client: Any) -> Any:
    """The requests session inside an OpaClient.

    opa-python-client offers no hook for the HTTP status of a failed upload (its errors carry only
    OPA's code and message) nor for `verify=False` over https, so comply reaches into the session it
    creates: one place, checked by the tests against the installed version.
    """
    session = getattr(client, "_session", None)
    if session is None or not hasattr(session, "hooks"):
        raise EngineError("opa-python-client changed: its OpaClient has no requests session to configure")
    return session


def _make_client(settings: OpaSettings) -> Any:
    try:
        from opa_client import OpaClient
    except ImportError as err:
        raise EngineError(f"the OPA server engine needs opa-python-client: {err}") from None
    client = OpaClient(
        host=settings.host,
        port=settings.port,
        ssl=settings.scheme == "https",
        cert=settings.client_cert,
        token=settings.token,
        retries=0,
        timeout=settings.timeout,
    )
    client.root_url = settings.root_url
    session = _session(client)
    if settings.scheme == "https":
        session.verify = settings.verify
    return client
