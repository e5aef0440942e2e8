"""`comply check --opa-url`: the same report as the embedded engine, and every failure fail-closed.

Each test runs the real CLI as a subprocess against the test OPA server (tests/opa/opa_test_server.py),
which evaluates with the real OPA Go engine behind OPA's REST API.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error, comply
from tests.opa.discovery import OPA_CARDS, ROOT, example_cards, label
from tests.opa.opa_test_server import Faults, OpaTestServer, running

REFERENCE = ("--reference-date", "2028-01-01")
FIXTURE_CARD = OPA_CARDS / "minimal-chatbot.model_card.yaml"


def check_json(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    done = comply("check", *args, "--format", "json", *REFERENCE, env=env, cwd=cwd)
    return done.returncode, done.stdout, done.stderr


def cards_argument() -> list[str]:
    """Every example card plus the OPA fixture card, checked in one run."""
    return [label(card) for card in example_cards()] + [label(FIXTURE_CARD)]


def test_http_path_report_equals_embedded_report_byte_for_byte(opa_server: OpaTestServer) -> None:
    cards = cards_argument()
    embedded = check_json(*cards)
    served = check_json(*cards, "--opa-url", opa_server.url)
    assert embedded[0] in (0, 1), embedded[2]
    assert served == embedded
    posts = [path for method, path in opa_server.requests if method == "POST"]
    assert posts == ["/v1/data/comply/main/decision"] * len(cards)


def test_custom_policies_are_uploaded_and_decide_the_same(opa_server: OpaTestServer, tmp_path: Path) -> None:
    custom = tmp_path / "org"
    custom.mkdir()
    (custom / "owner.rego").write_text(
        "package comply.custom.owner\n\nimport rego.v1\n\n"
        "# METADATA\n# title: Every model names an owner\n# custom:\n#   id: org.model_owner\n"
        "#   article: Organisation policy\n#   severity: low\n#   remediation: Set model_details.owner.\n"
        'deny contains {"id": "org.model_owner", "msg": "model_details.owner is missing", '
        '"field": "card.model_details.owner"} if not input.card.model_details.owner\n\n'
        'checks contains "org.model_owner"\n',
        encoding="utf-8",
    )
    args = (label(FIXTURE_CARD), "--policy", str(custom))
    embedded = check_json(*args)
    served = check_json(*args, "--opa-url", opa_server.url)
    assert served == embedded
    assert '"org.model_owner"' in served[1]
    assert any(path.endswith("/owner.rego") for method, path in opa_server.requests if method == "PUT")


def test_stale_comply_policies_are_deleted_and_foreign_ones_kept(opa_server: OpaTestServer) -> None:
    opa_server.put_policy(
        "comply/policies/rules/retired.rego",
        'package comply.rules.retired\n\nimport rego.v1\n\ndeny contains {"id": "old.rule", "msg": "stale"} if true\n',
    )
    opa_server.put_policy("someone-else/authz.rego", "package authz\n\nimport rego.v1\n\nallow := true\n")
    embedded = check_json(label(FIXTURE_CARD))
    served = check_json(label(FIXTURE_CARD), "--opa-url", opa_server.url)
    assert served == embedded
    ids = set(opa_server.state.policies)
    assert "comply/policies/rules/retired.rego" not in ids
    assert "someone-else/authz.rego" in ids


def test_no_upload_queries_a_bundle_managed_server(opa_server: OpaTestServer, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.tar.gz"
    built = comply("policy", "bundle", "-o", str(bundle))
    assert built.returncode == 0, built.stderr
    load_bundle_into(opa_server, bundle)
    before = len(opa_server.requests)
    embedded = check_json(*cards_argument())
    served = check_json(*cards_argument(), "--opa-url", opa_server.url, "--opa-no-upload")
    assert served == embedded
    asked = opa_server.requests[before:]
    assert {method for method, _ in asked} == {"GET", "POST"}
    assert [path for method, path in asked if method == "GET"] == ["/v1/data/system/bundles"], "one manifest read"


def test_opa_settings_come_from_comply_yaml_and_the_token_from_the_environment(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    card.write_text(FIXTURE_CARD.read_text(encoding="utf-8"), encoding="utf-8")
    with running(Faults(token="s3cret")) as server:
        embedded = check_json(str(card))
        assert not server.requests
        served = check_json(str(card), "--opa-url", server.url, env={"COMPLY_OPA_TOKEN": "s3cret"})
        assert served == embedded
        posts = sum(1 for method, _ in server.requests if method == "POST")
        (tmp_path / "comply.yaml").write_text(f"opa:\n  url: {server.url}\n  timeout: 120\n  token: s3cret\n")
        from_config = check_json("model_card.yaml", cwd=tmp_path, env={"COMPLY_OPA_TOKEN": ""})
        assert from_config[0] == embedded[0], from_config[2]
        assert sum(1 for method, _ in server.requests if method == "POST") == posts + 1


def load_bundle_into(server: OpaTestServer, bundle: Path) -> None:
    """What `opa run --server bundle.tar.gz` does with comply's bundle: activate it whole."""
    import json

    policies: dict[str, str] = {}
    data: dict[str, object] = {}
    manifest: dict[str, object] = {}
    with tarfile.open(bundle, "r:gz") as archive:
        for member in archive.getmembers():
            handle = archive.extractfile(member)
            assert handle is not None
            text = handle.read().decode("utf-8")
            if member.name.endswith(".rego"):
                policies[member.name] = text
            elif member.name == "data.json":
                data = json.loads(text)
            elif member.name == ".manifest":
                manifest = json.loads(text)
    status, body = server.activate(policies, data, manifest)
    assert status == 200, body


