"""The repository as it was at a git ref, for `comply diff`: exported read-only into a temporary directory.

`git archive REF` is extracted beside nothing the user owns, so the working tree, the index, HEAD and the
worktree list are never touched (no checkout, no stash, no `git worktree add`). Members that would land
outside the export (absolute paths, `..`, links pointing out) are skipped by tarfile's `data` filter. Every
failure is one line: not a repository, git missing, a ref git does not know.
"""

from __future__ import annotations

import contextlib
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from checker.errors import UsageError

DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")
"""Where `comply diff` looks for the default branch when no --base is given (the merge base with it)."""


@dataclass(frozen=True)
class Repository:
    root: Path
    prefix: str
    """The working directory relative to the repository root (`""` at the root, else `a/b/`)."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=300)
    except FileNotFoundError:
        raise UsageError("comply diff needs git, which is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {args[0]} took more than 300 s") from None


def _first_line(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "no message"


def repository(cwd: Path) -> Repository:
    """The git repository holding `cwd`, or a usage error saying it is not one."""
    done = _git(["rev-parse", "--show-toplevel", "--show-prefix"], cwd)
    if done.returncode != 0:
        raise UsageError(f"{cwd}: not inside a git repository (comply diff compares against a git ref)")
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    root = Path(lines[0])
    prefix = lines[1] if len(lines) > 1 else ""
    return Repository(root, prefix)


def resolve(repo: Repository, ref: str) -> str:
    """The commit `ref` names, or a usage error."""
    if not ref or ref.startswith("-"):
        raise UsageError(f"unknown git ref {ref!r}")
    done = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], repo.root)
    if done.returncode != 0:
        raise UsageError(f"unknown git ref {ref!r} (not a commit in {repo.root})")
    return done.stdout.decode().strip()


def default_base(repo: Repository) -> tuple[str, str]:
    """(label, commit) of the merge base of HEAD with the default branch."""
    for branch in DEFAULT_BRANCHES:
        if _git(["rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}"], repo.root).returncode != 0:
            continue
        done = _git(["merge-base", "HEAD", branch], repo.root)
        if done.returncode == 0:
            return f"merge-base(HEAD, {branch})", done.stdout.decode().strip()
    raise UsageError("no default branch found (origin/HEAD, main or master): name the base with --base REF")


def _safe(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """tarfile's `data` filter, skipping (not failing on) what it refuses."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None


@contextlib.contextmanager
def exported(repo: Repository, commit: str) -> Iterator[Path]:
    """A temporary directory holding the tree of `commit` (removed afterwards); yields the directory that
    corresponds to the working directory (it may not exist at that commit)."""
    with tempfile.TemporaryDirectory(prefix="comply-diff-") as folder:
        archive = Path(folder) / "tree.tar"
        with archive.open("wb") as handle:
            try:
                done = subprocess.run(
                    ["git", "archive", "--format=tar", commit],
                    cwd=repo.root,
                    stdout=handle,
                    stderr=subprocess.PIPE,
                    check=False,
                    timeout=600,
                )
            except FileNotFoundError:
                raise UsageError("comply diff needs git, which is not installed or not on PATH") from None
        if done.returncode != 0:
            raise UsageError(f"git archive {commit[:12]}: {_first_line(done.stderr)}")
        tree = Path(folder) / "tree"
        tree.mkdir()
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter=_safe)
        archive.unlink()
        # Mark the export's root as a repository root, as the working tree's is: comply looks for each card's
        # comply.yaml up to the repository root, and must stop at the same place on both sides.
        (tree / ".git").mkdir(exist_ok=True)
        yield tree / repo.prefix
