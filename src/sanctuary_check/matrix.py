"""The matrix: jurisdictions as rows, authorities (on one date) or years as columns.

A cell is one authority's jurisdiction-level verdict (``by_authority``) on one policy on one day,
with the recorded determination of that authority on that jurisdiction that stood on that day,
if any, beside it. A cell with no such determination is the engine's projection, and is marked
so everywhere. An authority not in force on the day has no verdict ("not in force"), never a
guessed one. Nothing here prints; the renderers in ``render/matrix_*.py`` format the data.

A matrix of thousands of jurisdictions over several years holds millions of findings, most of
them the same few (a reading nobody encoded, a provision outside an authority's scope) or the
same from one year to the next. So the data kept per cell is small: the verdict and its marks,
and the findings only as indexes into one table of distinct findings (``finding_texts``, each
already encoded as JSON), built only when a format needs findings (JSON, HTML). Identical cells
are one object. The JSON renderer expands the indexes as it writes; the HTML page embeds the
table once.
"""

from __future__ import annotations

import datetime as dt
import json
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
from .model import Finding, InForce, Verdict
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
    lens: str = "law"
    kind: str = ""


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
    authorities = [a for a in sessions[0][1].authorities if a.id not in left_out]
    return [
        Column(a.id, s.as_of, year, a.lens, a.kind) for a in authorities for year, s in sessions
    ]


def _finding(f: Finding) -> dict[str, Any]:
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


_ENCODER = json.JSONEncoder(ensure_ascii=False)
#: The JSON text of each finding no policy text went into, by everything ``_finding`` reads: the
#: same for every policy, so encoded once per process. Bounded, as report.py bounds its own.
_SHARED_TEXT: dict[tuple[Any, ...], str] = {}
_SHARED_MAX = 50_000


def _finding_key(f: Finding) -> tuple[Any, ...]:
    return (
        f.rule,
        f.question,
        f.provision,
        f.verdict,
        f.projection,
        f.determination,
        f.enforceable,
        f.confidence,
        f.message,
        f.reason,
        tuple(f.citations),
        tuple(f.policy_citations),
        f.policy_location,
    )


def _finding_text(f: Finding, mine: dict[tuple[Any, ...], str]) -> str:
    """A finding as JSON text, encoded once: shared ones once per process, a policy's own once
    per row (the same clause read on each day of the matrix gives the same finding)."""
    key = _finding_key(f)
    own = f.policy_location is not None or bool(f.policy_citations) or f.determination is not None
    cache = mine if own else _SHARED_TEXT
    text = cache.get(key)
    if text is None:
        if not own and len(_SHARED_TEXT) >= _SHARED_MAX:
            _SHARED_TEXT.clear()
        text = cache[key] = _ENCODER.encode(_finding(f))
    return text


