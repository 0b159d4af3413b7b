"""Expectation files: the verdicts a policy should get, pinned per date, checked by ``test``.

``tests/expectations/<policy id>.yaml`` names (or implies) a policy file and lists cases, one per
as-of date, each stating the verdicts expected per authority, question and provision, and
optionally per authority for the whole jurisdiction (``by_authority``) and whether an authority
is in force. A change to a rule or a policy that moves one of them makes ``test`` fail with the
expected verdict beside the actual one and the finding's trace (as ``conftest verify``,
``kyverno test`` and OpenFisca's YAML tests do for their own kinds of rules).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .coverage import Coverage, Recorder, attribute, instrument
from .engine import PolicyResult
from .inputs import expand
from .loading import Document, LoadError, PathKey, load_file
from .model import Finding, Location
from .session import Session, evaluate_inputs, open_session
from .timeline import DateError, parse_day
from .validation import Problem, schema_problems

ProblemSink = Callable[[Problem], None]

#: Fields of a finding an expectation may check besides the verdict.
DETAILS = ("basis", "projection", "determination", "reason_code", "enforceable")


@dataclass(frozen=True, slots=True)
class Expectation:
    kind: str  # "finding", "by_authority" or "in_force"
    authority: str
    question: str | None
    provision: str | None
    expected: dict[str, Any]
    location: Location

    def label(self) -> str:
        if self.kind == "finding":
            return f"{self.authority} {self.question} {self.provision}"
        return f"{self.kind} {self.authority}"


@dataclass(frozen=True, slots=True)
class Case:
    as_of: dt.date
    description: str | None
    expectations: tuple[Expectation, ...]
    location: Location


@dataclass(slots=True)
class ExpectationFile:
    path: str
    policy: str
    rules: list[Path]
    cases: list[Case]


def _display(path: Path) -> str:
    """A path as short as it can be while staying usable from here."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _policy_path(file: Path, doc: Document) -> Path | None:
    given = doc.data.get("policy")
    if isinstance(given, str):
        return (file.parent / given).resolve()
    for parent in file.resolve().parents:
        candidate = parent / "policies" / f"{file.stem}.yaml"
        if candidate.is_file():
            return candidate
    return None


def _loc(doc: Document, where: PathKey, *, key: bool = False) -> Location:
    m = doc.key_mark(where) if key else doc.mark(where)
    return Location(doc.path, m.line, m.column)


def _expected(value: Any) -> dict[str, Any]:
    return {"verdict": value} if isinstance(value, str) else dict(value)


def _case(doc: Document, i: int, data: dict[str, Any], problems: list[Problem]) -> Case | None:
    where: PathKey = ("cases", i)
    try:
        day = parse_day(str(data["as_of"]))
    except DateError as exc:
        loc = _loc(doc, (*where, "as_of"))
        problems.append(Problem(doc.path, loc.line, loc.column, "error", str(exc), "bad-date"))
        return None
    items: list[Expectation] = []
    for authority, state in data.get("in_force", {}).items():
        loc = _loc(doc, (*where, "in_force", authority), key=True)
        items.append(Expectation("in_force", authority, None, None, {"in_force": state}, loc))
    for authority, verdict in data.get("by_authority", {}).items():
        loc = _loc(doc, (*where, "by_authority", authority), key=True)
        items.append(Expectation("by_authority", authority, None, None, {"verdict": verdict}, loc))
    for authority, per_q in data.get("findings", {}).items():
        for question, per_p in per_q.items():
            for provision, value in per_p.items():
                loc = _loc(doc, (*where, "findings", authority, question, provision), key=True)
                items.append(
                    Expectation("finding", authority, question, provision, _expected(value), loc)
                )
    return Case(day, data.get("description"), tuple(items), _loc(doc, where))


def load(path: Path, display: str) -> tuple[ExpectationFile | None, list[Problem]]:
    """Load and check one expectation file."""
    try:
        doc = load_file(path, display)
    except LoadError as err:
        return None, [Problem.from_load_error(err)]
    return check_loaded(path, doc)


