"""Safe loading of YAML and JSON evidence files, keeping the line of every field.

Every evidence file goes through `load_document`, so the limits that protect comply hold for all of
them: a size cap read before parsing, strict UTF-8, YAML's safe tag set only, a bound on how far
aliases may expand (a "billion laughs" file is refused, not expanded), no NaN or infinity (a metric
that is not a number must not slip past a threshold comparison), no duplicate keys (the second value
would silently win). Findings point at `file:line`, so the loader records, for each dotted field path,
the line where that field is written.

Nothing in a file may crash comply or reach the engine in a form it cannot take: a tagged scalar that
does not convert (`!!int foo`), an impossible date (`2026-02-30`), an integer beyond Python's
4300-digit conversion limit, a lone surrogate, or nesting deeper than `MAX_DEPTH` is one located input
error. Only regular files are read: a FIFO or device named as evidence would block forever.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checker.errors import InputError, one_line

MAX_BYTES = int(os.environ.get("COMPLY_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
"""Largest evidence file comply reads (10 MiB by default); larger files are refused before parsing."""

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one;
both resolve only the safe tag set."""

MAX_NODES = 200_000
"""Most YAML nodes a document may expand to once aliases are followed."""

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists a file may have. The input document adds a few levels above a
file's own, and the embedded engine refuses JSON nested beyond 128, so files stop well short of that."""

_stdin_bytes: bytes | None = None

INPUT_FILES: set[str] = set()
"""Real paths of every file this process has read as an input (cards, configs, evidence, predictions):
an output may never be written over one of them (`checker.report.output`)."""


def start_run() -> None:
    """Forget the inputs and stdin of an earlier run in this process (`checker.cli.main` called twice)."""
    global _stdin_bytes
    INPUT_FILES.clear()
    _stdin_bytes = None


def note_input(path: Path) -> None:
    """Remember `path` (and what a symlink points at) as one of the run's inputs."""
    INPUT_FILES.add(os.path.realpath(path))


@dataclass(frozen=True)
class LoadedDocument:
    """A parsed evidence file: its data, where each field is written, and its digest."""

    path: Path
    data: Any
    sha256: str
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, dotted: str) -> int | None:
        """The line of `dotted`, or of its nearest written ancestor (a missing field is reported where
        its parent section is)."""
        parts = dotted.split(".") if dotted else []
        while parts:
            line = self.lines.get(".".join(parts))
            if line is not None:
                return line
            parts.pop()
        return None


def file_size(path: Path, *, expected: str = "a file") -> int:
    """The size of an input file, or a one-line input error when it is missing, unreadable, a folder or
    anything but a regular file (a FIFO would make the read block forever, a device never ends).

    Every input goes through here, so this is also where it is recorded as one of the run's inputs.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory, expected {expected}")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: is {_file_kind(info.st_mode)}, not a regular file; expected {expected}")
    note_input(path)
    return info.st_size


def refuse_special_file(path: Path, label: str, what: str) -> None:
    """For readers with their own error wording: refuse a FIFO, device or socket before opening it
    (opening a FIFO blocks until someone writes to it) and record a regular file as an input."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # the reader reports a missing or unreadable file in its own words
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputError(f"{label}: cannot read {what}: {_file_kind(mode)}, not a regular file")
    if stat.S_ISREG(mode):
        note_input(path)


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _file_kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


STDIN = "-"
"""The path that names standard input (`comply check -`)."""


def is_mlflow_uri(value: Path | str) -> bool:
    """A `models:/` or `runs:/` URI: what comply reads through MLflow (checker.evidence.mlflow) rather than from
    a file. Here, not in that module, because every run asks it of its paths and importing that one costs."""
    return str(value).startswith(("models:/", "runs:/"))


def read_stdin(*, limit: int = MAX_BYTES) -> bytes:
    """Standard input, read once (the same bytes however often the card is loaded); a terminal or
    nothing piped in is a one-line input error, never a wait for typing."""
    global _stdin_bytes
    if _stdin_bytes is None:
        stream = sys.stdin
        if stream is None or stream.isatty():
            raise InputError(
                "-: no model card on stdin (it is a terminal); pipe one in, e.g. `cat card.yaml | comply check -`"
            )
        raw = stream.buffer.read(limit + 1)
        if len(raw) > limit:
            raise InputError(f"-: stdin is larger than the {limit}-byte limit for evidence files")
        if not raw.strip():
            raise InputError("-: no model card on stdin (nothing was piped in)")
        _stdin_bytes = raw
    return _stdin_bytes


