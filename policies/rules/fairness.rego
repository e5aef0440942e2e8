# Fairness (Art 10(2)(f)-(g), Art 15; model card ethical_considerations.bias_analysis): a high-risk
# system must have been examined for possible biases across the groups it affects, and the numbers of
# that examination are judged against the organisation's own thresholds.
#
# The AI Act sets no numeric fairness threshold: it requires examination for bias and appropriate
# measures (Art 10(2)(f)-(g)). Every number compared here comes from data.comply.thresholds, which
# are the organisation's parameters, and every message says so.
#
# Evidence: input.evidence.fairness (schemas/fairness.schema.json), either computed by comply from a
# predictions file (source "computed") or normalized from numbers declared in the card or a file
# (source "declared"). features[name].metrics[metric] = {value, groups, ci?}; groups[name].count.
#
# Uncertainty: when a metric carries a bootstrap interval (`ci`) that contains the threshold, the data
# cannot tell on which side the true value lies, so the finding is a warning, not a failure, whichever
# side the point estimate falls on. Without an interval the point estimate decides.
package comply.rules.fairness

import data.comply.lib.duties
import rego.v1

thresholds := data.comply.thresholds

fairness := input.evidence.fairness if is_object(input.evidence.fairness) else := {}

features := fairness.features if is_object(fairness.features) else := {}

has_evidence if count(features) > 0

# Sensitive features the card says were (or must be) examined.
declared_features contains name if {
	some name in duties.section(duties.section(duties.card, "ethical_considerations"), "bias_analysis").sensitive_features
	is_string(name)
}

covered(name) if {
	some feature in features
	name in feature.columns
}

legal_note := "an organisational threshold, not a legal limit: the AI Act sets no numeric fairness threshold"

field(feature, metric) := sprintf("evidence.fairness.features.%s.metrics.%s.value", [feature, metric])

# ---------------------------------------------------------------------------------------------
# art10.2.f.bias_examination: fairness evidence exists and covers the declared sensitive features.
# It is part of the Art 10 duty, so it applies, and is enforced or deferred, exactly as
# art10.data_governance is for this card.

examination_id := "art10.2.f.bias_examination"

parent_id := "art10.data_governance"

checks contains examination_id if duties.applies(parent_id)

examination_gaps contains {"id": examination_id, "msg": msg, "field": "evidence.fairness"} if {
	not has_evidence
	msg := "no bias examination numbers: compute them with `comply check --predictions FILE` (or `comply fairness`) or declare them in ethical_considerations.bias_analysis"
}

examination_gaps contains {"id": examination_id, "msg": msg, "field": "card.ethical_considerations.bias_analysis.sensitive_features"} if {
	has_evidence
	some name in declared_features
	not covered(name)
	msg := sprintf("sensitive feature %q is declared in the card but the fairness evidence has no numbers for it", [name])
}

# METADATA
# title: The system was examined for bias across the groups it affects
# description: >-
#   Training, validation and testing data are examined for possible biases likely to affect health,
#   safety or fundamental rights or to lead to discrimination, and measures are taken to detect,
#   prevent and mitigate them (Art 10(2)(f)-(g)); accuracy is declared per group (Art 13(3)(b), Art 15).
#   comply reads this as: fairness numbers exist, and they cover every sensitive feature the card
#   declares in ethical_considerations.bias_analysis.sensitive_features.
# custom:
#   id: art10.2.f.bias_examination
#   article: Art. 10(2)(f)-(g)
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.11]
#   remediation: >-
#     Run `comply check model_card.yaml --predictions predictions.parquet` (columns in comply.yaml
#     `fairness:`) so comply computes the per-group numbers, or declare them per feature in
#     ethical_considerations.bias_analysis.
deny contains finding if {
	duties.due(parent_id)
	some finding in examination_gaps
}

warn contains finding if {
	duties.pending(parent_id)
	some gap in examination_gaps
	finding := duties.deferred_gap(gap, parent_id)
}

warn contains duties.pending_notice(examination_id, parent_id) if duties.pending(parent_id)

warn contains finding if {
	duties.applies(parent_id)
	fairness.source == "declared"
	finding := {
		"id": examination_id,
		"field": "evidence.fairness.source",
		"msg": "fairness numbers are declared, not computed: comply cannot verify them; pass --predictions to have comply compute them from the evaluation predictions",
	}
}

