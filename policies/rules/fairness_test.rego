package comply.rules.fairness_test

import data.comply.rules.fairness
import rego.v1

# The judged duties keyed by id, as comply.classification hands them to comply.lib.duties.
by_id(duties) := {d.id: d | some d in duties}

thresholds := {
	"demographic_parity_difference": 0.10,
	"equalized_odds_difference": 0.10,
	"disparate_impact_ratio": 0.8,
	"min_group_size": 30,
}

due := [{"id": "art10.data_governance", "applies_from": "2026-08-02", "in_force": true}]

pending := [{"id": "art10.data_governance", "applies_from": "2027-12-02", "in_force": false}]

context := {"reference_date": "2026-11-25", "timeline": "amended", "card_file": "card.yaml"}

card := {"ethical_considerations": {"bias_analysis": {"sensitive_features": ["sex"]}}}

metric(value, groups) := {"value": value, "rate": "selection_rate", "groups": groups}

group(n) := {"count": n, "excluded": 0, "flags": []}

# A computed feature whose numbers all meet the thresholds.
sex := {
	"columns": ["sex"],
	"intersection": false,
	"flags": [],
	"groups": {"female": group(400), "male": group(500)},
	"metrics": {
		"demographic_parity_difference": metric(0.04, ["female", "male"]),
		"equalized_odds_difference": metric(0.05, ["female", "male"]),
		"disparate_impact_ratio": metric(0.9, ["female", "male"]),
	},
}

evidence(features) := {"source": "computed", "sensitive_features": object.keys(features), "features": features}

doc(features) := {"card": card, "evidence": {"fairness": evidence(features)}, "context": context}

good := doc({"sex": sex})

with_metric(name, entry) := doc({"sex": object.union(sex, {"metrics": object.union(sex.metrics, {name: entry})})})

# object.union merges nested objects, so the groups are removed first to be replaced whole
with_groups(groups) := doc({"sex": object.union(object.remove(sex, ["groups"]), {"groups": groups})})

ids(findings) := {f.id | some f in findings}

deny_of(input_doc) := result if {
	result := fairness.deny with input as input_doc
		with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(due)
}

warn_of(input_doc) := result if {
	result := fairness.warn with input as input_doc
		with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(due)
}

checks_of(input_doc) := result if {
	result := fairness.checks with input as input_doc
		with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(due)
}

# ---- art10.2.f.bias_examination ---------------------------------------------------------------

test_good_evidence_passes_everything if {
	count(deny_of(good)) == 0
	count(warn_of(good)) == 0
	checks_of(good) == {
		"art10.2.f.bias_examination", "org.fairness.demographic_parity", "org.fairness.equalized_odds",
		"org.fairness.disparate_impact", "org.fairness.min_group_size",
	}
}

test_nothing_applies_to_minimal_risk if {
	no_evidence := {"card": card, "evidence": {}, "context": context}
	checks := fairness.checks with input as no_evidence
		with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "minimal"
		with data.comply.classification.checked_obligation_by_id as {}
	count(checks) == 0
	denied := fairness.deny with input as doc({"sex": object.union(sex, {"metrics": {"demographic_parity_difference": metric(0.5, ["female", "male"])}})})
		with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "minimal"
		with data.comply.classification.checked_obligation_by_id as {}
	count(denied) == 0
}

test_missing_evidence_fails_when_due if {
	denied := deny_of({"card": card, "evidence": {}, "context": context})
	some finding in denied
	finding.id == "art10.2.f.bias_examination"
	finding.field == "evidence.fairness"
	contains(finding.msg, "--predictions")
}

test_missing_evidence_warns_with_date_when_pending if {
	no_evidence := {"card": card, "evidence": {}, "context": context}
	denied := fairness.deny with input as no_evidence
		with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(pending)
	warned := fairness.warn with input as no_evidence
		with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(pending)
	count(denied) == 0
	some finding in warned
	finding.field == "evidence.fairness"
	startswith(finding.msg, "not yet applicable until 2027-12-02")
	contains(finding.msg, "; would fail: no bias examination numbers")
	some notice in warned
	endswith(notice.msg, "; would pass")
}

