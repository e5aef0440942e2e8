"""`comply policy bundle`: a standard OPA bundle, byte-identical run to run, that real OPA decides with."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from checker.engine.base import DECISION_PATH
from checker.engine.bundle import load_bundle
from checker.engine.regorus_engine import RegorusEngine
from tests.conftest import assert_one_line_error, comply, need_opa

OpaEngine = need_opa().OpaEngine

CARD_INPUT = {
    "card": {"model_details": {"name": "bundle-test"}, "ai_act": {"use_cases": ["employment.recruitment"]}},
    "evidence": {},
    "context": {"reference_date": "2028-01-01", "timeline": "amended", "card_file": "model_card.yaml"},
}


def build(tmp_path: Path, name: str, *args: str) -> Path:
    output = tmp_path / name
    done = comply("policy", "bundle", "-o", str(output), *args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {output}: ")
    return output


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as archive:
        found = {}
        for member in archive.getmembers():
            assert member.isfile() and member.mtime == 0 and member.uid == 0 and member.uname == ""
            handle = archive.extractfile(member)
            assert handle is not None
            found[member.name] = handle.read()
        return found


def test_bundle_is_standard_and_deterministic(tmp_path: Path) -> None:
    first, second = build(tmp_path, "a.tar.gz"), build(tmp_path, "b.tar.gz")
    assert first.read_bytes() == second.read_bytes()
    files = members(first)
    names = list(files)
    assert names[:2] == [".manifest", "data.json"]
    assert names[2:] == sorted(names[2:])
    manifest = json.loads(files[".manifest"])
    bundle = load_bundle()
    assert manifest == {"revision": bundle.revision, "roots": ["comply"], "metadata": {"comply_digest": bundle.digest}}
    assert json.loads(files["data.json"]) == bundle.data
    assert {name for name in names if name.endswith(".rego")} == {m.path for m in bundle.policy_modules}
    assert not any(name.endswith("_test.rego") for name in names)


def test_real_opa_loaded_from_the_bundle_decides_like_regorus(tmp_path: Path) -> None:
    files = members(build(tmp_path, "bundle.tar.gz"))
    engine = OpaEngine()
    for name, content in files.items():
        if name.endswith(".rego"):
            engine.add_policy(name, content.decode("utf-8"))
    engine.add_data(json.loads(files["data.json"]))
    decided = engine.eval_document(DECISION_PATH.replace("/", "."), CARD_INPUT)
    assert decided == RegorusEngine(load_bundle()).evaluate(CARD_INPUT)
    assert decided["results"], "a decision with no rule results proves nothing"


def test_custom_policies_and_thresholds_are_baked_in(tmp_path: Path) -> None:
    custom = tmp_path / "org"
    custom.mkdir()
    (custom / "owner.rego").write_text(
        'package comply.custom.owner\n\nimport rego.v1\n\nchecks contains "org.x" if false\n'
    )
    (tmp_path / "limits.yaml").write_text("thresholds:\n  min_group_size: 50\n")
    files = members(build(tmp_path, "org.tar.gz", "--policy", str(custom), "--data", str(tmp_path / "limits.yaml")))
    assert any(name.startswith("custom/") and name.endswith("org/owner.rego") for name in files)
    assert json.loads(files["data.json"])["comply"]["thresholds"]["min_group_size"] == 50


def test_unwritable_output_is_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = comply("policy", "bundle", "-o", str(blocker / "bundle.tar.gz"))
    assert_one_line_error(done, "cannot write bundle")
