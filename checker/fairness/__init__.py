"""Fairness numbers computed from a predictions file: read (readers, duck) -> count once per group
(counts, labels) -> derive rates and disparities with fairlearn's semantics (metrics, bootstrap) ->
the fairness document (compute) -> tables (render).

Nothing here is imported on the plain `comply check` path: numpy and pyarrow load only when
predictions are given. `options` and `names` import nothing heavy.
"""
