"""The Spark engine on a real SparkSession (local[2]): the same numbers as the in-memory engine to
1e-12 on a partitioned directory with a period, on a catalog table, and from the Spark SQL GROUP BY that
docs/counts.md publishes; the CLI end to end. One session serves the whole run (the `spark` fixture of tests/conftest.py; the
tests share the xdist group "spark", so they stay on one worker and the JVM starts once); the CLI test
starts its own, as a user's run does. Bad input that needs no JVM (missing extra, unreachable master) is here too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from checker.errors import InputError, UsageError
from checker.fairness.compute import compute_fairness
from checker.fairness.options import FairnessOptions
from checker.schemas import validate
from tests.conftest import assert_one_line_error, comply
from tests.fairness.test_counts import decisions as year_of_decisions
from tests.fairness.test_counts import documented_query, in_period
from tests.fairness.test_partitioned import (
    COLUMNS,
    PERIOD,
    assert_same_numbers,
    decisions,
    without_provenance,
    write_lake,
)
from tests.fairness.test_partitioned import in_period as in_test_period

pytestmark = pytest.mark.xdist_group("spark")

OPTIONS = {
    "y_true": "y_true",
    "y_pred": "y_pred",
    "sensitive": ("sex", "age_band"),
    "score": "score",
    "intersections": True,
    "bootstrap": 40,
}


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    """Twelve days of decisions, one partition per day (few files: Spark pays per file)."""
    frame = decisions(rows=3_000, days=12)
    frame["decision_date"] = frame["decision_date"].str.replace("2026-02-", "2026-03-", regex=False)
    return frame, write_lake(frame, tmp_path_factory.mktemp("spark-lake") / "decisions")


def memory_document(frame: pd.DataFrame, directory: Path, **extra: Any) -> dict[str, Any]:
    path = directory / "rows.parquet"
    frame.drop(columns="decision_date").to_parquet(path, index=False)
    return compute_fairness(path, FairnessOptions(**OPTIONS, **extra, engine="memory"))


def test_spark_counts_the_period_of_a_partitioned_directory(
    spark: Any, lake: tuple[pd.DataFrame, Path], tmp_path: Path
) -> None:
    frame, directory = lake
    period = "2026-03-14/2026-03-19"
    on_spark = compute_fairness(directory, FairnessOptions(**OPTIONS, engine="spark", period=period), session=spark)
    expected = memory_document(in_test_period(frame, period), tmp_path)
    assert_same_numbers(without_provenance(on_spark), without_provenance(expected))
    validate(on_spark, "fairness")
    provenance = on_spark["provenance"]
    assert provenance["engine"] == "spark" and provenance["files"] == 12 and "sha256" not in provenance
    assert provenance["period"]["start"] == "2026-03-14" and provenance["rows"] == len(in_test_period(frame, period))


def test_spark_reads_a_catalog_table_with_a_where_condition(
    spark: Any, lake: tuple[pd.DataFrame, Path], tmp_path: Path
) -> None:
    frame, directory = lake
    spark.read.parquet(str(directory)).createOrReplaceTempView("decisions")
    options = FairnessOptions(**OPTIONS, engine="spark", where="age_band IN ('18-25', '65+') AND score < 0.9")
    on_spark = compute_fairness(None, options, table="decisions")  # the active session
    chosen = frame[frame["age_band"].isin(["18-25", "65+"]) & (frame["score"] < 0.9)]
    assert_same_numbers(without_provenance(on_spark), without_provenance(memory_document(chosen, tmp_path)))
    assert on_spark["provenance"]["table"] == "decisions" and on_spark["provenance"]["format"] == "table"


def test_the_documented_spark_sql_counts_give_the_document_of_the_raw_rows(spark: Any, tmp_path: Path) -> None:
    frame = year_of_decisions()
    raw = tmp_path / "raw.parquet"
    frame.to_parquet(raw, index=False)
    spark.read.parquet(str(raw)).createOrReplaceTempView("predictions")
    counts = spark.sql(documented_query("spark")).toPandas()
    counts_file = tmp_path / "counts.parquet"
    counts.to_parquet(counts_file, index=False)
    period_rows = tmp_path / "period.parquet"
    in_period(frame).drop(columns="decision_date").to_parquet(period_rows, index=False)
    args = ("--y-true", "y_true", "--y-pred", "y_pred", "-s", "sex", "-s", "age_band", "--intersections", "-f", "json")
    from_counts = comply("fairness", "--counts", str(counts_file), *args)
    from_rows = comply("fairness", str(period_rows), *args)
    assert from_counts.returncode == 0 and from_rows.returncode == 0, from_counts.stderr + from_rows.stderr
    assert without_provenance(json.loads(from_counts.stdout)) == without_provenance(json.loads(from_rows.stdout))


def test_spark_refuses_a_bad_where_an_empty_period_and_a_missing_date_column(
    spark: Any, lake: tuple[pd.DataFrame, Path]
) -> None:
    _, directory = lake
    with pytest.raises(UsageError, match="--where 'score >>> 1' is not a condition Spark can apply"):
        compute_fairness(directory, FairnessOptions(**OPTIONS, engine="spark", where="score >>> 1"))
    with pytest.raises(InputError, match="no rows in the period 2027-01-01/2027-01-02"):
        compute_fairness(directory, FairnessOptions(**OPTIONS, engine="spark", period="2027-01-01/2027-01-02"))
    with pytest.raises(InputError, match="no column 'day' to filter on"):
        compute_fairness(directory, FairnessOptions(**OPTIONS, engine="spark", period=PERIOD, date_column="day"))


def test_the_cli_on_spark_matches_duckdb_on_a_partitioned_directory(
    spark: Any, lake: tuple[pd.DataFrame, Path]
) -> None:
    _, directory = lake
    period = ("--period", "2026-03-14/2026-03-19")
    on_spark = comply(
        "fairness",
        str(directory),
        *COLUMNS,
        *period,
        "--engine",
        "spark",
        "--spark-master",
        "local[2]",
        "-f",
        "json",
        timeout=300,
    )
    assert on_spark.returncode == 0, on_spark.stderr
    assert "WARN" not in on_spark.stderr, on_spark.stderr  # Spark's own log goes to a file, not comply's stderr
    on_duckdb = comply("fairness", str(directory), *COLUMNS, *period, "--engine", "duckdb", "-f", "json")
    spark_document, duckdb_document = json.loads(on_spark.stdout), json.loads(on_duckdb.stdout)
    assert_same_numbers(without_provenance(spark_document), without_provenance(duckdb_document))
    assert spark_document["provenance"]["engine"] == "spark"


def test_without_pyspark_the_spark_engine_gives_the_install_line(tmp_path: Path) -> None:
    fake = tmp_path / "pyspark"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'pyspark'\", name='pyspark')\n")
    done = comply("fairness", str(tmp_path), *COLUMNS, "--engine", "spark", env={"PYTHONPATH": str(tmp_path)})
    assert_one_line_error(done, "the spark engine needs pyspark", "pip install 'comply-gate[spark]'")


@pytest.mark.parametrize("master", ["spark://127.0.0.1:9", "sc://127.0.0.1:9"])
def test_an_unreachable_master_is_one_line(tmp_path: Path, master: str) -> None:
    done = comply("fairness", str(tmp_path), *COLUMNS, "--engine", "spark", "--spark-master", master)
    assert_one_line_error(done, f"cannot reach the Spark master {master}", "127.0.0.1:9")
