package comply.rules.deployer_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.deployer as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

deployer_ids := [
	"art26.1.use_per_instructions", "art26.2.human_oversight_assignment",
	"art26.4.input_data_relevance", "art26.5.monitoring_and_incident_notice",
	"art26.9.dpia_uses_instructions", "art26.11.inform_affected_persons", "art86.explanation_on_request",
	"art27.fria",
]

test_complete_deployer_passes if {
	every rule_id in deployer_ids {
		status(fx.deployer_card, fx.due, rule_id) == "pass"
	}
}

test_each_duty_fails_without_its_evidence if {
	every path, rule_id in {
		"deployer/instructions_followed": "art26.1.use_per_instructions",
		"deployer/instructions_uri": "art26.1.use_per_instructions",
		"deployer/oversight_persons": "art26.2.human_oversight_assignment",
		"deployer/oversight_training": "art26.2.human_oversight_assignment",
		"deployer/input_data_relevance": "art26.4.input_data_relevance",
		"deployer/provider_contact": "art26.5.monitoring_and_incident_notice",
		"deployer/monitoring_procedure_uri": "art26.5.monitoring_and_incident_notice",
		"deployer/monitored_per_instructions": "art26.5.monitoring_and_incident_notice",
		"deployer/suspension_procedure": "art26.5.monitoring_and_incident_notice",
		"deployer/market_surveillance_authority": "art26.5.monitoring_and_incident_notice",
		"deployer/affected_persons_notice": "art26.11.inform_affected_persons",
		"deployer/explanation_procedure_uri": "art86.explanation_on_request",
		"deployer/dpia/completed_date": "art26.9.dpia_uses_instructions",
		"deployer/dpia/uses_provider_instructions": "art26.9.dpia_uses_instructions",
		"deployer/dpia/uri": "art26.9.dpia_uses_instructions",
		"fria/risks": "art27.fria",
		"fria/msa_notified_date": "art27.fria",
	} {
		status(json.remove(fx.deployer_card, [path]), fx.due, rule_id) == "fail"
	}
}

test_input_data_duty_lifted_when_deployer_does_not_control_input if {
	card := object.union(json.remove(fx.deployer_card, ["deployer/input_data_relevance"]), {"deployer": {"controls_input_data": false}})
	status(card, fx.due, "art26.4.input_data_relevance") == "pass"
}

test_fria_after_first_use_fails if {
	card := object.union(fx.deployer_card, {"fria": {"completed_date": "2026-08-01"}})
	status(card, fx.due, "art27.fria") == "fail"
}

workplace := object.union(fx.deployer_card, {"deployment": {"workplace": true}})

test_workers_informed_before_use if {
	status(workplace, fx.due, "art26.7.inform_workers") == "fail"
	late := object.union(workplace, {"deployer": {"workers_informed_date": "2026-07-15"}})
	status(late, fx.due, "art26.7.inform_workers") == "fail"
	ok := object.union(workplace, {"deployer": {"workers_informed_date": "2026-06-01"}})
	status(ok, fx.due, "art26.7.inform_workers") == "pass"
}

test_public_authority_registers_its_use if {
	public := object.union(fx.deployer_card, {"deployment": {"deployer_type": "public_authority"}})
	status(public, fx.due, "art49.3.deployer_registration") == "fail"
	ok := object.union(public, {"registration": {"deployer_registration_id": "EU-DEP-9"}})
	status(ok, fx.due, "art49.3.deployer_registration") == "pass"
}

post_rbi := object.union(fx.rbi_card, {"ai_act": {"biometric_timing": "post"}})

test_post_rbi_needs_authorisation if {
	status(post_rbi, fx.due, "art26.10.post_rbi_authorisation") == "fail"
	ok := object.union(post_rbi, {"deployer": {"rbi_authorisation": {"authority": "Prosecutor", "ref": "P-77"}}})
	status(ok, fx.due, "art26.10.post_rbi_authorisation") == "pass"
}

