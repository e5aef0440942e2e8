# Deployer obligations for high-risk systems (Art 26, 27, 49(3), 86).
# Art 26(6) log retention belongs to the record-keeping rules.
package comply.rules.deployer

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

deployer := duties.section(card, "deployer")

fria := duties.section(card, "fria")

dpia := duties.section(deployer, "dpia")

registration := duties.section(card, "registration")

first_use := card.deployment.first_use_date if duties.iso_date(card.deployment.first_use_date)

ids := {
	"art26.1.use_per_instructions", "art26.2.human_oversight_assignment",
	"art26.4.input_data_relevance", "art26.5.monitoring_and_incident_notice",
	"art26.7.inform_workers", "art26.9.dpia_uses_instructions", "art26.10.post_rbi_authorisation",
	"art26.11.inform_affected_persons", "art26.11.led_art13_information", "art86.explanation_on_request", "art27.fria",
	"art49.3.deployer_registration",
}

checks contains id if some id in duties.owed(ids)

# METADATA
# title: The system is used according to the provider's instructions
# description: Deployers take technical and organisational measures to use the system in accordance with its instructions for use (Art 26(1)).
# custom:
#   id: art26.1.use_per_instructions
#   article: Art. 26(1)
#   severity: high
#   remediation: Link the instructions in deployer.instructions_uri and set deployer.instructions_followed to true.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art26.1.use_per_instructions"
}

# METADATA
# title: Competent people are assigned to oversee the system
# description: Deployers assign human oversight to natural persons with the necessary competence, training, authority and support (Art 26(2)).
# custom:
#   id: art26.2.human_oversight_assignment
#   article: Art. 26(2)
#   severity: high
#   remediation: List deployer.oversight_persons and describe deployer.oversight_training.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art26.2.human_oversight_assignment"
}

# METADATA
# title: Input data are relevant and representative
# description: Where the deployer controls the input data, it ensures they are relevant and sufficiently representative for the intended purpose (Art 26(4)).
# custom:
#   id: art26.4.input_data_relevance
#   article: Art. 26(4)
#   severity: medium
#   remediation: Describe the checks in deployer.input_data_relevance, or set deployer.controls_input_data to false.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art26.4.input_data_relevance"
}

# METADATA
# title: Operation is monitored and risks and incidents are reported
# description: >-
#   Deployers monitor the operation on the basis of the instructions for use; where use according to
#   them may present a risk (Art 79(1)) they inform the provider or distributor and the market
#   surveillance authority without undue delay and suspend use; a serious incident they report first to
#   the provider, then to the importer or distributor and the market surveillance authority (Art 26(5)).
#   comply reads this as: the card names the monitoring procedure and what it watches per the
#   instructions, how use is suspended, and whom to inform (the provider and the market surveillance
#   authority). A financial institution whose monitoring is that of its governance under Union
#   financial-services law (deployer.financial_services_governance) meets the monitoring part by it
#   (Art 26(5) second subparagraph); the notices and the suspension stay.
# custom:
#   id: art26.5.monitoring_and_incident_notice
#   article: Art. 26(5)
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.4, MANAGE 2.4, MANAGE 4.3]
#   remediation: >-
#     Fill deployer.{monitoring_procedure_uri, monitored_per_instructions (what the provider's
#     instructions say to watch), suspension_procedure, provider_contact, market_surveillance_authority}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art26.5.monitoring_and_incident_notice"
}

# METADATA
# title: Workers are informed before use at the workplace
# description: Employers inform workers' representatives and the affected workers before putting a high-risk system into use at the workplace (Art 26(7)).
# custom:
#   id: art26.7.inform_workers
#   article: Art. 26(7)
#   severity: high
#   remediation: Record deployer.workers_informed_date, no later than deployment.first_use_date.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art26.7.inform_workers"
}

# METADATA
# title: The data protection impact assessment uses the provider's instructions
# description: >-
#   Where a data protection impact assessment is required (GDPR Art 35, Directive (EU) 2016/680
#   Art 27), deployers use the information the provider gives under Art 13 to carry it out (Art 26(9)).
# custom:
#   id: art26.9.dpia_uses_instructions
#   article: Art. 26(9)
#   severity: medium
#   remediation: >-
#     Fill deployer.dpia.{completed_date, uri} and set deployer.dpia.uses_provider_instructions to true
#     (complete it before deployment.first_use_date), or state deployer.dpia.not_required_reason.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art26.9.dpia_uses_instructions"
}

# METADATA
# title: Post-remote biometric identification is authorised
# description: Law-enforcement deployers of post-remote biometric identification obtain judicial or administrative authorisation ex ante or within 48 hours (Art 26(10)).
# custom:
#   id: art26.10.post_rbi_authorisation
#   article: Art. 26(10)
#   severity: critical
#   remediation: Fill deployer.rbi_authorisation.{authority, ref}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art26.10.post_rbi_authorisation"
}

