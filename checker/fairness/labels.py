"""Turn a label column (Arrow) into 0/1 values plus a validity mask, refusing what is not binary.

One function serves every engine: the in-memory and streaming readers pass whole columns, the DuckDB
engine passes the few distinct values of its GROUP BY result, so a label means the same thing however
the file was read.

Rules (documented in the README):
- Without a positive label, a column must hold 0/1, -1/1 (1 is positive) or booleans (true is
  positive); floats must be exactly 0.0/1.0. Anything else is an error that says to pass
  `--positive-label`. Text labels always need one.
- With positive labels, a value is positive when its text equals one of them; numbers compare by value
  ("1" matches 1 and 1.0), booleans as "true"/"false". Every other value is negative (one-vs-rest).
- Null (and NaN) labels are *missing*: the row is excluded from every metric and counted per group as
  `excluded`, never silently dropped.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from checker.errors import InputError
from checker.fairness.arrays import dictionary_encode, filled, is_numeric, validity, values
from checker.fairness.options import label_text

if TYPE_CHECKING:
    from numpy.typing import NDArray

Binary = tuple["NDArray[np.uint8]", "NDArray[np.bool_] | None"]
"""(values in {0, 1}, validity mask or None when every row is valid)."""


def binarize(array: pa.Array, column: str, positive: Collection[str]) -> Binary:
    """Map one label column chunk to 0/1 (`positive` empty: the column must already be binary)."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        return _binarize_dictionary(array, column, positive)
    if pa.types.is_null(kind):
        return np.zeros(len(array), np.uint8), np.zeros(len(array), np.bool_)
    if pa.types.is_boolean(kind):
        return _binarize_boolean(array, column, positive)
    if pa.types.is_decimal(kind):  # DuckDB reads some integer columns as DECIMAL
        array = array.cast(pa.float64())
        kind = array.type
    if is_numeric(kind):
        return _binarize_number(array, column, positive)
    if _is_text(kind):
        # the distinct values are few: binarize them once and look every row up by its code
        return _binarize_dictionary(dictionary_encode(array), column, positive)
    raise InputError(f"column {column!r} has type {kind}, which is not a label (expected 0/1, booleans or text)")


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind))


def _binarize_boolean(array: pa.Array, column: str, positive: Collection[str]) -> Binary:
    valid = validity(array)
    truth = filled(array, False)
    if positive:
        wanted = {text.lower() for text in positive} & {"true", "false"}
        if not wanted:
            raise InputError(
                f"column {column!r} holds booleans; --positive-label must be true or false, got "
                f"{', '.join(sorted(positive))}"
            )
        if wanted == {"false"}:
            truth = ~truth
        elif wanted == {"true", "false"}:
            truth = np.ones(len(truth), np.bool_)
    return truth.view(np.uint8), valid


def _numbers(positive: Collection[str]) -> list[float]:
    found = []
    for text in positive:
        try:
            number = float(text)
        except ValueError:
            continue
        if math.isfinite(number):
            found.append(number)
    return found


def _binarize_number(array: pa.Array, column: str, positive: Collection[str]) -> Binary:
    numbers = values(array)
    valid = validity(array)
    if numbers.dtype.kind == "f":
        not_nan = ~np.isnan(numbers)
        if not not_nan.all():
            valid = not_nan if valid is None else valid & not_nan
    if valid is not None:
        numbers = np.where(valid, numbers, numbers.dtype.type(0))
    if positive:
        wanted = _numbers(positive)
        if not wanted:
            raise InputError(
                f"column {column!r} holds numbers; --positive-label {', '.join(sorted(positive))} is not a number"
            )
        return np.isin(numbers, np.asarray(wanted)).view(np.uint8), valid
    checked = numbers if valid is None else numbers[valid]
    if checked.size == 0:
        return np.zeros(len(numbers), np.uint8), valid
    low, high = checked.min(), checked.max()
    if low >= 0 and high <= 1 and (numbers.dtype.kind != "f" or bool(np.all((checked == 0) | (checked == 1)))):
        if numbers.dtype == np.int8 or numbers.dtype == np.uint8:
            return numbers.view(np.uint8), valid
        return numbers.astype(np.uint8), valid
    if (
        low == -1
        and high <= 1
        and not bool(np.any(checked == 0))
        and (numbers.dtype.kind != "f" or bool(np.all((checked == -1) | (checked == 1))))
    ):
        return (numbers == 1).view(np.uint8), valid
    raise InputError(_not_binary(column, np.unique(checked)[:6].tolist()))


def _binarize_dictionary(array: pa.DictionaryArray, column: str, positive: Collection[str]) -> Binary:
    """Binarize the (small) dictionary once, then look every row up by its index."""
    dictionary = array.dictionary
    if _is_text(dictionary.type):
        lookup, lookup_valid = _binarize_words(dictionary, column, positive)
    else:
        lookup, lookup_valid = binarize(dictionary, column, positive)
    valid = validity(array.indices)
    codes = filled(array.indices, 0)
    if len(lookup) == 0:
        return np.zeros(len(codes), np.uint8), np.zeros(len(codes), np.bool_)
    looked_up = lookup[codes]
    if lookup_valid is not None:
        row_valid = lookup_valid[codes]
        valid = row_valid if valid is None else valid & row_valid
    return looked_up, valid


def _binarize_words(words: pa.Array, column: str, positive: Collection[str]) -> Binary:
    """Text labels (a dictionary's distinct values): positive when the text is one of `positive`."""
    texts = words.to_pylist()
    if not positive:
        raise InputError(_not_binary(column, [text for text in texts if text is not None][:6]))
    chosen = set(positive)
    lookup = np.fromiter((text in chosen for text in texts), np.bool_, len(texts)).view(np.uint8)
    present = np.fromiter((text is not None for text in texts), np.bool_, len(texts))
    return lookup, None if present.all() else present


def _not_binary(column: str, values: list[object]) -> str:
    shown = ", ".join(repr(label_text(value)) for value in sorted(values, key=label_text)[:5])
    more = ", ..." if len(values) > 5 else ""
    return (
        f"column {column!r} is not a binary 0/1 label (values {shown}{more}); "
        "name the positive class with --positive-label"
    )
