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
