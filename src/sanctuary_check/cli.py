"""The command line: arguments, renderer choice, output files and exit codes. No legal logic."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .engine import Options, authority_states, evaluate_policy, reaches
from .inputs import expand, load_policy
from .render import RENDERERS, Style
from .report import RunInput, build
from .ruleset import load_ruleset, registry
from .schemas import NAMES, SchemaName, bundled
from .timeline import DateError, parse_day
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


def _parse_formats(values: list[str]) -> list[tuple[str, str | None]]:
    if not values:
        return [("table", None)]
    out: list[tuple[str, str | None]] = []
    for value in values:
        name, sep, target = value.partition("=")
        if name not in RENDERERS:
            raise _usage(f"unknown format {name!r}; available: {', '.join(sorted(RENDERERS))}")
        if sep and not target:
            raise _usage(f"--format {value}: give a file name after '='")
        out.append((name, target or None))
    if sum(1 for _, target in out if target is None) > 1:
        raise _usage("only one --format may go to standard output; give the others =FILE")
    return out


def _terminal_style() -> Style:
    stream = sys.stdout
    tty = hasattr(stream, "isatty") and stream.isatty()
    color = tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    if os.environ.get("FORCE_COLOR") and "NO_COLOR" not in os.environ:
        color = True
    width = shutil.get_terminal_size((80, 24)).columns if tty else _columns_env()
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return Style(width=max(40, width), color=color, unicode=encoding in ("utf8", "utf16", "utf32"))


def _columns_env() -> int:
    try:
        return int(os.environ.get("COLUMNS", "80"))
    except ValueError:
        return 80


def write_atomically(target: str, text: str) -> None:
    """Write the whole file or nothing: a temporary file in the same directory, renamed."""
    path = Path(target)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
        day = parse_day(as_of) if as_of else dt.date.today()
    except DateError as exc:
        raise _usage(f"--as-of: {exc}") from None
    outputs = _parse_formats(formats or [])
    reg = registry()
    questions = frozenset(question) if question else None
    if questions:
        unknown = sorted(questions - set(reg.questions))
        if unknown:
            raise _usage(f"unknown question {unknown[0]!r}; known: {', '.join(reg.questions)}")

    ruleset = load_ruleset(list(rules or []))
    errors: list[Problem] = [p for p in ruleset.problems if p.severity == "error"]
    for p in ruleset.problems:
        _print_problem(p)
    authorities = ruleset.authorities
    if authority:
        known = {a.id for a in authorities}
        missing = [a for a in authority if a not in known]
        if missing:
            raise _usage(f"unknown authority {missing[0]!r}; known: {', '.join(sorted(known))}")
        authorities = [a for a in authorities if a.id in set(authority)]
    states = authority_states(authorities, day)

    files, problems = expand(paths)
    errors.extend(problems)
    for p in problems:
        _print_problem(p)
    results = []
    warnings: dict[str, list[Problem]] = {}
    options = Options(as_of=day, questions=questions)
    for path, display in files:
        policy, found = load_policy(path, display)
        for p in found:
            _print_problem(p)
        if policy is None:
            errors.extend(p for p in found if p.severity == "error")
            continue
        warnings[policy.path] = [p for p in found if p.severity == "warning"]
        results.append(evaluate_policy(policy, states, reg, options))

    report = build(
        RunInput(
            as_of=day,
            states=states,
            results=results,
            ruleset_sha256=ruleset.sha256,
            ruleset_files=ruleset.files,
            errors=errors,
            warnings=warnings,
            trace=trace,
        )
    )
    for name, target in outputs:
        renderer = RENDERERS[name]
        if target is None:
            text = renderer(report, _terminal_style())
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            try:
                write_atomically(target, renderer(report, Style(width=100)))
            except OSError as exc:
                raise _usage(f"cannot write {target}: {exc.strerror or exc}") from None
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
