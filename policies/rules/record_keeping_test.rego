package comply.rules.record_keeping_test

import data.comply.rules.record_keeping as rk
import rego.v1

# The judged duties keyed by id, as comply.classification hands them to comply.lib.duties.
by_id(duties) := {d.id: d | some d in duties}

thresholds := {"log_retention_days": 184, "audit_log_coverage_grace_days": 1, "audit_log_max_silence_days": 7}

duty(id) := {"id": id, "applies_from": "2026-08-02", "in_force": true}

provider := [duty("art12.record_keeping_logging"), duty("art19.log_retention_6m")]

deployer := [duty("art12.record_keeping_logging"), duty("art26.6.log_retention_6m")]

pending := [
	{"id": "art12.record_keeping_logging", "applies_from": "2027-12-02", "in_force": false},
	{"id": "art19.log_retention_6m", "applies_from": "2027-12-02", "in_force": false},
]

context := {"reference_date": "2026-11-25", "timeline": "amended", "card_file": "card.yaml"}

good_card := {"logging": {
	"enabled": true,
	"events": ["prediction", "override", "deployment"],
	"retention_days": 184,
	"destination": "file:/var/log/credit/audit.jsonl",
}}

good := {"card": good_card, "evidence": {}, "context": context}

with_card_logging(patch) := object.union(good, {"card": {"logging": object.union(good_card.logging, patch)}})

with_evidence(kind, facts) := object.union(good, {"evidence": {kind: facts}})

# Python dictConfig facts: a TimedRotatingFileHandler (when D) keeping `days` days, plus the console.
timed(days) := {
	"source": "file", "file": "logging.yaml", "layout": "dict_config",
	"durable": true, "rotation": "time", "rotation_retention_days": days, "rotation_handler": "file",
	"unknown_handlers": [],
	"handlers": {
		"console": {"class": "logging.StreamHandler", "known": true, "durable": false, "attached": true, "retention": "none"},
		"file": {"class": "logging.handlers.TimedRotatingFileHandler", "known": true, "durable": true, "attached": true, "retention": "time", "rotation_retention_days": days, "when": "D", "backupCount": days},
	},
}

console_only := {
	"source": "file", "file": "logging.yaml", "layout": "dict_config",
	"durable": false, "rotation": "none", "unknown_handlers": [],
	"handlers": {"console": {"class": "logging.StreamHandler", "known": true, "durable": false, "attached": true, "retention": "none"}},
}

audit_ok := {
	"file": "logs/audit.jsonl", "entries": 3, "intact": true,
	"first_timestamp": "2026-05-01T00:00:00.000000Z", "last_timestamp": "2026-11-24T12:00:00.000000Z",
	"max_gap_days": 1, "max_gap_line": 2,
	"event_counts": {"prediction": 1, "override": 1, "deployment": 1},
	"hash_failures": [], "hash_failures_total": 0, "chain_breaks": [], "chain_breaks_total": 0,
	"unparseable": [], "unparseable_total": 0, "out_of_order": [], "out_of_order_total": 0,
}

audit_with(patch) := with_evidence("audit_log", object.union(audit_ok, patch))

run(inp, obligations) := {"deny": d, "warn": w, "checks": c} if {
	d := rk.deny with input as inp with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(obligations)
	w := rk.warn with input as inp with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(obligations)
	c := rk.checks with input as inp with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(obligations)
}

ids(findings) := {f.id | some f in findings}

has(findings, id, text) if {
	some f in findings
	f.id == id
	contains(f.msg, text)
}

# --- Art 12 ------------------------------------------------------------------------------------

test_complete_card_passes_art12_and_art19 if {
	r := run(audit_with({}), provider)
	count(r.deny) == 0
	count(r.warn) == 0
	{"art12.record_keeping_logging", "art19.log_retention_6m", "org.audit_log.integrity"} & r.checks == {"art12.record_keeping_logging", "art19.log_retention_6m", "org.audit_log.integrity"}
}

