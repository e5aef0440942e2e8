package comply.rules.accuracy_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.accuracy as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

id := "art15.accuracy_robustness_cybersecurity"

test_passes_on_complete_card if status(fx.credit_card, fx.due, id) == "pass"

test_fails_below_minimum if {
	card := object.union(fx.credit_card, {"evaluation": {"metrics": {"auc": 0.70}, "thresholds": {"auc": 0.75}}, "instructions_for_use": {"accuracy_metrics": {"auc": 0.70}}})
	status(card, fx.due, id) == "fail"
}

test_object_thresholds_bound_both_ways if {
	low := object.union(fx.credit_card, {"evaluation": {"metrics": {"ece": 0.2}, "thresholds": {"ece": {"max": 0.05}}}})
	status(low, fx.due, id) == "fail"
	min := object.union(fx.credit_card, {"evaluation": {"metrics": {"recall": 0.2}, "thresholds": {"recall": {"min": 0.5}}}})
	status(min, fx.due, id) == "fail"
	ok := object.union(fx.credit_card, {"evaluation": {"metrics": {"ece": 0.01}, "thresholds": {"ece": {"max": 0.05}}}})
	status(ok, fx.due, id) == "pass"
}

test_fails_when_threshold_metric_not_evaluated if {
	card := object.union(fx.credit_card, {"evaluation": {"thresholds": {"f1": 0.6}}})
	status(card, fx.due, id) == "fail"
}

test_fails_without_robustness_tests if status(json.remove(fx.credit_card, ["robustness"]), fx.due, id) == "fail"

test_fails_without_adversarial_testing if status(json.remove(fx.credit_card, ["security/adversarial_testing_uri"]), fx.due, id) == "fail"

test_continual_learning_needs_feedback_loop_controls if {
	card := object.union(fx.credit_card, {"model_details": {"continual_learning": true}})
	status(card, fx.due, id) == "fail"
	ok := object.union(card, {"robustness": {"feedback_loop_controls": "weekly retraining gated by drift review"}})
	status(ok, fx.due, id) == "pass"
}

