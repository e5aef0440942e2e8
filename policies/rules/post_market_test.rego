package comply.rules.post_market_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.post_market as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

test_passes_on_complete_card if {
	status(fx.credit_card, fx.due, "art72.post_market_monitoring") == "pass"
	status(fx.credit_card, fx.due, "art73.serious_incident_reporting") == "pass"
}

test_art72_fails_without_metrics if status(json.remove(fx.credit_card, ["post_market_monitoring/metrics"]), fx.due, "art72.post_market_monitoring") == "fail"

test_art72_fails_without_plan if status(json.remove(fx.credit_card, ["post_market_monitoring/plan_uri"]), fx.due, "art72.post_market_monitoring") == "fail"

test_art73_fails_when_a_deadline_exceeds_the_legal_maximum if {
	every kind in ["general", "death", "widespread_or_critical_infrastructure"] {
		card := object.union(fx.credit_card, {"incident_response": {"deadlines_days": {kind: 30}}})
		status(card, fx.due, "art73.serious_incident_reporting") == "fail"
	}
}

test_art73_fails_when_a_deadline_is_missing if {
	card := json.remove(fx.credit_card, ["incident_response/deadlines_days/death"])
	status(card, fx.due, "art73.serious_incident_reporting") == "fail"
}

test_art73_fails_without_contact if status(json.remove(fx.credit_card, ["incident_response/contact"]), fx.due, "art73.serious_incident_reporting") == "fail"

