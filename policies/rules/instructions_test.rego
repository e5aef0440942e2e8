package comply.rules.instructions_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.instructions as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

id := "art13.instructions_for_use"

test_passes_on_complete_card if status(fx.credit_card, fx.due, id) == "pass"

test_fails_without_log_access if status(json.remove(fx.credit_card, ["instructions_for_use/log_access"]), fx.due, id) == "fail"

test_fails_without_accuracy_metrics if status(json.remove(fx.credit_card, ["instructions_for_use/accuracy_metrics"]), fx.due, id) == "fail"

test_fails_when_declared_accuracy_differs_from_evaluation if {
	card := object.union(fx.credit_card, {"instructions_for_use": {"accuracy_metrics": {"auc": 0.9}}})
	status(card, fx.due, id) == "fail"
	some msg in messages(card, fx.due, id)
	contains(msg, "auc")
}

