# Lineage and rollback: comply's own organisational rules (org.*), not duties of the Act (they support
# Art 10(2) data governance, Art 12 traceability and Art 17(1) quality management). A high-risk model ships
# only when every dataset it was trained on is pinned by a version or digest, the model version names the
# code commit it was built from, the way back is written down, and (when an audit log is given) the log
# shows the current version deployed by a named approver.
#
# Dataset digests are input.evidence.lineage, which comply computes (checker/evidence/lineage.py): a .dvc
# file's MD5 re-hashed against the data file beside it, a local data file's SHA-256. Deployments are
# input.evidence.audit_events, read from the audit log comply verified.
package comply.rules.lineage

import data.comply.lib.duties
import rego.v1

enforced_gaps := duties.enforced(gaps)

card := duties.card

details := duties.section(card, "model_details")

rollback := duties.section(duties.section(card, "deployment"), "rollback")

lineage := input.evidence.lineage if is_object(input.evidence.lineage) else := {}

events := input.evidence.audit_events if is_object(input.evidence.audit_events) else := {}

datasets := governance_datasets if is_array(governance_datasets) else := []

governance_datasets := duties.section(card, "data_governance").datasets

ids := {"org.lineage.dataset_versions", "org.lineage.code_commit", "org.rollback.plan"}

# The deployment rule is judged only when an audit log was verified: without one there is nothing to read.
checks contains id if some id in duties.owed(ids)

checks contains "org.deployment.recorded" if {
	some id in duties.owed({"org.deployment.recorded"})
	count(events) > 0
}

version_text(value) := value if is_string(value) else := sprintf("%v", [value])

current_version := version_text(details.version) if details.version != null

shown_version := current_version

shown_version := "(none: model_details.version is missing)" if not current_version

# METADATA
# title: Every dataset is pinned by a version or digest
# description: >-
#   Organisation rule (supports Art. 10(2)): each dataset in data_governance.datasets is pinned by a DVC
#   .dvc file, a local data file comply hashes, a declared sha256 or an MLflow dataset digest; where comply
#   can see the data, the digest it computes must equal the one recorded.
# custom:
#   id: org.lineage.dataset_versions
#   article: Organisation policy (supports Art. 10(2))
#   severity: high
#   frameworks:
#     nist-ai-rmf: [MEASURE 2.1]
#   remediation: >-
#     Give each dataset `dvc:` (its .dvc file), `path:` (a local file), `sha256:` or `mlflow_digest:`;
#     when a digest no longer matches, the data changed since it was recorded: re-version it (dvc add).
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "org.lineage.dataset_versions"
}

# METADATA
# title: The model version names its code commit
# description: >-
#   Organisation rule (supports Art. 11 and Annex IV(2)): model_details.code_commit is the git commit
#   (7 to 40 hex characters) of the code that trained this model version, so the version can be rebuilt.
# custom:
#   id: org.lineage.code_commit
#   article: Organisation policy (supports Art. 11, Annex IV(2))
#   severity: medium
#   remediation: Record the training code's git commit in model_details.code_commit.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "org.lineage.code_commit"
}

# METADATA
# title: A rollback names the previous version and the procedure
# description: >-
#   Organisation rule (supports Art. 17(1) and Art. 20 corrective action): deployment.rollback names
#   the version in production before this one (not this one) and links the rollback procedure (a URI).
# custom:
#   id: org.rollback.plan
#   article: Organisation policy (supports Art. 17(1), 20)
#   severity: medium
#   frameworks:
#     nist-ai-rmf: [MANAGE 2.4, MANAGE 4.1]
#   remediation: Fill deployment.rollback.{previous_version, procedure_uri}.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "org.rollback.plan"
}

# METADATA
# title: The audit log shows the current version deployed by an approver
# description: >-
#   Organisation rule (supports Art. 12 and 17(1)): when an audit log is given, it holds a deployment
#   event for model_details.version that names its approver (data.approved_by).
# custom:
#   id: org.deployment.recorded
#   article: Organisation policy (supports Art. 12, 17(1))
#   severity: high
#   remediation: >-
#     Log the deployment with `AuditLog.deployment(approved_by=...)` when this version goes live, and pass
#     that log with --audit-log.
deny contains finding if {
	some finding in enforced_gaps
	finding.id == "org.deployment.recorded"
}

