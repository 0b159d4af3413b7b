"""Waivers: a team's recorded decision not to fail on a finding until a given day.

A waiver names one finding (rule, policy, provision) and carries a reason, an owner, an expiry
day and optionally a legal basis. It never changes a verdict: the finding is reported as it is,
marked waived, and only stops counting toward ``--fail-on``. Expiry is compared with the day the
check runs, not with ``--as-of``: a waiver is a decision about the checks, not a fact about the
law, so an expired waiver does not come back for a historical evaluation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine import PolicyResult
from .loading import Document, LoadError, load_file
from .model import Authority, Location, Waiver
from .timeline import DateError, parse_day
from .validation import Problem, check_document, suggest

APPLIED = "applied"
EXPIRED = "expired"
ORPHANED = "orphaned"
INACTIVE = "inactive"


@dataclass(slots=True)
class WaiverFile:
    path: str
    waivers: list[Waiver] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


@dataclass(slots=True)
class Outcome:
    waiver: Waiver
    status: str
    findings: int = 0


def waivers_from(doc: Document) -> list[Waiver]:
    """Model objects from a schema-valid waivers document."""
    out = []
    for i, w in enumerate(doc.data["waivers"]):
        m = doc.mark(("waivers", i))
        out.append(
            Waiver(
                rule=w["rule"],
                policy=w["policy"],
                provision=w["provision"],
                reason=w["reason"],
                owner=w["owner"],
                expires=w["expires"],
                legal_basis=dict(w["legal_basis"]) if "legal_basis" in w else None,
                location=Location(doc.path, m.line, m.column),
            )
        )
    return out


def check_waivers(doc: Document) -> WaiverFile:
    """Schema, dates and duplicates of a loaded waivers document."""
    result = WaiverFile(doc.path, problems=check_document(doc, "waivers"))
    if not result.usable:
        return result
    result.waivers = waivers_from(doc)
    seen: dict[tuple[str, str, str], int] = {}
    for w in result.waivers:
        key = (w.rule, w.policy, w.provision)
        if key in seen:
            result.problems.append(
                _at(
                    w,
                    "error",
                    f"a second waiver for {w.rule} on {w.policy}/{w.provision} (the first is at "
                    f"line {seen[key]}); keep one",
                    "duplicate-waiver",
                )
            )
        else:
            seen[key] = w.location.line
    if not result.usable:
        result.waivers = []
    return result


def load_waivers(path: Path, display: str | None = None) -> WaiverFile:
    shown = display if display is not None else str(path)
    try:
        doc = load_file(path, shown)
    except LoadError as err:
        return WaiverFile(shown, problems=[Problem.from_load_error(err)])
    return check_waivers(doc)


def _at(w: Waiver, severity: Any, message: str, code: str) -> Problem:
    loc = w.location
    return Problem(loc.path, loc.line, loc.column, severity, message, code)


def is_expired(w: Waiver, today: dt.date) -> bool:
    try:
        return parse_day(w.expires) < today
    except DateError:  # reported by the date check; a waiver with no real day never applies
        return True


def _expired(w: Waiver) -> Problem:
    return _at(
        w,
        "warning",
        f"waiver for {w.rule} on {w.policy}/{w.provision} expired on {w.expires}; it no longer "
        "applies and the finding counts again (renew it with a new date, or remove it)",
        "waiver-expired",
    )


def _orphaned(w: Waiver, why: str) -> Problem:
    return _at(
        w,
        "warning",
        f"waiver for {w.rule} on {w.policy}/{w.provision} matches no finding: {why}",
        "waiver-orphaned",
    )


RuleIndex = Mapping[str, set[tuple[str, str]]]


def rule_index(authorities: Iterable[Authority]) -> dict[str, set[tuple[str, str]]]:
    """Every rule id a finding can carry, with the (question, provision) pairs it is about."""
    out: dict[str, set[tuple[str, str]]] = {}
    for a in authorities:
        for rule in a.rules:
            out.setdefault(f"{a.id}/{rule.id}", set()).add((rule.question, rule.provision))
        for question, provision in a.outside_scope:
            out.setdefault(f"{a.id}/outside-scope/{provision}", set()).add((question, provision))
    return out


def _static_orphan(w: Waiver, rules: RuleIndex) -> str | None:
    """Why no finding can ever match, judged from the rule sets alone; None when one can."""
    if w.rule not in rules:
        return f"no rule set defines rule {w.rule!r}" + suggest(w.rule, rules)
    provisions = sorted({p for _, p in rules[w.rule]})
    if w.provision not in provisions:
        return f"rule {w.rule} is about {', '.join(provisions)}, not {w.provision}"
    return None


def static_problems(
    waivers: Iterable[Waiver],
    rules: RuleIndex,
    policies: Collection[str] | None,
    today: dt.date,
) -> list[Problem]:
    """What ``validate`` can tell without evaluating: expired waivers, and orphans.

    A waiver is orphaned when no rule set defines its rule, when its rule is about another
    provision, or, when ``policies`` is given (the policy ids checked in the same run), when it
    names none of them.
    """
    out = []
    for w in waivers:
        if is_expired(w, today):
            out.append(_expired(w))
            continue
        why = _static_orphan(w, rules)
        if why is None and policies is not None and w.policy not in policies:
            why = f"no policy file with id {w.policy!r} was checked in this run"
        if why is not None:
            out.append(_orphaned(w, why))
    return out


def mark_waived(waivers: Sequence[Waiver], result: PolicyResult, today: dt.date) -> list[int]:
    """Mark the findings of one policy that waivers in force cover; how many each waiver covers."""
    counts = []
    for w in waivers:
        n = 0
        if w.policy == result.policy.id and not is_expired(w, today):
            for i, f in enumerate(result.findings):
                if f.rule == w.rule and f.provision == w.provision:
                    f = result.findings[i] = f.owned()
                    f.waived = w
                    n += 1
        counts.append(n)
    return counts


def waiver_outcomes(
    waivers: Sequence[Waiver],
    policies: Collection[str],
    matched: Sequence[int],
    authorities: Iterable[Authority],
    evaluated: Mapping[str, Collection[str] | None],
    today: dt.date,
) -> tuple[list[Outcome], list[Problem]]:
    """Each waiver's status once every policy is evaluated, and the expired and orphaned ones.

    ``policies`` are the ids of the policies evaluated, ``matched`` how many findings each waiver
    covered (:func:`mark_waived`), ``evaluated`` maps each authority evaluated in this run (in
    force and selected) to the questions selected (None: all). A waiver whose policy, authority or
    question is not part of the run is inactive and not reported; one whose policy was evaluated
    but that matches no finding is orphaned.
    """
    rules = rule_index(authorities)
    outcomes: list[Outcome] = []
    problems: list[Problem] = []
    for w, n in zip(waivers, matched, strict=True):
        if w.policy not in policies:
            outcomes.append(Outcome(w, INACTIVE))
            continue
        if is_expired(w, today):
            outcomes.append(Outcome(w, EXPIRED))
            problems.append(_expired(w))
            continue
        if n:
            outcomes.append(Outcome(w, APPLIED, n))
            continue
        why = _static_orphan(w, rules)
        if why is None:
            if not _in_run(w, rules[w.rule], evaluated):
                outcomes.append(Outcome(w, INACTIVE))
                continue
            why = f"{w.policy} has no finding of {w.rule} on {w.provision} in this run"
        outcomes.append(Outcome(w, ORPHANED))
        problems.append(_orphaned(w, why))
    return outcomes, problems


def apply_waivers(
    waivers: Sequence[Waiver],
    results: Iterable[PolicyResult],
    authorities: Iterable[Authority],
    evaluated: Mapping[str, Collection[str] | None],
    today: dt.date,
) -> tuple[list[Outcome], list[Problem]]:
    """Mark the findings that waivers in force cover, and report expired and orphaned waivers."""
    matched = [0] * len(waivers)
    policies = set()
    for r in results:
        policies.add(r.policy.id)
        for i, n in enumerate(mark_waived(waivers, r, today)):
            matched[i] += n
    return waiver_outcomes(waivers, policies, matched, authorities, evaluated, today)


def _in_run(
    w: Waiver, about: set[tuple[str, str]], evaluated: Mapping[str, Collection[str] | None]
) -> bool:
    """Whether this run evaluated the waiver's authority on a question its rule answers."""
    if w.authority not in evaluated:
        return False
    selected = evaluated[w.authority]
    return any(p == w.provision and (selected is None or q in selected) for q, p in about)


def outcome_dict(o: Outcome) -> dict[str, Any]:
    w = o.waiver
    return {
        "rule": w.rule,
        "policy": w.policy,
        "provision": w.provision,
        "expires": w.expires,
        "status": o.status,
        "findings": o.findings,
        "location": _where(w),
    }


def _where(w: Waiver) -> dict[str, Any]:
    return {"path": w.location.path, "line": w.location.line, "column": w.location.column}


def waived_dict(w: Waiver) -> dict[str, Any]:
    """What a waived finding gains in the JSON report."""
    return {
        "reason": w.reason,
        "owner": w.owner,
        "expires": w.expires,
        "legal_basis": w.legal_basis,
        "location": _where(w),
    }
