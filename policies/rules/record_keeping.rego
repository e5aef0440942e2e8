# Record keeping (Arts. 12, 19, 26(6)): high-risk systems log events automatically over their lifetime,
# and providers and deployers keep those logs at least six months. The org.* rules are comply's own
# organisational rules (the Act does not require tamper-evidence or a verified audit log).
#
# Where logging facts come from: input.evidence.logging (a --logging file: declared block and/or Python
# dictConfig analysis) wins field by field; the card's own `logging:` block is the fallback for every
# field the evidence does not state. `fact(key)` / `fact_field(key)` implement that precedence.
package comply.rules.record_keeping

import data.comply.lib.dates
import data.comply.lib.duties
import rego.v1

# The gaps of duties already in force, bound once per decision (a function is evaluated anew at each
# call, a rule once): every deny below selects its own id from it.
enforced_gaps := duties.enforced(gaps)

# The organisation's thresholds and the numbers the Regulation fixes (log_retention_days: Art 19(1),
# 26(6)) in one lookup; neither is a literal here.
thresholds := object.union(organisation_thresholds, legal_constants)

organisation_thresholds := data.comply.thresholds if is_object(data.comply.thresholds) else := {}

legal_constants := data.comply.law if is_object(data.comply.law) else := {}

duty_ids := {"art12.record_keeping_logging", "art19.log_retention_6m", "art26.6.log_retention_6m"}

retention_ids := {"art19.log_retention_6m", "art26.6.log_retention_6m"}

# Organisational rules apply to every high-risk system (switch to duties.owed once
# comply.classification lists these ids as "organisation" duties).
org_ids := {
	"org.logging.rotation_consistent_with_retention", "org.audit_log.present",
	"org.audit_log.integrity", "org.audit_log.covers_period",
}

org_owed contains id if {
	duties.high_risk
	some id in org_ids
}

checks contains id if some id in duties.owed(duty_ids)

# The audit-log content rules are judged only when a log was supplied; without one,
# org.audit_log.present warns, and "intact" or "covers the period" would be a pass about nothing.
audit_log_content_ids := {"org.audit_log.integrity", "org.audit_log.covers_period"}

audit_log_supplied if is_object(object.get(object.get(input, "evidence", {}), "audit_log", null))

checks contains id if {
	some id in org_owed
	not id in audit_log_content_ids
}

checks contains id if {
	some id in org_owed
	id in audit_log_content_ids
	audit_log_supplied
}

# ---------------------------------------------------------------------------------------------
# Facts: evidence file first, card block second.

evidence := input.evidence.logging if is_object(input.evidence.logging) else := {}

card_block := duties.section(duties.card, "logging")

audit := input.evidence.audit_log if is_object(input.evidence.audit_log) else := {}

from_evidence(key) if key in object.keys(evidence)

fact(key) := evidence[key] if {
	from_evidence(key)
} else := card_block[key] if {
	key in object.keys(card_block)
}

has_fact(key) if {
	some source in [evidence, card_block]
	key in object.keys(source)
}

# The input-document path a finding about `key` points at (the card when the facts came from it).
fact_field(key) := concat(".", ["evidence.logging", key]) if {
	from_evidence(key)
	evidence.source != "card"
} else := concat(".", ["card.logging", key])

handler_field(name, key) := concat(".", ["evidence.logging.handlers", name, key])

any_logging if count(evidence) > 0

any_logging if count(card_block) > 0

console_destinations := {"console", "stdout", "stderr", "none", "null", "/dev/null"}

# Durable: the dictConfig analysis (or an explicit `durable`) says so, else a declared destination
# that is not the console.
durable if fact("durable") == true

durable if {
	not has_fact("durable")
	duties.has_text(fact("destination"))
	not lower(trim_space(fact("destination"))) in console_destinations
}

required_events := {"prediction", "override", "deployment"}

# Annex III 1(a): Art 12(3) adds the use period, reference database, matched input and verifiers.
rbi_events := {"session_start", "session_end", "reference_db", "match", "verifier_id"}

