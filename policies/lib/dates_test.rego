package comply.lib.dates_test

import data.comply.lib.dates
import rego.v1

replay := {"reference_date": "2024-01-01", "today": "2026-12-01", "timeline": "amended"}

test_a_replay_never_defers_a_prohibition if {
	dates.in_force("prohibitions") with input.context as replay
	not dates.not_yet_in_force("prohibitions") with input.context as replay
}

test_a_replay_still_dates_other_duties_at_the_reference_date if {
	dates.not_yet_in_force("annex3_high_risk") with input.context as replay
}

test_without_today_the_reference_date_dates_everything if {
	dates.not_yet_in_force("prohibitions") with input.context as {"reference_date": "2024-01-01", "timeline": "amended"}
}

test_a_future_reference_date_is_not_pulled_back_to_today if {
	ahead := {"reference_date": "2030-01-01", "today": "2026-12-01", "timeline": "amended"}
	dates.in_force("annex3_high_risk") with input.context as ahead
}