def check_loaded(path: Path, doc: Document) -> tuple[ExpectationFile | None, list[Problem]]:
    """Check one loaded expectation file (``validate`` meets them among other files)."""
    display = doc.path
    if not isinstance(doc.data, dict):
        return None, [
            Problem(
                display, 1, 1, "error", "an expectation file must be a mapping", "not-a-mapping"
            )
        ]
    problems = schema_problems(doc, "expectations")
    if problems:
        return None, problems
    policy = _policy_path(path, doc)
    if policy is None or not policy.is_file():
        loc = _loc(doc, ("policy",), key=True) if "policy" in doc.data else Location(display, 1, 1)
        problems.append(
            Problem(
                display,
                loc.line,
                loc.column,
                "error",
                f"no policy file for these expectations (looked for "
                f"{policy if policy else f'policies/{path.stem}.yaml'}); give `policy:`, a path "
                "relative to this file",
                "expectation-no-policy",
            )
        )
        return None, problems
    rules = [Path(_display((path.parent / r).resolve())) for r in doc.data.get("rules", [])]
    cases = [_case(doc, i, c, problems) for i, c in enumerate(doc.data["cases"])]
    if problems:
        return None, problems
    return ExpectationFile(display, _display(policy), rules, [c for c in cases if c]), []


def load_all(paths: list[str], on_problem: ProblemSink) -> tuple[list[ExpectationFile], int]:
    """Every expectation file the paths name, and the number of errors reported."""
    files, problems = expand(paths)
    errors = len(problems)
    for p in problems:
        on_problem(p)
    out = []
    for path, display in files:
        loaded, found = load(path, display)
        for p in found:
            on_problem(p)
        errors += sum(1 for p in found if p.severity == "error")
        if loaded is not None:
            out.append(loaded)
    return out, errors


@dataclass(slots=True)
class Failure:
    expectation: Expectation
    expected: str
    actual: str
    finding: Finding | None = None
    why: str | None = None


@dataclass(slots=True)
class CaseRun:
    file: ExpectationFile
    case: Case
    policy: str
    checked: int = 0
    failures: list[Failure] = field(default_factory=list)


@dataclass(slots=True)
class TestRun:
    cases: list[CaseRun] = field(default_factory=list)
    errors: int = 0
    coverage: Coverage | None = None

    @property
    def checked(self) -> int:
        return sum(c.checked for c in self.cases)

    @property
    def failures(self) -> list[Failure]:
        return [f for c in self.cases for f in c.failures]


def _words(values: dict[str, Any]) -> str:
    verdict = values.get("verdict")
    rest = [f"{k} {_scalar(v)}" for k, v in values.items() if k != "verdict"]
    return ", ".join([str(verdict)] * (verdict is not None) + rest)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _finding_values(f: Finding) -> dict[str, Any]:
    return {
        "verdict": f.verdict.value,
        "basis": f.basis.value,
        "projection": f.projection,
        "determination": f.determination,
        "reason_code": f.reason_code,
        "enforceable": f.enforceable,
    }


def _absent_why(session: Session, authority: str, question: str | None) -> str:
    state = next((s for s in session.states if s.authority.id == authority), None)
    if state is None:
        return f"{authority} is not loaded"
    if state.state.value == "no":
        return f"{authority} is not in force on {session.as_of.isoformat()}: {state.reason}"
    if question is not None and question not in state.authority.questions:
        return f"{authority} does not answer {question}"
    return "no such finding"


