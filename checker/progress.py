"""Progress bars for long work: shown on a terminal once the work has taken ~2 s, never otherwise.

Streaming a big file, a DuckDB scan or a Spark job can take minutes; a person at a terminal should see
that something happens. A pre-commit hook, a CI log or a pipe must not get bar frames mixed into
their output, and a one-second run should not flash one. So a bar appears only when stderr is a
terminal, `--quiet` was not given (`set_quiet`), and the work is still running after
`COMPLY_PROGRESS_DELAY` seconds (default 2); it is drawn on stderr and erased when done (stdout, where
the results go, is never touched). rich is imported only when a bar may be shown.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_DELAY = 2.0
_state = {"quiet": False}


def set_quiet(quiet: bool) -> None:
    """`--quiet`: no bar whatever the terminal."""
    _state["quiet"] = quiet


def delay() -> float:
    try:
        return max(0.0, float(os.environ.get("COMPLY_PROGRESS_DELAY", DEFAULT_DELAY)))
    except ValueError:
        return DEFAULT_DELAY


def showing() -> bool:
    """Whether a bar may be drawn: stderr is a terminal and nobody asked for quiet."""
    return not _state["quiet"] and bool(getattr(sys.stderr, "isatty", lambda: False)())


class Bar:
    """One task's bar; every method is a no-op when no bar is shown, so callers never check."""

    def __init__(self, progress: Any = None, task: Any = None) -> None:
        self._progress = progress
        self._task = task

    def update(
        self, *, completed: float | None = None, total: float | None = None, advance: float | None = None
    ) -> None:
        if self._progress is None:
            return
        self._progress.update(self._task, completed=completed, total=total, advance=advance)

    def describe(self, description: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=description)


@contextmanager
def progress(description: str, *, total: float | None = None, unit: str = "") -> Iterator[Bar]:
    """A bar for the work inside the `with` (a spinner when `total` is unknown)."""
    if not showing():
        yield Bar()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn()]
    columns.append(MofNCompleteColumn() if unit else TextColumn("{task.percentage:>3.0f}%"))
    if unit:
        columns.append(TextColumn(unit))
    columns.append(TimeElapsedColumn())
    bar = Progress(*columns, console=Console(file=sys.stderr), transient=True)
    task = bar.add_task(description, total=total)
    timer = threading.Timer(delay(), bar.start)
    timer.daemon = True
    timer.start()
    try:
        yield Bar(bar, task)
    finally:
        timer.cancel()
        timer.join()
        bar.stop()


@contextmanager
def polled(description: str, poll: Callable[[Bar], None], *, every: float = 0.25) -> Iterator[None]:
    """A bar updated by `poll(bar)` from a background thread while the work inside the `with` runs
    (for engines that report their own progress: DuckDB's query_progress, Spark's status tracker).
    A poll that fails only stops the updates: progress is never worth failing the work for."""
    if not showing():
        yield
        return
    done = threading.Event()
    with progress(description, total=100) as bar:

        def watch() -> None:
            while not done.wait(every):
                try:
                    poll(bar)
                except Exception:
                    return

        watcher = threading.Thread(target=watch, name="comply-progress", daemon=True)
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join()
