# AI literacy (Art 4): kept at WARN because Regulation (EU) 2026/1744 softened the duty and
# sources disagree on who now carries it (fact sheet §9).
package comply.rules.literacy

import data.comply.lib.duties
import rego.v1

card := duties.card

literacy := duties.section(card, "ai_literacy")

ids := {"art4.ai_literacy"}

checks contains id if some id in duties.owed(ids)

# METADATA
# title: Staff dealing with the system are AI-literate
# description: >-
#   Providers and deployers take measures to ensure a sufficient level of AI literacy of their
#   staff (Art 4). Reported as a warning only: the 2026 amendment softened the duty.
# custom:
#   id: art4.ai_literacy
#   article: Art. 4
#   severity: low
#   remediation: Link the training programme in ai_literacy.programme_uri and record ai_literacy.last_training.
warn contains finding if {
	duties.applies("art4.ai_literacy")
	not duties.has_text(object.get(literacy, "programme_uri", null))
	finding := {"id": "art4.ai_literacy", "msg": "no AI-literacy programme on record", "field": "card.ai_literacy.programme_uri"}
}

warn contains finding if some finding in duties.pending_notices(ids)

# Never a failure (fact sheet §9: keep the Art 4 rule at WARN).
deny := set()
