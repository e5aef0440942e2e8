"""The `comply` command line: wiring only.

Each command group lives in `checker/commands/<name>.py` and registers itself on the app; the work is
done by the modules they call. `main` returns the exit code so tests can call it without a subprocess.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

import typer

from checker import __version__
from checker.console import fail
from checker.errors import ComplyError

COMMAND_MODULES = ("check", "diff", "classify", "explain", "policy", "fairness", "audit_log", "card", "docs", "init")
"""Modules under checker.commands, each exposing `register(app)`, in help order."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"comply {__version__}")
        raise typer.Exit(0)


def build_app(argv: Sequence[str] | None = None) -> typer.Typer:
    """The app with every command, or with only the one `argv` invokes.

    Typer reads the signature of every registered command (evaluating its annotations) when it builds
    the click group, and each command module imports what its options need: a pre-commit hook running
    `comply check` pays only for `check`. Help, an unknown command or none get every command."""
    app = typer.Typer(
        name="comply",
        help="Policy-as-code compliance gate for machine-learning models (EU AI Act and your own rules).",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(
            False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ) -> None:
        """comply: check model cards and their evidence against policy."""

    for name in _invoked(argv) or COMMAND_MODULES:
        module = importlib.import_module(f"checker.commands.{name}")
        module.register(app)
    return app


def _invoked(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The command module of the command `argv` names (`audit-log` -> `audit_log`), or ()."""
    for arg in argv or ():
        if arg.startswith("-"):
            if arg in ("--help", "-h"):  # the root's help lists every command
                return ()
            continue
        module = arg.replace("-", "_")
        return (module,) if module in COMMAND_MODULES and module.replace("_", "-") == arg else ()
    return ()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; every failure that is not a verdict ends as one line on stderr and exit 2."""
    from typer._click import exceptions as click_exceptions
    from typer.exceptions import Abort

    args = list(sys.argv[1:] if argv is None else argv)
    app = build_app(args)
    try:
        result = app(args=args, prog_name="comply", standalone_mode=False)
    except ComplyError as err:
        return fail(err)
    except click_exceptions.UsageError as err:
        err.show()
        return 2
    except click_exceptions.ClickException as err:
        err.show()
        return err.exit_code
    except Abort:
        sys.stderr.write("comply: aborted\n")
        return 130
    except KeyboardInterrupt:
        sys.stderr.write("comply: interrupted\n")
        return 130
    except BrokenPipeError:
        return 1
    except Exception as err:  # a bug must still fail closed: one line, exit 2, never a pass
        if os.environ.get("COMPLY_DEBUG"):
            raise
        return fail(f"internal error: {type(err).__name__}: {err} (set COMPLY_DEBUG=1 for the traceback)")
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
