# Helpers every rules package uses to decide whether a duty applies to this input and from when.
#
# Dates are data (data.comply.dates.<timeline>.<group>), selected by input.context.timeline and
# compared with input.context.reference_date (ISO dates compare correctly as strings).
package comply.lib.duties

import rego.v1

timeline := input.context.timeline

reference_date := input.context.reference_date

tier := data.comply.classification.tier

role := data.comply.classification.role

high_risk if tier == "high"

provider if role == "provider"

deployer if role == "deployer"

# The date from which the obligations of `group` apply under the selected timeline.
applies_from(group) := data.comply.dates[timeline][group]

# True once the obligations of `group` apply on the reference date.
in_force(group) if reference_date >= applies_from(group)

not_yet_in_force(group) if reference_date < applies_from(group)