test_undeclared_coverage_gap_fails if {
	card_two := {"ethical_considerations": {"bias_analysis": {"sensitive_features": ["sex", "age_band"]}}}
	denied := deny_of(object.union(good, {"card": card_two}))
	some finding in denied
	finding.id == "art10.2.f.bias_examination"
	contains(finding.msg, "\"age_band\"")
	finding.field == "card.ethical_considerations.bias_analysis.sensitive_features"
}

test_intersection_covers_its_columns if {
	card_two := {"ethical_considerations": {"bias_analysis": {"sensitive_features": ["sex", "race"]}}}
	both := object.union(sex, {"columns": ["sex", "race"], "intersection": true})
	denied := deny_of({"card": card_two, "evidence": {"fairness": evidence({"sex & race": both})}, "context": context})
	not "art10.2.f.bias_examination" in ids(denied)
}

test_declared_numbers_warn_that_they_are_unverified if {
	declared := {"card": card, "context": context, "evidence": {"fairness": object.union(evidence({"sex": sex}), {"source": "declared"})}}
	some finding in warn_of(declared)
	finding.id == "art10.2.f.bias_examination"
	finding.field == "evidence.fairness.source"
	not "art10.2.f.bias_examination" in ids(deny_of(declared))
}

test_single_group_warns if {
	single := doc({"sex": object.union(sex, {"flags": ["single_group"], "groups": {"female": group(900)}})})
	some finding in warn_of(single)
	finding.id == "art10.2.f.bias_examination"
	contains(finding.msg, "single group")
}

# ---- org.fairness.demographic_parity ----------------------------------------------------------

test_parity_gap_over_threshold_fails_naming_feature_groups_and_metric if {
	denied := deny_of(with_metric("demographic_parity_difference", metric(0.14, ["female", "male"])))
	some finding in denied
	finding.id == "org.fairness.demographic_parity"
	finding.field == "evidence.fairness.features.sex.metrics.demographic_parity_difference.value"
	contains(finding.msg, "sex: demographic_parity_difference 0.140 between groups \"female\" and \"male\"")
	contains(finding.msg, "exceeds 0.1")
	contains(finding.msg, "not a legal limit")
}

test_parity_gap_at_threshold_passes if {
	not "org.fairness.demographic_parity" in ids(deny_of(with_metric("demographic_parity_difference", metric(0.10, ["female", "male"]))))
}

test_parity_interval_containing_threshold_warns_instead_of_failing if {
	entry := object.union(metric(0.12, ["female", "male"]), {"ci": [0.04, 0.2]})
	input_doc := with_metric("demographic_parity_difference", entry)
	not "org.fairness.demographic_parity" in ids(deny_of(input_doc))
	some finding in warn_of(input_doc)
	finding.id == "org.fairness.demographic_parity"
	contains(finding.msg, "interval [0.040, 0.200]")
	contains(finding.msg, "cannot tell")
}

test_parity_under_threshold_with_wide_interval_warns if {
	entry := object.union(metric(0.06, ["female", "male"]), {"ci": [0.01, 0.15]})
	"org.fairness.demographic_parity" in ids(warn_of(with_metric("demographic_parity_difference", entry)))
}

test_parity_interval_wholly_over_threshold_fails if {
	entry := object.union(metric(0.3, ["female", "male"]), {"ci": [0.2, 0.4]})
	"org.fairness.demographic_parity" in ids(deny_of(with_metric("demographic_parity_difference", entry)))
}

test_parity_threshold_missing_fails if {
	denied := fairness.deny with input as good
		with data.comply.thresholds as object.remove(thresholds, ["demographic_parity_difference"])
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(due)
	some finding in denied
	finding.id == "org.fairness.demographic_parity"
	finding.field == "data.comply.thresholds.demographic_parity_difference"
}

# ---- org.fairness.equalized_odds --------------------------------------------------------------

test_equalized_odds_gap_over_threshold_fails if {
	denied := deny_of(with_metric("equalized_odds_difference", {"value": 0.2, "rate": "fpr", "groups": ["male", "female"]}))
	some finding in denied
	finding.id == "org.fairness.equalized_odds"
	contains(finding.msg, "equalized_odds_difference 0.200 between groups \"male\" and \"female\"")
}