remote_biometric_identification if "biometrics.remote_identification" in object.get(duties.section(duties.card, "ai_act"), "use_cases", [])

needed_events := required_events | rbi_events if remote_biometric_identification else := required_events

declared_events := {e | some e in fact("events")}

logged_events := {e | some e, n in object.get(audit, "event_counts", {}); n > 0}

covered_events := declared_events | logged_events

retention_threshold := thresholds.log_retention_days

declared_retention := fact("retention_days") if is_number(fact("retention_days"))

rotation_days := evidence.rotation_retention_days if evidence.rotation == "time"

# Fail closed: a rule whose threshold is missing from the policy data reports that, never passes.
threshold_keys := {
	"art19.log_retention_6m": {"log_retention_days"},
	"art26.6.log_retention_6m": {"log_retention_days"},
	"org.audit_log.covers_period": {"log_retention_days", "audit_log_coverage_grace_days", "audit_log_max_silence_days"},
}

missing_thresholds(id) := {key | some key in threshold_keys[id]; not is_number(object.get(thresholds, key, null))}

rotation_handler := evidence.rotation_handler

rotation_handler_class := evidence.handlers[rotation_handler].class

# ---------------------------------------------------------------------------------------------
# Art 12: automatic, durable logging covering the events that make outputs traceable.

# METADATA
# title: Events are logged automatically and durably over the system's lifetime
# description: >-
#   High-risk systems technically allow the automatic recording of events (logs) over their lifetime,
#   enabling identification of risk situations, post-market monitoring (Art 72) and monitoring of
#   operation by deployers (Art 12(1)-(2)); overrides make human oversight traceable (Art 14(4)(d)).
#   comply reads this as: logging is enabled, goes to a durable store (not only the console), and
#   covers prediction, override and deployment events (plus the Art 12(3) items for remote
#   biometric identification).
# custom:
#   id: art12.record_keeping_logging
#   article: Art. 12(1)-(3)
#   severity: high
#   remediation: >-
#     Log to a durable handler (file, rotating file, syslog, HTTP) and declare logging.events with
#     prediction, override and deployment (checker.audit.AuditLog writes all three).
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art12.record_keeping_logging"
}

gaps contains {"id": "art12.record_keeping_logging", "msg": msg, "field": "card.logging"} if {
	not any_logging
	msg := "no logging declared: add a logging block to the card or pass --logging with the logging configuration"
}

gaps contains {"id": "art12.record_keeping_logging", "msg": "logging is disabled (enabled: false)", "field": fact_field("enabled")} if {
	fact("enabled") == false
}

gaps contains {"id": "art12.record_keeping_logging", "msg": msg, "field": "evidence.logging.handlers"} if {
	any_logging
	not durable
	is_object(evidence.handlers)
	classes := sort({sprintf("%v", [h.class]) | some h in evidence.handlers; h.attached})
	msg := sprintf("no durable log handler: records go only to %s (console, memory or unknown handlers)", [concat(", ", classes)])
}

gaps contains {"id": "art12.record_keeping_logging", "msg": msg, "field": fact_field("destination")} if {
	any_logging
	not durable
	not is_object(object.get(evidence, "handlers", null))
	msg := "no durable log destination declared (destination missing or console only)"
}

gaps contains {"id": "art12.record_keeping_logging", "msg": msg, "field": fact_field("events")} if {
	any_logging
	some event in needed_events - covered_events
	msg := sprintf("logged events do not cover %q (declare it in logging.events or log it)", [event])
}

warn contains finding if {
	some finding in duties.deferred(gaps)
	finding.id in duty_ids
}

warn contains finding if some finding in duties.pending_notices(duty_ids)

warn contains {"id": "art12.record_keeping_logging", "msg": msg, "field": handler_field(name, "class")} if {
	duties.applies("art12.record_keeping_logging")
	some name in evidence.unknown_handlers
	evidence.handlers[name].attached
	msg := sprintf("handler %q has class %v, which comply does not know: it is not counted as durable", [name, evidence.handlers[name].class])
}

