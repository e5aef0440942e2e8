# comply's own organisational rule: the evaluation numbers a card states are the numbers its
# evidence gives. The evidence is `input.evidence.evaluation`: recomputed from the predictions file
# `comply card fill` recorded (evaluation.source), or the metrics an MLflow run logged. The rule
# applies whenever such evidence is there, whatever the tier: a card must not claim other numbers
# than its own source, and it never passes without evidence to compare against.
package comply.rules.evaluation_evidence

import data.comply.lib.duties
import rego.v1

id := "org.evaluation.matches_evidence"

measured := object.get(object.get(input, "evidence", {}), "evaluation", {})

evaluation := duties.section(duties.card, "evaluation")

stated_metrics := duties.section(evaluation, "metrics")

stated_slices := duties.section(evaluation, "slices")

measured_metrics := object.get(measured, "metrics", {})

measured_slices := object.get(measured, "slices", {})

provenance := object.get(measured, "provenance", {})

tolerance := data.comply.thresholds.evaluation_metric_tolerance

source_name := object.get(provenance, "file", object.get(provenance, "source", "the evidence"))

checks contains id if count(measured) > 0

disagree(stated, actual) if {
	is_number(stated)
	is_number(actual)
	abs(stated - actual) > tolerance
}

# METADATA
# title: Stated evaluation metrics match their evidence
# description: >-
#   Organisation rule (supports Arts. 13(3)(b)(ii) and 15(3)): every metric and per-group slice the
#   card states agrees, within evaluation_metric_tolerance, with the same metric recomputed from the
#   predictions file the card records or logged by its MLflow run.
# custom:
#   id: org.evaluation.matches_evidence
#   article: Organisation policy (supports Arts. 13(3)(b)(ii), 15(3))
#   severity: high
#   remediation: >-
#     Run `comply card fill model_card.yaml --predictions <file>` (or --mlflow runs:/<id>) so the card
#     states the numbers its evidence gives, instead of editing them by hand.
deny contains finding if {
	some name, value in stated_metrics
	disagree(value, measured_metrics[name])
	msg := sprintf("organisation rule: the card states %s %v, %s gives %v", [name, value, source_name, measured_metrics[name]])
	finding := {"id": id, "msg": msg, "field": sprintf("card.evaluation.metrics.%s", [name])}
}

deny contains finding if {
	some slice, values in stated_slices
	is_object(values)
	some name, value in values
	disagree(value, measured_slices[slice][name])
	msg := sprintf("organisation rule: the card states %s %s %v, %s gives %v", [slice, name, value, source_name, measured_slices[slice][name]])
	finding := {"id": id, "msg": msg, "field": sprintf("card.evaluation.slices.%s.%s", [slice, name])}
}

warn contains finding if {
	provenance.missing == true
	msg := sprintf("organisation rule: the card records its evaluation source %s, which is not there: its numbers were not verified (keep the file beside the card, or pass --mlflow)", [source_name])
	finding := {"id": id, "msg": msg, "field": "card.evaluation.source.file"}
}

warn contains finding if {
	recorded := object.get(provenance, "recorded_sha256", "")
	recorded != ""
	object.get(provenance, "sha256", "") != ""
	recorded != provenance.sha256
	msg := sprintf("organisation rule: %s changed since the card was filled (sha256 %s, recorded %s); run comply card fill again", [source_name, provenance.sha256, recorded])
	finding := {"id": id, "msg": msg, "field": "card.evaluation.source.sha256"}
}
