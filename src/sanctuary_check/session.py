"""One run's choices (date, rule sets, authorities, questions) and evaluating inputs under them.

Shared by every command that evaluates policies, so that they select authorities and report
problems the same way. Nothing here prints: problems are handed to a callback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine import Options, PolicyResult, authority_states, evaluate_policy
from .hierarchy import AuthorityState
from .inputs import expand, load_policy_document
from .loading import Document
from .model import Authority, Effect, InForce, Policy
from .report import RunInput, build
from .ruleset import Registry, RuleSet, load_ruleset, registry
from .timeline import DateError, parse_day
from .validation import Problem
from .waivers import Outcome, apply_waivers, load_waivers, outcome_dict


class UsageError(ValueError):
    """A command-line choice that cannot be honoured, worded for the user (exit status 2)."""


@dataclass(slots=True)
class Session:
    as_of: dt.date
    ruleset: RuleSet
    authorities: list[Authority]
    states: list[AuthorityState]
    registry: Registry
    questions: frozenset[str] | None

    @property
    def effects(self) -> list[Effect]:
        """Effects of every loaded authority, selected or not."""
        return [e for a in self.ruleset.authorities for e in a.effects]

    @property
    def rule_errors(self) -> list[Problem]:
        return [p for p in self.ruleset.problems if p.severity == "error"]

    def evaluate(self, policy: Policy) -> PolicyResult:
        """One policy under this session's date, authorities and questions."""
        options = Options(as_of=self.as_of, questions=self.questions)
        return evaluate_policy(policy, self.states, self.registry, options, self.effects)


def parse_as_of(value: str | None) -> dt.date:
    """``--as-of``: a full ISO day, or today."""
    if not value:
        return dt.date.today()
    try:
        return parse_day(value)
    except DateError as exc:
        raise UsageError(f"--as-of: {exc}") from None


def open_session(
    as_of: str | dt.date | None,
    rules: list[Path] | None = None,
    authority: list[str] | None = None,
    question: list[str] | None = None,
) -> Session:
    """Load the rule sets and select the authorities and questions of a run."""
    day = as_of if isinstance(as_of, dt.date) else parse_as_of(as_of)
    reg = registry()
    questions = frozenset(question) if question else None
    if questions:
        unknown = sorted(questions - set(reg.questions))
        if unknown:
            raise UsageError(f"unknown question {unknown[0]!r}; known: {', '.join(reg.questions)}")
    ruleset = load_ruleset(list(rules or []))
    authorities = ruleset.authorities
    if authority:
        known = {a.id for a in authorities}
        missing = [a for a in authority if a not in known]
        if missing:
            # A rule file with errors loads no authority: its first error is the likelier cause.
            broken = [p for p in ruleset.problems if p.severity == "error"]
            why = f" (a rule file has errors: {broken[0]})" if broken else ""
            raise UsageError(
                f"unknown authority {missing[0]!r}{why}; known: {', '.join(sorted(known))}"
            )
        wanted = set(authority)
        authorities = [a for a in authorities if a.id in wanted]
    return Session(day, ruleset, authorities, authority_states(authorities, day), reg, questions)


@dataclass(slots=True)
class Evaluation:
    results: list[PolicyResult] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: dict[str, list[Problem]] = field(default_factory=dict)
    #: Problems of the run as a whole that stop nothing (expired and orphaned waivers).
    run_warnings: list[Problem] = field(default_factory=list)
    waivers: list[Outcome] = field(default_factory=list)
    #: The loaded documents by policy path, when asked for (commands that re-read the data).
    documents: dict[str, Document] = field(default_factory=dict)


def evaluate_inputs(
    session: Session,
    paths: list[str],
    on_problem: Callable[[Problem], None],
    *,
    keep_documents: bool = False,
) -> Evaluation:
    """Evaluate every policy the paths name; each problem goes to ``on_problem`` as found."""
    out = Evaluation(errors=list(session.rule_errors))
    files, problems = expand(paths)
    out.errors.extend(problems)
    for p in problems:
        on_problem(p)
    for path, display in files:
        doc, policy, found = load_policy_document(path, display)
        for p in found:
            on_problem(p)
        if policy is None or doc is None:
            out.errors.extend(p for p in found if p.severity == "error")
            continue
        out.warnings[policy.path] = [p for p in found if p.severity == "warning"]
        if keep_documents:
            out.documents[policy.path] = doc
        out.results.append(session.evaluate(policy))
    return out


def apply_waiver_file(
    session: Session,
    evaluation: Evaluation,
    path: Path,
    on_problem: Callable[[Problem], None],
    today: dt.date | None = None,
) -> None:
    """Load a waivers file and mark the findings it covers; a broken file is an input error."""
    found = load_waivers(path)
    for p in found.problems:
        on_problem(p)
    if not found.usable:
        evaluation.errors.extend(p for p in found.problems if p.severity == "error")
        return
    evaluated: dict[str, frozenset[str] | None] = {
        st.authority.id: session.questions for st in session.states if st.state is not InForce.NO
    }
    outcomes, problems = apply_waivers(
        found.waivers,
        evaluation.results,
        session.ruleset.authorities,
        evaluated,
        today or dt.date.today(),
    )
    for p in problems:
        on_problem(p)
    evaluation.waivers.extend(outcomes)
    evaluation.run_warnings.extend(problems)


def report_of(session: Session, evaluation: Evaluation, *, trace: bool = False) -> dict[str, Any]:
    """The report data (schemas/report.json) for an evaluation."""
    return build(
        RunInput(
            as_of=session.as_of,
            states=session.states,
            results=evaluation.results,
            ruleset_sha256=session.ruleset.sha256,
            ruleset_files=session.ruleset.files,
            errors=evaluation.errors,
            warnings=evaluation.warnings,
            trace=trace,
            run_warnings=evaluation.run_warnings,
            waivers=[outcome_dict(o) for o in evaluation.waivers],
        )
    )
