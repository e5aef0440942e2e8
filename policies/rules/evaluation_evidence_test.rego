package comply.rules.evaluation_evidence_test

import data.comply.rules.evaluation_evidence
import rego.v1

card := {"evaluation": {"metrics": {"accuracy": 0.92, "auc": 0.9}, "slices": {"sex=female": {"accuracy": 0.91, "n": 100}}}}

computed(metrics, slices) := {
	"source": "computed",
	"metrics": metrics,
	"slices": slices,
	"provenance": {"file": "preds.csv", "sha256": "aa", "recorded_sha256": "aa"},
}

ids(findings) := {f.id | some f in findings}

test_no_evidence_no_check if {
	count(evaluation_evidence.checks) == 0 with input as {"card": card, "evidence": {}}
}

test_matching_numbers_pass if {
	evidence := computed({"accuracy": 0.92001, "auc": 0.9}, {"sex=female": {"accuracy": 0.9104, "n": 100}})
	evaluation_evidence.checks == {"org.evaluation.matches_evidence"} with input as {"card": card, "evidence": {"evaluation": evidence}}
	count(evaluation_evidence.deny) == 0 with input as {"card": card, "evidence": {"evaluation": evidence}}
	count(evaluation_evidence.warn) == 0 with input as {"card": card, "evidence": {"evaluation": evidence}}
}

test_metric_differing_from_evidence_fails if {
	evidence := computed({"accuracy": 0.78, "auc": 0.9}, {})
	findings := evaluation_evidence.deny with input as {"card": card, "evidence": {"evaluation": evidence}}
	count(findings) == 1
	some f in findings
	f.field == "card.evaluation.metrics.accuracy"
	contains(f.msg, "preds.csv gives 0.78")
}

test_slice_differing_from_evidence_fails if {
	evidence := computed({"accuracy": 0.92}, {"sex=female": {"accuracy": 0.8, "n": 100}})
	findings := evaluation_evidence.deny with input as {"card": card, "evidence": {"evaluation": evidence}}
	some f in findings
	f.field == "card.evaluation.slices.sex=female.accuracy"
}

test_metric_the_evidence_lacks_is_not_judged if {
	evidence := computed({"accuracy": 0.92}, {})
	count(evaluation_evidence.deny) == 0 with input as {"card": card, "evidence": {"evaluation": evidence}}
}

test_tolerance_is_data if {
	evidence := computed({"accuracy": 0.93, "auc": 0.9}, {})
	count(evaluation_evidence.deny) == 0 with input as {"card": card, "evidence": {"evaluation": evidence}}
		with data.comply.thresholds.evaluation_metric_tolerance as 0.02
}

test_mlflow_run_metrics_named_by_run if {
	evidence := {"source": "mlflow", "metrics": {"accuracy": 0.5}, "provenance": {"source": "runs:/abc"}}
	some f in evaluation_evidence.deny with input as {"card": card, "evidence": {"evaluation": evidence}}
	contains(f.msg, "runs:/abc gives 0.5")
}

test_changed_source_file_warns if {
	evidence := object.union(computed({"accuracy": 0.92}, {}), {"provenance": {"file": "preds.csv", "sha256": "bb", "recorded_sha256": "aa"}})
	some f in evaluation_evidence.warn with input as {"card": card, "evidence": {"evaluation": evidence}}
	f.field == "card.evaluation.source.sha256"
}

test_missing_recorded_source_warns_never_passes if {
	evidence := {"source": "computed", "metrics": {}, "provenance": {"file": "preds.csv", "recorded_sha256": "aa", "missing": true}}
	findings := evaluation_evidence.warn with input as {"card": card, "evidence": {"evaluation": evidence}}
	count(findings) == 1
	some f in findings
	f.field == "card.evaluation.source.file"
	count(evaluation_evidence.deny) == 0 with input as {"card": card, "evidence": {"evaluation": evidence}}
}
