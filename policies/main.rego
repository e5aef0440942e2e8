# The one decision document both engines evaluate (`data.comply.main.decision`).
#
# It walks every package under data.comply.rules and data.comply.custom, so adding a rule is adding
# Rego (and its test): nothing in Python changes. Status per rule id: fail if any deny, else warn if
# any warn, else pass.
package comply.main

import rego.v1

rule_packages contains pkg if some pkg in data.comply.rules

custom_packages contains pkg if some pkg in data.comply.custom

denied contains [id, finding] if {
	some pkg in rule_packages
	some finding in pkg.deny
	id := finding.id
}

denied contains [id, finding] if {
	some pkg in custom_packages
	some finding in pkg.deny
	id := finding.id
}

warned contains [id, finding] if {
	some pkg in rule_packages
	some finding in pkg.warn
	id := finding.id
}

warned contains [id, finding] if {
	some pkg in custom_packages
	some finding in pkg.warn
	id := finding.id
}

checked contains id if {
	some pkg in rule_packages
	some id in pkg.checks
}

checked contains id if {
	some pkg in custom_packages
	some id in pkg.checks
}

checked contains id if some [id, _] in denied

checked contains id if some [id, _] in warned

denied_ids contains id if some [id, _] in denied

warned_ids contains id if some [id, _] in warned

status(id) := "fail" if {
	denied_ids[id]
} else := "warn" if {
	warned_ids[id]
} else := "pass"

findings(id) := [trimmed(f) | some pair in denied; pair[0] == id; f := pair[1]] if {
	denied_ids[id]
} else := [trimmed(f) | some pair in warned; pair[0] == id; f := pair[1]]

trimmed(finding) := object.remove(finding, ["id"])

results := [result |
	some id in sort_ids
	result := {"id": id, "status": status(id), "findings": findings(id)}
]

sort_ids := sort([id | some id in checked])

decision := {
	"classification": data.comply.classification.result,
	"results": results,
}
