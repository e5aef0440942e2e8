"""The pre-commit hooks with the real pre-commit: a failing model card blocks the commit, a passing one
does not.

pre-commit installs hooks from a git revision. `try-repo` on a repository with uncommitted changes
makes a shadow commit of *tracked* files only, so the test first snapshots this working tree (tracked and
untracked, minus ignored files — what the next commit would hold) into a temporary repository, then:
`pre-commit try-repo SNAPSHOT comply-check` on a staged failing card, and `pre-commit install` with a
config pinned to the snapshot's commit followed by real `git commit`s. Installing the hook's Python
environment needs PyPI and takes a while: marked slow, still run in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

GIT_IDENTITY = ("-c", "user.name=comply tests", "-c", "user.email=tests@comply.invalid", "-c", "commit.gpgsign=false")


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def snapshot(source: Path, target: Path) -> str:
    """Commit the files of `source`'s working tree that git would see into a new repository at `target`."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=source,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        path = source / name
        if path.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / name)
    assert git("init", "-q", cwd=target).returncode == 0
    assert git("add", "-A", cwd=target).returncode == 0
    assert git("commit", "-q", "-m", "snapshot", cwd=target).returncode == 0
    return git("rev-parse", "HEAD", cwd=target).stdout.strip()


@pytest.mark.slow
def test_pre_commit_blocks_a_failing_card_and_lets_a_passing_one_through(tmp_path: Path) -> None:
    source = tmp_path / "comply-src"
    rev = snapshot(ROOT, source)
    repo = tmp_path / "ml-repo"
    card = repo / "models" / "scorer" / "model_card.yaml"
    card.parent.mkdir(parents=True)
    assert git("init", "-q", cwd=repo).returncode == 0
    (repo / "comply.yaml").write_text("timeline: amended\n", encoding="utf-8")
    shutil.copy(EXAMPLES / "credit-scoring-gaps" / "model_card.yaml", card)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)  # the hook must run the comply pre-commit installed, not this checkout
    pre_commit = [sys.executable, "-m", "pre_commit"]
    assert git("add", "-A", cwd=repo).returncode == 0

    tried = subprocess.run(
        [*pre_commit, "try-repo", str(source), "comply-check", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert tried.returncode == 1, tried.stdout + tried.stderr
    assert "comply check" in tried.stdout and "Failed" in tried.stdout and "org.approval" in tried.stdout

    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: comply-check\n", encoding="utf-8"
    )
    installed = subprocess.run([*pre_commit, "install"], cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stderr
    assert git("add", "-A", cwd=repo).returncode == 0
    blocked = git("commit", "-m", "add a model card with gaps", cwd=repo, env=env)
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert "org.approval" in blocked.stdout + blocked.stderr
    assert git("rev-parse", "--verify", "-q", "HEAD", cwd=repo).returncode != 0, "nothing may be committed"

    shutil.copy(EXAMPLES / "credit-scoring" / "model_card.yaml", card)
    assert git("add", "-A", cwd=repo).returncode == 0
    passed = git("commit", "-m", "add a complete model card", cwd=repo, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "comply check" in passed.stdout + passed.stderr and "Passed" in passed.stdout + passed.stderr
    assert git("rev-parse", "--verify", "-q", "HEAD", cwd=repo).returncode == 0


def readme_local_hook_config() -> str:
    """The `repo: local` .pre-commit-config.yaml of README.md's pre-commit section, as printed."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## pre-commit\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    (local,) = [block for block in blocks if "repo: local" in block]
    return local


def test_the_readmes_local_hook_works_as_printed_with_comply_on_path(tmp_path: Path) -> None:
    """The README's `repo: local` form: no hook environment to build, the comply on PATH runs."""
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "comply").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m checker "$@"\n', encoding="utf-8")
    (shim / "comply").chmod(0o755)
    repo = tmp_path / "ml-repo"
    card = repo / "models" / "scorer" / "model_card.yaml"
    card.parent.mkdir(parents=True)
    assert git("init", "-q", cwd=repo).returncode == 0
    (repo / ".pre-commit-config.yaml").write_text(readme_local_hook_config(), encoding="utf-8")
    shutil.copy(EXAMPLES / "credit-scoring-gaps" / "model_card.yaml", card)
    env = {
        **os.environ,
        "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "NO_COLOR": "1",
    }
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert installed.returncode == 0, installed.stderr
    assert git("add", "-A", cwd=repo).returncode == 0
    blocked = git("commit", "-m", "a card with gaps", cwd=repo, env=env)
    assert blocked.returncode != 0 and "org.approval" in blocked.stdout + blocked.stderr, blocked.stdout
    shutil.copy(EXAMPLES / "credit-scoring" / "model_card.yaml", card)
    assert git("add", "-A", cwd=repo).returncode == 0
    passed = git("commit", "-m", "a complete card", cwd=repo, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout + passed.stderr
