"""Builds the one input document the policies judge, from the card and every evidence source.

Each evidence kind has one collector, picked from a table; the assembler only decides *which* file
feeds each kind (command line, then comply.yaml, then what the card itself declares) and records
provenance. Shape checks run here, before anything reaches the policies.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.config import Config
from checker.evidence.card import load_card
from checker.evidence.loader import LoadedDocument
from checker.evidence.provenance import EvidenceFile, display_path, git_commit
from checker.schemas import validate

if TYPE_CHECKING:
    from checker.evidence.audit_spark import SparkTarget
    from checker.evidence.mlflow import RunEvidence


@dataclass(frozen=True)
class EvidencePaths:
    """Evidence files named on the command line (each overrides comply.yaml's `evidence:`)."""

    fairness: Path | None = None
    logging: Path | None = None
    audit_log: Path | None = None
    predictions: Path | None = None
    counts: Path | None = None
    explanations: Path | None = None
    baseline: Path | None = None
    model: Path | None = None
    audit_expect_head: str | None = None
    audit_continues: str | None = None

    def resolve(self, config: Config) -> dict[str, Path]:
        chosen = {kind: path for kind, path in config.evidence.items()}
        for kind in ("fairness", "logging", "audit_log", "predictions", "counts", "explanations", "baseline", "model"):
            value = getattr(self, kind)
            if value is not None:
                chosen[kind] = value
        return chosen


DEFAULT_TIMELINE = "original"
"""The Regulation as published: the stricter timeline. The amendment (2026/1744) is chosen, never assumed."""


@dataclass(frozen=True)
class Context:
    """Which law applies: the date to judge at, the timeline (original, or as amended by 2026/1744), and
    whether every duty is judged as if it already applied (readiness mode; ages and expiries keep the date).

    `today` is the real date of the run. A reference date before it is a replay (only the command line
    may ask for one): the report says so, and waivers and Art 5 prohibitions are still judged as of today.
    """

    reference_date: str
    timeline: str
    today: str = ""
    as_if_applicable: bool = False

    @classmethod
    def build(
        cls, reference_date: str | None, timeline: str | None, config: Config, *, as_if_applicable: bool = False
    ) -> Context:
        today = _dt.date.today().isoformat()
        date = reference_date or config.reference_date or today
        return cls(date, timeline or config.timeline or DEFAULT_TIMELINE, today, as_if_applicable)

    @property
    def replay(self) -> bool:
        return bool(self.today) and self.reference_date < self.today

    @property
    def judging_today(self) -> str:
        """The date waivers are judged at: the reference date, but never before today."""
        return max(self.reference_date, self.today)

    def as_input(self) -> dict[str, Any]:
        """The date part of the input document's `context` (`today` only on a replay, readiness mode only
        when on, so reports of a run at a fixed reference date stay byte-identical from day to day)."""
        context: dict[str, Any] = {"reference_date": self.reference_date, "timeline": self.timeline}
        if self.replay:
            context["today"] = self.today
        if self.as_if_applicable:
            context["as_if_applicable"] = True
        return context


def _no_lines(_: str) -> int | None:
    return None


@dataclass(frozen=True)
class Source:
    """Where the facts under one input-document prefix came from: a file label and a field -> line lookup."""

    label: str
    line_of: Callable[[str], int | None] = _no_lines

    @classmethod
    def of(cls, loaded: LoadedDocument) -> Source:
        return cls(display_path(loaded.path), loaded.line_of)


@dataclass(frozen=True)
class AssembledInput:
    """The input document plus what is needed to point findings back at files and lines."""

    document: dict[str, Any]
    card: LoadedDocument
    evidence_files: tuple[EvidenceFile, ...]
    sources: Mapping[str, Source] = field(default_factory=dict)
    git_commit: str | None = None


Collected = tuple[dict[str, Any], EvidenceFile, Source]
Collector = Callable[[Path, Config], Collected]


def _collect_fairness(path: Path, config: Config) -> Collected:
    from checker.evidence.fairness import load_fairness_file

    document, loaded = load_fairness_file(path)
    return document, EvidenceFile("fairness", display_path(path), loaded.sha256), Source.of(loaded)


def _collect_predictions(path: Path, config: Config) -> Collected:
    from checker.evidence.fairness import predictions_evidence

    document = predictions_evidence(path, config.fairness)
    digest = str((document.get("provenance") or {}).get("sha256", ""))
    return document, EvidenceFile("predictions", display_path(path), digest), Source(display_path(path))


def _collect_counts(path: Path, config: Config) -> Collected:
    from checker.evidence.fairness import predictions_evidence

    document = predictions_evidence(path, {"count_column": "n", **config.fairness})
    digest = str((document.get("provenance") or {}).get("sha256", ""))
    return document, EvidenceFile("counts", display_path(path), digest), Source(display_path(path))


def _collect_logging(path: Path, config: Config) -> Collected:
    from checker.evidence.logging import line_for, load_logging_evidence

    document, loaded = load_logging_evidence(path)

    def line_of(local: str) -> int | None:
        return line_for(document, local) or loaded.line_of(local)

    return document, EvidenceFile("logging", display_path(path), loaded.sha256), Source(display_path(path), line_of)


def _collect_audit_log(path: Path, config: Config, paths: EvidencePaths | None = None) -> Collected:
    """Verified where comply.yaml's `audit_log:` says (`engine: spark`, `spark_master`), by default here."""
    from checker.evidence.audit_log import verify_audit_log

    anchors = paths or EvidencePaths()
    spark = _audit_spark_target(config)
    summary = verify_audit_log(
        path,
        expect_head=anchors.audit_expect_head,
        expect_first_prev=anchors.audit_continues,
        jobs=None,
        spark=spark,
    )
    return (
        summary,
        EvidenceFile("audit_log", display_path(path), str(summary.get("sha256", ""))),
        Source(display_path(path)),
    )


def _audit_spark_target(config: Config) -> SparkTarget | None:
    """comply.yaml `audit_log: {engine: spark, spark_master: URL}`: check the log's lines on Spark."""
    options = config.audit_log
    if options.get("engine") != "spark":
        if "spark_master" in options:
            from checker.errors import UsageError

            raise UsageError(f"{config.where('audit_log.spark_master')}: is for audit_log.engine: spark")
        return None
    from checker.evidence.audit_spark import SparkTarget

    return SparkTarget(master=options.get("spark_master"))


def _collect_explanations(path: Path, config: Config) -> Collected:
    from checker.evidence.explanations import explanations_evidence
    from checker.evidence.loader import file_size
    from checker.evidence.provenance import file_sha256

    file_size(path, expected="an explanations file")
    digest = file_sha256(path)
    document, lines = explanations_evidence(path, display_path(path), digest)

    def line_of(local: str) -> int | None:
        return lines.get(local.removeprefix("importance.")) if local.startswith("importance.") else None

    return document, EvidenceFile("explanations", display_path(path), digest), Source(display_path(path), line_of)


COLLECTORS: dict[str, tuple[str, Collector]] = {
    "fairness": ("fairness", _collect_fairness),
    "predictions": ("fairness", _collect_predictions),
    "counts": ("fairness", _collect_counts),
    "logging": ("logging", _collect_logging),
    "audit_log": ("audit_log", _collect_audit_log),
    "explanations": ("explanations", _collect_explanations),
}
"""Evidence kind on the command line -> (key under input.evidence, collector)."""


def assemble(
    card_path: Path,
    paths: EvidencePaths,
    context: Context,
    config: Config,
    *,
    card_format: str | None = None,
    run: RunEvidence | None = None,
    mlflow_tracking_uri: str | None = None,
) -> AssembledInput:
    """Load, shape-check and combine everything known about one model card.

    `run` is what an MLflow model version or run contributes (see checker.evidence.mlflow): its
    artifacts fill the evidence kinds the command line and comply.yaml leave open (those win), its
    metrics become `evidence.evaluation`, its dataset inputs fill in datasets the card leaves out.
    `mlflow_tracking_uri` (--mlflow-tracking-uri) is where a `models:/` or `runs:/` baseline is read.
    """
    card = load_card(card_path, card_format)
    labels = _run_labels(run)
    card_label = labels.get(card_path, display_path(card_path))
    validate(card.data, "model_card", source=card, label=card_label)
    card_data = card.data
    if run is not None and run.datasets:
        import copy

        from checker.evidence.mlflow import merge_datasets

        card_data = copy.deepcopy(card.data)
        merge_datasets(card_data, run)
        validate(card_data, "model_card", source=card, label=card_label)
    evidence: dict[str, Any] = {}
    files = [EvidenceFile("model_card", card_label, card.sha256)]
    sources: dict[str, Source] = {"card": Source(card_label, card.line_of)}
    chosen = paths.resolve(config)
    for kind, path in run.files.items() if run is not None else ():
        if kind != "card" and not _fairness_given(kind, chosen):
            chosen.setdefault(kind, path)
    if len({"fairness", "predictions", "counts"} & set(chosen)) > 1:
        from checker.errors import UsageError

        raise UsageError(
            "give fairness evidence one way: a file (--fairness), predictions (--predictions) "
            "or a counts table (evidence.counts), not several"
        )
    if (paths.audit_expect_head or paths.audit_continues) and "audit_log" not in chosen:
        from checker.errors import UsageError

        raise UsageError("--expect-head/--continues anchor an audit log: give one with --audit-log")
    baseline_path = chosen.pop("baseline", None)
    model_path = chosen.pop("model", None)
    for kind in sorted(chosen):
        key, collector = COLLECTORS[kind]
        if kind == "audit_log":  # the only collector with options of its own (the head anchors)
            facts, evidence_file, source = _collect_audit_log(chosen[kind], config, paths)
        else:
            facts, evidence_file, source = collector(chosen[kind], config)
        label = labels.get(chosen[kind])
        if label is not None:
            facts, evidence_file, source = _relabel(facts, evidence_file, source, label)
        evidence[key] = facts
        files.append(evidence_file)
        sources[f"evidence.{key}"] = source
    _add_declared(evidence, card_data, config)
    _add_model(evidence, files, sources, model_path, config, mlflow_tracking_uri, run)
    _add_features(evidence, card_data, card_label)
    _add_lineage_and_operation(evidence, sources, card_data, card, chosen)
    _add_evaluation(evidence, files, sources, card, card_label, run)
    if baseline_path is not None:
        _add_baseline(evidence, files, card_data, baseline_path, config, mlflow_tracking_uri)
    if run is not None:
        files.append(EvidenceFile("mlflow_run", run.run_uri, ""))
        if run.model_name is not None:
            files.append(EvidenceFile("mlflow_model_version", f"models:/{run.model_name}/{run.model_version}", ""))
    document = {
        "card": card_data,
        "evidence": evidence,
        "context": {**context.as_input(), "card_file": card_label},
    }
    # The card was shape-checked above and is the very object under `card`: check it once.
    validate(document, "input", label=f"{card_label} (input document)", trusted=frozenset({"card"}))
    commit = None if card_path in labels else git_commit(card_path.resolve().parent)
    return AssembledInput(document, card, tuple(files), sources, commit)


def _run_labels(run: RunEvidence | None) -> dict[Path, str]:
    """Local download path -> the `runs:/<id>/<path>` URI it is reported under."""
    if run is None:
        return {}
    return {path: run.labels[kind] for kind, path in run.files.items()}


FAIRNESS_KINDS = frozenset({"fairness", "predictions", "counts"})


def _fairness_given(kind: str, chosen: Mapping[str, Path]) -> bool:
    """A fairness file named locally stands in for the run's predictions (and the other way round)."""
    return kind in FAIRNESS_KINDS and bool(FAIRNESS_KINDS & set(chosen))


def _relabel(facts: dict[str, Any], evidence_file: EvidenceFile, source: Source, label: str) -> Collected:
    """Name an artifact downloaded from MLflow by its run URI, never by its temporary path."""
    provenance = facts.get("provenance")
    if isinstance(provenance, dict) and "file" in provenance:
        facts = {**facts, "provenance": {**provenance, "file": label}}
    if "file" in facts and isinstance(facts["file"], str):
        facts = {**facts, "file": label}
    return facts, replace(evidence_file, path=label), replace(source, label=label)


def _add_evaluation(
    evidence: dict[str, Any],
    files: list[EvidenceFile],
    sources: dict[str, Source],
    card: LoadedDocument,
    card_label: str,
    run: RunEvidence | None,
) -> None:
    """`evidence.evaluation`: the metrics recomputed from the source `comply card fill` recorded in the
    card, else the metrics the MLflow run logged. Either way the card's stated numbers are judged
    against them (org.evaluation.matches_evidence). A recorded source that is not there (and no run)
    is evidence of its own: the rule warns that the numbers were not verified."""
    evaluation = card.data.get("evaluation")
    recorded = evaluation.get("source") if isinstance(evaluation, Mapping) else None
    if recorded is not None:
        from checker.evidence.evaluation import recorded_source_evidence

        facts = recorded_source_evidence(recorded, card, card_label)
        if facts is not None:
            evidence["evaluation"] = facts
            provenance = facts["provenance"]
            files.append(EvidenceFile("evaluation", str(provenance["file"]), str(provenance["sha256"])))
            sources["evidence.evaluation"] = Source(str(provenance["file"]))
            return
    if run is not None:
        from checker.evidence.mlflow import evaluation_evidence

        facts_from_run = evaluation_evidence(run)
        if facts_from_run is not None:
            evidence["evaluation"] = facts_from_run
            sources["evidence.evaluation"] = Source(run.run_uri)
            return
    if recorded is not None:
        from checker.evidence.evaluation import missing_source_evidence

        evidence["evaluation"] = missing_source_evidence(recorded)


def _add_model(
    evidence: dict[str, Any],
    files: list[EvidenceFile],
    sources: dict[str, Source],
    path: Path | None,
    config: Config,
    tracking_uri: str | None,
    run: RunEvidence | None,
) -> None:
    """`evidence.model`: the input signature of the MLflow model (checker.evidence.signature) that `--model`
    (or comply.yaml `evidence.model`) names, else that of the registered model version the card came from,
    so the feature rules judge the inputs the model really takes. `origin` says which one it is. When both
    are there, the named one wins and the version's is kept beside it (`registered_version`, with whether
    the two signatures agree), so a report says which model's inputs were judged. A version without a
    signature (or without an `MLmodel`) gives `signature: absent` and no inputs: the features then come
    from the card, and the report says that no signature backed them."""
    registered = _registered_model(run)
    if path is not None:
        facts, line = _named_model(path, config, tracking_uri)
        facts["origin"] = "option"
        if registered is not None:
            facts["registered_version"] = _beside(registered[0], facts)
    elif registered is not None:
        facts, line = registered
    else:
        return
    evidence["model"] = facts
    if "sha256" in facts:
        files.append(EvidenceFile("model", facts["file"], facts["sha256"]))
    sources["evidence.model"] = Source(facts["file"], lambda _: line)


def _named_model(path: Path, config: Config, tracking_uri: str | None) -> tuple[dict[str, Any], int]:
    """The signature of the model `--model` names; a `models:/` or `runs:/` URI is downloaded through
    MLflow and reported under the URI."""
    from checker.evidence.loader import is_mlflow_uri
    from checker.evidence.signature import MLMODEL, download_mlmodel, model_evidence

    if is_mlflow_uri(path):
        import tempfile

        with tempfile.TemporaryDirectory(prefix="comply-model-") as workdir:
            local = download_mlmodel(str(path), config.mlflow, Path(workdir), tracking_uri)
            return model_evidence(local, f"{str(path).rstrip('/')}/{MLMODEL}")
    return model_evidence(path, display_path(path))


def _registered_model(run: RunEvidence | None) -> tuple[dict[str, Any], int] | None:
    """The signature of the registered model version the card came from (None for a run or a local card)."""
    label = run.mlmodel_label if run is not None else None
    if run is None or label is None:
        return None
    if run.mlmodel is None:
        return {"file": label, "inputs": [], "signature": "absent", "origin": "registered_version"}, 1
    from checker.evidence.signature import model_evidence

    facts, line = model_evidence(run.mlmodel, label, required=False)
    return {**facts, "origin": "registered_version"}, line


def _beside(registered: Mapping[str, Any], used: Mapping[str, Any]) -> dict[str, Any]:
    """What the registered version's signature says, kept beside the named model's that was used."""
    kept: dict[str, Any] = {key: registered[key] for key in ("file", "sha256", "signature") if key in registered}
    kept["names"] = [spec["name"] for spec in registered["inputs"]]
    same = sorted((spec["name"], spec["type"]) for spec in registered["inputs"]) == sorted(
        (spec["name"], spec["type"]) for spec in used["inputs"]
    )
    kept["same_inputs"] = same and "signature" not in registered
    return kept


def _add_features(evidence: dict[str, Any], card: Mapping[str, Any], card_label: str) -> None:
    """`evidence.features`: the model's feature list, for policies/rules/features.rego: the card's
    `features:` (each entry points at its card line), else the MLflow model's signature, else the explanations
    file's features. With both a card list and a signature the card's list is judged against the signature
    (org.features.match_model) and the inputs the card leaves out join the list, so the feature rules judge
    every input the model really takes. Explanations must be of the same features: attributions of another
    model are no evidence of this one."""
    from checker.evidence.features import card_features, explanation_features, signature_features

    features = card_features(card, card_label)
    model = evidence.get("model")
    if model is not None and not model["inputs"]:  # a registered version logged without a signature
        model = None
    if features is not None and model is not None:
        features = signature_features(model, features)
    elif model is not None:
        features = signature_features(model)
    explanations = evidence.get("explanations")
    if features is not None and explanations is not None:
        _same_features(features, explanations)
    if features is None and explanations is not None:
        features = explanation_features(explanations)
    if features is not None:
        evidence["features"] = features


def _same_features(features: Mapping[str, Any], explanations: Mapping[str, Any]) -> None:
    from checker.errors import InputError

    declared = [item["name"] for item in features["items"] if item.get("declared", True)]
    attributed = list(explanations["features"])
    missing = [name for name in declared if name not in attributed]
    extra = [name for name in attributed if name not in declared]
    if missing or extra:
        parts = [f"no attributions for {', '.join(missing[:10])}"] if missing else []
        parts += [f"columns that are not the card's features: {', '.join(extra[:10])}"] if extra else []
        raise InputError(
            f"{explanations['file']}: the explanations do not match the model's features ({'; '.join(parts)}; "
            f"the card lists {len(declared)} features in {features['file']})"
        )


def _add_baseline(
    evidence: dict[str, Any],
    files: list[EvidenceFile],
    card: Mapping[str, Any],
    path: Path,
    config: Config,
    tracking_uri: str | None,
) -> None:
    """`evidence.baseline`: the production model's numbers (after the candidate's own evaluation and fairness
    evidence, which it must share a metric with), with comply.yaml's `regression:` margins. A `models:/` or
    `runs:/` baseline is read through MLflow (checker.evidence.mlflow.baseline_evidence), recorded under the
    version it resolved to."""
    from checker.evidence.baseline import check_common, load_baseline
    from checker.evidence.loader import is_mlflow_uri

    details = card.get("model_details")
    name = details.get("name") if isinstance(details, Mapping) else None
    model_name = name if isinstance(name, str) else None
    label = display_path(path)
    if is_mlflow_uri(path):
        import tempfile

        from checker.evidence.mlflow import baseline_evidence

        with tempfile.TemporaryDirectory(prefix="comply-baseline-") as workdir:
            baseline = baseline_evidence(
                str(path), config.mlflow, Path(workdir), model_name, explicit_tracking_uri=tracking_uri
            )
        resolved = baseline["mlflow"]
        if "model" in resolved:
            label = f"models:/{resolved['model']}/{resolved['version']}"
        else:
            label = f"runs:/{resolved['run_id']}"
    else:
        baseline = load_baseline(path, label, model_name)
    check_common(baseline, card, evidence)
    for key in ("margins", "fairness_margins"):
        if config.regression.get(key):
            baseline[key] = dict(config.regression[key])
    evidence["baseline"] = baseline
    files.append(EvidenceFile("baseline", label, baseline["sha256"]))


def _add_lineage_and_operation(
    evidence: dict[str, Any],
    sources: dict[str, Source],
    card: Mapping[str, Any],
    loaded: LoadedDocument,
    chosen: Mapping[str, Path],
) -> None:
    """`evidence.lineage` (dataset digests comply computes) and `evidence.audit_events` (what the verified
    audit log shows about operation: overrides per period, deployments): see those modules."""
    from checker.evidence.lineage import lineage_evidence

    lineage = lineage_evidence(card, loaded.path.parent, loaded)
    if lineage is not None:
        evidence["lineage"] = lineage
    if "audit_log" in evidence and "audit_log" in chosen:
        from checker.evidence.audit_events import audit_events

        details = card.get("model_details")
        name = details.get("name") if isinstance(details, Mapping) else None
        evidence["audit_events"] = audit_events(
            chosen["audit_log"], evidence["audit_log"], name if isinstance(name, str) and name else None
        )
        sources["evidence.audit_events"] = sources["evidence.audit_log"]


def _add_declared(evidence: dict[str, Any], card: Mapping[str, Any], config: Config) -> None:
    """Fill evidence kinds that no file supplied from what the card (or comply.yaml) declares."""
    if "fairness" not in evidence:
        from checker.evidence.fairness import declared_from_card as declared_fairness

        fairness = declared_fairness(card)
        if fairness is not None:
            evidence["fairness"] = fairness
    if "logging" not in evidence:
        from checker.evidence.logging import declared_from_card as declared_logging

        block = card if card.get("logging") is not None or config.logging is None else {"logging": config.logging}
        logging = declared_logging(block)
        if logging is not None:
            evidence["logging"] = logging