test_no_logging_at_all_is_denied if {
	r := run({"card": {}, "evidence": {}, "context": context}, provider)
	has(r.deny, "art12.record_keeping_logging", "no logging declared")
}

test_disabled_logging_is_denied if {
	r := run(with_card_logging({"enabled": false}), provider)
	some f in r.deny
	f.id == "art12.record_keeping_logging"
	f.field == "card.logging.enabled"
}

test_console_destination_is_not_durable if {
	r := run(with_card_logging({"destination": "stdout"}), provider)
	has(r.deny, "art12.record_keeping_logging", "no durable log destination")
}

test_console_only_dict_config_is_denied_even_if_card_claims_a_file if {
	r := run(with_evidence("logging", console_only), provider)
	some f in r.deny
	f.id == "art12.record_keeping_logging"
	f.field == "evidence.logging.handlers"
	contains(f.msg, "logging.StreamHandler")
}

test_missing_override_event_is_denied if {
	r := run(with_card_logging({"events": ["prediction", "deployment"]}), provider)
	has(r.deny, "art12.record_keeping_logging", "\"override\"")
	not has(r.deny, "art12.record_keeping_logging", "\"prediction\"")
}

test_events_seen_in_the_audit_log_count_as_covered if {
	inp := object.union(audit_with({}), {"card": {"logging": {"events": []}}})
	r := run(inp, provider)
	not "art12.record_keeping_logging" in ids(r.deny)
}

test_remote_biometric_identification_needs_art12_3_events if {
	inp := object.union(good, {"card": {"ai_act": {"use_cases": ["biometrics.remote_identification"]}}})
	r := run(inp, provider)
	has(r.deny, "art12.record_keeping_logging", "\"verifier_id\"")
}

test_not_yet_applicable_gap_is_a_warning if {
	r := run(with_card_logging({"events": ["prediction"]}), pending)
	not "art12.record_keeping_logging" in ids(r.deny)
	has(r.warn, "art12.record_keeping_logging", "not yet applicable until 2027-12-02 (amended timeline); would fail: logged events do not cover \"override\"")
}

test_not_yet_applicable_duty_is_never_a_pass if {
	r := run(good, pending)
	has(r.warn, "art19.log_retention_6m", "not yet applicable until 2027-12-02 (amended timeline); would pass")
}

test_unknown_handler_class_warns if {
	facts := object.union(timed(200), {
		"unknown_handlers": ["kafka"],
		"handlers": {"kafka": {"class": "myapp.KafkaHandler", "known": false, "durable": false, "attached": true, "retention": "unknown"}},
	})
	r := run(with_evidence("logging", facts), provider)
	some f in r.warn
	f.id == "art12.record_keeping_logging"
	f.field == "evidence.logging.handlers.kafka.class"
}

test_card_fills_fields_the_evidence_file_does_not_state if {
	# dictConfig only: durability and rotation from the file, events and retention from the card.
	r := run(with_evidence("logging", timed(200)), provider)
	count(r.deny) == 0
}

test_facts_from_the_card_point_at_the_card if {
	facts := {"source": "card", "layout": "declared", "retention_days": 30, "destination": "file:x", "events": ["prediction", "override", "deployment"]}
	r := run(with_evidence("logging", facts), provider)
	some f in r.deny
	f.id == "art19.log_retention_6m"
	f.field == "card.logging.retention_days"
}

# --- Arts 19 and 26(6) ---------------------------------------------------------------------------

test_retention_below_threshold_is_denied if {
	r := run(with_card_logging({"retention_days": 180}), provider)
	has(r.deny, "art19.log_retention_6m", "180 days")
}

test_missing_retention_is_denied if {
	inp := {"card": {"logging": object.remove(good_card.logging, ["retention_days"])}, "evidence": {}, "context": context}
	r := run(inp, provider)
	has(r.deny, "art19.log_retention_6m", "no log retention period")
}

test_rotation_keeping_30_days_fails_art19 if {
	r := run(with_evidence("logging", timed(30)), provider)
	some f in r.deny
	f.id == "art19.log_retention_6m"
	f.field == "evidence.logging.handlers.file.backupCount"
	contains(f.msg, "30 days")
}

