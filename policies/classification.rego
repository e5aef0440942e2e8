# EU AI Act classification: the risk tier, the GPAI flag, every reason with its legal basis, the
# facts still to declare, the conformity route, the registration variant and the dated obligations.
#
# Order (fact sheet §1): scope (Art 2) -> prohibited (Art 5) -> missing deciding facts
# (undetermined, fail closed) -> high (Art 6(1) Annex I, Art 6(2) Annex III unless 6(3) without
# profiling) -> limited (Art 50) -> minimal. GPAI (Chapter V) is a separate flag. Every rule in this
# package is total over any input, so `result` is always defined.
package comply.classification

import data.comply.lib.dates
import data.comply.lib.transition
import rego.v1

# ---------------------------------------------------------------------------------------------
# The facts, bound once.

card := input.card if is_object(input.card) else := {}

ai := section(card, "ai_act")

deployment := section(card, "deployment")

rbi := section(ai, "rbi")

gpai_evidence := section(card, "gpai")

section(obj, key) := obj[key] if is_object(obj[key]) else := {}

is_true(obj, key) if obj[key] == true

is_false(obj, key) if obj[key] == false

has_bool(obj, key) if is_boolean(obj[key])

has_text(value) if {
	is_string(value)
	trim_space(value) != ""
}

# The numbers the Regulation fixes (Art 51(2) compute); not configurable (see checker/engine/thresholds.py).
law := data.comply.law

# ---------------------------------------------------------------------------------------------
# Vocabulary of the fact sheet (§2, §3, §4, §10b).

practice_basis := {
	"subliminal_manipulation": "art5.1.a",
	"exploitation_of_vulnerabilities": "art5.1.b",
	"social_scoring": "art5.1.c",
	"criminal_risk_profiling": "art5.1.d",
	"facial_scraping": "art5.1.e",
	"emotion_recognition_work_education": "art5.1.f",
	"biometric_categorisation_sensitive": "art5.1.g",
	"realtime_rbi_law_enforcement": "art5.1.h",
	"non_consensual_intimate_imagery": "art5.1.ba",
	"csam_generation": "art5.1.bb",
}

# The bans added by Regulation (EU) 2026/1744 have their own date group.
practice_group(basis) := "prohibitions_2026_1744" if {
	basis in {"art5.1.ba", "art5.1.bb"}
} else := "prohibitions"

use_case_basis := {
	"biometrics.remote_identification": "annex3.1.a",
	"biometrics.categorisation_sensitive": "annex3.1.b",
	"biometrics.emotion_recognition": "annex3.1.c",
	"critical_infrastructure.safety_component": "annex3.2",
	"education.access_admission": "annex3.3.a",
	"education.learning_outcomes": "annex3.3.b",
	"education.level_assessment": "annex3.3.c",
	"education.test_proctoring": "annex3.3.d",
	"employment.recruitment": "annex3.4.a",
	"employment.work_relationship_decisions": "annex3.4.b",
	"essential_services.public_benefits": "annex3.5.a",
	"essential_services.creditworthiness": "annex3.5.b",
	"essential_services.life_health_insurance": "annex3.5.c",
	"essential_services.emergency_dispatch": "annex3.5.d",
	"law_enforcement.victim_risk": "annex3.6.a",
	"law_enforcement.polygraph": "annex3.6.b",
	"law_enforcement.evidence_reliability": "annex3.6.c",
	"law_enforcement.offending_risk": "annex3.6.d",
	"law_enforcement.profiling": "annex3.6.e",
	"migration.polygraph": "annex3.7.a",
	"migration.risk_assessment": "annex3.7.b",
	"migration.application_examination": "annex3.7.c",
	"migration.identification": "annex3.7.d",
	"justice.judicial_assistance": "annex3.8.a",
	"democratic_processes.election_influence": "annex3.8.b",
}

derogation_basis := {
	"narrow_procedural_task": "art6.3.a",
	"improves_completed_human_activity": "art6.3.b",
	"detects_decision_pattern_deviations": "art6.3.c",
	"preparatory_task": "art6.3.d",
}

# Purposes the Annex carves out of a point; declaring one explains why the point is not declared.
carve_out_point := {
	"financial_fraud_detection": "essential_services.creditworthiness",
	"biometric_verification": "biometrics.remote_identification",
	"travel_document_verification": "migration.identification",
	"campaign_logistics": "democratic_processes.election_influence",
}

annex1_section_a := {sprintf("annex1.a.%d", [n]) | some n in numbers.range(1, 12)}

annex1_section_b := {sprintf("annex1.b.%d", [n]) | some n in numbers.range(13, 20)}

# Art 5(1)(g) traits; the Annex III 1(b) protected attributes are policy data.
banned_categorisation_traits := {
	"race", "political_opinions", "trade_union_membership", "religious_beliefs",
	"philosophical_beliefs", "sex_life", "sexual_orientation",
}

protected_categorisation_traits := {
	"sex", "gender", "age", "disability", "ethnic_origin", "nationality", "health",
}

# Traits that are neither banned nor protected. A trait outside all three lists is a missing fact
# (the card must say what it is), never taken as harmless.
other_categorisation_traits := {
	"hair_colour", "eye_colour", "height", "body_shape", "facial_hair", "glasses", "clothing", "tattoos",
}

known_categorisation_traits := (banned_categorisation_traits | protected_categorisation_traits) | other_categorisation_traits

rbi_objectives := {"victim_search", "imminent_threat", "serious_crime_suspect"}

# ---------------------------------------------------------------------------------------------
# Role, artifact and scope (Art 2, Art 25).

# Roles are a set (Art 3(3)-(7)): an in-house system holds both the provider's and the deployer's
# duties. `ai_act.role` is one role or a list; a deployer that changes the intended purpose becomes a
# provider as well (Art 25(1)). With no role declared, both roles' duties are listed and marked
# assumed; comply check then judges the provider's evidence only (the role a model card is written
# by), never fewer duties than before.
role_names := {"provider", "deployer", "importer", "distributor"}

stated_roles := {ai.role} if {
	ai.role in role_names
} else := {r | some r in ai.role; r in role_names} if {
	is_array(ai.role)
} else := set()

changed_purpose_roles := {"provider"} if is_true(deployment, "modified_intended_purpose") else := set()

declared_roles := stated_roles | changed_purpose_roles

roles_assumed if count(declared_roles) == 0

roles := {"provider", "deployer"} if roles_assumed else := declared_roles

# The roles whose evidence comply check judges.
evidence_roles := {"provider"} if roles_assumed else := declared_roles

artifact := ai.artifact if ai.artifact in {"system", "model", "model_and_system"} else := "system"

classifies_a_system if artifact != "model"

scope_exclusion := {"basis": "art2.3", "text": "used exclusively for military, defence or national security purposes"} if {
	ai.in_scope_exclusion == "military"
} else := {"basis": research_basis[ai.research_basis], "text": research_text[ai.research_basis]} if {
	research_exclusion_holds
} else := {"basis": "art2.10", "text": "used by a natural person in a purely personal, non-professional activity"} if {
	personal_use_only
}

# Art 2(6) and 2(8) are exclusions a card must make true, not just name: which one (`ai_act.research_basis`),
# and no fact of the card's own may say the system is in use. A deployment at a workplace, a school, a
# public space or for law enforcement, a public deployer, a release or market date, or decisions with
# effects on persons contradict it: the tier is undetermined with the question, never out of scope.
research_basis := {"sole_scientific_research": "art2.6", "pre_market_research_testing": "art2.8"}

research_text := {
	"sole_scientific_research": "developed and put into service solely for scientific research and development",
	"pre_market_research_testing": "research, testing or development before being placed on the market or put into service (not testing in real-world conditions)",
}

research_claimed if ai.in_scope_exclusion == "research"

research_exclusion_holds if {
	research_claimed
	research_basis[ai.research_basis]
	count(research_contradictions) == 0
}

research_contradictions contains "it is deployed at a workplace" if is_true(deployment, "workplace")

