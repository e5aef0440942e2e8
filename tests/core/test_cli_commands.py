"""The CLI builds only the command it runs (typer reads every registered command's signature, and each
command module imports what its options need), yet help and errors still know every command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from checker.cli import COMMAND_MODULES, _invoked
from tests.conftest import EXAMPLES, ROOT, comply

PROBE = """
import contextlib, io, json, sys
from checker.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps([code, sorted(name for name in sys.modules if name.startswith("checker.commands."))]))
"""


def test_a_check_imports_only_the_check_command() -> None:
    card = EXAMPLES / "spam-filter" / "model_card.yaml"
    command = [sys.executable, "-c", PROBE, "check", str(card), "--format", "json"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, env={"PYTHONPATH": str(ROOT)})
    code, modules = json.loads(done.stdout.splitlines()[-1])
    assert code in (0, 1), done.stderr
    assert [name for name in modules if name != "checker.commands.common"] == ["checker.commands.check"]


def test_help_lists_every_command() -> None:
    done = comply("--help")
    assert done.returncode == 0, done.stderr
    for module in COMMAND_MODULES:
        assert f"  {module.replace('_', '-')} " in done.stdout


def test_a_mistyped_command_is_still_suggested() -> None:
    done = comply("chek")
    assert done.returncode == 2
    assert "No such command 'chek'" in done.stderr and "check" in done.stderr.split("chek", 1)[1]


def test_the_invoked_command_is_the_first_word() -> None:
    assert _invoked(["audit-log", "verify", "x.jsonl"]) == ("audit_log",)
    assert _invoked(["check", "--help"]) == ("check",)
    assert _invoked(["--help"]) == ()
    assert _invoked(["audit_log", "verify"]) == ()
    assert _invoked([]) == ()


@pytest.mark.parametrize("command", [("docs", "annex-iv"), ("diff",)])
def test_config_help_says_each_card_takes_its_nearest_comply_yaml(command: tuple[str, ...]) -> None:
    # both commands judge each card on its own nearest comply.yaml; their help still said ./comply.yaml
    done = comply(*command, "--help", env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "nearest comply.yaml" in text and "./comply.yaml" not in text, text
