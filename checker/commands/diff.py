"""`comply diff --base REF`: what a change did to compliance (exit 1 only when it introduces a failure).

The cards are checked twice with the same reference date: in the working tree, and in the tree of REF
exported read-only to a temporary directory (`checker.gitref`: the working tree, index and HEAD are never
touched). A card that does not exist at REF is a new card, not an error; a card that cannot be checked at
REF (its evidence missing there, say) is reported with why, and its failures now all count as new. An
error in the working tree is an error (exit 2), as for `comply check`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from checker.commands.check import Timeline
from checker.commands.common import check_date, write_output
from checker.console import fail, write
from checker.errors import ComplyError, UsageError

if TYPE_CHECKING:
    from checker.check import Session
    from checker.report.diff import Diff, WaiverNote
    from checker.report.model import CardResult, Report

FORMATS = ("text", "json", "markdown")


def register(app: typer.Typer) -> None:
    @app.command()
    def diff(
        paths: Optional[list[Path]] = typer.Argument(
            None, help="Model cards or directories to compare (default: .).", show_default=False
        ),
        base: Optional[str] = typer.Option(
            None, "--base", help="Git ref to compare against (default: the merge base with the default branch)."
        ),
        format: str = typer.Option("text", "--format", "-f", help="text, json or markdown (for a job summary)."),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the diff here instead of stdout."),
        fail_on_any: bool = typer.Option(
            False, "--fail-on-any", help="Exit 1 on any failure in the working tree, not only on new ones."
        ),
        config: Optional[Path] = typer.Option(
            None,
            "--config",
            "-c",
            help="comply.yaml for every card, on both sides (default: each card's nearest comply.yaml).",
        ),
        policy: list[Path] = typer.Option([], "--policy", "-p", help="Directory of your own Rego rules; repeatable."),
        data: list[Path] = typer.Option([], "--data", help="YAML/JSON file with `thresholds:`; repeatable."),
        reference_date: Optional[str] = typer.Option(
            None, "--reference-date", callback=check_date, help="Judge both sides as of this date (default: today)."
        ),
        timeline: Optional[Timeline] = typer.Option(None, "--timeline", help="original (default) or amended."),
        timestamp: bool = typer.Option(
            False, "--timestamp", help="Record the time of the run (off: the output is byte-identical)."
        ),
    ) -> None:
        """Compare the cards' compliance in the working tree with a git ref: what the change broke or fixed."""
        from checker.report.diff import RENDERERS

        try:
            if format not in FORMATS:
                raise UsageError(f"unknown --format {format!r}; choose {', '.join(FORMATS)}")
            options = Options(tuple(paths or [Path(".")]), config, tuple(policy), tuple(data), reference_date, timeline)
            result = run_diff(base, options)
            if timestamp:
                import datetime as _dt

                now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
                result = replace(result, generated_at=now)
            text = RENDERERS[format](result)
            if output is not None:
                write_output(output, text)
            else:
                write(text)
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None
        raise typer.Exit(result.exit_code(fail_on_any=fail_on_any))


@dataclass(frozen=True)
class Options:
    paths: tuple[Path, ...]
    config: Path | None
    policy: tuple[Path, ...]
    data: tuple[Path, ...]
    reference_date: str | None
    timeline: Timeline | None


@dataclass
class Side:
    cards: dict[str, CardResult]
    errors: dict[str, str]
    waivers: list[WaiverNote]
    expired: list[WaiverNote]
    report: Report | None = None


def _relative(paths: Sequence[Path], cwd: Path, root: Path | None = None) -> list[Path]:
    """Card paths relative to the working directory, so they name the same files on both sides; a card
    outside the repository has no base version to compare with."""
    relative = []
    for path in paths:
        if root is not None and not path.is_absolute():
            try:
                Path(os.path.abspath(cwd / path)).relative_to(os.path.abspath(root))
            except ValueError:
                raise UsageError(f"{path}: outside the repository {root}; comply diff compares its cards") from None
        if path.is_absolute():
            try:
                path = path.resolve().relative_to(cwd.resolve())
            except ValueError:
                raise UsageError(f"{path}: comply diff compares cards inside the working directory") from None
        relative.append(path)
    return relative


def _anchored(path: Path, cwd: Path, root: Path) -> Path:
    """An option's relative path outside the repository made absolute: the base side runs in the exported
    tree, where `../rules` would name nothing. A path inside the repository stays relative, so each side
    reads its own version of it."""
    if path.is_absolute():
        return path
    absolute = Path(os.path.abspath(cwd / path))
    try:
        absolute.relative_to(os.path.abspath(root))
    except ValueError:
        return absolute
    return path