warn contains finding if {
	duties.applies(parent_id)
	some name, feature in features
	"single_group" in feature.flags
	finding := {
		"id": examination_id,
		"field": sprintf("evidence.fairness.features.%s.groups", [name]),
		"msg": sprintf("%s: the data has a single group, so nothing was compared", [name]),
	}
}

# ---------------------------------------------------------------------------------------------
# Organisation thresholds (org.fairness.*): apply to every high-risk system with fairness numbers
# and, like every org.* rule, from the day the tier applies (they are the organisation's own rules).

org_applies if duties.high_risk

# A threshold the rules need but the policy data lacks is a failure, never a silent pass.
missing_threshold(id, key) := {"id": id, "field": sprintf("data.comply.thresholds.%s", [key]), "msg": msg} if {
	not is_number(object.get(thresholds, key, null))
	msg := sprintf("data.comply.thresholds.%s is not set, so %s cannot be judged", [key, id])
}

# A metric of a feature: its value (a number) and bootstrap interval (when present).
metric_value(feature, metric) := feature.metrics[metric].value if is_number(feature.metrics[metric].value)

interval(feature, metric) := feature.metrics[metric].ci if {
	ci := feature.metrics[metric].ci
	is_array(ci)
	count(ci) == 2
	is_number(ci[0])
	is_number(ci[1])
}

straddles(feature, metric, limit) if {
	ci := interval(feature, metric)
	ci[0] <= limit
	limit <= ci[1]
}

groups_text(feature, metric) := sprintf(" between groups %q and %q", [g[0], g[1]]) if {
	g := feature.metrics[metric].groups
	is_array(g)
	count(g) == 2
} else := ""

ci_text(feature, metric) := sprintf(" (%v%% interval [%.3f, %.3f])", [confidence_percent, ci[0], ci[1]]) if {
	ci := interval(feature, metric)
} else := ""

confidence_percent := round(fairness.bootstrap.confidence * 100) if is_number(fairness.bootstrap.confidence) else := 95

# Upper limits (differences): beyond means value > limit.
upper_limit_findings(id, metric, key) := {"deny": deny_set, "warn": warn_set} if {
	limit := thresholds[key]
	deny_set := {finding |
		some name, feature in features
		value := metric_value(feature, metric)
		value > limit
		not straddles(feature, metric, limit)
		finding := {"id": id, "field": field(name, metric), "msg": sprintf(
			"%s: %s %.3f%s%s exceeds %v, %s",
			[name, metric, value, groups_text(feature, metric), ci_text(feature, metric), limit, legal_note],
		)}
	}
	warn_set := {finding |
		some name, feature in features
		value := metric_value(feature, metric)
		straddles(feature, metric, limit)
		finding := {"id": id, "field": field(name, metric), "msg": sprintf(
			"%s: %s %.3f%s%s: the interval contains the threshold %v, so the data cannot tell whether it is met (%s)",
			[name, metric, value, groups_text(feature, metric), ci_text(feature, metric), limit, legal_note],
		)}
	}
}

# Lower limits (ratios): beyond means value < limit.
lower_limit_findings(id, metric, key) := {"deny": deny_set, "warn": warn_set} if {
	limit := thresholds[key]
	deny_set := {finding |
		some name, feature in features
		value := metric_value(feature, metric)
		value < limit
		not straddles(feature, metric, limit)
		finding := {"id": id, "field": field(name, metric), "msg": sprintf(
			"%s: %s %.3f%s%s is below %v, %s",
			[name, metric, value, groups_text(feature, metric), ci_text(feature, metric), limit, legal_note],
		)}
	}
	warn_set := {finding |
		some name, feature in features
		value := metric_value(feature, metric)
		straddles(feature, metric, limit)
		finding := {"id": id, "field": field(name, metric), "msg": sprintf(
			"%s: %s %.3f%s%s: the interval contains the threshold %v, so the data cannot tell whether it is met (%s)",
			[name, metric, value, groups_text(feature, metric), ci_text(feature, metric), limit, legal_note],
		)}
	}
}