# ---------------------------------------------------------------------------------------------
# Arts 19(1) and 26(6): logs kept at least six months (the same check, for provider or deployer).

# METADATA
# title: Providers keep the logs at least six months
# description: >-
#   Providers keep the automatically generated logs under their control for a period appropriate to
#   the intended purpose, of at least six months (Art 19(1)). Six calendar months can be 184 days.
#   Both the declared retention and what the log rotation really keeps must reach the threshold.
# custom:
#   id: art19.log_retention_6m
#   article: Art. 19(1)
#   severity: high
#   remediation: >-
#     Set logging.retention_days to at least data.comply.law.log_retention_days (184, Art 19(1)) and make
#     rotation keep that long (e.g. TimedRotatingFileHandler when D, backupCount 184).
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art19.log_retention_6m"
}

# METADATA
# title: Deployers keep the logs at least six months
# description: >-
#   Deployers keep the logs automatically generated by the high-risk system, to the extent they are
#   under their control, for at least six months (Art 26(6)). Six calendar months can be 184 days.
# custom:
#   id: art26.6.log_retention_6m
#   article: Art. 26(6)
#   severity: high
#   remediation: >-
#     Set logging.retention_days to at least data.comply.law.log_retention_days (184, Art 19(1)) and make
#     rotation keep that long.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "art26.6.log_retention_6m"
}

gaps contains {"id": id, "msg": msg, "field": fact_field("retention_days")} if {
	some id in retention_ids
	not declared_retention
	not rotation_days
	msg := "no log retention period declared (logging.retention_days)"
}

gaps contains {"id": id, "msg": msg, "field": fact_field("retention_days")} if {
	some id in retention_ids
	declared_retention < retention_threshold
	msg := sprintf("logs are kept %v days, fewer than the %v days (six months) required", [declared_retention, retention_threshold])
}

gaps contains {"id": id, "msg": msg} if {
	some id in retention_ids
	some key in missing_thresholds(id)
	msg := sprintf("policy data has no numeric thresholds.%s: log retention cannot be checked", [key])
}

gaps contains {"id": id, "msg": msg, "field": handler_field(rotation_handler, "backupCount")} if {
	some id in retention_ids
	rotation_days < retention_threshold
	msg := sprintf(
		"log rotation deletes records after %v days (handler %q, %v), fewer than the %v days (six months) required",
		[rotation_days, rotation_handler, rotation_handler_class, retention_threshold],
	)
}

# ---------------------------------------------------------------------------------------------
# org.logging.rotation_consistent_with_retention

# METADATA
# title: Log rotation keeps logs as long as the declared retention
# description: >-
#   Organisation rule (not an AI Act requirement): the rotation settings of the real logging
#   configuration must not delete logs before the declared retention period ends; size-based or
#   externally managed rotation cannot be checked and is reported as a warning.
# custom:
#   id: org.logging.rotation_consistent_with_retention
#   article: Organisation policy (supports Arts. 19(1), 26(6))
#   severity: high
#   remediation: >-
#     Make rotation keep at least retention_days (TimedRotatingFileHandler: backupCount x interval
#     >= retention_days), or lower the declared retention to what rotation really keeps.
deny contains finding if {
	"org.logging.rotation_consistent_with_retention" in org_owed
	rotation_days < declared_retention
	msg := sprintf(
		"organisation rule: handler %q (%v) deletes logs after %v days, but retention_days declares %v",
		[rotation_handler, rotation_handler_class, rotation_days, declared_retention],
	)
	finding := {"id": "org.logging.rotation_consistent_with_retention", "msg": msg, "field": handler_field(rotation_handler, "backupCount")}
}

