package comply.rules.lineage_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.lineage as rules
import rego.v1

# The credit card with what the lineage rules ask for.
card := object.union(fx.credit_card, {
	"model_details": {"code_commit": "17f4bfe0c1d2"},
	"deployment": {"rollback": {"previous_version": "3.1.0", "procedure_uri": "https://wiki.example.eu/rollback"}},
	"data_governance": {"datasets": [{"name": "loan-book", "dvc": "data/loan-book.csv.dvc"}]},
})

pinned := {"datasets": [{"index": 0, "name": "loan-book", "kind": "dvc", "algorithm": "md5", "digest": "a", "declared": "a", "file": "data/loan-book.csv.dvc"}]}

deployed := {"file": "audit.jsonl", "model": "m", "periods": [], "deployments": [{"version": version, "timestamp": "t", "file": "audit.jsonl", "line": 1, "approved_by": "Dr. Jana Novak"}]}

version := sprintf("%v", [fx.credit_card.model_details.version])

doc(c, evidence) := object.union(t.input_for(c, fx.due), {"evidence": evidence})

status(c, evidence, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as doc(c, evidence)
}

messages(c, evidence, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as doc(c, evidence)
}

all_evidence := {"lineage": pinned, "audit_events": deployed}

test_passes_with_lineage_rollback_and_deployment if {
	every id in ["org.lineage.dataset_versions", "org.lineage.code_commit", "org.rollback.plan", "org.deployment.recorded"] {
		status(card, all_evidence, id) == "pass"
	}
}

test_a_dataset_without_a_digest_fails if {
	status(card, {"lineage": {"datasets": [{"index": 0, "name": "loan-book", "kind": "none"}]}}, "org.lineage.dataset_versions") == "fail"
	status(card, {}, "org.lineage.dataset_versions") == "fail"
}

test_a_changed_data_file_fails_naming_both_digests if {
	changed := {"datasets": [object.union(pinned.datasets[0], {"computed": "b", "matches": false, "data_file": "data/loan-book.csv"})]}
	status(card, {"lineage": changed}, "org.lineage.dataset_versions") == "fail"
	some msg in messages(card, {"lineage": changed}, "org.lineage.dataset_versions")
	contains(msg, "md5 b, but data/loan-book.csv.dvc records a")
}

test_code_commit_is_required_and_hex if {
	status(json.remove(card, ["model_details/code_commit"]), all_evidence, "org.lineage.code_commit") == "fail"
	status(object.union(card, {"model_details": {"code_commit": "main"}}), all_evidence, "org.lineage.code_commit") == "fail"
}

test_rollback_needs_a_previous_version_and_a_procedure_uri if {
	status(json.remove(card, ["deployment/rollback/previous_version"]), all_evidence, "org.rollback.plan") == "fail"
	status(json.remove(card, ["deployment/rollback/procedure_uri"]), all_evidence, "org.rollback.plan") == "fail"
	status(object.union(card, {"deployment": {"rollback": {"procedure_uri": "see the wiki"}}}), all_evidence, "org.rollback.plan") == "fail"
}

test_rollback_to_the_current_version_fails if {
	c := object.union(card, {"deployment": {"rollback": {"previous_version": fx.credit_card.model_details.version}}})
	status(c, all_evidence, "org.rollback.plan") == "fail"
}

test_deployment_rule_is_not_judged_without_an_audit_log if status(card, {"lineage": pinned}, "org.deployment.recorded") == "absent"

test_deployment_of_another_version_fails if {
	other := object.union(deployed, {"deployments": [object.union(deployed.deployments[0], {"version": "3.1.0"})]})
	status(card, {"lineage": pinned, "audit_events": other}, "org.deployment.recorded") == "fail"
}

test_deployment_without_an_approver_fails_at_its_line if {
	bare := object.union(deployed, {"deployments": [json.remove(deployed.deployments[0], ["approved_by"])]})
	status(card, {"lineage": pinned, "audit_events": bare}, "org.deployment.recorded") == "fail"
	some msg in messages(card, {"lineage": pinned, "audit_events": bare}, "org.deployment.recorded")
	contains(msg, "audit.jsonl:1:")
}

test_rules_apply_to_high_risk_only if {
	every id in ["org.lineage.dataset_versions", "org.rollback.plan"] {
		t.status_of(rules.deny, rules.warn, rules.checks, id) == "absent" with input as t.input_for(fx.chatbot_card, fx.due)
	}
}
