"""Where the evidence came from: file digests, the git commit, the comply version.

A verdict is only worth keeping if it says exactly what it judged; the report records the sha256 of
every evidence file and, inside a git work tree, the commit it was checked at.
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from checker import __version__


@dataclass(frozen=True)
class EvidenceFile:
    """One file that went into a verdict."""

    kind: str
    path: str
    sha256: str


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in 1 MiB blocks (constant memory); an unreadable file is an input error."""
    import hashlib

    from checker.errors import InputError

    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    return digest.hexdigest()


def display_path(path: Path) -> str:
    """A stable way to name `path` in reports: relative to the working directory when below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


@functools.lru_cache(maxsize=64)
def git_commit(directory: Path) -> str | None:
    """The commit HEAD points at for the repository holding `directory`, or None outside git.

    Read from the repository files (HEAD, the loose ref, packed-refs) rather than by running git: a
    subprocess costs more than the rest of a small check. Anything unusual (worktrees, reftable, a
    missing ref) falls back to `git rev-parse`.
    """
    for folder in (directory, *directory.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return _read_head(dot_git) or _rev_parse(directory)
        if dot_git.exists():
            return _rev_parse(directory)
    return None


def _read_head(git_dir: Path) -> str | None:
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if _SHA.match(head):
            return head
        if not head.startswith("ref: "):
            return None
        ref = head[5:].strip()
        loose = git_dir / ref
        if loose.is_file():
            value = loose.read_text(encoding="utf-8").strip()
            return value if _SHA.match(value) else None
        packed = git_dir / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8").splitlines():
                sha, _, name = line.partition(" ")
                if name == ref and _SHA.match(sha):
                    return sha
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _rev_parse(directory: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(directory), "rev-parse", "--verify", "-q", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def tool_version() -> str:
    """The comply version recorded in every report."""
    return __version__
