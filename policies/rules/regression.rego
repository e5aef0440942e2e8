# No regression against the model in production: the candidate's metrics and fairness numbers, compared
# with the baseline's (input.evidence.baseline, see checker/evidence/baseline.py: a previous comply JSON
# report or a metrics file). A metric may drop, and a fairness gap widen, by at most its margin: the
# margin comply.yaml `regression.margins` names for it, else data.comply.thresholds.regression_metric_margin
# (fairness: regression.fairness_margins, else regression_fairness_margin). Which way is better is data
# (data.comply.regression.lower_is_better; everything else: higher is better).
#
# The candidate's numbers are its evaluation evidence (recomputed or logged) where there is some, else
# what its card states; its fairness numbers are input.evidence.fairness. Comply's own rules (org.*).
package comply.rules.regression

import data.comply.lib.duties
import rego.v1

evidence := object.get(input, "evidence", {})

baseline := object.get(evidence, "baseline", {})

has_baseline if count(baseline) > 0

stated := object.get(duties.section(duties.card, "evaluation"), "metrics", {})

measured := object.get(object.get(evidence, "evaluation", {}), "metrics", {})

current(name) := measured[name] if is_number(measured[name])

current(name) := stated[name] if {
	not is_number(object.get(measured, name, null))
	is_number(stated[name])
}

current_field(name) := sprintf("card.evaluation.metrics.%s", [name])

lower_is_better(name) if name in data.comply.regression.lower_is_better

# How much worse the candidate is (positive: worse), whichever way is better.
worsening(name, base, now) := base - now if not lower_is_better(name)

worsening(name, base, now) := now - base if lower_is_better(name)

margin(name) := m if {
	m := object.get(object.get(baseline, "margins", {}), name, null)
	is_number(m)
} else := data.comply.thresholds.regression_metric_margin

fairness_margin(name) := m if {
	m := object.get(object.get(baseline, "fairness_margins", {}), name, null)
	is_number(m)
} else := data.comply.thresholds.regression_fairness_margin

shown(value) := sprintf("%v", [round(value * 10000) / 10000])

signed(delta) := sprintf("+%s", [shown(delta)]) if delta >= 0 else := shown(delta)

against := sprintf("%s (version %s)", [baseline.file, baseline.model_version]) if {
	is_string(baseline.model_version)
} else := baseline.file

checks contains "org.regression.metrics" if {
	has_baseline
	some name, _ in baseline.metrics
	current(name)
}

# METADATA
# title: No metric worse than in production
# description: >-
#   Organisation rule (supports Art. 15(1), (3)): every metric the candidate and the baseline (the
#   production model's comply report or metrics file) both have is no worse than the baseline's by
#   more than its margin. The finding shows both values and the difference.
# custom:
#   id: org.regression.metrics
#   article: Organisation policy (supports Art. 15(1), (3))
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.3]
#   remediation: >-
#     Improve the candidate until it matches production, or set a margin for the metric under
#     comply.yaml regression.margins with the reason in the change ticket.
deny contains finding if {
	has_baseline
	some name, base in baseline.metrics
	now := current(name)
	worsening(name, base, now) > margin(name)
	msg := sprintf("organisation rule: %s %s against %s in %s: %s, more than the margin %v allows", [name, shown(now), shown(base), against, signed(now - base), margin(name)])
	finding := {"id": "org.regression.metrics", "msg": msg, "field": current_field(name)}
}

candidate_fairness := object.get(object.get(evidence, "fairness", {}), "features", {})

fairness_value(feature, metric) := candidate_fairness[feature].metrics[metric].value if {
	is_number(candidate_fairness[feature].metrics[metric].value)
}

# Differences are gaps (lower is better); ratios are closer to parity the higher they are.
gap_metric(metric) if endswith(metric, "_difference")

widening(metric, base, now) := now - base if gap_metric(metric)

widening(metric, base, now) := base - now if not gap_metric(metric)

checks contains "org.regression.fairness" if {
	has_baseline
	some feature, values in baseline.fairness
	some metric, _ in values
	fairness_value(feature, metric)
}

# METADATA
# title: No fairness gap wider than in production
# description: >-
#   Organisation rule (supports Art. 10(2)(f)-(g)): for every sensitive feature and fairness metric the
#   candidate and the baseline both have, the gap does not widen (a difference grow, a ratio fall) by
#   more than its margin. The finding shows both values and the difference.
# custom:
#   id: org.regression.fairness
#   article: Organisation policy (supports Art. 10(2)(f)-(g))
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.11]
#   remediation: >-
#     Mitigate the new gap (reweighing, thresholds per group, more representative data) before release,
#     or set a margin under comply.yaml regression.fairness_margins with the reason in the change ticket.
deny contains finding if {
	has_baseline
	some feature, values in baseline.fairness
	some metric, base in values
	now := fairness_value(feature, metric)
	widening(metric, base, now) > fairness_margin(metric)
	msg := sprintf("organisation rule: %s %s %s against %s in %s: %s, wider than the margin %v allows", [feature, metric, shown(now), shown(base), against, signed(now - base), fairness_margin(metric)])
	finding := {"id": "org.regression.fairness", "msg": msg, "field": sprintf("evidence.fairness.features.%s.metrics.%s", [feature, metric])}
}
