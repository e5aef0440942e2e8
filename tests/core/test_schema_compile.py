"""The compiled shape checks accept and reject exactly what jsonschema does.

`checker.schemas.validate` trusts a compiled predicate on the passing path and only asks jsonschema when
the predicate rejects; so a predicate more lenient than jsonschema would let a malformed card through.
These tests hold every shipped schema's predicate to jsonschema's verdict on the examples, the fixture
cards, the assembled input documents, and on thousands of generated variations of them.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.config import load_config
from checker.evidence.assemble import Context, EvidencePaths, assemble
from checker.schema_compile import Compiler, Unsupported, is_date, json_equal
from checker.schemas import _documents, conforms_predicate, validator
from tests.conftest import EXAMPLES, ROOT, assert_one_line_error, comply

SCHEMAS = sorted(name.removesuffix(".schema.json") for name in _documents() if name.endswith(".schema.json"))


def jsonschema_accepts(instance: Any, name: str) -> bool:
    return not any(True for _ in validator(name).iter_errors(instance))


def fast_accepts(instance: Any, name: str) -> bool:
    predicate = conforms_predicate(name)
    assert predicate is not None, f"{name}.schema.json no longer compiles: the check path imports jsonschema"
    return predicate(instance)


def example_cards() -> list[Any]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(EXAMPLES.glob("*/model_card.yaml"))]


def fixture_cards() -> list[Any]:
    cards = []
    for path in sorted((ROOT / "tests").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("card"), dict):
            cards.append(data["card"])
        elif isinstance(data, dict) and "model_details" in data:
            cards.append(data)
    return cards


def input_documents() -> list[dict[str, Any]]:
    documents = []
    for card in sorted(EXAMPLES.glob("*/model_card.yaml")):
        beside = card.parent / "comply.yaml"
        config = load_config(beside if beside.is_file() else None)
        documents.append(assemble(card, EvidencePaths(), Context("2028-01-01", "amended"), config).document)
    return documents


CARDS = example_cards() + fixture_cards()
INPUTS = input_documents()


def test_every_shipped_schema_compiles() -> None:
    assert {name: conforms_predicate(name) is not None for name in SCHEMAS} == dict.fromkeys(SCHEMAS, True)


def test_the_examples_and_fixtures_are_judged_alike() -> None:
    assert len(CARDS) > 50
    for card in CARDS:
        assert fast_accepts(card, "model_card") == jsonschema_accepts(card, "model_card")
    for document in INPUTS:
        assert fast_accepts(document, "input") == jsonschema_accepts(document, "input") is True
        for kind, facts in document["evidence"].items():
            name = {"audit_log": "audit_log_summary"}.get(kind, kind)
            assert fast_accepts(facts, name) == jsonschema_accepts(facts, name) is True


def test_a_trusted_card_is_not_walked_twice_but_evidence_still_is() -> None:
    document = copy.deepcopy(INPUTS[0])
    document["card"] = {"not": "a card"}
    trusted = conforms_predicate("input", frozenset({"card"}))
    assert trusted is not None and trusted(document)
    document["context"]["timeline"] = "someday"
    assert not trusted(document)


# -- generated variations ----------------------------------------------------------------------

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.0, 1.0, 0.5, 1.5, 100, 184, 2**53, True, False]),
    st.text(max_size=12),
    st.sampled_from(["", " ", "2026-01-31", "2026-02-30", "2026-1-31", "２０２６-01-31", "2026-01-31\n", "yes"]),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8,
)


def paths_of(value: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [where]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_of(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths_of(item, (*where, index))
    return found


def strings_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings_of(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings_of(item)]
    return []


@st.composite
def variations(draw: st.DrawFn, documents: list[Any]) -> Any:
    """A valid document with a few edits: a value replaced (often by another value seen in the same
    document, so enums and near-misses come up), a key dropped, an unknown key added, a list emptied."""
    document = copy.deepcopy(draw(st.sampled_from(documents)))
    seen = strings_of(document)
    for _ in range(draw(st.integers(1, 3))):
        paths = paths_of(document)
        path = draw(st.sampled_from(paths))
        parent_path, key = (path[:-1], path[-1]) if path else ((), None)
        parent = document
        for part in parent_path:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "reuse", "drop", "add", "empty", "type"]))
        if key is None:
            if action == "add" and isinstance(document, dict):
                document[draw(st.text(max_size=8))] = draw(JSON_VALUES)
            continue
        if action == "replace":
            parent[key] = draw(JSON_VALUES)
        elif action == "reuse" and seen:
            parent[key] = draw(st.sampled_from(seen))
        elif action == "drop" and isinstance(parent, dict):
            del parent[key]
        elif action == "add" and isinstance(parent[key], dict):
            parent[key][draw(st.sampled_from([*seen[:20], "extra", "x"]))] = draw(JSON_VALUES)
        elif action == "empty" and isinstance(parent[key], (list, dict)):
            parent[key] = type(parent[key])()
        elif action == "type":
            value = parent[key]
            parent[key] = [value] if not isinstance(value, list) else (value[0] if value else {})
    return document


COMMON = settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@COMMON
@given(variations(CARDS))
def test_varied_cards_are_judged_alike(card: Any) -> None:
    assert fast_accepts(card, "model_card") == jsonschema_accepts(card, "model_card")


@COMMON
@given(variations(INPUTS))
def test_varied_input_documents_are_judged_alike(document: Any) -> None:
    assert fast_accepts(document, "input") == jsonschema_accepts(document, "input")


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SCHEMAS), JSON_VALUES)
def test_arbitrary_json_is_judged_alike_by_every_schema(name: str, value: Any) -> None:
    assert fast_accepts(value, name) == jsonschema_accepts(value, name)


# -- the pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "two", "equal"),
    [(True, 1, False), (1, 1.0, True), (False, 0, False), ([1, True], [1.0, True], True), ({"a": 1}, {"a": 1}, True)],
)
def test_json_equality_keeps_booleans_apart(one: Any, two: Any, equal: bool) -> None:
    assert json_equal(one, two) is equal


@pytest.mark.parametrize("text", ["2026-02-29", "2026-13-01", "2026-01-31", "26-01-31", "2026-01-31T00:00"])
def test_the_date_format_matches_jsonschema(text: str) -> None:
    from jsonschema import FormatChecker

    assert is_date(text) == FormatChecker(formats=("date",)).conforms(text, "date")


def test_an_unknown_keyword_is_refused_rather_than_guessed() -> None:
    with pytest.raises(Unsupported):
        Compiler({"s": {"contains": {"type": "string"}}}).predicate("s")


@pytest.mark.parametrize(
    "items",
    [
        [],
        ["provider"],
        ["provider", "deployer"],
        ["provider", "provider"],
        [1, 1.0],
        [1, True],
        [0, False],
        [{"a": 1}, {"a": 1.0}],
        [[1], [True]],
        [None, None],
        "not a list",
    ],
)
@pytest.mark.parametrize("unique", [True, False])
def test_unique_items_is_judged_as_jsonschema_judges_it(items: Any, unique: bool) -> None:
    from jsonschema import Draft202012Validator

    schema = {"uniqueItems": unique}
    assert Compiler({"s": schema}).predicate("s")(items) == Draft202012Validator(schema).is_valid(items)


def test_a_recursive_schema_compiles_and_runs() -> None:
    schema = {"type": "object", "properties": {"child": {"$ref": "#"}}, "additionalProperties": False}
    predicate = Compiler({"s": schema}).predicate("s")
    assert predicate({"child": {"child": {}}}) and not predicate({"child": {"other": 1}})


def test_a_passing_check_never_imports_jsonschema() -> None:
    probe = (
        "import sys\n"
        "from checker.cli import main\n"
        "code = main(['check', 'examples/credit-scoring/model_card.yaml', '--format', 'json'])\n"
        "heavy = sorted(m for m in ('jsonschema', 'referencing', 'rpds') if m in sys.modules)\n"
        "sys.stderr.write(f'{code} {heavy}\\n')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False, env=_env()
    )
    assert done.stderr.strip().splitlines()[-1] == "0 []", done.stderr


def test_a_failing_shape_check_still_words_every_error(tmp_path: Path) -> None:
    card = yaml.safe_load((EXAMPLES / "spam-filter" / "model_card.yaml").read_text(encoding="utf-8"))
    card["model_details"]["name"] = 3
    card["ai_act"]["role"] = "vendor"
    path = tmp_path / "model_card.yaml"
    path.write_text(yaml.safe_dump(card, sort_keys=False), encoding="utf-8")
    done = comply("check", str(path))
    assert_one_line_error(done, "model_details.name: expected a string, got 3", "ai_act.role: expected one of")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
