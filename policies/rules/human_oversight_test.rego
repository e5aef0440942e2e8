package comply.rules.human_oversight_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.human_oversight as rules
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

id := "art14.human_oversight"

test_passes_on_complete_card if status(fx.credit_card, fx.due, id) == "pass"

test_fails_without_stop_mechanism if status(json.remove(fx.credit_card, ["human_oversight/stop_mechanism"]), fx.due, id) == "fail"

test_fails_when_override_is_false if {
	card := object.union(fx.credit_card, {"human_oversight": {"override": false}})
	status(card, fx.due, id) == "fail"
}

test_fails_without_override if status(json.remove(fx.credit_card, ["human_oversight/override"]), fx.due, id) == "fail"

test_fails_with_unknown_mode if {
	card := object.union(fx.credit_card, {"human_oversight": {"mode": "autopilot"}})
	status(card, fx.due, id) == "fail"
}

test_fails_without_roles_or_training if {
	status(json.remove(fx.credit_card, ["human_oversight/roles"]), fx.due, id) == "fail"
	status(json.remove(fx.credit_card, ["human_oversight/training"]), fx.due, id) == "fail"
}

rbi_provider := object.union(fx.credit_card, {"ai_act": {
	"use_cases": ["biometrics.remote_identification"], "uses_biometrics": true,
	"biometric_function": "identification", "biometric_timing": "post",
}})

test_dual_verification_required_for_remote_identification if {
	status(rbi_provider, fx.due, "art14.5.dual_verification") == "fail"
	verified := object.union(rbi_provider, {"human_oversight": {"dual_verification": true}})
	status(verified, fx.due, "art14.5.dual_verification") == "pass"
}

test_dual_verification_not_checked_for_credit_scoring if status(fx.credit_card, fx.due, "art14.5.dual_verification") == "absent"
