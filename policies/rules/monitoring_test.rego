package comply.rules.monitoring_test

import data.comply.lib.fixtures_test
import data.comply.rules.monitoring
import rego.v1

card := fixtures_test.credit_card

month(name, predictions, overrides) := {"period": name, "predictions": predictions, "overrides": overrides, "rate": overrides / predictions}

events(periods) := {"file": "audit.jsonl", "model": "retail-credit-scorer", "periods": periods, "deployments": []}

in_band := events([month("2026-09", 200, 20), month("2026-10", 100, 5)])

check(c, evidence) := found if {
	found := monitoring.deny with input as {"card": c, "context": fixtures_test.due, "evidence": evidence}
}

fields(findings) := {f.field | some f in findings}

test_complete_plan_and_rate_in_band_pass if {
	count(check(card, {"audit_events": in_band})) == 0
	monitoring.checks == {"org.monitoring.plan", "org.monitoring.override_rate"} with input as {"card": card, "context": fixtures_test.due, "evidence": {"audit_events": in_band}}
}

test_no_audit_log_no_rate_check if {
	monitoring.checks == {"org.monitoring.plan"} with input as {"card": card, "context": fixtures_test.due, "evidence": {}}
}

test_not_owed_by_a_chatbot if {
	count(monitoring.checks) == 0 with input as {"card": fixtures_test.chatbot_card, "context": fixtures_test.due, "evidence": {}}
}

test_missing_plan_pieces_fail_each_at_its_field if {
	findings := check(object.remove(card, ["monitoring"]), {})
	fields(findings) == {
		"card.monitoring.drift.metric", "card.monitoring.drift.threshold", "card.monitoring.fairness_metrics",
		"card.monitoring.alerting", "card.monitoring.review_cadence",
	}
}

test_one_month_above_the_band_fails_with_its_counts if {
	findings := check(card, {"audit_events": events([month("2026-09", 200, 20), month("2026-10", 100, 60)])})
	count(findings) == 1
	some f in findings
	contains(f.msg, "override rate 0.6 in 2026-10 (60 overrides / 100 predictions in audit.jsonl) is outside")
}

test_a_month_below_the_band_fails if {
	findings := check(card, {"audit_events": events([month("2026-09", 1000, 0), month("2026-10", 100, 5)])})
	fields(findings) == {"card.monitoring.override_rate"}
	some f in findings
	contains(f.msg, "in 2026-09 (0 overrides / 1000 predictions")
}

test_the_whole_log_in_band_does_not_hide_a_month_outside if {
	# 100 overrides in 1100 predictions overall (9%) is inside [0.02, 0.3]; each month alone is not.
	count(check(card, {"audit_events": events([month("2026-09", 1000, 0), month("2026-10", 100, 100)])})) == 2
}

test_no_band_with_an_audit_log_fails if {
	no_band := object.union(object.remove(card, ["monitoring"]), {"monitoring": object.remove(card.monitoring, ["override_rate"])})
	some f in check(no_band, {"audit_events": in_band})
	contains(f.msg, "declares no band")
}

test_no_events_for_the_model_cannot_be_measured if {
	some f in check(card, {"audit_events": events([])})
	f.field == "evidence.audit_events.periods"
	contains(f.msg, "records no prediction or override event for model retail-credit-scorer")
}

test_owed_by_a_deployer_of_a_high_risk_system if {
	# Art 26(5) puts monitoring on the deployer too: comply's monitoring rules apply to its card as well.
	deployer := fixtures_test.deployer_card
	monitoring.checks == {"org.monitoring.plan", "org.monitoring.override_rate"} with input as {"card": deployer, "context": fixtures_test.due, "evidence": {"audit_events": in_band}}
	count(check(deployer, {"audit_events": in_band})) == 0
	fields(check(object.remove(deployer, ["monitoring"]), {})) == {
		"card.monitoring.drift.metric", "card.monitoring.drift.threshold", "card.monitoring.fairness_metrics",
		"card.monitoring.alerting", "card.monitoring.review_cadence",
	}
}
