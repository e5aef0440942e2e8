"""The wheel, installed with only its core dependencies in a fresh virtualenv, checks a card, and a
command that needs an extra stops with the install line.

This is the install a pre-commit hook or a CI job gets (`pip install comply-gate`): pip resolves the
core dependencies from the package index, nothing from this test's environment leaks in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from checker import DISTRIBUTION
from tests.conftest import EXAMPLES, ROOT, assert_one_line_error

HEAVY = ("numpy", "pandas", "pyarrow", "fairlearn", "sklearn", "scipy", "duckdb")
"""Modules the core install must not bring in: each belongs to an extra."""


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def core_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with the wheel built from this tree and only the core dependencies it declares."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    dist = tmp_path / "dist"
    built = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, ROOT, cwd=tmp_path
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob(f"{DISTRIBUTION.replace('-', '_')}-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "checker/_bundle/policies/main.rego" in names
    assert "checker/_bundle/policies/data.json" in names
    assert "checker/_bundle/schemas/model_card.schema.json" in names
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    installed = run(env_dir / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    return env_dir


def clean_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "NO_COLOR": "1"}


@pytest.mark.slow
@pytest.mark.xdist_group("core-wheel")
def test_core_install_has_no_heavy_dependency(core_venv: Path) -> None:
    probe = f"import importlib.util as u; print(' '.join(m for m in {HEAVY!r} if u.find_spec(m)))"
    done = run(core_venv / "bin" / "python", "-c", probe, cwd=core_venv, env=clean_env())
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []


@pytest.mark.slow
@pytest.mark.xdist_group("core-wheel")
def test_core_install_checks_a_card_from_the_wheel(core_venv: Path, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "credit-scoring" / "model_card.yaml", tmp_path / "model_card.yaml")
    where = run(
        core_venv / "bin" / "python", "-c", "import checker; print(checker.__file__)", cwd=tmp_path, env=clean_env()
    )
    assert str(core_venv) in where.stdout, where.stdout + where.stderr
    done = run(
        core_venv / "bin" / "comply", "check", "model_card.yaml", "--format", "json", cwd=tmp_path, env=clean_env()
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"tier": "high"' in done.stdout


@pytest.mark.slow
@pytest.mark.xdist_group("core-wheel")
def test_core_install_names_the_extra_that_computing_fairness_needs(core_venv: Path, tmp_path: Path) -> None:
    predictions = EXAMPLES / "credit-scoring" / "evidence" / "predictions.csv"
    comply = core_venv / "bin" / "comply"
    columns = ("--y-true", "defaulted", "--y-pred", "declined", "--sensitive", "sex")
    fairness = run(comply, "fairness", predictions, *columns, cwd=tmp_path, env=clean_env())
    assert_one_line_error(fairness, "comply fairness needs", f"pip install '{DISTRIBUTION}[fairness]'")
    assert len(fairness.stderr.strip().splitlines()) == 1
    (tmp_path / "comply.yaml").write_text(
        "fairness:\n  y_true: defaulted\n  y_pred: declined\n  sensitive: [sex]\n", encoding="utf-8"
    )
    shutil.copy(EXAMPLES / "credit-scoring" / "model_card.yaml", tmp_path / "model_card.yaml")
    check = run(comply, "check", "model_card.yaml", "--predictions", predictions, cwd=tmp_path, env=clean_env())
    assert_one_line_error(check, "--predictions needs", f"pip install '{DISTRIBUTION}[fairness]'")
