"""`comply check` as a function: cards and evidence in, one Report out.

The policy bundle and the engine are prepared once per run, whatever the number of cards; each card is
assembled, shape-checked and evaluated on its own, and its results are joined with rule METADATA.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.config import Config, Configs, run_config
from checker.engine.base import Engine, policy_errors_first
from checker.engine.bundle import PolicyBundle, RuleMetadata, load_bundle
from checker.errors import EngineError, InputError
from checker.evidence.assemble import AssembledInput, Context, EvidencePaths, assemble
from checker.evidence.card import find_cards
from checker.evidence.loader import STDIN, is_mlflow_uri
from checker.evidence.per_card import EvidenceArguments, evidence_per_card
from checker.evidence.provenance import display_path, tool_version
from checker.report.model import CardResult, Finding, Location, Report, RuleResult, result_from_metadata
from checker.waivers import WaiverSet, load_waivers

if TYPE_CHECKING:
    from checker.evidence.mlflow import RunEvidence


@dataclass(frozen=True)
class CheckRequest:
    """Everything `comply check` was asked to do."""

    paths: Sequence[Path]
    evidence: EvidencePaths | EvidenceArguments = field(default_factory=EvidencePaths)
    config_path: Path | None = None
    policy_dirs: Sequence[Path] = ()
    data_files: Sequence[Path] = ()
    reference_date: str | None = None
    timeline: str | None = None
    as_if_applicable: bool = False
    engine_options: Mapping[str, Any] = field(default_factory=dict)
    card_format: str | None = None
    mlflow_run: str | None = None
    mlflow_tracking_uri: str | None = None


@dataclass(frozen=True)
class Session:
    """What one run prepares once: the configs, the bundle, the engine and the local cards.

    `config` is the run's config (its bundle, engine, clock and exit settings, agreed by every card's
    config); `cards` pairs each local card with its own config, whose evidence, fairness options,
    logging and waivers apply to that card only.
    """

    config: Config
    bundle: PolicyBundle
    engine: Engine
    context: Context
    waivers: WaiverSet = field(default_factory=WaiverSet)
    cards: tuple[tuple[Path, Config], ...] = ()
    configs: Configs = field(default_factory=Configs)
    waiver_sets: Mapping[Path | None, WaiverSet] = field(default_factory=dict)
    mlflow_tracking_uri: str | None = None

    def waivers_for(self, config: Config) -> WaiverSet:
        return self.waiver_sets.get(_config_key(config), self.waivers)


def open_session(request: CheckRequest) -> Session:
    """Find the cards and their configs, agree the run's settings, load the bundle once and create the engine."""
    from checker.engine.factory import create_engine
    from checker.engine.thresholds import requested

    configs = Configs(request.config_path)
    local = [path for path in request.paths if not is_mlflow_uri(path)]
    cards = _local_cards(local, configs, tolerant=True)
    labelled = _labelled(cards)
    if len(local) < len(request.paths) or request.mlflow_run is not None:  # MLflow's: the working directory's
        labelled.append(("the MLflow cards", configs.for_directory(Path("."))))
    if not labelled:  # no card found yet (run_check says why): the working directory's config
        labelled.append(("the working directory", configs.for_directory(Path("."))))
    config = run_config(labelled)
    settings, deviations = requested(config, request.data_files)
    bundle = load_bundle(
        tuple(config.policy_dirs) + tuple(request.policy_dirs),
        thresholds=settings,
        deviations=deviations,
        feature_lists=config.feature_lists,
        feature_lists_where=config.where,
    )
    engine = create_engine(bundle, config, request.engine_options)
    context = Context.build(request.reference_date, request.timeline, config, as_if_applicable=request.as_if_applicable)
    waiver_sets: dict[Path | None, WaiverSet] = {}
    with policy_errors_first(engine):
        for _, card_config in labelled:
            key = _config_key(card_config)
            if key not in waiver_sets:
                waiver_sets[key] = load_waivers(card_config, context.judging_today, bundle.metadata, bundle.data)
    return Session(
        config,
        bundle,
        engine,
        context,
        waiver_sets[_config_key(config)],
        tuple(cards),
        configs,
        waiver_sets,
        request.mlflow_tracking_uri,
    )


def _local_cards(paths: Sequence[Path], configs: Configs, *, tolerant: bool = False) -> list[tuple[Path, Config]]:
    """Each card the paths name, with its config. `tolerant` (preparing a session): an argument that names
    no card is left for `run_check` to report, which expands the same arguments."""
    if not tolerant:
        return [(card, configs.for_card(card)) for card in find_cards(paths, configs.patterns_for)]
    found: list[tuple[Path, Config]] = []
    for path in paths:
        try:
            found.extend(_local_cards([path], configs))
        except InputError:
            continue
    return found


def _labelled(cards: Sequence[tuple[Path, Config]]) -> list[tuple[str, Config]]:
    return [(display_path(card) if str(card) != STDIN else "-", config) for card, config in cards]


def _config_key(config: Config) -> Path | None:
    return config.path.resolve() if config.path is not None else None


def run_check(request: CheckRequest, session: Session | None = None) -> Report:
    """Check every card the request names and return the report."""
    session = session or open_session(request)
    with policy_errors_first(session.engine), contextlib.ExitStack() as stack:
        targets = _targets(request, session, stack)
        evidence = evidence_per_card(request.evidence, [card for card, _, _ in targets])
        results = tuple(
            session.waivers_for(config).apply(
                check_card(path, evidence[index], session, card_format=request.card_format, run=run, config=config)
            )
            for index, (path, config, run) in enumerate(targets)
        )
    return Report(
        tool_version=tool_version(),
        bundle_revision=session.bundle.revision,
        bundle_digest=session.bundle.digest,
        reference_date=session.context.reference_date,
        timeline=session.context.timeline,
        as_if_applicable=session.context.as_if_applicable,
        cards=results,
        deviations=session.bundle.deviations,
        replay_of=session.context.today if session.context.replay else None,
        thresholds=dict(session.bundle.data.get("comply", {}).get("thresholds", {})),
    )


