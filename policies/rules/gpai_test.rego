package comply.rules.gpai_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.gpai as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

all_ids := [
	"art52.1.notify_commission", "art53.1.a.technical_documentation",
	"art53.1.b.downstream_information", "art53.1.c.copyright_policy",
	"art53.1.d.training_content_summary", "art55.1.a.evaluation_adversarial_testing",
	"art55.1.b.systemic_risk_mitigation", "art55.1.c.incident_reporting", "art55.1.d.cybersecurity",
]

test_systemic_model_passes if {
	every rule_id in all_ids {
		status(fx.gpai_card, fx.due, rule_id) == "pass"
	}
}

test_each_document_is_required if {
	every field, rule_id in {
		"annex_xi_uri": "art53.1.a.technical_documentation", "annex_xii_uri": "art53.1.b.downstream_information",
		"copyright_policy_uri": "art53.1.c.copyright_policy", "training_summary_uri": "art53.1.d.training_content_summary",
		"red_team_uri": "art55.1.a.evaluation_adversarial_testing", "systemic_risk_assessment_uri": "art55.1.b.systemic_risk_mitigation",
		"incident_reporting_procedure_uri": "art55.1.c.incident_reporting", "cybersecurity_uri": "art55.1.d.cybersecurity",
	} {
		status(json.remove(fx.gpai_card, [concat("/", ["gpai", field])]), fx.due, rule_id) == "fail"
	}
}

test_eval_reports_required if status(json.remove(fx.gpai_card, ["gpai/eval_reports"]), fx.due, "art55.1.a.evaluation_adversarial_testing") == "fail"

test_notification_required_and_within_two_weeks if {
	status(json.remove(fx.gpai_card, ["gpai/notification_date"]), fx.due, "art52.1.notify_commission") == "fail"
	late := object.union(fx.gpai_card, {"gpai": {"notification_date": "2025-06-30"}})
	status(late, fx.due, "art52.1.notify_commission") == "fail"
}

test_duties_apply_from_2_august_2025 if status(fx.gpai_card, {"reference_date": "2025-07-01", "timeline": "amended"}, "art53.1.c.copyright_policy") == "warn"

test_non_eu_provider_needs_representative if {
	card := object.union(fx.gpai_card, {"model_details": {"provider": {"established_in_eu": false}}})
	status(card, fx.due, "art54.authorised_representative") == "fail"
	ok := object.union(card, {"gpai": {"authorised_representative": {"name": "Rep SA", "address": "Brussels"}}})
	status(ok, fx.due, "art54.authorised_representative") == "pass"
}

test_systemic_risk_not_presumed_after_rebuttal if {
	card := object.union(fx.gpai_card, {"gpai": {"systemic_risk_rebuttal_decision": "C(2026) 1234"}})
	status(card, fx.due, "art55.1.d.cybersecurity") == "absent"
}