def _cell(
    result: PolicyResult,
    state: AuthorityState,
    texts: dict[tuple[Any, ...], str] | None,
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The cell's data without its findings, and its findings as JSON texts (none when no
    format needs them: ``texts`` is None)."""
    ident = state.authority.id
    if state.state is InForce.NO:
        return {
            "verdict": None,
            "in_force": "no",
            "recorded": False,
            "determination": None,
            "unknown_provisions": 0,
            "enforceable": True,
            "binding": None,
        }, ()
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
    conflicts = [f for f in findings if f.verdict is Verdict.CONFLICT]
    cell = {
        "verdict": result.by_authority[ident].value,
        "in_force": state.state.value,
        "recorded": determination is not None,
        "determination": determination,
        "unknown_provisions": len(result.by_authority_unknown.get(ident, [])),
        "enforceable": not conflicts or any(f.enforceable for f in conflicts),
        # As the evaluate report's ``binding``: whether the authority binds this jurisdiction
        # as law (a statute; a ruling of its own court chain or naming it as a party).
        "binding": result.binding.get(ident),
    }
    if texts is None:
        return cell, ()
    return cell, tuple(_finding_text(f, texts) for f in findings)


LENSES = ("law", "enforcement")


def in_conflict(result: PolicyResult, lens: str) -> int:
    """How many provisions the controlling verdict of one lens finds in conflict, enforceable
    ones only: under the law lens, the statute as read by the courts that bind this
    jurisdiction; under the enforcement lens, the executive's latest position in force.

    Each provision counts once, whichever and however many authorities read it: this is what
    ``--sort conflicts`` orders by, and it never weighs one authority against another (a tally
    of conflict cells would count 1373 and 1644 apart, and a DOJ letter like a statute).
    """
    return sum(
        1
        for per_question in result.lenses.values()
        if any(
            (entry := entries[lens]) is not None
            and entry.verdict is Verdict.CONFLICT
            and entry.enforceable
            for entries in per_question.values()
        )
    )


@dataclass(slots=True)
class RowOutcome:
    display: str
    problems: list[Problem]
    row: dict[str, Any] | None = None
    reaches: bool = False
    #: Each cell's findings as JSON texts, in column order (empty when no format needs them).
    findings: list[tuple[str, ...]] | None = None

    @property
    def done(self) -> bool:
        return self.row is not None


_STATE: tuple[list[tuple[int | None, Session]], list[Column], str, str, bool] | None = None


def _setup(
    sessions: list[tuple[int | None, Session]],
    cols: list[Column],
    fail_on: str,
    scope: str,
    findings: bool,
) -> None:
    global _STATE
    _STATE = (sessions, cols, fail_on, scope, findings)


def row_of(item: tuple[Path, str]) -> RowOutcome:
    """One policy file, evaluated on every date of the matrix."""
    assert _STATE is not None
    sessions, cols, fail_on, scope, with_findings = _STATE
    path, display = item
    _, policy, found = load_policy_document(path, display)
    if policy is None:
        return RowOutcome(display, found)
    results = {s.as_of: s.evaluate(policy) for _, s in sessions}
    states = {(s.as_of, st.authority.id): st for _, s in sessions for st in s.states}
    texts: dict[tuple[Any, ...], str] | None = {} if with_findings else None
    made = [_cell(results[c.as_of], states[(c.as_of, c.authority)], texts) for c in cols]
    cells = [cell for cell, _ in made]
    row = {
        "id": policy.id,
        "name": policy.name,
        "kind": policy.kind,
        "state": policy.state,
        "path": policy.path,
        "cells": cells,
        # Kept for readers of matrix_version 1: a plain count of conflict cells, which weighs
        # every authority alike. Nothing sorts by it; see provisions_in_conflict.
        "conflicts": sum(1 for c in cells if c["verdict"] == "conflict"),
        "provisions_in_conflict": {
            lens: [in_conflict(results[s.as_of], lens) for _, s in sessions] for lens in LENSES
        },
        "warnings": [p.to_dict() for p in found if p.severity == "warning"],
    }
    failed = any(reaches(r, fail_on, scope) for r in results.values())
    return RowOutcome(
        display, found, row, failed, [t for _, t in made] if texts is not None else None
    )


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
        "conflicts": _by_conflicts,
    }[sort]
    return sorted(rows, key=key)


def _by_conflicts(row: dict[str, Any]) -> tuple[Any, ...]:
    """Most provisions in conflict under the law lens first, on the last day of the matrix,
    then the day before, and so on; ties by the enforcement lens the same way, then by id."""
    counts = row["provisions_in_conflict"]
    return (
        tuple(-n for n in reversed(counts["law"])),
        tuple(-n for n in reversed(counts["enforcement"])),
        row["id"],
    )


class _Interned:
    """The distinct findings (as JSON texts) and the distinct cells of a matrix.

    Cells reference findings by index; a cell equal to one already seen is that one object.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._index: dict[str, int] = {}
        self._cells: dict[tuple[Any, ...], dict[str, Any]] = {}

    def cell(self, cell: dict[str, Any], texts: tuple[str, ...]) -> dict[str, Any]:
        index = self._index
        refs = []
        for text in texts:
            i = index.get(text)
            if i is None:
                i = index[text] = len(self.texts)
                self.texts.append(text)
            refs.append(i)
        det = cell["determination"]
        key = (
            cell["verdict"],
            cell["in_force"],
            cell["recorded"],
            None if det is None else _ENCODER.encode(det),
            cell["unknown_provisions"],
            cell["enforceable"],
            cell["binding"],
            tuple(refs),
        )
        seen = self._cells.get(key)
        if seen is None:
            seen = self._cells[key] = {**cell, "findings": tuple(refs)}
        return seen


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
    findings: bool = True,
) -> Matrix:
    """Evaluate every policy the paths name on every date and lay out the matrix.

    ``findings``: keep each cell's findings (JSON and HTML show them; the table, Markdown and
    SVG do not, and a run with only those keeps none).
    """
    first = sessions[0][1]
    errors = list(first.rule_errors)
    files, problems = expand(paths)
    for p in problems:
        on_problem(p)
    errors.extend(problems)
    cols = columns(sessions)
    setup = (sessions, cols, fail_on, fail_scope, findings)
    _setup(*setup)
    rows: list[dict[str, Any]] = []
    failed = False
    interned = _Interned()
    for out in evaluated(row_of, files, jobs, _setup, setup, on_problem, errors):
        assert out.row is not None
        texts = out.findings or [()] * len(out.row["cells"])
        out.row["cells"] = [
            interned.cell(c, t) for c, t in zip(out.row["cells"], texts, strict=True)
        ]
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
            {
                "authority": c.authority,
                "as_of": c.as_of.isoformat(),
                "year": c.year,
                "lens": c.lens,
                "kind": c.kind,
            }
            for c in cols
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
        # Not part of the JSON document: the distinct findings the cells' ``findings`` index,
        # each as JSON text. The JSON renderer writes them out in place; the HTML embeds them.
        "finding_texts": interned.texts,
    }
    return Matrix(data, errors, failed)
