# The one decision document both engines evaluate (`data.comply.main.decision`).
#
# It walks every package under data.comply.rules and, at any depth, under data.comply.custom, so adding a
# rule is adding Rego (and its test): nothing in Python changes. Status per rule id: fail if any deny, else
# warn if any warn, else pass.
#
# Custom packages may use conftest's shapes, since users bring policies written for it: rule sets named
# `deny`, `violation` (failures) or `warn` (warnings), each optionally with a `_suffix`; findings that are
# strings, objects with an `id`, or objects without one. A string finding, or an object without `id`, is
# reported under the package path as its rule id (`comply.custom.team.naming`). Every custom finding
# carries its `package`, so Python can name the file of a finding it cannot report.
package comply.main

import rego.v1

rule_packages contains pkg if some pkg in data.comply.rules

# [path, package] for every package below data.comply.custom that has a rule set comply reads.
custom_packages contains [path, pkg] if {
	walk(data.comply.custom, [path, pkg])
	is_object(pkg)
	some name, _ in pkg
	custom_rule_set(name)
}

custom_kind(name) := "deny" if regex.match(`^(deny|violation)(_[A-Za-z0-9_]+)?$`, name)

custom_kind(name) := "warn" if regex.match(`^warn(_[A-Za-z0-9_]+)?$`, name)

custom_rule_set(name) if custom_kind(name)

custom_rule_set(name) if name == "checks"

package_id(path) := concat(".", array.concat(["comply", "custom"], path))

# The findings a rule set produced: a set or array of them, or one finding for a complete rule that is true.
produced(value) := value if is_set(value)

produced(value) := value if is_array(value)

produced(value) := {true} if value == true

produced(value) := set() if value == false

produced(value) := {value} if {
	not is_set(value)
	not is_array(value)
	not is_boolean(value)
}

# [id, finding] in the documented shape, the package path standing in for a missing id.
custom_finding(path, name, raw) := [package_id(path), {"msg": raw, "package": package_id(path)}] if is_string(raw)

custom_finding(path, name, raw) := [raw.id, object.union(raw, {"package": package_id(path)})] if {
	is_object(raw)
	is_string(object.get(raw, "id", null))
}

custom_finding(path, name, raw) := [package_id(path), object.union(raw, {"package": package_id(path)})] if {
	is_object(raw)
	not is_string(object.get(raw, "id", null))
}

custom_finding(path, name, raw) := [package_id(path), {"msg": msg, "package": package_id(path)}] if {
	raw == true
	msg := sprintf("%s.%s is true", [package_id(path), name])
}

custom_finding(path, name, raw) := [package_id(path), {"unreadable": raw, "package": package_id(path)}] if {
	not is_string(raw)
	not is_object(raw)
	raw != true
}

custom_found contains [kind, pair] if {
	some [path, pkg] in custom_packages
	some name, value in pkg
	kind := custom_kind(name)
	some raw in produced(value)
	pair := custom_finding(path, name, raw)
}

denied contains [id, finding] if {
	some pkg in rule_packages
	some finding in pkg.deny
	id := finding.id
}

denied contains pair if some ["deny", pair] in custom_found

warned contains [id, finding] if {
	some pkg in rule_packages
	some finding in pkg.warn
	id := finding.id
}

warned contains pair if some ["warn", pair] in custom_found

checked contains id if {
	some pkg in rule_packages
	some id in pkg.checks
}

checked contains id if {
	some [_, pkg] in custom_packages
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
} else := [trimmed(f) | some pair in warned; pair[0] == id; f := pair[1]; not superseded(id, f)]

# A pending duty says "would pass" only when none of its gaps says "would fail".
superseded(id, finding) if {
	finding.pending == "would_pass"
	some [other_id, other] in warned
	other_id == id
	other.pending == "would_fail"
}

trimmed(finding) := object.remove(finding, ["id", "pending"])

results := [result |
	some id in sort_ids
	result := {"id": id, "status": status(id), "findings": findings(id)}
]

sort_ids := sort([id | some id in checked])

decision := {
	"classification": data.comply.classification.result,
	"results": results,
}
