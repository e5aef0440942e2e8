"""Compute the fairness document from a predictions file: read, count once, derive, describe.

`compute_fairness(path, options)` is the entry point for the CLI and `comply check --predictions`;
`fairness_from_table(table, options)` does the same for data already in memory (a pandas DataFrame or
an Arrow table). Both return the normalized fairness document of `schemas/fairness.schema.json`
(`source: computed`), which becomes `input.evidence.fairness`.

Input rules (each a one-line InputError, exit 2, rather than a number that means nothing):
a missing column; an empty file or one with no rows; no row with both a label and a prediction;
a sensitive column with no values at all; positive labels that match no row; a reference group that
is not in the data. Rows with a missing label, prediction or score are excluded and counted
(`rows.excluded`, and per group `excluded`); a group left with no rows is reported and flagged
`empty`; groups under `min_group_size` are reported and flagged `small`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from checker.errors import InputError, UsageError
from checker.fairness.bootstrap import bootstrap_intervals
from checker.fairness.counts import CELLS, Counter, UnitCounts, check_row_counts
from checker.fairness.dataset import data_files, directory_digest, directory_size
from checker.fairness.metrics import disparities, gaps, rates
from checker.fairness.names import RATES
from checker.fairness.options import (
    FILTERING_ENGINES,
    MEMORY_ENGINE_MAX_BYTES,
    MISSING_GROUP,
    FairnessOptions,
    parse_period,
)
from checker.fairness.performance import GroupAuc, add_auc
from checker.fairness.readers import check_columns, check_file, detect_format, file_digest, read_batches
from checker.progress import progress, showing

if TYPE_CHECKING:
    import pyarrow as pa

SCHEMA_VERSION = 1
ENTRY_RATES = (*RATES, "recall")
"""What each group entry carries: the rates, and recall (= tpr) under the name the checklists use."""


def choose_engine(options: FairnessOptions, size: int, *, directory: bool = False) -> str:
    """`auto` reads files up to 1 GiB whole and streams bigger ones; a partitioned directory or a row
    filter needs an engine that reads directories and filters where it reads: DuckDB."""
    if options.engine != "auto":
        engine = options.engine
    elif directory or options.filtered:
        engine = "duckdb"
    else:
        engine = "memory" if size <= MEMORY_ENGINE_MAX_BYTES else "stream"
    if directory and engine not in FILTERING_ENGINES:
        raise UsageError(f"a directory of Parquet files is read by --engine duckdb or spark, not {engine}")
    return engine


def compute_fairness(
    path: Path | str | None,
    options: FairnessOptions,
    *,
    table: str | None = None,
    session: Any = None,
) -> dict[str, Any]:
    """The fairness document for the predictions at `path`: a file, or a partitioned Parquet directory
    (DuckDB, Spark). With the Spark engine, `path` may be any location Spark reads (`s3a://...`) or
    None with a `table` name; `session` is the SparkSession to run on (default: see `spark.session`)."""
    if options.engine == "spark" or table is not None:
        from checker.fairness.spark import fairness_on_spark

        return fairness_on_spark(path, options, table=table, session=session)
    from checker.evidence.provenance import display_path, tool_version

    if path is None:
        raise UsageError("name a predictions file or directory")
    path = Path(path)
    directory = path.is_dir()
    if directory:
        if options.count_column is not None:
            raise InputError(f"{path}: a counts table is one file, not a directory")
        files = data_files(path)
        fmt = "parquet"
        size = directory_size(files)
    else:
        fmt = detect_format(path, options.file_format)
        size = check_file(path)
    engine = choose_engine(options, size, directory=directory)
    counter = Counter(options)
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(directory_digest, path, files) if directory else pool.submit(file_digest, path)
        try:
            if options.count_column is not None:
                engine = "stream" if engine == "stream" else "memory"
                for batch in read_batches(path, fmt, options, stream=engine == "stream"):
                    check_row_counts(batch.column(options.count_column), options.count_column)
                    counter.add(batch, weights=options.count_column)
            elif engine == "duckdb":
                from checker.fairness.duck import count_with_duckdb

                count_with_duckdb(path, fmt, options, counter, directory=directory)
            else:
                with progress(f"Counting {path.name}", total=_row_count(path, fmt), unit="rows") as bar:
                    for batch in read_batches(path, fmt, options, stream=engine == "stream"):
                        counter.add(batch)
                        bar.update(advance=batch.num_rows)
        except InputError as err:
            message = str(err)
            raise InputError(message if message.startswith(str(path)) else f"{path}: {message}") from None
        digest = hashing.result()
    if options.filtered and counter.rows == 0:
        raise InputError(f"{path}: no rows in the {options.filter_text()}")
    by_rows = None
    if options.auc:
        if engine != "memory":
            raise UsageError(
                f"--auc needs the rows' scores in memory (--engine memory), not {engine}: ROC AUC cannot come from counts"
            )
        from checker.fairness.performance import auc_by_group

        by_rows = auc_by_group(read_batches(path, fmt, options, stream=False), options)
    provenance: dict[str, Any] = {
        "file": display_path(path),
        "sha256": digest,
        "bytes": size,
        "rows": counter.rows,
        "format": fmt,
        "engine": engine,
        "comply_version": tool_version(),
    }
    if directory:
        provenance["files"] = len(files)
    if options.count_column is not None:
        provenance["counts"] = True
    add_filter_provenance(provenance, options)
    return build_document(counter, options, provenance, where=str(path), auc=by_rows)


def _row_count(path: Path, fmt: str) -> int | None:
    """A Parquet file's row count from its footer, for the progress bar (None: unknown, or no bar)."""
    if fmt != "parquet" or not showing():
        return None
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # the reader reports an unreadable file in its own words
        return None