warn contains finding if {
	"org.logging.rotation_consistent_with_retention" in org_owed
	evidence.rotation in {"size", "unknown"}
	names := sort({name | some name, h in evidence.handlers; h.attached; h.durable; h.retention in {"size", "unknown"}})
	some name in names
	msg := sprintf(
		"organisation rule: handler %q (%v) rotates by size or with invalid settings, so how many days it keeps cannot be checked",
		[name, evidence.handlers[name].class],
	)
	finding := {"id": "org.logging.rotation_consistent_with_retention", "msg": msg, "field": handler_field(name, "class")}
}

# ---------------------------------------------------------------------------------------------
# org.audit_log.*: a verified, hash-chained audit log (comply's own rules; the Act does not
# mandate tamper-evidence).

audit_file := object.get(audit, "file", "audit log")

# METADATA
# title: An audit log is supplied and has entries
# description: >-
#   Organisation rule (not an AI Act requirement): a high-risk system's record keeping is shown with
#   the real audit log (comply check --audit-log), not only with a declaration.
# custom:
#   id: org.audit_log.present
#   article: Organisation policy (supports Arts. 12, 19, 26(6))
#   severity: medium
#   remediation: >-
#     Write the log with checker.audit.AuditLog and pass it with --audit-log (or evidence.audit_log in
#     comply.yaml).
deny contains finding if {
	"org.audit_log.present" in org_owed
	count(audit) > 0
	audit.entries == 0
	msg := sprintf("organisation rule: audit log %s has no entries", [audit_file])
	finding := {"id": "org.audit_log.present", "msg": msg, "field": "evidence.audit_log.entries"}
}

warn contains finding if {
	"org.audit_log.present" in org_owed
	count(audit) == 0
	msg := "organisation rule: no audit log supplied (--audit-log): the logs themselves were not checked"
	finding := {"id": "org.audit_log.present", "msg": msg, "field": "evidence.audit_log"}
}

# Where a problem is: file:line, or the file of a directory set (a missing file has no line).
problem_at(problem) := sprintf("%s/%s:%d", [audit_file, problem.file, problem.line]) if {
	problem.file
	problem.line
} else := sprintf("%s/%s", [audit_file, problem.file]) if {
	problem.file
} else := sprintf("%s:%d", [audit_file, object.get(problem, "line", 0)])

gap_at := sprintf("%s/%s:%d", [audit_file, audit.max_gap_file, audit.max_gap_line]) if {
	audit.max_gap_file
} else := sprintf("%s:%d", [audit_file, audit.max_gap_line])

problem_kinds := {
	"hash_failures": "content_hash does not match",
	"chain_breaks": "hash chain broken",
	"unparseable": "not an audit entry",
}

# METADATA
# title: The audit log is intact
# description: >-
#   Organisation rule (not an AI Act requirement): every line of the audit log parses, matches its
#   SHA-256 content_hash and links to the previous line's hash, so no line was edited, deleted or
#   moved; timestamps never go backwards (a warning).
# custom:
#   id: org.audit_log.integrity
#   article: Organisation policy (supports Arts. 12, 19, 26(6))
#   severity: critical
#   remediation: >-
#     Run `comply audit-log verify <file>` to list the damaged lines; restore the log from a backup
#     or investigate who changed it. Never edit an audit log by hand.
deny contains finding if {
	"org.audit_log.integrity" in org_owed
	some kind, label in problem_kinds
	some problem in audit[kind]
	msg := sprintf("organisation rule: %s: %s: %s", [problem_at(problem), label, problem.reason])
	finding := {"id": "org.audit_log.integrity", "msg": msg, "field": concat(".", ["evidence.audit_log", kind])}
}

deny contains finding if {
	"org.audit_log.integrity" in org_owed
	some kind, label in problem_kinds
	total := audit[concat("_", [kind, "total"])]
	total > count(audit[kind])
	msg := sprintf("organisation rule: %s: %d lines in all (%s); only the first %d are listed", [audit_file, total, label, count(audit[kind])])
	finding := {"id": "org.audit_log.integrity", "msg": msg, "field": concat(".", ["evidence.audit_log", kind])}
}

