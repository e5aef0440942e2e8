"""A hive-partitioned Parquet directory with a period filter, on the DuckDB engine, through the CLI: the
same document as the in-memory engine on the period's rows; a directory's digest covers its files; bad
filters and empty periods are one line, exit 2. (The Spark engine on the same layout: test_spark.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from checker.fairness.dataset import data_files, directory_digest
from checker.schemas import validate
from tests.conftest import assert_one_line_error, comply

COLUMNS = ("--y-true", "y_true", "--y-pred", "y_pred", "-s", "sex", "-s", "age_band", "--score", "score")
PERIOD = "2026-03-01/2026-03-20"


def decisions(rows: int = 4_000, days: int = 40, seed: int = 11) -> pd.DataFrame:
    """Daily decisions from 2026-02-10, with missing groups, labels and scores."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["female", "male", None], rows, p=[0.48, 0.48, 0.04]),
            "age_band": rng.choice(["18-25", "26-40", "41-65", "65+"], rows),
            "y_true": pd.array(rng.integers(0, 2, rows), dtype="Int64"),
            "y_pred": rng.integers(0, 2, rows),
            "score": rng.random(rows),
            "decision_date": (
                pd.Timestamp("2026-02-10") + pd.to_timedelta(rng.integers(0, days, rows), unit="D")
            ).strftime("%Y-%m-%d"),
        }
    )
    frame.loc[rng.random(rows) < 0.03, "y_true"] = pd.NA
    frame.loc[rng.random(rows) < 0.02, "score"] = np.nan
    return frame


def write_lake(frame: pd.DataFrame, directory: Path) -> Path:
    """`directory/decision_date=YYYY-MM-DD/part-0.parquet`, as Spark, Hive and Delta lay it out, plus
    the marker files a Spark job leaves (which are not data)."""
    ds.write_dataset(
        pa.Table.from_pandas(frame, preserve_index=False),
        directory,
        format="parquet",
        partitioning=["decision_date"],
        partitioning_flavor="hive",
    )
    (directory / "_SUCCESS").write_text("")
    return directory


def in_period(frame: pd.DataFrame, period: str = PERIOD) -> pd.DataFrame:
    start, end = period.split("/")
    return frame[(frame["decision_date"] >= start) & (frame["decision_date"] <= end)]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    frame = decisions()
    return frame, write_lake(frame, tmp_path_factory.mktemp("lake") / "decisions")


def fairness(*args: str) -> dict[str, Any]:
    done = comply("fairness", *args, *COLUMNS, "--bootstrap", "40", "-f", "json")
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def without_provenance(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "provenance"}


def assert_same_numbers(ours: Any, theirs: Any, path: str = "") -> None:
    """Equal, floats to 1e-12 (the engines sum scores in different orders)."""
    if isinstance(ours, dict):
        assert isinstance(theirs, dict) and set(ours) == set(theirs), path
        for key in ours:
            assert_same_numbers(ours[key], theirs[key], f"{path}.{key}")
    elif isinstance(ours, list):
        assert isinstance(theirs, list) and len(ours) == len(theirs), path
        for index, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
            assert_same_numbers(mine, other, f"{path}[{index}]")
    elif isinstance(ours, float) and isinstance(theirs, float):
        assert abs(ours - theirs) <= 1e-12, (path, ours, theirs)
    else:
        assert ours == theirs, (path, ours, theirs)


def test_duckdb_reads_the_period_of_a_partitioned_directory(lake: tuple[pd.DataFrame, Path], tmp_path: Path) -> None:
    frame, directory = lake
    expected = tmp_path / "period.parquet"
    in_period(frame).drop(columns="decision_date").to_parquet(expected, index=False)
    from_lake = fairness(str(directory), "--engine", "duckdb", "--period", PERIOD)
    from_rows = fairness(str(expected), "--engine", "memory")
    assert_same_numbers(without_provenance(from_lake), without_provenance(from_rows))
    validate(from_lake, "fairness")
    provenance = from_lake["provenance"]
    assert provenance["engine"] == "duckdb" and provenance["rows"] == len(in_period(frame))
    assert provenance["period"] == {"start": "2026-03-01", "end": "2026-03-20", "column": "decision_date"}
    assert provenance["files"] == 40 and len(provenance["sha256"]) == 64


def test_a_directory_or_a_period_chooses_duckdb_and_where_narrows_further(lake: tuple[pd.DataFrame, Path]) -> None:
    frame, directory = lake
    chosen = fairness(str(directory), "--period", PERIOD, "--where", "age_band <> '65+'")
    assert chosen["provenance"]["engine"] == "duckdb" and chosen["provenance"]["where"] == "age_band <> '65+'"
    period = in_period(frame)
    assert chosen["rows"]["total"] == int((period["age_band"] != "65+").sum())
    assert set(chosen["features"]["age_band"]["groups"]) == {"18-25", "26-40", "41-65"}
    whole = fairness(str(directory))
    assert whole["rows"]["total"] == len(frame) and "period" not in whole["provenance"]


def test_the_text_report_says_which_rows_were_read(lake: tuple[pd.DataFrame, Path]) -> None:
    _, directory = lake
    done = comply("fairness", str(directory), *COLUMNS, "--period", PERIOD)
    assert done.returncode == 0, done.stderr
    assert "rows read: decision_date from 2026-03-01 to 2026-03-20" in done.stdout
    assert "duckdb" in done.stdout.splitlines()[0]


def test_the_directory_digest_covers_every_data_file(lake: tuple[pd.DataFrame, Path], tmp_path: Path) -> None:
    frame, _ = lake
    directory = write_lake(frame.head(500), tmp_path / "small")
    files = data_files(directory)
    assert all(path.suffix == ".parquet" for path in files) and not any("_SUCCESS" in str(path) for path in files)
    before = directory_digest(directory, files)
    assert directory_digest(directory, files) == before
    files[0].rename(files[0].with_name("renamed.parquet"))
    assert directory_digest(directory, data_files(directory)) != before
    files[1].unlink()
    assert directory_digest(directory, data_files(directory)) != before


@pytest.mark.parametrize(
    ("extra", "needles"),
    [
        (("--period", "2027-01-01/2027-01-31"), ("no rows in the period 2027-01-01/2027-01-31",)),
        (("--where", "no_such_column > 3"), ("--where 'no_such_column > 3'", "DuckDB", "no_such_column")),
        (("--where", "1 = 1) UNION SELECT (1"), ("--where", "not a condition")),
        (("--period", "2026-03-20/2026-03-01"), ("ends before it starts",)),
        (("--period", "March"), ("--period expects START/END",)),
        (("--period", PERIOD, "--date-column", "day"), ("no column 'day' to filter on",)),
        (("--engine", "memory"), ("directory of Parquet files is read by --engine duckdb or spark",)),
    ],
)
def test_bad_filters_are_one_line(
    lake: tuple[pd.DataFrame, Path], extra: tuple[str, ...], needles: tuple[str, ...]
) -> None:
    _, directory = lake
    assert_one_line_error(comply("fairness", str(directory), *COLUMNS, *extra), *needles)


def test_a_filter_needs_an_engine_that_filters(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    decisions(200).to_parquet(path, index=False)
    assert_one_line_error(
        comply("fairness", str(path), *COLUMNS, "--period", PERIOD, "--engine", "stream"),
        "use --engine duckdb or spark, not stream",
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_line_error(comply("fairness", str(empty), *COLUMNS), "no Parquet files")