# A metric the evidence lists but cannot give a number for (0/0) is reported, never passed.
undefined_findings(id, metric) := {finding |
	some name, feature in features
	entry := feature.metrics[metric]
	is_object(entry)
	entry.value == null
	reason := object.get(entry, "undefined", "undefined")
	finding := {"id": id, "field": field(name, metric), "msg": sprintf("%s: %s is undefined (%s), so it cannot be judged", [name, metric, reason])}
}

# A metric a feature does not report at all (declared evidence may omit it) is reported, never passed.
absent_findings(id, metric) := {finding |
	some name, feature in features
	not is_object(object.get(object.get(feature, "metrics", {}), metric, null))
	finding := {"id": id, "field": sprintf("evidence.fairness.features.%s.metrics", [name]), "msg": sprintf("%s: no %s in the fairness evidence, so it cannot be judged", [name, metric])}
}

# ---- demographic parity ---------------------------------------------------------------------
parity := upper_limit_findings("org.fairness.demographic_parity", "demographic_parity_difference", "demographic_parity_difference")

checks contains "org.fairness.demographic_parity" if {
	org_applies
	has_evidence
}

# METADATA
# title: Selection rates differ between groups by no more than the organisation's threshold
# description: >-
#   Demographic-parity difference: the largest minus the smallest group selection rate (share of
#   positive predictions), per sensitive feature (fairlearn's demographic_parity_difference). The
#   threshold data.comply.thresholds.demographic_parity_difference is the organisation's parameter;
#   the AI Act requires bias examination and mitigation (Art 10(2)(f)-(g)) but sets no number.
# custom:
#   id: org.fairness.demographic_parity
#   article: Organisation policy (supports Art. 10(2)(f)-(g))
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.11]
#   remediation: >-
#     Investigate and mitigate the selection-rate gap (re-weighting, threshold per group where lawful,
#     more representative data), or document why the organisation accepts a different threshold.
deny contains finding if {
	org_applies
	some finding in parity.deny
}

deny contains finding if {
	org_applies
	has_evidence
	finding := missing_threshold("org.fairness.demographic_parity", "demographic_parity_difference")
}

warn contains finding if {
	org_applies
	some finding in parity.warn
}

warn contains finding if {
	org_applies
	some finding in absent_findings("org.fairness.demographic_parity", "demographic_parity_difference")
}

# ---- equalized odds -------------------------------------------------------------------------
odds := upper_limit_findings("org.fairness.equalized_odds", "equalized_odds_difference", "equalized_odds_difference")

checks contains "org.fairness.equalized_odds" if {
	org_applies
	has_evidence
}

# METADATA
# title: Error rates differ between groups by no more than the organisation's threshold
# description: >-
#   Equalized-odds difference: the larger of the true-positive-rate and false-positive-rate gaps
#   between groups, per sensitive feature (fairlearn's equalized_odds_difference, worst case). The
#   threshold data.comply.thresholds.equalized_odds_difference is the organisation's parameter, not a
#   legal limit (Art 10(2)(f)-(g), Art 15 ask for examination and appropriate measures).
# custom:
#   id: org.fairness.equalized_odds
#   article: Organisation policy (supports Arts. 10(2)(f)-(g), 15)
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.11]
#   remediation: >-
#     Investigate which groups the model errs on more (see the per-group TPR/FPR table) and mitigate,
#     or document why the organisation accepts a different threshold.
deny contains finding if {
	org_applies
	some finding in odds.deny
}

deny contains finding if {
	org_applies
	has_evidence
	finding := missing_threshold("org.fairness.equalized_odds", "equalized_odds_difference")
}

warn contains finding if {
	org_applies
	some finding in odds.warn
}

warn contains finding if {
	org_applies
	some finding in absent_findings("org.fairness.equalized_odds", "equalized_odds_difference")
}

# ---- disparate impact (four-fifths rule) ----------------------------------------------------
impact := lower_limit_findings("org.fairness.disparate_impact", "disparate_impact_ratio", "disparate_impact_ratio")

checks contains "org.fairness.disparate_impact" if {
	org_applies
	has_evidence
}

