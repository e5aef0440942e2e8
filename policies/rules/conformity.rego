# Conformity assessment (Art 43), EU declaration (Art 47), CE marking (Art 48), registration
# (Art 49) and the documented 6(3) assessment (Art 6(4)).
package comply.rules.conformity

import data.comply.classification
import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

conformity := duties.section(card, "conformity")

registration := duties.section(card, "registration")

derogation := duties.section(duties.section(card, "ai_act"), "derogation")

release_date := card.deployment.release_date if duties.iso_date(card.deployment.release_date)

ids := {
	"art43.conformity_assessment", "art47.eu_declaration_of_conformity", "art48.ce_marking",
	"art49.1.eu_database_registration", "art49.4.restricted_registration",
	"art49.5.national_registration", "art49.2.register_non_high_risk", "art6.4.document_assessment",
}

checks contains id if some id in duties.owed(ids)

# The procedures a card may report for each derived route (Art 43(1)-(3)).
accepted_procedures := {
	"internal_control_annex_vi": {"internal_control_annex_vi"},
	"annex_vi_if_harmonised_standards_else_annex_vii": {"internal_control_annex_vi", "notified_body_annex_vii"},
	"annex_vii_with_msa_as_notified_body_or_annex_vi_if_harmonised_standards": {"internal_control_annex_vi", "msa_as_notified_body_annex_vii"},
	"sectoral_procedure_art43_3": {"sectoral_procedure_art43_3"},
}

# METADATA
# title: The conformity assessment followed the required route
# description: >-
#   Before release the provider completes the conformity-assessment procedure that Art 43 sets for
#   the system: internal control (Annex VI) for Annex III points 2-8, a notified body (Annex VII)
#   for biometrics unless harmonised standards are fully applied, the sectoral procedure for
#   Annex I products.
# custom:
#   id: art43.conformity_assessment
#   article: Art. 43
#   severity: high
#   remediation: >-
#     Record conformity.{route, completed_date}; for Annex VII or sectoral routes add
#     notified_body_id and certificate_id; internal control for biometrics needs
#     harmonised_standards_fully_applied: true.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art43.conformity_assessment"
}

# METADATA
# title: An EU declaration of conformity is signed
# description: The provider draws up and signs an EU declaration of conformity per system (Art 47, Annex V).
# custom:
#   id: art47.eu_declaration_of_conformity
#   article: Art. 47, Annex V
#   severity: medium
#   remediation: Fill conformity.{declaration_uri, signed_date}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art47.eu_declaration_of_conformity"
}

# METADATA
# title: The CE marking is affixed
# description: High-risk systems bear the CE marking (digital for digital systems) (Art 48).
# custom:
#   id: art48.ce_marking
#   article: Art. 48
#   severity: medium
#   remediation: Set conformity.ce_marking to true once affixed.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art48.ce_marking"
}

# METADATA
# title: The system is registered in the EU database before release
# description: Providers of Annex III systems (except point 2) register themselves and the system in the EU database before placing it on the market (Art 49(1), 71).
# custom:
#   id: art49.1.eu_database_registration
#   article: Art. 49(1)
#   severity: high
#   remediation: Fill registration.{eu_db_id, date}; the date must not be after deployment.release_date.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art49.1.eu_database_registration"
}

# METADATA
# title: Law-enforcement, migration and border systems are registered in the non-public section
# description: Annex III points 1, 6 and 7 systems in law enforcement, migration, asylum and border control are registered in a secure non-public section (Art 49(4)).
# custom:
#   id: art49.4.restricted_registration
#   article: Art. 49(4)
#   severity: high
#   remediation: Fill registration.{eu_db_id, date} and set registration.section to restricted.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art49.4.restricted_registration"
}

# METADATA
# title: Critical-infrastructure systems are registered nationally
# description: Annex III point 2 systems are registered at national level (Art 49(5)).
# custom:
#   id: art49.5.national_registration
#   article: Art. 49(5)
#   severity: high
#   remediation: Fill registration.{national_id, national_authority, date}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art49.5.national_registration"
}

# METADATA
# title: Annex III systems claiming the 6(3) derogation are registered
# description: A provider that considers an Annex III system not high-risk registers it before release (Art 49(2)); kept behind data.comply.flags.register_non_high_risk.
# custom:
#   id: art49.2.register_non_high_risk
#   article: Art. 49(2)
#   severity: medium
#   remediation: Fill registration.non_high_risk_id.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art49.2.register_non_high_risk"
}

# METADATA
# title: The 6(3) assessment is documented
# description: A provider relying on Art 6(3) documents its assessment before release and hands it to authorities on request (Art 6(4)).
# custom:
#   id: art6.4.document_assessment
#   article: Art. 6(4)
#   severity: high
#   remediation: Make ai_act.derogation a mapping with condition, rationale, assessed_by and date.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art6.4.document_assessment"
}

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

