package comply.rules.classification_gate_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.classification_gate as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

test_undetermined_fails_per_missing_fact if {
	status({}, fx.due, "org.classification.determined") == "fail"
	some msg in messages({}, fx.due, "org.classification.determined")
	contains(msg, "ai_act.use_cases")
}

test_determined_passes if status(fx.credit_card, fx.due, "org.classification.determined") == "pass"

test_declared_tier_lower_than_derived_fails if {
	card := object.union(fx.credit_card, {"risk_category": "limited"})
	status(card, fx.due, "org.classification.declared_tier") == "fail"
	messages(card, fx.due, "org.classification.declared_tier") == ["declared limited, derived high: annex3.5.b"]
}

test_declared_tier_field_in_ai_act_wins if {
	card := object.union(fx.credit_card, {"ai_act": {"declared_tier": "minimal-risk"}})
	some f in rules.deny with input as t.input_for(card, fx.due)
	f.field == "card.ai_act.declared_tier"
}

test_declared_tier_equal_or_higher_passes if {
	status(fx.credit_card, fx.due, "org.classification.declared_tier") == "pass"
	card := object.union(fx.chatbot_card, {"risk_category": "High Risk"})
	status(card, fx.due, "org.classification.declared_tier") == "pass"
}

test_no_declared_tier_no_check if status(json.remove(fx.credit_card, ["risk_category"]), fx.due, "org.classification.declared_tier") == "absent"


# #12 item 2, #10 item 4: a claim the card's facts contradict fails the gate with the question to answer.
test_a_contradicted_derogation_fails_with_its_question if {
	card := object.union(fx.credit_card, {
		"ai_act": {"profiling": false, "derogation": "preparatory_task", "decision_effect_on_persons": "legal"},
		"deployment": {"human_review": "none"},
	})
	found := rules.deny with input as t.input_for(card, fx.due)
	some f in found
	f.field == "card.ai_act.derogation"
	contains(f.msg, "does the system materially influence them?")
}

test_a_research_claim_at_a_workplace_fails_with_its_question if {
	card := object.union(fx.chatbot_card, {
		"ai_act": {"in_scope_exclusion": "research", "research_basis": "sole_scientific_research"},
		"deployment": {"workplace": true},
	})
	found := rules.deny with input as t.input_for(card, fx.due)
	some f in found
	f.field == "card.ai_act.in_scope_exclusion"
	contains(f.msg, "it is deployed at a workplace")
}
