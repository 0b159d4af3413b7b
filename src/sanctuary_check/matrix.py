"""The matrix: jurisdictions as rows, authorities (on one date) or years as columns.

A cell is one authority's jurisdiction-level verdict (``by_authority``) on one policy on one day,
with the recorded determination of that authority on that jurisdiction that stood on that day,
if any, beside it. A cell with no such determination is the engine's projection, and is marked
so everywhere. An authority not in force on the day has no verdict ("not in force"), never a
guessed one. Nothing here prints; the renderers in ``render/matrix_*.py`` format the data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .batch import evaluated
from .engine import PolicyResult, location_of, reaches
from .hierarchy import AuthorityState
from .inputs import expand, load_policy_document
from .model import InForce
from .report import _cite, authority_dict
from .session import Session, UsageError
from .validation import Problem

MATRIX_VERSION = 1
VERDICTS = ("conflict", "compliant", "unknown", "not_applicable")
SORTS = ("id", "name", "state", "conflicts")
_YEARS = re.compile(r"^(\d{4})(?:\.\.(\d{4}))?$")


def year_days(text: str, today: dt.date) -> list[tuple[int, dt.date]]:
    """``--years 2016..2021``: each year with the day it is evaluated on.

    A past year is evaluated on December 31 (the law as the year left it); the current year on
    today, since the rest of it has not happened. A year after this one is refused.
    """
    m = _YEARS.match(text.strip())
    if not m:
        raise UsageError(f"--years {text!r}: give a year or a range, like 2016..2021")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if last < first:
        raise UsageError(f"--years {text!r}: the range runs backwards")
    if last > today.year:
        raise UsageError(f"--years {text!r}: {last} has not happened yet")
    if last - first > 60:
        raise UsageError(f"--years {text!r}: at most 61 years")
    return [(y, today if y == today.year else dt.date(y, 12, 31)) for y in range(first, last + 1)]


@dataclass(frozen=True, slots=True)
class Column:
    authority: str
    as_of: dt.date
    year: int | None


def never_in_force(sessions: Sequence[tuple[int | None, Session]]) -> list[str]:
    """Authorities certainly not in force on any day of the matrix (a 2025 order in 2017).

    Their columns would hold nothing but "not in force"; they are left out and listed instead.
    One whose being in force is uncertain on some day keeps its column.
    """
    out = []
    for a in sessions[0][1].authorities:
        states = [next(st for st in s.states if st.authority.id == a.id) for _, s in sessions]
        if all(st.state is InForce.NO for st in states):
            out.append(a.id)
    return out


def columns(sessions: Sequence[tuple[int | None, Session]]) -> list[Column]:
    """Authorities on one date, or each authority's years, grouped by authority; without the
    authorities in force on none of the days."""
    left_out = set(never_in_force(sessions))
    authorities = [a.id for a in sessions[0][1].authorities if a.id not in left_out]
    return [Column(a, s.as_of, year) for a in authorities for year, s in sessions]


def _finding(f: Any) -> dict[str, Any]:
    return {
        "provision": f.provision,
        "question": f.question,
        "verdict": f.verdict.value,
        "rule": f.rule,
        "projection": f.projection,
        "determination": f.determination,
        "enforceable": f.enforceable,
        "confidence": f.confidence,
        "message": f.message,
        "reason": f.reason,
        "citations": [_cite(c) for c in f.citations],
        "policy_citations": [_cite(c) for c in f.policy_citations],
        "policy_location": location_of(f.policy_location) if f.policy_location else None,
    }


def _cell(result: PolicyResult, state: AuthorityState) -> dict[str, Any]:
    ident = state.authority.id
    if state.state is InForce.NO:
        return {
            "verdict": None,
            "in_force": "no",
            "recorded": False,
            "determination": None,
            "unknown_provisions": 0,
            "enforceable": True,
            "findings": [],
        }
    findings = [f for f in result.findings if f.authority == ident]
    check = next((c for c in result.determinations if c.determination.authority == ident), None)
    determination = None
    if check is not None:
        d = check.determination
        determination = {
            "id": d.id,
            "date": d.date,
            "outcome": d.outcome,
            "status": d.status,
            "provisions": list(d.provisions),
            "compares_as": check.compares_as.value if check.compares_as else None,
            "agrees": check.agrees,
            "in_sample": check.in_sample,
            "note": check.note,
        }
    conflicts = [f for f in findings if f.verdict.value == "conflict"]
    return {
        "verdict": result.by_authority[ident].value,
        "in_force": state.state.value,
        "recorded": determination is not None,
        "determination": determination,
        "unknown_provisions": len(result.by_authority_unknown.get(ident, [])),
        "enforceable": not conflicts or any(f.enforceable for f in conflicts),
        "findings": [_finding(f) for f in findings],
    }


@dataclass(slots=True)
class RowOutcome:
    display: str
    problems: list[Problem]
    row: dict[str, Any] | None = None
    reaches: bool = False

    @property
    def done(self) -> bool:
        return self.row is not None


_STATE: tuple[list[tuple[int | None, Session]], list[Column], str, str] | None = None


def _setup(
    sessions: list[tuple[int | None, Session]], cols: list[Column], fail_on: str, scope: str
) -> None:
    global _STATE
    _STATE = (sessions, cols, fail_on, scope)


def row_of(item: tuple[Path, str]) -> RowOutcome:
    """One policy file, evaluated on every date of the matrix."""
    assert _STATE is not None
    sessions, cols, fail_on, scope = _STATE
    path, display = item
    _, policy, found = load_policy_document(path, display)
    if policy is None:
        return RowOutcome(display, found)
    results = {s.as_of: s.evaluate(policy) for _, s in sessions}
    states = {(s.as_of, st.authority.id): st for _, s in sessions for st in s.states}
    cells = [_cell(results[c.as_of], states[(c.as_of, c.authority)]) for c in cols]
    row = {
        "id": policy.id,
        "name": policy.name,
        "kind": policy.kind,
        "state": policy.state,
        "path": policy.path,
        "cells": cells,
        "conflicts": sum(1 for c in cells if c["verdict"] == "conflict"),
        "warnings": [p.to_dict() for p in found if p.severity == "warning"],
    }
    failed = any(reaches(r, fail_on, scope) for r in results.values())
    return RowOutcome(display, found, row, failed)


def _timeline(states: list[AuthorityState]) -> dict[str, Any]:
    """An authority as the report lists it, with its window and effects spelled out, and
    whether it is in force on each date of the matrix."""
    a = states[0].authority
    out = authority_dict(states[0])
    out.update(
        first_known_in_force=a.window.first_known_in_force,
        last_known_in_force=a.window.last_known_in_force,
        ended_by=a.ended_by,
        in_force=[st.state.value for st in states],
        effects=[
            {
                "id": e.id,
                "kind": e.kind,
                "target": e.target_authority,
                "scope": e.scope.describe(),
                "effective_from": e.window.effective_from,
                "effective_until": e.window.effective_until,
                "summary": e.summary,
                "citations": [_cite(c) for c in e.cited],
            }
            for e in a.effects
        ],
    )
    return out


def arrange(rows: list[dict[str, Any]], sort: str, only: Sequence[str]) -> list[dict[str, Any]]:
    """Rows filtered to those with a cell of one of the ``only`` verdicts, then sorted."""
    if only:
        wanted = set(only)
        rows = [r for r in rows if any(c["verdict"] in wanted for c in r["cells"])]
    key: Callable[[dict[str, Any]], Any] = {
        "id": lambda r: r["id"],
        "name": lambda r: (r["name"].casefold(), r["id"]),
        "state": lambda r: (r["state"], r["id"]),
        "conflicts": lambda r: (-r["conflicts"], r["id"]),
    }[sort]
    return sorted(rows, key=key)


@dataclass(slots=True)
class Matrix:
    data: dict[str, Any]
    errors: list[Problem]
    failed: bool


def build(
    sessions: list[tuple[int | None, Session]],
    paths: list[str],
    on_problem: Callable[[Problem], None],
    *,
    sort: str = "id",
    only: Sequence[str] = (),
    fail_on: str = "conflict",
    fail_scope: str = "law",
    jobs: int = 1,
) -> Matrix:
    """Evaluate every policy the paths name on every date and lay out the matrix."""
    first = sessions[0][1]
    errors = list(first.rule_errors)
    files, problems = expand(paths)
    for p in problems:
        on_problem(p)
    errors.extend(problems)
    cols = columns(sessions)
    _setup(sessions, cols, fail_on, fail_scope)
    rows: list[dict[str, Any]] = []
    failed = False
    setup = (sessions, cols, fail_on, fail_scope)
    for out in evaluated(row_of, files, jobs, _setup, setup, on_problem, errors):
        assert out.row is not None
        rows.append(out.row)
        failed = failed or out.reaches
    arranged = arrange(rows, sort, only)
    counts = dict.fromkeys([*VERDICTS, "not_in_force"], 0)
    recorded = {"cells": 0, "agree": 0, "disagree": 0, "not_compared": 0}
    for r in arranged:
        for c in r["cells"]:
            counts[c["verdict"] or "not_in_force"] += 1
            if c["determination"] is not None:
                recorded["cells"] += 1
                agrees = c["determination"]["agrees"]
                recorded[{True: "agree", False: "disagree", None: "not_compared"}[agrees]] += 1
    years = [y for y, _ in sessions if y is not None]
    data = {
        "matrix_version": MATRIX_VERSION,
        "tool": {"name": "sanctuary-check", "version": __version__},
        "ruleset": {"version": __version__, "sha256": first.ruleset.sha256},
        "mode": "years" if years else "authorities",
        "as_of": None if years else first.as_of.isoformat(),
        "years": [{"year": y, "as_of": s.as_of.isoformat()} for y, s in sessions] if years else [],
        "sort": sort,
        "only": list(only),
        "columns": [
            {"authority": c.authority, "as_of": c.as_of.isoformat(), "year": c.year} for c in cols
        ],
        "not_in_force": never_in_force(sessions),
        "authorities": [
            _timeline([next(st for st in s.states if st.authority.id == a.id) for _, s in sessions])
            for a in first.authorities
        ],
        "rows": arranged,
        "errors": [e.to_dict() for e in errors],
        "summary": {
            "jurisdictions": len(arranged),
            "evaluated": len(rows),
            "cells": counts,
            "recorded": recorded,
        },
    }
    return Matrix(data, errors, failed)
