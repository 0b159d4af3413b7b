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
from .loading import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, Limits, load_file, set_limits
from .model import Policy
from .outputs import emit, parse_formats, write_atomically
from .render import DIFF_RENDERERS
from .schemas import NAMES, SchemaName, bundled
from .session import (
    Session,
    UsageError,
    apply_waiver_file,
    evaluate_inputs,
    open_session,
    parse_as_of,
    report_of,
)
from .settings import Settings, SettingsError, load_settings
from .validate import validate_paths, validation_report
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


def _size(value: str) -> int:
    """A byte count: 4194304, 4096k, 4m, 4MiB."""
    text = value.strip().lower().removesuffix("ib").removesuffix("b")
    scale = {"k": 1024, "m": 1024**2, "g": 1024**3}.get(text[-1:], 1)
    digits = text[:-1] if scale > 1 else text
    if not digits.isdigit() or int(digits) <= 0:
        raise typer.BadParameter(f"{value!r} is not a size (for example 8m or 8388608)")
    return int(digits) * scale


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    max_file_size: Annotated[
        str | None,
        typer.Option(
            "--max-file-size",
            metavar="SIZE",
            envvar="SANCTUARY_CHECK_MAX_FILE_SIZE",
            help=f"Largest file read (default {MAX_FILE_BYTES // 1024 // 1024}m).",
        ),
    ] = None,
    max_depth: Annotated[
        int | None,
        typer.Option(
            "--max-depth",
            min=1,
            envvar="SANCTUARY_CHECK_MAX_DEPTH",
            help=f"Deepest nesting in a file (default {MAX_DEPTH}).",
        ),
    ] = None,
    max_nodes: Annotated[
        int | None,
        typer.Option(
            "--max-nodes",
            min=1,
            envvar="SANCTUARY_CHECK_MAX_NODES",
            help=f"Most values in one file (default {MAX_NODES}).",
        ),
    ] = None,
) -> None:
    """Check a jurisdiction's immigration policy against federal information-sharing law.

    The limits on input files apply to every command; give them before it
    (sanctuary-check --max-file-size 16m validate policies/) or as environment variables.
    """
    set_limits(
        Limits(
            file_bytes=_size(max_file_size) if max_file_size else MAX_FILE_BYTES,
            depth=max_depth or MAX_DEPTH,
            nodes=max_nodes or MAX_NODES,
        )
    )


def _usage(message: str) -> typer.Exit:
    typer.echo(f"sanctuary-check: error: {message}", err=True)
    return typer.Exit(EXIT_INPUT)


def _print_problem(problem: Problem) -> None:
    typer.echo(str(problem), err=True)


_FORMAT_HELP = (
    "table (default; github when GITHUB_ACTIONS is set), json, sarif, junit, github or markdown; "
    "NAME=FILE writes to a file. Repeatable."
)
SettingsOption = Annotated[
    Path | None,
    typer.Option(
        "--settings",
        metavar="FILE",
        help="Read settings from this file instead of the nearest .sanctuary-check.yaml or "
        "pyproject.toml [tool.sanctuary-check].",
    ),
]
FormatOption = Annotated[
    list[str] | None, typer.Option("--format", metavar="NAME[=FILE]", help=_FORMAT_HELP)
]


def _settings(path: Path | None) -> Settings:
    try:
        return load_settings(path)
    except SettingsError as exc:
        for p in exc.problems:
            _print_problem(p)
        raise typer.Exit(EXIT_INPUT) from None


