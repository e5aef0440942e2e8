# Transparency towards deployers (Art 13): instructions for use that match the evaluation.
package comply.rules.instructions

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

instructions := duties.section(card, "instructions_for_use")

evaluated := duties.section(duties.section(card, "evaluation"), "metrics")

declared := duties.section(instructions, "accuracy_metrics")

ids := {"art13.instructions_for_use"}

checks contains id if some id in duties.owed(ids)

# METADATA
# title: Instructions for use are complete and declare the evaluated accuracy
# description: >-
#   Deployers get instructions stating the intended purpose, the declared accuracy metrics, known
#   limitations, the human-oversight measures and how to access logs (Art 13(2)-(3)); the declared
#   metrics are the evaluated ones.
# custom:
#   id: art13.instructions_for_use
#   article: Art. 13
#   severity: medium
#   remediation: >-
#     Fill instructions_for_use.{uri, intended_purpose, accuracy_metrics, limitations,
#     oversight_measures, log_access}; copy accuracy_metrics from evaluation.metrics.
deny contains finding if some finding in enforced_gaps

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": "art13.instructions_for_use", "msg": msg, "field": sprintf("card.instructions_for_use.%s", [key])} if {
	some key in ["uri", "intended_purpose", "limitations", "oversight_measures", "log_access"]
	not duties.has_text(object.get(instructions, key, null))
	msg := sprintf("instructions for use have no %s", [key])
}

gaps contains {"id": "art13.instructions_for_use", "msg": msg, "field": "card.instructions_for_use.accuracy_metrics"} if {
	count(declared) == 0
	msg := "instructions for use declare no accuracy metrics"
}

gaps contains {"id": "art13.instructions_for_use", "msg": msg, "field": sprintf("card.instructions_for_use.accuracy_metrics.%s", [name])} if {
	some name, value in declared
	value != evaluated[name]
	msg := sprintf("declared %s %v differs from the evaluated %v", [name, value, object.get(evaluated, name, "nothing")])
}