def _targets(
    request: CheckRequest, session: Session, stack: contextlib.ExitStack
) -> list[tuple[Path, Config, RunEvidence | None]]:
    """(card file, its config, MLflow evidence or None) for every card: local files and globs, `models:/`
    and `runs:/` URIs (their card downloaded), each local card joined with the `--mlflow` run if given.
    mlflow is imported only when one of these is used."""
    uris = [str(path) for path in request.paths if is_mlflow_uri(path)]
    cards = _local_cards([path for path in request.paths if not is_mlflow_uri(path)], session.configs)
    run_config([("this run", session.config), *_labelled(cards)])  # cards the session was not opened for
    if not uris and request.mlflow_run is None:
        return [(path, config, None) for path, config in cards]
    import tempfile

    from checker.evidence.mlflow import resolve

    workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="comply-mlflow-")))
    settings = session.config.mlflow
    here = session.configs.for_directory(Path("."))

    def fetch(uri: str, index: int, *, want_card: bool) -> RunEvidence:
        return resolve(
            uri,
            settings,
            workdir / str(index),
            explicit_tracking_uri=request.mlflow_tracking_uri,
            card_patterns=here.card_patterns,
            want_card=want_card,
        )

    attached = fetch(request.mlflow_run, 0, want_card=False) if request.mlflow_run is not None else None
    targets: list[tuple[Path, Config, RunEvidence | None]] = [(path, config, attached) for path, config in cards]
    for index, uri in enumerate(uris, start=1):
        run = fetch(uri, index, want_card=True)
        targets.append((run.files["card"], here, run))
    return targets


def check_card(
    path: Path,
    evidence: EvidencePaths,
    session: Session,
    *,
    card_format: str | None = None,
    run: RunEvidence | None = None,
    config: Config | None = None,
) -> CardResult:
    """One card judged with its own config (default: the run's) and the evidence named for it."""
    chosen = config if config is not None else session.config
    assembled = assemble(
        path,
        evidence,
        session.context,
        chosen,
        card_format=card_format,
        run=run,
        mlflow_tracking_uri=session.mlflow_tracking_uri,
    )
    decision = session.engine.evaluate(assembled.document)
    results = tuple(_rule_result(raw, session.bundle.metadata, assembled) for raw in decision["results"])
    details = assembled.document["card"].get("model_details")
    details = details if isinstance(details, dict) else {}
    default_name = run.model_name if run is not None and run.model_name else path.stem
    return CardResult(
        card=assembled.evidence_files[0].path,
        model_name=str(details.get("name") or default_name),
        model_version=str(details.get("version") or ""),
        classification=decision["classification"],
        results=results,
        evidence=assembled.evidence_files,
        input_document=assembled.document,
        git_commit=assembled.git_commit,
    )


def _rule_result(raw: Mapping[str, Any], metadata: Mapping[str, RuleMetadata], assembled: AssembledInput) -> RuleResult:
    meta = metadata.get(raw["id"])
    if meta is None:
        origin = _origin(raw["findings"][0] if raw["findings"] else None, metadata)
        raise EngineError(
            f"{origin}policy reported rule {raw['id']!r}, which has no # METADATA block with that custom.id "
            "(add one to the rule that produces it)"
        )
    findings = tuple(_finding(item, assembled, metadata) for item in raw["findings"])
    return result_from_metadata(meta, raw["status"], findings)


def _origin(finding: Any, metadata: Mapping[str, RuleMetadata]) -> str:
    """`policy/naming.rego (comply.custom.naming): ` for a custom finding (main.rego records its package)."""
    package = finding.get("package") if isinstance(finding, dict) else None
    if not isinstance(package, str):
        return ""
    files = sorted({meta.file for meta in metadata.values() if meta.package == package})
    return f"{files[0] if files else package} ({package}): "


def _finding(raw: Any, assembled: AssembledInput, metadata: Mapping[str, RuleMetadata] | None = None) -> Finding:
    if not isinstance(raw, dict) or not isinstance(raw.get("msg"), str):
        origin = _origin(raw, metadata or {})
        shown = raw.get("unreadable", raw) if isinstance(raw, dict) else raw
        raise EngineError(f"{origin}policy finding is not a string or an object with a msg: {str(shown)[:200]}")
    field_path = raw.get("field")
    field_path = field_path if isinstance(field_path, str) and field_path else None
    message = " ".join(raw["msg"].split())
    where = locate(field_path, raw.get("line"), assembled)
    pending = raw.get("pending")
    return Finding(
        message,
        field_path,
        where,
        waivable=raw.get("waivable") is not False,
        pending=pending if pending in ("would_fail", "would_pass") else None,
    )


def locate(field_path: str | None, line: Any, assembled: AssembledInput) -> Location:
    """The file and line a finding's field points at (the card when the field is unknown).

    A finding may carry its own `line` (an audit-log line, say); otherwise the line is looked up from
    the field path in the file that supplied that part of the input document.
    """
    exact = line if isinstance(line, int) and not isinstance(line, bool) and line > 0 else None
    if field_path is None:
        return Location(assembled.evidence_files[0].path, exact or 1)
    for prefix, source in sorted(assembled.sources.items(), key=lambda item: -len(item[0])):
        if field_path == prefix or field_path.startswith(prefix + "."):
            return Location(source.label, exact or source.line_of(field_path[len(prefix) + 1 :]))
    return Location(assembled.evidence_files[0].path, exact)
