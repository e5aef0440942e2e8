package comply.rules.prohibited_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.prohibited as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

# Declared by the deployer: 5(1)(h) bans the use, so it binds the deployer, not the provider.
flagged(flag) := object.union(fx.chatbot_card, {"ai_act": {"prohibited_practice_flags": [flag], "role": "deployer"}})

test_the_provider_of_a_realtime_rbi_system_is_not_banned_from_placing_it if {
	card := object.union(fx.chatbot_card, {"ai_act": {"prohibited_practice_flags": ["realtime_rbi_law_enforcement"], "role": "provider"}})
	status(card, fx.due, "art5.1.h") == "absent"
}

test_every_declared_practice_fails_its_own_rule if {
	every flag, rule_id in {
		"subliminal_manipulation": "art5.1.a", "exploitation_of_vulnerabilities": "art5.1.b",
		"social_scoring": "art5.1.c", "criminal_risk_profiling": "art5.1.d", "facial_scraping": "art5.1.e",
		"emotion_recognition_work_education": "art5.1.f", "biometric_categorisation_sensitive": "art5.1.g",
		"realtime_rbi_law_enforcement": "art5.1.h", "non_consensual_intimate_imagery": "art5.1.ba",
		"csam_generation": "art5.1.bb",
	} {
		status(flagged(flag), fx.due, rule_id) == "fail"
		status(flagged(flag), fx.due, "art5.cease_placing_putting_into_service_and_use") == "fail"
	}
}

test_new_bans_warn_before_2_december_2026 if {
	status(flagged("csam_generation"), fx.early, "art5.1.bb") == "warn"
	some msg in messages(flagged("csam_generation"), fx.early, "art5.1.bb")
	contains(msg, "2026-12-02")
}

emotion_at_work := object.union(fx.chatbot_card, {
	"ai_act": {"uses_biometrics": true, "biometric_function": "emotion_recognition", "emotion_recognition_reason": "other"},
	"deployment": {"workplace": true},
})

test_derived_emotion_recognition_ban_points_at_the_fact if {
	status(emotion_at_work, fx.due, "art5.1.f") == "fail"
	some f in rules.deny with input as t.input_for(emotion_at_work, fx.due)
	f.id == "art5.1.f"
	f.field == "card.ai_act.biometric_function"
}

test_no_prohibited_rules_for_a_lawful_system if status(fx.chatbot_card, fx.due, "art5.1.f") == "absent"

test_rbi_exception_duties_pass_with_evidence if {
	every rule_id in ["art5.2.necessity_proportionality_safeguards", "art5.3.prior_authorisation", "art5.4.notify_msa_and_dpa"] {
		status(fx.rbi_card, fx.due, rule_id) == "pass"
	}
}

test_rbi_exception_duties_fail_without_evidence if {
	status(json.remove(fx.rbi_card, ["ai_act/rbi/limits"]), fx.due, "art5.2.necessity_proportionality_safeguards") == "fail"
	status(json.remove(fx.rbi_card, ["ai_act/rbi/notifications/dpa_date"]), fx.due, "art5.4.notify_msa_and_dpa") == "fail"
	late := object.union(fx.rbi_card, {"ai_act": {"rbi": {"authorisation": {"date": "2026-03-01"}}}})
	status(late, fx.due, "art5.3.prior_authorisation") == "fail"
}


# #12 item 5: a 2026/1744 ban judged before its date is not yet a prohibition; the ban and the duty
# to cease warn that they would fail from 2026-12-02 instead of failing as if dated 2025-02-02.
test_a_ban_before_its_date_warns_with_its_date if {
	nudify := flagged("non_consensual_intimate_imagery")
	status(nudify, fx.early, "art5.1.ba") == "warn"
	status(nudify, fx.early, "art5.cease_placing_putting_into_service_and_use") == "warn"
	some msg in messages(nudify, fx.early, "art5.cease_placing_putting_into_service_and_use")
	contains(msg, "not yet applicable until 2026-12-02")
	contains(msg, "would fail")
}

# #12 item 8, Art 5(3) urgency: the use started without authorisation and the request went in within
# 24 hours. Until the authority decides, the authorisation is a warned duty naming the 24-hour limit
# and the stop-and-discard duty, not a failure; a late request, none, or a refusal while the use goes
# on is a prohibited use; a refusal obeyed (stopped, data deleted) leaves no gap.
urgent(urgency) := json.patch(fx.rbi_card, [
	{"op": "remove", "path": "/ai_act/rbi/authorisation"},
	{"op": "add", "path": "/ai_act/rbi/urgency", "value": urgency},
])

started := "2026-03-01T08:00:00Z"

test_an_urgent_use_requested_within_24_hours_warns_while_pending if {
	card := urgent({"started_at": started, "authorisation_requested_at": "2026-03-02T07:00:00Z"})
	status(card, fx.due, "art5.3.prior_authorisation") == "warn"
	status(card, fx.due, "art5.1.h") == "absent"
	some msg in messages(card, fx.due, "art5.3.prior_authorisation")
	contains(msg, "at the latest by 2026-03-02T08:00:00Z, 24 hours after the start")
	contains(msg, "if it is refused, stop the use immediately and discard its data")
}

test_an_urgent_use_granted_after_it_started_passes if {
	card := object.union(
		urgent({"started_at": started, "authorisation_requested_at": "2026-03-01T10:00:00Z"}),
		{"ai_act": {"rbi": {"authorisation": {"authority": "District Court", "date": "2026-03-02", "ref": "RK-2026-201"}}}},
	)
	status(card, fx.due, "art5.3.prior_authorisation") == "pass"
}

test_an_urgent_use_requested_after_24_hours_is_a_prohibited_use if {
	card := urgent({"started_at": started, "authorisation_requested_at": "2026-03-02T09:00:00Z"})
	status(card, fx.due, "art5.1.h") == "fail"
	status(card, fx.due, "art5.3.prior_authorisation") == "absent"
	some msg in messages(card, fx.due, "art5.1.h")
	contains(msg, "requested at 2026-03-02T09:00:00Z, after the latest 2026-03-02T08:00:00Z")
}

test_an_urgent_use_never_requested_is_a_prohibited_use if {
	card := urgent({"started_at": started})
	status(card, fx.due, "art5.1.h") == "fail"
	some msg in messages(card, fx.due, "art5.1.h")
	contains(msg, "none was requested, the latest was 2026-03-02T08:00:00Z")
}

test_a_refused_urgent_use_still_running_is_a_prohibited_use if {
	card := object.union(
		urgent({"started_at": started, "authorisation_requested_at": "2026-03-01T10:00:00Z"}),
		{"ai_act": {"rbi": {"authorisation": {"refused": true}}}},
	)
	status(card, fx.due, "art5.1.h") == "fail"
	some msg in messages(card, fx.due, "art5.1.h")
	contains(msg, "it was refused, so the use stops at once")
}

test_a_refused_urgent_use_stopped_with_its_data_deleted_leaves_no_gap if {
	card := object.union(
		urgent({
			"started_at": started, "authorisation_requested_at": "2026-03-01T10:00:00Z",
			"stopped_at": "2026-03-01T16:00:00Z", "data_deleted": true,
		}),
		{"ai_act": {"rbi": {"authorisation": {"refused": true}}}},
	)
	status(card, fx.due, "art5.1.h") == "absent"
	status(card, fx.due, "art5.3.prior_authorisation") == "pass"
}
