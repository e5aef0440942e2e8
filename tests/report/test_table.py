"""Plain tables are rich's tables, character for character, or rich draws them.

`plain_text` draws a table without importing rich; wherever it answers, the answer must equal what rich
prints on the same console (`checker.console.text_console`, no colour). Generated tables cover titles,
captions, justification, sections, empty cells and sizes around the width; plain ones must be answered,
so the comparison is not vacuous. And the text report of every golden example is the same whether
rich draws its tables (as it did before) or plain text does.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys

import pytest

from checker.console import text_console
from checker.report.table import Column, TableSpec, plain_text, to_rich
from tests.conftest import ROOT
from tests.core.golden_reports import AS_OF, cases

WORDS = ("sex", "female", "0.040", "12", "", "worst gap", "a -> b", "demographic_parity_difference", "x" * 30)
ODD = ("Zoë", "tab\there", "two  spaces", " lead", "[bold]x[/]", ":warning:", "女性")


def drawn_by_rich(spec: TableSpec, width: int) -> str:
    buffer = io.StringIO()
    text_console(buffer, colour=False, width=width).print(to_rich(spec))
    return buffer.getvalue()


def generated(rng: random.Random, odd: float) -> TableSpec:
    def word() -> str:
        return rng.choice(ODD) if rng.random() < odd else rng.choice(WORDS)

    columns = [
        Column(word() or "h", rng.choice(["left", "right"]), no_wrap=rng.random() < 0.3)
        for _ in range(rng.randint(1, 8))
    ]
    spec = TableSpec(
        columns,
        title=rng.choice([None, "Fairness by sex (computed)", word(), ("long title " * 12).strip()]),
        title_justify=rng.choice(["left", "center", "right"]),
        caption=rng.choice([None, "reference group: male", word(), ("worst gap: " + "a -> b; " * 20).strip()]),
        caption_justify=rng.choice(["left", "center", "right"]),
    )
    for _ in range(rng.randint(0, 6)):
        spec.add_row(*(word() for _ in columns))
        if rng.random() < 0.2:
            spec.add_section()
    return spec


@pytest.mark.parametrize("odd", [0.0, 0.05])
@pytest.mark.parametrize("width", [40, 100, 240])
def test_plain_tables_are_what_rich_prints(width: int, odd: float) -> None:
    rng = random.Random(f"{width}-{odd}")
    answered = 0
    for _ in range(300):
        spec = generated(rng, odd)
        plain = plain_text(spec, width)
        if plain is None:
            continue
        answered += 1
        assert plain == drawn_by_rich(spec, width), spec
    assert answered > 30


def test_a_table_wider_than_the_width_is_left_to_rich() -> None:
    spec = TableSpec([Column("a" * 60), Column("b" * 60)])
    assert plain_text(spec, 100) is None
    assert plain_text(spec, 240) == drawn_by_rich(spec, 240)


@pytest.mark.parametrize("text", ["Zoë", "tab\there", "two  spaces", " lead", "女性"])
def test_text_that_is_not_plain_ascii_is_left_to_rich(text: str) -> None:
    assert plain_text(TableSpec([Column("h")], rows=[(text,)]), 100) is None


@pytest.mark.parametrize("text", ["[bold]x[/]", ":warning:"])
def test_markup_and_emoji_codes_print_as_written(text: str) -> None:
    spec = TableSpec([Column("h")], rows=[(text,)])
    assert plain_text(spec, 100) == drawn_by_rich(spec, 100)
    assert text in drawn_by_rich(spec, 100)


def _text_report(args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, *, plain: bool) -> str:
    """`comply check ARGS` to a pipe, in-process; plain=False draws every table with rich, as before."""
    import contextlib

    from checker.cli import main
    from checker.report import text

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(ROOT)
    if not plain:
        monkeypatch.setattr(text, "plain_text", lambda spec, width: None)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["check", *args, *AS_OF])
    monkeypatch.undo()
    assert code in (0, 1)
    return buffer.getvalue()


@pytest.mark.parametrize("name", sorted(cases()))
def test_every_example_reads_the_same_as_when_rich_drew_its_tables(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    args = cases()[name]
    plain = _text_report(args, monkeypatch, plain=True)
    assert plain == _text_report(args, monkeypatch, plain=False)
    if name in ("credit-scoring", "all-examples-one-run"):
        assert "━╇━" in plain  # a table was drawn


PROBE = """
import contextlib, io, sys
from checker.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(code, "rich" in sys.modules)
"""


@pytest.mark.parametrize("target", ["examples/credit-scoring/model_card.yaml", "examples/"])
def test_a_text_report_to_a_pipe_never_imports_rich(target: str) -> None:
    command = [sys.executable, "-c", PROBE, "check", target, *AS_OF]
    env = {"PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, env=env)
    code, imported = done.stdout.split()
    assert code in ("0", "1"), done.stderr
    assert imported == "False"