def add_filter_provenance(provenance: dict[str, Any], options: FairnessOptions) -> None:
    """Record which rows were read: the `where` condition and the period, as given."""
    if options.where is not None:
        provenance["where"] = options.where
    if options.period is not None:
        start, end = parse_period(options.period)
        provenance["period"] = {"start": start.isoformat(), "end": end.isoformat(), "column": options.date_column}


def fairness_from_table(
    table: Any, options: FairnessOptions, *, provenance: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The fairness document for an in-memory pandas DataFrame or Arrow table."""
    import pyarrow as pa

    if not isinstance(table, (pa.Table, pa.RecordBatch)):
        table = pa.Table.from_pandas(table, preserve_index=False)
    check_columns(Path("<table>"), list(table.schema.names), options)
    counter = Counter(options)
    batches = _batches(table.select(list(options.columns)))
    for batch in batches:
        counter.add(batch)
    by_rows = None
    if options.auc:
        from checker.fairness.performance import auc_by_group

        by_rows = auc_by_group(iter(batches), options)
    facts = {"file": "<in-memory table>", "rows": counter.rows, "format": "table", "engine": "memory"}
    return build_document(counter, options, {**facts, **(provenance or {})}, where="<table>", auc=by_rows)


def _batches(table: pa.Table | pa.RecordBatch) -> list[pa.RecordBatch]:
    import pyarrow as pa

    return [table] if isinstance(table, pa.RecordBatch) else table.to_batches()


def build_document(
    counter: Counter,
    options: FairnessOptions,
    provenance: dict[str, Any],
    *,
    where: str,
    auc: GroupAuc | None = None,
) -> dict[str, Any]:
    """Turn the merged counts into the fairness document, checking what makes numbers meaningless;
    `auc` (from the rows, `performance.auc_by_group`) adds each group's and the overall ROC AUC."""
    if counter.rows == 0:
        raise InputError(f"{where}: no rows to compute fairness from")
    units = counter.result()
    first = units[(0,)]
    excluded = int(first.cells[:, CELLS.index("excluded")].sum())
    used = counter.rows - excluded
    if used == 0:
        raise InputError(
            f"{where}: no row has both a label in {options.y_true!r} and a prediction "
            f"({excluded} rows with a missing label, prediction or score)"
        )
    _check_features(units, options, where)
    _check_positive_labels(first.cells, options, where)
    total = first.cells.sum(axis=0, keepdims=True)
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "source": "computed",
        "sensitive_features": list(options.sensitive),
        "min_group_size": options.min_group_size,
        "rows": {"total": counter.rows, "used": used, "excluded": excluded},
        "overall": _group_entry(total[0], _rates_row(total, 0), None, options, missing=False),
        "features": {},
        "columns": _columns(options),
        "provenance": provenance,
    }
    if options.bootstrap:
        document["bootstrap"] = {
            "iterations": options.bootstrap,
            "seed": options.seed,
            "confidence": options.confidence,
            "method": "percentile; multinomial resampling of rows",
        }
    for stream, counts in enumerate(units.values()):
        name = " & ".join(counts.features)
        document["features"][name] = _feature(counts, options, stream, where)
    if auc is not None:
        add_auc(document, auc)
    return document


def _columns(options: FairnessOptions) -> dict[str, Any]:
    columns: dict[str, Any] = {"y_true": options.y_true, "y_pred": options.y_pred, "sensitive": list(options.sensitive)}
    if options.score is not None:
        columns["score"] = options.score
        if options.y_pred is None:
            columns["threshold"] = options.threshold
    if options.positive_label:
        columns["positive_label"] = list(options.positive_label)
    if options.pred_positive_label:
        columns["pred_positive_label"] = list(options.pred_positive_label)
    return columns


def _check_features(units: dict[tuple[int, ...], UnitCounts], options: FairnessOptions, where: str) -> None:
    for index, column in enumerate(options.sensitive):
        groups = units[(index,)].groups
        if all(group == (None,) for group in groups):
            raise InputError(f"{where}: sensitive column {column!r} has no values (every row is missing)")
    for feature, group in options.reference_groups:
        counts = units[(options.sensitive.index(feature),)]
        names = [counts.group_name(index) for index in range(len(counts.groups))]
        if group not in names:
            raise InputError(
                f"{where}: reference group {group!r} is not a value of {feature!r} (groups: {', '.join(names[:20])})"
            )