test_equalized_odds_interval_containing_threshold_warns if {
	entry := {"value": 0.2, "rate": "fpr", "groups": ["male", "female"], "ci": [0.05, 0.3]}
	input_doc := with_metric("equalized_odds_difference", entry)
	not "org.fairness.equalized_odds" in ids(deny_of(input_doc))
	"org.fairness.equalized_odds" in ids(warn_of(input_doc))
}

test_equalized_odds_threshold_missing_fails if {
	denied := fairness.deny with input as good
		with data.comply.thresholds as object.remove(thresholds, ["equalized_odds_difference"])
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(due)
	"org.fairness.equalized_odds" in ids(denied)
}

# ---- org.fairness.disparate_impact ------------------------------------------------------------

test_disparate_impact_under_four_fifths_fails if {
	denied := deny_of(with_metric("disparate_impact_ratio", metric(0.7, ["female", "male"])))
	some finding in denied
	finding.id == "org.fairness.disparate_impact"
	contains(finding.msg, "disparate_impact_ratio 0.700 between groups \"female\" and \"male\" is below 0.8")
	contains(finding.msg, "organisational threshold")
}

test_disparate_impact_interval_containing_threshold_warns if {
	entry := object.union(metric(0.7, ["female", "male"]), {"ci": [0.6, 0.85]})
	input_doc := with_metric("disparate_impact_ratio", entry)
	not "org.fairness.disparate_impact" in ids(deny_of(input_doc))
	"org.fairness.disparate_impact" in ids(warn_of(input_doc))
}

test_undefined_disparate_impact_warns if {
	entry := {"value": null, "rate": "selection_rate", "undefined": "every group has selection_rate 0, so the ratio is 0/0"}
	some finding in warn_of(with_metric("disparate_impact_ratio", entry))
	finding.id == "org.fairness.disparate_impact"
	contains(finding.msg, "0/0")
}

test_disparate_impact_threshold_missing_fails if {
	denied := fairness.deny with input as good
		with data.comply.thresholds as object.remove(thresholds, ["disparate_impact_ratio"])
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(due)
	"org.fairness.disparate_impact" in ids(denied)
}

# ---- org.fairness.min_group_size --------------------------------------------------------------

test_small_group_fails_naming_it if {
	denied := deny_of(with_groups({"female": group(12), "male": group(500)}))
	some finding in denied
	finding.id == "org.fairness.min_group_size"
	finding.field == "evidence.fairness.features.sex.groups.female.count"
	contains(finding.msg, "group \"female\" has 12 rows, fewer than 30")
}

test_missing_value_group_warns_instead_of_failing if {
	missing := {"count": 3, "excluded": 0, "flags": ["small", "missing_value"]}
	input_doc := with_groups({"female": group(400), "male": group(500), "<missing>": missing})
	not "org.fairness.min_group_size" in ids(deny_of(input_doc))
	some finding in warn_of(input_doc)
	finding.id == "org.fairness.min_group_size"
	contains(finding.msg, "3 rows have no value")
}

test_min_group_size_threshold_missing_fails if {
	denied := fairness.deny with input as good
		with data.comply.thresholds as object.remove(thresholds, ["min_group_size"])
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(due)
	"org.fairness.min_group_size" in ids(denied)
}

test_org_rules_need_evidence_to_be_checked if {
	checks := checks_of({"card": card, "evidence": {}, "context": context})
	checks == {"art10.2.f.bias_examination"}
}

test_bootstrap_confidence_is_named_in_messages if {
	entry := object.union(metric(0.3, ["female", "male"]), {"ci": [0.2, 0.4]})
	base := with_metric("demographic_parity_difference", entry)
	input_doc := object.union(base, {"evidence": {"fairness": {"bootstrap": {"confidence": 0.9}}}})
	some finding in deny_of(input_doc)
	contains(finding.msg, "(90% interval [0.200, 0.400])")
}

