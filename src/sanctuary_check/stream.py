"""Evaluating many policies as a stream: one at a time, in order, straight to every output.

A run over a whole directory must not hold every result in memory: each policy is loaded,
checked, evaluated, marked by the waivers, turned into its part of the report and written, and
then dropped. Only what the end of the report needs is kept: counts, waiver matches, problems.
With ``--jobs N`` the same work happens in N worker processes, which send back each policy's
finished text; the parent writes the pieces in the order of the inputs, so the output is the
same byte for byte. JSON, the table, Markdown and GitHub commands stream; SARIF and JUnit (whose
documents open with counts of everything in them) are built from the collected policy data once
the run ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .batch import evaluated
from .engine import reaches
from .inputs import expand, load_policy_document
from .model import InForce, Waiver
from .outputs import FILE_STYLE, Output, deliver, temporary_beside, terminal_style
from .render import RENDERERS, Style
from .render import github as github_format
from .render import json as json_format
from .render import markdown as markdown_format
from .report import Tally, head, policy_dict, tail
from .session import Session, UsageError
from .validation import Problem
from .waivers import load_waivers, mark_waived, outcome_dict, waiver_outcomes

STREAMING = frozenset({"json", "table", "markdown", "github"})


@dataclass(frozen=True, slots=True)
class Plan:
    """What each policy's evaluation must produce, the same in every worker."""

    head: dict[str, Any]
    #: The streamed renderings each policy needs: (format, style), each once.
    renders: tuple[tuple[str, Style], ...]
    collect: bool  # some format needs the policy data itself
    trace: bool
    waivers: tuple[Waiver, ...]
    today: dt.date
    fail_on: str
    fail_scope: str


@dataclass(slots=True)
class Outcome:
    """One input file, evaluated (or not), ready to be written."""

    display: str
    problems: list[Problem]
    policy_id: str | None = None
    texts: list[str | Packed] = field(default_factory=list)  # one per Plan.renders
    policy: dict[str, Any] | None = None
    tally: Tally | None = None
    matched: list[int] = field(default_factory=list)
    reaches: bool = False
    #: The problems found in the policy file that did not stop it (the report's "warnings").
    warnings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.tally is not None


@dataclass(slots=True)
class Packed:
    """A policy's JSON as a worker process sends it: each shared finding's text (about nine
    tenths of it) travels once per worker, then by number; the parent puts the text together."""

    pid: int
    parts: list[str | int]
    new: dict[int, str]


_STATE: tuple[Session, Plan] | None = None
_PACKED = False  # in a worker process: send JSON as Packed
# The shared texts this worker has sent, by key, kept alive so that a key is never reused.
_SENT: dict[int, str] = {}
# In the parent: the texts the workers have sent, by worker and key.
_RECEIVED: dict[int, dict[int, str]] = {}


def _setup(session: Session, plan: Plan, packed: bool = False) -> None:
    global _STATE, _PACKED
    _STATE = (session, plan)
    _PACKED = packed
    if packed:  # a new worker has sent nothing yet, whatever the process it was forked from did
        _SENT.clear()


def _pack(policy: dict[str, Any]) -> Packed:
    parts = json_format.shared_keys(json_format.policy_parts(policy))
    new: dict[int, str] = {}
    # The set holds the keys and the few distinct pieces that are not shared texts.
    for key in set(parts).difference(_SENT):
        if type(key) is int:
            text = json_format.shared_text(key)
            assert text is not None, "a key from shared_keys names a text kept alive"
            _SENT[key] = new[key] = text
    return Packed(os.getpid(), parts, new)


def _unpack(text: str | Packed) -> str:
    if isinstance(text, str):
        return text
    known = _RECEIVED.setdefault(text.pid, {})
    known.update(text.new)
    # A number is a text sent before; a piece of text is itself (no text is a key of ``known``).
    return "".join(map(known.get, text.parts, text.parts))  # type: ignore[arg-type]


def _policy_text(name: str, style: Style, policy: dict[str, Any], plan: Plan) -> str | Packed:
    if name == "json":
        return _pack(policy) if _PACKED else json_format.policy_text(policy)
    if name == "markdown":
        return markdown_format.policy_text(policy, plan.head["as_of"])
    if name == "github":
        return github_format.policy_text(policy)
    from .render import table as table_format  # Rich loads only when a table is written

    return table_format.printed(table_format.policy_block(policy, plan.head, style), style)


def _table_piece(which: str, style: Style, *args: Any) -> str:
    from .render import table as table_format

    if which == "separator":
        return table_format.printed(table_format.separator(style), style)
    return table_format.printed(table_format.trailer(args[0], args[1]), style)


def evaluate_one(item: tuple[Path, str]) -> Outcome:
    """Load, check and evaluate one file, and render its part of each streamed output."""
    assert _STATE is not None, "evaluate_one runs after _setup"
    session, plan = _STATE
    path, display = item
    _, policy, found = load_policy_document(path, display)
    if policy is None:
        return Outcome(display, found)
    result = session.evaluate(policy)
    matched = mark_waived(plan.waivers, result, plan.today)
    data = policy_dict(result, plan.trace, [p for p in found if p.severity == "warning"])
    tally = Tally()
    tally.add(result)
    return Outcome(
        display,
        found,
        policy.id,
        [_policy_text(name, style, data, plan) for name, style in plan.renders],
        data if plan.collect else None,
        tally,
        matched,
        reaches(result, plan.fail_on, plan.fail_scope),
        data["warnings"],
    )


