# The model's inputs, judged against three lists that are data (data.comply.feature_lists, extended
# by comply.yaml `feature_lists:`): the special categories of personal data (GDPR Art 9(1)), direct
# identifiers (data minimisation, GDPR Art 5(1)(c)) and the organisation's own prohibited features.
#
# The feature list is `input.evidence.features` (checker/evidence/features.py): the card's
# `features:`, else the inputs of the MLflow model's signature, else the features of the explanations
# file. With both a card list and a signature, `features.model` holds the signature's names and the
# inputs the card leaves out are items too (`declared: false`), so every input the model takes is judged. Each item carries `key`, its name
# normalised to lower-case words joined by `_` (`applicantEmail` -> `applicant_email`); a list term
# matches when its words appear in the key as whole words (`email` matches `applicant_email`, `race`
# does not match `trace_id`). The GDPR applies whatever the AI Act tier, so these rules apply to
# every card whose features are known; GDPR rules report under their GDPR article, kept apart from
# the AI Act's and from the organisation's own.
package comply.rules.features

import data.comply.lib.duties
import rego.v1

lists := data.comply.feature_lists

features := object.get(object.get(input, "evidence", {}), "features", {})

items := [item | some item in object.get(features, "items", [])]

governance := duties.section(duties.card, "data_governance")

checks contains id if {
	count(items) > 0
	some id in {"gdpr.art9.special_category_feature", "gdpr.art5.1.c.direct_identifier", "org.features.prohibited"}
}

checks contains "org.features.match_model" if features.model

matches(key, term) if contains(padded(key), padded(term))

padded(text) := sprintf("_%s_", [text])

# Every feature is matched against every term: the terms are padded once per decision, a key once per
# feature, and each feature's categories are found once for the rules that read them.
special_terms := [[category, padded(term)] | some category, terms in lists.special_categories; some term in terms]

identifier_terms := [[kind, padded(term)] | some kind, terms in lists.direct_identifiers; some term in terms]

categories(key) := {category | padded_key := padded(key); some [category, term] in special_terms; contains(padded_key, term)}

identifier_kinds(key) := {kind | padded_key := padded(key); some [kind, term] in identifier_terms; contains(padded_key, term)}

item_categories := {i: categories(item.key) | some i, item in items}

prohibited_entries(key) := [entry | some entry in lists.prohibited; matches(key, entry.term)]

# A GDPR Art 9(2) ground names its point: "Art. 9(2)(a) explicit consent", "Article 9(2)(g) ...".
states_art9_ground(item) if regex.match(`(?i)\bart(icle|\.)?\s*9\s*\(\s*2\s*\)\s*\(\s*[a-j]\s*\)`, object.get(item, "special_category_ground", ""))

for_bias_detection(item) if object.get(item, "purpose", "decision") == "bias_detection"

# The finding points at the card entry, at the signature input, or at the feature's name in the
# explanations file.
finding(id, item, msg) := {"id": id, "msg": msg, "field": item.field}

where(item) := sprintf("feature %s (column %d of %s)", [item.name, item.column, features.file]) if {
	object.get(item, "column", null) != null
} else := sprintf("feature %s (%s)", [item.name, item.at]) if {
	is_string(object.get(item, "at", null))
} else := sprintf("feature %s", [item.name])

# METADATA
# title: No special-category personal data used for decisions without a legal ground
# description: >-
#   GDPR Art 9(1) prohibits processing racial or ethnic origin, political opinions, religious or
#   philosophical beliefs, trade-union membership, genetic, biometric and health data and data on sex
#   life or sexual orientation unless an Art 9(2) ground applies. A model input in these categories
#   fails unless its card entry states the Art 9(2) ground; one kept only for bias detection and
#   correction needs the AI Act Art 10(5) safeguards documented in the card. This is data-protection
#   law (Regulation (EU) 2016/679), not an AI Act article.
# custom:
#   id: gdpr.art9.special_category_feature
#   article: GDPR Art. 9(1)-(2)
#   severity: critical
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.10]
#     gdpr: [Art. 9]
#   remediation: >-
#     Drop the feature, or state its ground in the card entry (features: [{name, special_category_ground:
#     "Art. 9(2)(a) explicit consent"}]); a feature used only for bias detection takes purpose:
#     bias_detection and data_governance.special_category_safeguards (AI Act Art 10(5)).
deny contains result if {
	some i, item in items
	not for_bias_detection(item)
	found := item_categories[i]
	count(found) > 0
	not states_art9_ground(item)
	msg := sprintf("%s is special-category personal data (%s, GDPR Art 9(1)) used for decisions, and its card entry states no Art 9(2) ground", [where(item), concat(", ", sort(found))])
	result := finding("gdpr.art9.special_category_feature", item, msg)
}

