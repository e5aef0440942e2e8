"""Evaluation numbers computed from the predictions, never typed by hand.

`compute_evaluation(path, options)` gives the overall metrics (accuracy, precision, recall, FPR, and
AUC when there is a score column) and one slice per sensitive group (`sex=female`: n, accuracy,
precision, recall, FPR), from the same per-group confusion counts `comply fairness` uses.
`comply card fill` writes them into the card with the file's sha256 under `evaluation.source`;
`comply check` then recomputes them from that file (`recorded_source_evidence`) as
`input.evidence.evaluation`, and `org.evaluation.matches_evidence` fails a card whose stated numbers
differ. Formulas (zero denominators give no metric rather than a made-up 0):

    accuracy = (tp + tn) / n   precision = tp / (tp + fp)   recall = tp / (tp + fn)   fpr = fp / (fp + tn)
    auc = Mann-Whitney U / (positives * negatives), ties counted one half (equals sklearn's roc_auc_score)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError

if TYPE_CHECKING:
    from checker.evidence.loader import LoadedDocument
    from checker.fairness.options import FairnessOptions

DECIMALS = 4
"""Digits `comply card fill` writes; the default tolerance of the comparison is half the third."""

SOURCE_OPTION_KEYS = ("y_true", "y_pred", "score", "threshold", "sensitive", "positive_label", "pred_positive_label")
"""The fairness options recorded under `evaluation.source`, so the numbers can be recomputed exactly."""


def compute_evaluation(path: Path, options: FairnessOptions) -> dict[str, Any]:
    """{"metrics": {...}, "slices": {"feature=group": {...}}, "sha256": ..., "rows": ...} for `path`.

    A small, plainly written CSV file is counted in Python (`checker.fairness.small_csv`: no numpy or
    pyarrow import, which would cost a cold `comply check` several times the rest of its work); every
    other file through the Arrow path `comply fairness` uses. Both give the same numbers."""
    from checker.fairness.small_csv import count_small_csv

    small = count_small_csv(path, options)
    if small is not None:
        from checker.fairness.small_csv import area_under_roc as small_area_under_roc

        auc = None if small.scored is None else small_area_under_roc(small.scored)
        return _evaluation(small.groups, options, auc, small.sha256, small.rows)
    from checker.fairness.compute import compute_fairness

    document = compute_fairness(path, options)
    features = document["features"]
    groups: dict[str, dict[str, list[int]]] = {}
    for column in options.sensitive:
        feature = features.get(column)
        if isinstance(feature, Mapping):
            groups[column] = {
                name: [int(counts.get(key, 0)) for key in ("tn", "fp", "fn", "tp")]
                for name, counts in feature["groups"].items()
            }
    auc = area_under_roc(path, options) if options.score is not None else None
    provenance = document.get("provenance") or {}
    return _evaluation(groups, options, auc, str(provenance.get("sha256", "")), int(provenance.get("rows", 0)))


def _evaluation(
    groups: Mapping[str, Mapping[str, list[int]]], options: FairnessOptions, auc: float | None, sha256: str, rows: int
) -> dict[str, Any]:
    """The evaluation from per-group [tn, fp, fn, tp] cells: the overall metrics are the first
    feature's totals."""
    slices: dict[str, dict[str, float | int]] = {}
    overall: dict[str, int] | None = None
    for column in options.sensitive:
        feature = groups.get(column)
        if feature is None:
            continue
        totals = {"tp": 0, "fp": 0, "tn": 0, "fn": 0}
        for group, (tn, fp, fn, tp) in sorted(feature.items()):
            cells = {"tp": tp, "fp": fp, "tn": tn, "fn": fn}
            for key in totals:
                totals[key] += cells[key]
            slices[f"{column}={group}"] = {"n": sum(cells.values()), **rates(cells)}
        overall = overall or totals
    metrics: dict[str, float] = rates(overall or {"tp": 0, "fp": 0, "tn": 0, "fn": 0})
    if auc is not None:
        metrics["auc"] = auc
    return {"metrics": dict(sorted(metrics.items())), "slices": slices, "sha256": sha256, "rows": rows}


