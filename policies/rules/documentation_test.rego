package comply.rules.documentation_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.documentation as rules
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

test_complete_high_risk_card_has_no_failures if no_failures(fx.credit_card, fx.due)

test_art11_fails_without_annex_iv_sections if {
	card := json.remove(fx.credit_card, ["technical_documentation/annex_iv_sections"])
	status(card, fx.due, "art11.technical_documentation") == "fail"
}

test_art11_fails_without_uri if {
	card := json.remove(fx.credit_card, ["technical_documentation/uri"])
	status(card, fx.due, "art11.technical_documentation") == "fail"
}

test_art11_fails_when_dated_after_release if {
	card := object.union(fx.credit_card, {"technical_documentation": {"date": "2026-12-01"}})
	status(card, fx.due, "art11.technical_documentation") == "fail"
}

test_art11_fails_without_date if {
	card := json.remove(fx.credit_card, ["technical_documentation/date"])
	status(card, fx.due, "art11.technical_documentation") == "fail"
}

test_art11_passes_on_complete_card if status(fx.credit_card, fx.due, "art11.technical_documentation") == "pass"

test_art11_is_a_warning_with_date_before_it_applies if {
	status(fx.credit_card, fx.early, "art11.technical_documentation") == "warn"
	some msg in messages(fx.credit_card, fx.early, "art11.technical_documentation")
	contains(msg, "2027-12-02")
}

test_art11_gap_before_it_applies_is_a_warning_naming_the_gap if {
	card := json.remove(fx.credit_card, ["technical_documentation/uri"])
	status(card, fx.early, "art11.technical_documentation") == "warn"
	some msg in messages(card, fx.early, "art11.technical_documentation")
	contains(msg, "no uri")
}

test_art11_2_applies_to_annex1_products_only if {
	status(fx.credit_card, fx.due, "art11.2.single_technical_documentation") == "absent"
	status(fx.annex1_card, {"reference_date": "2028-09-01", "timeline": "amended"}, "art11.2.single_technical_documentation") == "pass"
}

test_art11_2_fails_without_sectoral_legislation if {
	card := json.remove(fx.annex1_card, ["technical_documentation/sectoral_legislation"])
	status(card, {"reference_date": "2028-09-01", "timeline": "amended"}, "art11.2.single_technical_documentation") == "fail"
}

test_art18_fails_below_ten_years if {
	card := object.union(fx.credit_card, {"records": {"retention_years": 5}})
	status(card, fx.due, "art18.documentation_retention_10y") == "fail"
}

test_art18_fails_without_retention if {
	card := json.remove(fx.credit_card, ["records"])
	status(card, fx.due, "art18.documentation_retention_10y") == "fail"
}
