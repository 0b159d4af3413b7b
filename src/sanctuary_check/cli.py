"""The command line: arguments, renderer choice, output files and exit codes. No legal logic."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .engine import reaches
from .outputs import emit, parse_formats
from .schemas import NAMES, SchemaName, bundled
from .session import UsageError, evaluate_inputs, open_session, report_of
from .validation import Problem

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="sanctuary-check",
    help=(
        "Check a jurisdiction's immigration policy against federal information-sharing law "
        "(8 U.S.C. 1373 and 1644) and each authority's reading of it."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class FailOn(StrEnum):
    conflict = "conflict"
    unknown = "unknown"
    never = "never"


class FailScope(StrEnum):
    law = "law"
    enforcement = "enforcement"
    any = "any"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sanctuary-check {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Check a jurisdiction's immigration policy against federal information-sharing law."""


def _usage(message: str) -> typer.Exit:
    typer.echo(f"sanctuary-check: error: {message}", err=True)
    return typer.Exit(EXIT_INPUT)


def _print_problem(problem: Problem) -> None:
    typer.echo(str(problem), err=True)


@app.command()
def evaluate(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="POLICY_OR_DIR...", help="Policy files, directories or glob patterns."
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Evaluate the law as it stood on this day (YYYY-MM-DD). Default: today.",
        ),
    ] = None,
    rules: Annotated[
        list[Path] | None,
        typer.Option(
            "--rules", metavar="PATH", help="Add a rule file or directory to the built-in rules."
        ),
    ] = None,
    authority: Annotated[
        list[str] | None,
        typer.Option("--authority", metavar="ID", help="Only these authorities (repeatable)."),
    ] = None,
    question: Annotated[
        list[str] | None,
        typer.Option(
            "--question", metavar="Q", help="Only these questions (repeatable), e.g. sec-1373."
        ),
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            metavar="NAME[=FILE]",
            help="table (default) or json; NAME=FILE writes to a file. Repeatable.",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a verdict this bad is found.")
    ] = FailOn.conflict,
    fail_scope: Annotated[
        FailScope,
        typer.Option(
            "--fail-scope",
            help="Which verdicts count for --fail-on: the law lens, the enforcement lens, or "
            "any finding.",
        ),
    ] = FailScope.law,
    trace: Annotated[
        bool, typer.Option("--trace", help="Show how each clause of each condition was decided.")
    ] = False,
) -> None:
    """Evaluate policies against every authority in force on a date.

    Exit status: 0 nothing reached --fail-on within --fail-scope; 1 something did; 2 some input
    could not be evaluated (the rest is still evaluated and reported).
    """
    try:
        outputs = parse_formats(formats or [])
        session = open_session(as_of, rules, authority, question)
        for p in session.ruleset.problems:
            _print_problem(p)
        evaluation = evaluate_inputs(session, paths, _print_problem)
        emit(outputs, report_of(session, evaluation, trace=trace))
    except UsageError as exc:
        raise _usage(str(exc)) from None
    errors, results = evaluation.errors, evaluation.results
    if errors:
        raise typer.Exit(EXIT_INPUT)
    if any(reaches(r, fail_on.value, fail_scope.value) for r in results):
        raise typer.Exit(EXIT_FOUND)
    raise typer.Exit(EXIT_OK)


@app.command()
def schema(
    name: Annotated[
        str, typer.Argument(metavar="policy|rules|report", help="Which schema to print.")
    ],
) -> None:
    """Print a JSON Schema (self-contained) for policy files, rule files or the JSON report."""
    if name not in NAMES:
        raise _usage(f"unknown schema {name!r}; choose one of {', '.join(NAMES)}")
    chosen: SchemaName = next(n for n in NAMES if n == name)
    typer.echo(json.dumps(bundled(chosen), indent=2))


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the app and turns every way out into an exit status, never a traceback."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="sanctuary-check", standalone_mode=False)
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("sanctuary-check: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): say nothing, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        show = getattr(exc, "show", None)
        exit_code = getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):  # a usage error, worded by the CLI layer
            show()
            return exit_code
        # A bug of ours, not bad input: one line, no traceback.
        if os.environ.get("SANCTUARY_CHECK_DEBUG"):
            raise
        sys.stderr.write(
            f"sanctuary-check: internal error: {exc.__class__.__name__}: {exc} "
            "(set SANCTUARY_CHECK_DEBUG=1 for details, and please report it)\n"
        )
        return EXIT_INPUT
    if code == EXIT_INTERRUPTED:
        sys.stderr.write("sanctuary-check: interrupted\n")
    return code if isinstance(code, int) else EXIT_OK


def run() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())
