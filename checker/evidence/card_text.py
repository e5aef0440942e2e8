"""Edit one section of a YAML model card in place, keeping every comment and the order of everything else.

PyYAML cannot round-trip comments, so `comply card fill` does not re-dump the card: it replaces the
lines of the blocks it owns (`evaluation.metrics`, `evaluation.slices`, `evaluation.source`, ...) and
nothing else. A block is a `key:` line and the lines below it indented deeper; a missing block is
appended at the end of its parent section. Comments inside a replaced block go with the old numbers;
comments anywhere else stay byte for byte. The result is parsed again and compared with what was
meant before anything is written (`set_blocks` raises InputError when the card is laid out in a way
this editor cannot follow, e.g. a flow-style parent `evaluation: {metrics: ...}`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from checker.errors import InputError

_KEY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z0-9_][A-Za-z0-9_.=+\- ]*|\"[^\"]*\"|'[^']*'):(?:\s|$)")


def set_blocks(text: str, updates: Sequence[tuple[tuple[str, ...], Any]], *, where: str) -> str:
    """`text` with each (path, value) written as a block (two-level paths like ("evaluation", "metrics"))."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for path, value in updates:
        lines = _set_block(lines, path, value, where)
    result = "".join(lines)
    _verify(result, updates, where)
    return result


def _set_block(lines: list[str], path: tuple[str, ...], value: Any, where: str) -> list[str]:
    parent, key = path
    top = _find_key(lines, parent, 0, 0, len(lines))
    if top is None:
        block = [f"{parent}:\n", *_render(key, value, 2)]
        return [*lines, *block]
    start, end = top, _block_end(lines, top, 0)
    inline = lines[start].split(":", 1)[1].strip()
    if inline and not inline.startswith("#"):
        raise InputError(
            f"{where}:{start + 1}: {parent}: write this section in block style (one key per line) to fill it"
        )
    indent = _child_indent(lines, start + 1, end)
    found = _find_key(lines, key, indent, start + 1, end)
    if found is None:
        insert = _content_end(lines, start + 1, end)
        return [*lines[:insert], *_render(key, value, indent), *lines[insert:]]
    child_end = _content_end(lines, found + 1, _block_end(lines, found, indent))
    return [*lines[:found], *_render(key, value, indent), *lines[child_end:]]


def _render(key: str, value: Any, indent: int) -> list[str]:
    dumped = yaml.safe_dump({key: value}, sort_keys=False, default_flow_style=False, allow_unicode=True, width=120)
    return [" " * indent + line + "\n" for line in dumped.splitlines()]


def _find_key(lines: list[str], key: str, indent: int, start: int, end: int) -> int | None:
    for index in range(start, end):
        match = _KEY.match(lines[index])
        if match and len(match["indent"]) == indent and match["key"].strip("\"'") == key:
            return index
    return None


def _indent_of(line: str) -> int | None:
    """The indentation of a content line; None for blank lines and comments."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """First line after the block of the key at `start`: the next content or comment line indented no deeper."""
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if not stripped:
            continue
        depth = len(lines[index]) - len(lines[index].lstrip(" "))
        if depth == indent and (stripped == "-" or stripped.startswith("- ")):
            continue  # a block sequence may sit at its key's own indentation
        if depth <= indent:
            return index
    return len(lines)


def _content_end(lines: list[str], start: int, end: int) -> int:
    """`end` moved up past trailing blank lines, so replaced or inserted blocks keep the spacing around them."""
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end


def _child_indent(lines: list[str], start: int, end: int) -> int:
    for index in range(start, end):
        depth = _indent_of(lines[index])
        if depth is not None:
            return depth
    return 2


def _verify(text: str, updates: Sequence[tuple[tuple[str, ...], Any]], where: str) -> None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InputError(f"{where}: the filled card would not parse ({err}); nothing was written") from None
    for path, value in updates:
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if node != value:
            raise InputError(f"{where}: {'.'.join(path)}: cannot edit this layout safely; nothing was written")
