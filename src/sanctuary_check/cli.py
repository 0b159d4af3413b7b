"""The command line: arguments, renderer choice, output files and exit codes. No legal logic."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .diff import changed, date_diff_report, diff_dates, diff_reports, diff_results
from .engine import Options, authority_states, evaluate_policy, reaches
from .inputs import load_policy
from .loading import load_file
from .model import Policy
from .outputs import emit, parse_formats
from .render import DIFF_RENDERERS
from .schemas import NAMES, SchemaName, bundled
from .session import (
    Session,
    UsageError,
    evaluate_inputs,
    open_session,
    parse_as_of,
    report_of,
)
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
def diff(
    policy: Annotated[
        str | None,
        typer.Argument(metavar="[POLICY]", help="The policy file, for --from/--to."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="The earlier date (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="The later date (YYYY-MM-DD).")
    ] = None,
    steps: Annotated[
        bool, typer.Option("--steps", help="List every event on the way, with what it changed.")
    ] = False,
    policies: Annotated[
        tuple[str, str] | None,
        typer.Option("--policies", metavar="OLD NEW", help="Two versions of a policy, same law."),
    ] = None,
    reports: Annotated[
        tuple[str, str] | None,
        typer.Option("--reports", metavar="OLD NEW", help="Two saved JSON reports."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="With --policies: the date (default today)."),
    ] = None,
    rules: Annotated[
        list[Path] | None,
        typer.Option("--rules", metavar="PATH", help="Add a rule file or directory."),
    ] = None,
    authority: Annotated[
        list[str] | None, typer.Option("--authority", metavar="ID", help="Only these authorities.")
    ] = None,
    question: Annotated[
        list[str] | None, typer.Option("--question", metavar="Q", help="Only these questions.")
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", metavar="NAME[=FILE]", help="table (default) or json."),
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when something changed.")
    ] = False,
) -> None:
    """What changed between two dates, two versions of a policy, or two saved reports, and why.

    Exit status: 0 (or, with --exit-code, 0 nothing changed and 1 something did); 2 bad usage
    or input that could not be read.
    """
    modes = sum(x is not None for x in (policies, reports)) + (policy is not None)
    if modes != 1:
        raise _usage(
            "give a POLICY with --from and --to, or --policies OLD NEW, or --reports OLD NEW"
        )
    try:
        outputs = parse_formats(formats or [], available=DIFF_RENDERERS)
        if reports is not None:
            data = diff_reports(*(_read_report(p) for p in reports))
        else:
            session = open_session(as_of, rules, authority, question)
            for p in session.ruleset.problems:
                _print_problem(p)
            if session.rule_errors:
                raise typer.Exit(EXIT_INPUT)
            if policies is not None:
                data = _diff_policies(session, policies)
            else:
                assert policy is not None
                if start is None or end is None:
                    raise UsageError("give both --from and --to")
                data = _diff_dates(session, policy, parse_as_of(start), parse_as_of(end), steps)
        emit(outputs, data, DIFF_RENDERERS)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    raise typer.Exit(EXIT_FOUND if exit_code and changed(data) else EXIT_OK)


def _load_one(path: str) -> Policy:
    policy, problems = load_policy(Path(path), path)
    for p in problems:
        _print_problem(p)
    if policy is None:
        raise typer.Exit(EXIT_INPUT)
    return policy


def _diff_dates(
    session: Session, path: str, start: dt.date, end: dt.date, steps: bool
) -> dict[str, Any]:
    policy = _load_one(path)
    result = diff_dates(
        policy,
        lambda day: authority_states(session.authorities, day),
        session.registry,
        session.effects,
        start,
        end,
        session.questions,
    )
    return date_diff_report(result, steps=steps)


def _diff_policies(session: Session, paths: tuple[str, str]) -> dict[str, Any]:
    old, new = (_load_one(p) for p in paths)
    results = [
        evaluate_policy(
            p,
            session.states,
            session.registry,
            Options(session.as_of, session.questions),
            session.effects,
        )
        for p in (old, new)
    ]
    raw = [load_file(Path(p), p).data for p in paths]
    return diff_results(results[0], results[1], raw[0], raw[1])


def _read_report(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a JSON report: {exc}") from None
    if not isinstance(data, dict) or data.get("report_version") != 1:
        raise UsageError(f"{path}: not a sanctuary-check JSON report (report_version 1)")
    return data


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
