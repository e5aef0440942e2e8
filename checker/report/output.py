"""Where reports go: which format to which file (or stdout), written so that nothing is lost.

`--format FMT` prints FMT; `--format FMT:PATH` writes it to PATH, and several may be given in one run
(`--format text --format sarif:out.sarif --format junit:junit.xml`); `-o PATH` sends the main format to
PATH. `-` is stdout. At most one report goes to stdout; when none does, stdout gets the text report.

Writing keeps three promises:
- an output is never one of the run's inputs (the card, comply.yaml, any evidence or policy file, through
  any symlink or hard link): that is refused before anything is written;
- every report is complete or absent: each is written to a temporary file beside its target and moved
  into place with `os.replace`, and only after every report of the run has been rendered and written, so
  an error or a full disk leaves each target as it was, never half-written, never a mix of two runs;
- a target that is not a regular file (`/dev/null`, a FIFO another process reads) is written to as is:
  replacing it would destroy it;
- an exit 2 leaves no report of an earlier run behind (`remove_stale_reports`): a CI step that uploads
  `report.sarif` after a failed run must not upload yesterday's verdict.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from checker.errors import UsageError
from checker.report.model import Report

STDOUT = "-"


@dataclass(frozen=True)
class Destination:
    """One report of the run: its format, and the file it goes to (None: stdout)."""

    format: str
    path: Path | None = None

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else "stdout"


def plan_destinations(formats: Sequence[str], output: Path | None, known: Iterable[str]) -> list[Destination]:
    """The reports a run writes, from its `--format` values and `-o`.

    `-o PATH` takes the first `--format` given without a path (text when there is none); when no report
    goes to stdout, the text report does, so the terminal always shows the verdict.
    """
    known = sorted(known)
    destinations = [_parse_format(value, known) for value in formats or ["text"]]
    if output is not None:
        index = next((i for i, d in enumerate(destinations) if d.path is None), None)
        path = None if str(output) == STDOUT else output
        if index is None:
            destinations.append(Destination("text", path))
        else:
            destinations[index] = Destination(destinations[index].format, path)
    to_stdout = [d for d in destinations if d.path is None]
    if len(to_stdout) > 1:
        names = ", ".join(d.format for d in to_stdout)
        raise UsageError(f"only one report can go to stdout, got {names}; give the others a file (--format FMT:PATH)")
    if not to_stdout:
        destinations.insert(0, Destination("text"))
    seen: dict[str, Destination] = {}
    for destination in destinations:
        if destination.path is None:
            continue
        key = os.path.realpath(destination.path)
        if key in seen:
            raise UsageError(f"{destination.path}: named for two reports ({seen[key].format} and {destination.format})")
        seen[key] = destination
    return destinations


def _parse_format(value: str, known: Sequence[str]) -> Destination:
    name, colon, path = value.partition(":")
    name = name.strip().lower()
    if name not in known:
        raise UsageError(f"unknown --format {name!r}; choose one of {', '.join(known)} (optionally FORMAT:PATH)")
    if colon and not path:
        raise UsageError(f"--format {value}: give a file after the colon, or - for stdout")
    return Destination(name, None if not colon or path == STDOUT else Path(path))


def render_to(destination: Destination, report: Report, *, quiet: bool = False, colour: bool | None = None) -> str:
    """The report in the destination's format; text is coloured only on stdout and only when the
    console allows it (`colour=False` turns it off), and `quiet` applies to text only."""
    from checker.report import renderer

    if destination.format != "text":
        return renderer(destination.format)(report)
    from checker.report.text import render

    return render(report, quiet=quiet, colour=False if destination.path is not None else colour)


def refuse_inputs(destinations: Sequence[Destination], inputs: Iterable[str | Path]) -> None:
    """A usage error when a report would be written over one of the run's input files."""
    input_real: dict[str, str] = {}
    input_ids: dict[tuple[int, int], str] = {}
    for item in inputs:
        real = os.path.realpath(item)
        input_real.setdefault(real, str(item))
        try:
            info = os.stat(real)
        except OSError:
            continue
        input_ids.setdefault((info.st_dev, info.st_ino), str(item))
    for destination in destinations:
        if destination.path is None:
            continue
        real = os.path.realpath(destination.path)
        clash = input_real.get(real)
        if clash is None:
            clash = _same_file(real, input_ids)
        if clash is not None:
            raise UsageError(
                f"{destination.path}: refusing to write the {destination.format} report over {clash}, "
                "an input of this run; choose another output path"
            )


def _same_file(real: str, input_ids: dict[tuple[int, int], str]) -> str | None:
    """The input that `real` is a hard link of, if any."""
    try:
        info = os.stat(real)
    except OSError:
        return None
    return input_ids.get((info.st_dev, info.st_ino)) if stat.S_ISREG(info.st_mode) else None


def write_reports(outputs: Sequence[tuple[Destination, str]], stream: IO[str] | None = None) -> None:
    """Write every rendered report: files first (all or none replaced), then stdout."""
    files = [(destination.path, text) for destination, text in outputs if destination.path is not None]
    write_files_atomically(files)
    for destination, text in outputs:
        if destination.path is None:
            (stream or sys.stdout).write(text)