def check(exp: Expectation, session: Session, result: PolicyResult) -> Failure | None:
    """Compare one expectation with what the engine gave; None when it holds."""
    wanted = {k: v for k, v in exp.expected.items() if k != "note"}
    if exp.kind == "in_force":
        state = next((s for s in session.states if s.authority.id == exp.authority), None)
        actual = state.state.value if state else "not loaded"
        if actual == wanted["in_force"]:
            return None
        why = state.reason if state else None
        return Failure(exp, f"in force: {wanted['in_force']}", f"in force: {actual}", why=why)
    if exp.kind == "by_authority":
        got = result.by_authority.get(exp.authority)
        if got is not None and got.value == wanted["verdict"]:
            return None
        unknown = result.by_authority_unknown.get(exp.authority) or []
        why = (
            f"provisions unknown: {', '.join(unknown)}"
            if got is not None
            else _absent_why(session, exp.authority, None)
        )
        return Failure(exp, wanted["verdict"], got.value if got else "none", why=why)
    finding = next(
        (
            f
            for f in result.findings
            if (f.authority, f.question, f.provision)
            == (exp.authority, exp.question, exp.provision)
        ),
        None,
    )
    if finding is None:
        return Failure(
            exp,
            _words(wanted),
            "no finding",
            why=_absent_why(session, exp.authority, exp.question),
        )
    values = _finding_values(finding)
    if all(values.get(k) == v for k, v in wanted.items()):
        return None
    shown = {k: values.get(k) for k in wanted}
    return Failure(exp, _words(wanted), _words(shown), finding, finding.reason)


def _unknown_authorities(
    file: ExpectationFile, case: Case, session: Session, on_problem: ProblemSink
) -> int:
    known = [a.id for a in session.authorities]
    count = 0
    for exp in case.expectations:
        if exp.authority in known:
            continue
        close = difflib.get_close_matches(exp.authority, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        on_problem(
            Problem(
                file.path,
                exp.location.line,
                exp.location.column,
                "error",
                f"authority {exp.authority!r} is not in the loaded rule sets{hint}",
                "unknown-authority",
            )
        )
        count += 1
    return count


def run(
    files: list[ExpectationFile],
    extra_rules: list[Path],
    on_problem: ProblemSink,
    *,
    with_coverage: bool = False,
    coverage_of: list[str] | None = None,
) -> TestRun:
    """Evaluate each case's policy on its date and compare every expectation."""
    only = frozenset(coverage_of) if coverage_of else None
    out = TestRun(coverage=Coverage(only=only) if with_coverage else None)
    recorder = Recorder()
    sessions: dict[tuple[dt.date, tuple[Path, ...]], Session] = {}
    reported: set[Problem] = set()

    def once(problems: Iterable[Problem]) -> int:
        """Report the problems not reported yet; the number of errors among them. A policy or
        rule set that is wrong on one case's date is wrong the same way on the others'."""
        errors = 0
        for p in problems:
            if p not in reported:
                reported.add(p)
                on_problem(p)
                errors += p.severity == "error"
        return errors

    for file in files:
        rules = tuple([*extra_rules, *file.rules])
        warned = False
        for case in file.cases:
            key = (case.as_of, rules)
            if key not in sessions:
                sessions[key] = open_session(case.as_of, list(rules))
                out.errors += once(sessions[key].ruleset.problems)
            session = sessions[key]
            if session.rule_errors:
                continue
            bad = _unknown_authorities(file, case, session, on_problem)
            if bad:
                out.errors += bad
                continue
            if out.coverage is not None:
                out.coverage.add_authorities(session.authorities)
                session = instrument(session, recorder)
            problems: list[Problem] = []
            evaluation = evaluate_inputs(session, [file.policy], problems.append)
            visits = recorder.take()
            out.errors += once(problems)
            if not evaluation.results:
                continue
            (result,) = evaluation.results
            if not warned and result.policy.id != Path(file.path).stem:
                warned = True
                on_problem(
                    Problem(
                        file.path,
                        1,
                        1,
                        "warning",
                        f"the file is named for {Path(file.path).stem!r} but its policy's id is "
                        f"{result.policy.id!r} (expectations live in <policy id>.yaml)",
                        "expectation-policy-mismatch",
                    )
                )
            run_ = CaseRun(file, case, result.policy.path)
            for exp in case.expectations:
                run_.checked += 1
                failure = check(exp, session, result)
                if failure is not None:
                    run_.failures.append(failure)
            if out.coverage is not None:
                found = {
                    (f.authority, f.question, f.provision): (f.rule, f.question)
                    for f in result.findings
                    if f.rule is not None
                }
                attribute(
                    out.coverage,
                    visits,
                    (
                        found.get((e.authority, e.question or "", e.provision or ""))
                        for e in case.expectations
                        if e.kind == "finding"
                    ),
                )
            out.cases.append(run_)
    return out
