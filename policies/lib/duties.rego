# Helpers every rules package uses to decide whether a duty applies to this input and from when.
#
# Dates are data (data.comply.dates.<timeline>.<group>), selected by input.context.timeline and
# compared with input.context.reference_date (ISO dates compare correctly as strings). Whether a
# duty applies at all is decided once, by comply.classification's obligation list; rules only
# ask `applies(id)`, `due(id)` (applies and in force: gaps are failures) or `pending(id)` (applies
# from a later date: reported as a warning with that date, never as a pass).
package comply.lib.duties

import data.comply.lib.dates
import rego.v1

timeline := dates.timeline

reference_date := dates.reference_date

tier := data.comply.classification.tier

# The roles whose evidence is judged (the declared ones; the provider when none is declared).
roles := data.comply.classification.evidence_roles

high_risk if tier == "high"

provider if "provider" in roles

deployer if "deployer" in roles

# The date from which the obligations of `group` apply under the selected timeline.
applies_from(group) := dates.applies_from(group)

# True once the obligations of `group` apply on the reference date.
in_force(group) if dates.in_force(group)

not_yet_in_force(group) if dates.not_yet_in_force(group)

# The judged duties keyed by id, built once per decision by the classification (legal duties and
# comply's own rules alike, for the evidence roles only): `obligation(id)` is asked for every gap and
# every owed id, and a walk of the list each time was a third of the decision's cost.
obligation_by_id := data.comply.classification.checked_obligation_by_id

obligation(id) := obligation_by_id[id]

# The classification lists duty `id` for this card (tier, role and facts).
applies(id) if obligation(id)

# Listed and already applicable on the reference date.
due(id) if obligation(id).in_force == true

# Listed but applicable only from a later date.
pending(id) if obligation(id).in_force == false

# The helpers below run over every gap and owed id of every package: each reads the table once
# (`by_id`) and looks ids up in it, instead of calling `due`/`pending`/`applies` per element (in
# regorus a call or a rule reference costs more than the lookup itself).

# Gaps of duties already in force: the package's `deny`.
enforced(gaps) := {gap | by_id := obligation_by_id; some gap in gaps; by_id[gap.id].in_force == true}

# Gaps of duties not yet in force are judged all the same and become warnings, one line each, that
# say from when the duty applies and what would fail then.
deferred(gaps) := {deferred_gap(gap, gap.id) | by_id := obligation_by_id; some gap in gaps; by_id[gap.id].in_force == false}

# A gap of a rule dated by duty `duty` (its own id, or the duty it is part of).
deferred_gap(gap, duty) := object.union(gap, {
	"msg": sprintf("%s; would fail: %s", [not_yet_applicable(duty), gap.msg]),
	"pending": "would_fail",
})

# One warning per pending duty, so a duty with complete evidence is still not reported as PASS. It
# says the evidence would pass; comply.main drops it when the duty has gaps (`deferred`) to show.
pending_notices(ids) := {pending_notice(id, id) | by_id := obligation_by_id; some id in ids; by_id[id].in_force == false}

pending_notice(id, duty) := {"id": id, "msg": sprintf("%s; would pass", [not_yet_applicable(duty)]), "pending": "would_pass"}

not_yet_applicable(id) := sprintf("not yet applicable until %s (%s timeline)", [obligation(id).applies_from, timeline])

# The ids of `ids` this card owes (the package's `checks`).
owed(ids) := {id | by_id := obligation_by_id; some id in ids; by_id[id]}

# Evidence helpers shared by the rules packages.
has_text(value) if {
	is_string(value)
	trim_space(value) != ""
}

iso_date(value) if {
	is_string(value)
	regex.match(`^\d{4}-\d{2}-\d{2}$`, value)
}

non_empty_array(value) if {
	is_array(value)
	count(value) > 0
}

# Whole days between two ISO dates (b - a).
days_between(a, b) := (time.parse_ns("2006-01-02", b) - time.parse_ns("2006-01-02", a)) / ((24 * 60) * 60e9)

# `obj[key]` when it is a mapping, else an empty mapping: rules never fail on a missing section.
section(obj, key) := obj[key] if is_object(obj[key]) else := {}

# The card, always a mapping.
card := input.card if is_object(input.card) else := {}
