"""JSON Schema 2020-12 compiled to plain Python predicates: the passing path of every shape check.

`comply check` validates each card and input document; with jsonschema that cost a 55 ms import
(jsonschema, referencing, attrs, rpds) and ~1 ms per card. Almost every run passes, and a pass needs no
words, so `checker.schemas` asks a predicate compiled here first and only imports jsonschema when the
predicate says no, to word the errors (jsonschema stays the authority on what is wrong).

The compiler knows the keywords comply's schemas use, with jsonschema's exact semantics (bool is not a
number, 1.0 is an integer, enum/const equality that keeps True apart from 1, patterns searched not
matched, `format` asserted only for `date`). A schema with any other keyword raises `Unsupported`, and
the caller validates with jsonschema instead: never a guess. tests/core/test_schema_compile.py holds the
compiled predicates to jsonschema's verdict on every schema, example and fixture card and on generated
variations of them.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import urldefrag, urljoin

Predicate = Callable[[Any], bool]

ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples", "deprecated"}
)
"""Keywords that never change whether an instance is valid."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class Unsupported(Exception):
    """The schema uses a keyword (or a form of one) this compiler does not implement."""


def is_date(value: Any) -> bool:
    """The `date` format as jsonschema checks it: YYYY-MM-DD and a real calendar date."""
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


FORMATS: dict[str, Predicate] = {"date": is_date}
"""Formats asserted (as checker.schemas's FormatChecker does); any other format is an annotation."""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


TYPES: dict[str, Predicate] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "number": _is_number,
    "integer": _is_integer,
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
}


