"""The one GROUP BY every SQL engine runs: per (groups, raw label, raw prediction), how many rows.

DuckDB and Spark SQL run the same statement, written once here; a `Dialect` holds the two things
they spell differently (identifier quoting, "not a finite number"). Labels come back raw and are
binarized by the same Python code as every other engine (`labels.binarize`, through the weighted
`Counter.add`), so a label means the same thing whichever engine counted it. With a score column, the
statement also sums the finite scores and, without a prediction column, applies the threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from checker.fairness.counts import PRED_FROM_SCORE, ROWS, SCORE_MISSING, SCORE_SUM
from checker.fairness.options import FairnessOptions


class Dialect(NamedTuple):
    """How one engine quotes an identifier and says that a DOUBLE expression is NaN or infinite."""

    quote: Callable[[str], str]
    not_finite: Callable[[str], str]


def grouped_sql(source: str, options: FairnessOptions, dialect: Dialect) -> str:
    """`SELECT keys..., [score sum], count(*) FROM source GROUP BY keys` for the Counter to count with
    weights (`source` is a table name or a table function)."""
    quote = dialect.quote
    keys = [quote(name) for name in options.sensitive] + [quote(options.y_true)]
    selects = list(keys)
    if options.y_pred is not None:
        selects.append(quote(options.y_pred))
        keys.append(quote(options.y_pred))
    if options.score is not None:
        score = f"CAST({quote(options.score)} AS DOUBLE)"
        missing = f"({score} IS NULL OR {dialect.not_finite(score)})"
        selects.append(f"{missing} AS {quote(SCORE_MISSING)}")
        keys.append(missing)
        selects.append(f"sum(CASE WHEN {missing} THEN 0 ELSE {score} END) AS {quote(SCORE_SUM)}")
        if options.y_pred is None:
            decided = f"CAST(coalesce({score} >= {float(options.threshold)!r} AND NOT {missing}, false) AS TINYINT)"
            selects.append(f"{decided} AS {quote(PRED_FROM_SCORE)}")
            keys.append(decided)
    selects.append(f"count(*) AS {quote(ROWS)}")
    return f"SELECT {', '.join(selects)} FROM {source} GROUP BY {', '.join(keys)}"
