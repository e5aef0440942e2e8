"""The names of the fairness metrics, kept free of numpy so the report can import them on the check path."""

from __future__ import annotations

RATES = ("base_rate", "selection_rate", "tpr", "fpr", "fnr", "tnr", "precision", "accuracy", "f1")
"""The per-group rates, in report order."""

PERFORMANCE = ("accuracy", "precision", "recall", "f1", "fpr", "fnr", "roc_auc")
"""The per-group performance the checklists ask for, under their usual names (`recall` is `tpr`); all
but `roc_auc` come from the confusion counts, `roc_auc` from the rows' scores (`--auc`)."""

DISPARITIES = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "disparate_impact_ratio",
)
"""The disparity metrics of a feature; `*_difference` are better small, `*_ratio` better near 1."""
