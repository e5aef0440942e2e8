package comply.rules.transparency_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.transparency as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

test_chatbot_passes if {
	status(fx.chatbot_card, fx.due, "art50.1.ai_interaction_disclosure") == "pass"
	status(fx.chatbot_card, fx.due, "art50.2.machine_readable_marking") == "pass"
}

test_art50_1_fails_without_disclosure if status(json.remove(fx.chatbot_card, ["transparency/ai_disclosure/text"]), fx.due, "art50.1.ai_interaction_disclosure") == "fail"

test_art50_1_fails_when_shown_late if {
	card := object.union(fx.chatbot_card, {"transparency": {"ai_disclosure": {"shown_at": "on_request"}}})
	status(card, fx.due, "art50.1.ai_interaction_disclosure") == "fail"
}

test_art50_2_fails_without_marking if status(json.remove(fx.chatbot_card, ["transparency/content_marking/method"]), fx.due, "art50.2.machine_readable_marking") == "fail"

test_art50_2_fails_without_detector if {
	card := object.union(fx.chatbot_card, {"transparency": {"content_marking": {"detector_available": false}}})
	status(card, fx.due, "art50.2.machine_readable_marking") == "fail"
}

test_art50_applies_from_2_august_2026 if {
	card := json.remove(fx.chatbot_card, ["transparency"])
	status(card, {"reference_date": "2026-07-01", "timeline": "amended"}, "art50.1.ai_interaction_disclosure") == "warn"
}

deployer := object.union(fx.chatbot_card, {"ai_act": {"role": "deployer", "content_types": ["video"], "generates_deepfakes": true, "publishes_public_interest_text": true}})

test_art50_4_deepfakes_disclosed_by_deployers if {
	status(deployer, fx.due, "art50.4.deepfake_disclosure") == "fail"
	ok := object.union(deployer, {"transparency": {"deepfake_label": "Generated with AI"}})
	status(ok, fx.due, "art50.4.deepfake_disclosure") == "pass"
}

test_art50_4_public_interest_text if {
	status(deployer, fx.due, "art50.4.public_interest_text_disclosure") == "fail"
	ok := object.union(deployer, {"transparency": {"editorial_review": true}})
	status(ok, fx.due, "art50.4.public_interest_text_disclosure") == "pass"
}

emotion_deployer := object.union(fx.chatbot_card, {"ai_act": {"role": "deployer", "interacts_with_natural_persons": false, "generates_synthetic_content": false, "uses_biometrics": true, "biometric_function": "categorisation", "biometric_categorisation_attributes": ["hair_colour"]}})

test_art50_3_exposure_notice if {
	status(emotion_deployer, fx.due, "art50.3.emotion_biometric_exposure_notice") == "fail"
	ok := object.union(emotion_deployer, {"transparency": {"exposure_notice": {"text": "This shop uses camera-based style analysis."}}})
	status(ok, fx.due, "art50.3.emotion_biometric_exposure_notice") == "pass"
}