research_contradictions contains "it is deployed at an education institution" if is_true(deployment, "education_institution")

research_contradictions contains "it is deployed in a publicly accessible space" if is_true(deployment, "publicly_accessible_space")

research_contradictions contains "it is used for law enforcement" if is_true(deployment, "law_enforcement")

research_contradictions contains sprintf("its deployer is a %s", [deployment.deployer_type]) if {
	deployment.deployer_type in {"public_authority", "public_service", "union_institution"}
}

research_contradictions contains sprintf("its decisions have %s effects on persons", [ai.decision_effect_on_persons]) if {
	ai.decision_effect_on_persons in {"legal", "similar"}
}

research_contradictions contains sprintf("it was released on %s", [deployment.release_date]) if has_text(deployment.release_date)

research_contradictions contains sprintf("it was placed on the market on %s", [ai.placed_on_market]) if {
	ai.research_basis == "pre_market_research_testing"
	has_text(ai.placed_on_market)
}

# Art 2(10): the personal-use exclusion concerns the deployer only. A card that is the provider's too
# keeps the provider's duties (a banned system stays banned for whoever places it on the market); the
# deployer's duties are dropped.
personal_use if ai.in_scope_exclusion == "personal"

personal_use if deployment.deployer_type == "natural_person_personal"

personal_use_only if {
	personal_use
	declared_roles == {"deployer"}
	count(personal_use_contradictions) == 0
}

# The deployer's duties a provider's card drops for purely personal use.
personal_use_drops_deployer if {
	personal_use
	not personal_use_only
	count(personal_use_contradictions) == 0
}

personal_use_contradictions contains "it is deployed at a workplace" if is_true(deployment, "workplace")

personal_use_contradictions contains "it is used for law enforcement" if is_true(deployment, "law_enforcement")

personal_use_contradictions contains sprintf("its deployer is a %s", [deployment.deployer_type]) if {
	ai.in_scope_exclusion == "personal"
	deployment.deployer_type in {"public_authority", "public_service", "union_institution", "private"}
}

excluded_by_scope if scope_exclusion

# A model that is not general-purpose is not regulated by itself (Art 3(1), 3(63)).
plain_model if {
	artifact == "model"
	is_false(ai, "general_purpose")
}

# ---------------------------------------------------------------------------------------------
# Biometric facts.

uses_biometrics if is_true(ai, "uses_biometrics")

biometric_function := ai.biometric_function if {
	uses_biometrics
	is_string(ai.biometric_function)
}

use_cases := {u | some u in ai.use_cases} if is_array(ai.use_cases) else := set()

declared_flags := {f | some f in ai.prohibited_practice_flags} if is_array(ai.prohibited_practice_flags) else := set()

carve_outs := {c | some c in ai.carve_outs} if is_array(ai.carve_outs) else := set()

remote_identification if biometric_function == "identification"

remote_identification if "biometrics.remote_identification" in use_cases

emotion_recognition if biometric_function == "emotion_recognition"

emotion_recognition if "biometrics.emotion_recognition" in use_cases

biometric_categorisation if biometric_function == "categorisation"

biometric_categorisation if "biometrics.categorisation_sensitive" in use_cases

categorisation_traits := {t | some t in ai.biometric_categorisation_attributes} if {
	is_array(ai.biometric_categorisation_attributes)
} else := set()

unknown_categorisation_traits := categorisation_traits - known_categorisation_traits

real_time if ai.biometric_timing == "real_time"

at_work_or_school if is_true(deployment, "workplace")

at_work_or_school if is_true(deployment, "education_institution")

# Commission guidelines: emotion tracking of customers (not workers or students) is not 5(1)(f).
only_customers_observed if {
	is_array(ai.emotion_recognition_subjects)
	count(ai.emotion_recognition_subjects) > 0
	every subject in ai.emotion_recognition_subjects {
		subject in {"customers", "patients", "public"}
	}
}

emotion_reason_exempt if ai.emotion_recognition_reason in {"medical", "safety"}

banned_emotion_recognition if {
	emotion_recognition
	at_work_or_school
	ai.emotion_recognition_reason == "other"
	not only_customers_observed
}

sensitive_traits_inferred := categorisation_traits & banned_categorisation_traits

categorisation_exempt if is_true(deployment, "law_enforcement")

categorisation_exempt if ai.biometric_categorisation_purpose == "dataset_labelling_filtering"

banned_categorisation if {
	biometric_categorisation
	count(sensitive_traits_inferred) > 0
	not categorisation_exempt
}

realtime_rbi_for_law_enforcement_in_public if {
	remote_identification
	real_time
	is_true(deployment, "law_enforcement")
	is_true(deployment, "publicly_accessible_space")
}

realtime_rbi_declared if "realtime_rbi_law_enforcement" in declared_flags

realtime_rbi_law_enforcement if realtime_rbi_for_law_enforcement_in_public

realtime_rbi_law_enforcement if realtime_rbi_declared

# Art 5(1)(h) prohibits the *use*: it binds the deployer (the authority running the system), not the
# provider placing it on the market, for whom real-time RBI is high-risk Annex III 1(a). A card that
# does not state its role is judged as the deployer's too (fail closed).
rbi_use_judged if "deployer" in roles

# Art 5(1)(h)(i)-(iii) with 5(2)-(5): an allowed objective, a national law that opts in (true or its
# citation), and a prior authorisation or, in a duly justified urgency, a use started without it whose
# authorisation was requested at the latest 24 hours after the use started (5(3)). A refusal ends the
# use: it stays lawful only when the card records that the use stopped and its data were deleted.
rbi_authorisation := section(rbi, "authorisation")

rbi_urgency := section(rbi, "urgency")

rbi_law_basis if has_text(rbi.national_law_basis)

rbi_law_basis if rbi.national_law_basis == true

rbi_refused if rbi_authorisation.refused == true

rbi_authorised if {
	has_text(rbi_authorisation.authority)
	has_text(rbi_authorisation.date)
	has_text(rbi_authorisation.ref)
	not rbi_refused
}