# METADATA
# title: Affected persons are informed
# description: Deployers of Annex III systems making or assisting decisions about natural persons inform them that they are subject to the system (Art 26(11)).
# custom:
#   id: art26.11.inform_affected_persons
#   article: Art. 26(11)
#   severity: high
#   remediation: Describe the notice in deployer.affected_persons_notice.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art26.11.inform_affected_persons"
}

# METADATA
# title: Data subjects get the information of Directive (EU) 2016/680 Art 13
# description: For high-risk systems used for law enforcement, Art 13 of Directive (EU) 2016/680 governs the information given to the persons concerned, instead of the Art 26(11) notice (Art 26(11) last sentence).
# custom:
#   id: art26.11.led_art13_information
#   article: Art. 26(11)
#   severity: high
#   remediation: Describe how the information of Directive (EU) 2016/680 Art 13 is given, in deployer.affected_persons_notice.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art26.11.led_art13_information"
}

# METADATA
# title: Affected persons can obtain an explanation
# description: Persons subject to a decision based on an Annex III system with legal or similarly significant effects may obtain a clear and meaningful explanation (Art 86).
# custom:
#   id: art86.explanation_on_request
#   article: Art. 86
#   severity: medium
#   remediation: Link the procedure in deployer.explanation_procedure_uri.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art86.explanation_on_request"
}

# METADATA
# title: A fundamental-rights impact assessment precedes first use
# description: >-
#   Public bodies, private entities providing public services and every deployer of credit-scoring
#   or life/health-insurance systems assess the impact on fundamental rights before first use and
#   notify the market-surveillance authority (Art 27).
# custom:
#   id: art27.fria
#   article: Art. 27
#   severity: high
#   remediation: Fill fria.{completed_date, affected_groups, risks, msa_notified_date}; complete it before deployment.first_use_date.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art27.fria"
}

# METADATA
# title: Public-authority deployers register their use
# description: Public authorities and Union bodies deploying Annex III systems (except point 2) register their use in the EU database and use only registered systems (Art 26(8), 49(3)).
# custom:
#   id: art49.3.deployer_registration
#   article: Art. 26(8), 49(3)
#   severity: high
#   remediation: Record the registration of the use in registration.deployer_registration_id.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art49.3.deployer_registration"
}

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": "art26.1.use_per_instructions", "msg": "no instructions for use on record", "field": "card.deployer.instructions_uri"} if {
	not duties.has_text(object.get(deployer, "instructions_uri", null))
}

gaps contains {"id": "art26.1.use_per_instructions", "msg": msg, "field": "card.deployer.instructions_followed"} if {
	object.get(deployer, "instructions_followed", null) != true
	msg := "use according to the instructions is not confirmed"
}

gaps contains {"id": "art26.2.human_oversight_assignment", "msg": "no oversight persons assigned", "field": "card.deployer.oversight_persons"} if {
	not duties.non_empty_array(object.get(deployer, "oversight_persons", null))
}

gaps contains {"id": "art26.2.human_oversight_assignment", "msg": "no oversight training described", "field": "card.deployer.oversight_training"} if {
	not duties.has_text(object.get(deployer, "oversight_training", null))
}

gaps contains {"id": "art26.4.input_data_relevance", "msg": msg, "field": "card.deployer.input_data_relevance"} if {
	object.get(deployer, "controls_input_data", null) != false
	not duties.has_text(object.get(deployer, "input_data_relevance", null))
	msg := "relevance and representativeness of the input data are not documented"
}

# Art 26(5) second subparagraph: a financial institution's governance under Union financial-services law
# meets the monitoring part; informing and suspending are still owed.
monitoring_by_financial_governance if duties.has_text(object.get(deployer, "financial_services_governance", null))

gaps contains {"id": "art26.5.monitoring_and_incident_notice", "msg": msg, "field": "card.deployer.monitoring_procedure_uri"} if {
	not monitoring_by_financial_governance
	not duties.has_text(object.get(deployer, "monitoring_procedure_uri", null))
	msg := "no procedure for monitoring the operation on record"
}

gaps contains {"id": "art26.5.monitoring_and_incident_notice", "msg": msg, "field": "card.deployer.monitored_per_instructions"} if {
	not monitoring_by_financial_governance
	not duties.non_empty_array(object.get(deployer, "monitored_per_instructions", null))
	msg := "the monitoring names nothing it watches on the basis of the provider's instructions for use"
}

gaps contains {"id": "art26.5.monitoring_and_incident_notice", "msg": msg, "field": "card.deployer.suspension_procedure"} if {
	not duties.has_text(object.get(deployer, "suspension_procedure", null))
	msg := "no procedure to suspend use when use according to the instructions may present a risk (Art 79(1))"
}

