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

test_missing_context_means_everything_applies_on_the_amended_timeline if {
	duties.timeline == "amended" with input as {"card": fx.credit_card}
	duties.due("art14.human_oversight") with input as {"card": fx.credit_card}
}

test_original_timeline_selects_its_dates if {
	duties.applies_from("annex3_high_risk") == "2026-08-02" with input as t.input_for(fx.credit_card, {"reference_date": "2026-09-01", "timeline": "original"})
}