# METADATA
# title: No group is selected at less than the organisation's share of the best-treated group's rate
# description: >-
#   Disparate-impact ratio (the four-fifths rule): the lowest group selection rate divided by the
#   highest, or by the reference (privileged) group's when one is named. The threshold
#   data.comply.thresholds.disparate_impact_ratio defaults to 0.8, the US four-fifths rule (EEOC
#   Uniform Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D)), not EU law: the AI Act
#   sets no such number, and the threshold is the organisation's parameter.
# custom:
#   id: org.fairness.disparate_impact
#   article: Organisation policy (supports Art. 10(2)(f)-(g))
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.11]
#   remediation: >-
#     Investigate and mitigate the selection-rate gap for the named group, or document why the
#     organisation accepts a different ratio.
deny contains finding if {
	org_applies
	some finding in impact.deny
}

deny contains finding if {
	org_applies
	has_evidence
	finding := missing_threshold("org.fairness.disparate_impact", "disparate_impact_ratio")
}

warn contains finding if {
	org_applies
	some finding in impact.warn
}

warn contains finding if {
	org_applies
	some finding in absent_findings("org.fairness.disparate_impact", "disparate_impact_ratio")
}

warn contains finding if {
	org_applies
	some finding in undefined_findings("org.fairness.disparate_impact", "disparate_impact_ratio")
}

# ---- minimum group size ---------------------------------------------------------------------
checks contains "org.fairness.min_group_size" if {
	org_applies
	has_evidence
}

small_group_findings contains finding if {
	limit := thresholds.min_group_size
	some name, feature in features
	some group_name, group in feature.groups
	is_number(group.count)
	group.count > 0
	group.count < limit
	not "missing_value" in object.get(group, "flags", [])
	finding := {
		"id": "org.fairness.min_group_size",
		"field": sprintf("evidence.fairness.features.%s.groups.%s.count", [name, group_name]),
		"msg": sprintf(
			"%s: group %q has %d rows, fewer than %v, so its rates are too uncertain to judge (%s)",
			[name, group_name, group.count, limit, legal_note],
		),
	}
}

# METADATA
# title: Every group has enough rows for its numbers to mean something
# description: >-
#   A rate measured on a handful of rows can hide or invent a disparity. Every group of every
#   sensitive feature must have at least data.comply.thresholds.min_group_size rows (the
#   organisation's parameter; the AI Act asks that data be sufficiently representative, Art 10(3),
#   but sets no number). Rows with no value for a feature (the `<missing>` group) are reported as a
#   warning instead.
# custom:
#   id: org.fairness.min_group_size
#   article: Organisation policy (supports Art. 10(3))
#   severity: medium
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.11]
#   remediation: >-
#     Evaluate on more data from the small groups, merge groups where that is meaningful, or lower
#     data.comply.thresholds.min_group_size as a comply.yaml deviation (owner and reason).
deny contains finding if {
	org_applies
	some finding in small_group_findings
}

deny contains finding if {
	org_applies
	has_evidence
	finding := missing_threshold("org.fairness.min_group_size", "min_group_size")
}

warn contains finding if {
	org_applies
	some name, feature in features
	not group_counts_known(feature)
	finding := {
		"id": "org.fairness.min_group_size",
		"field": sprintf("evidence.fairness.features.%s.groups", [name]),
		"msg": sprintf("%s: the fairness evidence gives no group sizes, so it cannot show every group has enough rows", [name]),
	}
}

group_counts_known(feature) if {
	count(object.get(feature, "groups", {})) > 0
	every group in feature.groups {
		is_number(object.get(group, "count", null))
	}
}

warn contains finding if {
	org_applies
	some name, feature in features
	some group_name, group in feature.groups
	"missing_value" in object.get(group, "flags", [])
	finding := {
		"id": "org.fairness.min_group_size",
		"field": sprintf("evidence.fairness.features.%s.groups.%s.count", [name, group_name]),
		"msg": sprintf("%s: %v rows have no value for this feature (reported as group %q)", [name, group.count, group_name]),
	}
}

