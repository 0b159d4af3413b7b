"""The result model as plain data: the pinned JSON report (report_version 1).

Every renderer formats this one structure, so the table, JSON and later formats cannot drift
apart on what was found.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from . import __version__, identity
from .engine import DeterminationCheck, PolicyResult
from .hierarchy import AuthorityState, LensEntry
from .model import CitedSource, Finding, InForce, Location, Verdict
from .validation import Problem
from .waivers import waived_dict

REPORT_VERSION = 1
VERDICTS = [v.value for v in Verdict]
_VERDICT, _WAIVED = attrgetter("verdict"), attrgetter("waived")


@dataclass(slots=True)
class RunInput:
    as_of: dt.date
    states: list[AuthorityState]
    results: list[PolicyResult]
    ruleset_sha256: str
    ruleset_files: list[str]
    errors: list[Problem] = field(default_factory=list)
    warnings: dict[str, list[Problem]] = field(default_factory=dict)
    trace: bool = False
    run_warnings: list[Problem] = field(default_factory=list)
    waivers: list[dict[str, Any]] = field(default_factory=list)


def _loc(loc: Location | None, role: str | None = None) -> dict[str, Any] | None:
    if loc is None:
        return None
    out: dict[str, Any] = {"path": loc.path, "line": loc.line, "column": loc.column}
    if role is not None:
        out["role"] = role
    return out


def _cite(c: CitedSource) -> dict[str, Any]:
    out: dict[str, Any] = {
        "instrument": c.instrument,
        "section": c.section,
        "url": c.url,
        "quality": c.quality,
        "source": c.source,
    }
    if c.pinpoint is not None:
        out["pinpoint"] = c.pinpoint
    if c.unconfirmed:
        out["unconfirmed"] = list(c.unconfirmed)
    return out


class SharedFinding(dict[str, Any]):
    """A finding's data that no policy's text went into (a reading not encoded, a provision
    outside the authority's scope): the same for every policy that meets it, so built once and
    shared. Nobody mutates report data; renderers may keep what they make of one."""

    __slots__ = ()


_SHARED: dict[tuple[Any, ...], SharedFinding] = {}
_SHARED_MAX = 50_000  # distinct shared findings kept; far above one rule set's on a few dates


def _shared_key(f: Finding) -> tuple[Any, ...] | None:
    """Every field ``finding_dict`` reads, when none comes from the policy; else None."""
    if (
        f.policy_location is not None
        or f.policy_citations
        or f.related_locations
        or f.derived_from
        or f.determination is not None
        or f.waived is not None
        or f.spun_only
    ):
        return None
    return (
        f.rule,
        f.authority,
        f.question,
        f.provision,
        f.verdict,
        f.basis,
        f.status,
        f.projection,
        f.enforceable,
        f.confidence,
        f.inferred,
        f.message,
        f.reason,
        f.reason_code,
        f.rule_location,
        tuple(f.citations),
        f.enforceable_status,
        f.enforceable_reason,
        tuple(f.unconfirmed),
        tuple(f.effects),
        f.verdict_if_in_force,
    )


# The data of shared findings (Finding.shared), by the finding's identity; the findings are kept
# alive in _KEPT, so that an identity in _BY_IDENTITY is never another object's.
_BY_IDENTITY: dict[int, dict[str, Any]] = {}
_KEPT: list[Finding] = []


def finding_dict(f: Finding, trace: bool) -> dict[str, Any]:
    if f.shared and not trace:
        hit = _BY_IDENTITY.get(id(f))
        if hit is not None:
            return hit
        data = _shared(f)
        if len(_KEPT) >= _SHARED_MAX:
            _BY_IDENTITY.clear()
            _KEPT.clear()
        _BY_IDENTITY[id(f)] = data
        _KEPT.append(f)
        return data
    return _finding_dict(f, trace) if trace else _shared(f)


def finding_dicts(findings: list[Finding], trace: bool) -> list[dict[str, Any]]:
    """:func:`finding_dict` of each finding. Most of a policy's hundreds of findings are shared
    ones met before: those are looked up in C, and only the rest go through Python."""
    if trace:
        return [_finding_dict(f, True) for f in findings]
    return identity.each(_BY_IDENTITY, findings, lambda f: finding_dict(f, False))


def _shared(f: Finding) -> dict[str, Any]:
    key = _shared_key(f)
    if key is None:
        return _finding_dict(f, False)
    shared = _SHARED.get(key)
    if shared is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        shared = _SHARED[key] = SharedFinding(_finding_dict(f, False))
    return shared


def _finding_dict(f: Finding, trace: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": f.rule,
        "authority": f.authority,
        "question": f.question,
        "provision": f.provision,
        "verdict": f.verdict.value,
        "basis": f.basis.value,
        "status": f.status,
        "projection": f.projection,
        "determination": f.determination,
        "enforceable": f.enforceable,
        "confidence": f.confidence,
        "spun_only": f.spun_only,
        "inferred": f.inferred,
        "derived_from": list(f.derived_from),
        "message": f.message,
        "reason": f.reason,
        "reason_code": f.reason_code,
        "citations": [_cite(c) for c in f.citations],
        "policy_citations": [_cite(c) for c in f.policy_citations],
        "policy_location": _loc(f.policy_location),
        "related_locations": [_loc(loc, role) for loc, role in f.related_locations],
        "rule_location": _loc(f.rule_location),
    }
    out["enforceable_status"] = f.enforceable_status.value
    out["enforceable_reason"] = f.enforceable_reason
    out["unconfirmed"] = list(f.unconfirmed)
    out["effects"] = [
        {
            "authority": e.source,
            "effect": e.id,
            "kind": e.kind,
            "summary": e.summary,
            "scope": e.scope.describe(),
            "in_force": state.value,
            "confidence": e.confidence,
            "unconfirmed": list(e.unconfirmed),
            "citations": [_cite(c) for c in e.cited],
            "location": _loc(e.location),
        }
        for e, state in f.effects
    ]
    if f.verdict_if_in_force is not None:
        out["verdict_if_in_force"] = f.verdict_if_in_force.value
    if f.waived is not None:
        out["waived"] = waived_dict(f.waived)
    if trace:
        out["trace"] = [
            {"depth": s.depth, "text": s.text, "result": s.result, "location": _loc(s.location)}
            for s in f.trace
        ]
    return out


def _lens(entry: LensEntry | None, kind: str) -> dict[str, Any] | None:
    if entry is None:
        return None
    out: dict[str, Any] = {
        "verdict": entry.verdict.value,
        "authority": entry.authority,
        "enforceable": entry.enforceable,
        "enforceable_status": entry.enforceable_status,
        "also": list(entry.also),
        "why": entry.why,
    }
    if kind == "law":
        out["contested"] = entry.contested
        out["sides"] = entry.sides
    return out


def _determination(check: DeterminationCheck) -> dict[str, Any]:
    d = check.determination
    return {
        "id": d.id,
        "authority": d.authority,
        "date": d.date,
        "outcome": d.outcome,
        "status": d.status,
        "provisions": list(d.provisions),
        "compares_as": check.compares_as.value if check.compares_as else None,
        "engine_verdict": check.engine_verdict.value if check.engine_verdict else None,
        "agrees": check.agrees,
        "differences": check.differences,
        "unresolved": check.unresolved,
        "in_sample": check.in_sample,
        "note": check.note,
        "flagged": check.flagged,
        "confidence": d.confidence,
        "unconfirmed": list(d.unconfirmed),
        "location": _loc(d.location),
    }


def _problem(p: Problem) -> dict[str, Any]:
    return p.to_dict()


def _counts() -> dict[str, int]:
    return dict.fromkeys(VERDICTS, 0)


def policy_dict(r: PolicyResult, trace: bool, warnings: list[Problem]) -> dict[str, Any]:
    p = r.policy
    provisions: dict[str, Any] = {}
    for provision, per_q in r.lenses.items():
        provisions[provision] = {
            q: {
                "law": _lens(e["law"], "law"),
                "enforcement": _lens(e["enforcement"], "enforcement"),
            }
            for q, e in per_q.items()
        }
    return {
        "path": p.path,
        "sha256": p.sha256,
        "jurisdiction": {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "state": p.state,
            "ocd_id": p.ocd_id,
        },
        "verdicts": {k: (v.value if v else None) for k, v in r.verdicts.items()},
        "by_authority": {k: v.value for k, v in r.by_authority.items()},
        "by_authority_unknown": r.by_authority_unknown,
        "binding": r.binding,
        "provisions": provisions,
        "findings": finding_dicts(r.findings, trace),
        "determinations": [_determination(c) for c in r.determinations],
        "warnings": [_problem(w) for w in warnings],
    }


def authority_dict(st: AuthorityState) -> dict[str, Any]:
    a = st.authority
    return {
        "id": a.id,
        "title": a.title,
        "kind": a.kind,
        "lens": a.lens,
        "citation": a.citation,
        "status": a.status,
        "effective_from": a.window.effective_from or "unknown",
        "effective_until": a.window.effective_until,
        "in_force": st.state is InForce.YES,
        "in_force_status": st.state.value,
        "in_force_reason": st.reason,
        "standard": a.standard,
        "confidence": a.confidence,
        "unconfirmed": list(a.unconfirmed),
        "questions": list(a.questions),
        "path": a.path,
        "court": a.court.id if a.court else None,
        "scope": [s.describe() for s in a.scopes],
        "effects": [e.key for e in a.effects],
    }


def _agreement_counts() -> dict[str, dict[str, int]]:
    return {
        "jurisdictions": {"compared": 0, "agree": 0, "disagree": 0, "undecided": 0, "in_sample": 0},
        "provisions": {
            "cited": 0,
            "cited_flagged": 0,
            "flagged": 0,
            "flagged_cited": 0,
            "unresolved": 0,
        },
    }


def _add_agreement(counts: dict[str, dict[str, int]], r: PolicyResult) -> None:
    """How the engine's verdicts on one policy compare with what authorities actually said.

    At the jurisdiction level, per compared determination; at the provision level, the provisions
    a noncompliance determination cited that the engine also flags, and the reverse. Comparisons
    that read an input known only from the determination are counted apart, as in-sample.
    """
    jur, prov = counts["jurisdictions"], counts["provisions"]
    for check in r.determinations:
        if check.compares_as is None or (check.note and check.engine_verdict is None):
            continue
        if check.in_sample:
            jur["in_sample"] += 1
            continue
        jur["compared"] += 1
        key = {True: "agree", False: "disagree", None: "undecided"}[check.agrees]
        jur[key] += 1
        if check.compares_as is Verdict.CONFLICT:
            cited = set(check.determination.provisions)
            flagged = set(check.flagged)
            prov["cited"] += len(cited)
            prov["cited_flagged"] += len(cited & flagged)
            prov["flagged"] += len(flagged)
            prov["flagged_cited"] += len(flagged & cited)
            prov["unresolved"] += len(set(check.unresolved) & flagged)


@dataclass(slots=True)
class Tally:
    """The report's summary, counted one policy at a time (and merged across workers)."""

    policies: int = 0
    law: dict[str, int] = field(default_factory=_counts)
    enforcement: dict[str, int] = field(default_factory=_counts)
    findings: dict[str, int] = field(default_factory=_counts)
    agreement: dict[str, dict[str, int]] = field(default_factory=_agreement_counts)
    waived: int = 0

    def add(self, r: PolicyResult) -> None:
        self.policies += 1
        for per_q in r.lenses.values():
            for entry in per_q.values():
                if entry["law"] is not None:
                    self.law[entry["law"].verdict.value] += 1
                if entry["enforcement"] is not None:
                    self.enforcement[entry["enforcement"].verdict.value] += 1
        # Counted in C: a policy has hundreds of findings, and a run thousands of policies.
        for verdict, n in Counter(map(_VERDICT, r.findings)).items():
            self.findings[verdict.value] += n
        self.waived += len(r.findings) - list(map(_WAIVED, r.findings)).count(None)
        _add_agreement(self.agreement, r)

    def merge(self, other: Tally) -> None:
        self.policies += other.policies
        self.waived += other.waived
        for mine, theirs in (
            (self.law, other.law),
            (self.enforcement, other.enforcement),
            (self.findings, other.findings),
            *zip(self.agreement.values(), other.agreement.values(), strict=True),
        ):
            for key, n in theirs.items():
                mine[key] += n

    def summary(self, errors: int) -> dict[str, Any]:
        return {
            "policies": self.policies,
            "errors": errors,
            "law": dict(self.law),
            "enforcement": dict(self.enforcement),
            "findings": dict(self.findings),
            "agreement": {k: dict(v) for k, v in self.agreement.items()},
            "waived": self.waived,
        }


def head(
    as_of: dt.date, states: list[AuthorityState], ruleset_sha256: str, ruleset_files: list[str]
) -> dict[str, Any]:
    """The keys of the report that come before ``policies``: known before any policy is read."""
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "sanctuary-check", "version": __version__},
        "ruleset": {
            "version": __version__,
            "sha256": ruleset_sha256,
            "files": list(ruleset_files),
        },
        "as_of": as_of.isoformat(),
        "authorities": [authority_dict(st) for st in states],
    }


def tail(
    errors: list[Problem],
    run_warnings: list[Problem],
    waivers: list[dict[str, Any]],
    tally: Tally,
) -> dict[str, Any]:
    """The keys of the report that come after ``policies``: known once every policy is read."""
    return {
        "errors": [_problem(e) for e in errors],
        "warnings": [_problem(w) for w in run_warnings],
        "waivers": waivers,
        "summary": tally.summary(len(errors)),
    }


def build(run: RunInput) -> dict[str, Any]:
    """The whole report as plain data, valid against schemas/report.json."""
    tally = Tally()
    for r in run.results:
        tally.add(r)
    return {
        **head(run.as_of, run.states, run.ruleset_sha256, run.ruleset_files),
        "policies": [
            policy_dict(r, run.trace, run.warnings.get(r.policy.path, [])) for r in run.results
        ],
        **tail(run.errors, run.run_warnings, run.waivers, tally),
    }