def _check_positive_labels(cells: np.ndarray, options: FairnessOptions, where: str) -> None:
    """Positive labels that match no row of any column they apply to are almost certainly mistyped:
    refuse, rather than report a model that never predicts on data that has no positives.

    `positive_label` applies to y_true, and to y_pred unless `pred_positive_label` is given."""
    fp, fn, tp = (int(cells[:, index].sum()) for index in range(1, 4))
    true_positives, pred_positives = tp + fn, tp + fp
    if options.positive_label:
        shares_pred = options.y_pred is not None and not options.pred_positive_label
        if true_positives == 0 and not (shares_pred and pred_positives):
            columns = f"{options.y_true!r}" + (f" or {options.y_pred!r}" if shares_pred else "")
            raise InputError(f"{where}: --positive-label {_shown(options.positive_label)} matches no row of {columns}")
    if options.pred_positive_label and options.y_pred is not None and pred_positives == 0:
        raise InputError(
            f"{where}: --pred-positive-label {_shown(options.pred_positive_label)} matches no row of {options.y_pred!r}"
        )


def _shown(labels: tuple[str, ...]) -> str:
    return ", ".join(repr(label) for label in labels)


def _rates_row(cells: np.ndarray, row: int) -> dict[str, float | None]:
    values = rates(cells[row : row + 1])
    return {name: _number(values[name][0]) for name in ENTRY_RATES}


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _group_entry(
    cells: np.ndarray,
    group_rates: dict[str, float | None],
    score_sum: float | None,
    options: FairnessOptions,
    *,
    missing: bool,
) -> dict[str, Any]:
    tn, fp, fn, tp, excluded = (int(value) for value in cells)
    count = tn + fp + fn + tp
    entry: dict[str, Any] = {
        "count": count,
        "excluded": excluded,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        **group_rates,
    }
    if options.score is not None:
        entry["mean_score"] = score_sum / count if score_sum is not None and count else None
    flags = []
    if count == 0:
        flags.append("empty")
    elif count < options.min_group_size:
        flags.append("small")
    if count and tp + fn == 0:
        flags.append("no_positives")
    if count and tn + fp == 0:
        flags.append("no_negatives")
    if count and tp + fp == 0:
        flags.append("no_predicted_positives")
    if missing:
        flags.append("missing_value")
    entry["flags"] = flags
    return entry


def _feature(counts: UnitCounts, options: FairnessOptions, stream: int, where: str) -> dict[str, Any]:
    names = [counts.group_name(index) for index in range(len(counts.groups))]
    if len(set(names)) != len(names):
        raise InputError(f"{where}: two groups of {' & '.join(counts.features)} print the same; rename one")
    group_rates = rates(counts.cells)
    reference_name = options.reference.get(counts.features[0]) if len(counts.features) == 1 else None
    reference = names.index(reference_name) if reference_name is not None else None
    groups: dict[str, Any] = {}
    for index, name in enumerate(names):
        row_rates = {rate: _number(group_rates[rate][index]) for rate in ENTRY_RATES}
        score_sum = None if counts.score_sum is None else float(counts.score_sum[index])
        entry = _group_entry(counts.cells[index], row_rates, score_sum, options, missing=None in counts.groups[index])
        if len(counts.features) > 1:
            entry["values"] = {
                feature: MISSING_GROUP if value is None else value
                for feature, value in zip(counts.features, counts.groups[index], strict=True)
            }
        groups[name] = entry
    metrics = disparities(group_rates, names, reference)
    if options.bootstrap:
        intervals = bootstrap_intervals(
            counts.cells,
            iterations=options.bootstrap,
            seed=options.seed,
            stream=stream,
            confidence=options.confidence,
            reference=reference,
        )
        for metric, interval in intervals.items():
            metrics[metric].update(interval)
    present = [name for name in names if groups[name]["count"] > 0]
    feature: dict[str, Any] = {
        "columns": list(counts.features),
        "intersection": len(counts.features) > 1,
        "reference_group": reference_name,
        "group_count": len(present),
        "small_groups": [name for name in present if groups[name]["count"] < options.min_group_size],
        "empty_groups": [name for name in names if groups[name]["count"] == 0],
        "smallest_group": min(present, key=lambda name: (groups[name]["count"], name)),
        "groups": groups,
        "metrics": metrics,
        "gaps": gaps(group_rates, names),
    }
    flags = []
    if len(present) < 2:
        flags.append("single_group")
    if feature["small_groups"]:
        flags.append("small_groups")
    if feature["empty_groups"]:
        flags.append("empty_groups")
    if any(None in group for group in counts.groups):
        flags.append("missing_values")
    feature["flags"] = flags
    return feature
