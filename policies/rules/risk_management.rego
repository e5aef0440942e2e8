# Risk-management system (Art 9) for high-risk providers: documented, reviewed, with measures and
# pre-defined test thresholds.
package comply.rules.risk_management

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

risk := duties.section(card, "risk_management")

evaluation := duties.section(card, "evaluation")

ids := {"art9.risk_management"}

checks contains id if some id in duties.owed(ids)

# METADATA
# title: A reviewed risk-management process covers every risk
# description: >-
#   High-risk providers run an iterative risk-management process: risks identified with adopted
#   measures, residual risk accepted, review kept current, and testing against metrics and
#   thresholds defined before release (Art 9(2)-(8)).
# custom:
#   id: art9.risk_management
#   article: Art. 9
#   severity: high
#   remediation: >-
#     Fill risk_management.{plan_uri, risks (each with mitigation), residual_risk_accepted_by,
#     last_review (an ISO date, not after deployment.release_date)} and give every evaluation metric a threshold in evaluation.thresholds.
deny contains finding if some finding in enforced_gaps

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": "art9.risk_management", "msg": msg, "field": sprintf("card.risk_management.%s", [key])} if {
	some key in ["plan_uri", "residual_risk_accepted_by"]
	not duties.has_text(object.get(risk, key, null))
	msg := sprintf("risk management has no %s", [key])
}

gaps contains {"id": "art9.risk_management", "msg": "no risks identified", "field": "card.risk_management.risks"} if {
	not duties.non_empty_array(object.get(risk, "risks", null))
}

gaps contains {"id": "art9.risk_management", "msg": msg, "field": sprintf("card.risk_management.risks.%d.mitigation", [i])} if {
	some i, item in risk.risks
	not duties.has_text(object.get(item, "mitigation", null))
	msg := sprintf("risk %d has no mitigation measure", [i])
}

gaps contains {"id": "art9.risk_management", "msg": "no ISO date of the last risk review", "field": "card.risk_management.last_review"} if {
	not duties.iso_date(object.get(risk, "last_review", null))
}

# Freshness is judged at the release the card describes (a new release moves the date), else at the
# reference date: re-checking a released version later must not change its verdict.
judged_at := card.deployment.release_date if duties.iso_date(card.deployment.release_date) else := duties.reference_date

# How old a review may be is comply's rule, not the Act's: Art 9(2) asks for a process "regularly
# systematically reviewed and updated" and names no period. It is judged on the dates of Art 9 (a
# stale review of a system whose Art 9 duty is pending warns with that date).
review_age_id := "org.risk_management.review_age"

checks contains review_age_id if {
	duties.applies(review_age_id)
	duties.applies("art9.risk_management")
}

review_age_gaps contains {"id": review_age_id, "msg": msg, "field": "card.risk_management.last_review"} if {
	duties.applies(review_age_id)
	duties.iso_date(risk.last_review)
	age := duties.days_between(risk.last_review, judged_at)
	age > data.comply.thresholds.risk_review_max_age_days
	msg := sprintf("last risk review %s was %d days old on %s (more than the organisation's %d)", [risk.last_review, age, judged_at, data.comply.thresholds.risk_review_max_age_days])
}

# METADATA
# title: The risk review is no older than the organisation allows
# description: >-
#   The last risk review is at most data.comply.thresholds.risk_review_max_age_days (365 by default)
#   before the release the card describes. The period is the organisation's: the AI Act requires
#   regular systematic review of the risk-management process (Art 9(2)) but fixes no interval.
# custom:
#   id: org.risk_management.review_age
#   article: Organisation policy (supports Art. 9(2))
#   severity: medium
#   remediation: >-
#     Review the risks again and record the date in risk_management.last_review, or set the
#     organisation's risk_review_max_age_days in comply.yaml.
deny contains finding if {
	duties.due("art9.risk_management")
	some finding in review_age_gaps
}

warn contains finding if {
	duties.pending("art9.risk_management")
	some gap in review_age_gaps
	finding := duties.deferred_gap(gap, "art9.risk_management")
}

gaps contains {"id": "art9.risk_management", "msg": msg, "field": "card.risk_management.last_review"} if {
	duties.iso_date(risk.last_review)
	risk.last_review > judged_at
	msg := sprintf("last risk review %s is after %s", [risk.last_review, judged_at])
}

metrics := duties.section(evaluation, "metrics")

thresholds := duties.section(evaluation, "thresholds")

gaps contains {"id": "art9.risk_management", "msg": "no evaluation metrics to test against", "field": "card.evaluation.metrics"} if {
	count(metrics) == 0
}

gaps contains {"id": "art9.risk_management", "msg": msg, "field": sprintf("card.evaluation.thresholds.%s", [name])} if {
	some name, _ in metrics
	not name in object.keys(thresholds)
	msg := sprintf("metric %s has no pre-defined threshold", [name])
}