def run_diff(base: str | None, options: Options) -> Diff:
    from checker import gitref
    from checker.report.diff import compare

    cwd = Path.cwd()
    repo = gitref.repository(cwd)
    if base is not None:
        label, commit = base, gitref.resolve(repo, base)
    else:
        label, commit = gitref.default_base(repo)
    paths = _relative(options.paths, cwd, repo.root)
    options = replace(
        options,
        config=_anchored(options.config, cwd, repo.root) if options.config is not None else None,
        policy=tuple(_anchored(path, cwd, repo.root) for path in options.policy),
        data=tuple(_anchored(path, cwd, repo.root) for path in options.data),
    )
    head = _check_side(paths, options, options.reference_date, tolerant=False)
    assert head.report is not None
    from checker.evidence.loader import INPUT_FILES

    head_inputs = set(INPUT_FILES)
    notes: list[str] = []
    with gitref.exported(repo, commit) as tree:
        if tree.is_dir():
            with _working_directory(tree):
                base_side = _check_side(paths, options, head.report.reference_date, tolerant=True, notes=notes)
            scrub = str(tree)
            base_side.errors = {card: message.replace(scrub, "<base>") for card, message in base_side.errors.items()}
            notes = [note.replace(scrub, "<base>") for note in notes]
        else:
            base_side = Side({}, {}, [], [])
            notes.append(f"{repo.prefix or '.'} does not exist at {label}: every card is new")
    # the base side's run forgot the working tree's inputs: -o must still never overwrite a card or its evidence
    INPUT_FILES.clear()
    INPUT_FILES.update(head_inputs)
    return compare(
        label,
        commit,
        head.report.reference_date,
        head.report.law,
        base_side.cards,
        head.cards,
        base_side.errors,
        base_side.waivers,
        head.waivers,
        head.expired,
        notes,
    )


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _check_side(
    paths: Sequence[Path],
    options: Options,
    reference_date: str | None,
    *,
    tolerant: bool,
    notes: list[str] | None = None,
) -> Side:
    """Check the cards in the current directory. `tolerant` (the base side): what cannot be checked there
    is recorded, not raised; a missing card is simply absent (a new card)."""
    from checker.check import CheckRequest, open_session, run_check
    from checker.evidence.card import find_cards
    from checker.evidence.loader import start_run
    from checker.evidence.provenance import display_path

    start_run()
    config = options.config
    if tolerant and config is not None and not config.is_file():
        (notes if notes is not None else []).append(f"{config} does not exist at the base: checked without it")
        config = None
    policy, data = list(options.policy), list(options.data)
    if tolerant:
        for kind, given in (("policy", policy), ("data", data)):
            for path in [path for path in given if not path.exists()]:
                (notes if notes is not None else []).append(
                    f"--{kind} {path} does not exist at the base: checked without it"
                )
                given.remove(path)
    request = CheckRequest(
        paths=list(paths),
        config_path=config,
        policy_dirs=policy,
        data_files=data,
        reference_date=reference_date,
        timeline=options.timeline.value if options.timeline else None,
    )
    if not tolerant:
        session = open_session(request)
        report = run_check(request, session)
        return Side({card.card: card for card in report.cards}, {}, *_waivers(session), report=report)
    try:
        session = open_session(request)
    except ComplyError as err:
        (notes if notes is not None else []).append(f"the base could not be checked: {err}")
        return Side({}, {}, [], [])
    present = [path for path in paths if path.exists()]
    try:
        cards = find_cards(present, session.config.card_patterns) if present else []
    except ComplyError:
        cards = []
    side = Side({}, {}, *_waivers(session))
    for card in cards:
        try:
            report = run_check(replace(request, paths=[card]), session)
        except ComplyError as err:
            side.errors[display_path(card)] = str(err)
            continue
        side.cards.update({result.card: result for result in report.cards})
    return side


def _waivers(session: Session) -> tuple[list[WaiverNote], list[WaiverNote]]:
    """Every waiver of the run, and those expired on its reference date."""
    from checker.report.diff import WaiverNote

    notes, expired = [], []
    for entry in session.waivers.entries:
        note = WaiverNote(
            entry.rule, entry.card, entry.approved_by, entry.expires, entry.justification, str(entry.location)
        )
        notes.append(note)
        if any(
            (problem.field or "").endswith(".expires") and "expired on" in problem.message for problem in entry.problems
        ):
            expired.append(note)
    return notes, expired
