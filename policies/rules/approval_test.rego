package comply.rules.approval_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.approval as rules
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

id := "org.approval"

test_passes_with_approval if status(fx.credit_card, fx.due, id) == "pass"

test_applies_before_the_ai_act_dates if status(json.remove(fx.credit_card, ["approvals/ticket"]), fx.early, id) == "fail"

test_fails_without_ticket if status(json.remove(fx.credit_card, ["approvals/ticket"]), fx.due, id) == "fail"

test_fails_without_date if status(json.remove(fx.credit_card, ["approvals/date"]), fx.due, id) == "fail"

test_fails_when_dated_in_the_future if {
	card := object.union(fx.credit_card, {"approvals": {"date": "2029-01-01"}})
	status(card, fx.due, id) == "fail"
}

test_fails_when_owner_approves_own_model if {
	card := object.union(fx.credit_card, {"approvals": {"approved_by": "Credit-Risk-ML@example.eu "}})
	status(card, fx.due, id) == "fail"
}

test_self_approval_is_marked_not_waivable if {
	card := object.union(fx.credit_card, {"approvals": {"approved_by": "Credit-Risk-ML@example.eu "}})
	some finding in rules.deny with input as t.input_for(card, fx.due)
	finding.waivable == false
}

test_other_approval_gaps_stay_waivable if {
	card := json.remove(fx.credit_card, ["approvals/ticket"])
	some finding in rules.deny with input as t.input_for(card, fx.due)
	not finding.waivable == false
}

test_not_checked_for_limited_risk if status(fx.chatbot_card, fx.due, id) == "absent"