# --- Art 43
gaps contains {"id": "art43.conformity_assessment", "msg": msg, "field": "card.conformity.route"} if {
	accepted := accepted_procedures[classification.conformity_route]
	not object.get(conformity, "route", null) in accepted
	msg := sprintf("conformity route %v does not match the required %s (accepted: %s)", [object.get(conformity, "route", "none"), classification.conformity_route, concat(", ", sort(accepted))])
}

gaps contains {"id": "art43.conformity_assessment", "msg": msg, "field": "card.conformity.notified_body_id"} if {
	conformity.route in {"notified_body_annex_vii", "msa_as_notified_body_annex_vii", "sectoral_procedure_art43_3"}
	some key in ["notified_body_id", "certificate_id"]
	not duties.has_text(object.get(conformity, key, null))
	msg := sprintf("route %s needs conformity.%s", [conformity.route, key])
}

gaps contains {"id": "art43.conformity_assessment", "msg": msg, "field": "card.conformity.harmonised_standards_fully_applied"} if {
	classification.conformity_route != "internal_control_annex_vi"
	conformity.route == "internal_control_annex_vi"
	object.get(conformity, "harmonised_standards_fully_applied", null) != true
	msg := "internal control for a biometric system requires harmonised standards or common specifications fully applied"
}

gaps contains {"id": "art43.conformity_assessment", "msg": "conformity assessment has no ISO completion date", "field": "card.conformity.completed_date"} if {
	not duties.iso_date(object.get(conformity, "completed_date", null))
}

gaps contains {"id": "art43.conformity_assessment", "msg": msg, "field": "card.conformity.completed_date"} if {
	duties.iso_date(conformity.completed_date)
	conformity.completed_date > release_date
	msg := sprintf("conformity assessment completed %s, after the release on %s", [conformity.completed_date, release_date])
}

# --- Art 47, 48
gaps contains {"id": "art47.eu_declaration_of_conformity", "msg": "no EU declaration of conformity", "field": "card.conformity.declaration_uri"} if {
	not duties.has_text(object.get(conformity, "declaration_uri", null))
}

gaps contains {"id": "art47.eu_declaration_of_conformity", "msg": "EU declaration of conformity not signed (no ISO signed_date)", "field": "card.conformity.signed_date"} if {
	not duties.iso_date(object.get(conformity, "signed_date", null))
}

gaps contains {"id": "art48.ce_marking", "msg": "CE marking not affixed", "field": "card.conformity.ce_marking"} if {
	object.get(conformity, "ce_marking", null) != true
}

# --- Art 49
registered_before_release(id) := {"id": id, "msg": "registration has no ISO date", "field": "card.registration.date"} if {
	not duties.iso_date(object.get(registration, "date", null))
} else := {"id": id, "msg": msg, "field": "card.registration.date"} if {
	registration.date > release_date
	msg := sprintf("registered %s, after the release on %s", [registration.date, release_date])
}

gaps contains {"id": id, "msg": "not registered in the EU database (no eu_db_id)", "field": "card.registration.eu_db_id"} if {
	some id in ["art49.1.eu_database_registration", "art49.4.restricted_registration"]
	not duties.has_text(object.get(registration, "eu_db_id", null))
}

gaps contains finding if {
	some id in ["art49.1.eu_database_registration", "art49.4.restricted_registration", "art49.5.national_registration"]
	finding := registered_before_release(id)
}

gaps contains {"id": "art49.4.restricted_registration", "msg": msg, "field": "card.registration.section"} if {
	object.get(registration, "section", null) != "restricted"
	msg := "law-enforcement, migration or border systems are registered in the non-public (restricted) section"
}

gaps contains {"id": "art49.5.national_registration", "msg": msg, "field": sprintf("card.registration.%s", [key])} if {
	some key in ["national_id", "national_authority"]
	not duties.has_text(object.get(registration, key, null))
	msg := sprintf("national registration has no %s", [key])
}

gaps contains {"id": "art49.2.register_non_high_risk", "msg": msg, "field": "card.registration.non_high_risk_id"} if {
	not duties.has_text(object.get(registration, "non_high_risk_id", null))
	msg := "Annex III system relying on Art 6(3) is not registered (no non_high_risk_id)"
}

# --- Art 6(4)
gaps contains {"id": "art6.4.document_assessment", "msg": msg, "field": sprintf("card.ai_act.derogation.%s", [key])} if {
	some key in ["condition", "rationale", "assessed_by"]
	not duties.has_text(object.get(derogation, key, null))
	msg := sprintf("the Art 6(3) assessment has no %s", [key])
}

gaps contains {"id": "art6.4.document_assessment", "msg": "the Art 6(3) assessment has no ISO date", "field": "card.ai_act.derogation.date"} if {
	not duties.iso_date(object.get(derogation, "date", null))
}
