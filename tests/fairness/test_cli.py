"""`comply fairness` end to end, as a user runs it (a subprocess on real files), bad input included."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from checker.schemas import validate
from tests.conftest import assert_one_line_error, comply
from tests.fairness.conftest import random_frame

BASE = ("--y-true", "label", "--y-pred", "pred", "--sensitive", "race")


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    path = tmp_path / "predictions.parquet"
    random_frame(1, rows=400).to_parquet(path, index=False)
    return path


def test_writes_schema_valid_json_and_prints_tables(parquet: Path, tmp_path: Path) -> None:
    out = tmp_path / "fairness.json"
    done = comply(
        "fairness", str(parquet), *BASE, "--sensitive", "sex", "--intersections", "--bootstrap", "100", "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert "Fairness by race" in done.stdout and "Disparities across race & sex" in done.stdout
    assert "worst gap" in done.stdout and f"wrote {out}" in done.stdout
    document = json.loads(out.read_text())
    validate(document, "fairness")
    assert set(document["features"]) == {"race", "sex", "race & sex"}
    assert document["provenance"]["rows"] == 400 and len(document["provenance"]["sha256"]) == 64
    assert document["features"]["race"]["metrics"]["demographic_parity_difference"]["ci"] is not None


def test_json_output_is_byte_identical_across_runs_and_engines(parquet: Path) -> None:
    runs = [
        comply(
            "fairness", str(parquet), *BASE, "--bootstrap", "50", "--seed", "7", "--format", "json", "--engine", engine
        )
        for engine in ("memory", "memory", "stream", "duckdb")
    ]
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    documents = [json.loads(run.stdout) for run in runs]
    assert runs[0].stdout == runs[1].stdout
    for document in documents[2:]:
        document["provenance"].pop("engine")
        assert document == {
            **documents[0],
            "provenance": {k: v for k, v in documents[0]["provenance"].items() if k != "engine"},
        }


def test_different_seed_gives_different_intervals(parquet: Path) -> None:
    first, second = (
        json.loads(comply("fairness", str(parquet), *BASE, "--bootstrap", "50", "--seed", seed, "-f", "json").stdout)
        for seed in ("1", "2")
    )
    metric = "demographic_parity_difference"
    assert first["features"]["race"]["metrics"][metric]["ci"] != second["features"]["race"]["metrics"][metric]["ci"]
    assert (
        first["features"]["race"]["metrics"][metric]["value"] == second["features"]["race"]["metrics"][metric]["value"]
    )


def test_options_come_from_comply_yaml(parquet: Path, tmp_path: Path) -> None:
    (tmp_path / "comply.yaml").write_text(
        "evidence:\n  predictions: predictions.parquet\n"
        "fairness:\n  y_true: label\n  y_pred: pred\n  sensitive: [race, sex]\n  reference_groups: {race: r0}\n"
    )
    done = comply("fairness", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["features"]["race"]["reference_group"] == "r0"
    assert document["features"]["race"]["metrics"]["disparate_impact_ratio"]["groups"][1] == "r0"
    overridden = json.loads(comply("fairness", "--sensitive", "sex", "-f", "json", cwd=tmp_path).stdout)
    assert list(overridden["features"]) == ["sex"]


def test_score_threshold_and_positive_label(tmp_path: Path) -> None:
    frame = random_frame(2, rows=300)
    frame["outcome"] = frame.label.map({0: "repaid", 1: "default"})
    path = tmp_path / "scores.jsonl"
    frame.to_json(path, orient="records", lines=True)
    done = comply(
        "fairness",
        str(path),
        "--y-true",
        "outcome",
        "--positive-label",
        "default",
        "--score",
        "proba",
        "--threshold",
        "0.7",
        "--sensitive",
        "race",
        "-f",
        "json",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["columns"]["threshold"] == 0.7
    selected = sum(group["tp"] + group["fp"] for group in document["features"]["race"]["groups"].values())
    assert selected == int((frame.proba >= 0.7).sum())
    assert "mean_score" in document["features"]["race"]["groups"]["r0"]


# -- bad input: one line, exit 2, never a traceback -----------------------------------------------
def _csv(tmp_path: Path, text: str, name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BAD_INPUTS = [
    pytest.param(
        "label,pred,race\n1,1,a\n",
        ("--y-true", "truth", "--y-pred", "pred", "-s", "race"),
        "no column 'truth'",
        id="missing-column",
    ),
    pytest.param(
        "label,pred,race\n1,1,a\n",
        ("--y-true", "label", "--y-pred", "pred", "-s", "sex"),
        "no column 'sex' (columns: label, pred, race)",
        id="missing-sensitive-column",
    ),
    pytest.param(
        "label,pred,race\nyes,1,a\nno,0,b\n",
        BASE,
        "column 'label' is not a binary 0/1 label",
        id="text-label-without-positive-label",
    ),
    pytest.param("label,pred,race\n2,1,a\n0,0,b\n", BASE, "--positive-label", id="non-binary-numbers"),
    pytest.param("", BASE, "file is empty", id="empty-file"),
    pytest.param("label,pred,race\n", BASE, "no rows", id="header-only"),
    pytest.param(
        "label,pred,race\n1,1,\n0,0,NA\n", BASE, "sensitive column 'race' has no values", id="sensitive-all-missing"
    ),
    pytest.param("label,pred,race\n,1,a\nNA,0,b\n", BASE, "no row has both a label", id="labels-all-missing"),
    pytest.param(
        "label,pred,race\nno,yes,a\nno,no,b\n",
        (*BASE, "--positive-label", "Yes"),
        "matches no row",
        id="positive-label-typo",
    ),
    pytest.param(
        "label,pred,race\n1,1,a\n0,0,b\n",
        (*BASE, "--reference-group", "race=c"),
        "reference group 'c' is not a value of 'race'",
        id="unknown-reference-group",
    ),
    pytest.param(
        "label,pred,race\n1,1,a\n0,0,b\n",
        (*BASE, "--reference-group", "race"),
        "FEATURE=GROUP",
        id="malformed-reference-group",
    ),
    pytest.param(
        "label,pred,race\n1,1,a\n0,0,b\n", ("--y-true", "label", "-s", "race"), "--y-pred", id="no-prediction-column"
    ),
    pytest.param(
        "label,pred,race\n1,1,a\n0,0,b\n", (*BASE, "--engine", "gpu"), "engine must be one of", id="unknown-engine"
    ),
    pytest.param(
        "label,pred,race,p\n1,1,a,high\n0,0,b,low\n",
        ("--y-true", "label", "--score", "p", "-s", "race"),
        "score column 'p'",
        id="text-score",
    ),
    pytest.param(
        "label,pred,race\n1,1,a\n0,0,b\n", (*BASE, "--min-group-size", "0"), "min_group_size", id="bad-min-group-size"
    ),
    pytest.param("label,pred,race\n1,1,a\n0,0,b\n", (*BASE, "--bootstrap", "-1"), "bootstrap", id="negative-bootstrap"),
]


@pytest.mark.parametrize(("content", "args", "needle"), BAD_INPUTS)
@pytest.mark.parametrize("engine", ["memory", "stream", "duckdb"])
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, content: str, args: tuple[str, ...], needle: str, engine: str
) -> None:
    path = _csv(tmp_path, content)
    extra = () if "--engine" in args else ("--engine", engine)
    assert_one_line_error(comply("fairness", str(path), *args, *extra), needle)


def test_unreadable_parquet(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"this is not parquet at all")
    assert_one_line_error(comply("fairness", str(path), *BASE), "broken.parquet")


def test_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "predictions.xlsx"
    path.write_bytes(b"PK\x03\x04")
    # the line named --format-in, an option comply fairness does not have
    assert_one_line_error(comply("fairness", str(path), *BASE), "cannot tell the format", "pass --input-format")


def test_missing_file(tmp_path: Path) -> None:
    assert_one_line_error(comply("fairness", str(tmp_path / "nope.csv"), *BASE), "no such file")


def test_invalid_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"label": 1, "pred": 1, "race": "a"}\n{not json\n')
    assert_one_line_error(comply("fairness", str(path), *BASE), "bad.jsonl")


def test_a_stray_text_value_in_a_label_column_when_streaming(tmp_path: Path) -> None:
    rows = "\n".join(f"{i % 2},{i % 2},a" for i in range(20000))
    path = _csv(tmp_path, f"label,pred,race\n{rows}\nmaybe,1,b\n")
    done = comply("fairness", str(path), *BASE, "--engine", "stream", "--batch-rows", "1000")
    assert_one_line_error(done, "bad.csv", "'maybe'")


def test_predictions_with_only_one_group_warns_in_the_output_not_crashes(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    pd.DataFrame({"label": [0, 1] * 20, "pred": [1, 1] * 20, "race": ["a"] * 40}).to_csv(path, index=False)
    done = comply("fairness", str(path), *BASE, "-f", "json")
    assert done.returncode == 0, done.stderr
    feature = json.loads(done.stdout)["features"]["race"]
    assert feature["flags"] == ["single_group"]
    assert feature["metrics"]["demographic_parity_difference"]["value"] == 0.0


def test_a_column_with_too_many_values_stops_with_the_count_before_counting(tmp_path: Path) -> None:
    """Issue 10 item 10: 300,000 distinct values once took 120 s, 3.2 GB and a 321 MB report."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 300_000
    path = tmp_path / "ids.parquet"
    table = pa.table(
        {
            "label": np.arange(rows, dtype=np.int64) % 2,
            "pred": np.zeros(rows, dtype=np.int64),
            "customer": pa.array([f"c{index}" for index in range(rows)]),
        }
    )
    pq.write_table(table, path)
    base = ("--y-true", "label", "--y-pred", "pred", "--sensitive", "customer")
    for engine in ("memory", "stream", "duckdb"):
        done = comply("fairness", str(path), *base, "--engine", engine)
        assert_one_line_error(done, str(path), "'customer'", "more than the cap of 1000 groups", "--max-groups")
        counted = re.search(r"at least (\d+) distinct values", done.stderr)
        assert counted and int(counted.group(1)) > 1000, done.stderr
    assert "at least 300000 distinct values" in comply("fairness", str(path), *base).stderr
    lowered = comply("fairness", str(path), *base, "--max-groups", "10", "--engine", "duckdb")
    assert_one_line_error(lowered, "more than the cap of 10 groups")
    capped = tmp_path / "small.parquet"
    pq.write_table(table.slice(0, 40), capped)
    assert comply("fairness", str(capped), *base, "--max-groups", "40", "-f", "json").returncode == 0
    assert_one_line_error(comply("fairness", str(capped), *base, "--max-groups", "39"), "at least 40 distinct values")


