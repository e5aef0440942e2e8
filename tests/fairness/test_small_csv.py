"""The small-CSV path (`checker.fairness.small_csv`) gives exactly what the Arrow path gives, or declines.

Every generated file is evaluated twice, once as `comply check` does (the small path first) and once with
the small path switched off: the two results must be equal, or the small path must have declined (it
never answers where the Arrow path raises). The same holds for the whole fairness document
(`compute_fairness`: every rate, disparity, gap, flag, mean score, bootstrap interval and the
provenance), byte for byte as JSON, or the same error. Plain files must be taken by the small path, so
the comparison is not vacuous; and a cold `comply check` of the credit-scoring card, with its comply.yaml
or without, imports neither numpy nor pyarrow.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checker.errors import ComplyError
from checker.evidence import evaluation
from checker.fairness import small_csv
from checker.fairness.compute import compute_fairness
from checker.fairness.options import FairnessOptions
from checker.fairness.readers import NULL_TOKENS
from tests.conftest import EXAMPLES, ROOT

CREDIT = EXAMPLES / "credit-scoring"

PLAIN_SCORES = ("0.45", "0.215", "1", "0", "12", "-3", "0.1234567890123456789", "1e-3", "2.5E+2", "-0", "0.5")
ODD_SCORES = ("", "NA", "nan", "1e400", ".5", "+1", " 0.5", "1.", "inf", "0x10", "12345678901234567890")
PLAIN_LABELS = ("0", "1")
ODD_LABELS = ("", "NA", "2", "-1", "true", " 1", "1.0", "01")
PLAIN_GROUPS = ("female", "male", "30-44", "65+", "Zoë", "a b", "NA", "", "null")
ODD_GROUPS = ("<missing>",)


def evaluate(path: Path, options: FairnessOptions, *, small: bool) -> Any:
    """The evaluation, or the error's text; small=False switches the small path off."""
    original = small_csv.count_small_csv
    if not small:
        small_csv.count_small_csv = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        return json.dumps(evaluation.compute_evaluation(path, options), sort_keys=False)
    except ComplyError as err:
        return f"error: {err}"
    finally:
        small_csv.count_small_csv = original  # type: ignore[assignment]


def generated(rng: random.Random, odd: float) -> str:
    """A predictions CSV; with probability `odd` per field, a value the small path must decline or handle."""

    def pick(plain: tuple[str, ...], strange: tuple[str, ...]) -> str:
        return rng.choice(strange) if rng.random() < odd else rng.choice(plain)

    rows = rng.choice([1, 2, 5, 40, 300])
    groups = PLAIN_GROUPS[: rng.randint(1, len(PLAIN_GROUPS))]
    lines = ["id,sex,age,y,p,score"]
    for index in range(rows):
        lines.append(
            ",".join(
                [
                    f"r{index}",
                    pick(groups, ODD_GROUPS),
                    pick(("young", "old"), ("", "NA")),
                    pick(PLAIN_LABELS, ODD_LABELS),
                    pick(PLAIN_LABELS, ODD_LABELS),
                    pick(PLAIN_SCORES, ODD_SCORES),
                ]
            )
        )
    text = "\n".join(lines) + rng.choice(["\n", ""])
    if rng.random() < odd:
        text = rng.choice(
            [text.replace("\n", "\r\n"), "\ufeff" + text, text.replace(",", '","', 1), text + "\n\n", text + ",x"]
        )
    return text


OPTIONS = {
    "labels and score": FairnessOptions(y_true="y", y_pred="p", score="score", sensitive=("sex", "age")),
    "labels": FairnessOptions(y_true="y", y_pred="p", sensitive=("age", "sex")),
    "score only": FairnessOptions(y_true="y", score="score", threshold=0.3, sensitive=("sex",)),
}


@pytest.mark.parametrize("odd", [0.0, 0.02, 0.2])
@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_small_path_equals_the_arrow_path_or_declines(tmp_path: Path, name: str, odd: float) -> None:
    rng = random.Random(f"{name}-{odd}")
    options = OPTIONS[name]
    taken = 0
    for case in range(60):
        path = tmp_path / f"case{case}.csv"
        path.write_text(generated(rng, odd), encoding="utf-8")
        arrow = evaluate(path, options, small=False)
        if small_csv.count_small_csv(path, options) is None:
            # a plain file is declined only where the Arrow path refuses it too (no group has a value)
            assert odd or arrow.startswith("error:"), path.read_text()
            continue
        taken += 1
        assert not arrow.startswith("error:"), (path.read_text(), arrow)
        assert evaluate(path, options, small=True) == arrow, path.read_text()
    assert taken > (30 if odd == 0.0 else 0)


def document(path: Path, options: FairnessOptions, *, small: bool) -> str:
    """The fairness document as JSON, or the error's text; small=False switches the small path off."""
    original = small_csv.count_small_csv
    if not small:
        small_csv.count_small_csv = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        return json.dumps(compute_fairness(path, options))
    except ComplyError as err:
        return f"error: {err}"
    finally:
        small_csv.count_small_csv = original  # type: ignore[assignment]


