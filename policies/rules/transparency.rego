# Article 50 transparency duties (providers 50(1)-(2), deployers 50(3)-(4)).
package comply.rules.transparency

import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

card := duties.card

transparency := duties.section(card, "transparency")

disclosure := duties.section(transparency, "ai_disclosure")

marking := duties.section(transparency, "content_marking")

ids := {
	"art50.1.ai_interaction_disclosure", "art50.2.machine_readable_marking",
	"art50.3.emotion_biometric_exposure_notice", "art50.4.deepfake_disclosure",
	"art50.4.public_interest_text_disclosure",
}

checks contains id if some id in duties.owed(ids)

# METADATA
# title: People are told they are interacting with an AI system
# description: Systems that interact directly with natural persons tell them so, at the latest at the first interaction (Art 50(1), 50(5)).
# custom:
#   id: art50.1.ai_interaction_disclosure
#   article: Art. 50(1)
#   severity: high
#   remediation: Fill transparency.ai_disclosure.text and set transparency.ai_disclosure.shown_at to first_interaction.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art50.1.ai_interaction_disclosure"
}

# METADATA
# title: Generated content is marked machine-readably
# description: Synthetic audio, image, video or text is marked in a machine-readable format and detectable as AI-generated (Art 50(2)).
# custom:
#   id: art50.2.machine_readable_marking
#   article: Art. 50(2)
#   severity: high
#   remediation: >-
#     Fill transparency.content_marking.{method (c2pa|watermark|metadata), detector_available: true}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art50.2.machine_readable_marking"
}

# METADATA
# title: People exposed to emotion recognition or biometric categorisation are informed
# description: Deployers inform the natural persons exposed to emotion recognition or biometric categorisation (Art 50(3)).
# custom:
#   id: art50.3.emotion_biometric_exposure_notice
#   article: Art. 50(3)
#   severity: high
#   remediation: Fill transparency.exposure_notice.{text, shown_at}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art50.3.emotion_biometric_exposure_notice"
}

# METADATA
# title: Deep fakes are disclosed
# description: Deployers of systems generating or manipulating image, audio or video deep fakes disclose that the content is artificial (Art 50(4)).
# custom:
#   id: art50.4.deepfake_disclosure
#   article: Art. 50(4)
#   severity: high
#   remediation: Describe the label in transparency.deepfake_label.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art50.4.deepfake_disclosure"
}

# METADATA
# title: AI-written public-interest text is disclosed or editorially reviewed
# description: Deployers publishing AI-generated text on matters of public interest disclose it unless it underwent human editorial review under editorial responsibility (Art 50(4)).
# custom:
#   id: art50.4.public_interest_text_disclosure
#   article: Art. 50(4)
#   severity: medium
#   remediation: Set transparency.editorial_review to true or describe the label in transparency.public_interest_text_label.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art50.4.public_interest_text_disclosure"
}

warn contains finding if some finding in duties.deferred(gaps)

warn contains finding if some finding in duties.pending_notices(ids)

gaps contains {"id": "art50.1.ai_interaction_disclosure", "msg": "no AI disclosure text", "field": "card.transparency.ai_disclosure.text"} if {
	not duties.has_text(object.get(disclosure, "text", null))
}

gaps contains {"id": "art50.1.ai_interaction_disclosure", "msg": msg, "field": "card.transparency.ai_disclosure.shown_at"} if {
	not object.get(disclosure, "shown_at", null) in {"first_interaction", "before_interaction"}
	msg := "the AI disclosure must be shown at (or before) the first interaction"
}

gaps contains {"id": "art50.2.machine_readable_marking", "msg": msg, "field": "card.transparency.content_marking.method"} if {
	not object.get(marking, "method", null) in {"c2pa", "watermark", "metadata"}
	msg := "generated content carries no machine-readable marking (c2pa, watermark or metadata)"
}

gaps contains {"id": "art50.2.machine_readable_marking", "msg": msg, "field": "card.transparency.content_marking.detector_available"} if {
	object.get(marking, "detector_available", null) != true
	msg := "the marking is not detectable (no detector available)"
}

gaps contains {"id": "art50.3.emotion_biometric_exposure_notice", "msg": msg, "field": "card.transparency.exposure_notice.text"} if {
	not duties.has_text(object.get(duties.section(transparency, "exposure_notice"), "text", null))
	msg := "exposed persons are not informed of the emotion recognition or biometric categorisation"
}

labelled(value) if value == true

labelled(value) if duties.has_text(value)

gaps contains {"id": "art50.4.deepfake_disclosure", "msg": "deep fakes are not labelled", "field": "card.transparency.deepfake_label"} if {
	not labelled(object.get(transparency, "deepfake_label", null))
}

gaps contains {"id": "art50.4.public_interest_text_disclosure", "msg": msg, "field": "card.transparency.editorial_review"} if {
	object.get(transparency, "editorial_review", null) != true
	not labelled(object.get(transparency, "public_interest_text_label", null))
	msg := "AI-written public-interest text is neither labelled nor under editorial review"
}