warn contains finding if {
	"org.audit_log.integrity" in org_owed
	some problem in audit.out_of_order
	msg := sprintf("organisation rule: %s: %s", [problem_at(problem), problem.reason])
	finding := {"id": "org.audit_log.integrity", "msg": msg, "field": "evidence.audit_log.out_of_order"}
}

# ---------------------------------------------------------------------------------------------
# org.audit_log.covers_period

day_ns := ((24 * 60) * 60) * 1000000000

reference_ns := time.parse_ns("2006-01-02", dates.reference_date) if dates.reference_date != "9999-12-31"

required_days := declared_retention if declared_retention else := retention_threshold

window_start_ns := time.add_date(reference_ns, 0, 0, 0 - required_days)

since_ns := time.parse_ns("2006-01-02", fact("since")) if duties.iso_date(fact("since"))

# Entries from here on must still be in the log: the later of the retention window and the start of logging.
expected_start_ns := max({window_start_ns, since_ns}) if since_ns else := window_start_ns

first_ns := time.parse_rfc3339_ns(audit.first_timestamp)

last_ns := time.parse_rfc3339_ns(audit.last_timestamp)

grace_ns := thresholds.audit_log_coverage_grace_days * day_ns

silence_days := thresholds.audit_log_max_silence_days

iso_day(ns) := sprintf("%04d-%02d-%02d", time.date(ns))

covers_period_owed if {
	"org.audit_log.covers_period" in org_owed
	audit.entries > 0
}

deny contains finding if {
	covers_period_owed
	some key in missing_thresholds("org.audit_log.covers_period")
	msg := sprintf("organisation rule: policy data has no numeric thresholds.%s: coverage cannot be checked", [key])
	finding := {"id": "org.audit_log.covers_period", "msg": msg}
}

# METADATA
# title: The audit log covers the retention period without silent gaps
# description: >-
#   Organisation rule (not an AI Act requirement): the audit log still holds entries from the start of
#   the retention window (or from `logging.since`, if later), and has no long silences, so the logs the
#   retention declaration promises really exist.
# custom:
#   id: org.audit_log.covers_period
#   article: Organisation policy (supports Arts. 12, 19, 26(6), 72)
#   severity: medium
#   remediation: >-
#     Restore the missing period from backups, or declare logging.since (the date logging began) if
#     the system is younger than the retention period; investigate silences in the log.
deny contains finding if {
	covers_period_owed
	since_ns
	first_ns > expected_start_ns + grace_ns
	msg := sprintf(
		"organisation rule: %s starts %s, but entries from %s on must still be kept (logging since %s, %v-day retention)",
		[audit_file, iso_day(first_ns), iso_day(expected_start_ns), fact("since"), required_days],
	)
	finding := {"id": "org.audit_log.covers_period", "msg": msg, "field": "evidence.audit_log.first_timestamp"}
}

warn contains finding if {
	covers_period_owed
	not since_ns
	first_ns > window_start_ns + grace_ns
	msg := sprintf(
		"organisation rule: %s starts %s, later than the %v-day retention window (from %s); declare logging.since if logging began then",
		[audit_file, iso_day(first_ns), required_days, iso_day(window_start_ns)],
	)
	finding := {"id": "org.audit_log.covers_period", "msg": msg, "field": "evidence.audit_log.first_timestamp"}
}

warn contains finding if {
	covers_period_owed
	last_ns < reference_ns - (silence_days * day_ns)
	msg := sprintf(
		"organisation rule: %s has no entries after %s, more than %v days before the reference date: has logging stopped?",
		[audit_file, iso_day(last_ns), silence_days],
	)
	finding := {"id": "org.audit_log.covers_period", "msg": msg, "field": "evidence.audit_log.last_timestamp"}
}

warn contains finding if {
	covers_period_owed
	audit.max_gap_days > silence_days
	msg := sprintf(
		"organisation rule: %s: %d days without any entry before this line (more than %v)",
		[gap_at, audit.max_gap_days, silence_days],
	)
	finding := {"id": "org.audit_log.covers_period", "msg": msg, "field": "evidence.audit_log.max_gap_days"}
}
