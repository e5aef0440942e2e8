package comply.rules.features_test

import data.comply.rules.features
import rego.v1

item(name, key, i) := {"name": name, "key": key, "field": sprintf("card.features.%d", [i])}

doc(items) := {"card": {}, "evidence": {"features": {"source": "card", "file": "card.yaml", "items": items}}}

ids(findings) := {f.id | some f in findings}

clean := [item("income", "income", 0), item("term_months", "term_months", 1)]

test_no_features_no_checks if {
	count(features.checks) == 0 with input as {"card": {}, "evidence": {}}
}

test_clean_features_pass_all_three if {
	features.checks == {"gdpr.art9.special_category_feature", "gdpr.art5.1.c.direct_identifier", "org.features.prohibited"} with input as doc(clean)
	count(features.deny) == 0 with input as doc(clean)
}

test_special_category_feature_for_decisions_fails if {
	findings := features.deny with input as doc(array.concat(clean, [item("Ethnicity", "ethnicity", 2)]))
	ids(findings) == {"gdpr.art9.special_category_feature"}
	some f in findings
	f.field == "card.features.2"
	contains(f.msg, "racial_or_ethnic_origin")
}

test_term_matches_whole_words_only if {
	count(features.deny) == 0 with input as doc([item("trace_id", "trace_id", 0), item("unionised_sector", "unionised_sector", 1)])
	ids(features.deny) == {"gdpr.art9.special_category_feature"} with input as doc([item("applicant_health_score", "applicant_health_score", 0)])
}

test_art9_2_ground_stated_passes if {
	grounded := object.union(item("diagnosis", "diagnosis", 0), {"special_category_ground": "Art. 9(2)(h): preventive medicine, under professional secrecy"})
	count(features.deny) == 0 with input as doc([grounded])
}

test_vague_ground_is_no_ground if {
	vague := object.union(item("diagnosis", "diagnosis", 0), {"special_category_ground": "legitimate interest"})
	ids(features.deny) == {"gdpr.art9.special_category_feature"} with input as doc([vague])
}

test_bias_detection_needs_art10_5_safeguards if {
	kept := object.union(item("ethnic_origin", "ethnic_origin", 0), {"purpose": "bias_detection"})
	some f in features.deny with input as doc([kept])
	contains(f.msg, "Art 10(5)")
	safeguarded := object.union(doc([kept]), {"card": {"data_governance": {"special_category_safeguards": "pseudonymised, access-logged, deleted after the bias audit"}}})
	count(features.deny) == 0 with input as safeguarded
}

test_direct_identifier_fails if {
	findings := features.deny with input as doc([item("applicantEmail", "applicant_email", 0)])
	ids(findings) == {"gdpr.art5.1.c.direct_identifier"}
	some f in findings
	contains(f.msg, "(email)")
}

test_prohibited_list_is_data if {
	zip := [item("zip_code", "zip_code", 0)]
	count(features.deny) == 0 with input as doc(zip)
	findings := features.deny with input as doc(zip) with data.comply.feature_lists.prohibited as [{"term": "zip_code", "reason": "proxy for ethnic origin"}]
	ids(findings) == {"org.features.prohibited"}
	some f in findings
	contains(f.msg, "proxy for ethnic origin")
}

test_extended_special_category_list_is_used if {
	bmi := [item("bmi", "bmi", 0)]
	count(features.deny) == 0 with input as doc(bmi)
	ids(features.deny) == {"gdpr.art9.special_category_feature"} with input as doc(bmi)
		with data.comply.feature_lists.special_categories.health_data as ["health", "bmi"]
}

test_explanations_feature_points_at_its_column if {
	header := {"name": "religion", "key": "religion", "field": "evidence.explanations.importance.religion", "column": 3}
	input_doc := {"card": {}, "evidence": {"features": {"source": "explanations", "file": "shap.csv", "items": [header]}}}
	some f in features.deny with input as input_doc
	f.field == "evidence.explanations.importance.religion"
	contains(f.msg, "column 3 of shap.csv")
}

signature_item(name, key, i) := {"name": name, "key": key, "field": sprintf("evidence.model.inputs.%d", [i]), "at": sprintf("input %d of the signature in model/MLmodel", [i + 1])}

signature_doc(items) := {"card": {}, "evidence": {"features": {"source": "signature", "file": "model/MLmodel", "items": items}}}

test_signature_feature_names_its_input_and_file if {
	findings := features.deny with input as signature_doc([signature_item("income", "income", 0), signature_item("ethnic_origin", "ethnic_origin", 1)])
	ids(findings) == {"gdpr.art9.special_category_feature"}
	some f in findings
	f.field == "evidence.model.inputs.1"
	startswith(f.msg, "feature ethnic_origin (input 2 of the signature in model/MLmodel) is special-category")
	not "org.features.match_model" in features.checks with input as signature_doc([signature_item("income", "income", 0)])
}

with_model(items, names) := {"card": {}, "evidence": {"features": {"source": "card", "file": "card.yaml", "items": items, "model": {"file": "model/MLmodel", "names": names}}}}

test_card_list_matching_the_signature_passes if {
	"org.features.match_model" in features.checks with input as with_model(clean, ["income", "term_months"])
	count(features.deny) == 0 with input as with_model(clean, ["income", "term_months"])
}

test_undeclared_signature_input_fails_at_the_signature if {
	undeclared := object.union(signature_item("religion", "religion", 2), {"declared": false})
	findings := features.deny with input as with_model(array.concat(clean, [undeclared]), ["income", "term_months", "religion"])
	ids(findings) == {"org.features.match_model", "gdpr.art9.special_category_feature"}
	some f in findings
	f.id == "org.features.match_model"
	f.field == "evidence.model.inputs.2"
	contains(f.msg, "feature religion (input 3 of the signature in model/MLmodel) is an input of the model that the card's features do not list")
}

test_card_feature_the_model_does_not_take_fails_at_the_card if {
	findings := features.deny with input as with_model(clean, ["income"])
	ids(findings) == {"org.features.match_model"}
	some f in findings
	f.field == "card.features.1"
	contains(f.msg, "the card lists feature term_months, which is not an input of the model (signature in model/MLmodel)")
}