def read_bytes(path: Path, *, limit: int = MAX_BYTES) -> bytes:
    """Read a file whole, refusing directories, unreadable files and anything over `limit` bytes."""
    if str(path) == STDIN:
        return read_stdin(limit=limit)
    size = file_size(path)
    if size > limit:
        raise InputError(f"{path}: file is {size} bytes, larger than the {limit}-byte limit for evidence files")
    try:
        with path.open("rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped for a FIFO since the stat
                raise InputError(f"{path}: not a regular file")
            raw = handle.read(limit + 1)
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    if len(raw) > limit:
        raise InputError(f"{path}: file is larger than the {limit}-byte limit for evidence files")
    return raw


def decode_utf8(path: Path, raw: bytes) -> str:
    """Decode strictly as UTF-8 (a BOM is allowed), naming the first bad byte and its line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        bad = raw[err.start : err.start + 1].hex()
        raise InputError(f"{path}:{line}: not valid UTF-8 (byte 0x{bad} at offset {err.start})") from None


def load_document(path: Path | str, *, limit: int = MAX_BYTES) -> LoadedDocument:
    """Load a YAML or JSON file into plain data (dicts, lists, str, int, float, bool, None).

    JSON is recognised by a `.json` suffix; it is parsed strictly first (so YAML-only syntax in a
    .json file is an error) and then composed again as YAML only to learn line numbers.
    """
    path = Path(path)
    raw = read_bytes(path, limit=limit)
    text = decode_utf8(path, raw)
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    digest = hashlib.sha256(raw).hexdigest()
    if path.suffix.lower() == ".json":
        data = _load_json(path, text)
        try:
            _, lines = _load_yaml(path, text)
        except InputError:
            lines = {}
        return LoadedDocument(path, data, digest, lines)
    data, lines = _load_yaml(path, text)
    return LoadedDocument(path, data, digest, lines)


def load_yaml_text(path: Path, text: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML text that is part of a larger file (a Hugging Face card's front matter) with the same
    limits as a whole file; line numbers are those of `text`, so pad it to keep the file's lines."""
    return _load_yaml(path, text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number comply accepts")


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _load_json(path: Path, text: str) -> Any:
    try:
        data = json.loads(text, object_pairs_hook=_json_pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}:{err.lineno}: invalid JSON: {err.msg} (column {err.colno})") from None
    except RecursionError:
        raise InputError(f"{path}: invalid JSON: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as err:
        raise InputError(f"{path}: invalid JSON: {_value_problem(err)}") from None
    _check_json_values(path, data, "", 0)
    return data


def _value_problem(err: ValueError) -> str:
    """A ValueError from a conversion, worded for the user (Python's int-digit limit names a setting
    the user cannot change)."""
    text = str(err)
    if "integer string conversion" in text or ("digits" in text and "limit" in text):
        return f"an integer with more than {sys.get_int_max_str_digits()} digits"
    return text


def _check_json_values(path: Path, value: Any, where: str, depth: int) -> None:
    """Finite numbers, no lone surrogates, bounded nesting: what the engine can take."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{path}: {where or '(top level)'}: {value} is not a finite number")
    if isinstance(value, str):
        _check_text(path, None, where, value)
        return
    if isinstance(value, (dict, list)) and depth >= MAX_DEPTH:
        raise InputError(f"{path}: {_shorten(where) or '(top level)'}: nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{where}.{key}" if where else key
            _check_text(path, None, child, key)
            _check_json_values(path, item, child, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json_values(path, item, f"{where}.{index}" if where else str(index), depth + 1)


def _shorten(where: str, limit: int = 60) -> str:
    """A field path short enough for one error line."""
    return where if len(where) <= limit else f"{where[: limit // 2]}...{where[-limit // 2 :]}"


def _check_text(path: Path, line: int | None, where: str, text: str) -> None:
    """Refuse a lone surrogate (`"\\ud800"` in JSON): it is not a character and cannot be encoded."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        at = f":{line}" if line else ""
        code = ord(text[err.start])
        raise InputError(
            f"{path}{at}: {where or '(top level)'}: lone surrogate U+{code:04X} is not a character"
        ) from None


def _load_yaml(path: Path, text: str) -> tuple[Any, dict[str, int]]:
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(f"{path}: file is empty")
        builder = _Builder(path, loader)
        data = builder.build(node, "", 0)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = err.problem or err.context or "invalid YAML"
        raise InputError(f"{path}{line}: invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as err:
        at = text.count("\n", 0, err.position) + 1 if isinstance(err.position, int) else 1
        raise InputError(f"{path}:{at}: invalid YAML: character {err.character!r} is not allowed") from None
    except yaml.YAMLError as err:
        raise InputError(f"{path}: invalid YAML: {one_line(str(err))}") from None
    except RecursionError:
        raise InputError(f"{path}: YAML nested too deeply") from None
    finally:
        loader.dispose()
    return data, builder.lines


class _Builder:
    """Turns composed YAML nodes into plain data, recording lines and bounding alias expansion."""

    def __init__(self, path: Path, loader: Any) -> None:
        self.path = path
        self.loader = loader
        self.lines: dict[str, int] = {}
        self.nodes = 0

    def build(self, node: yaml.Node, where: str, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError(
                f"{self.path}: YAML expands to more than {MAX_NODES} nodes through aliases "
                "(a 'billion laughs' document?); refusing to expand it"
            )
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and depth >= MAX_DEPTH:
            raise InputError(
                f"{self.path}:{node.start_mark.line + 1}: {_shorten(where) or '(top level)'}: "
                f"nested more than {MAX_DEPTH} levels deep"
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where, depth)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                child_where = f"{where}.{index}" if where else str(index)
                self.lines.setdefault(child_where, child.start_mark.line + 1)
                items.append(self.build(child, child_where, depth + 1))
            return items
        return self._scalar(node, where)

    def _construct(self, node: yaml.Node, where: str) -> Any:
        """One scalar as Python data; a value its tag cannot hold (`!!int foo`, `2026-02-30`, a
        5000-digit integer) is a located input error, not a crash."""
        try:
            return self.loader.construct_object(node)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError) as err:
            line = node.start_mark.line + 1
            tag = node.tag.rsplit(":", 1)[-1]
            shown = str(node.value)
            shown = shown if len(shown) <= 40 else f"{shown[:20]}...({len(shown)} characters)"
            problem = _value_problem(err) if isinstance(err, ValueError) else "not a valid value"
            raise InputError(
                f"{self.path}:{line}: {where or '(top level)'}: {shown!r} is not a valid {tag} ({problem})"
            ) from None

    def _mapping(self, node: yaml.MappingNode, where: str, depth: int) -> dict[str, Any]:
        self.loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._construct(key_node, where or "(top level)")
            line = key_node.start_mark.line + 1
            if isinstance(key, bool) or key is None or isinstance(key, (dict, list)):
                raise InputError(f"{self.path}:{line}: {where or '(top level)'}: keys must be strings, got {key!r}")
            key = str(key)
            _check_text(self.path, line, where, key)
            if key in result:
                raise InputError(f"{self.path}:{line}: {where + '.' if where else ''}{key}: duplicate key")
            child_where = f"{where}.{key}" if where else key
            self.lines.setdefault(child_where, line)
            result[key] = self.build(value_node, child_where, depth + 1)
        return result

    def _scalar(self, node: yaml.Node, where: str) -> Any:
        value = self._construct(node, where)
        line = node.start_mark.line + 1
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{self.path}:{line}: {where or '(top level)'}: {value} is not a finite number")
        if isinstance(value, (_dt.datetime, _dt.date)):
            return value.isoformat()
        if isinstance(value, bytes):
            raise InputError(f"{self.path}:{line}: {where or '(top level)'}: binary values are not accepted")
        if isinstance(value, str):
            _check_text(self.path, line, where, value)
        return value