warn contains finding if some finding in duties.deferred(gaps)

# --- datasets -------------------------------------------------------------------------------------

pinned(i) if {
	some facts in object.get(lineage, "datasets", [])
	facts.index == i
	facts.kind != "none"
}

facts_of(i) := facts if {
	some facts in object.get(lineage, "datasets", [])
	facts.index == i
}

dataset_name(i, dataset) := sprintf("dataset %d (%s)", [i, dataset.name]) if duties.has_text(dataset.name) else := sprintf("dataset %d", [i])

gaps contains {"id": "org.lineage.dataset_versions", "msg": msg, "field": sprintf("card.data_governance.datasets.%d", [i])} if {
	some i, dataset in datasets
	not pinned(i)
	msg := sprintf("organisation rule: %s has no version or digest (dvc, path, sha256 or mlflow_digest)", [dataset_name(i, dataset)])
}

gaps contains {"id": "org.lineage.dataset_versions", "msg": msg, "field": field} if {
	some i, dataset in datasets
	facts := facts_of(i)
	facts.matches == false
	field := sprintf("card.data_governance.datasets.%d.%s", [i, {"dvc": "dvc", "file": "sha256"}[facts.kind]])
	msg := sprintf(
		"organisation rule: %s: %s has %s %s, but %s records %s: the data changed since it was versioned",
		[dataset_name(i, dataset), facts.data_file, facts.algorithm, object.get(facts, "computed", facts.digest), object.get(facts, "file", "the card"), facts.declared],
	)
}

# --- code commit ----------------------------------------------------------------------------------

gaps contains {"id": "org.lineage.code_commit", "msg": msg, "field": "card.model_details.code_commit"} if {
	not duties.has_text(object.get(details, "code_commit", null))
	msg := "organisation rule: the model version names no code commit (model_details.code_commit)"
}

gaps contains {"id": "org.lineage.code_commit", "msg": msg, "field": "card.model_details.code_commit"} if {
	duties.has_text(details.code_commit)
	not regex.match(`^[0-9a-f]{7,40}$`, details.code_commit)
	msg := sprintf("organisation rule: model_details.code_commit %q is not a git commit (7 to 40 lowercase hex characters)", [details.code_commit])
}

# --- rollback -------------------------------------------------------------------------------------

gaps contains {"id": "org.rollback.plan", "msg": msg, "field": "card.deployment.rollback.previous_version"} if {
	object.get(rollback, "previous_version", null) == null
	msg := "organisation rule: the rollback names no previous version (deployment.rollback.previous_version)"
}

gaps contains {"id": "org.rollback.plan", "msg": msg, "field": "card.deployment.rollback.previous_version"} if {
	rollback.previous_version != null
	version_text(rollback.previous_version) == current_version
	msg := sprintf("organisation rule: the rollback's previous version %s is the current version", [current_version])
}

gaps contains {"id": "org.rollback.plan", "msg": msg, "field": "card.deployment.rollback.procedure_uri"} if {
	not uri(object.get(rollback, "procedure_uri", null))
	msg := "organisation rule: the rollback procedure is not linked (deployment.rollback.procedure_uri, a URI)"
}

uri(value) if {
	is_string(value)
	regex.match(`^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$`, value)
}

# --- deployment event -----------------------------------------------------------------------------

deployments := [d | some d in object.get(events, "deployments", []); d.version == current_version]

approved := [d | some d in deployments; duties.has_text(object.get(d, "approved_by", null))]

gaps contains {"id": "org.deployment.recorded", "msg": msg, "field": "evidence.audit_events.deployments"} if {
	count(events) > 0
	count(deployments) == 0
	msg := sprintf("organisation rule: %s has no deployment event for version %s", [events.file, shown_version])
}

gaps contains {"id": "org.deployment.recorded", "msg": msg, "field": "evidence.audit_events.deployments", "line": last.line} if {
	count(deployments) > 0
	count(approved) == 0
	last := deployments[count(deployments) - 1]
	msg := sprintf("organisation rule: %s:%d: the deployment of version %s names no approver (data.approved_by)", [last.file, last.line, current_version])
}
