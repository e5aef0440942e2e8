package comply.rules.conformity_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.conformity as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

test_passes_on_complete_card if {
	every rule_id in ["art43.conformity_assessment", "art47.eu_declaration_of_conformity", "art48.ce_marking", "art49.1.eu_database_registration"] {
		status(fx.credit_card, fx.due, rule_id) == "pass"
	}
}

test_art43_fails_on_wrong_route if {
	card := object.union(fx.credit_card, {"conformity": {"route": "sectoral_procedure_art43_3"}})
	status(card, fx.due, "art43.conformity_assessment") == "fail"
}

test_art43_fails_when_completed_after_release if {
	card := object.union(fx.credit_card, {"conformity": {"completed_date": "2026-12-24"}})
	status(card, fx.due, "art43.conformity_assessment") == "fail"
}

test_art43_fails_without_completion_date if status(json.remove(fx.credit_card, ["conformity/completed_date"]), fx.due, "art43.conformity_assessment") == "fail"

biometric := object.union(fx.credit_card, {"ai_act": {"use_cases": ["biometrics.remote_identification"], "uses_biometrics": true, "biometric_function": "identification", "biometric_timing": "post"}, "human_oversight": {"dual_verification": true}})

test_art43_biometrics_internal_control_needs_harmonised_standards if {
	status(biometric, fx.due, "art43.conformity_assessment") == "fail"
	ok := object.union(biometric, {"conformity": {"harmonised_standards_fully_applied": true}})
	status(ok, fx.due, "art43.conformity_assessment") == "pass"
}

test_art43_notified_body_route_needs_certificate if {
	card := object.union(biometric, {"conformity": {"route": "notified_body_annex_vii"}})
	status(card, fx.due, "art43.conformity_assessment") == "fail"
	ok := object.union(card, {"conformity": {"notified_body_id": "0123", "certificate_id": "C-1"}})
	status(ok, fx.due, "art43.conformity_assessment") == "pass"
}

test_art47_fails_unsigned if status(json.remove(fx.credit_card, ["conformity/signed_date"]), fx.due, "art47.eu_declaration_of_conformity") == "fail"

test_art47_fails_without_declaration if status(json.remove(fx.credit_card, ["conformity/declaration_uri"]), fx.due, "art47.eu_declaration_of_conformity") == "fail"

test_art48_fails_without_ce_marking if status(json.remove(fx.credit_card, ["conformity/ce_marking"]), fx.due, "art48.ce_marking") == "fail"

test_art49_1_fails_without_id if status(json.remove(fx.credit_card, ["registration/eu_db_id"]), fx.due, "art49.1.eu_database_registration") == "fail"

test_art49_1_fails_when_registered_after_release if {
	card := object.union(fx.credit_card, {"registration": {"date": "2026-11-01"}})
	status(card, fx.due, "art49.1.eu_database_registration") == "fail"
}

test_art49_1_fails_without_date if status(json.remove(fx.credit_card, ["registration/date"]), fx.due, "art49.1.eu_database_registration") == "fail"

migration := object.union(fx.credit_card, {"ai_act": {"use_cases": ["migration.risk_assessment"]}})

test_art49_4_restricted_section_for_migration if {
	status(migration, fx.due, "art49.4.restricted_registration") == "fail"
	ok := object.union(migration, {"registration": {"section": "restricted"}})
	status(ok, fx.due, "art49.4.restricted_registration") == "pass"
}

grid := object.union(fx.credit_card, {"ai_act": {"use_cases": ["critical_infrastructure.safety_component"]}})

test_art49_5_national_registration_for_critical_infrastructure if {
	status(grid, fx.due, "art49.5.national_registration") == "fail"
	ok := object.union(grid, {"registration": {"national_id": "DE-KRITIS-7", "national_authority": "BNetzA"}})
	status(ok, fx.due, "art49.5.national_registration") == "pass"
}

derogated := object.union(fx.credit_card, {"ai_act": {"use_cases": ["justice.judicial_assistance"], "profiling": false, "derogation": {"condition": "narrow_procedural_task", "rationale": "OCR only", "assessed_by": "Legal", "date": "2026-05-01"}}})

test_art6_4_and_art49_2_for_derogations if {
	status(derogated, fx.due, "art6.4.document_assessment") == "pass"
	status(derogated, fx.due, "art49.2.register_non_high_risk") == "fail"
	ok := object.union(derogated, {"registration": {"non_high_risk_id": "EU-NHR-1"}})
	status(ok, fx.due, "art49.2.register_non_high_risk") == "pass"
}

test_art6_4_fails_for_an_undocumented_derogation if {
	card := object.union(fx.credit_card, {"ai_act": {"use_cases": ["justice.judicial_assistance"], "profiling": false, "derogation": "narrow_procedural_task"}})
	status(card, fx.due, "art6.4.document_assessment") == "fail"
}

