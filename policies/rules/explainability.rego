# Explainability, from the attributions comply computed itself (input.evidence.explanations, see
# checker/evidence/explanations.py: mean |SHAP value| per feature, never read from a pickled model):
# the top features the card documents are the top features the file gives; a sensitive feature does
# not drive the model; and a high-risk system explains each decision it contributes to.
#
# These are comply's own rules (org.*). They support the AI Act (Art 13(3)(b)(iv) and (vii): the
# information deployers need to interpret the output; Art 86: the affected person's right to an
# explanation, owed by deployers) and the GDPR (Art 22(3)), but none of them is that duty itself.
package comply.rules.explainability

import data.comply.lib.duties
import rego.v1

card := duties.card

explainability := duties.section(card, "explainability")

explanations := object.get(object.get(input, "evidence", {}), "explanations", {})

has_explanations if count(explanations) > 0

importance := object.get(explanations, "importance", {})

declared := object.get(explainability, "top_features", [])

declares_top if duties.non_empty_array(declared)

source := object.get(explanations, "file", "the explanations")

# How many top features the card should document when it declares none: data, at most all of them.
default_k := min([data.comply.thresholds.explainability_top_k, count(importance)])

k := count({name | some name in declared}) if declares_top else := default_k

# The k-th largest importance: a feature at least this important may stand in the top k (ties), one
# more important must.
cutoff := sort([value | some value in importance])[count(importance) - k] if {
	k > 0
	k <= count(importance)
}

top_k := [name | some i, name in explanations.ranking; i < k]

# Four decimals, printed the same by both engines (their %g differ).
shown(value) := sprintf("%v", [round(value * 10000) / 10000])

listing(names) := concat(", ", [sprintf("%s (%s)", [name, shown(importance[name])]) | some name in names])

checks contains "org.explainability.top_features" if has_explanations

checks contains "org.explainability.top_features" if declares_top

# METADATA
# title: Documented top features are the computed top features
# description: >-
#   Organisation rule (supports Art. 13(3)(b)(iv), (vii)): the card's explainability.top_features are
#   the k most important features of the attribution file comply read (mean |value| per feature), in
#   any order, a feature tied with the k-th being as good as it; the file's sha256 is in the report.
# custom:
#   id: org.explainability.top_features
#   article: Organisation policy (supports Art. 13(3)(b)(iv), (vii))
#   severity: medium
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.9]
#   remediation: >-
#     Set explainability.top_features to the features `comply check --explanations FILE` reports as the
#     top ones (and keep the file beside the card in comply.yaml evidence.explanations).
deny contains finding if {
	has_explanations
	not declares_top
	msg := sprintf("organisation rule: the card documents no explainability.top_features; %s gives the top %d: %s", [source, k, listing(top_k)])
	finding := {"id": "org.explainability.top_features", "msg": msg, "field": "card.explainability.top_features"}
}

deny contains finding if {
	has_explanations
	some i, name in declared
	not is_number(object.get(importance, name, null))
	msg := sprintf("organisation rule: top feature %v has no attributions in %s", [name, source])
	finding := {"id": "org.explainability.top_features", "msg": msg, "field": sprintf("card.explainability.top_features.%d", [i])}
}

deny contains finding if {
	has_explanations
	some i, name in declared
	importance[name] < cutoff
	msg := sprintf("organisation rule: %s (mean |attribution| %s) is not among the top %d of %s: %s", [name, shown(importance[name]), k, source, listing(top_k)])
	finding := {"id": "org.explainability.top_features", "msg": msg, "field": sprintf("card.explainability.top_features.%d", [i])}
}

deny contains finding if {
	has_explanations
	declares_top
	some name, value in importance
	value > cutoff
	not name in declared
	msg := sprintf("organisation rule: %s (mean |attribution| %s) is among the top %d of %s but not in explainability.top_features", [name, shown(value), k, source])
	finding := {"id": "org.explainability.top_features", "msg": msg, "field": "card.explainability.top_features"}
}

warn contains finding if {
	not has_explanations
	declares_top
	msg := "organisation rule: explainability.top_features is not verified: give the attributions with --explanations (or comply.yaml evidence.explanations)"
	finding := {"id": "org.explainability.top_features", "msg": msg, "field": "card.explainability.top_features"}
}

# Sensitive: named in the bias examination, or matching a special category of personal data.
bias_analysis := object.get(duties.section(card, "data_governance"), "bias_analysis", object.get(duties.section(card, "ethical_considerations"), "bias_analysis", {}))

sensitive contains name if {
	some name in object.get(bias_analysis, "sensitive_features", [])
	is_string(name)
}

sensitive contains item.name if {
	some item in object.get(object.get(input.evidence, "features", {}), "items", [])
	some terms in data.comply.feature_lists.special_categories
	some term in terms
	contains(sprintf("_%s_", [item.key]), sprintf("_%s_", [term]))
}

checks contains "org.explainability.sensitive_top_feature" if has_explanations

# METADATA
# title: No sensitive feature among the top attributions
# description: >-
#   Organisation rule (supports Art. 10(2)(f)-(g)): a feature the bias examination names as sensitive,
#   or one in a special category of personal data, is not among the k most important features of the
#   attributions: the model's decisions would rest on it.
# custom:
#   id: org.explainability.sensitive_top_feature
#   article: Organisation policy (supports Art. 10(2)(f)-(g))
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.11, MEASURE 2.9]
#   remediation: >-
#     Retrain without the feature (or its proxies) and recompute the attributions, or record why its
#     weight is justified as a waiver with an approver.
deny contains finding if {
	some rank, name in top_k
	name in sensitive
	msg := sprintf("organisation rule: sensitive feature %s ranks %d of %d by mean |attribution| in %s (%s)", [name, rank + 1, count(importance), source, shown(importance[name])])
	finding := {"id": "org.explainability.sensitive_top_feature", "msg": msg, "field": sprintf("evidence.explanations.importance.%s", [name])}
}

# The per-decision explanation of a high-risk system.
per_decision := duties.section(explainability, "per_decision")

enforced_gaps := duties.enforced(gaps)

ids := {"org.explainability.per_decision"}

checks contains id if some id in duties.owed(ids)

# METADATA
# title: Each decision comes with its explanation
# description: >-
#   Organisation rule for high-risk systems: the card names the mechanism that explains each individual
#   output (local attributions, reason codes) and who receives it, so deployers can answer the right to
#   an explanation (AI Act Art. 86) and solely automated decisions have their safeguards (GDPR Art. 22(3)).
# custom:
#   id: org.explainability.per_decision
#   article: Organisation policy (supports Arts. 13(3)(b)(vii), 86; GDPR Art. 22(3))
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.9]
#     gdpr: [Art. 22(3)]
#   remediation: >-
#     Describe explainability.per_decision.method (e.g. "TreeSHAP reason codes, top 4 per decision") and
#     explainability.per_decision.delivered_to (who sees each explanation).
deny contains finding if some finding in enforced_gaps

warn contains finding if some finding in duties.deferred(gaps)

gaps contains {"id": "org.explainability.per_decision", "msg": msg, "field": sprintf("card.explainability.per_decision.%s", [key])} if {
	some key in ["method", "delivered_to"]
	not duties.has_text(object.get(per_decision, key, null))
	msg := sprintf("organisation rule: a high-risk system explains each decision; explainability.per_decision has no %s", [key])
}
