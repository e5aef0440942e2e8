"""Shape checks: JSON Schema 2020-12 validation of evidence files, the input document and the report.

A shape error is an input error, reported as `file:line: field: what is wrong` for every problem found
(sorted by line), so a user fixes them all in one go. Missing obligations are not shape errors; the
policies report those with their article.

The passing path never imports jsonschema: each schema is compiled once per process to a predicate
(`checker.schema_compile`), and jsonschema runs only when that predicate rejects, to word the errors.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError
from checker.resources import schemas_dir

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

    from checker.evidence.loader import LoadedDocument
    from checker.schema_compile import Predicate

MAX_REPORTED = 20

_JSON_TYPES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "null",
}


@functools.lru_cache(maxsize=1)
def _documents() -> dict[str, dict[str, Any]]:
    """Every shipped schema, by file name and by `$id` (how `$ref`s name them)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(schemas_dir().glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        found[path.name] = schema
        if "$id" in schema:
            found[schema["$id"]] = schema
    return found


@functools.lru_cache(maxsize=1)
def _registry() -> Any:
    from referencing import Registry, Resource

    return Registry().with_resources((uri, Resource.from_contents(schema)) for uri, schema in _documents().items())


@functools.lru_cache(maxsize=16)
def validator(name: str) -> Validator:
    """The jsonschema validator for `schemas/<name>.schema.json` (cached per process): the authority,
    used to word errors."""
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=("date",))
    return Draft202012Validator(_documents()[f"{name}.schema.json"], registry=_registry(), format_checker=checker)


@functools.lru_cache(maxsize=16)
def conforms_predicate(name: str, trusted: frozenset[str] = frozenset()) -> Predicate | None:
    """Schema `name` compiled to a predicate, or None when it uses a keyword the compiler lacks.

    `trusted` names top-level properties already checked against their own schema (the input
    document's `card`, validated a moment before as a model card), so they are not walked twice.
    """
    from checker.schema_compile import Compiler, Unsupported

    documents = dict(_documents())
    schema = documents[f"{name}.schema.json"]
    if trusted:
        schema = {**schema, "properties": {**schema.get("properties", {}), **dict.fromkeys(trusted, True)}}
    uri = str(schema.get("$id", f"{name}.schema.json"))
    documents[uri] = schema
    try:
        return Compiler(documents).predicate(uri)
    except Unsupported:
        return None


def validate(
    instance: Any,
    name: str,
    *,
    source: LoadedDocument | None = None,
    label: str | None = None,
    prefix: str = "",
    trusted: frozenset[str] = frozenset(),
) -> None:
    """Raise InputError listing every way `instance` breaks schema `name`.

    `source` maps field paths to lines; `prefix` is stripped from paths first (the input document nests
    the card under `card`, but the card's own lines are keyed without it). `trusted`: see
    `conforms_predicate` (it only spares the passing path; errors are looked for everywhere).
    """
    predicate = conforms_predicate(name, trusted)
    if predicate is not None and predicate(instance):
        return
    _raise_errors(validator(name).iter_errors(instance), source, label, prefix)


@functools.lru_cache(maxsize=4)
def external_validator(name: str) -> Validator:
    """The validator for a third-party card format's own published schema (`schemas/external/`), of
    whatever JSON Schema draft it declares; kept apart from comply's schemas so loading those stays cheap."""
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for

    schema = json.loads((schemas_dir() / "external" / f"{name}.schema.json").read_text(encoding="utf-8"))
    cls = validator_for(schema)
    return cls(schema, format_checker=FormatChecker(formats=("date",)))  # type: ignore[no-any-return]


def validate_external(instance: Any, name: str, *, source: LoadedDocument) -> None:
    """Raise InputError listing every way a card breaks its own format's published schema."""
    _raise_errors(external_validator(name).iter_errors(instance), source, None, "")


def _raise_errors(
    found: Iterable[ValidationError], source: LoadedDocument | None, label: str | None, prefix: str
) -> None:
    errors = sorted(found, key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return
    lines = [_format(error, source, label, prefix) for error in _leaf_errors(errors)]
    lines = sorted(set(lines), key=_sort_key)
    shown = lines[:MAX_REPORTED]
    if len(lines) > MAX_REPORTED:
        shown.append(f"... and {len(lines) - MAX_REPORTED} more shape errors")
    raise InputError("\n".join(shown))


def _leaf_errors(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    for error in errors:
        if error.context and error.validator in {"anyOf", "oneOf"}:
            # the deepest error, and at one depth a branch's own constraint (a list's uniqueItems, minItems)
            # before another branch's type or enum, which only says the value took that branch's shape
            best = min(
                error.context,
                key=lambda e: (-len(e.absolute_path), e.validator in {"type", "enum", "const"}, e.validator == "type"),
            )
            yield best
        else:
            yield error


def _format(error: ValidationError, source: LoadedDocument | None, label: str | None, prefix: str) -> str:
    parts = [str(part) for part in error.absolute_path]
    where = ".".join(parts) or "(top level)"
    file_label = label or (str(source.path) if source is not None else "input")
    line = None
    if source is not None:
        local = where[len(prefix) + 1 :] if prefix and where.startswith(prefix + ".") else where
        line = source.line_of(local) if parts else 1
    location = f"{file_label}:{line}" if line else file_label
    return f"{location}: {where}: {describe(error)}"


def describe(error: ValidationError) -> str:
    """A short human sentence for one schema violation."""
    kind = error.validator
    value = error.instance
    if kind == "type":
        expected: Any = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_JSON_TYPES.get(name, name) for name in names)
        return f"expected {wanted}, got {_show(value)}"
    if kind == "required":
        required: Any = error.validator_value
        missing = [name for name in required if isinstance(value, Mapping) and name not in value]
        return f"missing required field {', '.join(map(repr, missing))}"
    if kind == "enum":
        allowed: Any = error.validator_value
        options = ", ".join(map(str, allowed))
        return f"expected one of {options}, got {_show(value)}"
    if kind == "const":
        return f"expected {_show(error.validator_value)}, got {_show(value)}"
    if kind == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    if kind in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[kind]
        return f"expected a number {sign} {error.validator_value}, got {_show(value)}"
    if kind == "uniqueItems" and isinstance(value, list):
        repeated = next((item for index, item in enumerate(value) if item in value[:index]), None)
        return f"expected each item once, got {_show(repeated)} more than once"
    if kind == "minItems":
        count = len(value) if isinstance(value, list) else _show(value)
        return f"expected at least {error.validator_value} item(s), got {count}"
    if kind == "format":
        return f"expected a {error.validator_value} (e.g. 2026-01-31), got {_show(value)}"
    return error.message


def _show(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if len(value) <= 60 else json.dumps(value[:57] + "...")
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(value)
    kind = "object" if isinstance(value, dict) else "array" if isinstance(value, list) else ""
    return _JSON_TYPES.get(kind, type(value).__name__)


def _sort_key(line: str) -> tuple[str, int, str]:
    head, _, rest = line.partition(": ")
    file_label, _, number = head.rpartition(":")
    if number.isdigit():
        return (file_label, int(number), rest)
    return (head, 0, rest)


def schema_path(name: str) -> Path:
    return schemas_dir() / f"{name}.schema.json"
