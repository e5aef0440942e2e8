# Technical documentation (Art 11, Annex IV) and its retention (Art 18) for high-risk providers.
package comply.rules.documentation

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

documentation := duties.section(card, "technical_documentation")

records := duties.section(card, "records")

# Annex IV points 1-9, by the names a card lists in technical_documentation.annex_iv_sections.
annex_iv_sections := {
	"general_description", "development_process", "capabilities_and_limitations",
	"metric_appropriateness", "risk_management", "lifecycle_changes", "standards_applied",
	"eu_declaration_of_conformity", "post_market_monitoring_plan",
}

ids := {"art11.technical_documentation", "art11.2.single_technical_documentation", "art18.documentation_retention_10y"}

checks contains id if some id in duties.owed(ids)

# METADATA
# title: Technical documentation covers Annex IV and predates release
# description: >-
#   High-risk providers draw up the technical documentation before placing the system on the
#   market and keep it current; it must cover all nine Annex IV points (Art 11(1)).
# custom:
#   id: art11.technical_documentation
#   article: Art. 11(1), Annex IV
#   severity: high
#   remediation: >-
#     Add technical_documentation.{uri, version, date} and list all nine Annex IV sections in
#     technical_documentation.annex_iv_sections; date it no later than the release date.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art11.technical_documentation"
}

# METADATA
# title: Annex I products keep one technical documentation file
# description: >-
#   For a product under Annex I section A, a single set of technical documentation covers the AI
#   Act and the sectoral legislation (Art 11(2)).
# custom:
#   id: art11.2.single_technical_documentation
#   article: Art. 11(2)
#   severity: medium
#   remediation: Name the sectoral legislation the single file also covers in technical_documentation.sectoral_legislation.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art11.2.single_technical_documentation"
}

# METADATA
# title: Documentation is kept for ten years
# description: >-
#   Providers keep the technical documentation, QMS documentation, notified-body decisions and the
#   EU declaration of conformity for ten years after placing on the market (Art 18(1)).
# custom:
#   id: art18.documentation_retention_10y
#   article: Art. 18(1)
#   severity: medium
#   remediation: Set records.retention_years to 10 or more.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art18.documentation_retention_10y"
}

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": "art11.technical_documentation", "msg": msg, "field": sprintf("card.technical_documentation.%s", [key])} if {
	some key in ["uri", "version"]
	not duties.has_text(object.get(documentation, key, null))
	msg := sprintf("technical documentation has no %s", [key])
}

gaps contains {"id": "art11.technical_documentation", "msg": "technical documentation has no ISO date (YYYY-MM-DD)", "field": "card.technical_documentation.date"} if {
	not duties.iso_date(object.get(documentation, "date", null))
}

listed_sections := {s | some s in documentation.annex_iv_sections} if is_array(documentation.annex_iv_sections) else := set()

gaps contains {"id": "art11.technical_documentation", "msg": msg, "field": "card.technical_documentation.annex_iv_sections"} if {
	absent := annex_iv_sections - listed_sections
	count(absent) > 0
	msg := sprintf("Annex IV sections missing: %s", [concat(", ", sort(absent))])
}

release_date := card.deployment.release_date if duties.iso_date(card.deployment.release_date)

gaps contains {"id": "art11.technical_documentation", "msg": msg, "field": "card.technical_documentation.date"} if {
	duties.iso_date(documentation.date)
	documentation.date > release_date
	msg := sprintf("technical documentation dated %s, after the release on %s: it must exist before placing on the market", [documentation.date, release_date])
}

gaps contains {"id": "art11.2.single_technical_documentation", "msg": msg, "field": "card.technical_documentation.sectoral_legislation"} if {
	not duties.has_text(object.get(documentation, "sectoral_legislation", null))
	msg := "the technical documentation does not name the Annex I sectoral legislation it also covers"
}

gaps contains {"id": "art18.documentation_retention_10y", "msg": msg, "field": "card.records.retention_years"} if {
	not is_number(object.get(records, "retention_years", null))
	msg := "no documentation retention period declared"
}

gaps contains {"id": "art18.documentation_retention_10y", "msg": msg, "field": "card.records.retention_years"} if {
	is_number(records.retention_years)
	records.retention_years < data.comply.law.documentation_retention_years
	msg := sprintf("documentation kept %v years, fewer than %v", [records.retention_years, data.comply.law.documentation_retention_years])
}