test_deployer_owes_art26_6_not_art19 if {
	r := run(with_card_logging({"retention_days": 90}), deployer)
	has(r.deny, "art26.6.log_retention_6m", "90 days")
	not "art19.log_retention_6m" in ids(r.deny)
	not "art19.log_retention_6m" in r.checks
}

# --- org.logging.rotation_consistent_with_retention ----------------------------------------------

test_rotation_contradicting_declared_retention_is_denied if {
	r := run(with_evidence("logging", object.union(timed(30), {"retention_days": 184})), provider)
	some f in r.deny
	f.id == "org.logging.rotation_consistent_with_retention"
	contains(f.msg, "organisation rule")
	contains(f.msg, "30 days")
}

test_rotation_longer_than_retention_is_consistent if {
	r := run(with_evidence("logging", object.union(timed(200), {"retention_days": 184})), provider)
	not "org.logging.rotation_consistent_with_retention" in ids(r.deny)
	not "org.logging.rotation_consistent_with_retention" in ids(r.warn)
}

test_size_based_rotation_warns if {
	facts := {
		"source": "file", "layout": "dict_config", "durable": true, "rotation": "size", "unknown_handlers": [],
		"handlers": {"file": {"class": "logging.handlers.RotatingFileHandler", "known": true, "durable": true, "attached": true, "retention": "size"}},
	}
	r := run(with_evidence("logging", facts), provider)
	has(r.warn, "org.logging.rotation_consistent_with_retention", "by size")
}

# --- org.audit_log.* ----------------------------------------------------------------------------

test_missing_audit_log_warns if {
	r := run(good, provider)
	has(r.warn, "org.audit_log.present", "no audit log supplied")
	not "org.audit_log.present" in ids(r.deny)
}

test_empty_audit_log_is_denied if {
	r := run(audit_with({"entries": 0, "event_counts": {}}), provider)
	has(r.deny, "org.audit_log.present", "no entries")
}

test_hash_failure_is_denied_with_file_and_line if {
	r := run(audit_with({"intact": false, "hash_failures": [{"line": 7, "reason": "content_hash does not match the entry (line edited)"}], "hash_failures_total": 1}), provider)
	has(r.deny, "org.audit_log.integrity", "logs/audit.jsonl:7: content_hash does not match")
}

test_chain_break_is_denied_with_line if {
	r := run(audit_with({"intact": false, "chain_breaks": [{"line": 3, "reason": "prev_hash does not match"}], "chain_breaks_total": 1}), provider)
	has(r.deny, "org.audit_log.integrity", "logs/audit.jsonl:3: hash chain broken")
}

test_unparseable_line_is_denied if {
	r := run(audit_with({"intact": false, "unparseable": [{"line": 2, "reason": "not valid JSON"}], "unparseable_total": 1}), provider)
	has(r.deny, "org.audit_log.integrity", ":2: not an audit entry")
}

test_problems_beyond_the_listed_ones_are_counted if {
	r := run(audit_with({"intact": false, "hash_failures": [{"line": 7, "reason": "x"}], "hash_failures_total": 120}), provider)
	has(r.deny, "org.audit_log.integrity", "120 lines in all")
}

test_out_of_order_timestamps_warn if {
	r := run(audit_with({"out_of_order": [{"line": 9, "reason": "timestamp earlier"}], "out_of_order_total": 1}), provider)
	has(r.warn, "org.audit_log.integrity", ":9:")
	not "org.audit_log.integrity" in ids(r.deny)
}

test_org_rules_do_not_apply_below_high_risk if {
	c := rk.checks with input as audit_with({"intact": false}) with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "minimal"
		with data.comply.classification.checked_obligation_by_id as {}
	count(c) == 0
	d := rk.deny with input as audit_with({"intact": false, "chain_breaks": [{"line": 1, "reason": "x"}]})
		with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "minimal"
		with data.comply.classification.checked_obligation_by_id as {}
	count(d) == 0
}

# --- org.audit_log.covers_period -----------------------------------------------------------------

