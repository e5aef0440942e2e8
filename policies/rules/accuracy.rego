# Accuracy, robustness and cybersecurity (Art 15): metrics meet their thresholds, robustness and
# adversarial testing are documented.
package comply.rules.accuracy

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

evaluation := duties.section(card, "evaluation")

metrics := duties.section(evaluation, "metrics")

thresholds := duties.section(evaluation, "thresholds")

robustness := duties.section(card, "robustness")

security := duties.section(card, "security")

ids := {"art15.accuracy_robustness_cybersecurity"}

checks contains id if some id in duties.owed(ids)

# METADATA
# title: Accuracy meets its thresholds; robustness and security are tested
# description: >-
#   High-risk systems achieve an appropriate, declared level of accuracy, are resilient to errors
#   and protected against adversarial attacks such as data or model poisoning (Art 15(1)-(5)).
# custom:
#   id: art15.accuracy_robustness_cybersecurity
#   article: Art. 15
#   severity: high
#   remediation: >-
#     Make every evaluation metric meet evaluation.thresholds (a number is a minimum; use
#     {max: x} for lower-is-better metrics), list robustness.tests and give
#     security.{threat_model, adversarial_testing_uri}.
deny contains finding if some finding in enforced_gaps

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

# A threshold is a minimum (number) or {min, max}.
below_minimum(value, threshold) if {
	is_number(value)
	is_number(threshold)
	value < threshold
}

below_minimum(value, threshold) if {
	is_number(value)
	is_number(threshold.min)
	value < threshold.min
}

above_maximum(value, threshold) if {
	is_number(value)
	is_number(threshold.max)
	value > threshold.max
}

gaps contains {"id": "art15.accuracy_robustness_cybersecurity", "msg": msg, "field": sprintf("card.evaluation.metrics.%s", [name])} if {
	some name, value in metrics
	below_minimum(value, thresholds[name])
	msg := sprintf("%s %v is below its threshold %v", [name, value, thresholds[name]])
}

gaps contains {"id": "art15.accuracy_robustness_cybersecurity", "msg": msg, "field": sprintf("card.evaluation.metrics.%s", [name])} if {
	some name, value in metrics
	above_maximum(value, thresholds[name])
	msg := sprintf("%s %v is above its maximum %v", [name, value, thresholds[name].max])
}

gaps contains {"id": "art15.accuracy_robustness_cybersecurity", "msg": msg, "field": sprintf("card.evaluation.metrics.%s", [name])} if {
	some name, _ in thresholds
	not name in object.keys(metrics)
	msg := sprintf("threshold set for %s but the metric was not evaluated", [name])
}

gaps contains {"id": "art15.accuracy_robustness_cybersecurity", "msg": "no robustness tests documented", "field": "card.robustness.tests"} if {
	not duties.non_empty_array(object.get(robustness, "tests", null))
}

gaps contains {"id": "art15.accuracy_robustness_cybersecurity", "msg": msg, "field": sprintf("card.security.%s", [key])} if {
	some key in ["threat_model", "adversarial_testing_uri"]
	not duties.has_text(object.get(security, key, null))
	msg := sprintf("security evidence has no %s", [key])
}

gaps contains {"id": "art15.accuracy_robustness_cybersecurity", "msg": msg, "field": "card.robustness.feedback_loop_controls"} if {
	card.model_details.continual_learning == true
	not duties.has_text(object.get(robustness, "feedback_loop_controls", null))
	msg := "a system that keeps learning after release documents no feedback-loop controls (Art 15(4))"
}
