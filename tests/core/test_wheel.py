"""A wheel built from this tree, installed in a clean virtualenv, finds its policies and schemas."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_ships_policies_and_schemas_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = dist.glob("comply-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "checker/_bundle/policies/main.rego" in names
    assert "checker/_bundle/policies/data.json" in names
    assert "checker/_bundle/schemas/model_card.schema.json" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Install only the wheel into the clean environment; its dependencies come from this test's
    # environment through PYTHONPATH (no .pth processing there, so this tree's editable install is
    # not visible and `checker` can only come from the wheel).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", target, str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    deps = sysconfig.get_paths()["purelib"]
    env = {**os.environ, "PYTHONPATH": deps, "NO_COLOR": "1"}
    card = ROOT / "examples" / "credit-scoring" / "model_card.yaml"
    done = subprocess.run(
        [
            str(python),
            "-c",
            "import sys, checker.cli; print(checker.cli.__file__, file=sys.stderr); sys.exit(checker.cli.main())",
            "check",
            str(card),
            "--format",
            "json",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert target in done.stderr.splitlines()[0], done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"tier": "high"' in done.stdout
