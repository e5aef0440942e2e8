# Helpers for the rule tests. Tests read one rules package's deny/warn/checks (not
# data.comply.main.decision: main walks data.comply.rules.*, which holds the *_test packages
# too, so a test evaluating main would recurse into itself).
package comply.lib.testing_test

import rego.v1

# "fail" | "warn" | "pass" | "absent" (the rule was not evaluated for this card).
status_of(deny, warn, checks, id) := "fail" if {
	some f in deny
	f.id == id
} else := "warn" if {
	some f in warn
	f.id == id
} else := "pass" if {
	id in checks
} else := "absent"

messages_of(deny, warn, id) := [f.msg | some f in deny | warn; f.id == id]

input_for(card, context) := {"card": card, "context": context}