def test_the_cap_counts_the_groups_of_an_intersection(tmp_path: Path) -> None:
    rows = 2_000
    frame = pd.DataFrame(
        {
            "label": [i % 2 for i in range(rows)],
            "pred": [0] * rows,
            "a": [i % 40 for i in range(rows)],
            "b": [i % 49 for i in range(rows)],
        }
    )
    path = tmp_path / "cross.csv"
    frame.to_csv(path, index=False)
    args = ("fairness", str(path), "--y-true", "label", "--y-pred", "pred", "-s", "a", "-s", "b", "--max-groups", "100")
    assert comply(*args, "-f", "json").returncode == 0
    assert_one_line_error(comply(*args, "--intersections"), "'a & b'", "at least 1960 distinct values")


HOSTILE_GROUPS = ["\x1b[31mred", "::error::owned", "plain"]


def _hostile_predictions(path: Path) -> None:
    rows = ["y,p,g"] + [f"{i % 2},{(i // 2) % 2},{HOSTILE_GROUPS[i % 3]}" for i in range(120)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def _assert_group_names_inert(text: str) -> None:
    assert "\x1b" not in text, text
    assert not any(line.lstrip().startswith("::") for line in text.splitlines()), text
    assert "\\::error" in text and "red" in text  # shown, neutralised (the check report may shorten the cell)


def test_group_names_cannot_colour_the_terminal_or_start_a_workflow_command(tmp_path: Path) -> None:
    # a group name from the data printed raw: an ANSI escape reached the terminal and `::error::...` began
    # a line of the tables, which the Actions runner reads as a workflow command
    path = tmp_path / "predictions.csv"
    _hostile_predictions(path)
    done = comply("fairness", str(path), "--y-true", "y", "--y-pred", "p", "-s", "g")
    assert done.returncode == 0, done.stderr
    _assert_group_names_inert(done.stdout)


def test_group_names_in_the_check_report_are_inert(tmp_path: Path) -> None:
    _hostile_predictions(tmp_path / "predictions.csv")
    card = Path(__file__).parents[2] / "examples" / "credit-scoring-gaps" / "model_card.yaml"
    (tmp_path / "model_card.yaml").write_bytes(card.read_bytes())
    (tmp_path / "comply.yaml").write_text(
        "evidence:\n  predictions: predictions.csv\nfairness:\n  y_true: y\n  y_pred: p\n  sensitive: [g]\n",
        encoding="utf-8",
    )
    done = comply("check", "model_card.yaml", "--reference-date", "2026-11-25", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    _assert_group_names_inert(done.stdout)
