"""`comply policy ...`: work on the Rego policies themselves (tests with coverage, rule docs)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from checker.console import fail, write
from checker.errors import ComplyError

policy_app = typer.Typer(help="Test and document Rego policies.", no_args_is_help=True)


@policy_app.command("test")
def test(
    directories: list[Path] = typer.Argument(None, help="Your own policy directories (default: the built-in bundle)."),
    run: Optional[str] = typer.Option(
        None, "--run", "-r", help="Only tests whose name matches this regular expression."
    ),
    min_coverage: float = typer.Option(0.0, "--min-coverage", help="Fail when line coverage is below this percentage."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every test, not only failures."),
) -> None:
    """Run the Rego unit tests (test_* rules in *_test.rego) and report line coverage per policy file."""
    from checker.engine.bundle import load_bundle
    from checker.policytest import run_tests

    try:
        extra = list(directories or [])
        bundle = load_bundle(extra)
        only = [
            module.path for module in bundle.modules if extra and any(module.path.startswith(str(d)) for d in extra)
        ]
        prefixes = sorted({str(d) for d in extra}) if only else []
        result = run_tests(bundle, only_dirs=prefixes, pattern=run)
    except ComplyError as err:
        raise typer.Exit(fail(err)) from None
    lines = []
    for outcome in result.outcomes:
        if verbose or outcome.status != "pass":
            detail = f" ({outcome.detail})" if outcome.detail else ""
            lines.append(f"{outcome.status.upper():<5} {outcome.module}: data.{outcome.package}.{outcome.name}{detail}")
    lines.append("")
    lines.append("coverage:")
    for item in result.coverage:
        missing = f"  not covered: {', '.join(map(str, item.not_covered))}" if item.not_covered else ""
        lines.append(f"  {item.percent:6.1f}%  {item.path}{missing}")
    lines.append(f"  {result.coverage_percent:6.1f}%  total")
    passed = sum(1 for o in result.outcomes if o.status == "pass")
    failed = len(result.outcomes) - passed
    lines.append("")
    lines.append(f"{passed} passed, {failed} failed")
    write("\n".join(lines) + "\n")
    if not result.outcomes:
        raise typer.Exit(fail("no Rego tests found (test_* rules in *_test.rego files)"))
    if not result.passed:
        raise typer.Exit(1)
    if result.coverage_percent + 1e-9 < min_coverage:
        write(f"coverage {result.coverage_percent:.1f}% is below --min-coverage {min_coverage:.1f}%\n")
        raise typer.Exit(1)
    raise typer.Exit(0)


@policy_app.command("docs")
def docs(
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the Markdown here instead of stdout."),
    policy: list[Path] = typer.Option([], "--policy", "-p", help="Include your own policy directory; repeatable."),
) -> None:
    """Print Markdown documentation of every rule: id, title, article, severity, what it checks, remediation."""
    from checker.engine.bundle import load_bundle
    from checker.policy_docs import render_markdown

    try:
        text = render_markdown(load_bundle(policy))
    except ComplyError as err:
        raise typer.Exit(fail(err)) from None
    if output is None:
        write(text)
    else:
        output.write_text(text, encoding="utf-8")
    raise typer.Exit(0)


@policy_app.command("bundle")
def bundle(
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the bundle (.tar.gz).", show_default=False),
    policy: list[Path] = typer.Option([], "--policy", "-p", help="Include your own policy directory; repeatable."),
    config: Optional[Path] = typer.Option(
        None, "--config", "-c", help="comply.yaml whose thresholds and policy_dirs go in."
    ),
    data: list[Path] = typer.Option([], "--data", help="YAML/JSON file with `thresholds:` to bake in; repeatable."),
) -> None:
    """Write the policies (and yours) as a standard OPA bundle, for `opa run --server bundle.tar.gz`."""
    import hashlib

    from checker.config import load_config
    from checker.engine.bundle import load_bundle
    from checker.engine.opa_bundle import BUNDLE_ROOT, bundle_files, write_bundle
    from checker.engine.thresholds import requested
    from checker.errors import UsageError

    try:
        settings = load_config(config)
        thresholds, deviations = requested(settings, data)
        loaded = load_bundle(
            tuple(settings.policy_dirs) + tuple(policy),
            thresholds=thresholds,
            deviations=deviations,
            feature_lists=settings.feature_lists,
            feature_lists_where=settings.where,
        )
        archive = write_bundle(loaded)
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_bytes(archive)
        except OSError as err:
            raise UsageError(f"{output}: cannot write bundle: {err.strerror}") from None
    except ComplyError as err:
        raise typer.Exit(fail(err)) from None
    modules = sum(1 for item in bundle_files(loaded) if item.name.endswith(".rego"))
    digest = hashlib.sha256(archive).hexdigest()
    write(
        f"wrote {output}: {modules} policy modules and data.json, revision {loaded.revision}, "
        f"root data.{BUNDLE_ROOT}, sha256:{digest}\n"
    )
    raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    app.add_typer(policy_app, name="policy")