# ---- per-group performance (opt-in organisation thresholds) -------------------------------------
# Each group's accuracy, precision, recall, F1 and ROC AUC must reach a minimum, its FPR and FNR stay
# under a maximum: data.comply.thresholds.group_<metric>_min / _max. comply's defaults (0 and 1) judge
# nothing; an organisation tightens the ones its checklist names. A group under min_group_size that
# misses a limit is a warning (too few rows to tell), a group the evidence gives no number for while a
# limit is set is a warning (never a pass).
performance_limits := {
	"accuracy": {"key": "group_accuracy_min", "bound": "min"},
	"precision": {"key": "group_precision_min", "bound": "min"},
	"recall": {"key": "group_recall_min", "bound": "min"},
	"f1": {"key": "group_f1_min", "bound": "min"},
	"roc_auc": {"key": "group_roc_auc_min", "bound": "min"},
	"fpr": {"key": "group_fpr_max", "bound": "max"},
	"fnr": {"key": "group_fnr_max", "bound": "max"},
}

# The limits an organisation set: a minimum above 0 or a maximum below 1.
active_limit(metric) := {"bound": limit.bound, "value": value} if {
	limit := performance_limits[metric]
	value := object.get(thresholds, limit.key, null)
	is_number(value)
	tightened(limit.bound, value)
}

tightened("min", value) if value > 0

tightened("max", value) if value < 1

misses("min", value, limit) if value < limit

misses("max", value, limit) if value > limit

bound_text("min") := "below the organisation's minimum"

bound_text("max") := "above the organisation's maximum"

performance_field(name, group_name, metric) := sprintf("evidence.fairness.features.%s.groups.%s.%s", [name, group_name, metric])

# Groups with rows: (feature name, group name, group, whether it has enough rows to judge).
judged_groups contains [name, group_name, group, big] if {
	some name, feature in features
	some group_name, group in object.get(feature, "groups", {})
	is_number(group.count)
	group.count > 0
	big := group.count >= thresholds.min_group_size
}

finding_kind(true) := "deny"

finding_kind(false) := "warn"

small_note(_, true) := ""

small_note(group, false) := sprintf(" (only %v rows, under min_group_size: too few to tell)", [group.count])

performance_findings contains [kind, finding] if {
	some [name, group_name, group, big] in judged_groups
	some metric, _ in performance_limits
	limit := active_limit(metric)
	value := group[metric]
	is_number(value)
	misses(limit.bound, value, limit.value)
	kind := finding_kind(big)
	note := small_note(group, big)
	finding := {"id": "org.fairness.group_performance", "field": performance_field(name, group_name, metric), "msg": sprintf(
		"%s: group %q has %s %.3f, %s %v%s, %s",
		[name, group_name, metric, value, bound_text(limit.bound), limit.value, note, legal_note],
	)}
}

performance_findings contains ["warn", finding] if {
	some [name, group_name, group, _] in judged_groups
	some metric, _ in performance_limits
	active_limit(metric)
	not is_number(object.get(group, metric, null))
	finding := {"id": "org.fairness.group_performance", "field": performance_field(name, group_name, metric), "msg": sprintf(
		"%s: group %q has no %s in the fairness evidence, so its limit cannot be judged%s",
		[name, group_name, metric, auc_hint(metric)],
	)}
}

auc_hint("roc_auc") := " (compute it from the rows with `comply fairness --score ... --auc`)"

auc_hint(metric) := "" if metric != "roc_auc"

checks contains "org.fairness.group_performance" if {
	org_applies
	has_evidence
	some metric, _ in performance_limits
	active_limit(metric)
}

# METADATA
# title: Every group's performance meets the organisation's limits
# description: >-
#   Per sensitive group: accuracy, precision, recall, F1 and ROC AUC at least
#   data.comply.thresholds.group_<metric>_min, FPR and FNR at most group_<metric>_max. Art 15(1)
#   asks for an appropriate level of accuracy and Art 10(2)(f) for examination of biases; the AI Act
#   sets no number, so the limits are the organisation's (comply's defaults, 0 and 1, judge nothing).
# custom:
#   id: org.fairness.group_performance
#   article: Organisation policy (supports Arts. 10(2)(f), 15(1))
#   severity: high
#   remediation: >-
#     Improve the model for the named group (more or better data for it, re-weighting, a re-trained
#     or re-calibrated model), or document why the organisation accepts a lower level for it.
deny contains finding if {
	org_applies
	some ["deny", finding] in performance_findings
}

warn contains finding if {
	org_applies
	some ["warn", finding] in performance_findings
}
