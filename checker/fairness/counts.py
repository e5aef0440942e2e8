"""Per-group confusion counts: the one pass over the data that every fairness number is derived from.

Each row falls into one cell of its group: tn, fp, fn, tp (by observed and predicted label), or
`excluded` (a missing label, prediction or score). A batch is counted with a single `np.bincount`
over `group_code * 5 + cell`; batches merge by adding counts under the groups' values, so the same
`Counter` serves a whole in-memory table, a stream of Parquet/CSV batches, and the few rows of a
DuckDB `GROUP BY` (counted with weights). Counts are integers, so every engine gives identical
numbers.

Groups are the values of a sensitive column as text (`label_text`); missing values (null, NaN) form
the group `<missing>`. An *analysis unit* is one sensitive feature, or the intersection of all of
them when asked; the intersection's counts are computed once and the single features' counts are
its margins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from checker.errors import InputError
from checker.fairness.arrays import dictionary_encode, filled, is_numeric, validity, values
from checker.fairness.document import CELLS, EXCLUDED, Unit, UnitCounts
from checker.fairness.labels import binarize
from checker.fairness.options import MISSING_GROUP, FairnessOptions, label_text

if TYPE_CHECKING:
    from numpy.typing import NDArray

PRED_FROM_SCORE = "__comply_pred"
"""Pre-aggregated batches (DuckDB): `score >= threshold` as 0/1 when there is no y_pred column."""
SCORE_SUM = "__comply_score_sum"
"""Pre-aggregated batches: the sum of the finite scores of the rows an output row stands for."""
SCORE_MISSING = "__comply_score_missing"
"""Pre-aggregated batches: whether those rows' score is missing (null, NaN or infinite)."""
ROWS = "__comply_rows"
"""Pre-aggregated batches: how many rows an output row stands for."""
_MARGIN_LIMIT = 1 << 20
"""Widest intersection (in cells) whose counts also give the single features' counts as margins."""
_UNIT_LIMIT = 1 << 24
"""Most cells (groups x 5) an analysis unit may have: more groups than anyone could review."""


@dataclass
class _Encoded:
    """Per-row group codes (any integer dtype, values < len(names)) and the group each code names."""

    codes: NDArray[np.integer[Any]]
    names: list[str | None]


def encode_groups(array: pa.Array, column: str) -> _Encoded:
    """Dictionary-encode a sensitive column chunk; nulls and NaN map to one missing level."""
    if not pa.types.is_dictionary(array.type):
        if not (
            pa.types.is_string(array.type)
            or pa.types.is_large_string(array.type)
            or pa.types.is_string_view(array.type)
            or pa.types.is_integer(array.type)
            or pa.types.is_floating(array.type)
            or pa.types.is_boolean(array.type)
            or pa.types.is_null(array.type)
            or pa.types.is_temporal(array.type)
            or pa.types.is_decimal(array.type)
        ):
            raise InputError(f"column {column!r} has type {array.type}, which cannot name groups")
        if pa.types.is_null(array.type):
            return _Encoded(np.zeros(len(array), np.intp), [None])
        array = dictionary_encode(array)
    dictionary = array.dictionary.to_pylist()
    names = [_group_text(value) for value in dictionary]
    missing = len(names)
    codes = filled(array.indices, missing)
    names.append(None)
    unique = list(dict.fromkeys(names))
    if len(unique) != len(names):
        position = {name: index for index, name in enumerate(unique)}
        lookup = np.asarray([position[name] for name in names], dtype=np.intp)
        return _Encoded(lookup[codes], unique)
    return _Encoded(codes, names)


def _group_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return label_text(value)


