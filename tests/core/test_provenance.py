"""The git commit recorded in reports is read from the repository files and agrees with git itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

from checker.evidence.provenance import _rev_parse, git_commit


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "models" / "model_card.yaml").write_text("model_details: {name: x}\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "first")
    return repo


def test_loose_ref_packed_ref_and_detached_head_match_git(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    expected = git(repo, "rev-parse", "HEAD")
    git_commit.cache_clear()
    assert git_commit(repo / "models") == expected
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git" / "refs" / "heads" / "main").exists()
    git_commit.cache_clear()
    assert git_commit(repo / "models") == expected
    git(repo, "checkout", "-q", "--detach")
    git_commit.cache_clear()
    assert git_commit(repo / "models") == expected == _rev_parse(repo)


def test_no_commit_yet_and_outside_git(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    git_commit.cache_clear()
    assert git_commit(empty) is None
    outside = tmp_path / "plain"
    outside.mkdir()
    git_commit.cache_clear()
    assert git_commit(outside) is None or (tmp_path / ".git").exists()
