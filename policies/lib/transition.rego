# Art 111: systems and models already on the market when the Regulation began to apply.
#
# The obligation list dates each duty by its group (comply.lib.dates); this package moves that date
# for what was placed on the market before the cut-offs, or suspends a high-risk duty altogether:
#   111(1) a component of an Annex X large-scale IT system placed before 2027-08-02: by 2030-12-31;
#   111(2) any other high-risk system placed before 2026-08-02: caught only by a significant change
#          in its design from then on, except that systems intended for public authorities must
#          comply by 2030-08-02 anyway (Art 5 is never deferred: its groups are not touched here);
#   111(3) a GPAI model placed before 2025-08-02: by 2027-08-02;
#   111(4) (Regulation (EU) 2026/1744 only) 50(2) marking by generative systems placed before
#          2026-08-02: by 2026-12-02.
# The cut-offs and deadlines are data (data.comply.transition.<timeline>). Facts: ai_act.placed_on_market
# (date), ai_act.significant_change_since (false, true, or the date of the first significant change),
# ai_act.large_scale_it_system (Annex X). A fact not stated never defers a duty: without
# placed_on_market the duties apply on their normal dates, and a legacy system whose change is not
# stated is judged as changed.
package comply.lib.transition

import data.comply.lib.dates
import rego.v1

card := input.card if is_object(input.card) else := {}

ai := card.ai_act if is_object(card.ai_act) else := {}

deployment := card.deployment if is_object(card.deployment) else := {}

iso_date(value) if {
	is_string(value)
	regex.match(`^\d{4}-\d{2}-\d{2}$`, value)
}

placed_on_market := ai.placed_on_market if iso_date(ai.placed_on_market)

changed_on := ai.significant_change_since if iso_date(ai.significant_change_since)

# The day from which a change brings a legacy system under the Regulation (the earliest possible
# day when the change is stated without its date, or not stated at all).
change_date := changed_on if changed_on else := "0000-01-01"

unchanged if ai.significant_change_since == false

# A significant change in design comes after the placing on the market (111(2)): a change dated
# earlier in the ai_act facts `facts` contradicts placed_on_market, and comply.classification asks
# which date is wrong. (A function of the facts: regorus loses this package's Art 111 reasons when
# comply.classification reads one of its rules, such as placed_on_market, before calling reasons.)
change_before_placing(facts) if {
	iso_date(facts.placed_on_market)
	iso_date(facts.significant_change_since)
	facts.significant_change_since < facts.placed_on_market
}

# 111(2): "intended to be used by public authorities"; a deployer type not stated may be one.
public_authority_use if deployment.deployer_type in {"public_authority", "union_institution"}

public_authority_use if not deployment.deployer_type in {"private", "public_service", "natural_person_personal"}

high_risk_groups := {"annex3_high_risk", "annex1_high_risk"}

law(timeline) := data.comply.transition[timeline]

large_scale_it(timeline) if {
	ai.large_scale_it_system == true
	placed_on_market < law(timeline).large_scale_it_placed_before
}

legacy_high_risk(timeline) if {
	placed_on_market < law(timeline).high_risk_placed_before
	not large_scale_it(timeline)
}

legacy_gpai(timeline) if placed_on_market < law(timeline).gpai_placed_before

legacy_generator(timeline) if placed_on_market < law(timeline).marking_placed_before

# Whether Art 111(1)-(2) touches duty `duty` ({id, group}) of a system of `tier`: only the duties of a
# high-risk system (a system the 6(3) derogation takes out of high risk keeps its 6(4) and 49(2) dates).
high_risk_duty(tier, duty) if {
	tier == "high"
	duty.group in high_risk_groups
}

# A high-risk duty of a legacy system that no significant change and no public-authority use brings
# under the Regulation: not owed at all (111(2) first sentence).
suspended(timeline, tier, duty) if {
	legacy_high_risk(timeline)
	high_risk_duty(tier, duty)
	unchanged
	not public_authority_use
}

later(a, b) := a if a > b else := b

earlier(a, b) := a if a < b else := b

# The date from which `duty` ({id, group}) of a system of `tier` applies under `timeline`, Art 111
# included; undefined when the group does not exist in that timeline or the duty is suspended.
applies_from(timeline, tier, duty) := moved(timeline, tier, duty, data.comply.dates[timeline][duty.group]) if {
	not suspended(timeline, tier, duty)
}

