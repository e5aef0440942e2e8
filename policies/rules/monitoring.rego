# Monitoring that is actually on, comply's own rules (org.*) for the providers and deployers of high-risk
# systems: a monitoring section that says what is watched (drift with a metric and a threshold, the
# fairness metrics), who is alerted and how often it is reviewed; and, from the audit log comply verified,
# the human-override rate (override events / predictions in each calendar month,
# input.evidence.audit_events.periods, computed by checker/evidence/audit_events.py for the card's model)
# inside the band the card declares. They feed the provider's post-market monitoring (Art. 72) and the
# deployer's monitoring (Art. 26(5)); neither is that duty itself.
package comply.rules.monitoring

import data.comply.lib.duties
import rego.v1

enforced_gaps := duties.enforced(gaps)

card := duties.card

monitoring := duties.section(card, "monitoring")

drift := duties.section(monitoring, "drift")

band := duties.section(monitoring, "override_rate")

events := input.evidence.audit_events if is_object(input.evidence.audit_events) else := {}

periods := events.periods if is_array(events.periods) else := []

ids := {"org.monitoring.plan", "org.monitoring.override_rate"}

checks contains "org.monitoring.plan" if duties.applies("org.monitoring.plan")

checks contains "org.monitoring.override_rate" if {
	duties.applies("org.monitoring.override_rate")
	count(events) > 0
}

deny contains finding if some finding in enforced_gaps

warn contains finding if some finding in duties.deferred(gaps)

# METADATA
# title: Monitoring watches drift and fairness, alerts someone, and is reviewed
# description: >-
#   Organisation rule for high-risk systems (supports Arts. 72(1)-(2), 26(5)): monitoring.drift names a
#   metric and a numeric threshold, monitoring.fairness_metrics the fairness metrics tracked in
#   production, monitoring.alerting the target alerts go to, and monitoring.review_cadence how often a
#   person reviews them.
# custom:
#   id: org.monitoring.plan
#   article: Organisation policy (supports Arts. 72(1)-(2), 26(5))
#   severity: medium
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.4, MANAGE 4.1]
#   remediation: >-
#     Add monitoring: {drift: {metric: psi, threshold: 0.2}, fairness_metrics: [demographic_parity_difference],
#     alerting: <pager or channel>, review_cadence: monthly}.
gaps contains {"id": "org.monitoring.plan", "msg": "organisation rule: monitoring.drift names no metric", "field": "card.monitoring.drift.metric"} if {
	not duties.has_text(object.get(drift, "metric", null))
}

gaps contains {"id": "org.monitoring.plan", "msg": "organisation rule: monitoring.drift has no numeric threshold", "field": "card.monitoring.drift.threshold"} if {
	not is_number(object.get(drift, "threshold", null))
}

gaps contains {"id": "org.monitoring.plan", "msg": "organisation rule: monitoring.fairness_metrics lists no fairness metric tracked in production", "field": "card.monitoring.fairness_metrics"} if {
	not duties.non_empty_array(object.get(monitoring, "fairness_metrics", null))
}

gaps contains {"id": "org.monitoring.plan", "msg": msg, "field": sprintf("card.monitoring.%s", [key])} if {
	some key in ["alerting", "review_cadence"]
	not duties.has_text(object.get(monitoring, key, null))
	msg := sprintf("organisation rule: monitoring has no %s", [key])
}

shown(value) := sprintf("%v", [round(value * 10000) / 10000])

declares_band if {
	is_number(band.min)
	is_number(band.max)
}

# METADATA
# title: Human-override rate within the declared band
# description: >-
#   Organisation rule for high-risk systems with an audit log (supports Arts. 14(4)(d), 26(5), 72(2)):
#   in every calendar month of the verified log, the rate of override events to predictions lies within
#   the band the card declares (monitoring.override_rate.{min, max}). Too few overrides suggests
#   automation bias, too many a model the operators do not trust.
# custom:
#   id: org.monitoring.override_rate
#   article: Organisation policy (supports Arts. 14(4)(d), 26(5), 72(2))
#   severity: medium
#   frameworks:
#     nist-ai-rmf: [MANAGE 4.1, MEASURE 2.4]
#   remediation: >-
#     Declare monitoring.override_rate.{min, max}; when the rate leaves the band, review the oversight
#     (training, thresholds) or the model before the next release.
gaps contains {"id": "org.monitoring.override_rate", "msg": msg, "field": "card.monitoring.override_rate"} if {
	count(events) > 0
	not declares_band
	msg := "organisation rule: the audit log is given but monitoring.override_rate declares no band {min, max} to judge the override rate by"
}

gaps contains {"id": "org.monitoring.override_rate", "msg": msg, "field": "evidence.audit_events.periods"} if {
	count(events) > 0
	declares_band
	count(periods) == 0
	msg := sprintf("organisation rule: %s records no prediction or override event for %s, so the override rate cannot be measured", [events.file, model_shown])
}

model_shown := sprintf("model %s", [events.model]) if is_string(events.model) else := "the model"

outside_band(period) if period.rate < band.min

outside_band(period) if period.rate > band.max

gaps contains {"id": "org.monitoring.override_rate", "msg": msg, "field": "card.monitoring.override_rate"} if {
	declares_band
	some period in periods
	outside_band(period)
	msg := sprintf("organisation rule: override rate %s in %s (%d overrides / %d predictions in %s) is outside the declared band [%v, %v]", [shown(period.rate), period.period, period.overrides, period.predictions, events.file, band.min, band.max])
}