# -- failure modes: exit 2, one `comply: error:` line, no traceback -----------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fail(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return comply("check", label(FIXTURE_CARD), *REFERENCE, *args, env=env)


def test_unreachable_server() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert_one_line_error(fail("--opa-url", url), f"cannot reach OPA server {url}", "Connection refused")


def test_timeout_is_configurable_and_fails_closed() -> None:
    with running(Faults(delay=3.0)) as server:
        done = fail("--opa-url", server.url, "--opa-timeout", "0.5")
    assert_one_line_error(done, f"OPA server {server.url} did not answer within 0.5s", "--opa-timeout")


@pytest.mark.parametrize(
    ("token", "status"), [(None, "HTTP 401"), ("wrong", "HTTP 403")], ids=["missing-token", "wrong-token"]
)
def test_refused_token(token: str | None, status: str) -> None:
    env = {"COMPLY_OPA_TOKEN": token or "", "OPA_TOKEN": ""}
    with running(Faults(token="s3cret")) as server:
        done = fail("--opa-url", server.url, env=env)
    assert_one_line_error(done, server.url, status, "unauthorized", "COMPLY_OPA_TOKEN")


def test_server_error_shows_opas_error_body() -> None:
    body = '{"code": "internal_error", "message": "storage is on fire"}'
    with running(Faults(fail=(500, body))) as server:
        done = fail("--opa-url", server.url)
    assert_one_line_error(done, server.url, "HTTP 500", "internal_error", "storage is on fire")


def test_an_empty_server_with_no_upload_serves_no_bundle_to_trust(opa_server: OpaTestServer) -> None:
    done = fail("--opa-url", opa_server.url, "--opa-no-upload")
    assert_one_line_error(done, "serves no bundle with root comply", "comply policy bundle")


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b'{"result": {"classification": "high", "results": []}}', "no classification tier"),
        (b'{"result": {"classification": {"tier": "high"}, "results": [{"id": 1}]}}', "malformed result"),
        (b'{"result": [1, 2]}', "undefined or not an object"),
        (b"<html>gateway says hi</html>", "not JSON"),
        (b'["not", "an", "object"]', "not a JSON object"),
    ],
    ids=["tier-missing", "bad-result", "list-decision", "html", "top-level-list"],
)
def test_wrong_shape_response(body: bytes, needle: str) -> None:
    with running(Faults(decision_body=body)) as server:
        done = fail("--opa-url", server.url)
    assert_one_line_error(done, server.url, needle)


def test_policy_the_server_cannot_compile_is_reported_with_file_and_line(
    opa_server: OpaTestServer, tmp_path: Path
) -> None:
    (tmp_path / "broken.rego").write_text(
        "package comply.custom.broken\n\nimport rego.v1\n\nchecks contains x if x := no_such_function(1)\n"
    )
    done = fail("--opa-url", opa_server.url, "--policy", str(tmp_path))
    assert_one_line_error(done, "uploading policy", "HTTP 400", "broken.rego:5", "undefined function")


