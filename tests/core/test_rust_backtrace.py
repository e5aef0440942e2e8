"""comply turns off Rust library backtraces (RUST_LIB_BACKTRACE=0) before loading regorus, unless the user
chose a value: CI runners set RUST_BACKTRACE=1, which otherwise makes every regorus error capture a
backtrace (slow to parse the bundle, kilobytes of frames in each message)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, assert_one_line_error, comply

PROBE = """
import os
from checker.engine.regorus_engine import load_regorus
engine = load_regorus().Engine()
print(os.environ.get("RUST_LIB_BACKTRACE"))
try:
    engine.add_policy("broken.rego", "package broken\\nx := ")
except RuntimeError as err:
    print("backtrace" if "Stack backtrace" in str(err) else "no backtrace")
"""


def probe(**env: str) -> list[str]:
    """Load regorus the way comply does in a fresh process, with RUST_BACKTRACE=1; report what it sees."""
    base = {key: value for key, value in os.environ.items() if key != "RUST_LIB_BACKTRACE"}
    full = {**base, "RUST_BACKTRACE": "1", "PYTHONPATH": str(ROOT), **env}
    done = subprocess.run([sys.executable, "-c", PROBE], env=full, capture_output=True, text=True, check=True)
    return done.stdout.split("\n")[:2]


def test_library_backtraces_are_off_when_the_user_has_not_chosen() -> None:
    assert probe() == ["0", "no backtrace"]


def test_the_users_choice_is_kept_and_is_what_decides() -> None:
    assert probe(RUST_LIB_BACKTRACE="1") == ["1", "backtrace"]
    assert probe(RUST_LIB_BACKTRACE="0") == ["0", "no backtrace"]


def test_a_broken_policy_is_one_line_under_rust_backtrace(tmp_path: Path) -> None:
    (tmp_path / "broken.rego").write_text(
        "package comply.custom.broken\nimport rego.v1\ndeny contains msg if {\n  msg := \n}\n", encoding="utf-8"
    )
    done = comply(
        "check", "examples/spam-filter/model_card.yaml", "--policy", str(tmp_path), env={"RUST_BACKTRACE": "1"}
    )
    assert_one_line_error(done, "broken.rego:4:", "expecting")
    assert "<unknown>" not in done.stderr