def write_files_atomically(files: Sequence[tuple[Path, str]]) -> None:
    """Stage each file beside its target, write the device or FIFO targets, then move the staged files
    into place: any error before the moves leaves every regular target as it was."""
    staged: list[tuple[str, str]] = []
    current = files[0][0] if files else Path(".")
    try:
        direct = []
        for current, text in files:
            target = os.path.realpath(current)
            if _is_special(target):
                direct.append((current, target, text))
            else:
                staged.append((_stage(current, target, text), target))
        for current, target, text in direct:  # noqa: B007 (`current` names the file in the error)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
        for temporary, target in staged:
            os.replace(temporary, target)
        staged = []
    except OSError as err:
        raise UsageError(f"{current}: cannot write the report: {err.strerror or err}") from None
    finally:
        for temporary, _ in staged:
            _remove_quietly(temporary)


def write_file_atomically(path: Path, text: str) -> None:
    """One file, complete or not at all (evidence files other commands write, e.g. fairness.json)."""
    write_files_atomically([(path, text)])


def _is_special(target: str) -> bool:
    try:
        return not stat.S_ISREG(os.stat(target).st_mode)
    except FileNotFoundError:
        return False


def _stage(path: Path, target: str, text: str) -> str:
    """Write `text` to a new temporary file in the target's folder (same file system, so the rename is
    atomic) with the mode the target has or a new file would get."""
    folder = os.path.dirname(target) or "."
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise UsageError(f"{path}: cannot create its folder: {err.strerror or err}") from None
    import tempfile  # only when writing a file: a check printing its report never pays for it

    descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(target))
    except BaseException:
        _remove_quietly(temporary)
        raise
    return temporary


def _mode_for(target: str) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


STALE_READ_LIMIT = 64 * 1024 * 1024
"""A file larger than this at an output path is not read to tell whether it is an old report (so it stays)."""


def _json_report(text: str) -> bool:
    document = _parsed(text)
    if not isinstance(document, dict) or "cards" not in document:
        return False
    tool = document.get("tool")
    return isinstance(tool, dict) and tool.get("name") == "comply"


def _sarif_report(text: str) -> bool:
    document = _parsed(text)
    runs = document.get("runs") if isinstance(document, dict) else None
    if not isinstance(runs, list) or not runs or not isinstance(runs[0], dict):
        return False
    driver = (runs[0].get("tool") or {}).get("driver") if isinstance(runs[0].get("tool"), dict) else None
    return isinstance(driver, dict) and driver.get("name") == "comply"


def _gitlab_report(text: str) -> bool:
    document = _parsed(text)
    keys = {"check_name", "description", "fingerprint", "location", "severity"}
    return isinstance(document, list) and all(isinstance(item, dict) and keys <= set(item) for item in document)


def _github_report(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(line.startswith(("::", "comply:")) for line in lines)


_TEXT_SUMMARY = re.compile(r"^(\d+ failed, )?(\d+ warnings?, )?(\d+ waived, )?\d+ passed$")
"""The text report's last line, its summary (checker.report.model.summary_line), in every mode."""


def _parsed(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


REPORT_SIGNS: dict[str, Callable[[str], bool]] = {
    "json": _json_report,
    "sarif": _sarif_report,
    "gitlab": _gitlab_report,
    "github": _github_report,
    "junit": lambda text: '<testsuites name="comply"' in text[:2000],
    "markdown": lambda text: text.startswith("## comply"),
    "html": lambda text: '<meta name="generator" content="comply">' in text[:4000],
    "text": lambda text: bool(_TEXT_SUMMARY.match(([""] + [line for line in text.splitlines() if line.strip()])[-1])),
}
"""Format -> does this text read as a comply report of that format (as the format's module writes it)."""


def remove_stale_reports(destinations: Sequence[Destination], inputs: Iterable[str | Path]) -> None:
    """After an exit 2: remove the report each file destination holds from an earlier run.

    Only what is certainly an old report goes: a regular file that is none of the run's inputs known so far
    (an error can stop a run before it reads them all) and that reads as a comply report of the format that
    would have been written there. Anything else at an output path (an evidence file named by mistake, a
    device, a FIFO, another tool's file) is left exactly as it was.
    """
    known = {os.path.realpath(item) for item in inputs}
    for destination in destinations:
        if destination.path is None or destination.format not in REPORT_SIGNS:
            continue
        target = os.path.realpath(destination.path)
        try:
            info = os.stat(target)
        except OSError:
            continue
        if target in known or not stat.S_ISREG(info.st_mode) or info.st_size > STALE_READ_LIMIT:
            continue
        if _same_file(target, _identities(known)) is not None:
            continue
        try:
            with open(target, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        if REPORT_SIGNS[destination.format](text):
            _remove_quietly(target)


def _identities(paths: Iterable[str]) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    for path in paths:
        with contextlib.suppress(OSError):
            info = os.stat(path)
            found.setdefault((info.st_dev, info.st_ino), path)
    return found
