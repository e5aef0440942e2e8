package comply.rules.provider_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.provider as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

test_all_pass_on_complete_card if {
	every rule_id in ["art16.provider_name_contact", "art17.quality_management_system", "art20.corrective_actions"] {
		status(fx.credit_card, fx.due, rule_id) == "pass"
	}
}

test_art16_fails_without_address if status(json.remove(fx.credit_card, ["model_details/provider/address"]), fx.due, "art16.provider_name_contact") == "fail"

test_art17_fails_without_qms if status(json.remove(fx.credit_card, ["qms/uri"]), fx.due, "art17.quality_management_system") == "fail"

test_art20_fails_without_procedure if status(json.remove(fx.credit_card, ["qms/corrective_action_procedure_uri"]), fx.due, "art20.corrective_actions") == "fail"

non_eu := object.union(fx.credit_card, {"model_details": {"provider": {"established_in_eu": false}}})

test_art22_applies_to_non_eu_providers_only if {
	status(fx.credit_card, fx.due, "art22.authorised_representative") == "absent"
	status(non_eu, fx.due, "art22.authorised_representative") == "fail"
	ok := object.union(non_eu, {"authorised_representative": {"name": "Rep GmbH", "address": "Berlin", "mandate_uri": "https://x/mandate.pdf"}})
	status(ok, fx.due, "art22.authorised_representative") == "pass"
}

