# The classification itself as a gate: an undetermined tier fails (fail closed) and so does a
# declared tier lower than the derived one.
package comply.rules.classification_gate

import data.comply.classification
import rego.v1

checks contains "org.classification.determined"

checks contains "org.classification.declared_tier" if classification.declared_tier != null

# METADATA
# title: The AI Act tier is determined
# description: >-
#   The card declares every fact the classification needs; a missing deciding fact never defaults
#   to minimal risk (fail closed).
# custom:
#   id: org.classification.determined
#   article: Organisation policy (supports Arts. 5, 6, 50, 51, the classification)
#   severity: critical
#   remediation: Declare the listed ai_act/deployment facts (or run `comply classify --interactive`).
deny contains finding if {
	classification.tier == "undetermined"
	some fact in classification.missing_facts
	finding := {
		"id": "org.classification.determined",
		"msg": undetermined_message(fact),
		"field": fact,
	}
}

# A fact the card's own facts contradict is asked as its question; a missing one is to be declared.
undetermined_message(fact) := msg if {
	asked := [c.question | some c in classification.contradiction; c.fact == fact]
	count(asked) > 0
	msg := sprintf("tier undetermined: %s", [concat("; ", sort(asked))])
} else := sprintf("tier undetermined: declare %s", [trim_prefix(fact, "card.")])

field_of_declared_tier := "card.ai_act.declared_tier" if is_string(input.card.ai_act.declared_tier) else := "card.risk_category"

# METADATA
# title: The declared tier is not lower than the derived tier
# description: >-
#   A card that claims a lower risk tier than its declared facts imply understates its
#   obligations.
# custom:
#   id: org.classification.declared_tier
#   article: Organisation policy (supports Arts. 6, 49(2))
#   severity: high
#   remediation: Correct ai_act.declared_tier / risk_category to the derived tier, or correct the facts.
deny contains finding if {
	declared := classification.declared_tier
	declared != null
	classification.tier in {"prohibited", "high", "limited", "minimal"}
	classification.tier_rank[declared] < classification.tier_rank[classification.tier]
	finding := {
		"id": "org.classification.declared_tier",
		"msg": sprintf("declared %s, derived %s: %s", [declared, classification.tier, concat(", ", classification.tier_bases)]),
		"field": field_of_declared_tier,
	}
}

# The gate only fails or passes.
warn := set()