class Counter:
    """Accumulates per-group confusion counts over batches of a predictions table."""

    def __init__(self, options: FairnessOptions) -> None:
        self.options = options
        features = len(options.sensitive)
        self.units: list[Unit] = [(index,) for index in range(features)]
        if options.intersections and features > 1:
            self.units.append(tuple(range(features)))
        self.levels: list[dict[str | None, int]] = [{} for _ in range(features)]
        self.cells: dict[Unit, NDArray[np.int64]] = {}
        self.score_sums: dict[Unit, NDArray[np.float64]] = {}
        self.rows = 0

    # -- one batch -------------------------------------------------------------------------------
    def add(self, batch: pa.RecordBatch | pa.Table, *, weights: str | None = None) -> None:
        """Count one batch. With `weights` (the name of a row-count column), each row stands for that
        many rows: a GROUP BY result whose SCORE_SUM/SCORE_MISSING/PRED_FROM_SCORE columns carry
        the pre-aggregated score."""
        if batch.num_rows == 0:
            return
        options = self.options
        encoded = [encode_groups(_column(batch, name), name) for name in options.sensitive]
        for index, found in enumerate(encoded):
            self._check_groups(index, found.names)
        cell, score = self._cells_and_score(batch, weights)
        row_weights = None
        if weights is not None:
            row_weights = filled(_column(batch, weights), 0).astype(np.float64)
            self.rows += round(float(row_weights.sum()))
        else:
            self.rows += batch.num_rows
        local = self._count_units(encoded, cell, score, row_weights)
        for unit, (cells, score_sum) in local.items():
            self._merge(unit, [encoded[index].names for index in unit], cells, score_sum)

    def _cells_and_score(
        self, batch: pa.RecordBatch | pa.Table, weights: str | None
    ) -> tuple[NDArray[np.uint8], NDArray[np.float64] | None]:
        options = self.options
        y_true, valid = binarize(_column(batch, options.y_true), options.y_true, options.positive_label)
        score = None
        score_valid = None
        if options.score is not None:
            if weights is not None:
                score = np.nan_to_num(filled(_column(batch, SCORE_SUM), 0.0).astype(np.float64), nan=0.0)
                score_valid = ~filled(_column(batch, SCORE_MISSING), False).astype(np.bool_)
            else:
                score, score_valid = _scores(_column(batch, options.score), options.score)
        if options.y_pred is not None:
            pred_positive = options.pred_positive_label or options.positive_label
            y_pred, pred_valid = binarize(_column(batch, options.y_pred), options.y_pred, pred_positive)
        elif weights is not None:
            # the GROUP BY already applied the threshold (see duck.py)
            y_pred = filled(_column(batch, PRED_FROM_SCORE), 0).astype(np.uint8)
            pred_valid = None
        else:
            assert score is not None
            y_pred = (score >= options.threshold).view(np.uint8)
            pred_valid = None
        mask = _and(_and(valid, pred_valid), score_valid)
        cell = y_true * np.uint8(2)
        cell += y_pred
        if mask is not None:
            cell[~mask] = EXCLUDED
            if score is not None:
                score = np.where(mask, score, 0.0)
        return cell, score

    def _count_units(
        self,
        encoded: Sequence[_Encoded],
        cell: NDArray[np.uint8],
        score: NDArray[np.float64] | None,
        weights: NDArray[np.float64] | None,
    ) -> dict[Unit, tuple[NDArray[np.int64], NDArray[np.float64] | None]]:
        """Count every unit of this batch; the widest unit first, the single features as its margins
        when it is small enough to hold densely."""
        result: dict[Unit, tuple[NDArray[np.int64], NDArray[np.float64] | None]] = {}
        widest = max(self.units, key=len)
        dims = [len(encoded[index].names) for index in widest]
        if len(widest) > 1 and math.prod(dims) * len(CELLS) <= _MARGIN_LIMIT:
            cells, score_sum = _dense_counts([encoded[index].codes for index in widest], dims, cell, score, weights)
            result[widest] = (cells, score_sum)
            for unit in self.units:
                if unit == widest:
                    continue
                axes = tuple(axis for axis, index in enumerate(widest) if index not in unit)
                result[unit] = (
                    cells.sum(axis=axes),
                    None if score_sum is None else score_sum.sum(axis=axes),
                )
            return result
        for unit in self.units:
            unit_dims = [len(encoded[index].names) for index in unit]
            self._check_size(unit, unit_dims)
            result[unit] = _dense_counts([encoded[index].codes for index in unit], unit_dims, cell, score, weights)
        return result

    def _check_groups(self, index: int, names: Sequence[str | None]) -> None:
        """Stop before counting when a sensitive column has more values than `max_groups` (the values
        seen so far, this batch's included: a streamed file stops at the first batch that crosses it)."""
        cap = self.options.max_groups
        levels = self.levels[index]
        seen = len(levels) + sum(1 for name in names if name not in levels)
        if None in levels or None in names:  # the `<missing>` group is not a value
            seen -= 1
        if seen > cap:
            raise InputError(_too_many(self.options.sensitive[index], seen, cap))

    def _check_size(self, unit: Unit, dims: Sequence[int]) -> None:
        if math.prod(dims) * len(CELLS) > _UNIT_LIMIT:
            columns = " x ".join(self.options.sensitive[index] for index in unit)
            raise InputError(
                f"{columns}: {math.prod(dims)} groups are too many to analyse "
                f"(at most {_UNIT_LIMIT // len(CELLS)}); is this really a sensitive feature?"
            )

    # -- merging ---------------------------------------------------------------------------------
    def _merge(
        self,
        unit: Unit,
        names: Sequence[Sequence[str | None]],
        cells: NDArray[np.int64],
        score_sum: NDArray[np.float64] | None,
    ) -> None:
        maps = []
        for index, local_names in zip(unit, names, strict=True):
            levels = self.levels[index]
            for name in local_names:
                levels.setdefault(name, len(levels))
            maps.append(np.asarray([levels[name] for name in local_names], dtype=np.intp))
        shape = tuple(len(self.levels[index]) for index in unit)
        self._check_size(unit, shape)
        total = _grown(self.cells.get(unit), (*shape, len(CELLS)), np.int64)
        where: tuple[Any, ...] = (*np.ix_(*maps), slice(None))
        np.add.at(total, where, cells)
        self.cells[unit] = total
        if score_sum is not None:
            sums = _grown(self.score_sums.get(unit), shape, np.float64)
            np.add.at(sums, np.ix_(*maps), score_sum)
            self.score_sums[unit] = sums

    # -- the result ------------------------------------------------------------------------------
    def result(self) -> dict[Unit, UnitCounts]:
        """Each unit's counts with groups sorted by name (missing last), zero-row groups dropped."""
        for index, levels in enumerate(self.levels):
            if MISSING_GROUP in levels:
                raise InputError(
                    f"column {self.options.sensitive[index]!r} has a group literally named {MISSING_GROUP!r}, "
                    "which comply uses for missing values; rename it"
                )
        orders = [sorted(levels, key=lambda name: (name is None, name or "")) for levels in self.levels]
        results: dict[Unit, UnitCounts] = {}
        for unit in self.units:
            features = tuple(self.options.sensitive[index] for index in unit)
            shape = tuple(len(self.levels[index]) for index in unit)
            cells = _grown(self.cells.get(unit), (*shape, len(CELLS)), np.int64)
            sums = self.score_sums.get(unit)
            positions = [
                np.asarray([self.levels[index][name] for name in orders[index]], dtype=np.intp) for index in unit
            ]
            ordered = cells[np.ix_(*positions)].reshape(-1, len(CELLS)) if positions else cells
            ordered_sums = None
            if self.options.score is not None:
                sums = _grown(sums, shape, np.float64)
                ordered_sums = sums[np.ix_(*positions)].reshape(-1)
            groups = _product([orders[index] for index in unit])
            seen = ordered.sum(axis=1) > 0
            present = int(seen.sum())
            if present > self.options.max_groups:
                raise InputError(_too_many(" & ".join(features), present, self.options.max_groups))
            results[unit] = UnitCounts(
                features=features,
                groups=[group for group, keep in zip(groups, seen, strict=True) if keep],
                cells=ordered[seen].tolist(),
                score_sum=None if ordered_sums is None else ordered_sums[seen].tolist(),
            )
        return results


