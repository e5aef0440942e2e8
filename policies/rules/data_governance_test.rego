package comply.rules.data_governance_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.data_governance as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

no_failures(card, context) if {
	count(rules.deny) == 0 with input as t.input_for(card, context)
}

id := "art10.data_governance"

test_passes_on_complete_card if status(fx.credit_card, fx.due, id) == "pass"

test_fails_without_datasets if status(json.remove(fx.credit_card, ["data_governance/datasets"]), fx.due, id) == "fail"

test_fails_when_a_dataset_lacks_provenance if {
	card := json.patch(fx.credit_card, [{"op": "remove", "path": "/data_governance/datasets/0/provenance"}])
	status(card, fx.due, id) == "fail"
}

test_fails_without_bias_examination if {
	card := json.remove(fx.credit_card, ["ethical_considerations/bias_analysis"])
	status(card, fx.due, id) == "fail"
}

test_fails_without_sensitive_features if {
	card := json.remove(fx.credit_card, ["ethical_considerations/bias_analysis/sensitive_features"])
	status(card, fx.due, id) == "fail"
}

test_special_category_data_needs_safeguards if {
	card := object.union(fx.credit_card, {"data_governance": {"special_category_data": true}})
	status(card, fx.due, id) == "fail"
	safe := object.union(card, {"data_governance": {"special_category_safeguards": "pseudonymised, access-logged, deleted after bias correction"}})
	status(safe, fx.due, id) == "pass"
}

test_not_checked_for_minimal_risk if status(fx.chatbot_card, fx.due, id) == "absent"
