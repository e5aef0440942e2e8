package comply.rules.regression_test

import data.comply.rules.regression
import rego.v1

baseline := {
	"file": "prod-report.json",
	"sha256": concat("", [x | some _ in numbers.range(1, 64); x := "b"]),
	"source": "report",
	"model_version": "3.2.0",
	"metrics": {"auc": 0.97, "fpr": 0.07, "recall": 0.88},
	"fairness": {"sex": {"demographic_parity_difference": 0.04, "disparate_impact_ratio": 0.9}},
}

fairness(dpd, dir) := {"source": "computed", "features": {"sex": {"columns": ["sex"], "metrics": {
	"demographic_parity_difference": {"value": dpd},
	"disparate_impact_ratio": {"value": dir},
}}}}

doc(metrics, evidence) := {"card": {"evaluation": {"metrics": metrics}}, "evidence": object.union(evidence, {"baseline": baseline})}

ids(findings) := {f.id | some f in findings}

same := {"auc": 0.97, "fpr": 0.07, "recall": 0.88}

test_no_baseline_no_checks if {
	count(regression.checks) == 0 with input as {"card": {"evaluation": {"metrics": same}}, "evidence": {}}
}

test_equal_numbers_pass_both_rules if {
	input_doc := doc(same, {"fairness": fairness(0.04, 0.9)})
	regression.checks == {"org.regression.metrics", "org.regression.fairness"} with input as input_doc
	count(regression.deny) == 0 with input as input_doc
}

test_a_drop_beyond_the_margin_fails_with_both_values_and_the_delta if {
	findings := regression.deny with input as doc({"auc": 0.95, "fpr": 0.07, "recall": 0.88}, {})
	ids(findings) == {"org.regression.metrics"}
	some f in findings
	f.field == "card.evaluation.metrics.auc"
	contains(f.msg, "auc 0.95 against 0.97 in prod-report.json (version 3.2.0): -0.02, more than the margin 0.005")
}

test_a_drop_within_the_margin_passes if {
	count(regression.deny) == 0 with input as doc({"auc": 0.967, "fpr": 0.07, "recall": 0.88}, {})
}

test_lower_is_better_metrics_fail_when_they_rise if {
	some f in regression.deny with input as doc({"auc": 0.99, "fpr": 0.09, "recall": 0.88}, {})
	contains(f.msg, "fpr 0.09 against 0.07")
	contains(f.msg, "+0.02")
}

test_a_margin_per_metric_from_comply_yaml if {
	input_doc := doc({"auc": 0.95, "fpr": 0.07, "recall": 0.88}, {})
	wide := object.union(input_doc, {"evidence": {"baseline": {"margins": {"auc": 0.03}}}})
	count(regression.deny) == 0 with input as wide
}

test_the_default_margin_is_data if {
	count(regression.deny) == 0 with input as doc({"auc": 0.95, "fpr": 0.07, "recall": 0.88}, {})
		with data.comply.thresholds.regression_metric_margin as 0.05
}

test_evaluation_evidence_wins_over_the_stated_number if {
	input_doc := doc(same, {"evaluation": {"metrics": {"auc": 0.9}}})
	some f in regression.deny with input as input_doc
	contains(f.msg, "auc 0.9 against 0.97")
}

test_a_widening_gap_fails if {
	findings := regression.deny with input as doc(same, {"fairness": fairness(0.08, 0.9)})
	ids(findings) == {"org.regression.fairness"}
	some f in findings
	f.field == "evidence.fairness.features.sex.metrics.demographic_parity_difference"
	contains(f.msg, "sex demographic_parity_difference 0.08 against 0.04")
}

test_a_falling_ratio_is_a_widening_gap if {
	some f in regression.deny with input as doc(same, {"fairness": fairness(0.04, 0.8)})
	contains(f.msg, "disparate_impact_ratio 0.8 against 0.9")
}

test_a_narrowing_gap_passes if {
	count(regression.deny) == 0 with input as doc(same, {"fairness": fairness(0.01, 0.97)})
}

test_fairness_margin_per_metric if {
	input_doc := doc(same, {"fairness": fairness(0.08, 0.9)})
	wide := object.union(input_doc, {"evidence": {"baseline": {"fairness_margins": {"demographic_parity_difference": 0.05}}}})
	count(regression.deny) == 0 with input as wide
}