test_metrics_missing_from_declared_evidence_warn if {
	only := {"equal_opportunity_difference": metric(0.01, ["female", "male"])}
	bare := doc({"sex": object.union(object.remove(sex, ["metrics"]), {"metrics": only})})
	warned := ids(warn_of(bare))
	"org.fairness.demographic_parity" in warned
	"org.fairness.equalized_odds" in warned
	"org.fairness.disparate_impact" in warned
	some finding in warn_of(bare)
	finding.msg == "sex: no disparate_impact_ratio in the fairness evidence, so it cannot be judged"
	count(deny_of(bare)) == 0
}

test_unknown_group_sizes_warn if {
	named_only := with_groups({"female": {}, "male": {}})
	some finding in warn_of(named_only)
	finding.id == "org.fairness.min_group_size"
	contains(finding.msg, "no group sizes")
	no_groups := doc({"sex": object.remove(sex, ["groups"])})
	"org.fairness.min_group_size" in ids(warn_of(no_groups))
	not "org.fairness.min_group_size" in ids(warn_of(good))
}

# ---- org.fairness.group_performance --------------------------------------------------------------
performing(n, recall, fpr) := {"count": n, "excluded": 0, "flags": [], "accuracy": 0.8, "recall": recall, "fpr": fpr}

performance_doc := with_groups({"female": performing(400, 0.55, 0.1), "male": performing(500, 0.8, 0.25), "x": performing(10, 0.2, 0.1)})

limits := object.union(thresholds, {"group_recall_min": 0.6, "group_fpr_max": 0.2, "group_accuracy_min": 0, "group_fnr_max": 1})

performance_deny(doc, limit_data) := result if {
	result := fairness.deny with input as doc
		with data.comply.thresholds as limit_data
		with data.comply.classification.tier as "high"
		with data.comply.classification.obligations as due
}

performance_warn(doc, limit_data) := result if {
	result := fairness.warn with input as doc
		with data.comply.thresholds as limit_data
		with data.comply.classification.tier as "high"
		with data.comply.classification.obligations as due
}

performance_denials(doc, limit_data) := {f.field | some f in performance_deny(doc, limit_data); f.id == "org.fairness.group_performance"}

performance_warnings(doc, limit_data) := {f.field | some f in performance_warn(doc, limit_data); f.id == "org.fairness.group_performance"}

test_group_performance_denies_a_group_below_a_minimum_or_above_a_maximum if {
	performance_denials(performance_doc, limits) == {
		"evidence.fairness.features.sex.groups.female.recall",
		"evidence.fairness.features.sex.groups.male.fpr",
	}
	some f in performance_deny(performance_doc, limits)
	f.id == "org.fairness.group_performance"
	contains(f.msg, "group \"female\" has recall 0.550, below the organisation's minimum 0.6")
}

test_group_performance_warns_for_a_small_group_and_a_metric_the_evidence_lacks if {
	warnings := performance_warnings(performance_doc, object.union(limits, {"group_roc_auc_min": 0.7}))
	"evidence.fairness.features.sex.groups.x.recall" in warnings
	"evidence.fairness.features.sex.groups.female.roc_auc" in warnings
	not "evidence.fairness.features.sex.groups.x.recall" in performance_denials(performance_doc, limits)
}

test_group_performance_judges_nothing_at_the_defaults if {
	defaults := object.union(thresholds, {"group_recall_min": 0, "group_fpr_max": 1, "group_roc_auc_min": 0})
	count(performance_denials(performance_doc, defaults)) == 0
	count(performance_warnings(performance_doc, defaults)) == 0
	not "org.fairness.group_performance" in fairness.checks with input as performance_doc
		with data.comply.thresholds as defaults
		with data.comply.classification.tier as "high"
		with data.comply.classification.obligations as due
}

test_group_performance_passes_groups_that_meet_every_limit if {
	fine := with_groups({"female": performing(400, 0.7, 0.1), "male": performing(500, 0.8, 0.15)})
	count(performance_denials(fine, limits)) == 0
	"org.fairness.group_performance" in fairness.checks with input as fine
		with data.comply.thresholds as limits
		with data.comply.classification.tier as "high"
		with data.comply.classification.obligations as due
}
