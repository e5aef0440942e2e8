"""Regenerate this example's evidence files (deterministic: same bytes every run).

- predictions.csv: 4,000 held-out loan applications with the observed outcome, the model's decision and
  score, and the two sensitive features the card names (sex, age_band);
- explanations.csv: the per-row SHAP values of the same 4,000 applications, one column per model feature
  (what `shap.TreeExplainer(model).shap_values(X)` writes out; comply computes mean |value| per feature);
- audit.jsonl: the hash-chained audit log the scoring service wrote with `checker.audit.AuditLog`
  (daily predictions, a weekly human override, the production deployment).

    python examples/credit-scoring/evidence/generate.py
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from checker.audit import AuditLog

HERE = Path(__file__).resolve().parent
START = datetime(2026, 5, 1, 8, 0, tzinfo=timezone.utc)
DAYS = 204  # through 2026-11-20


def write_predictions(path: Path, rows: int = 4000) -> None:
    rng = random.Random(20261125)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["application_id", "sex", "age_band", "defaulted", "declined", "score"])
        for index in range(rows):
            sex = rng.choice(["female", "male"])
            age_band = rng.choices(["18-29", "30-44", "45-64", "65+"], weights=[3, 4, 4, 1])[0]
            defaulted = int(rng.random() < 0.22)
            score = min(0.999, max(0.001, rng.gauss(0.68 if defaulted else 0.28, 0.15)))
            declined = int(score >= 0.5)
            writer.writerow([f"A{index:05d}", sex, age_band, defaulted, declined, f"{score:.3f}"])


FEATURE_SCALES = {
    "income_band": 0.52,
    "debt_to_income": 0.91,
    "loan_amount": 0.24,
    "term_months": 0.05,
    "employment_years": 0.16,
    "credit_history_months": 0.33,
    "missed_payments_12m": 0.74,
    "existing_loans": 0.09,
}
"""The model's features (the card's `features:`) and the spread of their attributions."""


def write_explanations(path: Path, rows: int = 4000) -> None:
    rng = random.Random(20261126)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(list(FEATURE_SCALES))
        for _ in range(rows):
            writer.writerow([f"{rng.gauss(0.0, scale):.4f}" for scale in FEATURE_SCALES.values()])


def write_audit_log(path: Path) -> None:
    path.unlink(missing_ok=True)
    now = [START]
    log = AuditLog(path, model="retail-credit-scorer", version="3.2.0", clock=lambda: now[0])
    log.deployment(from_stage="staging", to_stage="production", approved_by="Dr. Jana Novak", ticket="MRM-2026-0412")
    for day in range(DAYS + 1):
        now[0] = START + timedelta(days=day, hours=1)
        features = {"income_band": day % 5, "term_months": 36}
        log.prediction(request_id=f"r{day:04d}", inputs=features, output=0.31, decision="approve")
        if day % 7 == 3:
            now[0] += timedelta(minutes=20)
            log.override(
                request_id=f"r{day:04d}",
                original="approve",
                new="refer",
                reason="income not verified",
                operator="credit.officer.17",
            )
    log.close()


if __name__ == "__main__":
    write_predictions(HERE / "predictions.csv")
    write_explanations(HERE / "explanations.csv")
    write_audit_log(HERE / "audit.jsonl")
