"""The command line: arguments, renderer choice, output files and exit codes. No legal logic."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__
from .batch import default_jobs
from .entry import EXIT_INTERRUPTED, INTERRUPTED
from .loading import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, Limits, load_file, set_limits
from .outputs import (
    Terminated,
    deliver,
    emit,
    parse_formats,
    remove_temporaries,
    sigterm_raises,
    terminal_style,
    write_atomically,
    write_new,
)
from .render import DIFF_RENDERERS, MATRIX_RENDERERS
from .schemas import NAMES, SchemaName, bundled
from .session import (
    Session,
    UsageError,
    evaluate_inputs,
    open_session,
    parse_as_of,
)
from .settings import Settings, SettingsError, load_settings
from .stream import run as stream_run
from .validation import Problem

if TYPE_CHECKING:  # the commands import what only they need, so that a run starts quickly
    from .model import Policy
    from .skeleton import Identity

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_INPUT = 2
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process that SIGTERM ended

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


JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        min=0,
        help="Worker processes for large inputs (0: one per processor). The output is the same "
        "as with 1.",
    ),
]


PolicyPaths = Annotated[
    list[str],
    typer.Argument(metavar="POLICY_OR_DIR...", help="Policy files, directories or glob patterns."),
]
AuthorityOption = Annotated[
    list[str] | None,
    typer.Option("--authority", metavar="ID", help="Only these authorities (repeatable)."),
]
QuestionOption = Annotated[
    list[str] | None,
    typer.Option(
        "--question", metavar="Q", help="Only these questions (repeatable), e.g. sec-1373."
    ),
]


FailOnOption = Annotated[
    FailOn | None,
    typer.Option("--fail-on", help="Exit 1 when a verdict this bad is found. Default: conflict."),
]
FailScopeOption = Annotated[
    FailScope | None,
    typer.Option(
        "--fail-scope",
        help="Which verdicts count for --fail-on: the law lens, the enforcement lens, or any "
        "finding. Default: law.",
    ),
]


def _fail(
    fail_on: FailOn | None, fail_scope: FailScope | None, settings: Settings
) -> tuple[str, str]:
    """--fail-on and --fail-scope, else the settings, else conflict in the law lens."""
    on = (fail_on.value if fail_on else None) or settings.fail_on or FailOn.conflict.value
    scope = (fail_scope.value if fail_scope else None) or settings.fail_scope or FailScope.law.value
    return on, scope


def _jobs(value: int) -> int:
    return value or default_jobs()


def _settings(path: Path | None) -> Settings:
    try:
        return load_settings(path)
    except SettingsError as exc:
        for p in exc.problems:
            _print_problem(p)
        raise typer.Exit(EXIT_INPUT) from None


def _either(flag: list[Path] | None, setting: tuple[Path, ...]) -> list[Path]:
    return list(flag) if flag is not None else list(setting)


AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Evaluate the law as it stood on this day (YYYY-MM-DD). Default: today.",
    ),
]
Rules = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules", metavar="PATH", help="Add a rule file or directory to the built-in rules."
    ),
]


@app.command()
def evaluate(
    paths: PolicyPaths,
    as_of: AsOf = None,
    rules: Rules = None,
    authority: AuthorityOption = None,
    question: QuestionOption = None,
    formats: FormatOption = None,
    fail_on: FailOnOption = None,
    fail_scope: FailScopeOption = None,
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
    jobs: JobsOption = 1,
) -> None:
    """Evaluate policies against every authority in force on a date.

    Results are written as each policy is evaluated, in the order of the inputs; with --jobs N,
    in N worker processes (the output is the same).

    Exit status: 0 nothing reached --fail-on within --fail-scope; 1 something did; 2 some input
    could not be evaluated (the rest is still evaluated and reported).
    """
    settings = _settings(settings_file)
    on, scope = _fail(fail_on, fail_scope, settings)
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
        done = stream_run(
            session,
            paths,
            outputs,
            _print_problem,
            trace=trace,
            waivers_path=waivers if waivers is not None else settings.waivers,
            fail_on=on,
            fail_scope=scope,
            jobs=_jobs(jobs),
        )
    except UsageError as exc:
        raise _usage(str(exc)) from None
    if done.errors:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_FOUND if done.failed else EXIT_OK)


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
    jobs: JobsOption = 1,
) -> None:
    """Check policy, rule and waivers files: every problem at path:line:column, with a code.

    Exit status: 0 clean; 1 problems found in files (unparsable files included; warnings only
    with --strict); 2 bad usage, or no file found at all.
    """
    from .validate import validate_paths, validation_report

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
        jobs=_jobs(jobs),
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


class SortBy(StrEnum):
    id = "id"
    name = "name"
    state = "state"
    conflicts = "conflicts"


class VerdictName(StrEnum):
    conflict = "conflict"
    compliant = "compliant"
    unknown = "unknown"
    not_applicable = "not_applicable"


@app.command()
def matrix(
    paths: PolicyPaths,
    as_of: AsOf = None,
    years: Annotated[
        str | None,
        typer.Option(
            "--years",
            metavar="FIRST..LAST",
            help="Years as columns (one block per authority), each evaluated on December 31, "
            "the current year on today. Not with --as-of.",
        ),
    ] = None,
    rules: Rules = None,
    authority: AuthorityOption = None,
    question: QuestionOption = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            metavar="NAME[=FILE]",
            help="table (default), json, markdown, html (one self-contained page) or svg; "
            "NAME=FILE writes to a file. Repeatable.",
        ),
    ] = None,
    sort: Annotated[SortBy, typer.Option("--sort", help="Order of the rows.")] = SortBy.id,
    only: Annotated[
        list[VerdictName] | None,
        typer.Option("--only", help="Keep the rows with a cell of this verdict (repeatable)."),
    ] = None,
    fail_on: FailOnOption = None,
    fail_scope: FailScopeOption = None,
    settings_file: SettingsOption = None,
    jobs: JobsOption = 1,
) -> None:
    """Jurisdictions as rows, authorities (or years) as columns: one verdict per cell.

    Each cell is the authority's jurisdiction-level verdict; a recorded determination of that
    authority that stood on the day is shown beside it, and a verdict without one is marked as
    the tool's projection. Exit status as for evaluate: 0, 1 (--fail-on reached on some date),
    2 (some input could not be evaluated).
    """
    settings = _settings(settings_file)
    on, scope = _fail(fail_on, fail_scope, settings)
    from .matrix import build as build_matrix
    from .matrix import year_days

    try:
        outputs = parse_formats(formats or [], default="table", available=MATRIX_RENDERERS)
        if years and as_of:
            raise UsageError("give --as-of or --years, not both")
        days: list[tuple[int | None, str | dt.date | None]] = (
            [(y, d) for y, d in year_days(years, dt.date.today())]
            if years
            else [(None, as_of or settings.as_of)]
        )
        chosen = authority if authority is not None else list(settings.authorities or [])
        asked = question if question is not None else list(settings.questions or [])
        sessions = [
            (year, open_session(day, _either(rules, settings.rules), chosen, asked))
            for year, day in days
        ]
        for p in sessions[0][1].ruleset.problems:
            _print_problem(p)
        built = build_matrix(
            sessions,
            paths,
            _print_problem,
            sort=sort.value,
            only=[v.value for v in only or []],
            fail_on=on,
            fail_scope=scope,
            jobs=_jobs(jobs),
            # Only JSON and HTML show findings; without them each cell is a few words.
            findings=any(name in ("json", "html") for name, _ in outputs),
        )
        emit(outputs, built.data, MATRIX_RENDERERS)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    if built.errors:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_FOUND if built.failed else EXIT_OK)


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
    from .diff import changed, diff_reports

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
    from .inputs import load_policy

    policy, problems = load_policy(Path(path), path)
    for p in problems:
        _print_problem(p)
    if policy is None:
        raise typer.Exit(EXIT_INPUT)
    return policy


def _diff_dates(
    session: Session, path: str, start: dt.date, end: dt.date, steps: bool
) -> dict[str, Any]:
    from .diff import date_diff_report, diff_dates
    from .engine import authority_states

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
    from .diff import diff_results
    from .engine import Options, evaluate_policy

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
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: not a JSON report: {exc.msg}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}:1:1: not a JSON report: {exc}") from None
    except RecursionError:
        raise UsageError(f"{path}:1:1: not a JSON report: nested too deep to read") from None
    if not isinstance(data, dict) or data.get("report_version") != 1:
        raise UsageError(f"{path}: not a sanctuary-check JSON report (report_version 1)")
    return data


@app.command()
def schema(
    name: Annotated[
        str,
        typer.Argument(
            metavar="|".join(NAMES),
            help="Which schema: policy, rules, waivers or expectation files, settings, or the "
            "JSON reports of evaluate (report) and validate (validation).",
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
    """Print a JSON Schema (self-contained): policy, rule, waivers or expectation files, settings,
    or a report."""
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


rules_app = typer.Typer(
    help="The authorities and rules in the loaded rule sets: list, show, doc.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(rules_app, name="rules")


def _paths(text: str) -> typer.models.ArgumentInfo:
    """An optional list of paths, defaulting to a directory of the project."""
    return typer.Argument(metavar="[PATH]...", help=text)  # type: ignore[no-any-return]


def _width() -> int:
    return terminal_style().width


def _session(as_of: str | None, rules: list[Path] | None, **selection: list[str] | None) -> Session:
    """Open a session and report problems in the rule files (an error in one is exit 2)."""
    session = open_session(as_of, rules, selection.get("authority"), selection.get("question"))
    for p in session.ruleset.problems:
        _print_problem(p)
    if session.rule_errors:
        raise typer.Exit(EXIT_INPUT)
    return session


def _complete_ids(incomplete: str) -> list[str]:
    """Shell completion: authority and rule ids of the built-in rules."""
    from .catalog import Catalog

    try:
        catalog = Catalog(open_session(None))
    except Exception:  # completion must never fail loudly
        return []
    names = [a.id for a in catalog.authorities] + [e.ident for e in catalog.entries()]
    return [n for n in names if n.startswith(incomplete)]


@rules_app.command("list")
def rules_list(as_of: AsOf = None, rules: Rules = None) -> None:
    """List every loaded authority with its window, scope, questions and rules.

    Authorities not in force on the date are listed as such, never left out.
    """
    from .catalog import Catalog
    from .render.rules_text import render_list

    try:
        catalog = Catalog(_session(as_of, rules))
    except UsageError as exc:
        raise _usage(str(exc)) from None
    typer.echo(render_list(catalog, _width()), nl=False)


@rules_app.command("show")
def rules_show(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="An authority id, <authority>/<rule>, or <authority>/outside-scope/<provision>.",
            autocompletion=_complete_ids,
        ),
    ],
    as_of: AsOf = None,
    rules: Rules = None,
) -> None:
    """Show one authority or rule: plain words, condition, citations, window, effects on it."""
    from .catalog import Catalog
    from .render.rules_text import render_entry

    try:
        catalog = Catalog(_session(as_of, rules))
        entry = catalog.resolve(ident)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    typer.echo(render_entry(catalog, entry, _width()), nl=False)


@app.command()
def explain(
    rule_id: Annotated[
        str,
        typer.Argument(
            metavar="RULE_ID",
            help="<authority>/<rule> or <authority>/outside-scope/<provision>.",
            autocompletion=_complete_ids,
        ),
    ],
    policies: Annotated[
        list[str] | None,
        typer.Argument(metavar="[POLICY]...", help="Policy files to apply the rule to."),
    ] = None,
    as_of: AsOf = None,
    rules: Rules = None,
) -> None:
    """Explain what a rule requires and, given a policy, how its finding was decided.

    The trace shows how each part of the rule's condition was decided, with the policy lines it
    read; then which authority controls the provision in each lens; and, for an unknown
    verdict, which facts of the policy would settle it. Exit status: 0, or 2 for bad input.
    """
    from .catalog import Catalog, effects_words, entries_of
    from .explain import Explanation, apply_rule
    from .render.explain_text import render as render_explanation

    try:
        session = _session(as_of, rules)
        catalog = Catalog(session)
        entry = catalog.resolve(rule_id)
        if entry.rule is None and entry.scope is None:
            names = ", ".join(e.ident for e in entries_of(entry.authority))
            if names:
                raise UsageError(f"{rule_id} is an authority; explain one of its rules: {names}")
            # A ruling may act only on other authorities' rules: say so, not "one of: (nothing)".
            effects = effects_words(entry.authority)
            what = (
                f"no rules or scope entries of its own, so nothing to explain; it acts through "
                f"its effects: {effects}"
                if effects
                else "no rules, scope entries or effects: nothing to explain"
            )
            raise UsageError(
                f"{rule_id} is an authority with {what} (see: sanctuary-check rules show {rule_id})"
            )
        explanation = Explanation(entry, catalog.state(entry.authority))
        errors: list[Problem] = []
        if policies:
            evaluation = evaluate_inputs(session, policies, _print_problem, keep_documents=True)
            errors = evaluation.errors
            for r in evaluation.results:
                doc = evaluation.documents[r.policy.path]
                explanation.applications.append(apply_rule(session, entry, doc, r))
    except UsageError as exc:
        raise _usage(str(exc)) from None
    typer.echo(render_explanation(catalog, explanation, _width()), nl=False)
    raise typer.Exit(EXIT_INPUT if errors else EXIT_OK)


@app.command("test")
def test_command(
    paths: Annotated[
        list[str] | None, _paths("Expectation files or directories (default: tests/expectations).")
    ] = None,
    rules: Rules = None,
    coverage: Annotated[
        bool,
        typer.Option(
            "--coverage", help="Report the rules and condition branches no expectation exercises."
        ),
    ] = False,
    authority: Annotated[
        list[str] | None,
        typer.Option(
            "--authority", metavar="ID", help="With --coverage, report only these authorities."
        ),
    ] = None,
) -> None:
    """Check expectation files: the verdicts each policy should get, per date.

    A failure prints the expected verdict beside the actual one, with the finding's trace.
    Exit status: 0 every expectation holds; 1 one failed; 2 some input could not be read.
    """
    from .expectations import load_all as load_expectations
    from .expectations import run as run_expectations
    from .render.test_text import render as render_test

    try:
        files, errors = load_expectations(
            _default_paths(paths, "tests/expectations"), _print_problem
        )
        outcome = run_expectations(
            files, list(rules or []), _print_problem, with_coverage=coverage, coverage_of=authority
        )
    except UsageError as exc:
        raise _usage(str(exc)) from None
    outcome.errors += errors
    typer.echo(render_test(outcome, _width()), nl=False)
    if outcome.errors:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_FOUND if outcome.failures else EXIT_OK)


def _is_kind(value: str) -> bool:
    from .skeleton import kinds as skeleton_kinds

    return value in skeleton_kinds()


def _is_state(value: str) -> bool:
    from .skeleton import STATE_PATTERN

    return STATE_PATTERN.fullmatch(value) is not None


def _complete_kind(incomplete: str) -> list[str]:
    from .skeleton import kinds as skeleton_kinds

    return [k for k in skeleton_kinds() if k.startswith(incomplete)]


def _prompt_identity(identity: Identity) -> Identity:
    """Ask on the terminal for what the flags did not give (empty answers keep a TODO)."""

    from .skeleton import Identity
    from .skeleton import kinds as skeleton_kinds

    def ask(text: str, current: str | None, check: Callable[[str], bool]) -> str | None:
        while current is None:
            answer = str(typer.prompt(text, default="", show_default=False)).strip()
            if not answer:
                return None
            if check(answer):
                return answer
            typer.echo("  not valid here; try again, or press Enter to leave a TODO", err=True)
        return current

    return Identity(
        id=identity.id,
        name=ask("Official name (e.g. City of Example)", identity.name, bool),
        kind=ask(f"Kind ({' | '.join(skeleton_kinds())})", identity.kind, _is_kind),
        state=ask("State (two capital letters)", identity.state, _is_state),
        ocd_id=ask(
            "Open Civic Data id (ocd-division/...; Enter to skip)",
            identity.ocd_id,
            lambda v: v.startswith("ocd-division/"),
        ),
    )


@app.command()
def init(
    ident: Annotated[str, typer.Argument(metavar="ID", help="The policy id (= file name).")],
    name: Annotated[str | None, typer.Option("--name", help="The official name.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="city, county, consolidated_city_county, state or other.",
            autocompletion=_complete_kind,
        ),
    ] = None,
    state: Annotated[str | None, typer.Option("--state", help="Two capital letters.")] = None,
    ocd_id: Annotated[
        str | None, typer.Option("--ocd-id", help="Open Civic Data division id.")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write (default: policies/ID.yaml, or ID.yaml with no policies/ "
            "here); - for standard output.",
        ),
    ] = None,
    schema_ref: Annotated[
        str | None,
        typer.Option("--schema", metavar="PATH_OR_URL", help="The $schema for editors."),
    ] = None,
    interactive: Annotated[
        bool | None,
        typer.Option(
            "--interactive/--no-interactive",
            help="Ask for what the flags leave out (default: when on a terminal).",
        ),
    ] = None,
) -> None:
    """Start a policy file for a new jurisdiction: every provision key, commented out.

    A key left commented out stays unknown. Never overwrites a file. Exit status: 0 written;
    2 bad usage or the file exists.
    """
    from .ruleset import registry
    from .skeleton import Identity, schema_reference
    from .skeleton import problems as skeleton_problems
    from .skeleton import render as render_skeleton

    identity = Identity(ident, name, kind, state, ocd_id)
    wrong = skeleton_problems(identity)
    if wrong:
        raise _usage("; ".join(wrong))
    target = output or (
        str(Path("policies") / f"{ident}.yaml") if Path("policies").is_dir() else f"{ident}.yaml"
    )
    if target != "-" and Path(target).exists():
        raise _usage(f"{target} exists; init never overwrites a file (choose --output)")
    on_terminal = sys.stdin.isatty() and sys.stdout.isatty() and target != "-"
    if interactive if interactive is not None else on_terminal:
        identity = _prompt_identity(identity)
    if schema_ref is None:
        schema_ref, present = schema_reference(Path(target if target != "-" else "x.yaml"))
        if not present:
            typer.echo(
                f"note: editors validate through {schema_ref}; write it with: "
                f"sanctuary-check schema policy > {Path(target).parent / schema_ref}",
                err=True,
            )
    text = render_skeleton(identity, schema_ref, registry())
    if target == "-":
        typer.echo(text, nl=False)
        raise typer.Exit(EXIT_OK)
    try:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        write_new(target, text)
    except FileExistsError:
        raise _usage(f"{target} exists; init never overwrites a file (choose --output)") from None
    except OSError as exc:
        raise _usage(f"cannot write {target}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {target}: replace every TODO, then uncomment the provisions you encode")


class TextOrJson(StrEnum):
    table = "table"
    json = "json"


def _default_paths(paths: list[str] | None, default: str) -> list[str]:
    if paths:
        return paths
    if not Path(default).exists():
        raise UsageError(f"give a path (there is no {default}/ here)")
    return [default]


@app.command("gaps")
def gaps_command(
    paths: Annotated[
        list[str] | None, _paths("Policy files, directories or glob patterns (default: policies).")
    ] = None,
    as_of: AsOf = None,
    rules: Rules = None,
    authority: AuthorityOption = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", help="table or json.")] = TextOrJson.table,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list facts that change no verdict.")
    ] = False,
) -> None:
    """Rank the missing or unconfirmed facts of policies by how many verdicts they could change.

    Each fact is settled in turn every plausible way (docs/gaps.md says exactly how) and the
    policy re-evaluated; a fact weighs the number of verdicts some settlement changes.
    Exit status: 0, or 2 when some input could not be read.
    """
    from .gaps import gaps as find_gaps
    from .gaps import to_dict as gaps_dict
    from .render.gaps_text import render as render_gaps

    try:
        session = _session(as_of, rules, authority=authority)
        evaluation = evaluate_inputs(
            session, _default_paths(paths, "policies"), _print_problem, keep_documents=True
        )
    except UsageError as exc:
        raise _usage(str(exc)) from None
    loaded = [(evaluation.documents[r.policy.path], r) for r in evaluation.results]
    found = find_gaps(session, loaded)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(gaps_dict(found), indent=2, ensure_ascii=False))
    else:
        typer.echo(render_gaps(found, _width(), show_all=show_all), nl=False)
    raise typer.Exit(EXIT_INPUT if evaluation.errors else EXIT_OK)


@rules_app.command("doc")
def rules_doc(
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            metavar="NAME[=FILE]",
            help="markdown (default) or html (one self-contained file); NAME=FILE writes to a "
            "file. Repeatable.",
        ),
    ] = None,
    rules: Rules = None,
    expectations: Annotated[
        list[str] | None,
        typer.Option(
            "--expectations",
            metavar="PATH",
            help="Expectation files or directories whose tests are listed beside each rule "
            "(default: tests/expectations when present).",
        ),
    ] = None,
) -> None:
    """Write each authority's text or summary beside its encoding, pinpoint by pinpoint."""
    from .catalog import Catalog
    from .expectations import load_all as load_expectations
    from .render.rulesdoc import DOC_FORMATS
    from .rulesdoc import build as build_rulesdoc

    try:
        outputs = parse_formats(formats or [], default="markdown", available=DOC_FORMATS)
        session = _session(None, rules)
        paths = expectations or (
            ["tests/expectations"] if Path("tests/expectations").is_dir() else []
        )
        files, errors = load_expectations(paths, _print_problem) if paths else ([], 0)
        docs = build_rulesdoc(Catalog(session), files)
        generator = (
            f"sanctuary-check {__version__} rules doc (rule set {session.ruleset.sha256[:12]})"
        )
        deliver(outputs, lambda name, _style: DOC_FORMATS[name](docs, generator))
    except UsageError as exc:
        raise _usage(str(exc)) from None
    raise typer.Exit(EXIT_INPUT if errors else EXIT_OK)


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the app and turns every way out into an exit status, never a traceback."""
    command = typer.main.get_command(app)
    try:
        with sigterm_raises():
            code = command.main(args=argv, prog_name="sanctuary-check", standalone_mode=False)
    except Terminated:
        # Like Ctrl-C: no temporary file left behind, one line says why the run stopped.
        remove_temporaries()
        sys.stderr.write("sanctuary-check: terminated\n")
        return EXIT_TERMINATED
    except (typer.Abort, KeyboardInterrupt):
        remove_temporaries()
        sys.stderr.write(INTERRUPTED)
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
        sys.stderr.write(INTERRUPTED)
    return code if isinstance(code, int) else EXIT_OK
