"""`comply card`: cards whose numbers are never typed by hand.

- `comply card fill model_card.yaml --predictions preds.csv` computes the evaluation metrics and the
  per-group slices from the predictions (column names from comply.yaml `fairness:`), writes them into
  `evaluation.metrics` / `evaluation.slices` with the file's sha256 under `evaluation.source`, and
  updates the same-named `instructions_for_use.accuracy_metrics` (Art 13 wants them equal). Only those
  blocks change: comments and the order of everything else are kept (checker.evidence.card_text).
  A later `comply check` recomputes from `evaluation.source` and fails the card when its numbers differ.
- `comply card render model_card.yaml` turns a card (any format comply reads) into Markdown for the
  repository or the model registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from checker.console import fail, write
from checker.errors import ComplyError, UsageError


def fill_card(card_path: Path, predictions: Path, *, config_path: Path | None = None) -> str:
    """The card's text with its evaluation section computed from `predictions`."""
    import os

    from checker.config import load_config
    from checker.evidence.card import load_card_as
    from checker.evidence.card_text import set_blocks
    from checker.evidence.evaluation import DECIMALS, SOURCE_OPTION_KEYS, compute_evaluation
    from checker.evidence.loader import decode_utf8, read_bytes
    from checker.fairness.options import FairnessOptions

    card, fmt = load_card_as(card_path)
    if fmt != "comply" or card_path.suffix.lower() not in {".yaml", ".yml"}:
        raise UsageError(f"{card_path}: comply card fill edits comply YAML cards (this one is {fmt})")
    config = load_config(config_path, near=card_path.parent)
    if not config.fairness:
        raise UsageError("comply card fill needs the prediction columns: add a `fairness:` section to comply.yaml")
    options = FairnessOptions.from_mapping(config.fairness, where="comply.yaml fairness")
    computed = compute_evaluation(predictions, options)
    metrics = {name: round(value, DECIMALS) for name, value in computed["metrics"].items()}
    slices = {
        name: {key: value if key == "n" else round(value, DECIMALS) for key, value in values.items()}
        for name, values in computed["slices"].items()
    }
    relative = Path(os.path.relpath(predictions.resolve(), card_path.resolve().parent)).as_posix()
    recorded = {key: getattr(options, key) for key in SOURCE_OPTION_KEYS}
    source: dict[str, Any] = {"file": relative, "sha256": computed["sha256"], "rows": computed["rows"]}
    for key, value in recorded.items():
        if value not in (None, (), ""):
            source[key] = list(value) if isinstance(value, tuple) else value
    if source.get("threshold") == 0.5:
        source.pop("threshold")
    updates: list[tuple[tuple[str, ...], Any]] = [
        (("evaluation", "metrics"), metrics),
        (("evaluation", "slices"), slices),
        (("evaluation", "source"), source),
    ]
    instructions = card.data.get("instructions_for_use")
    declared = instructions.get("accuracy_metrics") if isinstance(instructions, dict) else None
    if isinstance(declared, dict) and declared:
        updates.append(
            (("instructions_for_use", "accuracy_metrics"), {k: metrics.get(k, v) for k, v in declared.items()})
        )
    text = decode_utf8(card_path, read_bytes(card_path))
    return set_blocks(text, updates, where=str(card_path))


def render_markdown(card: dict[str, Any], title: str) -> str:
    """A card as Markdown: one heading per section, metrics and slices as tables, the rest as lists."""
    from checker.evidence.mapping import section as section_of

    details = section_of(card, "model_details")
    name = str(details.get("name") or title)
    version = f" {details['version']}" if details.get("version") else ""
    lines = [f"# {name}{version}", ""]
    for section, value in card.items():
        lines.append(f"## {section.replace('_', ' ').capitalize()}")
        lines.append("")
        if section == "evaluation" and isinstance(value, dict):
            lines.extend(_evaluation_markdown(value))
        else:
            lines.extend(_value_markdown(value, 0))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _evaluation_markdown(evaluation: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    metrics = evaluation.get("metrics")
    if isinstance(metrics, dict) and metrics:
        lines += ["| metric | value |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in metrics.items()), ""]
    slices = evaluation.get("slices")
    if isinstance(slices, dict) and slices:
        columns = sorted({key for values in slices.values() if isinstance(values, dict) for key in values})
        lines.append("| slice | " + " | ".join(columns) + " |")
        lines.append("| --- |" + " --- |" * len(columns))
        for name, values in slices.items():
            cells = [str(values.get(column, "")) if isinstance(values, dict) else "" for column in columns]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    rest = {k: v for k, v in evaluation.items() if k not in {"metrics", "slices"}}
    lines.extend(_value_markdown(rest, 0))
    return lines


def _value_markdown(value: Any, depth: int) -> list[str]:
    pad = "  " * depth
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}- **{key}**:")
                lines.extend(_value_markdown(item, depth + 1))
            else:
                lines.append(f"{pad}- **{key}**: {_scalar(item)}")
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, (dict, list)):
                nested = _value_markdown(item, depth + 1)
                lines.append(f"{pad}- " + (nested[0].strip().removeprefix("- ") if nested else ""))
                lines.extend(nested[1:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
        return lines
    return [f"{pad}{_scalar(value)}"]


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, dict)):
        return "none"
    return str(value)


def register(app: typer.Typer) -> None:
    card_app = typer.Typer(help="Fill a card's evaluation numbers from the predictions; render a card as Markdown.")
    app.add_typer(card_app, name="card")

    @card_app.command("fill")
    def fill(
        card: Path = typer.Argument(..., help="The comply YAML model card to fill (edited in place)."),
        predictions: Optional[Path] = typer.Option(
            None, "--predictions", help="Predictions file (default: comply.yaml evidence.predictions)."
        ),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the filled card here instead."),
        config: Optional[Path] = typer.Option(
            None, "--config", "-c", help="comply.yaml (default: the card's nearest comply.yaml)."
        ),
    ) -> None:
        """Compute evaluation.metrics and per-group slices from predictions and write them into the card."""
        try:
            from checker.config import load_config

            source = predictions or load_config(config, near=card.parent).evidence.get("predictions")
            if source is None:
                raise UsageError("name the predictions file (--predictions) or set evidence.predictions in comply.yaml")
            text = fill_card(card, source, config_path=config)
            _write_whole(output or card, text)
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None
        write(f"filled evaluation.metrics, evaluation.slices and evaluation.source of {output or card} from {source}\n")

    @card_app.command("render")
    def render(
        card: Path = typer.Argument(..., help="A model card in any format comply reads."),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the Markdown here."),
        card_format: Optional[str] = typer.Option(None, "--card-format", help="Override the detected format."),
    ) -> None:
        """Render a model card as Markdown (for the repository or the model registry)."""
        from checker.evidence.card import load_card

        try:
            loaded = load_card(card, card_format)
            markdown = render_markdown(loaded.data, card.stem)
            if output is not None:
                if output.resolve() == card.resolve():
                    raise UsageError(f"{output}: is the card itself; choose another --output")
                _write_whole(output, markdown)
            else:
                write(markdown)
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None


def _write_whole(path: Path, text: str) -> None:
    """Write through a temporary file and a rename, so a card is never left half-written."""
    import os
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as err:
        raise UsageError(f"{path}: cannot write: {err.strerror}") from None
