"""The GitHub Action's script step, run locally exactly as the runner runs it.

The `comply check` step of action.yml is taken from the file, its `${{ inputs.* }}` replaced by test
values, and run with `bash --noprofile --norc -eo pipefail` (the runner's shell for `shell: bash`) with
GITHUB_STEP_SUMMARY and GITHUB_OUTPUT pointing at temporary files and a `comply` on PATH.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT
from tests.gate.validators import junit_errors, sarif_errors

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
GAPS = "examples/credit-scoring-gaps/model_card.yaml"
GOOD = "examples/credit-scoring/model_card.yaml"
WARNED = "examples/loan-desk-deployer/model_card.yaml"  # passes with one warning


def run_step(
    tmp_path: Path, cwd: Path = ROOT, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], str, dict[str, str]]:
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "check")
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs

    def substitute(text: str) -> str:
        return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], text)

    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    (shim / "comply").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m checker "$@"\n', encoding="utf-8")
    (shim / "comply").chmod(0o755)
    script = tmp_path / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.write_text("", encoding="utf-8")
    output.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        **{key: substitute(str(value)) for key, value in step["env"].items()},
        "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "NO_COLOR": "1",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_ACTIONS": "true",
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
    return done, summary.read_text(encoding="utf-8"), outputs


def test_the_action_declares_the_documented_inputs() -> None:
    assert {"paths", "config", "format", "fail-on-warn", "python-version"} <= set(ACTION["inputs"])
    assert ACTION["runs"]["using"] == "composite"
    assert all(step.get("shell") == "bash" for step in ACTION["runs"]["steps"] if "run" in step)


def test_a_failing_card_fails_the_step_after_writing_summary_annotations_and_sarif(tmp_path: Path) -> None:
    sarif = tmp_path / "comply.sarif"
    done, summary, outputs = run_step(
        tmp_path, paths=f"{GAPS} {GOOD}", **{"report-file": str(sarif), "args": "--reference-date 2026-11-25"}
    )
    assert done.returncode == 1, done.stderr
    assert summary.startswith("## comply") and f"| `{GAPS}` |" in summary
    assert any(line.startswith(f"::error file={GAPS},line=") for line in done.stdout.splitlines())
    assert "Summary" in done.stdout  # the text report in the log
    assert outputs == {"report-file": str(sarif), "exit-code": "1"}
    assert sarif_errors(json.loads(sarif.read_text(encoding="utf-8"))) == []


def test_a_passing_card_passes_and_fail_on_warn_is_honoured(tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    common = {"paths": GOOD, "format": "junit", "report-file": str(report), "args": "--reference-date 2026-11-25"}
    done, summary, outputs = run_step(tmp_path, **common)
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["exit-code"] == "0" and "✅" in summary
    assert junit_errors(report.read_text(encoding="utf-8")) == []
    assert run_step(tmp_path, **common, **{"fail-on-warn": "true"})[0].returncode == 0  # no warning to fail on
    warned = {**common, "paths": WARNED}
    lenient, _, _ = run_step(tmp_path, **warned)
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr
    strict, _, strict_outputs = run_step(tmp_path, **warned, **{"fail-on-warn": "true"})
    assert strict.returncode == 1 and strict_outputs["exit-code"] == "1"  # a warning fails only with fail-on-warn


def test_an_input_error_exits_2_without_a_verdict(tmp_path: Path) -> None:
    done, summary, outputs = run_step(tmp_path, paths="no/such/model_card.yaml")
    assert done.returncode == 2
    assert "comply: error:" in done.stderr and "::error" not in done.stdout
    assert outputs == {"exit-code": "2"} and summary == ""


def test_the_readmes_workflow_runs_the_action_from_a_checkout_of_this_repository(tmp_path: Path) -> None:
    """README's workflow as printed: the action is `./.comply-gate` in the workspace, a checkout of this
    repository; its `with:` inputs drive the step on the workspace's models/."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## GitHub Actions\n", 1)[1].split("\n## ", 1)[0]
    workflow = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1))  # type: ignore[union-attr]
    steps = workflow["jobs"]["comply"]["steps"]
    beside = next(s for s in steps if s.get("with", {}).get("repository", "").endswith("/comply-gate"))
    action_step = next(s for s in steps if s.get("id") == "comply")
    workspace = tmp_path / "workspace"
    cloned = subprocess.run(
        ["git", "clone", "--quiet", str(ROOT), str(workspace / beside["with"]["path"])], capture_output=True, text=True
    )
    assert cloned.returncode == 0, cloned.stderr
    action_dir = workspace / action_step["uses"]
    assert action_step["uses"].startswith("./") and (action_dir / "action.yml").is_file()
    assert yaml.safe_load((action_dir / "action.yml").read_text(encoding="utf-8")) == ACTION
    models = workspace / action_step["with"]["paths"]
    (models / "scorer").mkdir(parents=True)
    (models / "scorer" / "model_card.yaml").write_text((ROOT / GAPS).read_text(encoding="utf-8"), encoding="utf-8")
    inputs = {key: str(value) for key, value in action_step["with"].items()}
    done, summary, outputs = run_step(tmp_path, cwd=workspace, **inputs)
    assert done.returncode == 1, done.stdout + done.stderr
    assert outputs == {"report-file": "comply.sarif", "exit-code": "1"}
    assert sarif_errors(json.loads((workspace / "comply.sarif").read_text(encoding="utf-8"))) == []
    assert "::error file=models/scorer/model_card.yaml" in done.stdout and summary.startswith("## comply")
