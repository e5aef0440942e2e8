package comply.rules.literacy_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.literacy as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

test_warns_without_programme if status(json.remove(fx.chatbot_card, ["ai_literacy"]), fx.due, "art4.ai_literacy") == "warn"

test_passes_with_programme if status(fx.chatbot_card, fx.due, "art4.ai_literacy") == "pass"

test_never_fails if {
	count(rules.deny) == 0 with input as t.input_for(json.remove(fx.chatbot_card, ["ai_literacy"]), fx.due)
}

