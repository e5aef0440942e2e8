# comply's own organisational rule: a high-risk model ships only with a recorded, dated approval
# by someone other than its owner, traceable to a ticket.
package comply.rules.approval

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

approvals := duties.section(card, "approvals")

ids := {"org.approval"}

checks contains id if some id in duties.owed(ids)

# METADATA
# title: Release is approved, dated and traceable
# description: >-
#   Organisation rule: a high-risk model needs an approval naming the approver, the date and the
#   change ticket; the approver is not the model's owner and the date is not in the future.
# custom:
#   id: org.approval
#   article: Organisation policy (supports Art. 17(1)(a))
#   severity: high
#   remediation: Add approvals.{approved_by, date (YYYY-MM-DD), ticket}; the approver must not be model_details.owner.
deny contains finding if some finding in enforced_gaps

# Organisation rules apply from the start; kept so the package has the full rule contract.
warn contains finding if some finding in duties.deferred(gaps)

gaps contains {"id": "org.approval", "msg": msg, "field": sprintf("card.approvals.%s", [key])} if {
	some key in ["approved_by", "ticket"]
	not duties.has_text(object.get(approvals, key, null))
	msg := sprintf("approval has no %s", [key])
}

gaps contains {"id": "org.approval", "msg": "approval has no ISO date (YYYY-MM-DD)", "field": "card.approvals.date"} if {
	not duties.iso_date(object.get(approvals, "date", null))
}

gaps contains {"id": "org.approval", "msg": msg, "field": "card.approvals.date"} if {
	duties.iso_date(approvals.date)
	approvals.date > duties.reference_date
	msg := sprintf("approval dated %s, after the reference date %s", [approvals.date, duties.reference_date])
}

# Self-approval is never waivable (a waiver would be the owner approving the exception to approving
# themselves): the finding says so, and checker/waivers.py refuses any waiver that would hide it.
gaps contains {"id": "org.approval", "msg": msg, "field": "card.approvals.approved_by", "waivable": false} if {
	duties.has_text(approvals.approved_by)
	lower(trim_space(approvals.approved_by)) == lower(trim_space(card.model_details.owner))
	msg := "the model's owner approved their own model"
}