class _Sink:
    """One output: standard output, or a file written whole or not at all."""

    def __init__(self, target: str | None) -> None:
        self.target = target
        self.tmp: str | None = None
        self.stream: TextIO
        if target is None:
            self.stream = sys.stdout
            return
        try:
            self.tmp = temporary_beside(Path(target), "")
            self.stream = open(self.tmp, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        except OSError as exc:
            raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None

    def write(self, text: str) -> None:
        self.stream.write(text)

    def finish(self) -> None:
        if self.tmp is None:
            self.stream.flush()
            return
        self.stream.close()
        assert self.target is not None
        try:
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.abandon()
            raise UsageError(f"cannot write {self.target}: {exc.strerror or exc}") from None
        self.tmp = None

    def abandon(self) -> None:
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                self.stream.close()
                os.unlink(self.tmp)
            self.tmp = None


@dataclass(slots=True)
class Result:
    """What the command line needs once the run is written."""

    errors: list[Problem]
    policies: int
    failed: bool  # something reached --fail-on within --fail-scope


def run(
    session: Session,
    paths: list[str],
    outputs: list[Output],
    on_problem: Callable[[Problem], None],
    *,
    trace: bool = False,
    waivers_path: Path | None = None,
    fail_on: str = "conflict",
    fail_scope: str = "law",
    jobs: int = 1,
    today: dt.date | None = None,
) -> Result:
    """Evaluate every policy the paths name and write every output as the run goes."""
    today = today or dt.date.today()
    errors = list(session.rule_errors)
    files, problems = expand(paths)
    for p in problems:
        on_problem(p)
    errors.extend(problems)
    waivers: Sequence[Waiver] = ()
    waiver_errors: list[Problem] = []
    if waivers_path is not None:
        found = load_waivers(waivers_path)
        for p in found.problems:
            on_problem(p)
        if found.usable:
            waivers = found.waivers
        else:
            waiver_errors = [p for p in found.problems if p.severity == "error"]
    streamed = [
        (name, FILE_STYLE if target else terminal_style(), target)
        for name, target in outputs
        if name in STREAMING
    ]
    renders = tuple(dict.fromkeys((name, style) for name, style, _ in streamed))
    plan = Plan(
        head=head(session.as_of, session.states, session.ruleset.sha256, session.ruleset.files),
        renders=renders,
        collect=any(name not in STREAMING for name, _ in outputs),
        trace=trace,
        waivers=tuple(waivers),
        today=today,
        fail_on=fail_on,
        fail_scope=fail_scope,
    )
    _setup(session, plan)
    _RECEIVED.clear()  # texts of an earlier run's workers, whose ids may come again
    sinks = [(renders.index((name, style)), _Sink(target)) for name, style, target in streamed]
    try:
        return _write(session, plan, files, outputs, sinks, errors, waiver_errors, on_problem, jobs)
    finally:
        for _, sink in sinks:
            sink.abandon()


def _write(
    session: Session,
    plan: Plan,
    files: list[tuple[Path, str]],
    outputs: list[Output],
    sinks: list[tuple[int, _Sink]],
    errors: list[Problem],
    waiver_errors: list[Problem],
    on_problem: Callable[[Problem], None],
    jobs: int,
) -> Result:
    for i, sink in sinks:
        if plan.renders[i][0] == "json":
            sink.write(json_format.head_text(plan.head))
        elif plan.renders[i][0] == "markdown":
            sink.write(markdown_format.head_text(plan.head["as_of"]))
    tally = Tally()
    matched = [0] * len(plan.waivers)
    ids: set[str] = set()  # of the policies evaluated
    collected: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []  # found in the policy files: the end of some formats
    count = 0
    failed = False
    workers = (session, plan, True)  # in worker processes only: JSON travels packed
    for out in evaluated(evaluate_one, files, jobs, _setup, workers, on_problem, errors):
        for i, sink in sinks:
            name, style = plan.renders[i]
            if name == "json":
                sink.write(json_format.separator(count == 0))
            elif name == "table" and count:
                sink.write(_table_piece("separator", style))
            sink.write(_unpack(out.texts[i]))
        count += 1
        assert out.tally is not None and out.policy_id is not None
        tally.merge(out.tally)
        failed = failed or out.reaches
        ids.add(out.policy_id)
        matched = [a + b for a, b in zip(matched, out.matched, strict=True)]
        if out.policy is not None:
            collected.append(out.policy)
        warnings.extend(out.warnings)
    errors.extend(waiver_errors)  # after the files', as when waivers were applied last
    in_run: dict[str, frozenset[str] | None] = {
        st.authority.id: session.questions for st in session.states if st.state is not InForce.NO
    }
    outcomes, waiver_problems = waiver_outcomes(
        plan.waivers, ids, matched, session.ruleset.authorities, in_run, plan.today
    )
    for p in waiver_problems:
        on_problem(p)
    end = tail(errors, waiver_problems, [outcome_dict(o) for o in outcomes], tally)
    for i, sink in sinks:
        name, style = plan.renders[i]
        if name == "json":
            sink.write(json_format.tail_text(end, count))
        elif name == "markdown":
            sink.write(markdown_format.tail_text(end, count, warnings))
        elif name == "github":
            sink.write(github_format.tail_text(end, plan.head["as_of"], warnings))
        else:
            sink.write(_table_piece("trailer", style, end, count))
        sink.finish()
    if plan.collect:
        report = {**plan.head, "policies": collected, **end}
        rest = [(name, target) for name, target in outputs if name not in STREAMING]
        deliver(rest, lambda name, style: RENDERERS[name](report, style))
    return Result(errors, count, failed)