test_log_starting_after_declared_since_is_denied if {
	inp := object.union(audit_with({"first_timestamp": "2026-10-01T00:00:00.000000Z"}), {"card": {"logging": {"since": "2026-03-01"}}})
	r := run(inp, provider)
	has(r.deny, "org.audit_log.covers_period", "starts 2026-10-01")
}

test_log_covering_since_passes if {
	inp := object.union(audit_with({"first_timestamp": "2026-09-01T08:00:00.000000Z"}), {"card": {"logging": {"since": "2026-09-01"}}})
	r := run(inp, provider)
	not "org.audit_log.covers_period" in ids(r.deny)
	not "org.audit_log.covers_period" in ids(r.warn)
}

test_short_log_without_since_warns if {
	r := run(audit_with({"first_timestamp": "2026-10-01T00:00:00.000000Z"}), provider)
	has(r.warn, "org.audit_log.covers_period", "declare logging.since")
	not "org.audit_log.covers_period" in ids(r.deny)
}

test_stale_log_warns if {
	r := run(audit_with({"last_timestamp": "2026-11-01T00:00:00.000000Z"}), provider)
	has(r.warn, "org.audit_log.covers_period", "no entries after 2026-11-01")
}

test_long_silence_inside_the_log_warns if {
	r := run(audit_with({"max_gap_days": 30, "max_gap_line": 41}), provider)
	has(r.warn, "org.audit_log.covers_period", "logs/audit.jsonl:41: 30 days without any entry")
}

# --- fail closed on missing policy data -----------------------------------------------------------

test_missing_thresholds_are_failures_not_passes if {
	d := rk.deny with input as audit_with({}) with data.comply.thresholds as {} with data.comply.law as {}
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(provider)
	has(d, "art19.log_retention_6m", "thresholds.log_retention_days")
	has(d, "org.audit_log.covers_period", "thresholds.audit_log_max_silence_days")
}

test_explicit_durable_false_wins_over_a_file_destination if {
	r := run(with_card_logging({"durable": false}), provider)
	has(r.deny, "art12.record_keeping_logging", "no durable log destination")
}

checks_for(inp) := checks if {
	checks := rk.checks with input as inp with data.comply.thresholds as thresholds
		with data.comply.classification.tier as "high"
		with data.comply.classification.checked_obligation_by_id as by_id(provider)
}

test_audit_log_content_rules_are_not_judged_without_a_log if {
	checks := checks_for(good)
	"org.audit_log.present" in checks
	not "org.audit_log.integrity" in checks
	not "org.audit_log.covers_period" in checks
}

test_audit_log_content_rules_are_judged_when_a_log_is_supplied if {
	checks := checks_for(audit_with({}))
	"org.audit_log.integrity" in checks
	"org.audit_log.covers_period" in checks
}

test_a_missing_file_of_a_daily_set_is_named if {
	r := run(audit_with({"file": "logs", "intact": false, "chain_breaks": [{"file": "audit-2026-06-02.jsonl", "reason": "missing: the manifest lists it"}], "chain_breaks_total": 1}), provider)
	has(r.deny, "org.audit_log.integrity", "logs/audit-2026-06-02.jsonl: hash chain broken: missing")
}

test_a_truncated_file_of_a_daily_set_is_named_with_its_line if {
	r := run(audit_with({"file": "logs", "intact": false, "chain_breaks": [{"file": "audit-2026-06-03.jsonl", "line": 5, "reason": "truncated"}], "chain_breaks_total": 1}), provider)
	has(r.deny, "org.audit_log.integrity", "logs/audit-2026-06-03.jsonl:5: hash chain broken: truncated")
}

test_a_silence_in_a_daily_set_names_the_file if {
	r := run(audit_with({"file": "logs", "max_gap_days": 30, "max_gap_line": 1, "max_gap_file": "audit-2026-07-01.jsonl"}), provider)
	has(r.warn, "org.audit_log.covers_period", "logs/audit-2026-07-01.jsonl:1: 30 days without any entry")
}
