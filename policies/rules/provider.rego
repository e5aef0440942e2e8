# Provider identity and organisation (Art 16(b), 17, 20, 22).
package comply.rules.provider

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

provider := duties.section(duties.section(card, "model_details"), "provider")

qms := duties.section(card, "qms")

representative := duties.section(card, "authorised_representative")

ids := {
	"art16.provider_name_contact", "art17.quality_management_system",
	"art20.corrective_actions", "art22.authorised_representative",
}

checks contains id if some id in duties.owed(ids)

# METADATA
# title: The provider's name and contact address are stated
# description: Providers indicate their name, registered trade name or mark and contact address (Art 16(b)).
# custom:
#   id: art16.provider_name_contact
#   article: Art. 16(b)
#   severity: medium
#   remediation: Fill model_details.provider.{name, address}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art16.provider_name_contact"
}

# METADATA
# title: A written quality-management system covers the system
# description: Providers put in place a documented QMS with scope and accountable owner (Art 17(1)).
# custom:
#   id: art17.quality_management_system
#   article: Art. 17
#   severity: high
#   remediation: Fill qms.{uri, scope, owner} (optionally qms.standard, e.g. iso42001).
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art17.quality_management_system"
}

# METADATA
# title: A corrective-action procedure exists
# description: >-
#   Providers that consider a system non-conforming withdraw, disable or recall it and inform
#   distributors, deployers and authorities (Art 20).
# custom:
#   id: art20.corrective_actions
#   article: Art. 20
#   severity: medium
#   remediation: Link the procedure in qms.corrective_action_procedure_uri.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art20.corrective_actions"
}

# METADATA
# title: Non-EU providers appoint an EU authorised representative
# description: Providers established outside the Union appoint an authorised representative in the Union by written mandate (Art 22).
# custom:
#   id: art22.authorised_representative
#   article: Art. 22
#   severity: high
#   remediation: Fill authorised_representative.{name, address, mandate_uri}, or set model_details.provider.established_in_eu.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art22.authorised_representative"
}

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": "art16.provider_name_contact", "msg": msg, "field": sprintf("card.model_details.provider.%s", [key])} if {
	some key in ["name", "address"]
	not duties.has_text(object.get(provider, key, null))
	msg := sprintf("provider %s not stated", [key])
}

gaps contains {"id": "art17.quality_management_system", "msg": msg, "field": sprintf("card.qms.%s", [key])} if {
	some key in ["uri", "scope", "owner"]
	not duties.has_text(object.get(qms, key, null))
	msg := sprintf("quality-management system has no %s", [key])
}

gaps contains {"id": "art20.corrective_actions", "msg": msg, "field": "card.qms.corrective_action_procedure_uri"} if {
	not duties.has_text(object.get(qms, "corrective_action_procedure_uri", null))
	msg := "no corrective-action procedure"
}

gaps contains {"id": "art22.authorised_representative", "msg": msg, "field": sprintf("card.authorised_representative.%s", [key])} if {
	some key in ["name", "address", "mandate_uri"]
	not duties.has_text(object.get(representative, key, null))
	msg := sprintf("EU authorised representative has no %s", [key])
}