deny contains result if {
	some i, item in items
	for_bias_detection(item)
	found := item_categories[i]
	count(found) > 0
	not duties.has_text(object.get(governance, "special_category_safeguards", null))
	msg := sprintf("%s is special-category personal data (%s) kept for bias detection without the AI Act Art 10(5) safeguards documented (data_governance.special_category_safeguards)", [where(item), concat(", ", sort(found))])
	result := finding("gdpr.art9.special_category_feature", item, msg)
}

# METADATA
# title: No direct identifiers among the model's features
# description: >-
#   Data minimisation (GDPR Art 5(1)(c)): personal data are adequate, relevant and limited to what is
#   necessary. A direct identifier (e-mail address, phone number, national identity number, a
#   person's name) identifies the person without predicting anything the purpose needs, so it is
#   never a model input. Data-protection law (Regulation (EU) 2016/679), not an AI Act article.
# custom:
#   id: gdpr.art5.1.c.direct_identifier
#   article: GDPR Art. 5(1)(c)
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.10]
#     gdpr: [Art. 5(1)(c)]
#   remediation: Remove the identifier from the model's inputs (keep it, if at all, only to join records outside the model).
deny contains result if {
	some item in items
	found := identifier_kinds(item.key)
	count(found) > 0
	msg := sprintf("%s is a direct identifier (%s): data minimisation (GDPR Art 5(1)(c)) keeps it out of the model's inputs", [where(item), concat(", ", sort(found))])
	result := finding("gdpr.art5.1.c.direct_identifier", item, msg)
}

# METADATA
# title: No feature on the organisation's prohibited list
# description: >-
#   Organisation rule: features the organisation has ruled out (comply.yaml `feature_lists.prohibited`,
#   for example proxies of a protected characteristic) are not model inputs.
# custom:
#   id: org.features.prohibited
#   article: Organisation policy (supports Art. 10(2)(f)-(g))
#   severity: high
#   remediation: Remove the feature from the model, or take it off feature_lists.prohibited in comply.yaml with the owner of that list.
deny contains result if {
	some item in items
	some entry in prohibited_entries(item.key)
	msg := sprintf("organisation rule: %s is on the prohibited list (%s: %s)", [where(item), entry.term, entry.reason])
	result := finding("org.features.prohibited", item, msg)
}

# METADATA
# title: The card lists the features the model takes
# description: >-
#   Organisation rule: the card's `features:` and the MLflow model's input signature name the same
#   features. The signature is what the model was logged to take; a card listing other features
#   documents another model, and an input it leaves out escapes the review of its features (the
#   feature rules still judge it, at the signature).
# custom:
#   id: org.features.match_model
#   article: Organisation policy
#   severity: high
#   remediation: List in the card's features exactly the inputs of the model's signature (or log the model with the signature of the features it takes).
deny contains result if {
	some item in items
	object.get(item, "declared", true) == false
	msg := sprintf("organisation rule: %s is an input of the model that the card's features do not list", [where(item)])
	result := finding("org.features.match_model", item, msg)
}

deny contains result if {
	names := {name | some name in features.model.names}
	some item in items
	object.get(item, "declared", true) == true
	not item.name in names
	msg := sprintf("organisation rule: the card lists feature %s, which is not an input of the model (signature in %s)", [item.name, features.model.file])
	result := finding("org.features.match_model", item, msg)
}