DOCUMENT_OPTIONS = {
    **OPTIONS,
    "reference group": FairnessOptions(
        y_true="y", y_pred="p", score="score", sensitive=("sex", "age"), reference_groups=(("sex", "female"),)
    ),
    "reference group absent": FairnessOptions(
        y_true="y", y_pred="p", sensitive=("sex",), reference_groups=(("sex", "nobody"),)
    ),
    "bootstrap and sizes": FairnessOptions(
        y_true="y", y_pred="p", sensitive=("sex", "age"), bootstrap=50, seed=3, min_group_size=5, max_groups=4
    ),
}


@pytest.mark.parametrize("odd", [0.0, 0.05])
@pytest.mark.parametrize("name", sorted(DOCUMENT_OPTIONS))
def test_small_path_gives_the_arrow_paths_fairness_document(tmp_path: Path, name: str, odd: float) -> None:
    rng = random.Random(f"document-{name}-{odd}")
    options = DOCUMENT_OPTIONS[name]
    taken = 0
    for case in range(40):
        path = tmp_path / f"case{case}.csv"
        path.write_text(generated(rng, odd), encoding="utf-8")
        arrow = document(path, options, small=False)
        if small_csv.count_small_csv(path, options) is None:
            assert odd or arrow.startswith("error:"), path.read_text()
            continue
        taken += 1
        assert document(path, options, small=True) == arrow, path.read_text()
    assert taken > (20 if odd == 0.0 else 0)


def test_the_credit_scoring_fairness_evidence_takes_the_small_path_with_the_same_document() -> None:
    """The options of the example's comply.yaml: both sensitive features, a score, a reference group."""
    options = FairnessOptions(
        y_true="defaulted",
        y_pred="declined",
        score="score",
        sensitive=("sex", "age_band"),
        reference_groups=(("sex", "male"),),
    )
    path = CREDIT / "evidence" / "predictions.csv"
    assert small_csv.count_small_csv(path, options) is not None
    assert document(path, options, small=True) == document(path, options, small=False)


def test_the_credit_scoring_predictions_take_the_small_path_with_the_same_numbers() -> None:
    options = FairnessOptions(y_true="defaulted", y_pred="declined", score="score", sensitive=("sex", "age_band"))
    path = CREDIT / "evidence" / "predictions.csv"
    assert small_csv.count_small_csv(path, options) is not None
    assert evaluate(path, options, small=True) == evaluate(path, options, small=False)


@pytest.mark.parametrize(
    "options",
    [
        FairnessOptions(y_true="y", y_pred="p", sensitive=("sex",), positive_label=("1",)),
        FairnessOptions(y_true="y", y_pred="p", sensitive=("sex", "age"), intersections=True),
        FairnessOptions(y_true="y", y_pred="p", sensitive=("sex",), engine="stream"),
        FairnessOptions(y_true="y", y_pred="p", sensitive=("sex",), engine="duckdb"),
        FairnessOptions(y_true="y", y_pred="p", sensitive=("sex",), where="sex = 'male'"),
        FairnessOptions(y_true="y", y_pred="p", score="score", sensitive=("sex",), auc=True),
        FairnessOptions(y_true="y", y_pred="p", sensitive=("sex",), max_groups=1),
    ],
)
def test_options_beyond_columns_and_threshold_take_the_arrow_path(tmp_path: Path, options: FairnessOptions) -> None:
    path = tmp_path / "p.csv"
    path.write_text("sex,age,y,p\nmale,old,1,0\nfemale,young,0,0\n", encoding="utf-8")
    assert small_csv.count_small_csv(path, options) is None


def test_a_file_over_the_size_limit_takes_the_arrow_path(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    row = "male,1,0\n"
    path.write_text("sex,y,p\n" + row * (small_csv.MAX_BYTES // len(row) + 1), encoding="utf-8")
    options = FairnessOptions(y_true="y", y_pred="p", sensitive=("sex",))
    assert small_csv.count_small_csv(path, options) is None


def test_null_tokens_are_the_readers_tokens() -> None:
    assert frozenset(NULL_TOKENS) == small_csv.NULL_TOKENS


PROBE = """
import contextlib, io, sys
from checker.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(code, sorted(name for name in ("numpy", "pyarrow", "pandas", "checker.evidence.mlflow") if name in sys.modules))
"""


def test_checking_the_credit_scoring_example_with_its_config_imports_neither_numpy_nor_pyarrow(tmp_path: Path) -> None:
    """The example as a user runs it: its comply.yaml computes fairness from the predictions file (and names a
    baseline file, which needs no MLflow code either)."""
    example = tmp_path / "credit-scoring"
    shutil.copytree(CREDIT, example)
    command = [sys.executable, "-c", PROBE, "check", str(example / "model_card.yaml"), "--format", "json"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, env={"PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "[]"]


def test_checking_a_card_with_a_recorded_source_imports_neither_numpy_nor_pyarrow(tmp_path: Path) -> None:
    """The card and its predictions alone (the example's comply.yaml would add fairness evidence)."""
    (tmp_path / "evidence").mkdir()
    shutil.copy(CREDIT / "model_card.yaml", tmp_path / "model_card.yaml")
    shutil.copy(CREDIT / "evidence" / "predictions.csv", tmp_path / "evidence" / "predictions.csv")
    command = [sys.executable, "-c", PROBE, "check", str(tmp_path / "model_card.yaml"), "--format", "json"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, env={"PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "[]"]
