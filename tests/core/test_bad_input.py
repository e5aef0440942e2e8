"""Bad input never crashes and never passes: exit 2 with one clear line naming the problem."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error, comply

MINIMAL_CARD = "model_details:\n  name: demo\n  version: '1'\n"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_missing_file(tmp_path: Path) -> None:
    assert_one_line_error(comply("check", str(tmp_path / "nope.yaml")), "no such file")


def test_directory_without_cards(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert_one_line_error(comply("check", str(tmp_path)), "no model card found")


def test_empty_file(tmp_path: Path) -> None:
    assert_one_line_error(comply("check", str(write(tmp_path, "model_card.yaml", ""))), "empty")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", "model_details:\n  name: demo\n  version: [1, 2\nother: x\n")
    done = comply("check", str(card))
    assert_one_line_error(done, "invalid YAML")
    assert "model_card.yaml:" in done.stderr


def test_yaml_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    card = write(tmp_path, "model_card.yaml", "\n".join(levels) + "\n")
    assert_one_line_error(comply("check", str(card), timeout=30), "billion laughs")


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    card = tmp_path / "model_card.yaml"
    with card.open("w") as handle:
        handle.write("model_details:\n  name: big\nnotes: |\n")
        line = "  " + "x" * 1022 + "\n"
        for _ in range(50 * 1024):
            handle.write(line)
    assert card.stat().st_size > 50 * 1024 * 1024
    assert_one_line_error(comply("check", str(card), timeout=30), "limit")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", b"model_details:\n  name: caf\xe9\n")
    assert_one_line_error(comply("check", str(card)), "not valid UTF-8", "model_card.yaml:2")


def test_top_level_list(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", "- model_details\n- evaluation\n")
    assert_one_line_error(comply("check", str(card)), "expected a mapping")


def test_wrong_type_names_file_line_and_field(tmp_path: Path) -> None:
    card = write(
        tmp_path,
        "model_card.yaml",
        MINIMAL_CARD + "evaluation:\n  metrics:\n    accuracy: high\n",
    )
    done = comply("check", str(card))
    assert_one_line_error(done, "model_card.yaml:6: evaluation.metrics.accuracy: expected a number", 'got "high"')


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_inf_in_metrics(tmp_path: Path, value: str) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD + f"evaluation:\n  metrics:\n    auc: {value}\n")
    assert_one_line_error(comply("check", str(card)), "evaluation.metrics.auc", "not a finite number")


def test_nan_in_json_card(tmp_path: Path) -> None:
    card = write(
        tmp_path, "model_card.json", '{"model_details": {"name": "x"}, "evaluation": {"metrics": {"auc": NaN}}}'
    )
    assert_one_line_error(comply("check", str(card)), "NaN")


def test_duplicate_keys(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD + "model_details:\n  name: again\n")
    assert_one_line_error(comply("check", str(card)), "duplicate key")


def test_policy_with_syntax_error(tmp_path: Path) -> None:
    policy = tmp_path / "policies"
    policy.mkdir()
    (policy / "broken.rego").write_text(
        "package comply.custom.broken\n\nimport rego.v1\n\ndeny contains x if {\n  x := \n}\n"
    )
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    done = comply("check", str(card), "--policy", str(policy))
    assert_one_line_error(done, "broken.rego:")


def test_custom_policy_may_not_replace_builtin_packages(tmp_path: Path) -> None:
    policy = tmp_path / "policies"
    policy.mkdir()
    (policy / "evil.rego").write_text('package comply.classification\n\nimport rego.v1\n\ntier := "minimal"\n')
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    assert_one_line_error(comply("check", str(card), "--policy", str(policy)), "comply.custom")


def test_unknown_format(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    done = comply("check", str(card), "--format", "yaml")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "yaml" in done.stderr


def test_unknown_threshold_override(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    data = write(tmp_path, "thresholds.yaml", "thresholds:\n  not_a_threshold: 3\n")
    assert_one_line_error(comply("check", str(card), "--data", str(data)), "unknown threshold")


def test_bad_reference_date(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    done = comply("check", str(card), "--reference-date", "yesterday")
    assert done.returncode == 2 and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("line", "needles"),
    [
        ("x: !!int foo", ("model_card.yaml:4: x:", "not a valid int")),
        ("x: !!float foo", ("model_card.yaml:4: x:", "not a valid float")),
        ("x: !!timestamp foo", ("model_card.yaml:4: x:", "not a valid timestamp")),
        ("x: 2026-02-30", ("model_card.yaml:4: x:", "day is out of range")),
        ("x: " + "9" * 5000, ("model_card.yaml:4: x:", "more than 4300 digits")),
        ("2026-02-30: x", ("model_card.yaml:4:", "not a valid timestamp")),
    ],
)
def test_scalars_their_tag_cannot_hold_are_located(tmp_path: Path, line: str, needles: tuple[str, ...]) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD + line + "\n")
    done = comply("check", str(card))
    assert_one_line_error(done, *needles)
    assert "internal error" not in done.stderr


def test_impossible_date_in_a_waiver_is_located(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    config = write(
        tmp_path,
        "comply.yaml",
        "waivers:\n  - rule: org.approval\n    justification: pilot\n    approved_by: cro\n    expires: 2026-02-30\n",
    )
    assert_one_line_error(comply("check", str(card), "--config", str(config)), "comply.yaml:5", "waivers.0.expires")


def test_json_integer_over_the_digit_limit(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.json", '{"model_details": {"name": "x", "n": 1' + "0" * 5000 + "}}")
    assert_one_line_error(comply("check", str(card)), "model_card.json", "more than 4300 digits")


@pytest.mark.parametrize("name", ["model_card.yaml", "model_card.json"])
def test_nesting_beyond_the_engine_limit_is_refused(tmp_path: Path, name: str) -> None:
    nested = "[" * 150 + "]" * 150
    card = write(tmp_path, name, f'{{"model_details": {{"name": "x"}}, "deep": {nested}}}')
    assert_one_line_error(comply("check", str(card)), name, "nested more than 100 levels")


def test_lone_surrogate_is_refused(tmp_path: Path) -> None:
    card = write(tmp_path, "model_card.json", '{"model_details": {"name": "x\\ud800"}}')
    assert_one_line_error(comply("check", str(card)), "model_details.name", "lone surrogate U+D800")


def test_absolute_glob_finds_cards(tmp_path: Path) -> None:
    write(tmp_path, "a.model_card.yaml", MINIMAL_CARD)
    done = comply("check", str(tmp_path / "*.model_card.yaml"), "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    assert "a.model_card.yaml" in done.stdout


def test_absolute_glob_without_match_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(comply("check", str(tmp_path / "nothing*" / "*.yaml")), "no file matches")


FIFO_ROLES = {
    "card": lambda fifo, card: ("check", str(fifo)),
    "config": lambda fifo, card: ("check", str(card), "--config", str(fifo)),
    "data": lambda fifo, card: ("check", str(card), "--data", str(fifo)),
    "fairness": lambda fifo, card: ("check", str(card), "--fairness", str(fifo)),
    "logging": lambda fifo, card: ("check", str(card), "--logging", str(fifo)),
    "audit_log": lambda fifo, card: ("check", str(card), "--audit-log", str(fifo)),
    "predictions": lambda fifo, card: (
        "check",
        str(card),
        "--predictions",
        str(fifo),
        "--config",
        str(write(card.parent, "comply.yaml", "fairness:\n  y_true: y\n  y_pred: p\n  sensitive: [sex]\n")),
    ),
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
@pytest.mark.parametrize("role", sorted(FIFO_ROLES))
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path, role: str) -> None:
    card = write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    fifo = tmp_path / ("evidence.csv" if role == "predictions" else "evidence.yaml")
    os.mkfifo(fifo)
    assert_one_line_error(comply(*FIFO_ROLES[role](fifo, card), timeout=60), "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_fifo_named_comply_yaml_is_refused_not_skipped(tmp_path: Path) -> None:
    write(tmp_path, "model_card.yaml", MINIMAL_CARD)
    os.mkfifo(tmp_path / "comply.yaml")
    assert_one_line_error(comply("check", "model_card.yaml", cwd=tmp_path, timeout=60), "comply.yaml", "not a regular")


# --- property test: whatever the bytes, exit 0/1/2, one line on exit 2, no traceback, no hang ---------

import contextlib  # noqa: E402
import io  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402

import yaml  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.conftest import EXAMPLES  # noqa: E402

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=16)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=24,
)
_HOSTILE_FRAGMENTS = [
    "!!int foo",
    "!!float x",
    "!!timestamp x",
    "2026-02-30",
    "9" * 5000,
    "[" * 300 + "]" * 300,
    "&a [*a, *a]",
    "*nothing",
    "!!binary aGVsbG8=",
    "!!python/object:os.system x",
    '"\\ud800"',
    "{a: 1, a: 2}",
    ".nan",
    "\t\x00",
]
_fragment_lines = st.lists(
    st.tuples(st.text(alphabet="abcdefgh_", min_size=1, max_size=8), st.sampled_from(_HOSTILE_FRAGMENTS)),
    max_size=4,
).map(lambda pairs: "".join(f"{key}: {value}\n" for key, value in pairs))
_documents = st.one_of(
    _values.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    _values.map(lambda value: yaml.safe_dump({"model_details": {"name": "p"}, "extra": value})),
    _fragment_lines.map(lambda text: MINIMAL_CARD + text),
    st.text(max_size=300),
    st.binary(max_size=300),
)
_csv = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.tuples(
            st.sampled_from(["0", "1", "", "x", "nan", "-1", "1e400"]),
            st.sampled_from(["0", "1", "2", ""]),
            st.text(alphabet='ab,"\n', max_size=4),
        ),
        max_size=30,
    ).map(lambda rows: "y,p,sex\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)),
)
FAIRNESS_CONFIG = "fairness:\n  y_true: y\n  y_pred: p\n  sensitive: [sex]\n"
PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def run_in_process(*args: str, seconds: int = 60) -> tuple[int, str]:
    """`checker.cli.main(args)` with stdout and stderr captured and an alarm against a hang."""
    from checker.cli import main

    err = io.StringIO()

    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"comply {' '.join(args)} did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, err.getvalue()


def assert_verdict_or_one_line(code: int, stderr: str) -> None:
    assert code in (0, 1, 2), (code, stderr)
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if code == 2:
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("comply: error: "), stderr


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    return write(folder, name, content)


@PROPERTY_SETTINGS
@given(document=_documents, as_json=st.booleans())
def test_any_card_gives_a_verdict_or_one_line(document: str | bytes, as_json: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        card = _write(Path(folder), "model_card.json" if as_json else "model_card.yaml", document)
        assert_verdict_or_one_line(*run_in_process("check", str(card), "--reference-date", "2026-11-25"))


@PROPERTY_SETTINGS
@given(document=_documents)
def test_any_config_gives_a_verdict_or_one_line(document: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = _write(Path(folder), "comply.yaml", document)
        card = str(EXAMPLES / "spam-filter" / "model_card.yaml")
        assert_verdict_or_one_line(*run_in_process("check", card, "--config", str(config)))


@PROPERTY_SETTINGS
@given(rows=_csv)
def test_any_predictions_file_gives_a_verdict_or_one_line(rows: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = _write(Path(folder), "comply.yaml", FAIRNESS_CONFIG)
        predictions = _write(Path(folder), "predictions.csv", rows)
        card = str(EXAMPLES / "credit-scoring" / "model_card.yaml")
        assert_verdict_or_one_line(
            *run_in_process("check", card, "--config", str(config), "--predictions", str(predictions))
        )


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage", "a: [" * 50, "x: !!int foo\n", "- 1\n- 2\n"])
def test_the_property_holds_as_a_subprocess_too(tmp_path: Path, content: str | bytes) -> None:
    done = comply("check", str(write(tmp_path, "model_card.yaml", content)))
    assert_verdict_or_one_line(done.returncode, done.stderr)


@pytest.mark.parametrize(
    ("role", "says"),
    [
        ("[provider, provider]", 'ai_act.role: expected each item once, got "provider" more than once'),
        ("[]", "ai_act.role: expected at least 1 item(s), got 0"),
        ("[deployer, king]", 'ai_act.role.1: expected one of provider, deployer, importer, distributor, got "king"'),
    ],
)
def test_a_role_list_says_what_is_wrong_with_it(tmp_path: Path, role: str, says: str) -> None:
    # a list is a valid shape for ai_act.role, yet a repeated or empty one was reported as
    # "expected one of provider, deployer, importer, distributor, got a list"
    text = (EXAMPLES / "credit-scoring" / "model_card.yaml").read_text(encoding="utf-8")
    assert "\n  role: provider\n" in text
    card = write(tmp_path, "model_card.yaml", text.replace("\n  role: provider\n", f"\n  role: {role}\n"))
    done = comply("classify", str(card))
    line = text.split("\n  role: provider\n")[0].count("\n") + 2  # the line of `role:` in the card
    assert_one_line_error(done, f"model_card.yaml:{line}: {says}")
