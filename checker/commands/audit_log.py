"""`comply audit-log`: verify a hash-chained audit log (exit 0 intact, 1 problems, 2 unreadable) or append to it.

`verify` is the integrity report a reviewer runs; `append` lets shell jobs (deploy scripts, manual overrides)
write the same entries a service writes through `checker.audit.AuditLog`.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from checker.commands.common import continued_head
from checker.console import fail, write
from checker.errors import ComplyError, UsageError

if TYPE_CHECKING:
    from checker.evidence.audit_spark import SparkTarget


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


class VerifyEngine(str, Enum):
    process = "process"
    spark = "spark"


PROBLEM_LABELS = {
    "hash_failures": "hash failure",
    "chain_breaks": "chain break",
    "unparseable": "unparseable",
    "out_of_order": "out of order",
}


def verify_exit_code(summary: dict[str, Any]) -> int:
    """0 only for a non-empty log whose every line verifies, chains and keeps time order."""
    clean = summary["intact"] and summary["out_of_order_total"] == 0 and summary["entries"] > 0
    return 0 if clean else 1


def render_text(summary: dict[str, Any]) -> str:
    """The human report: one line per problem (file:line: kind: reason), then the verdict and the facts."""
    out: list[str] = []
    problems = [
        (problem.get("file", ""), problem.get("line", 0), PROBLEM_LABELS[kind], problem["reason"])
        for kind in PROBLEM_LABELS
        for problem in summary[kind]
    ]
    for file, line, label, reason in sorted(problems):
        where = f"{summary['file']}/{file}" if file else summary["file"]
        out.append(f"{where}:{line}: {label}: {reason}" if line else f"{where}: {label}: {reason}")
    for kind, label in PROBLEM_LABELS.items():
        hidden = summary[f"{kind}_total"] - len(summary[kind])
        if hidden > 0:
            out.append(f"{summary['file']}: ... and {hidden} more {label} lines")
    if not summary["intact"]:
        counts = [
            f"{summary[f'{kind}_total']} {label}" for kind, label in PROBLEM_LABELS.items() if summary[f"{kind}_total"]
        ]
        verdict = "NOT INTACT: " + ", ".join(counts)
    elif summary["entries"] == 0:
        verdict = "EMPTY (no entries to verify)"
    else:
        verdict = "INTACT" if summary["out_of_order_total"] == 0 else "INTACT, but timestamps go backwards"
    out.append(f"{summary['file']}: {verdict}")
    out.append(f"  entries: {summary['entries']} on {summary['lines']} lines")
    if "first_timestamp" in summary:
        out.append(
            f"  period: {summary['first_timestamp']} .. {summary['last_timestamp']} "
            f"({summary['span_days']} days; longest silence {summary['max_gap_days']} days)"
        )
    if summary["event_counts"]:
        out.append("  events: " + ", ".join(f"{name} {n}" for name, n in summary["event_counts"].items()))
    for model in summary["models"]:
        out.append(f"  model: {model['model']} {model['version']} ({model['entries']} entries)")
    if "files" in summary:
        out.append(f"  files: {len(summary['files'])} ({'with' if summary['manifest'] else 'no'} manifest)")
    if summary.get("pruned_files"):
        out.append(f"  pruned (listed, gone, before the first file kept): {', '.join(summary['pruned_files'])}")
    if "head_anchor" in summary:
        out.append(f"  expected head found at line {summary['head_anchor']['line']}")
    if "head_hash" in summary:
        out.append(f"  head: {summary['head_hash']}  (record it elsewhere; pass it back with --expect-head)")
    if summary["crlf_lines"]:
        out.append(f"  note: {summary['crlf_lines']} lines end in CRLF (accepted: the hash covers the JSON only)")
    out.append(f"  sha256: {summary['sha256']}")
    return "\n".join(out) + "\n"


def spark_target(engine: str, spark_master: str | None, jobs: int | None = None) -> SparkTarget | None:
    """Where `--engine`/`--spark-master` (or comply.yaml's audit_log section) say to check the lines."""
    if engine != "spark":
        if spark_master is not None:
            raise UsageError("--spark-master is for --engine spark")
        return None
    if jobs is not None:
        raise UsageError("--jobs is for the process engine: on Spark each file (or 64 MiB of one) is a task")
    from checker.evidence.audit_spark import SparkTarget

    return SparkTarget(master=spark_master)


def _parse_data(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as err:
        raise UsageError(f"--data: not valid JSON ({err})") from None
    if not isinstance(data, dict):
        raise UsageError('--data: expected a JSON object like \'{"request_id": "r1"}\'')
    return data


def register(app: typer.Typer) -> None:
    audit_app = typer.Typer(
        name="audit-log",
        help="Verify or append to a hash-chained audit log (JSON Lines, written by checker.audit.AuditLog).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )

    @audit_app.command("verify")
    def verify(
        path: Path = typer.Argument(..., help="The audit log (JSON Lines).", show_default=False),
        format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
        expect_head: Optional[str] = typer.Option(None, "--expect-head", help=EXPECT_HEAD_HELP),
        continues: Optional[str] = typer.Option(None, "--continues", help=CONTINUES_HELP),
        jobs: Optional[int] = typer.Option(
            None, "--jobs", "-j", min=1, help="Processes to verify with (default: by file size and CPUs)."
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar (shown only on a terminal)."),
        engine: VerifyEngine = typer.Option(VerifyEngine.process, "--engine", help=ENGINE_HELP),
        spark_master: Optional[str] = typer.Option(None, "--spark-master", help=SPARK_MASTER_HELP),
    ) -> None:
        """Check every line's hash, the hash chain and time order; exit 0 intact, 1 problems, 2 unreadable.

        PATH may be a directory of daily log files: verified as one chain against its audit-manifest.json."""
        from checker.evidence.audit_log import verify_audit_log
        from checker.progress import set_quiet

        set_quiet(quiet)
        try:
            spark = spark_target(engine.value, spark_master, jobs)
            summary = verify_audit_log(
                path, expect_first_prev=continued_head(continues), expect_head=expect_head, jobs=jobs, spark=spark
            )
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None
        if format is OutputFormat.json:
            write(json.dumps(summary, indent=2, sort_keys=True) + "\n")
        else:
            write(render_text(summary))
        raise typer.Exit(verify_exit_code(summary))

    @audit_app.command("append")
    def append(
        path: Path = typer.Argument(..., help="The audit log (created if missing).", show_default=False),
        event: str = typer.Option(..., "--event", help="prediction, override, deployment, model_version, ..."),
        data: str = typer.Option("{}", "--data", help="Event fields as a JSON object."),
        model: Optional[str] = typer.Option(None, "--model", help="Model name (default: the last entry's)."),
        model_version: Optional[str] = typer.Option(
            None, "--model-version", help="Model version (default: the last entry's)."
        ),
        store_inputs: bool = typer.Option(
            False, "--store-inputs", help="Keep `inputs` raw instead of replacing them by their SHA-256."
        ),
    ) -> None:
        """Append one entry to the chain; prints the new head hash."""
        from checker.audit import AuditLog, last_entry

        try:
            fields = _parse_data(data)
            if model is None or model_version is None:
                previous = last_entry(path) or {}
                model = model or previous.get("model")
                model_version = model_version or previous.get("model_version")
            if not isinstance(model, str) or not isinstance(model_version, str):
                raise UsageError(f"{path}: no earlier entry to take the model from; pass --model and --model-version")
            with AuditLog(path, model=model, version=model_version, store_inputs=store_inputs) as log:
                entry = log.append(event, fields)
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None
        write(f"{entry['content_hash']}\n")
        raise typer.Exit(0)

    @audit_app.command("repair")
    def repair(
        path: Path = typer.Argument(..., help="The audit log whose last line was torn by a crash.", show_default=False),
    ) -> None:
        """Move a torn last line aside (<log>.torn-N) and record the repair in the chain; exit 0."""
        from checker.audit import repair as repair_log

        try:
            done = repair_log(path)
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None
        if done is None:
            write(f"{path}: last line is complete; nothing to repair\n")
        else:
            write(
                f"{path}:{done.line}: torn last line ({done.torn_bytes} bytes) moved to {done.sidecar}; "
                "repair recorded in the chain\n"
            )
        raise typer.Exit(0)

    @audit_app.command("seal")
    def seal(
        directory: Path = typer.Argument(..., help="Directory of daily audit-log files.", show_default=False),
        all_files: bool = typer.Option(False, "--all", help="Seal the newest file too (it is closed)."),
    ) -> None:
        """Record the closed files of a daily set in its audit-manifest.json (first/last hash and seq of each)."""
        from checker.evidence.audit_set import seal as seal_set

        try:
            if not directory.is_dir():
                raise UsageError(f"{directory}: not a directory of audit-log files")
            added = seal_set(directory, str(directory), include_newest=all_files)
        except ComplyError as err:
            raise typer.Exit(fail(err)) from None
        write(f"{directory}: sealed {len(added)} file(s){': ' + ', '.join(added) if added else ''}\n")
        raise typer.Exit(0)

    app.add_typer(audit_app, name="audit-log")


EXPECT_HEAD_HELP = "A head hash recorded earlier: that entry must still be in the log (catches a cut-off tail)."
ENGINE_HELP = "process (here, --jobs processes) or spark (one task per file or 64 MiB range; same verdict)."
SPARK_MASTER_HELP = (
    "spark: master URL (local[2], spark://host:7077, sc://host:15002 for Spark Connect); "
    "default SPARK_REMOTE, else local[*]. The executors read the files at their paths (a shared filesystem)."
)
CONTINUES_HELP = "The earlier log file this one continues, or its head hash (rotated or pruned logs)."
