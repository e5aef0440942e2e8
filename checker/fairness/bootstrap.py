"""Bootstrap confidence intervals for the disparity metrics, from counts alone.

Resampling n rows with replacement (fairlearn's `MetricFrame(n_boot=...)` bootstrap) only matters
through how many resampled rows land in each (group, confusion cell): that vector is exactly
Multinomial(n, cell counts / n). comply draws it directly, so a replicate costs O(groups), not O(rows),
and 1,000 replicates of 10^8 rows take milliseconds. As in fairlearn, group sizes vary between
replicates and a group that draws no rows is absent from that replicate.

The interval is the percentile interval at `confidence` (e.g. 2.5% and 97.5% quantiles); replicates
where a metric is undefined (a 0/0 ratio) are left out of its quantiles and counted in
`undefined_fraction`. Draws come from numpy's PCG64 seeded with (seed, unit index) over cells in the
canonical (sorted) group order, so the same data and seed give the same intervals whatever engine read
the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from checker.fairness.metrics import metric_values

if TYPE_CHECKING:
    from numpy.typing import NDArray


def bootstrap_intervals(
    cells: NDArray[np.int64] | list[list[int]],
    *,
    iterations: int,
    seed: int,
    stream: int,
    confidence: float,
    reference: int | None = None,
) -> dict[str, dict[str, Any]]:
    """Percentile intervals of every disparity metric of one feature.

    `cells` is the (groups, >=4) array (or rows) of (tn, fp, fn, tp, ...) counts; `stream` separates the
    random streams of the features of one run.
    """
    confusion = np.asarray(cells, dtype=np.int64)[:, :4]
    groups = confusion.shape[0]
    total = int(confusion.sum())
    rng = np.random.default_rng([seed, stream])
    draws = rng.multinomial(total, confusion.reshape(-1) / total, size=iterations).reshape(iterations, groups, 4)
    samples: dict[str, list[float]] = {}
    for replicate in draws:
        for name, value in metric_values(replicate, reference).items():
            samples.setdefault(name, []).append(value)
    low_q, high_q = (1.0 - confidence) / 2.0, (1.0 + confidence) / 2.0
    result: dict[str, dict[str, Any]] = {}
    for name, values in samples.items():
        array = np.asarray(values, dtype=np.float64)
        defined = array[~np.isnan(array)]
        entry: dict[str, Any] = {"undefined_fraction": 1.0 - defined.size / iterations}
        if defined.size:
            low, high = np.quantile(defined, [low_q, high_q])
            entry["ci"] = [float(low), float(high)]
            entry["se"] = float(np.std(defined, ddof=1)) if defined.size > 1 else 0.0
        else:
            entry["ci"] = None
            entry["se"] = None
        result[name] = entry
    return result
