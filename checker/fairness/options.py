"""What to compute fairness from: the columns of a predictions file and how to read them.

`FairnessOptions` is the one parameter object shared by `comply fairness` (built from its options),
`comply check --predictions` (built from the `fairness:` section of comply.yaml, then overridden by
the command line) and the Python API (`checker.fairness.compute.compute_fairness`). It imports
nothing heavy, so building it costs nothing on the pre-commit path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from checker.errors import UsageError

ENGINES = ("auto", "memory", "stream", "duckdb", "spark")
"""`auto` reads files up to `MEMORY_ENGINE_MAX_BYTES` whole and streams larger ones; a directory or a
row filter (`where`, `period`) goes to DuckDB."""

FILTERING_ENGINES = ("duckdb", "spark")
"""The engines that read partitioned directories and filter rows where the data is read."""

DEFAULT_DATE_COLUMN = "decision_date"
"""The column `period` filters on unless `date_column` names another."""

MEMORY_ENGINE_MAX_BYTES = 1 << 30
"""Files above 1 GiB are streamed by the `auto` engine, so memory stays bounded whatever the size."""

DEFAULT_MAX_GROUPS = 1000
"""More groups than a person can review in one table: a column with more values is an identifier or a
measurement (a postcode, an income), not a sensitive feature, and counting it would only make a report
nobody reads (300,000 values once made a 321 MB one)."""

MISSING_GROUP = "<missing>"
"""The group that rows with no value in a sensitive column form (reported, flagged, never dropped)."""


@dataclass(frozen=True)
class FairnessOptions:
    """How to read a predictions file and what to compute from it.

    Columns:
      y_true: the observed label column (required).
      y_pred: the predicted label column. If absent, `score` is required and predictions are
        `score >= threshold`.
      sensitive: one or more sensitive-feature columns (required); each is analysed on its own.
      score: an optional predicted-probability column; adds the per-group mean score and, without
        `y_pred`, derives the predictions.
    Labels:
      positive_label: values (as text) that count as the positive class in `y_true` and `y_pred`
        (several values make a one-vs-rest label, e.g. COMPAS `Medium` and `High`). Without it, a
        label column must be 0/1, -1/1 or boolean.
      pred_positive_label: overrides `positive_label` for `y_pred` only (when the two columns use
        different vocabularies, e.g. `two_year_recid` 0/1 against `score_text` Low/Medium/High).
    Analysis:
      intersections: also analyse the cross product of all sensitive features (e.g. sex & race).
      auc: also each group's ROC AUC of `score` (fairlearn MetricFrame over scikit-learn's
        roc_auc_score): needs the rows in memory (the memory engine), as AUC cannot come from counts.
      reference_groups: {feature: group}: the privileged group the disparate-impact ratio is taken
        against; without one, the ratio is lowest over highest selection rate (the four-fifths rule).
      min_group_size: groups with fewer rows are reported and flagged `small`, never dropped.
      max_groups: the most groups a feature (or intersection) may have; a column with more distinct
        values stops the run with one line naming the count, as soon as the count is known.
      bootstrap: number of bootstrap resamples for confidence intervals (0 = none); `seed` makes
        them reproducible; `confidence` is the interval's coverage.
    Counts (the counts contract, docs/counts.md):
      count_column: when set, the file is a counts table, not predictions: each row is one
        combination of (sensitive values, y_true, y_pred) and this column says how many rows it
        stands for (a whole number >= 0). Needs `y_pred`; a score cannot come from counts.
    Reading:
    Rows (DuckDB and Spark engines, which read partitioned directories and push filters down):
      where: a SQL boolean expression over the columns (`region = 'EU'`), parsed by the engine as
        one expression, never as a statement.
      period: `START/END` (ISO dates, both included): the rows whose `date_column` (default
        `decision_date`, typically the partition column) falls in it.
    Spark:
      spark_master: the master URL (`local[2]`, `spark://host:7077`, `sc://host:15002` for Spark
        Connect); default: the active session, else `SPARK_REMOTE`, else `local[*]`.
    Reading:
      engine: auto | memory | stream | duckdb | spark; batch_rows: rows per batch when streaming Parquet
        (CSV and JSON Lines stream in 4 MiB blocks); file_format: csv | parquet | jsonl, or None to
        tell from the file name.
    """

    y_true: str
    sensitive: tuple[str, ...]
    y_pred: str | None = None
    score: str | None = None
    threshold: float = 0.5
    positive_label: tuple[str, ...] = ()
    pred_positive_label: tuple[str, ...] = ()
    intersections: bool = False
    auc: bool = False
    reference_groups: tuple[tuple[str, str], ...] = ()
    min_group_size: int = 30
    max_groups: int = DEFAULT_MAX_GROUPS
    bootstrap: int = 0
    seed: int = 0
    confidence: float = 0.95
    count_column: str | None = None
    where: str | None = None
    period: str | None = None
    date_column: str = DEFAULT_DATE_COLUMN
    spark_master: str | None = None
    engine: str = "auto"
    batch_rows: int = 1_000_000
    file_format: str | None = None

    def __post_init__(self) -> None:
        if not self.y_true:
            raise UsageError("fairness: name the label column (--y-true)")
        if not self.sensitive:
            raise UsageError("fairness: name at least one sensitive column (--sensitive)")
        if self.y_pred is None and self.score is None:
            raise UsageError("fairness: name the prediction column (--y-pred) or a score column (--score)")
        if len(set(self.sensitive)) != len(self.sensitive):
            raise UsageError(f"fairness: a sensitive column is named twice: {', '.join(self.sensitive)}")
        label_columns = {column for column in (self.y_true, self.y_pred, self.score) if column is not None}
        overlap = label_columns & set(self.sensitive)
        if overlap:
            raise UsageError(f"fairness: column {sorted(overlap)[0]!r} is both a label and a sensitive column")
        if self.count_column is not None:
            if self.y_pred is None or self.score is not None:
                raise UsageError(
                    "fairness: a counts table needs a y_pred column and cannot carry a score "
                    "(counts are per observed and predicted label)"
                )
            if self.count_column in (*label_columns, *self.sensitive):
                raise UsageError(f"fairness: count column {self.count_column!r} is also a label or sensitive column")
        if self.auc and self.score is None:
            raise UsageError("fairness: --auc needs a score column (--score)")
        if self.engine not in ENGINES:
            raise UsageError(f"fairness: engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if self.min_group_size < 1:
            raise UsageError("fairness: min_group_size must be at least 1")
        if self.max_groups < 1:
            raise UsageError("fairness: max_groups must be at least 1")
        if self.bootstrap < 0:
            raise UsageError("fairness: bootstrap must be 0 (off) or a positive number of resamples")
        if not 0.0 < self.confidence < 1.0:
            raise UsageError("fairness: confidence must be between 0 and 1, e.g. 0.95")
        if self.batch_rows < 1:
            raise UsageError("fairness: batch_rows must be at least 1")
        if self.file_format not in (None, "csv", "parquet", "jsonl"):
            raise UsageError(f"fairness: format must be csv, parquet or jsonl, got {self.file_format!r}")
        if self.where is not None and not self.where.strip():
            raise UsageError("fairness: --where is empty; give a SQL condition such as \"region = 'EU'\"")
        if self.period is not None:
            parse_period(self.period)
        if not self.date_column:
            raise UsageError("fairness: name the date column of --period (--date-column)")
        if self.filtered and self.engine not in (*FILTERING_ENGINES, "auto"):
            raise UsageError(
                f"fairness: --where and --period filter rows where they are read: use --engine duckdb or spark, "
                f"not {self.engine}"
            )
        if self.filtered and self.count_column is not None:
            raise UsageError("fairness: --where and --period apply to predictions, not to a counts table")
        unknown = [feature for feature, _ in self.reference_groups if feature not in self.sensitive]
        if unknown:
            raise UsageError(f"fairness: reference group given for {unknown[0]!r}, which is not a sensitive column")

    @property
    def reference(self) -> dict[str, str]:
        """The reference (privileged) group per feature, as a mapping."""
        return dict(self.reference_groups)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the computation reads, in a stable order."""
        named = (*self.sensitive, self.y_true, self.y_pred, self.score, self.count_column)
        return tuple(dict.fromkeys(column for column in named if column is not None))

    @property
    def filtered(self) -> bool:
        """Whether only some rows are read (a `where` condition or a `period`)."""
        return self.where is not None or self.period is not None

    def row_filter(self, quote: Callable[[str], str]) -> str | None:
        """The rows to read as one SQL condition (DuckDB and Spark SQL alike), `quote` quoting the date
        column; None when every row is read. The period compares dates, so a timestamp column's
        last day is included whole."""
        parts = []
        if self.where is not None:
            parts.append(f"({self.where})")
        if self.period is not None:
            start, end = parse_period(self.period)
            parts.append(f"(CAST({quote(self.date_column)} AS DATE) BETWEEN DATE '{start}' AND DATE '{end}')")
        return " AND ".join(parts) or None

    def filter_text(self) -> str:
        """The filter as a reader would say it, for messages: `period 2026-06-01/2026-11-30 of decision_date`."""
        parts = []
        if self.period is not None:
            parts.append(f"period {self.period} (on {self.date_column})")
        if self.where is not None:
            parts.append(f"--where {self.where!r}")
        return " and ".join(parts)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], *, where: str = "fairness") -> FairnessOptions:
        """Build options from the `fairness:` section of comply.yaml.

        Keys are the field names above; `sensitive`, `positive_label` and `pred_positive_label` take
        a string or a list; `reference_groups` is a mapping {feature: group}.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise UsageError(f"{where}: unknown option {unknown[0]!r} (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {}
        for key, value in mapping.items():
            values[key] = _coerce_option(key, value, where)
        if "y_true" not in values or "sensitive" not in values:
            raise UsageError(f"{where}: y_true and sensitive are required to compute fairness")
        return cls(**values)


_TEXT_TUPLES = ("sensitive", "positive_label", "pred_positive_label")
_INTS = ("min_group_size", "max_groups", "bootstrap", "seed", "batch_rows")
_FLOATS = ("threshold", "confidence")


def _coerce_option(key: str, value: Any, where: str) -> Any:
    """Check one comply.yaml option's type, naming the option when it is wrong."""
    if key in _TEXT_TUPLES:
        items = [value] if isinstance(value, (str, int, float, bool)) else value
        if not isinstance(items, Sequence) or isinstance(items, str):
            raise UsageError(f"{where}.{key}: expected a value or a list of values")
        return tuple(label_text(item) for item in items)
    if key == "reference_groups":
        if not isinstance(value, Mapping):
            raise UsageError(f"{where}.reference_groups: expected a mapping of feature to group")
        return tuple((str(feature), label_text(group)) for feature, group in value.items())
    if key in _INTS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise UsageError(f"{where}.{key}: expected a whole number, got {value!r}")
        return value
    if key in _FLOATS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UsageError(f"{where}.{key}: expected a number, got {value!r}")
        return float(value)
    if key in ("intersections", "auc"):
        if not isinstance(value, bool):
            raise UsageError(f"{where}.{key}: expected true or false, got {value!r}")
        return value
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{where}.{key}: expected text, got {value!r}")
    return value


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """`2026-06-01/2026-11-30` as (start, end), both included; anything else is a usage error."""
    start_text, sep, end_text = text.partition("/")
    try:
        if not sep:
            raise ValueError
        start, end = dt.date.fromisoformat(start_text.strip()), dt.date.fromisoformat(end_text.strip())
    except ValueError:
        raise UsageError(
            f"fairness: --period expects START/END as ISO dates (2026-06-01/2026-11-30), got {text!r}"
        ) from None
    if end < start:
        raise UsageError(f"fairness: --period {text!r} ends before it starts")
    return start, end


def label_text(value: Any) -> str:
    """A label or group value as the text users type: True -> "true", 1.0 -> "1.0", "x" -> "x"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_reference(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """Parse `--reference-group FEATURE=GROUP` options."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        feature, sep, group = value.partition("=")
        if not sep or not feature or not group:
            raise UsageError(f"--reference-group expects FEATURE=GROUP, got {value!r}")
        pairs.append((feature, group))
    return tuple(pairs)