def json_equal(one: Any, two: Any) -> bool:
    """Equality as JSON Schema means it (jsonschema's `equal`): True is not 1, lists and maps compared deep."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(json_equal(one[key], two[key]) for key in one)
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    return bool(one == two)


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


class Compiler:
    """Compiles the schemas of one registry (URI -> schema document) into predicates, each once."""

    def __init__(self, resources: Mapping[str, Mapping[str, Any]]) -> None:
        self.resources = dict(resources)
        self._compiled: dict[tuple[str, str], Predicate] = {}

    def predicate(self, uri: str) -> Predicate:
        """The predicate for the schema at `uri` (optionally with a `#/json/pointer` fragment)."""
        base, fragment = urldefrag(uri)
        if base not in self.resources:
            raise Unsupported(f"unknown schema {base!r}")
        return self._at(base, fragment)

    def _at(self, base: str, pointer: str) -> Predicate:
        key = (base, pointer)
        if key in self._compiled:
            return self._compiled[key]
        # A placeholder first, so that a schema referring to itself compiles (and runs) correctly.
        cell: list[Predicate] = []
        self._compiled[key] = lambda value: cell[0](value)
        compiled = self._schema(_resolve_pointer(self.resources[base], pointer), base)
        cell.append(compiled)
        self._compiled[key] = compiled
        return compiled

    def _schema(self, schema: Any, base: str) -> Predicate:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema must be an object or a boolean, got {schema!r}")
        if "$id" in schema and schema is not self.resources.get(base):
            raise Unsupported("nested $id")
        checks: list[Predicate] = []
        for keyword, value in schema.items():
            if keyword in ANNOTATIONS or keyword in {"then", "else"}:
                continue
            build = self._KEYWORDS.get(keyword)
            if build is None:
                raise Unsupported(f"keyword {keyword!r}")
            checks.append(build(self, value, schema, base))
        return _all_of(checks)

    # -- one builder per keyword --------------------------------------------------------------

    def _type(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        names = [value] if isinstance(value, str) else list(value)
        if any(name not in TYPES for name in names):
            raise Unsupported(f"type {value!r}")
        tests = [TYPES[name] for name in names]
        if len(tests) == 1:
            return tests[0]
        return lambda instance: any(test(instance) for test in tests)

    def _enum(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        options = list(value)
        if all(isinstance(option, str) for option in options):
            allowed = frozenset(options)
            return lambda instance: isinstance(instance, str) and instance in allowed
        return lambda instance: any(json_equal(option, instance) for option in options)

    def _const(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return lambda instance: json_equal(value, instance)

    def _properties(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        children = [(name, self._schema(child, base)) for name, child in value.items()]

        def properties(instance: Any) -> bool:
            if not isinstance(instance, dict):
                return True
            return all(check(instance[name]) for name, check in children if name in instance)

        return properties

    def _additional_properties(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        known = frozenset(schema.get("properties", {}))
        patterns = [re.compile(pattern) for pattern in schema.get("patternProperties", {})]
        check = self._schema(value, base)

        def additional(instance: Any) -> bool:
            if not isinstance(instance, dict):
                return True
            for name in instance:
                if name in known or any(pattern.search(name) for pattern in patterns):
                    continue
                if not check(instance[name]):
                    return False
            return True

        return additional

    def _pattern_properties(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        rules = [(re.compile(pattern), self._schema(child, base)) for pattern, child in value.items()]

        def pattern_properties(instance: Any) -> bool:
            if not isinstance(instance, dict):
                return True
            return all(
                check(item) for name, item in instance.items() for pattern, check in rules if pattern.search(name)
            )

        return pattern_properties

    def _property_names(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        check = self._schema(value, base)
        return lambda instance: not isinstance(instance, dict) or all(check(name) for name in instance)

    def _required(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        names = list(value)
        return lambda instance: not isinstance(instance, dict) or all(name in instance for name in names)

    def _items(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        if "prefixItems" in schema:
            raise Unsupported("prefixItems")
        check = self._schema(value, base)
        return lambda instance: not isinstance(instance, list) or all(check(item) for item in instance)

    def _min_items(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return lambda instance: not isinstance(instance, list) or len(instance) >= value

    def _max_items(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return lambda instance: not isinstance(instance, list) or len(instance) <= value

    def _unique_items(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        """No two items equal as JSON (`json_equal`: 1 and 1.0 are, True and 1 are not); false asserts nothing."""
        if not isinstance(value, bool):
            raise Unsupported(f"uniqueItems must be a boolean, got {value!r}")
        if not value:
            return _always

        def unique(instance: Any) -> bool:
            if not isinstance(instance, list):
                return True
            return not any(json_equal(one, two) for index, one in enumerate(instance) for two in instance[index + 1 :])

        return unique

    def _min_length(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return lambda instance: not isinstance(instance, str) or len(instance) >= value

    def _max_length(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return lambda instance: not isinstance(instance, str) or len(instance) <= value

    def _pattern(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        compiled = re.compile(value)
        return lambda instance: not isinstance(instance, str) or compiled.search(instance) is not None

    # The comparisons are written as jsonschema writes them, so NaN and friends fare the same.
    def _minimum(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return lambda instance: not _is_number(instance) or not instance < value

    def _maximum(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return lambda instance: not _is_number(instance) or not instance > value

    def _exclusive_minimum(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return lambda instance: not _is_number(instance) or not instance <= value

    def _exclusive_maximum(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return lambda instance: not _is_number(instance) or not instance >= value

    def _format(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return FORMATS.get(value, _always)

    def _ref(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        target, fragment = urldefrag(urljoin(base, value))
        if target not in self.resources:
            raise Unsupported(f"$ref to unknown schema {value!r}")
        return self._at(target, fragment)

    def _all_of(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        return _all_of([self._schema(child, base) for child in value])

    def _any_of(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        options = [self._schema(child, base) for child in value]
        return lambda instance: any(option(instance) for option in options)

    def _one_of(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        options = [self._schema(child, base) for child in value]
        return lambda instance: sum(1 for option in options if option(instance)) == 1

    def _not(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        check = self._schema(value, base)
        return lambda instance: not check(instance)

    def _if(self, value: Any, schema: Mapping[str, Any], base: str) -> Predicate:
        condition = self._schema(value, base)
        then = self._schema(schema.get("then", True), base)
        otherwise = self._schema(schema.get("else", True), base)
        return lambda instance: then(instance) if condition(instance) else otherwise(instance)

    _KEYWORDS: ClassVar[dict[str, Callable[[Compiler, Any, Mapping[str, Any], str], Predicate]]] = {
        "type": _type,
        "enum": _enum,
        "const": _const,
        "properties": _properties,
        "additionalProperties": _additional_properties,
        "patternProperties": _pattern_properties,
        "propertyNames": _property_names,
        "required": _required,
        "items": _items,
        "minItems": _min_items,
        "maxItems": _max_items,
        "uniqueItems": _unique_items,
        "minLength": _min_length,
        "maxLength": _max_length,
        "pattern": _pattern,
        "minimum": _minimum,
        "maximum": _maximum,
        "exclusiveMinimum": _exclusive_minimum,
        "exclusiveMaximum": _exclusive_maximum,
        "format": _format,
        "$ref": _ref,
        "allOf": _all_of,
        "anyOf": _any_of,
        "oneOf": _one_of,
        "not": _not,
        "if": _if,
    }


def _all_of(checks: Sequence[Predicate]) -> Predicate:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def every(instance: Any) -> bool:
        for check in frozen:  # noqa: SIM110 (a plain loop: no generator per call on the hot path)
            if not check(instance):
                return False
        return True

    return every


def _resolve_pointer(document: Any, pointer: str) -> Any:
    node = document
    if not pointer:
        return node
    if not pointer.startswith("/"):
        raise Unsupported(f"fragment {pointer!r} is not a JSON pointer")
    for raw in pointer[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise Unsupported(f"$ref pointer {pointer!r} does not resolve")
    return node
