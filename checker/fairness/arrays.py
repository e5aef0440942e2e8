"""Arrow arrays as numpy arrays, read straight from their buffers.

pyarrow imports pandas (a quarter to half a second) the first time it converts an array to numpy
(`Array.to_numpy`), builds an array or scalar from Python values (`pa.array`, `pa.scalar`, and the
compute functions that wrap a Python value in one), or imports `pyarrow.dataset`. The counting pass
needs none of that: the values of a fixed-width column are its data buffer, and its nulls its validity
bitmap, so `np.frombuffer` gives the same numbers without the import. The one compute kernel the
counting pass needs, dictionary encoding, is called through `pyarrow._compute` (15 ms to import)
rather than `pyarrow.compute` (which builds a Python wrapper for every kernel: 140 ms). Everything in
`checker/fairness` that turns Arrow into numpy goes through here, and a test asserts that
`comply fairness` never imports pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    from numpy.typing import NDArray

_NUMPY_TYPES = {
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "uint8": np.uint8,
    "uint16": np.uint16,
    "uint32": np.uint32,
    "uint64": np.uint64,
    "halffloat": np.float16,
    "float": np.float32,
    "double": np.float64,
}
"""Arrow's fixed-width numeric types (by `str(type)`) and the numpy dtype of their data buffer."""


def is_numeric(kind: pa.DataType) -> bool:
    """Integer or floating point: a type whose data buffer numpy can read as is."""
    return str(kind) in _NUMPY_TYPES


def _bits(buffer: pa.Buffer, offset: int, length: int) -> NDArray[np.bool_]:
    """A little-endian bitmap (validity or boolean values) as one bool per slot."""
    packed = np.frombuffer(buffer, np.uint8)
    start, stop = offset // 8, (offset + length + 7) // 8
    bits = np.unpackbits(packed[start:stop], bitorder="little")
    skip = offset - start * 8
    return bits[skip : skip + length].view(np.bool_)


def validity(array: pa.Array) -> NDArray[np.bool_] | None:
    """True where the slot holds a value; None when no slot is null (the common case, at no cost)."""
    if array.null_count == 0:
        return None
    if array.null_count == len(array):
        return np.zeros(len(array), np.bool_)
    return _bits(array.buffers()[0], array.offset, len(array))


def values(array: pa.Array) -> NDArray[Any]:
    """The values of a numeric, boolean or dictionary-index array (a read-only view where it can be;
    the slots of nulls hold arbitrary values: mask them with `validity`)."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        return values(array.indices)
    if pa.types.is_boolean(kind):
        return _bits(array.buffers()[1], array.offset, len(array))
    if pa.types.is_null(kind):
        return np.zeros(len(array), np.uint8)
    dtype = _NUMPY_TYPES.get(str(kind))
    if dtype is None:
        raise TypeError(f"no numpy view of Arrow type {kind}")
    data = array.buffers()[1]
    if data is None:  # an empty array may have no data buffer
        return np.zeros(len(array), dtype)
    return np.frombuffer(data, dtype)[array.offset : array.offset + len(array)]


def dictionary_encode(array: pa.Array) -> pa.DictionaryArray:
    """The array as dictionary indices into its distinct values (nulls stay null)."""
    from pyarrow._compute import call_function

    encoded: pa.DictionaryArray = call_function("dictionary_encode", [array])
    return encoded


def filled(array: pa.Array, fill: Any) -> NDArray[Any]:
    """`values` with every null slot set to `fill` (a copy only when there are nulls)."""
    result = values(array)
    mask = validity(array)
    if mask is None:
        return result
    result = result.copy()
    result[~mask] = fill
    return result
