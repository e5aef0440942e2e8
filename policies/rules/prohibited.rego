# Article 5: prohibited practices, and the duties of the 5(1)(h) exception. None can be waived.
package comply.rules.prohibited

import data.comply.classification
import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

rbi := duties.section(duties.section(card, "ai_act"), "rbi")

practice_ids := {
	"art5.1.a", "art5.1.b", "art5.1.c", "art5.1.d", "art5.1.e", "art5.1.f", "art5.1.g",
	"art5.1.h", "art5.1.ba", "art5.1.bb",
}

exception_ids := {
	"art5.2.necessity_proportionality_safeguards", "art5.3.prior_authorisation",
	"art5.4.notify_msa_and_dpa",
}

ids := (practice_ids | exception_ids) | {"art5.cease_placing_putting_into_service_and_use"}

checks contains id if some id in duties.owed(ids)

# Every matched practice, with the reasons the classification found.
gaps contains {"id": r.basis, "msg": sprintf("prohibited practice (%s): %s", [r.basis, r.text]), "field": field_of(r.basis)} if {
	some r in classification.prohibited_reasons
}

field_of(basis) := "card.ai_act.biometric_function" if {
	basis in {"art5.1.f", "art5.1.g", "art5.1.h"}
	not flagged(basis)
} else := "card.ai_act.prohibited_practice_flags"

flagged(basis) if {
	some flag in classification.declared_flags
	classification.practice_basis[flag] == basis
}

# A ban not yet applicable (classification.pending_bans) is judged all the same: its gaps are dated, so
# comply check warns that they would fail from the ban's date.
gaps contains {"id": r.basis, "msg": sprintf("prohibited practice (%s): %s", [r.basis, r.text]), "field": "card.ai_act.prohibited_practice_flags"} if {
	some r in classification.pending_bans
}

gaps contains {"id": "art5.cease_placing_putting_into_service_and_use", "msg": msg, "field": "card.ai_act"} if {
	bases := sort({r.basis | some r in (classification.prohibited_reasons | classification.pending_bans)})
	count(bases) > 0
	msg := sprintf("placing on the market, putting into service and use are prohibited (%s)", [concat(", ", bases)])
}

# METADATA
# title: No subliminal, manipulative or deceptive techniques
# description: Techniques that materially distort behaviour by impairing informed decisions and cause significant harm are prohibited (Art 5(1)(a)).
# custom:
#   id: art5.1.a
#   article: Art. 5(1)(a)
#   severity: critical
#   waivable: false
#   remediation: Remove the manipulative technique; the system cannot be placed on the EU market.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.1.a"
}

# METADATA
# title: No exploitation of vulnerabilities
# description: Exploiting vulnerabilities due to age, disability or a social or economic situation to distort behaviour with significant harm is prohibited (Art 5(1)(b)).
# custom:
#   id: art5.1.b
#   article: Art. 5(1)(b)
#   severity: critical
#   waivable: false
#   remediation: Remove the exploitative behaviour; the system cannot be placed on the EU market.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.1.b"
}

# METADATA
# title: No social scoring
# description: Scoring persons on social behaviour or personal traits leading to detrimental treatment in unrelated contexts or disproportionate treatment is prohibited, for public and private actors (Art 5(1)(c)).
# custom:
#   id: art5.1.c
#   article: Art. 5(1)(c)
#   severity: critical
#   waivable: false
#   remediation: Stop the social-scoring use; the system cannot be placed on the EU market.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.1.c"
}

# METADATA
# title: No crime prediction solely from profiling
# description: Predicting a person's risk of committing a crime solely from profiling or personality traits is prohibited (Art 5(1)(d)); support of a human assessment based on objective facts is Annex III 6(d).
# custom:
#   id: art5.1.d
#   article: Art. 5(1)(d)
#   severity: critical
#   waivable: false
#   remediation: Base assessments on objective, verifiable facts linked to criminal activity and a human assessment (then Annex III 6(d)).
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.1.d"
}

