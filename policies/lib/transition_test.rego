package comply.lib.transition_test

import data.comply.lib.transition
import rego.v1

test_a_change_dated_before_the_placing_on_the_market_is_a_contradiction if {
	transition.change_before_placing({"placed_on_market": "2025-03-01", "significant_change_since": "2024-12-01"})
}

test_a_change_on_or_after_the_placing_on_the_market_is_none if {
	not transition.change_before_placing({"placed_on_market": "2025-03-01", "significant_change_since": "2025-03-01"})
	not transition.change_before_placing({"placed_on_market": "2025-03-01", "significant_change_since": "2028-03-01"})
}

test_a_change_without_a_date_or_a_market_date_is_none if {
	not transition.change_before_placing({"placed_on_market": "2025-03-01", "significant_change_since": true})
	not transition.change_before_placing({"significant_change_since": "2024-12-01"})
}
