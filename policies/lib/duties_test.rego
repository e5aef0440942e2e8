package comply.lib.duties_test

import data.comply.lib.duties
import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import rego.v1

test_helpers_the_other_rule_packages_use if {
	duties.high_risk with input as t.input_for(fx.credit_card, fx.due)
	duties.provider with input as t.input_for(fx.credit_card, fx.due)
	duties.deployer with input as t.input_for(fx.deployer_card, fx.due)
	not duties.deployer with input as t.input_for(fx.credit_card, fx.due)
	duties.applies_from("annex3_high_risk") == "2027-12-02" with input as t.input_for(fx.credit_card, fx.due)
	duties.in_force("annex3_high_risk") with input as t.input_for(fx.credit_card, fx.due)
	duties.not_yet_in_force("annex3_high_risk") with input as t.input_for(fx.credit_card, fx.early)
}

test_missing_context_means_everything_applies_on_the_original_timeline if {
	duties.timeline == "original" with input as {"card": fx.credit_card}
	duties.due("art14.human_oversight") with input as {"card": fx.credit_card}
}

test_as_if_applicable_makes_a_pending_duty_due_and_keeps_the_reference_date if {
	ready := object.union(fx.early, {"as_if_applicable": true})
	duties.pending("art14.human_oversight") with input as t.input_for(fx.credit_card, fx.early)
	duties.due("art14.human_oversight") with input as t.input_for(fx.credit_card, ready)
	not duties.not_yet_in_force("annex3_high_risk") with input as t.input_for(fx.credit_card, ready)
	duties.reference_date == "2026-11-25" with input as t.input_for(fx.credit_card, ready)
}

test_as_if_applicable_never_invents_a_group_the_timeline_lacks if {
	ready := object.union(fx.early, {"as_if_applicable": true})
	not duties.in_force("no_such_group") with input as t.input_for(fx.credit_card, ready)
}

test_a_pending_gap_says_when_and_what_would_fail_on_one_line if {
	gap := {"id": "art14.human_oversight", "msg": "no stop mechanism", "field": "card.human_oversight.stop_mechanism"}
	found := duties.deferred({gap}) with input as t.input_for(fx.credit_card, fx.early)
	found == {{
		"id": "art14.human_oversight",
		"msg": "not yet applicable until 2027-12-02 (amended timeline); would fail: no stop mechanism",
		"field": "card.human_oversight.stop_mechanism",
		"pending": "would_fail",
	}}
}

test_a_pending_duty_without_gaps_says_it_would_pass if {
	found := duties.pending_notices({"art14.human_oversight"}) with input as t.input_for(fx.credit_card, fx.early)
	found == {{
		"id": "art14.human_oversight",
		"msg": "not yet applicable until 2027-12-02 (amended timeline); would pass",
		"pending": "would_pass",
	}}
}

test_original_timeline_selects_its_dates if {
	duties.applies_from("annex3_high_risk") == "2026-08-02" with input as t.input_for(fx.credit_card, {"reference_date": "2026-09-01", "timeline": "original"})
}
