"""Safe loading of YAML and JSON evidence files, keeping the line of every field.

Every evidence file goes through `load_document`, so the limits that protect comply hold for all of
them: a size cap read before parsing, strict UTF-8, YAML's safe tag set only, a bound on how far
aliases may expand (a "billion laughs" file is refused, not expanded), no NaN or infinity (a metric
that is not a number must not slip past a threshold comparison), no duplicate keys (the second value
would silently win). Findings point at `file:line`, so the loader records, for each dotted field path,
the line where that field is written.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checker.errors import InputError

MAX_BYTES = int(os.environ.get("COMPLY_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
"""Largest evidence file comply reads (10 MiB by default); larger files are refused before parsing."""

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one;
both resolve only the safe tag set."""

MAX_NODES = 200_000
"""Most YAML nodes a document may expand to once aliases are followed."""


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
    """The size of an evidence file, or a one-line input error when it is missing, unreadable or a folder."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected {expected}")
    return size


def read_bytes(path: Path, *, limit: int = MAX_BYTES) -> bytes:
    """Read a file whole, refusing directories, unreadable files and anything over `limit` bytes."""
    size = file_size(path)
    if size > limit:
        raise InputError(f"{path}: file is {size} bytes, larger than the {limit}-byte limit for evidence files")
    try:
        with path.open("rb") as handle:
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
    except (ValueError, RecursionError) as err:
        raise InputError(f"{path}: invalid JSON: {err}") from None
    _check_json_numbers(path, data, "")
    return data


def _check_json_numbers(path: Path, value: Any, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{path}: {where or '(top level)'}: {value} is not a finite number")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_json_numbers(path, item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json_numbers(path, item, f"{where}.{index}" if where else str(index))


def _load_yaml(path: Path, text: str) -> tuple[Any, dict[str, int]]:
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(f"{path}: file is empty")
        builder = _Builder(path, loader)
        data = builder.build(node, "")
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = err.problem or err.context or "invalid YAML"
        raise InputError(f"{path}{line}: invalid YAML: {problem}") from None
    except yaml.YAMLError as err:
        raise InputError(f"{path}: invalid YAML: {err}") from None
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

    def build(self, node: yaml.Node, where: str) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError(
                f"{self.path}: YAML expands to more than {MAX_NODES} nodes through aliases "
                "(a 'billion laughs' document?); refusing to expand it"
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                child_where = f"{where}.{index}" if where else str(index)
                self.lines.setdefault(child_where, child.start_mark.line + 1)
                items.append(self.build(child, child_where))
            return items
        return self._scalar(node, where)

    def _mapping(self, node: yaml.MappingNode, where: str) -> dict[str, Any]:
        self.loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if isinstance(key, bool) or key is None or isinstance(key, (dict, list)):
                raise InputError(f"{self.path}:{line}: {where or '(top level)'}: keys must be strings, got {key!r}")
            key = str(key)
            if key in result:
                raise InputError(f"{self.path}:{line}: {where + '.' if where else ''}{key}: duplicate key")
            child_where = f"{where}.{key}" if where else key
            self.lines.setdefault(child_where, line)
            result[key] = self.build(value_node, child_where)
        return result

    def _scalar(self, node: yaml.Node, where: str) -> Any:
        value = self.loader.construct_object(node)
        line = node.start_mark.line + 1
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{self.path}:{line}: {where or '(top level)'}: {value} is not a finite number")
        if isinstance(value, (_dt.datetime, _dt.date)):
            return value.isoformat()
        if isinstance(value, bytes):
            raise InputError(f"{self.path}:{line}: {where or '(top level)'}: binary values are not accepted")
        return value
