# Data and data governance (Art 10) for high-risk providers: every dataset documented, bias examined.
# The bias *numbers* against thresholds are the fairness rules' (policies/rules/fairness*.rego).
package comply.rules.data_governance

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

governance := duties.section(card, "data_governance")

ethics := duties.section(card, "ethical_considerations")

ids := {"art10.data_governance"}

checks contains id if some id in duties.owed(ids)

dataset_fields := ["name", "provenance", "collection_purpose", "preparation", "representativeness"]

# METADATA
# title: Training, validation and test data are governed
# description: >-
#   Each dataset documents its provenance, original purpose, preparation and representativeness,
#   and the data were examined for possible biases (Art 10(2)-(3)); special-category data only
#   under the Art 10(5) safeguards.
# custom:
#   id: art10.data_governance
#   article: Art. 10(2)-(5)
#   severity: high
#   remediation: >-
#     List every dataset under data_governance.datasets with name, provenance, collection_purpose,
#     preparation and representativeness, and record the bias examination in
#     ethical_considerations.bias_analysis (metrics and sensitive_features).
deny contains finding if some finding in enforced_gaps

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": "art10.data_governance", "msg": "no datasets documented", "field": "card.data_governance.datasets"} if {
	not duties.non_empty_array(object.get(governance, "datasets", null))
}

gaps contains {"id": "art10.data_governance", "msg": msg, "field": sprintf("card.data_governance.datasets.%d.%s", [i, key])} if {
	some i, dataset in governance.datasets
	some key in dataset_fields
	not duties.has_text(object.get(dataset, key, null))
	msg := sprintf("dataset %d has no %s", [i, key])
}

bias_analysis := governance.bias_analysis if is_object(governance.bias_analysis) else := duties.section(ethics, "bias_analysis")

bias_examined if count(object.keys(duties.section(bias_analysis, "metrics"))) > 0

bias_examined if duties.has_text(bias_analysis.report_uri)

gaps contains {"id": "art10.data_governance", "msg": msg, "field": "card.ethical_considerations.bias_analysis"} if {
	not bias_examined
	msg := "no bias examination recorded (metrics or report_uri)"
}

gaps contains {"id": "art10.data_governance", "msg": msg, "field": "card.ethical_considerations.bias_analysis.sensitive_features"} if {
	bias_examined
	not duties.non_empty_array(object.get(bias_analysis, "sensitive_features", null))
	msg := "bias examination names no sensitive features"
}

gaps contains {"id": "art10.data_governance", "msg": msg, "field": "card.data_governance.special_category_safeguards"} if {
	governance.special_category_data == true
	not duties.has_text(object.get(governance, "special_category_safeguards", null))
	msg := "special-category personal data processed without the Art 10(5) safeguards documented"
}
