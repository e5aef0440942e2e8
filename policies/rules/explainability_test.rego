package comply.rules.explainability_test

import data.comply.lib.fixtures_test
import data.comply.rules.explainability
import rego.v1

importance := {"a": 0.9, "b": 0.5, "c": 0.5, "d": 0.1, "e": 0.05}

evidence := {
	"file": "shap.parquet",
	"sha256": concat("", [x | some _ in numbers.range(1, 64); x := "a"]),
	"kind": "per_row",
	"rows": 100,
	"features": ["a", "b", "c", "d", "e"],
	"importance": importance,
	"ranking": ["a", "b", "c", "d", "e"],
}

doc(top) := {"card": {"explainability": {"top_features": top}}, "evidence": {"explanations": evidence}}

ids(findings) := {f.id | some f in findings}

test_no_evidence_no_declaration_no_check if {
	count(explainability.checks) == 0 with input as {"card": {}, "evidence": {}}
}

test_declared_top_features_match_in_any_order if {
	explainability.checks == {"org.explainability.top_features", "org.explainability.sensitive_top_feature"} with input as doc(["b", "a"])
	count(explainability.deny) == 0 with input as doc(["b", "a"])
}

test_a_feature_tied_with_the_kth_may_stand_in if {
	count(explainability.deny) == 0 with input as doc(["a", "c"])
}

test_a_less_important_feature_fails_at_its_entry if {
	findings := explainability.deny with input as doc(["a", "d"])
	some f in findings
	f.field == "card.explainability.top_features.1"
	contains(f.msg, "d (mean |attribution| 0.1) is not among the top 2 of shap.parquet")
}

test_a_more_important_feature_left_out_fails if {
	findings := explainability.deny with input as doc(["b", "c"])
	some f in findings
	contains(f.msg, "a (mean |attribution| 0.9) is among the top 2")
}

test_an_unknown_top_feature_fails if {
	some f in explainability.deny with input as doc(["a", "zz"])
	contains(f.msg, "zz has no attributions")
}

test_no_declaration_with_evidence_fails_and_lists_the_top_k if {
	findings := explainability.deny with input as {"card": {}, "evidence": {"explanations": evidence}}
	some f in findings
	contains(f.msg, "gives the top 5: a (0.9), b (0.5), c (0.5), d (0.1), e (0.05)")
	findings_k2 := explainability.deny with input as {"card": {}, "evidence": {"explanations": evidence}}
		with data.comply.thresholds.explainability_top_k as 2
	some g in findings_k2
	contains(g.msg, "gives the top 2: a (0.9), b (0.5)")
}

test_declaration_without_evidence_warns if {
	findings := explainability.warn with input as {"card": {"explainability": {"top_features": ["a"]}}, "evidence": {}}
	ids(findings) == {"org.explainability.top_features"}
	count(explainability.deny) == 0 with input as {"card": {"explainability": {"top_features": ["a"]}}, "evidence": {}}
}

test_sensitive_feature_in_the_top_fails if {
	card := {"explainability": {"top_features": ["a", "b"]}, "ethical_considerations": {"bias_analysis": {"sensitive_features": ["b"]}}}
	findings := explainability.deny with input as {"card": card, "evidence": {"explanations": evidence}}
	ids(findings) == {"org.explainability.sensitive_top_feature"}
	some f in findings
	f.field == "evidence.explanations.importance.b"
	contains(f.msg, "ranks 2 of 5")
}

test_sensitive_feature_below_the_top_passes if {
	card := {"explainability": {"top_features": ["a", "b"]}, "ethical_considerations": {"bias_analysis": {"sensitive_features": ["e"]}}}
	count(explainability.deny) == 0 with input as {"card": card, "evidence": {"explanations": evidence}}
}

test_special_category_feature_in_the_top_is_sensitive if {
	special := object.union(object.remove(evidence, ["importance"]), {"features": ["religion", "b"], "importance": {"religion": 0.7, "b": 0.2}, "ranking": ["religion", "b"]})
	items := [{"name": "religion", "key": "religion", "field": "card.features.0"}, {"name": "b", "key": "b", "field": "card.features.1"}]
	input_doc := {"card": {"explainability": {"top_features": ["religion"]}}, "evidence": {"explanations": special, "features": {"source": "card", "file": "c.yaml", "items": items}}}
	ids(explainability.deny) == {"org.explainability.sensitive_top_feature"} with input as input_doc
}

test_high_risk_provider_owes_the_per_decision_explanation if {
	card := object.remove(fixtures_test.credit_card, ["explainability"])
	findings := explainability.deny with input as {"card": card, "context": fixtures_test.due, "evidence": {}}
	{f.field | some f in findings} == {"card.explainability.per_decision.method", "card.explainability.per_decision.delivered_to"}
	count(explainability.deny) == 0 with input as {"card": fixtures_test.credit_card, "context": fixtures_test.due, "evidence": {}}
}

test_not_high_risk_owes_no_per_decision_explanation if {
	not "org.explainability.per_decision" in explainability.checks with input as {"card": fixtures_test.chatbot_card, "context": fixtures_test.due, "evidence": {}}
}