notice_contacts := {
	"provider_contact": "the provider, to inform of a risk and first of a serious incident",
	"market_surveillance_authority": "the market surveillance authority, to inform of a risk and of a serious incident",
}

gaps contains {"id": "art26.5.monitoring_and_incident_notice", "msg": msg, "field": sprintf("card.deployer.%s", [key])} if {
	some key, whom in notice_contacts
	not duties.has_text(object.get(deployer, key, null))
	msg := sprintf("no contact on record for %s", [whom])
}

gaps contains {"id": "art26.7.inform_workers", "msg": "workers were not informed", "field": "card.deployer.workers_informed_date"} if {
	not duties.iso_date(object.get(deployer, "workers_informed_date", null))
}

gaps contains {"id": "art26.7.inform_workers", "msg": msg, "field": "card.deployer.workers_informed_date"} if {
	duties.iso_date(deployer.workers_informed_date)
	deployer.workers_informed_date > first_use
	msg := sprintf("workers informed on %s, after first use on %s", [deployer.workers_informed_date, first_use])
}

# A DPIA on record, or the reason none is required; a DPIA names where it is and says it used the
# provider's instructions, and precedes first use (GDPR Art 35(1): prior to the processing).
dpia_done if duties.iso_date(object.get(dpia, "completed_date", null))

dpia_not_required if duties.has_text(object.get(dpia, "not_required_reason", null))

gaps contains {"id": "art26.9.dpia_uses_instructions", "msg": msg, "field": "card.deployer.dpia.completed_date"} if {
	not dpia_done
	not dpia_not_required
	msg := "no data protection impact assessment on record, and no reason why none is required"
}

gaps contains {"id": "art26.9.dpia_uses_instructions", "msg": msg, "field": "card.deployer.dpia.uses_provider_instructions"} if {
	dpia_done
	object.get(dpia, "uses_provider_instructions", null) != true
	msg := "the data protection impact assessment does not state that it used the provider's instructions for use (Art 13)"
}

gaps contains {"id": "art26.9.dpia_uses_instructions", "msg": "the data protection impact assessment has no uri", "field": "card.deployer.dpia.uri"} if {
	dpia_done
	not duties.has_text(object.get(dpia, "uri", null))
}

gaps contains {"id": "art26.9.dpia_uses_instructions", "msg": msg, "field": "card.deployer.dpia.completed_date"} if {
	dpia_done
	dpia.completed_date > first_use
	msg := sprintf("data protection impact assessment completed on %s, after first use on %s", [dpia.completed_date, first_use])
}

gaps contains {"id": "art26.10.post_rbi_authorisation", "msg": msg, "field": sprintf("card.deployer.rbi_authorisation.%s", [key])} if {
	some key in ["authority", "ref"]
	not duties.has_text(object.get(duties.section(deployer, "rbi_authorisation"), key, null))
	msg := sprintf("post-remote biometric identification authorisation has no %s", [key])
}

gaps contains {"id": "art26.11.inform_affected_persons", "msg": msg, "field": "card.deployer.affected_persons_notice"} if {
	not duties.has_text(object.get(deployer, "affected_persons_notice", null))
	msg := "affected persons are not informed that the system is used on them"
}

gaps contains {"id": "art26.11.led_art13_information", "msg": msg, "field": "card.deployer.affected_persons_notice"} if {
	not duties.has_text(object.get(deployer, "affected_persons_notice", null))
	msg := "the persons concerned are not given the information of Directive (EU) 2016/680 Art 13"
}

gaps contains {"id": "art86.explanation_on_request", "msg": msg, "field": "card.deployer.explanation_procedure_uri"} if {
	not duties.has_text(object.get(deployer, "explanation_procedure_uri", null))
	msg := "no procedure to explain decisions on request"
}

gaps contains {"id": "art27.fria", "msg": msg, "field": sprintf("card.fria.%s", [key])} if {
	some key in ["completed_date", "msa_notified_date"]
	not duties.iso_date(object.get(fria, key, null))
	msg := sprintf("fundamental-rights impact assessment has no %s", [key])
}

gaps contains {"id": "art27.fria", "msg": msg, "field": sprintf("card.fria.%s", [key])} if {
	some key in ["affected_groups", "risks"]
	not duties.non_empty_array(object.get(fria, key, null))
	msg := sprintf("fundamental-rights impact assessment lists no %s", [key])
}

gaps contains {"id": "art27.fria", "msg": msg, "field": "card.fria.completed_date"} if {
	duties.iso_date(fria.completed_date)
	fria.completed_date > first_use
	msg := sprintf("FRIA completed on %s, after first use on %s", [fria.completed_date, first_use])
}

gaps contains {"id": "art49.3.deployer_registration", "msg": msg, "field": "card.registration.deployer_registration_id"} if {
	not duties.has_text(object.get(registration, "deployer_registration_id", null))
	msg := "the deployer's use is not registered in the EU database"
}
