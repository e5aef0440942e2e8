"""Explainability evidence: global feature importance from a feature-attribution file.

Accepted files (told by their suffix):
- per-row attributions (SHAP values), one column per feature, as Parquet or CSV: the global importance of a
  feature is the mean of its absolute values over the rows;
- a global-importance JSON: `{"global_importance": {feature: mean |value|, ...}}` (or that mapping alone).

The importance is computed here, never taken from a model: comply does not load pickled models, because
loading one runs code. Parquet is read one column chunk at a time with Arrow compute (no pandas; memory bounded by
the chunk, not the file); CSV with the standard library, so a small file needs nothing installed. A null, NaN or
infinite attribution is an input error naming the column (and, for CSV, the line): a mean over it would be
no evidence at all.

The result becomes `input.evidence.explanations` (schemas/explanations.schema.json): the file and its sha256,
the kind, the row count, the importance per feature and the ranking (most important first, ties by name).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.evidence.loader import file_size


@dataclass(frozen=True)
class Importance:
    """Mean |attribution| per feature (in file order), the rows it is over, and where each name is written."""

    kind: str
    features: tuple[str, ...]
    values: tuple[float, ...]
    rows: int | None
    lines: Mapping[str, int]
    """Feature -> the line its name is on (CSV header: 1; JSON: the key's line); Parquet has none."""


def global_importance(path: Path) -> Importance:
    """The global importance in `path`, by its suffix (.parquet, .csv, .json)."""
    if file_size(path, expected="an explanations file") == 0:
        raise InputError(f"{path}: file is empty")
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(
            f"{path}: cannot tell the explanations format from the name; use .parquet or .csv (per-row "
            "attributions) or .json (global importance)"
        )
    return reader(path)


def _finished(path: Path, names: Sequence[str], sums: Sequence[float], rows: int, kind: str) -> Importance:
    if rows == 0:
        raise InputError(f"{path}: no rows of attributions")
    for name, total in zip(names, sums, strict=True):
        if not math.isfinite(total):
            raise InputError(f"{path}: column {name!r}: NaN or infinite attributions")
    return Importance(kind, tuple(names), tuple(total / rows for total in sums), rows, {})


def _check_names(path: Path, names: Sequence[str]) -> None:
    if not names:
        raise InputError(f"{path}: no feature columns")
    seen: set[str] = set()
    for name in names:
        if not name.strip():
            raise InputError(f"{path}: a feature column has an empty name")
        if name in seen:
            raise InputError(f"{path}: column {name!r} appears twice")
        seen.add(name)


def _parquet(path: Path) -> Importance:
    from checker.extras import require

    require("pyarrow", "fairness", "reading a Parquet explanations file")
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        raise InputError(f"{path}: not a Parquet file ({_one_line(err)})") from None
    schema = parquet.schema_arrow
    names = list(schema.names)
    _check_names(path, names)
    for field in schema:
        if not (pa.types.is_floating(field.type) or pa.types.is_integer(field.type)):
            raise InputError(f"{path}: column {field.name!r} is {field.type}, not numeric attributions")
    sums = [0.0] * len(names)
    rows = parquet.metadata.num_rows
    try:
        # One column chunk at a time: memory is bounded by the largest chunk (8 MB for a row group of a
        # million float64 rows), not by the file or a row group's width; decoding it is Arrow's, in C++.
        for group in range(parquet.metadata.num_row_groups):
            for index, name in enumerate(names):
                column = parquet.read_row_group(group, columns=[name], use_threads=False).column(0)
                if column.null_count:
                    raise InputError(f"{path}: column {name!r} has empty (null) attributions")
                sums[index] += float(pc.sum(pc.abs(column)).as_py() or 0.0)
    except (pa.ArrowException, OSError) as err:
        raise InputError(f"{path}: cannot read as Parquet: {_one_line(err)}") from None
    return _finished(path, names, sums, rows, "per_row")


def _csv(path: Path) -> Importance:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows_in = csv.reader(handle)
            names = next(rows_in, [])
            _check_names(path, names)
            sums = [0.0] * len(names)
            rows = 0
            for line, row in enumerate(rows_in, start=2):
                if not row:
                    continue
                if len(row) != len(names):
                    raise InputError(f"{path}:{line}: {len(row)} values, the header names {len(names)} features")
                for index, text in enumerate(row):
                    sums[index] += abs(_number(path, line, names[index], text))
                rows += 1
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except csv.Error as err:
        raise InputError(f"{path}: not CSV ({err})") from None
    importance = _finished(path, names, sums, rows, "per_row")
    return Importance(importance.kind, importance.features, importance.values, rows, dict.fromkeys(names, 1))


def _number(path: Path, line: int, name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{path}:{line}: column {name!r}: {text[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{path}:{line}: column {name!r}: {text[:40]!r} is not a finite number")
    return value


def _json(path: Path) -> Importance:
    from checker.evidence.loader import load_document

    document = load_document(path)
    data = document.data
    prefix = ""
    if isinstance(data, Mapping) and "global_importance" in data:
        data, prefix = data["global_importance"], "global_importance."
    if not isinstance(data, Mapping) or not data:
        raise InputError(f'{path}:1: expected {{"global_importance": {{feature: mean |value|, ...}}}}')
    names = [str(name) for name in data]
    _check_names(path, names)
    values = []
    for name in names:
        value = data[name]
        line = document.line_of(f"{prefix}{name}") or 1
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"{path}:{line}: {prefix}{name}: expected a finite number, got {value!r}")
        if value < 0:
            raise InputError(f"{path}:{line}: {prefix}{name}: global importance is a mean |value|, got {value!r}")
        values.append(float(value))
    lines = {name: document.line_of(f"{prefix}{name}") or 1 for name in names}
    return Importance("global", tuple(names), tuple(values), None, lines)


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())[:300]


_READERS = {".parquet": _parquet, ".pq": _parquet, ".csv": _csv, ".json": _json}


def ranking(importance: Importance) -> list[str]:
    """Features, most important first; equal importance in name order (deterministic)."""
    return [name for _, name in sorted(zip((-v for v in importance.values), importance.features, strict=True))]


def explanations_evidence(path: Path, label: str, sha256: str) -> tuple[dict[str, Any], Mapping[str, int]]:
    """`input.evidence.explanations` for the file at `path` (reported as `label`), and the line each feature
    is named on (for findings that point at it)."""
    importance = global_importance(path)
    evidence: dict[str, Any] = {
        "file": label,
        "sha256": sha256,
        "kind": importance.kind,
        "features": list(importance.features),
        "importance": dict(zip(importance.features, importance.values, strict=True)),
        "ranking": ranking(importance),
    }
    if importance.rows is not None:
        evidence["rows"] = importance.rows
    return evidence, importance.lines
