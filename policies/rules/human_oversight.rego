# Human oversight (Art 14): people can understand, override and stop the system; remote biometric
# identification needs two verifiers (Art 14(5)).
package comply.rules.human_oversight

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

oversight := duties.section(card, "human_oversight")

ids := {"art14.human_oversight", "art14.5.dual_verification"}

checks contains id if some id in duties.owed(ids)

oversight_modes := {"human_in_the_loop", "human_on_the_loop", "human_in_command"}

# METADATA
# title: People can oversee, override and stop the system
# description: >-
#   High-risk systems are designed for effective oversight by natural persons who can interpret
#   outputs, disregard or override them and stop the system in a safe state (Art 14(1), 14(4)).
# custom:
#   id: art14.human_oversight
#   article: Art. 14(1)-(4)
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MAP 3.5]
#   remediation: >-
#     Declare human_oversight.mode, override: true, stop_mechanism (true or how), the overseeing
#     roles and their training.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art14.human_oversight"
}

# METADATA
# title: Remote biometric identifications are verified by two people
# description: >-
#   For Annex III 1(a) systems no action or decision is taken on an identification unless two
#   competent natural persons have separately verified and confirmed it (Art 14(5)).
# custom:
#   id: art14.5.dual_verification
#   article: Art. 14(5)
#   severity: high
#   remediation: Set human_oversight.dual_verification to true (or cite the Union/national law exempting law-enforcement use in human_oversight.dual_verification_exemption).
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art14.5.dual_verification"
}

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": "art14.human_oversight", "msg": msg, "field": "card.human_oversight.mode"} if {
	not object.get(oversight, "mode", null) in oversight_modes
	msg := sprintf("oversight mode must be one of %s", [concat(", ", sort(oversight_modes))])
}

gaps contains {"id": "art14.human_oversight", "msg": "overseers cannot override or disregard outputs", "field": "card.human_oversight.override"} if {
	object.get(oversight, "override", null) != true
}

can_stop if oversight.stop_mechanism == true

can_stop if duties.has_text(oversight.stop_mechanism)

gaps contains {"id": "art14.human_oversight", "msg": "no stop mechanism to halt the system in a safe state", "field": "card.human_oversight.stop_mechanism"} if {
	not can_stop
}

gaps contains {"id": "art14.human_oversight", "msg": "no overseeing roles assigned", "field": "card.human_oversight.roles"} if {
	not duties.non_empty_array(object.get(oversight, "roles", null))
}

trained if oversight.training == true

trained if duties.has_text(oversight.training)

gaps contains {"id": "art14.human_oversight", "msg": "no oversight training described", "field": "card.human_oversight.training"} if {
	not trained
}

gaps contains {"id": "art14.5.dual_verification", "msg": msg, "field": "card.human_oversight.dual_verification"} if {
	object.get(oversight, "dual_verification", null) != true
	not duties.has_text(object.get(oversight, "dual_verification_exemption", null))
	msg := "identifications are not verified by two competent persons"
}