rfc3339(value) if {
	is_string(value)
	regex.match(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$`, value)
}

hour_ns := 3600 * 1000000000

urgency_started_ns := time.parse_rfc3339_ns(rbi_urgency.started_at) if rfc3339(rbi_urgency.started_at)

urgency_hours := (time.parse_rfc3339_ns(rbi_urgency.authorisation_requested_at) - urgency_started_ns) / hour_ns if {
	rfc3339(rbi_urgency.authorisation_requested_at)
}

# The latest moment 5(3) allows for the request: 24 hours after the urgent use started (UTC).
urgency_request_deadline := time.format([urgency_started_ns + 24 * hour_ns, "UTC", "2006-01-02T15:04:05Z07:00"])

# A request made before the use started is as good as one made within the 24 hours.
rbi_requested_in_time if urgency_hours <= 24

rbi_urgent_route if {
	rbi_requested_in_time
	not rbi_refused
}

# Requested in time and not yet decided: the use may go on, and stops at once if refused.
rbi_urgency_pending if {
	rbi_urgent_route
	not rbi_authorised
}

rbi_refusal_obeyed if {
	rbi_refused
	rbi_requested_in_time
	rfc3339(rbi_urgency.stopped_at)
	rbi_urgency.data_deleted == true
}

rbi_lacks contains "an objective (victim_search, imminent_threat or serious_crime_suspect, 5(1)(h)(i)-(iii))" if {
	not rbi.objective
}

rbi_lacks contains sprintf("an allowed objective (%v is none of 5(1)(h)(i)-(iii))", [rbi.objective]) if {
	rbi.objective
	not rbi.objective in rbi_objectives
}

rbi_lacks contains "a national law basis (5(5))" if not rbi_law_basis

rbi_lacks contains "a prior authorisation, or in an urgency an authorisation requested within 24 hours (5(3))" if {
	not rbi_authorised
	not urgency_started_ns
	not rbi_refused
}

rbi_lacks contains sprintf("an authorisation requested within 24 hours of the urgent use that started at %s: none was requested, the latest was %s (5(3))", [rbi_urgency.started_at, urgency_request_deadline]) if {
	not rbi_authorised
	not urgency_hours
}

rbi_lacks contains sprintf("an authorisation requested within 24 hours of the urgent use that started at %s: requested at %s, after the latest %s (5(3))", [rbi_urgency.started_at, rbi_urgency.authorisation_requested_at, urgency_request_deadline]) if {
	not rbi_authorised
	urgency_hours > 24
}

rbi_lacks contains "an authorisation: it was refused, so the use stops at once and its data, results and outputs are deleted (5(3)); after an urgent use record ai_act.rbi.urgency.stopped_at and data_deleted: true" if {
	rbi_refused
	not rbi_refusal_obeyed
}

rbi_exception_used if {
	realtime_rbi_law_enforcement
	rbi_use_judged
	count(rbi_lacks) == 0
}

# ---------------------------------------------------------------------------------------------
# Art 5: prohibited practices (declared flags and what the facts imply).

prohibited_reasons contains {"basis": basis, "text": sprintf("declared prohibited practice %s", [flag])} if {
	classifies_a_system
	some flag in declared_flags
	basis := practice_basis[flag]
	flag != "realtime_rbi_law_enforcement"
	dates.in_force(practice_group(basis))
}

# A declared practice whose ban exists on this timeline but applies only from a later date (the
# 2026/1744 bans before 2026-12-02): not prohibited yet, so the tier follows the other facts, but the
# ban and the duty to cease are listed with that date and comply check warns that they would fail.
pending_bans contains {"basis": basis, "text": text} if {
	classifies_a_system
	some flag in declared_flags
	basis := practice_basis[flag]
	flag != "realtime_rbi_law_enforcement"
	dates.not_yet_in_force(practice_group(basis))
	text := sprintf("declared prohibited practice %s, banned from %s (%s timeline)", [flag, dates.applies_from(practice_group(basis)), dates.timeline])
}


prohibited_reasons contains {"basis": "art5.1.f", "text": text} if {
	classifies_a_system
	banned_emotion_recognition
	text := "emotion recognition in a workplace or education institution without a medical or safety reason"
}

prohibited_reasons contains {"basis": "art5.1.g", "text": text} if {
	classifies_a_system
	banned_categorisation
	text := sprintf("biometric categorisation inferring %s", [concat(", ", sort(sensitive_traits_inferred))])
}

prohibited_reasons contains {"basis": "art5.1.h", "text": text} if {
	classifies_a_system
	realtime_rbi_law_enforcement
	rbi_use_judged
	count(rbi_lacks) > 0
	text := sprintf("real-time remote biometric identification in publicly accessible spaces for law enforcement without %s: a prohibited use", [concat("; ", sort(rbi_lacks))])
}

prohibited if count(prohibited_reasons) > 0

# ---------------------------------------------------------------------------------------------
# Art 6(2) / Annex III.

# Use cases derived from biometric facts even when no id is declared; 1:1 verification is carved
# out of 1(a), categorisation by other than protected traits is not 1(b).
derived_use_cases contains "biometrics.remote_identification" if {
	remote_identification
	biometric_function != "verification"
}

derived_use_cases contains "biometrics.remote_identification" if {
	"biometrics.remote_identification" in use_cases
	not uses_biometrics
}

derived_use_cases contains "biometrics.remote_identification" if realtime_rbi_declared

derived_use_cases contains "biometrics.emotion_recognition" if emotion_recognition

derived_use_cases contains "biometrics.categorisation_sensitive" if {
	biometric_categorisation
	count(categorisation_traits & (banned_categorisation_traits | protected_categorisation_traits)) > 0
}

derived_use_cases contains u if {
	some u in use_cases
	not startswith(u, "biometrics.")
	use_case_basis[u]
}

unknown_use_cases := {u | some u in use_cases; not use_case_basis[u]}

annex3_points := {use_case_basis[u] | some u in derived_use_cases}

derogation_condition := ai.derogation if is_string(ai.derogation) else := ai.derogation.condition

derogation_claimed if derogation_basis[derogation_condition]

derogation_applies if {
	count(annex3_points) > 0
	derogation_claimed
	is_false(ai, "profiling")
	not derogation_contradicted
}

# Art 6(3) first subparagraph: the system must not materially influence the outcome of decision
# making. Decisions with legal or similarly significant effects on persons that no human reviews
# before they take effect are influenced materially, whatever condition (a)-(d) the card claims.
derogation_contradicted if {
	count(annex3_points) > 0
	derogation_claimed
	ai.decision_effect_on_persons in {"legal", "similar"}
	deployment.human_review in {"none", "sample"}
}

derogation_refused_for_profiling if {
	count(annex3_points) > 0
	derogation_claimed
	is_true(ai, "profiling")
}

# ---------------------------------------------------------------------------------------------
# Art 6(1) / Annex I.

# "none" (or false, or null) says it is no Annex I product's safety component.
safety_component := ai.safety_component_of if {
	is_string(ai.safety_component_of)
	ai.safety_component_of != "none"
}

annex1_applies if {
	safety_component in (annex1_section_a | annex1_section_b)
	is_true(ai, "third_party_conformity_required")
}

annex1_section_a_applies if {
	annex1_applies
	safety_component in annex1_section_a
}

annex1_section_b_only if {
	annex1_applies
	safety_component in annex1_section_b
	not annex3_high
}

annex3_high if {
	count(annex3_points) > 0
	not derogation_applies
}

high_reasons contains {"basis": safety_component, "text": text} if {
	classifies_a_system
	annex1_applies
	text := "safety component of (or itself) an Annex I product that needs third-party conformity assessment (Art 6(1))"
}

high_reasons contains {"basis": basis, "text": sprintf("Annex III use case %s (Art 6(2))", [u])} if {
	classifies_a_system
	annex3_high
	some u in derived_use_cases
	basis := use_case_basis[u]
}

high if count(high_reasons) > 0

# ---------------------------------------------------------------------------------------------
# Art 50: transparency triggers (additive).

synthetic_content_exempt if ai.synthetic_content_exception in {"assistive_editing", "no_substantial_alteration_of_semantics"}

content_types := {t | some t in ai.content_types} if is_array(ai.content_types) else := set()

generates_synthetic_content if {
	is_true(ai, "generates_synthetic_content")
	not synthetic_content_exempt
}

produces_deepfakes if {
	is_true(ai, "generates_synthetic_content")
	count(content_types & {"image", "audio", "video"}) > 0
	not is_false(ai, "generates_deepfakes")
}

produces_deepfakes if is_true(ai, "generates_deepfakes")

generates_text if {
	is_true(ai, "generates_synthetic_content")
	"text" in content_types
}

# The exceptions of Art 50, each a declared fact: 50(1)-(4) systems authorised by law to detect,
# prevent, investigate or prosecute criminal offences (for 50(1): not available to the public to
# report one); 50(1) an interaction obvious to a reasonably well-informed person from the
# circumstances. (Editorial review of public-interest text is evidence for the 50(4) rule, not an
# exception here: the duty stays listed and that evidence satisfies it.)
criminal_law_exception if is_true(ai, "criminal_law_exception")

interaction_obvious if is_true(ai, "interaction_obvious_from_circumstances")

interacts if is_true(ai, "interacts_with_natural_persons")

exposes_biometric_subjects if {
	uses_biometrics
	biometric_function in {"emotion_recognition", "categorisation"}
}

publishes_public_interest_text if is_true(ai, "publishes_public_interest_text")

deepfake_disclosure_owed if {
	produces_deepfakes
	not criminal_law_exception
}

public_interest_text_owed if {
	publishes_public_interest_text
	not criminal_law_exception
}

transparency_reasons contains {"basis": "art50.1", "text": "interacts directly with natural persons"} if {
	classifies_a_system
	interacts
	not interaction_obvious
	not criminal_law_exception
}

transparency_reasons contains {"basis": "art50.2", "text": "generates synthetic audio, image, video or text"} if {
	classifies_a_system
	generates_synthetic_content
	not criminal_law_exception
}

transparency_reasons contains {"basis": "art50.3", "text": "emotion recognition or biometric categorisation exposes natural persons"} if {
	classifies_a_system
	exposes_biometric_subjects
	not criminal_law_exception
}

transparency_reasons contains {"basis": "art50.4", "text": "generates or manipulates image, audio or video content (deep fakes)"} if {
	classifies_a_system
	deepfake_disclosure_owed
}

transparency_reasons contains {"basis": "art50.4", "text": "publishes AI-generated text on matters of public interest"} if {
	classifies_a_system
	public_interest_text_owed
}

# Each exception that takes a trigger away has its own reason line.
exception_reasons contains {"basis": "art50.1.obvious_from_circumstances", "text": text} if {
	interacts
	interaction_obvious
	not criminal_law_exception
	text := "interacts with natural persons, but that is obvious from the circumstances to a reasonably well-informed person: no Art 50(1) disclosure"
}

triggers_before_exception contains "interaction" if interacts

triggers_before_exception contains "synthetic content" if generates_synthetic_content

triggers_before_exception contains "emotion recognition or biometric categorisation" if exposes_biometric_subjects

triggers_before_exception contains "deep fakes" if produces_deepfakes

triggers_before_exception contains "public-interest text" if publishes_public_interest_text

exception_reasons contains {"basis": "art50.criminal_law_exception", "text": text} if {
	criminal_law_exception
	count(triggers_before_exception) > 0
	text := sprintf("authorised by law to detect, prevent, investigate or prosecute criminal offences: no Art 50 duty for %s", [concat(", ", sort(triggers_before_exception))])
}

limited if count(transparency_reasons) > 0

# Art 2(12): free and open-source systems are out of scope unless high-risk, Art 5 or Art 50.
open_source_exempt if is_true(ai, "free_open_source")

# ---------------------------------------------------------------------------------------------
# GPAI (Chapter V).

general_purpose if is_true(ai, "general_purpose")

training_flops := ai.training_compute_flops if {
	is_number(ai.training_compute_flops)
} else := to_number(ai.training_compute_flops) if {
	is_string(ai.training_compute_flops)
	regex.match(`^[0-9.]+([eE][+-]?[0-9]+)?$`, ai.training_compute_flops)
} else := gpai_evidence.training_compute_flops if {
	is_number(gpai_evidence.training_compute_flops)
} else := null

systemic_risk_presumed if training_flops > law.systemic_risk_training_flops

systemic_risk_rebutted if has_text(gpai_evidence.systemic_risk_rebuttal_decision)

systemic_risk if {
	systemic_risk_presumed
	not systemic_risk_rebutted
}

systemic_risk if is_true(gpai_evidence, "commission_designated")

gpai := "gpai_systemic_risk" if {
	general_purpose
	systemic_risk
} else := "gpai" if general_purpose else := "none"

gpai_reasons contains {"basis": "art3.63", "text": "general-purpose AI model (significant generality, many distinct tasks)"} if general_purpose

gpai_reasons contains {"basis": "art51.2", "text": text} if {
	general_purpose
	systemic_risk_presumed
	not systemic_risk_rebutted
	# No number in the text: regorus and OPA print large floats differently with %v.
	text := "training compute above the Art 51(2) threshold (data.comply.law.systemic_risk_training_flops): systemic risk presumed"
}

gpai_reasons contains {"basis": "art51.1.b", "text": "designated by the Commission as a model with systemic risk"} if {
	general_purpose
	is_true(gpai_evidence, "commission_designated")
}

gpai_reasons contains {"basis": "art52.2", "text": "systemic-risk presumption rebutted by Commission decision"} if {
	general_purpose
	systemic_risk_presumed
	systemic_risk_rebutted
}

# ---------------------------------------------------------------------------------------------
# Missing deciding facts (fail closed, §1 step 7 and §12).

missing contains "card.ai_act.use_cases" if {
	classifies_a_system
	not is_array(object.get(ai, "use_cases", null))
}

missing contains "card.ai_act.use_cases" if {
	classifies_a_system
	count(unknown_use_cases) > 0
}

missing contains "card.ai_act.prohibited_practice_flags" if {
	classifies_a_system
	not is_array(object.get(ai, "prohibited_practice_flags", null))
}

missing contains "card.ai_act.uses_biometrics" if {
	classifies_a_system
	not has_bool(ai, "uses_biometrics")
}

missing contains "card.ai_act.biometric_function" if {
	uses_biometrics
	not object.get(ai, "biometric_function", null) in {"identification", "verification", "categorisation", "emotion_recognition", "none"}
}

missing contains "card.ai_act.biometric_timing" if {
	remote_identification
	uses_biometrics
	not object.get(ai, "biometric_timing", null) in {"real_time", "post"}
}

missing contains "card.deployment.law_enforcement" if {
	remote_identification
	real_time
	not is_false(deployment, "publicly_accessible_space")
	not has_bool(deployment, "law_enforcement")
}

missing contains "card.deployment.publicly_accessible_space" if {
	remote_identification
	real_time
	not is_false(deployment, "law_enforcement")
	not has_bool(deployment, "publicly_accessible_space")
}

missing contains "card.deployment.law_enforcement" if {
	annex3_high
	some point in annex3_points
	startswith(point, "annex3.1.")
	not has_bool(deployment, "law_enforcement")
}

missing contains "card.deployment.workplace" if {
	emotion_recognition
	not at_work_or_school
	not has_bool(deployment, "workplace")
}

missing contains "card.deployment.education_institution" if {
	emotion_recognition
	not at_work_or_school
	not has_bool(deployment, "education_institution")
}

missing contains "card.ai_act.emotion_recognition_reason" if {
	emotion_recognition
	at_work_or_school
	not emotion_reason_exempt
	object.get(ai, "emotion_recognition_reason", null) != "other"
}

missing contains "card.ai_act.biometric_categorisation_attributes" if {
	biometric_categorisation
	count(categorisation_traits) == 0
}

missing contains "card.ai_act.biometric_categorisation_attributes" if {
	biometric_categorisation
	count(unknown_categorisation_traits) > 0
}

missing contains "card.ai_act.profiling" if {
	count(annex3_points) > 0
	derogation_claimed
	not has_bool(ai, "profiling")
}

missing contains "card.ai_act.decision_effect_on_persons" if {
	count(annex3_points) > 0
	derogation_claimed
	not is_true(ai, "profiling")
	not object.get(ai, "decision_effect_on_persons", null) in {"none", "similar", "legal"}
}

missing contains "card.deployment.human_review" if {
	count(annex3_points) > 0
	derogation_claimed
	not is_true(ai, "profiling")
	ai.decision_effect_on_persons in {"legal", "similar"}
	not object.get(deployment, "human_review", null) in {"none", "sample", "before_decision"}
}

missing contains "card.ai_act.research_basis" if {
	research_claimed
	not object.get(ai, "research_basis", null) in object.keys(research_basis)
}

# A claim the card's own facts contradict is a fact to correct, with the question to answer.
missing contains c.fact if some c in contradiction

contradiction contains {"fact": "card.ai_act.derogation", "question": question} if {
	derogation_contradicted
	question := sprintf("the Art 6(3) derogation %s is claimed, but the system's decisions have %s effects on persons and human review is %s: does the system materially influence them? Add human review before the decision takes effect, or withdraw the derogation", [derogation_condition, ai.decision_effect_on_persons, deployment.human_review])
}

contradiction contains {"fact": "card.ai_act.in_scope_exclusion", "question": question} if {
	research_claimed
	count(research_contradictions) > 0
	question := sprintf("the research exclusion (Art 2(6)/(8)) is claimed, but %s: is the system used beyond research? Correct those facts, or withdraw the exclusion", [concat("; ", sort(research_contradictions))])
}

contradiction contains {"fact": "card.ai_act.in_scope_exclusion", "question": question} if {
	personal_use
	count(personal_use_contradictions) > 0
	question := sprintf("purely personal use (Art 2(10)) is claimed, but %s: is the system used professionally? Correct those facts, or withdraw the exclusion", [concat("; ", sort(personal_use_contradictions))])
}

contradiction contains {"fact": "card.ai_act.significant_change_since", "question": question} if {
	transition.change_before_placing(ai)
	question := sprintf("the first significant change in design (ai_act.significant_change_since %s) is dated before the placing on the market (ai_act.placed_on_market %s): which date is wrong? Correct it; Art 111 dates the duties from both", [ai.significant_change_since, ai.placed_on_market])
}

questions := sort({c.question | some c in contradiction})

missing contains "card.ai_act.derogation" if {
	count(annex3_points) > 0
	not object.get(ai, "derogation", null) in {null, false, "none"}
	not derogation_claimed
}

# 50(4) second subparagraph: whoever generates text is asked whether it is published to inform the public.
missing contains "card.ai_act.publishes_public_interest_text" if {
	classifies_a_system
	generates_text
	not has_bool(ai, "publishes_public_interest_text")
}

missing contains "card.ai_act.interacts_with_natural_persons" if {
	classifies_a_system
	not has_bool(ai, "interacts_with_natural_persons")
}

missing contains "card.ai_act.generates_synthetic_content" if {
	classifies_a_system
	not has_bool(ai, "generates_synthetic_content")
}

missing contains "card.ai_act.safety_component_of" if {
	classifies_a_system
	not "safety_component_of" in object.keys(ai)
}

# null is "not stated", as for every optional fact: whether the system is (a safety component of) an Annex I
# product decides Art 6(1) against 6(2), the Art 43 route and Art 2(2), so it is asked for, never read as none.
missing contains "card.ai_act.safety_component_of" if {
	classifies_a_system
	ai.safety_component_of == null
}

missing contains "card.ai_act.safety_component_of" if {
	classifies_a_system
	is_string(ai.safety_component_of)
	not object.get(ai, "safety_component_of", null) in (annex1_section_a | annex1_section_b) | {"none"}
}

missing contains "card.ai_act.third_party_conformity_required" if {
	classifies_a_system
	safety_component
	not has_bool(ai, "third_party_conformity_required")
}

missing contains "card.deployment.deployer_type" if {
	classifies_a_system
	"deployer" in declared_roles
	not object.get(deployment, "deployer_type", null) in {"public_authority", "public_service", "private", "natural_person_personal", "union_institution"}
}

missing contains "card.ai_act.general_purpose" if {
	artifact in {"model", "model_and_system"}
	not has_bool(ai, "general_purpose")
}

missing contains "card.ai_act.training_compute_flops" if {
	general_purpose
	not is_number(training_flops)
	not is_true(gpai_evidence, "commission_designated")
}

# An explicit empty use_cases or prohibited_practice_flags list that the card's own facts contradict
# is a question, not a pass: {list, question}. `ai_act.confirmed_empty` names the lists whose
# emptiness was confirmed after the question (comply classify --interactive asks every point).
confirmed_empty := {c | some c in ai.confirmed_empty} if is_array(ai.confirmed_empty) else := set()

emotion_subjects := {s | some s in ai.emotion_recognition_subjects} if is_array(ai.emotion_recognition_subjects) else := set()

emotion_facts_at_work_or_school if count(emotion_subjects & {"workers", "students"}) > 0

emotion_facts_at_work_or_school if {
	at_work_or_school
	ai.emotion_recognition_reason in {"medical", "safety", "other"}
}

contradiction contains {"list": "prohibited_practice_flags", "question": question} if {
	emotion_facts_at_work_or_school
	not emotion_recognition
	not "emotion_recognition_work_education" in declared_flags
	question := "the card describes emotion recognition at a workplace or education institution (emotion_recognition_subjects or emotion_recognition_reason) but no biometric function emotion_recognition, no Annex III 1(c) and no Art 5(1)(f) flag: does it infer emotions from biometric data? Declare ai_act.biometric_function or the flag, or confirm the empty list"
}

contradiction contains {"list": "prohibited_practice_flags", "question": question} if {
	inferred := categorisation_traits & banned_categorisation_traits
	count(inferred) > 0
	not biometric_categorisation
	not "biometric_categorisation_sensitive" in declared_flags
	question := sprintf("the card lists the traits %s, which Art 5(1)(g) bans inferring from biometric data, but no biometric categorisation and no 5(1)(g) flag: does it categorise people from biometric data? Declare ai_act.biometric_function or the flag, or confirm the empty list", [concat(", ", sort(inferred))])
}

contradiction contains {"list": "use_cases", "question": question} if {
	deployment.deployer_type == "public_authority"
	ai.decision_effect_on_persons == "legal"
	is_true(ai, "profiling")
	count(annex3_points) == 0
	question := "a public authority's system that profiles natural persons and feeds decisions with legal effects on them, with no Annex III use declared: is it used for public benefits (5(a)), law enforcement (6), migration (7) or justice (8)? Declare the use case, or confirm the empty list"
}

open_contradictions := {c | some c in contradiction; not c.list in confirmed_empty}

missing contains sprintf("card.ai_act.%s", [c.list]) if {
	classifies_a_system
	some c in open_contradictions
}

missing_facts := sort(missing)

# ---------------------------------------------------------------------------------------------
# The tier.

tier := "out_of_scope" if {
	excluded_by_scope
} else := "prohibited" if {
	prohibited
} else := "undetermined" if {
	count(missing) > 0
} else := "out_of_scope" if {
	plain_model
} else := "high" if {
	high
} else := "limited" if {
	limited
} else := "out_of_scope" if {
	open_source_exempt
} else := "minimal"

# The reasons that set the tier (for messages such as "declared limited, derived high: annex3.5.b").
tier_reasons := prohibited_reasons if {
	tier == "prohibited"
} else := high_reasons if {
	tier == "high"
} else := transparency_reasons if {
	tier == "limited"
} else := set()

tier_bases := sort({r.basis | some r in tier_reasons})

tier_rank := {"out_of_scope": 0, "minimal": 1, "limited": 2, "high": 3, "prohibited": 4}

# ---------------------------------------------------------------------------------------------
# Reasons and notes (all of them, not only the first).

other_reasons contains scope_exclusion if excluded_by_scope

other_reasons contains {"basis": "art2.10", "text": "purely personal, non-professional use: the deployer's duties do not apply; the provider's do"} if {
	personal_use_drops_deployer
}

other_reasons contains r if {
	not excluded_by_scope
	some r in pending_bans
}

other_reasons contains r if {
	classifies_a_system
	tier in {"high", "limited", "minimal"}
	some r in exception_reasons
}

other_reasons contains {"basis": "art2.12", "text": "free and open-source system that is not high-risk, prohibited or subject to Art 50"} if {
	tier == "out_of_scope"
	not excluded_by_scope
	open_source_exempt
}

other_reasons contains {"basis": "art3.63", "text": "a model that is not general-purpose is not regulated by itself; the systems built on it are"} if {
	tier == "out_of_scope"
	plain_model
}

other_reasons contains {"basis": basis, "text": text} if {
	count(annex3_points) > 0
	derogation_applies
	basis := derogation_basis[derogation_condition]
	text := sprintf("Art 6(3) derogation %s without profiling: the Annex III use is not high-risk", [derogation_condition])
}

other_reasons contains {"basis": "art6.3", "text": text} if {
	derogation_refused_for_profiling
	text := sprintf("Art 6(3) derogation %v claimed but the system profiles natural persons: it stays high-risk", [derogation_condition])
}

other_reasons contains {"basis": "art5.2", "text": text} if {
	rbi_exception_used
	not rbi_urgency_pending
	not rbi_refusal_obeyed
	text := sprintf("real-time RBI for law enforcement under the Art 5(2)-(3) exception (objective %s): high-risk with the exception duties", [rbi.objective])
}

other_reasons contains {"basis": "art5.2", "text": text} if {
	rbi_exception_used
	rbi_urgency_pending
	text := sprintf("real-time RBI for law enforcement under the Art 5(2)-(3) exception (objective %s), started in an urgency at %s with the authorisation requested at %s, within the 24 hours to %s (5(3)): pending; if it is refused the use stops at once and its data are discarded", [rbi.objective, rbi_urgency.started_at, rbi_urgency.authorisation_requested_at, urgency_request_deadline])
}

other_reasons contains {"basis": "art5.2", "text": text} if {
	rbi_exception_used
	rbi_refusal_obeyed
	text := sprintf("real-time RBI for law enforcement under the Art 5(2)-(3) exception (objective %s): the urgent use's authorisation was refused, and the use stopped at %s with its data deleted (5(3))", [rbi.objective, rbi_urgency.stopped_at])
}

other_reasons contains {"basis": "art25.1", "text": "the deployer changed the intended purpose: it becomes the provider"} if {
	is_true(deployment, "modified_intended_purpose")
}

marks_content if {
	some d in duty
	d.id == "art50.2.machine_readable_marking"
}

marking_owed := true if marks_content else := false

# A prohibited or excluded system's reasons say why it is banned or excluded: the Annex I and Annex III
# points it matches are no basis of its tier (Art 5 and Art 2 come first), only a note.
tier_high_reasons := set() if tier in {"prohibited", "out_of_scope"} else := high_reasons

notes contains sprintf("would otherwise be high-risk under %s (%s), but it is %s", [r.basis, r.text, replace(tier, "_", " ")]) if {
	tier in {"prohibited", "out_of_scope"}
	some r in high_reasons
}

# Art 50 likewise: a banned or excluded system owes no transparency duty, so its Art 50 matches are notes too.
tier_transparency_reasons := set() if tier in {"prohibited", "out_of_scope"} else := transparency_reasons

notes contains sprintf("would otherwise owe %s (%s), but it is %s", [r.basis, r.text, replace(tier, "_", " ")]) if {
	tier in {"prohibited", "out_of_scope"}
	some r in transparency_reasons
}

all_reasons := (((((prohibited_reasons | tier_high_reasons) | tier_transparency_reasons) | gpai_reasons) | other_reasons) | transition.reasons(tier, gpai, marking_owed))

reason_key(r) := sprintf("%s|%s", [r.basis, r.text])

reasons := [r |
	some key in sort({reason_key(x) | some x in all_reasons})
	some r in all_reasons
	reason_key(r) == key
]

notes contains sprintf("carve-out %s: the system is not Annex III %s on that ground", [c, carve_out_point[c]]) if {
	some c in carve_outs
	carve_out_point[c]
	not carve_out_point[c] in use_cases
}

notes contains sprintf("carve-out %s does not exempt the declared use case %s", [c, carve_out_point[c]]) if {
	some c in carve_outs
	carve_out_point[c] in use_cases
}

notes contains "1:1 biometric verification is carved out of Annex III 1(a)" if biometric_function == "verification"

notes contains "biometric data used for none of identification, verification, categorisation or emotion recognition (e.g. a drowsiness alert reading the face: fatigue is not an emotion, recital 18): no Annex III 1 point" if {
	biometric_function == "none"
}

notes contains sprintf("unknown categorisation trait %s (known: %s)", [t, concat(", ", sort(known_categorisation_traits))]) if {
	biometric_categorisation
	some t in unknown_categorisation_traits
}

notes contains "Art 5(1)(h) prohibits the use, not the placing on the market: for the provider real-time RBI for law enforcement is high-risk Annex III 1(a); a law-enforcement deployer may use it only under 5(2)-(5)" if {
	classifies_a_system
	realtime_rbi_law_enforcement
	not rbi_use_judged
}

notes contains sprintf("contradiction in ai_act.%s: %s", [c.list, c.question]) if {
	classifies_a_system
	some c in open_contradictions
}

notes contains sprintf("unknown use case %s (see the Annex III ids)", [u]) if some u in unknown_use_cases

notes contains "Annex I section B product: only Art 6(1), 102-109 and 112 apply (Art 2(2)); requirements arrive through sectoral delegated acts" if {
	tier == "high"
	annex1_section_b_only
}

notes contains sprintf("prohibited practice %s is not banned under the %s timeline on %s", [flag, dates.timeline, dates.reference_date]) if {
	some flag in declared_flags
	basis := practice_basis[flag]
	not dates.applies_from(practice_group(basis))
}

notes contains "emotion recognition observing only customers, patients or the public is not Art 5(1)(f) (Commission guidelines)" if {
	emotion_recognition
	at_work_or_school
	only_customers_observed
}

notes contains "emotion recognition for a medical or safety reason is not Art 5(1)(f); it stays Annex III 1(c)" if {
	emotion_recognition
	at_work_or_school
	emotion_reason_exempt
}

# ---------------------------------------------------------------------------------------------
# Conformity route (Art 43) and registration (Art 49).

biometric_point if {
	some point in annex3_points
	startswith(point, "annex3.1.")
}

law_enforcement_or_migration_context if is_true(deployment, "law_enforcement")

law_enforcement_or_migration_context if {
	some point in annex3_points
	regex.match(`^annex3\.(6|7)\.`, point)
}

law_enforcement_or_migration_context if deployment.deployer_type == "union_institution"

conformity_route := "none" if {
	tier != "high"
} else := "sectoral_procedure_art43_3" if {
	annex1_section_a_applies
} else := "annex_vii_with_msa_as_notified_body_or_annex_vi_if_harmonised_standards" if {
	annex3_high
	biometric_point
	is_true(deployment, "law_enforcement")
} else := "annex_vi_if_harmonised_standards_else_annex_vii" if {
	annex3_high
	biometric_point
} else := "internal_control_annex_vi" if {
	annex3_high
} else := "none"

only_critical_infrastructure if {
	annex3_points == {"annex3.2"}
}

restricted_section if {
	some point in annex3_points
	regex.match(`^annex3\.(1|6|7)\.`, point)
	law_enforcement_or_migration_context
}

registration := "none" if {
	not tier in {"high", "limited", "minimal"}
} else := "eu_database_restricted" if {
	annex3_high
	restricted_section
} else := "national" if {
	annex3_high
	only_critical_infrastructure
} else := "eu_database_public" if {
	annex3_high
} else := "non_high_risk_registration" if {
	derogation_applies
	data.comply.flags.register_non_high_risk == true
} else := "none"

registration_duty := {
	"eu_database_public": "art49.1.eu_database_registration",
	"eu_database_restricted": "art49.4.restricted_registration",
	"national": "art49.5.national_registration",
	"non_high_risk_registration": "art49.2.register_non_high_risk",
}

# ---------------------------------------------------------------------------------------------
# Obligations: {id, group, role}; dated below. Groups are keys of data.comply.dates.<timeline>.

high_risk_group := "annex3_high_risk" if annex3_high else := "annex1_high_risk"

applies_to_people if ai.decision_effect_on_persons in {"legal", "similar"}

annex3_beyond_point_2 if count(annex3_points - {"annex3.2"}) > 0

established_in_eu if section(section(card, "model_details"), "provider").established_in_eu == true

provider_high_risk_duty_ids := {
	"art9.risk_management", "art10.data_governance", "art11.technical_documentation",
	"art12.record_keeping_logging", "art13.instructions_for_use", "art14.human_oversight",
	"art15.accuracy_robustness_cybersecurity", "art16.provider_name_contact",
	"art17.quality_management_system", "art18.documentation_retention_10y",
	"art19.log_retention_6m", "art20.corrective_actions", "art43.conformity_assessment",
	"art47.eu_declaration_of_conformity", "art48.ce_marking", "art72.post_market_monitoring",
	"art73.serious_incident_reporting",
}

deployer_high_risk_duty_ids := {
	"art26.1.use_per_instructions", "art26.2.human_oversight_assignment",
	"art26.4.input_data_relevance", "art26.5.monitoring_and_incident_notice",
	"art26.6.log_retention_6m", "art26.9.dpia_uses_instructions",
	"art26.12.cooperate_with_authorities",
}

# Duties the Act owes that no card fact can honestly evidence: listed with `checked: false` and never
# judged (no pass, no fail). Art 26(12) is conduct towards the competent authorities when they act;
# a card written before release holds no record of it.
unchecked_duty_ids := {"art26.12.cooperate_with_authorities"}

judged_value(id, role) := true if {
	role in evidence_roles
	not id in unchecked_duty_ids
} else := false

full_high_risk_duties if {
	tier == "high"
	not annex1_section_b_only
}

# An Annex III system whose tier is high: a prohibited system that also matches an Annex III point owes
# no duty that implies it may be run (Art 5 comes first).
annex3_high_risk_system if {
	tier == "high"
	annex3_high
}

# Art 4 binds providers and deployers, not importers or distributors.
# An undetermined tier still owes it: every tier the missing facts could lead to, short of a ban, does.
duty contains {"id": "art4.ai_literacy", "group": "ai_literacy", "role": role} if {
	tier in {"high", "limited", "minimal", "undetermined"}
	not annex1_section_b_only
	some role in roles & {"provider", "deployer"}
}

duty contains {"id": id, "group": practice_group(r.basis), "role": role} if {
	tier == "prohibited"
	some r in prohibited_reasons
	id := r.basis
	some role in roles
}

# Dated from the matched practice: a ban of Regulation (EU) 2026/1744 applies from its own date, not
# from the 2025-02-02 group (the earliest matched practice wins: the listing keeps a duty's earliest group).
duty contains {"id": "art5.cease_placing_putting_into_service_and_use", "group": practice_group(r.basis), "role": role} if {
	tier == "prohibited"
	some r in prohibited_reasons
	some role in roles
}

duty contains {"id": id, "group": practice_group(r.basis), "role": role} if {
	tier != "out_of_scope"
	some r in pending_bans
	some id in {r.basis, "art5.cease_placing_putting_into_service_and_use"}
	some role in roles
}

duty contains {"id": id, "group": high_risk_group, "role": role} if {
	full_high_risk_duties
	role := "provider"
	role in roles
	some id in provider_high_risk_duty_ids
}

duty contains {"id": "org.approval", "group": "organisation", "role": role} if {
	tier == "high"
	some role in roles
}

duty contains {"id": "art11.2.single_technical_documentation", "group": "annex1_high_risk", "role": role} if {
	tier == "high"
	role := "provider"
	role in roles
	annex1_section_a_applies
}

duty contains {"id": "art22.authorised_representative", "group": high_risk_group, "role": role} if {
	full_high_risk_duties
	role := "provider"
	role in roles
	not established_in_eu
}

duty contains {"id": registration_duty[registration], "group": "annex3_high_risk", "role": role} if {
	role := "provider"
	role in roles
	registration_duty[registration]
}

duty contains {"id": "art6.4.document_assessment", "group": "annex3_high_risk", "role": role} if {
	tier in {"limited", "minimal"}
	role := "provider"
	role in roles
	derogation_applies
}

duty contains {"id": "art14.5.dual_verification", "group": "annex3_high_risk", "role": role} if {
	tier == "high"
	role := "provider"
	role in roles
	"annex3.1.a" in annex3_points
	annex3_high
}

duty contains {"id": id, "group": high_risk_group, "role": role} if {
	full_high_risk_duties
	role := "deployer"
	role in roles
	some id in deployer_high_risk_duty_ids
}

duty contains {"id": "art26.7.inform_workers", "group": high_risk_group, "role": role} if {
	full_high_risk_duties
	role := "deployer"
	role in roles
	is_true(deployment, "workplace")
}

# For law enforcement, Art 13 of Directive (EU) 2016/680 governs what persons are told (26(11) last
# sentence): the duty is listed as that, not as 26(11).
duty contains {"id": "art26.11.inform_affected_persons", "group": "annex3_high_risk", "role": role} if {
	annex3_high_risk_system
	role := "deployer"
	role in roles
	applies_to_people
	not is_true(deployment, "law_enforcement")
}

duty contains {"id": "art26.11.led_art13_information", "group": "annex3_high_risk", "role": role} if {
	annex3_high_risk_system
	role := "deployer"
	role in roles
	applies_to_people
	is_true(deployment, "law_enforcement")
}

duty contains {"id": "art86.explanation_on_request", "group": "annex3_high_risk", "role": role} if {
	annex3_high_risk_system
	role := "deployer"
	role in roles
	annex3_beyond_point_2
	applies_to_people
}

fria_deployer if deployment.deployer_type in {"public_authority", "public_service", "union_institution"}

fria_deployer if count(annex3_points & {"annex3.5.b", "annex3.5.c"}) > 0

duty contains {"id": "art27.fria", "group": "annex3_high_risk", "role": role} if {
	annex3_high_risk_system
	role := "deployer"
	role in roles
	not rbi_exception_used
	annex3_beyond_point_2
	fria_deployer
}

duty contains {"id": "art49.3.deployer_registration", "group": "annex3_high_risk", "role": role} if {
	annex3_high_risk_system
	role := "deployer"
	role in roles
	not rbi_exception_used
	annex3_beyond_point_2
	deployment.deployer_type in {"public_authority", "union_institution"}
}

duty contains {"id": "art26.10.post_rbi_authorisation", "group": "annex3_high_risk", "role": role} if {
	annex3_high_risk_system
	role := "deployer"
	role in roles
	remote_identification
	ai.biometric_timing == "post"
	is_true(deployment, "law_enforcement")
}

duty contains {"id": id, "group": "prohibitions", "role": role} if {
	rbi_exception_used
	role := "deployer"
	role in roles
	some id in {"art5.2.necessity_proportionality_safeguards", "art5.3.prior_authorisation", "art5.4.notify_msa_and_dpa"}
}

duty contains {"id": id, "group": "prohibitions", "role": role} if {
	rbi_exception_used
	role := "deployer"
	role in roles
	some id in {"art27.fria", "art49.3.deployer_registration"}
}

transparency_duty := {
	"art50.1": {"provider": "art50.1.ai_interaction_disclosure"},
	"art50.2": {"provider": "art50.2.machine_readable_marking"},
	"art50.3": {"deployer": "art50.3.emotion_biometric_exposure_notice"},
}

duty contains {"id": id, "group": "transparency", "role": role} if {
	tier in {"high", "limited", "minimal"}
	some r in transparency_reasons
	some role in roles
	id := transparency_duty[r.basis][role]
}

duty contains {"id": "art50.4.deepfake_disclosure", "group": "transparency", "role": role} if {
	tier in {"high", "limited", "minimal"}
	role := "deployer"
	role in roles
	deepfake_disclosure_owed
}

duty contains {"id": "art50.4.public_interest_text_disclosure", "group": "transparency", "role": role} if {
	tier in {"high", "limited", "minimal"}
	role := "deployer"
	role in roles
	public_interest_text_owed
}

# GPAI duties: Art 53 for every GPAI provider; open-source models skip 53(1)(a)-(b) and Art 54
# unless they carry systemic risk (53(2), 54(6)). They are the model's duties: a system fact the card
# leaves undeclared (an undetermined system tier) never removes them.
#
# The exemption needs all that 53(2) names: a free and open-source licence allowing access, use,
# modification and distribution, and the weights, the architecture and the usage information made
# public. Public weights alone (a restrictive licence, a gated download) are not enough.
open_source_facts := {
	"free_open_source_licence": "a free and open-source licence (gpai.free_open_source_licence)",
	"open_weights": "public weights (gpai.open_weights)",
	"architecture_public": "public information on the model architecture (gpai.architecture_public)",
	"usage_information_public": "public information on model usage (gpai.usage_information_public)",
}

open_source_fact("free_open_source_licence") if is_true(gpai_evidence, "free_open_source_licence")

open_source_fact("free_open_source_licence") if is_true(ai, "free_open_source")

open_source_fact("open_weights") if is_true(ai, "open_weights")

open_source_fact("open_weights") if is_true(gpai_evidence, "open_weights")

open_source_fact(key) if {
	key in {"architecture_public", "usage_information_public"}
	is_true(gpai_evidence, key)
}

open_source_claimed if {
	some key, _ in open_source_facts
	open_source_fact(key)
}

open_source_facts_missing := {text | some key, text in open_source_facts; not open_source_fact(key)}

# Systemic risk not ruled out (the compute is not stated) also keeps the duties: 53(2) never covers a
# systemic-risk model.
gpai_open_source_exempt if {
	gpai == "gpai"
	count(open_source_facts_missing) == 0
	is_number(training_flops)
}

notes contains sprintf("no Art 53(2)/54(6) open-source exemption without %s", [concat(", ", sort(open_source_facts_missing))]) if {
	gpai == "gpai"
	open_source_claimed
	count(open_source_facts_missing) > 0
}

notes contains "no Art 53(2)/54(6) open-source exemption for a model with systemic risk" if {
	gpai == "gpai_systemic_risk"
	open_source_claimed
}

gpai_provider_role := "provider" if "provider" in roles

duty contains {"id": id, "group": "gpai", "role": gpai_provider_role} if {
	gpai != "none"
	some id in {"art53.1.c.copyright_policy", "art53.1.d.training_content_summary"}
}

duty contains {"id": id, "group": "gpai", "role": gpai_provider_role} if {
	gpai != "none"
	not gpai_open_source_exempt
	some id in {"art53.1.a.technical_documentation", "art53.1.b.downstream_information"}
}

duty contains {"id": "art54.authorised_representative", "group": "gpai", "role": gpai_provider_role} if {
	gpai != "none"
	not gpai_open_source_exempt
	not established_in_eu
}

duty contains {"id": id, "group": "gpai", "role": gpai_provider_role} if {
	gpai == "gpai_systemic_risk"
	some id in {
		"art52.1.notify_commission", "art55.1.a.evaluation_adversarial_testing",
		"art55.1.b.systemic_risk_mitigation", "art55.1.c.incident_reporting", "art55.1.d.cybersecurity",
	}
}

# Duties whose rules live in other packages, registered in policy data
# (data.comply.obligation_extensions: [{id, tier, roles, group}]); group "high_risk" means the
# Annex I or Annex III date that applies to this system, "organisation" means always.
duty contains {"id": ext.id, "group": extension_group(ext.group), "role": role} if {
	full_high_risk_duties
	some ext in data.comply.obligation_extensions
	ext.tier == tier
	some role in roles
	role in ext.roles
}

extension_group(group) := high_risk_group if group == "high_risk" else := group

in_force_now(group, since) := true if transition.in_force(group, since) else := false

# comply's own rules (`org.*`) are never legal duties: they are listed apart and claim no article.
organisation_rule(id) if startswith(id, "org.")

source(id) := "organisation" if organisation_rule(id) else := "law"

# One entry per (id, role) even if two paths produce it (the earliest-named group wins,
# deterministically). Art 111(2): the high-risk duties of a legacy system no significant change
# brought under the Act are not owed.
owed_duties := {d |
	some d in duty
	not transition.suspended(dates.timeline, tier, d)
	not dropped_for_personal_use(d)
}

dropped_for_personal_use(d) if {
	personal_use_drops_deployer
	d.role == "deployer"
}

# The owed duties as [id, role, group], sorted once: the first of each (id, role) holds its
# earliest-named group, so the listing needs no search of owed_duties per entry.
owed_triples := sort({[d.id, d.role, d.group] | some d in owed_duties})

repeats_key(i) if {
	owed_triples[i - 1][0] == owed_triples[i][0]
	owed_triples[i - 1][1] == owed_triples[i][1]
}

# Each duty's date is its group's, unless Art 111 moves it for a system or model already on the
# market (comply.lib.transition); both timelines' dates are listed, whichever the run selected
# (null where a timeline lacks the group or suspends the duty).
timeline_dates(id, group) := {t: transition_date(t, {"id": id, "group": group}) | some t in {"original", "amended"}}

transition_date(t, d) := since if {
	since := transition.applies_from(t, tier, d)
} else := null

# When a duty of `group` applies under the selected timeline, `since` being that timeline's date of
# the duty or null; undefined when the timeline lacks the group (the 5(1)(ba)/(bb) bans exist only as
# amended), so the duty is not listed.
timing_from(group, since) := {"applies_from": since, "in_force": in_force_now(group, since)} if {
	since != null
} else := {"applies_from": null, "in_force": true} if {
	group == "organisation"
}

# Art 111 dates a duty by its group, and only a few duties by their id too (transition.dated_by_id), so
# the owed duties are dated once per distinct key of that kind per decision (Art 111 asks several
# questions per date; a high-risk card owes a score of duties in two or three groups): both timelines'
# dates, and the selected one's timing. The listing (one entry per id and role) and the judged duties
# (one per id) read it; a key whose group the selected timeline lacks has none.
dating_key(id, group) := [id, group] if transition.dated_by_id(id) else := ["", group]

dating_keys := {dating_key(id, group) | some [id, _, group] in owed_triples}

dating := {key: {"dates": on, "timing": t} |
	some key in dating_keys
	on := timeline_dates(key[0], key[1])
	t := timing_from(key[1], on[dates.timeline])
}

dated(id, role, group) := object.union(entry(id, role, d.dates), d.timing) if {
	d := dating[dating_key(id, group)]
}

entry(id, role, on) := {
	"id": id,
	"role": role,
	"source": source(id),
	"assumed": roles_assumed_value,
	"checked": judged_value(id, role),
	"dates": on,
}

roles_assumed_value := true if roles_assumed else := false

listed := [dated(id, role, group) | some i, [id, role, group] in owed_triples; not repeats_key(i)]

obligations := [o | some o in listed; o.source == "law"]

organisation_rules := [o | some o in listed; o.source == "organisation"]

# The duties comply check judges (the evidence roles'), as [id, group] sorted once: the first of each
# id holds its earliest-named group. Keyed by id once per decision for comply.lib.duties:
# `applies(id)`, `due(id)`, `pending(id)`.
checked_pairs := sort({[d.id, d.group] | some d in owed_duties; judged_value(d.id, d.role)})

checked_obligation_by_id := {id: object.union({"id": id}, t) |
	some i, [id, group] in checked_pairs
	not repeats_id(i)
	t := dating[dating_key(id, group)].timing
}

repeats_id(i) if checked_pairs[i - 1][0] == checked_pairs[i][0]

# ---------------------------------------------------------------------------------------------
# Declared tier (`ai_act.declared_tier` or the card's `risk_category`).

tier_aliases := {
	"prohibited": "prohibited", "unacceptable": "prohibited", "high": "high",
	"limited": "limited", "minimal": "minimal", "out_of_scope": "out_of_scope",
}

normalised_tier(text) := tier_aliases[trim_suffix(replace(replace(lower(trim_space(text)), "-", "_"), " ", "_"), "_risk")]

declared_tier := normalised_tier(ai.declared_tier) if {
	is_string(ai.declared_tier)
} else := normalised_tier(card.risk_category) if {
	is_string(card.risk_category)
} else := null

# ---------------------------------------------------------------------------------------------

result := {
	"tier": tier,
	"gpai": gpai,
	"roles": sort(roles),
	"roles_assumed": roles_assumed_value,
	"reasons": reasons,
	"missing_facts": missing_facts,
	"questions": questions,
	"conformity_route": conformity_route,
	"registration": registration,
	"obligations": obligations,
	"organisation_rules": organisation_rules,
	"declared_tier": declared_tier,
	"notes": sort(notes),
	"timeline": dates.timeline,
	"reference_date": dates.reference_date,
}