# Every move needs a market date; most cards have none, and every duty of the listing is dated here
# twice (both timelines), so that case is answered first.
moved(timeline, tier, duty, normal) := normal if {
	not placed_on_market
} else := later(normal, law(timeline).large_scale_it_deadline) if {
	high_risk_duty(tier, duty)
	large_scale_it(timeline)
} else := law(timeline).public_authority_deadline if {
	high_risk_duty(tier, duty)
	legacy_high_risk(timeline)
	unchanged
} else := earlier(later(normal, change_date), law(timeline).public_authority_deadline) if {
	high_risk_duty(tier, duty)
	legacy_high_risk(timeline)
	public_authority_use
} else := later(normal, change_date) if {
	high_risk_duty(tier, duty)
	legacy_high_risk(timeline)
} else := later(normal, law(timeline).gpai_deadline) if {
	duty.group == "gpai"
	legacy_gpai(timeline)
} else := later(normal, law(timeline).marking_deadline) if {
	dated_by_id(duty.id)
	legacy_generator(timeline)
} else := normal

# The duties whose Art 111 date depends on their id, not only on their group (111(4) moves 50(2)
# marking alone): any other duty is dated like every duty of its group. (A function, not a set: regorus
# loses this package's state when comply.classification reads one of its rules; see change_before_placing.)
dated_by_id(id) if id == "art50.2.machine_readable_marking"

# Whether a duty dated `applies_from` is in force on the date its group is judged at.
in_force(group, applies_from) if dates.as_if_applicable

in_force(group, applies_from) if dates.judged_at(group) >= applies_from

# The reasons Art 111 adds, under the run's timeline, for a system of `tier` (and a GPAI flag
# `gpai`) whose duties include 50(2) marking when `marks` is true.
reasons(tier, gpai, marks) := ((high_risk_reasons(tier) | gpai_reasons(gpai)) | marking_reasons(marks))

high_risk_reasons(tier) := {{"basis": "art111.1", "text": text} |
	tier == "high"
	large_scale_it(dates.timeline)
	text := sprintf("component of an Annex X large-scale IT system placed on the market on %s: the high-risk duties apply by %s", [placed_on_market, law(dates.timeline).large_scale_it_deadline])
} | {{"basis": "art111.2", "text": legacy_text} |
	tier == "high"
	legacy_high_risk(dates.timeline)
}

gpai_reasons(gpai) := {{"basis": "art111.3", "text": text} |
	gpai != "none"
	legacy_gpai(dates.timeline)
	text := sprintf("general-purpose AI model placed on the market on %s, before %s: its Chapter V duties apply by %s", [placed_on_market, law(dates.timeline).gpai_placed_before, law(dates.timeline).gpai_deadline])
}

marking_reasons(marks) := {{"basis": "art111.4", "text": text} |
	marks == true
	legacy_generator(dates.timeline)
	text := sprintf("generative system placed on the market on %s, before %s: 50(2) marking applies by %s", [placed_on_market, law(dates.timeline).marking_placed_before, law(dates.timeline).marking_deadline])
}

legacy_text := sprintf("placed on the market on %s, before %s, and not significantly changed in design since: the high-risk duties apply only after a significant change", [placed_on_market, cutoff]) if {
	unchanged
	not public_authority_use
} else := sprintf("placed on the market on %s, before %s, and not significantly changed in design since; intended for public authorities (or the deployer type is not stated): the high-risk duties apply by %s", [placed_on_market, cutoff, law(dates.timeline).public_authority_deadline]) if {
	unchanged
} else := sprintf("placed on the market on %s, before %s, and significantly changed in design on %s: the high-risk duties apply from then", [placed_on_market, cutoff, changed_on]) if {
	changed_on
} else := sprintf("placed on the market on %s, before %s, and significantly changed in design since: the high-risk duties apply", [placed_on_market, cutoff]) if {
	ai.significant_change_since == true
} else := sprintf("placed on the market on %s, before %s: declare ai_act.significant_change_since (false, or the date of the first significant change in design) to apply Art 111(2); until then every high-risk duty applies", [placed_on_market, cutoff])

cutoff := law(dates.timeline).high_risk_placed_before