def _either(flag: list[Path] | None, setting: tuple[Path, ...]) -> list[Path]:
    return list(flag) if flag is not None else list(setting)


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
    formats: FormatOption = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on", help="Exit 1 when a verdict this bad is found. Default: conflict."
        ),
    ] = None,
    fail_scope: Annotated[
        FailScope | None,
        typer.Option(
            "--fail-scope",
            help="Which verdicts count for --fail-on: the law lens, the enforcement lens, or "
            "any finding. Default: law.",
        ),
    ] = None,
    trace: Annotated[
        bool, typer.Option("--trace", help="Show how each clause of each condition was decided.")
    ] = False,
    waivers: Annotated[
        Path | None,
        typer.Option(
            "--waivers",
            metavar="FILE",
            help="Waivers: findings reported as waived that do not count toward --fail-on.",
        ),
    ] = None,
    settings_file: SettingsOption = None,
) -> None:
    """Evaluate policies against every authority in force on a date.

    Exit status: 0 nothing reached --fail-on within --fail-scope; 1 something did; 2 some input
    could not be evaluated (the rest is still evaluated and reported).
    """
    settings = _settings(settings_file)
    waiver_file = waivers if waivers is not None else settings.waivers
    try:
        outputs = parse_formats(formats or [])
        session = open_session(
            as_of or settings.as_of,
            _either(rules, settings.rules),
            authority if authority is not None else list(settings.authorities or []),
            question if question is not None else list(settings.questions or []),
        )
        for p in session.ruleset.problems:
            _print_problem(p)
        evaluation = evaluate_inputs(session, paths, _print_problem)
        if waiver_file is not None:
            apply_waiver_file(session, evaluation, waiver_file, _print_problem)
        emit(outputs, report_of(session, evaluation, trace=trace))
    except UsageError as exc:
        raise _usage(str(exc)) from None
    errors, results = evaluation.errors, evaluation.results
    if errors:
        raise typer.Exit(EXIT_INPUT)
    on = (fail_on.value if fail_on else None) or settings.fail_on or FailOn.conflict.value
    scope = (fail_scope.value if fail_scope else None) or settings.fail_scope or FailScope.law.value
    if any(reaches(r, on, scope) for r in results):
        raise typer.Exit(EXIT_FOUND)
    raise typer.Exit(EXIT_OK)


@app.command()
def validate(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="Policy, rule and waivers files, directories (searched recursively) or glob "
            "patterns.",
        ),
    ],
    strict: Annotated[
        bool | None,
        typer.Option("--strict/--no-strict", help="Make warnings fail too (exit status 1)."),
    ] = None,
    formats: FormatOption = None,
    rules: Annotated[
        list[Path] | None,
        typer.Option(
            "--rules",
            metavar="PATH",
            help="Rule files or directories to check too, whose authorities policies and "
            "waivers may name (besides the built-in ones).",
        ),
    ] = None,
    settings_file: SettingsOption = None,
) -> None:
    """Check policy, rule and waivers files: every problem at path:line:column, with a code.

    Exit status: 0 clean; 1 problems found in files (unparsable files included; warnings only
    with --strict); 2 bad usage, or no file found at all.
    """
    settings = _settings(settings_file)
    try:
        outputs = parse_formats(formats or [])
    except UsageError as exc:
        raise _usage(str(exc)) from None
    result = validate_paths(
        paths,
        strict=strict if strict is not None else bool(settings.strict),
        rules=_either(rules, settings.rules),
        waivers=[settings.waivers] if settings.waivers is not None else [],
    )
    if not any(target is None and name in ("table", "github") for name, target in outputs):
        for p in result.problems():
            _print_problem(p)
    try:
        emit(outputs, validation_report(result))
    except UsageError as exc:
        raise _usage(str(exc)) from None
    if not result.readable:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_FOUND if result.failed else EXIT_OK)


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
        str,
        typer.Argument(
            metavar="|".join(NAMES),
            help="Which schema: policy, rules or waivers files, settings, or the JSON reports "
            "of evaluate (report) and validate (validation).",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the schema to this file (whole or not at all), for example for a "
            "'# yaml-language-server: $schema=' comment.",
        ),
    ] = None,
) -> None:
    """Print a JSON Schema (self-contained) for policy, rule or waivers files, or a report."""
    if name not in NAMES:
        raise _usage(f"unknown schema {name!r}; choose one of {', '.join(NAMES)}")
    chosen: SchemaName = next(n for n in NAMES if n == name)
    text = json.dumps(bundled(chosen), indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        write_atomically(str(output), text)
    except OSError as exc:
        raise _usage(f"cannot write {output}: {exc.strerror or exc}") from None


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