def test_bundle_owned_paths_suggest_no_upload(tmp_path: Path) -> None:
    body = '{"code": "invalid_parameter", "message": "path comply/thresholds is owned by bundle \\"comply\\""}'
    with running(Faults(fail=(400, body))) as server:
        done = fail("--opa-url", server.url)
    assert_one_line_error(done, "HTTP 400", "owned by bundle", "--opa-no-upload")


@pytest.mark.parametrize(
    ("url", "needle"),
    [("localhost:8181", "expected http(s)://host"), ("http://user:pw@h:1", "must not carry credentials")],
)
def test_bad_url_is_a_usage_error(url: str, needle: str) -> None:
    assert_one_line_error(fail("--opa-url", url), needle)


def test_opa_client_is_not_imported_on_the_embedded_path() -> None:
    code = (
        "import sys; from checker.check import CheckRequest, open_session, run_check; from pathlib import Path;"
        f"r = CheckRequest(paths=[Path({str(FIXTURE_CARD)!r})]); run_check(r, open_session(r));"
        "bad = sorted(m for m in ('opa_client', 'requests', 'aiohttp', 'urllib3') if m in sys.modules);"
        "print(','.join(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


# --- a server's word is not taken -----------------------------------------------------------------


def test_no_upload_refuses_a_bundle_other_than_the_one_the_report_records(
    opa_server: OpaTestServer, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.tar.gz"
    (tmp_path / "lenient.yaml").write_text("thresholds:\n  min_group_size: 31\n")
    built = comply("policy", "bundle", "-o", str(bundle), "--data", str(tmp_path / "lenient.yaml"))
    assert built.returncode == 0, built.stderr
    load_bundle_into(opa_server, bundle)
    done = fail("--opa-url", opa_server.url, "--opa-no-upload")
    assert_one_line_error(done, "serves comply bundle revision", "but this run's policies are", "sha256:")
    matching = comply(
        "check",
        label(FIXTURE_CARD),
        "--opa-url",
        opa_server.url,
        "--opa-no-upload",
        "--data",
        str(tmp_path / "lenient.yaml"),
        *REFERENCE,
    )
    assert matching.returncode in {0, 1}, matching.stderr


def _decision(tier: str, results: list[dict[str, object]]) -> bytes:
    import json

    return json.dumps({"result": {"classification": {"tier": tier}, "results": results}}).encode()


GATE = {"id": "org.classification.determined", "status": "pass", "findings": []}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (_decision("prohibited", []), "classifies the system as prohibited yet fails no rule"),
        (_decision("undetermined", [GATE]), "classifies the system as undetermined yet fails no rule"),
        (_decision("minimal", [GATE, GATE]), "reports rule org.classification.determined more than once"),
        (_decision("minimal", []), "omits built-in rule(s) its classification owes: org.classification.determined"),
    ],
    ids=["prohibited-without-results", "undetermined-passing", "duplicate-ids", "gate-missing"],
)
def test_a_decision_that_contradicts_itself_is_refused(body: bytes, needle: str) -> None:
    with running(Faults(decision_body=body)) as server:
        done = fail("--opa-url", server.url)
    assert_one_line_error(done, server.url, needle)


def test_a_built_in_rule_the_classification_owes_must_be_reported() -> None:
    import json

    body = json.dumps(
        {
            "result": {
                "classification": {"tier": "high", "obligations": [{"id": "art12.record_keeping_logging"}]},
                "results": [GATE],
            }
        }
    ).encode()
    with running(Faults(decision_body=body)) as server:
        done = fail("--opa-url", server.url)
    assert_one_line_error(done, "omits built-in rule(s)", "art12.record_keeping_logging")


def test_the_timeout_is_a_total_deadline_for_a_dripping_server() -> None:
    """Each 16-byte piece comes well within a per-read timeout; the whole answer would take minutes."""
    with running(Faults(drip=0.05)) as server:
        done = fail("--opa-url", server.url, "--opa-timeout", "2")
    assert_one_line_error(done, "did not answer within 2s", "total deadline")


def test_an_oversized_answer_is_refused() -> None:
    body = b'{"result": "' + b"x" * (33 * 1024 * 1024) + b'"}'
    with running(Faults(decision_body=body)) as server:
        done = fail("--opa-url", server.url)
    assert_one_line_error(done, server.url, "over 32 MiB")