# METADATA
# title: No untargeted scraping of facial images
# description: Building or expanding facial-recognition databases by untargeted scraping of the internet or CCTV footage is prohibited (Art 5(1)(e)).
# custom:
#   id: art5.1.e
#   article: Art. 5(1)(e)
#   severity: critical
#   waivable: false
#   remediation: Delete the scraped database and stop the scraping.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.1.e"
}

# METADATA
# title: No emotion recognition at work or in education
# description: Inferring emotions of persons in workplaces or education institutions is prohibited except for medical or safety reasons (Art 5(1)(f)).
# custom:
#   id: art5.1.f
#   article: Art. 5(1)(f)
#   severity: critical
#   waivable: false
#   remediation: Stop the emotion recognition of workers or students, or restrict it to a documented medical or safety reason (ai_act.emotion_recognition_reason).
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.1.f"
}

# METADATA
# title: No biometric categorisation by sensitive traits
# description: Categorising persons from biometric data to infer race, political opinions, trade-union membership, religious or philosophical beliefs, sex life or sexual orientation is prohibited (Art 5(1)(g)).
# custom:
#   id: art5.1.g
#   article: Art. 5(1)(g)
#   severity: critical
#   waivable: false
#   remediation: Remove the inference of the listed traits (ai_act.biometric_categorisation_attributes).
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.1.g"
}

# METADATA
# title: No real-time remote biometric identification in public for law enforcement
# description: >-
#   Real-time remote biometric identification in publicly accessible spaces for law enforcement is
#   prohibited unless strictly necessary for a listed objective, based on national law and with
#   prior authorisation (Art 5(1)(h), 5(2)-(7)).
# custom:
#   id: art5.1.h
#   article: Art. 5(1)(h)
#   severity: critical
#   waivable: false
#   remediation: Stop the use, or declare ai_act.rbi.{objective, national_law_basis, authorisation.{authority, date, ref}} when an exception applies.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.1.h"
}

# METADATA
# title: No non-consensual intimate imagery of real persons
# description: Systems generating sexually explicit or intimate depictions of identifiable real persons without consent are prohibited (Art 5(1)(ba), Regulation (EU) 2026/1744).
# custom:
#   id: art5.1.ba
#   article: Art. 5(1)(ba) (2026/1744)
#   severity: critical
#   waivable: false
#   remediation: Put effective technical safeguards in place or withdraw the system.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.1.ba"
}

# METADATA
# title: No generation of child sexual abuse material
# description: Systems generating child sexual abuse material are prohibited (Art 5(1)(bb), Regulation (EU) 2026/1744).
# custom:
#   id: art5.1.bb
#   article: Art. 5(1)(bb) (2026/1744)
#   severity: critical
#   waivable: false
#   remediation: Put effective technical safeguards in place or withdraw the system.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.1.bb"
}

# METADATA
# title: A prohibited system is not placed on the market, put into service or used
# description: Any Art 5 practice bars placing on the market, putting into service and use, for providers and deployers alike.
# custom:
#   id: art5.cease_placing_putting_into_service_and_use
#   article: Art. 5(1)
#   severity: critical
#   waivable: false
#   remediation: Withdraw the system; redesign it so that no Art 5 practice remains.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.cease_placing_putting_into_service_and_use"
}

# METADATA
# title: Real-time RBI is limited to what is strictly necessary
# description: Each use is limited in time, geography and persons searched, after weighing the seriousness of the harm against the rights impact (Art 5(2)).
# custom:
#   id: art5.2.necessity_proportionality_safeguards
#   article: Art. 5(2)
#   severity: critical
#   waivable: false
#   remediation: Fill ai_act.rbi.{necessity_assessment_uri, limits}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.2.necessity_proportionality_safeguards"
}