def rates(cells: Mapping[str, int]) -> dict[str, float]:
    """accuracy, precision, recall and FPR of one confusion matrix (a zero denominator: no metric)."""
    tp, fp, tn, fn = cells["tp"], cells["fp"], cells["tn"], cells["fn"]
    result: dict[str, float] = {}
    for name, numerator, denominator in (
        ("accuracy", tp + tn, tp + fp + tn + fn),
        ("precision", tp, tp + fp),
        ("recall", tp, tp + fn),
        ("fpr", fp, fp + tn),
    ):
        if denominator:
            result[name] = numerator / denominator
    return result


def area_under_roc(path: Path, options: FairnessOptions) -> float | None:
    """ROC AUC of the score against the label (rows missing either are left out), by average ranks."""
    import numpy as np
    import pyarrow as pa

    from checker.fairness.arrays import validity, values
    from checker.fairness.labels import binarize
    from checker.fairness.readers import detect_format, read_batches

    assert options.score is not None
    labels: list[Any] = []
    scores: list[Any] = []
    for batch in read_batches(path, detect_format(path, options.file_format), options, stream=False):
        truth, valid = binarize(_whole(batch.column(options.y_true)), options.y_true, options.positive_label)
        raw = _whole(batch.column(options.score))
        if not (pa.types.is_integer(raw.type) or pa.types.is_floating(raw.type)):
            raise InputError(f"{path}: score column {options.score!r} has type {raw.type}; expected numbers")
        # through the buffers: `Array.to_numpy` and `pyarrow.compute` would import pandas (see arrays)
        score = values(raw).astype(np.float64)
        keep = np.isfinite(score)
        for mask in (validity(raw), valid):
            if mask is not None:
                keep &= mask
        labels.append(truth[keep])
        scores.append(score[keep])
    y = np.concatenate(labels) if labels else np.zeros(0, np.uint8)
    s = np.concatenate(scores) if scores else np.zeros(0)
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(s, kind="mergesort")
    ordered = s[order]
    _, first, counts = np.unique(ordered, return_index=True, return_counts=True)
    ranks = np.empty(len(s))
    ranks[order] = np.repeat(first + (counts + 1) / 2.0, counts)
    rank_sum = float(ranks[y == 1].sum())
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def _whole(column: Any) -> Any:
    return column.combine_chunks() if hasattr(column, "combine_chunks") else column


def missing_source_evidence(recorded: Any) -> dict[str, Any]:
    """Evaluation evidence that says the recorded source could not be found: judged as a warning, never a pass."""
    name = str(recorded.get("file")) if isinstance(recorded, Mapping) else "the recorded source"
    sha = str(recorded.get("sha256", "")) if isinstance(recorded, Mapping) else ""
    return {"source": "computed", "metrics": {}, "provenance": {"file": name, "recorded_sha256": sha, "missing": True}}


def options_from_source(recorded: Mapping[str, Any], where: str) -> FairnessOptions:
    from checker.fairness.options import FairnessOptions

    chosen = {key: recorded[key] for key in SOURCE_OPTION_KEYS if recorded.get(key) is not None}
    return FairnessOptions.from_mapping(chosen, where=where)


def recorded_source_evidence(recorded: Any, card: LoadedDocument, card_label: str) -> dict[str, Any] | None:
    """`input.evidence.evaluation` recomputed from the file `evaluation.source` names (relative to the card),
    or None when that file is not there (a card copied on its own, or downloaded from a run)."""
    from checker.evidence.provenance import display_path

    line = card.line_of("evaluation.source") or 1
    if not isinstance(recorded, Mapping) or not isinstance(recorded.get("file"), str):
        raise InputError(
            f"{card_label}:{line}: evaluation.source: expected {{file, sha256, y_true, ...}} (comply card fill writes it)"
        )
    source_path = Path(recorded["file"])
    if not source_path.is_absolute():
        source_path = card.path.parent / source_path
    if not source_path.exists():
        return None
    options = options_from_source(recorded, f"{card_label}:{line}: evaluation.source")
    computed = compute_evaluation(source_path, options)
    return {
        "source": "computed",
        "metrics": computed["metrics"],
        "slices": {name: {k: float(v) for k, v in values.items()} for name, values in computed["slices"].items()},
        "provenance": {
            "file": display_path(source_path),
            "sha256": computed["sha256"],
            "recorded_sha256": str(recorded.get("sha256", "")),
        },
    }
