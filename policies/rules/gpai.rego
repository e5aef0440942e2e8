# Obligations of providers of general-purpose AI models (Art 52-55).
package comply.rules.gpai

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

gpai := duties.section(card, "gpai")

ids := {
	"art52.1.notify_commission", "art53.1.a.technical_documentation",
	"art53.1.b.downstream_information", "art53.1.c.copyright_policy",
	"art53.1.d.training_content_summary", "art54.authorised_representative",
	"art55.1.a.evaluation_adversarial_testing", "art55.1.b.systemic_risk_mitigation",
	"art55.1.c.incident_reporting", "art55.1.d.cybersecurity",
}

checks contains id if some id in duties.owed(ids)

# Evidence that is one link each: obligation id -> gpai field.
document_for := {
	"art53.1.a.technical_documentation": "annex_xi_uri",
	"art53.1.b.downstream_information": "annex_xii_uri",
	"art53.1.c.copyright_policy": "copyright_policy_uri",
	"art53.1.d.training_content_summary": "training_summary_uri",
	"art55.1.a.evaluation_adversarial_testing": "red_team_uri",
	"art55.1.b.systemic_risk_mitigation": "systemic_risk_assessment_uri",
	"art55.1.c.incident_reporting": "incident_reporting_procedure_uri",
	"art55.1.d.cybersecurity": "cybersecurity_uri",
}

# METADATA
# title: The Commission is notified of a systemic-risk model
# description: A provider whose model meets the systemic-risk threshold notifies the Commission within two weeks (Art 52(1)).
# custom:
#   id: art52.1.notify_commission
#   article: Art. 52(1)
#   severity: high
#   remediation: Record gpai.notification_date (ISO date).
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art52.1.notify_commission"
}

# METADATA
# title: Annex XI technical documentation is kept for the AI Office
# description: GPAI providers draw up and keep current the Annex XI technical documentation (Art 53(1)(a)); not required for open-source models without systemic risk (53(2)).
# custom:
#   id: art53.1.a.technical_documentation
#   article: Art. 53(1)(a), Annex XI
#   severity: high
#   remediation: Link the documentation in gpai.annex_xi_uri.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art53.1.a.technical_documentation"
}

# METADATA
# title: Downstream providers get the Annex XII information
# description: GPAI providers give downstream system providers the Annex XII information (Art 53(1)(b)); not required for open-source models without systemic risk.
# custom:
#   id: art53.1.b.downstream_information
#   article: Art. 53(1)(b), Annex XII
#   severity: high
#   remediation: Link the information in gpai.annex_xii_uri.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art53.1.b.downstream_information"
}

# METADATA
# title: A copyright policy honours text-and-data-mining opt-outs
# description: GPAI providers put in place a policy to comply with Union copyright law, including reservations of rights under Art 4(3) of Directive (EU) 2019/790 (Art 53(1)(c)).
# custom:
#   id: art53.1.c.copyright_policy
#   article: Art. 53(1)(c)
#   severity: high
#   remediation: Link the policy in gpai.copyright_policy_uri.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art53.1.c.copyright_policy"
}

# METADATA
# title: A public summary of the training content is published
# description: GPAI providers publish a sufficiently detailed summary of the training content using the AI Office template (Art 53(1)(d)).
# custom:
#   id: art53.1.d.training_content_summary
#   article: Art. 53(1)(d)
#   severity: high
#   remediation: Link the public summary in gpai.training_summary_uri.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art53.1.d.training_content_summary"
}

# METADATA
# title: Non-EU GPAI providers appoint an authorised representative
# description: GPAI providers established outside the Union appoint an authorised representative in the Union (Art 54); not for open-source models without systemic risk (54(6)).
# custom:
#   id: art54.authorised_representative
#   article: Art. 54
#   severity: high
#   remediation: Fill gpai.authorised_representative.{name, address}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art54.authorised_representative"
}

# METADATA
# title: The model is evaluated with documented adversarial testing
# description: Providers of systemic-risk models evaluate them with standardised protocols, including documented adversarial testing (Art 55(1)(a)).
# custom:
#   id: art55.1.a.evaluation_adversarial_testing
#   article: Art. 55(1)(a)
#   severity: high
#   remediation: List gpai.eval_reports and link the red-team report in gpai.red_team_uri.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art55.1.a.evaluation_adversarial_testing"
}

# METADATA
# title: Union-level systemic risks are assessed and mitigated
# description: Providers of systemic-risk models assess and mitigate possible systemic risks at Union level (Art 55(1)(b)).
# custom:
#   id: art55.1.b.systemic_risk_mitigation
#   article: Art. 55(1)(b)
#   severity: high
#   remediation: Link the assessment in gpai.systemic_risk_assessment_uri.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art55.1.b.systemic_risk_mitigation"
}

# METADATA
# title: Serious incidents are tracked and reported to the AI Office
# description: Providers of systemic-risk models track, document and report serious incidents and corrective measures to the AI Office without undue delay (Art 55(1)(c)).
# custom:
#   id: art55.1.c.incident_reporting
#   article: Art. 55(1)(c)
#   severity: high
#   remediation: Link the procedure in gpai.incident_reporting_procedure_uri.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art55.1.c.incident_reporting"
}

# METADATA
# title: Model and infrastructure are adequately protected
# description: Providers of systemic-risk models ensure adequate cybersecurity for the model and its physical infrastructure (Art 55(1)(d)).
# custom:
#   id: art55.1.d.cybersecurity
#   article: Art. 55(1)(d)
#   severity: high
#   remediation: Link the security measures in gpai.cybersecurity_uri.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art55.1.d.cybersecurity"
}

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": id, "msg": msg, "field": sprintf("card.gpai.%s", [key])} if {
	some id, key in document_for
	not duties.has_text(object.get(gpai, key, null))
	msg := sprintf("no %s", [key])
}

gaps contains {"id": "art55.1.a.evaluation_adversarial_testing", "msg": "no evaluation reports", "field": "card.gpai.eval_reports"} if {
	not duties.non_empty_array(object.get(gpai, "eval_reports", null))
}

gaps contains {"id": "art52.1.notify_commission", "msg": msg, "field": "card.gpai.notification_date"} if {
	not duties.iso_date(object.get(gpai, "notification_date", null))
	msg := "the Commission was not notified (no notification_date)"
}

representative := duties.section(gpai, "authorised_representative")

gaps contains {"id": "art54.authorised_representative", "msg": msg, "field": sprintf("card.gpai.authorised_representative.%s", [key])} if {
	some key in ["name", "address"]
	not duties.has_text(object.get(representative, key, null))
	msg := sprintf("EU authorised representative has no %s", [key])
}

gaps contains {"id": "art52.1.notify_commission", "msg": msg, "field": "card.gpai.notification_date"} if {
	duties.iso_date(gpai.notification_date)
	duties.iso_date(gpai.threshold_met_date)
	late := duties.days_between(gpai.threshold_met_date, gpai.notification_date)
	late > data.comply.law.gpai_notification_days
	msg := sprintf("Commission notified %d days after the threshold was met (at most %d)", [late, data.comply.law.gpai_notification_days])
}