# METADATA
# title: Real-time RBI has prior authorisation
# description: Each use is authorised beforehand by a judicial or independent administrative authority (for urgent use, requested within 24 hours) (Art 5(3)).
# custom:
#   id: art5.3.prior_authorisation
#   article: Art. 5(3)
#   severity: critical
#   waivable: false
#   remediation: >-
#     Fill ai_act.rbi.authorisation.{authority, date, ref}; the date is not after deployment.first_use_date,
#     unless an urgent use (ai_act.rbi.urgency.started_at) requested it within 24 hours
#     (urgency.authorisation_requested_at); a refusal stops the use and deletes its data
#     (authorisation.refused, urgency.stopped_at, urgency.data_deleted).
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.3.prior_authorisation"
}

# METADATA
# title: Each real-time RBI use is notified to the MSA and the DPA
# description: Each use is notified to the market-surveillance authority and the national data-protection authority (Art 5(4)).
# custom:
#   id: art5.4.notify_msa_and_dpa
#   article: Art. 5(4)
#   severity: critical
#   waivable: false
#   remediation: Fill ai_act.rbi.notifications.{msa_date, dpa_date}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art5.4.notify_msa_and_dpa"
}

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": "art5.2.necessity_proportionality_safeguards", "msg": msg, "field": sprintf("card.ai_act.rbi.%s", [key])} if {
	some key in ["necessity_assessment_uri", "limits"]
	not duties.has_text(object.get(rbi, key, null))
	msg := sprintf("real-time RBI use has no %s", [key])
}

authorisation := duties.section(rbi, "authorisation")

urgency := duties.section(rbi, "urgency")

# Art 5(3) urgency: the use started without authorisation and the request went in within the 24
# hours; until the authority decides, the authorisation is not a gap but a duty that is warned of
# (decision pending; if refused, stop at once and discard), and once it is granted its date may
# follow the first use. A refusal that was obeyed (use stopped, data deleted) leaves no gap.
urgent_use if classification.rbi_urgent_route

urgent_use if classification.rbi_refusal_obeyed

gaps contains {"id": "art5.3.prior_authorisation", "msg": msg, "field": sprintf("card.ai_act.rbi.authorisation.%s", [key])} if {
	not urgent_use
	some key in ["authority", "ref"]
	not duties.has_text(object.get(authorisation, key, null))
	msg := sprintf("real-time RBI authorisation has no %s", [key])
}

gaps contains {"id": "art5.3.prior_authorisation", "msg": msg, "field": "card.ai_act.rbi.authorisation.date"} if {
	not urgent_use
	not duties.iso_date(object.get(authorisation, "date", null))
	msg := "real-time RBI authorisation has no ISO date"
}

gaps contains {"id": "art5.3.prior_authorisation", "msg": msg, "field": "card.ai_act.rbi.authorisation.date"} if {
	not urgent_use
	duties.iso_date(authorisation.date)
	authorisation.date > card.deployment.first_use_date
	msg := sprintf("authorised on %s, after first use on %s", [authorisation.date, card.deployment.first_use_date])
}

warn contains {"id": "art5.3.prior_authorisation", "msg": msg, "field": "card.ai_act.rbi.urgency.authorisation_requested_at"} if {
	classification.rbi_urgency_pending
	duties.due("art5.3.prior_authorisation")
	msg := sprintf("urgent use started at %s without authorisation, requested at %s (at the latest by %s, 24 hours after the start): the decision is pending; if it is refused, stop the use immediately and discard its data, results and outputs (5(3)), then record ai_act.rbi.authorisation.refused, urgency.stopped_at and urgency.data_deleted", [urgency.started_at, urgency.authorisation_requested_at, classification.urgency_request_deadline])
}

notifications := duties.section(rbi, "notifications")

gaps contains {"id": "art5.4.notify_msa_and_dpa", "msg": msg, "field": sprintf("card.ai_act.rbi.notifications.%s", [key])} if {
	some key in ["msa_date", "dpa_date"]
	not duties.iso_date(object.get(notifications, key, null))
	msg := sprintf("real-time RBI use not notified (%s)", [key])
}
