"""Where the evidence came from: file digests, the git commit, the comply version.

A verdict is only worth keeping if it says exactly what it judged; the report records the sha256 of
every evidence file and, inside a git work tree, the commit it was checked at.
"""

from __future__ import annotations

import functools
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


def display_path(path: Path) -> str:
    """A stable way to name `path` in reports: relative to the working directory when below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


@functools.lru_cache(maxsize=64)
def git_commit(directory: Path) -> str | None:
    """The commit HEAD points at for the repository holding `directory`, or None outside git."""
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
