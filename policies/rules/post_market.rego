# Post-market monitoring (Art 72) and serious-incident reporting (Art 73).
package comply.rules.post_market

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

monitoring := duties.section(card, "post_market_monitoring")

incidents := duties.section(card, "incident_response")

deadlines := duties.section(incidents, "deadlines_days")

ids := {"art72.post_market_monitoring", "art73.serious_incident_reporting"}

checks contains id if some id in duties.owed(ids)

# Legal maxima from policy data, by the deadline names of the card.
legal_maximum := {
	"general": data.comply.law.incident_deadline_general_days,
	"death": data.comply.law.incident_deadline_death_days,
	"widespread_or_critical_infrastructure": data.comply.law.incident_deadline_widespread_or_critical_infrastructure_days,
}

# METADATA
# title: A post-market monitoring plan collects performance data
# description: Providers document a post-market monitoring system and plan that collects and analyses performance data over the system's lifetime (Art 72).
# custom:
#   id: art72.post_market_monitoring
#   article: Art. 72
#   severity: medium
#   remediation: Fill post_market_monitoring.{plan_uri, metrics, cadence}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art72.post_market_monitoring"
}

# METADATA
# title: Serious incidents are reported within the legal deadlines
# description: >-
#   Serious incidents are reported to the market-surveillance authority within 15 days, 10 days
#   in case of death and 2 days for a widespread infringement or serious disruption of critical
#   infrastructure (Art 73(2)-(4)).
# custom:
#   id: art73.serious_incident_reporting
#   article: Art. 73
#   severity: high
#   remediation: >-
#     Fill incident_response.{procedure_uri, contact} and deadlines_days.{general <= 15,
#     death <= 10, widespread_or_critical_infrastructure <= 2}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art73.serious_incident_reporting"
}

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": "art72.post_market_monitoring", "msg": msg, "field": sprintf("card.post_market_monitoring.%s", [key])} if {
	some key in ["plan_uri", "cadence"]
	not duties.has_text(object.get(monitoring, key, null))
	msg := sprintf("post-market monitoring has no %s", [key])
}

gaps contains {"id": "art72.post_market_monitoring", "msg": "post-market monitoring tracks no metrics", "field": "card.post_market_monitoring.metrics"} if {
	not duties.non_empty_array(object.get(monitoring, "metrics", null))
}

gaps contains {"id": "art73.serious_incident_reporting", "msg": msg, "field": sprintf("card.incident_response.%s", [key])} if {
	some key in ["procedure_uri", "contact"]
	not duties.has_text(object.get(incidents, key, null))
	msg := sprintf("incident response has no %s", [key])
}

gaps contains {"id": "art73.serious_incident_reporting", "msg": msg, "field": sprintf("card.incident_response.deadlines_days.%s", [kind])} if {
	some kind, maximum in legal_maximum
	not is_number(object.get(deadlines, kind, null))
	msg := sprintf("no %s reporting deadline declared (legal maximum %v days)", [kind, maximum])
}

gaps contains {"id": "art73.serious_incident_reporting", "msg": msg, "field": sprintf("card.incident_response.deadlines_days.%s", [kind])} if {
	some kind, maximum in legal_maximum
	is_number(deadlines[kind])
	deadlines[kind] > maximum
	msg := sprintf("%s reporting deadline %v days exceeds the legal maximum of %v", [kind, deadlines[kind], maximum])
}
