# Which timeline and reference date a run uses, and when an obligation group starts to apply.
#
# Kept apart from comply.lib.duties so that comply.classification can date its obligation list
# without depending on a package that itself reads the classification.
package comply.lib.dates

import rego.v1

# The Regulation as published ("original", the stricter) unless the run asks for the amendment
# (Regulation (EU) 2026/1744, "amended"), which defers most Annex III duties.
timeline := input.context.timeline if {
	input.context.timeline in {"original", "amended"}
} else := "original"

# Readiness mode: every duty is judged as if it applied on the reference date, which still dates
# ages and expiries (a review's age, a waiver's expiry).
as_if_applicable if input.context.as_if_applicable == true

# Without a reference date every dated duty counts as applying: absent context must never turn a
# failure into a warning.
reference_date := input.context.reference_date if {
	is_string(input.context.reference_date)
} else := "9999-12-31"

# The date from which the obligations of `group` apply; undefined when the group does not exist in
# the selected timeline (the 5(1)(ba)/(bb) bans exist only as amended).
applies_from(group) := data.comply.dates[timeline][group]

# The date a group is judged at. A replay (a past --reference-date; input.context.today is then the
# real date) never defers a prohibition: Art 5 groups are judged as of today whatever the replay says.
judged_at(group) := input.context.today if {
	startswith(group, "prohibitions")
	is_string(input.context.today)
	input.context.today > reference_date
} else := reference_date

in_force(group) if judged_at(group) >= applies_from(group)

in_force(group) if {
	as_if_applicable
	applies_from(group)
}

not_yet_in_force(group) if {
	not as_if_applicable
	judged_at(group) < applies_from(group)
}