def check_row_counts(column: pa.Array | pa.ChunkedArray, name: str) -> None:
    """The count column of a counts table: whole numbers, none missing, none negative (a count that is
    not one would make every rate a number that means nothing)."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    for chunk in chunks:
        if not is_numeric(chunk.type):
            raise InputError(f"count column {name!r} has type {chunk.type}; expected whole numbers of rows")
        if chunk.null_count:
            raise InputError(f"count column {name!r} has a missing value: every row of a counts table needs its n")
        counts = values(chunk)
        if counts.dtype.kind == "f" and not bool(np.all(np.isfinite(counts) & (counts == np.floor(counts)))):
            bad = counts[~(np.isfinite(counts) & (counts == np.floor(counts)))][0]
            raise InputError(f"count column {name!r} holds {bad!r}, which is not a whole number of rows")
        if counts.dtype.kind in "if" and counts.size and counts.min() < 0:
            raise InputError(f"count column {name!r} holds {counts.min()!r}: a number of rows cannot be negative")


def _too_many(column: str, count: int, cap: int) -> str:
    return (
        f"sensitive column {column!r} has at least {count} distinct values, more than the cap of {cap} "
        "groups: is it really a sensitive feature? (raise the cap with --max-groups or fairness.max_groups)"
    )


def _column(batch: pa.RecordBatch | pa.Table, name: str) -> pa.Array:
    column = batch.column(name)
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return column


def _scores(array: pa.Array, column: str) -> tuple[NDArray[np.float64], NDArray[np.bool_] | None]:
    if pa.types.is_decimal(array.type):
        array = array.cast(pa.float64())
    if not is_numeric(array.type):
        raise InputError(f"score column {column!r} has type {array.type}; expected numbers")
    scores = values(array).astype(np.float64)
    finite = np.isfinite(scores)
    present = validity(array)
    if present is not None:
        finite &= present
    if finite.all():
        return scores, None
    return np.where(finite, scores, 0.0), finite


def _and(left: NDArray[np.bool_] | None, right: NDArray[np.bool_] | None) -> NDArray[np.bool_] | None:
    if left is None:
        return right
    if right is None:
        return left
    return left & right


def _key_dtype(cells: int) -> type[np.unsignedinteger[Any]] | type[np.intp]:
    """The narrowest dtype that holds every cell index: most of the counting pass is moving bytes, so a
    one-byte key (up to 51 groups) is several times faster to build than an eight-byte one."""
    if cells <= 1 << 8:
        return np.uint8
    if cells <= 1 << 16:
        return np.uint16
    return np.intp


def _group_key(codes: Sequence[NDArray[np.integer[Any]]], dims: Sequence[int], dtype: type) -> NDArray[Any]:
    """Mixed-radix group index of every row, in `dtype`."""
    key: NDArray[Any] = codes[0].astype(dtype)
    for code, dim in zip(codes[1:], dims[1:], strict=True):
        key *= dtype(dim)
        key += code.astype(dtype, copy=False)
    return key


def _dense_counts(
    codes: Sequence[NDArray[np.integer[Any]]],
    dims: Sequence[int],
    cell: NDArray[np.uint8],
    score: NDArray[np.float64] | None,
    weights: NDArray[np.float64] | None,
) -> tuple[NDArray[np.int64], NDArray[np.float64] | None]:
    """One bincount over group * 5 + cell."""
    groups = math.prod(dims)
    dtype = _key_dtype(groups * len(CELLS))
    key = _group_key(codes, dims, dtype)
    score_sum: NDArray[np.float64] | None = None
    if score is not None:
        score_sum = np.bincount(key, weights=score, minlength=groups).astype(np.float64).reshape(dims)
    key *= dtype(len(CELLS))
    key += cell
    counted = np.bincount(key, weights=weights, minlength=groups * len(CELLS))
    if weights is not None:
        counted = np.rint(counted)
    return counted.astype(np.int64, copy=False).reshape(*dims, len(CELLS)), score_sum


def _grown(array: NDArray[Any] | None, shape: tuple[int, ...], dtype: type) -> NDArray[Any]:
    if array is None:
        return np.zeros(shape, dtype)
    if array.shape == shape:
        return array
    pads = [(0, want - have) for have, want in zip(array.shape, shape, strict=True)]
    return np.pad(array, pads)


def _product(levels: Sequence[Sequence[str | None]]) -> list[tuple[str | None, ...]]:
    groups: list[tuple[str | None, ...]] = [()]
    for level_values in levels:
        groups = [(*group, value) for group in groups for value in level_values]
    return groups