test_deployer_duties_wait_for_the_high_risk_date if status(fx.deployer_card, fx.early, "art26.1.use_per_instructions") == "warn"


# #12 item 9: for law enforcement the persons concerned are informed under LED Art 13, not 26(11).
test_a_law_enforcement_deployer_owes_led_art13_instead_of_26_11 if {
	police := object.union(fx.deployer_card, {"deployment": {"law_enforcement": true}})
	status(police, fx.due, "art26.11.led_art13_information") == "pass"
	checks := rules.checks with input as t.input_for(police, fx.due)
	not "art26.11.inform_affected_persons" in checks
	silent := json.remove(police, ["deployer/affected_persons_notice"])
	status(silent, fx.due, "art26.11.led_art13_information") == "fail"
}

test_dpia_not_required_with_its_reason_passes if {
	card := object.union(json.remove(fx.deployer_card, ["deployer/dpia"]), {"deployer": {"dpia": {"not_required_reason": "no personal data are processed"}}})
	status(card, fx.due, "art26.9.dpia_uses_instructions") == "pass"
}

test_dpia_after_first_use_fails if {
	card := object.union(fx.deployer_card, {"deployer": {"dpia": {"completed_date": "2026-07-02"}}})
	status(card, fx.due, "art26.9.dpia_uses_instructions") == "fail"
	some m in messages(card, fx.due, "art26.9.dpia_uses_instructions")
	contains(m, "after first use on 2026-07-01")
}

test_dpia_not_using_the_instructions_fails if {
	card := object.union(fx.deployer_card, {"deployer": {"dpia": {"uses_provider_instructions": false}}})
	status(card, fx.due, "art26.9.dpia_uses_instructions") == "fail"
}

monitoring_fields(card) := fields if {
	findings := rules.deny with input as t.input_for(card, fx.due)
	fields := {f.field | some f in findings; f.id == "art26.5.monitoring_and_incident_notice"}
}

test_monitoring_gaps_name_each_missing_piece if {
	bare := json.remove(fx.deployer_card, [
		"deployer/monitoring_procedure_uri", "deployer/monitored_per_instructions",
		"deployer/suspension_procedure", "deployer/provider_contact", "deployer/market_surveillance_authority",
	])
	monitoring_fields(bare) == {
		"card.deployer.monitoring_procedure_uri", "card.deployer.monitored_per_instructions",
		"card.deployer.suspension_procedure", "card.deployer.provider_contact",
		"card.deployer.market_surveillance_authority",
	}
	some m in messages(bare, fx.due, "art26.5.monitoring_and_incident_notice")
	contains(m, "suspend use when use according to the instructions may present a risk (Art 79(1))")
}

test_an_empty_list_of_monitored_items_is_none if {
	card := object.union(fx.deployer_card, {"deployer": {"monitored_per_instructions": []}})
	monitoring_fields(card) == {"card.deployer.monitored_per_instructions"}
}

test_financial_governance_meets_the_monitoring_part_only if {
	# Art 26(5) second subparagraph: the financial-services governance stands for the monitoring, not
	# for informing the provider and the authority or suspending use.
	bank := object.union(
		json.remove(fx.deployer_card, ["deployer/monitoring_procedure_uri", "deployer/monitored_per_instructions"]),
		{"deployer": {"financial_services_governance": "CRD Art 74 internal governance, EBA/GL/2021/05"}},
	)
	status(bank, fx.due, "art26.5.monitoring_and_incident_notice") == "pass"
	without_authority := json.remove(bank, ["deployer/market_surveillance_authority"])
	monitoring_fields(without_authority) == {"card.deployer.market_surveillance_authority"}
	blank := object.union(bank, {"deployer": {"financial_services_governance": " "}})
	monitoring_fields(blank) == {"card.deployer.monitoring_procedure_uri", "card.deployer.monitored_per_instructions"}
}
