package comply.rules.risk_management_test

import data.comply.lib.fixtures_test as fx
import data.comply.lib.testing_test as t
import data.comply.rules.risk_management as rules
import rego.v1

status(card, context, rule_id) := s if {
	s := t.status_of(rules.deny, rules.warn, rules.checks, rule_id) with input as t.input_for(card, context)
}

messages(card, context, rule_id) := m if {
	m := t.messages_of(rules.deny, rules.warn, rule_id) with input as t.input_for(card, context)
}

id := "art9.risk_management"

test_passes_on_complete_card if status(fx.credit_card, fx.due, id) == "pass"

test_fails_without_plan if status(json.remove(fx.credit_card, ["risk_management/plan_uri"]), fx.due, id) == "fail"

test_fails_without_risks if status(json.remove(fx.credit_card, ["risk_management/risks"]), fx.due, id) == "fail"

test_fails_when_a_risk_has_no_mitigation if {
	card := json.patch(fx.credit_card, [{"op": "remove", "path": "/risk_management/risks/1/mitigation"}])
	status(card, fx.due, id) == "fail"
}

review_age := "org.risk_management.review_age"

# #12 item 11: the 365-day limit is the organisation's rule; Art 9 itself is met by a dated review.
test_a_stale_review_fails_the_organisation_rule_not_art9 if {
	card := object.union(fx.credit_card, {"risk_management": {"last_review": "2025-06-01"}})
	status(card, fx.due, review_age) == "fail"
	status(card, fx.due, id) == "pass"
}

test_a_fresh_review_passes_the_organisation_rule if status(fx.credit_card, fx.due, review_age) == "pass"

test_a_stale_review_of_a_pending_art9_warns_with_its_date if {
	card := object.union(fx.credit_card, {"risk_management": {"last_review": "2025-06-01"}})
	status(card, fx.early, review_age) == "warn"
	some msg in messages(card, fx.early, review_age)
	contains(msg, "not yet applicable until 2027-12-02")
}

test_the_review_age_is_not_a_deployer_rule if {
	checks := rules.checks with input as t.input_for(fx.deployer_card, fx.due)
	not review_age in checks
}

test_fails_when_review_is_after_release if {
	card := object.union(fx.credit_card, {"risk_management": {"last_review": "2026-12-01"}})
	status(card, fx.due, id) == "fail"
}

test_stale_review_judged_at_reference_date_without_release if {
	card := json.remove(fx.credit_card, ["deployment/release_date"])
	status(card, {"reference_date": "2028-01-01", "timeline": "amended"}, review_age) == "fail"
	status(card, {"reference_date": "2026-11-25", "timeline": "original"}, review_age) == "pass"
}

test_fails_without_review_date if status(json.remove(fx.credit_card, ["risk_management/last_review"]), fx.due, id) == "fail"

test_fails_when_a_metric_has_no_threshold if {
	card := object.union(fx.credit_card, {"evaluation": {"metrics": {"brier": 0.1}}})
	status(card, fx.due, id) == "fail"
}

test_fails_without_metrics if status(json.remove(fx.credit_card, ["evaluation/metrics"]), fx.due, id) == "fail"

