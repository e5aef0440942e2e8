"""The counts contract (docs/counts.md): a table of per-group confusion counts gives the same fairness
document as the raw rows, whichever engine produced it; bad counts are one line, exit 2."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT, assert_one_line_error, comply

DOC = ROOT / "docs" / "counts.md"
OPTIONS = ("--y-true", "y_true", "--y-pred", "y_pred", "-s", "sex", "-s", "age_band", "--intersections")
PERIOD = (pd.Timestamp("2026-06-01"), pd.Timestamp("2026-11-30"))


def documented_query(engine: str) -> str:
    """The GROUP BY that docs/counts.md publishes for `engine`."""
    found = re.search(rf"```sql {engine}\n(.*?)```", DOC.read_text(), re.S)
    assert found, f"docs/counts.md has no query for {engine}"
    return found.group(1)


def decisions(rows: int = 3_000, seed: int = 5) -> pd.DataFrame:
    """A year of decisions, with missing groups and missing labels."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["female", "male", None], rows, p=[0.48, 0.48, 0.04]),
            "age_band": rng.choice(["18-25", "26-40", "41-65", "65+"], rows),
            "y_true": pd.array(rng.integers(0, 2, rows), dtype="Int64"),
            "y_pred": rng.integers(0, 2, rows),
            "decision_date": pd.to_datetime("2026-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), unit="D"),
        }
    )
    frame.loc[rng.random(rows) < 0.03, "y_true"] = pd.NA
    frame["decision_date"] = frame["decision_date"].dt.date
    return frame


def in_period(frame: pd.DataFrame) -> pd.DataFrame:
    dates = pd.to_datetime(frame["decision_date"])
    return frame[(dates >= PERIOD[0]) & (dates <= PERIOD[1])]


def without_provenance(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "provenance"}


def fairness_json(*args: str) -> dict[str, Any]:
    done = comply("fairness", *args, *OPTIONS, "--bootstrap", "50", "-f", "json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_duckdb_counts_give_the_document_of_the_raw_rows(tmp_path: Path) -> None:
    import duckdb

    frame = decisions()
    raw = tmp_path / "raw.parquet"
    in_period(frame).drop(columns="decision_date").to_parquet(raw, index=False)
    predictions = frame  # noqa: F841  (the table the documented query reads)
    relation = duckdb.sql(documented_query("duckdb"))
    counts = (getattr(relation, "to_arrow_table", None) or relation.arrow)()  # DuckDB 2.x / 1.x
    counts_file = tmp_path / "counts.parquet"
    import pyarrow.parquet as pq

    pq.write_table(counts, counts_file)
    assert pq.read_metadata(counts_file).num_rows <= 3 * 4 * 3 * 2  # groups x labels x predictions
    from_counts = fairness_json("--counts", str(counts_file))
    from_rows = fairness_json(str(raw))
    assert without_provenance(from_counts) == without_provenance(from_rows)
    assert from_counts["provenance"]["counts"] is True and from_counts["rows"]["total"] == len(in_period(frame))


def test_counts_from_csv_and_repeated_combinations_add_up(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"sex": ["f", "f", "m", "m", "f"], "age_band": ["a", "a", "b", "b", "b"], "y_true": [1, 1, 0, 1, 0]}
    )
    frame["y_pred"] = [1, 1, 0, 0, 1]
    frame["n"] = [10, 5, 40, 7, 3]
    counts = tmp_path / "counts.csv"
    frame.to_csv(counts, index=False)
    rows = frame.loc[frame.index.repeat(frame["n"])].drop(columns="n")
    raw = tmp_path / "raw.csv"
    rows.to_csv(raw, index=False)
    assert without_provenance(fairness_json("--counts", str(counts))) == without_provenance(fairness_json(str(raw)))


def test_counts_in_comply_yaml_evidence(tmp_path: Path) -> None:
    counts = tmp_path / "counts.csv"
    pd.DataFrame({"sex": ["f", "m"], "age_band": ["a", "a"], "y_true": [1, 0], "y_pred": [1, 0], "n": [50, 60]}).to_csv(
        counts, index=False
    )
    (tmp_path / "comply.yaml").write_text(
        f"evidence:\n  counts: {counts}\nfairness:\n  y_true: y_true\n  y_pred: y_pred\n  sensitive: [sex]\n"
    )
    done = comply("fairness", "-f", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["rows"]["total"] == 110 and document["features"]["sex"]["groups"]["f"]["tp"] == 50


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ([3, -1], "cannot be negative"),
        ([3.0, 2.5], "not a whole number"),
        ([3, None], "missing value"),
        (["3", "x"], "expected whole numbers"),
    ],
)
def test_bad_counts_are_one_line(tmp_path: Path, values: list[Any], needle: str) -> None:
    counts = tmp_path / "counts.parquet"
    pd.DataFrame(
        {"sex": ["f", "m"], "age_band": ["a", "b"], "y_true": [1, 0], "y_pred": [1, 0], "n": values}
    ).to_parquet(counts, index=False)
    assert_one_line_error(comply("fairness", "--counts", str(counts), *OPTIONS), str(counts), "'n'", needle)


def test_counts_need_a_prediction_column_and_their_count_column(tmp_path: Path) -> None:
    counts = tmp_path / "counts.csv"
    pd.DataFrame({"sex": ["f"], "age_band": ["a"], "y_true": [1], "y_pred": [1], "rows": [4]}).to_csv(
        counts, index=False
    )
    assert_one_line_error(comply("fairness", "--counts", str(counts), *OPTIONS), "no column 'n'")
    assert comply("fairness", "--counts", str(counts), *OPTIONS, "--count-column", "rows").returncode == 0
    assert_one_line_error(
        comply("fairness", "--counts", str(counts), "--y-true", "y_true", "--score", "p", "-s", "sex"),
        "counts table needs a y_pred column",
    )
