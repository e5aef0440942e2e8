"""What to compute fairness from: the columns of a predictions file and how to read them.

`FairnessOptions` is the one parameter object shared by `comply fairness` (built from its options),
`comply check --predictions` (built from the `fairness:` section of comply.yaml, then overridden by
the command line) and the Python API (`checker.fairness.compute.compute_fairness`). It imports
nothing heavy, so building it costs nothing on the pre-commit path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from checker.errors import UsageError

ENGINES = ("auto", "memory", "stream", "duckdb")
"""`auto` reads files up to `MEMORY_ENGINE_MAX_BYTES` whole and streams larger ones."""

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
      engine: auto | memory | stream | duckdb; batch_rows: rows per batch when streaming Parquet
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
    reference_groups: tuple[tuple[str, str], ...] = ()
    min_group_size: int = 30
    max_groups: int = DEFAULT_MAX_GROUPS
    bootstrap: int = 0
    seed: int = 0
    confidence: float = 0.95
    count_column: str | None = None
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
    if key == "intersections":
        if not isinstance(value, bool):
            raise UsageError(f"{where}.intersections: expected true or false, got {value!r}")
        return value
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{where}.{key}: expected text, got {value!r}")
    return value


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
