"""`comply init`: start a repository on comply — a commented comply.yaml, a model-card template for a
risk tier, and a pre-commit configuration.

The templates are package data (`checker/templates/`). A model-card template passes `comply check`'s
shape validation but, for the high tier, fails with the obligations still to fill in: a fresh template
must never pass vacuously. Nothing is overwritten without `--force`, and an existing
`.pre-commit-config.yaml` is never touched (the snippet to add is printed instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from importlib import resources
from pathlib import Path

import typer

from checker.console import fail, write
from checker.errors import ComplyError, UsageError


class Tier(str, Enum):
    high = "high"
    limited = "limited"
    minimal = "minimal"


@dataclass(frozen=True)
class Planned:
    """One file `comply init` writes: where, from which template, and whether --force may replace it."""

    target: str
    template: str
    replaceable: bool = True


def plan(tier: Tier) -> tuple[Planned, ...]:
    return (
        Planned("comply.yaml", "comply.yaml"),
        Planned("model_card.yaml", f"model_card.{tier.value}.yaml"),
        Planned(".pre-commit-config.yaml", "pre-commit-config.yaml", replaceable=False),
    )


def template_text(name: str) -> str:
    return (resources.files("checker") / "templates" / name).read_text(encoding="utf-8")


def init_repository(directory: Path, tier: Tier, *, force: bool) -> list[str]:
    """Write the starter files into `directory`; return one line per file saying what happened."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: --dir must be a directory")
    files = plan(tier)
    clashes = [item.target for item in files if item.replaceable and (directory / item.target).exists()]
    if clashes and not force:
        raise UsageError(
            f"{', '.join(clashes)} already exist{'s' if len(clashes) == 1 else ''} in {directory} (use --force to overwrite)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    lines = []
    for item in files:
        target = directory / item.target
        text = template_text(item.template)
        if target.exists() and not item.replaceable:
            lines.append(f"kept    {target} (exists; add this to it):\n\n{text}")
            continue
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as err:
            raise UsageError(f"{target}: cannot write: {err.strerror}") from None
        lines.append(f"wrote   {target}")
    card = directory / "model_card.yaml"
    lines.append(f"\nNext: fill in {card} (every FAIL and WARN names what is missing), then run\n  comply check {card}")
    return lines


def register(app: typer.Typer) -> None:
    @app.command()
    def init(
        tier: Tier = typer.Option(Tier.high, "--tier", "-t", help="Risk tier of the model-card template."),
        directory: Path = typer.Option(Path("."), "--dir", "-d", help="Where to write the files."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing comply.yaml and model_card.yaml."),
    ) -> None:
        """Write a commented comply.yaml, a model-card template for a risk tier and a pre-commit config."""
        try:
            lines = init_repository(directory, tier, force=force)
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None
        write("\n".join(lines) + "\n")
        raise typer.Exit(0)
