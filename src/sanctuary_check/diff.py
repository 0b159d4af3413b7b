"""What changed between two dates, two versions of a policy, or two saved reports, and why.

Between two dates the answer can only change on the day of a dated event: an authority starting
or ending (or known in force), an effect starting or ending, a clause state or instrument taking
effect, a savings-clause reading, a determination (which turns projections into recorded
findings). The diff evaluates the policy on each such day and attributes every change to the
events of the day it happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .engine import Options, PolicyResult, evaluate_policy
from .hierarchy import AuthorityState, binds, covers, scope_on
from .model import Authority, Effect, Policy, Window
from .ruleset import Registry
from .timeline import change_days

DIFF_VERSION = 1


@dataclass(frozen=True, slots=True)
class Event:
    """A dated event that may change an answer, and what it can touch.

    ``authorities`` are the authorities whose findings it can change; ``provisions`` the
    provisions (None: any). A determination only turns projections into recorded findings.
    """

    day: dt.date
    kind: str
    ref: str
    text: str
    authorities: tuple[str, ...] = ()
    provisions: tuple[str, ...] | None = None

    def as_dict(self) -> dict[str, str]:
        return {"date": self.day.isoformat(), "kind": self.kind, "ref": self.ref, "text": self.text}

    def touches(
        self,
        change: dict[str, Any],
        name: str,
        involved: frozenset[str],
        read: frozenset[str],
        parents: dict[str, str | None],
    ) -> bool:
        """Whether this event can have moved field ``name`` of ``change``.

        ``involved`` are the authorities behind the change on either side (a lens's controlling
        authority and the readings that contest it); ``read`` the locations (``path:line:col``)
        the engine recorded reading for it on either side.
        """
        if self.kind == "determination":
            # Determinations are compared with verdicts, never fed into them: all one can change
            # is whether a finding is recorded or a projection.
            return name == "projection"
        if name == "projection":
            return False
        if self.kind.startswith("savings-"):
            # What the engine recorded reading, not which provisions the clause covers: a rule
            # may ask about a clause covering another provision (``covering:``). A savings
            # clause decides conditions, never enforceability.
            return name != "enforceable" and self.ref in read
        provision = change["provision"]
        if self.provisions is not None and not (
            provision in self.provisions or parents.get(provision) in self.provisions
        ):
            return False
        # An effect touches enforceability, and can hand a lens to another authority that still
        # speaks (1373 held unconstitutional for a party: 1644 then speaks for the law there).
        hands_over = "lens" in change and "authority" in change["fields"]
        if self.kind.startswith("effect-") and name != "enforceable" and not hands_over:
            return False
        if not self.authorities:
            return True
        return bool(involved.intersection(self.authorities))


def _window_events(
    window: Window,
    kind: str,
    ref: str,
    what: str,
    authorities: tuple[str, ...] = (),
    provisions: tuple[str, ...] | None = None,
) -> Iterable[Event]:
    labels = (
        (window.effective_from, "start", "takes effect"),
        (window.effective_until, "end", "ends"),
        (window.first_known_in_force, "first_known", "is first known to be in force"),
        (window.last_known_in_force, "last_known", "is no longer known to be in force"),
        (window.ended_by_date, "ended_by", "had surely ended"),
    )
    for raw, role, verb in labels:
        for day in change_days(raw, role):
            precise = raw is not None and len(raw) == 10
            when = raw if precise else f"{raw}, an imprecise date"
            if role == "last_known":
                when = f"last known {when}"
            yield Event(
                day,
                f"{kind}-{role.replace('_', '-')}",
                ref,
                f"{what} {verb} ({when})",
                authorities,
                provisions,
            )


def authority_events(authority: Authority) -> list[Event]:
    ids = (authority.id,)
    out = list(_window_events(authority.window, "authority", authority.id, authority.id, ids))
    for scope in authority.scopes:
        if scope.window.effective_from is not None or scope.window.effective_until is not None:
            what = f"the scope of {authority.id} ({scope.describe()})"
            out.extend(_window_events(scope.window, "scope", authority.id, what, ids))
    return out


def effect_events(effect: Effect, effects: Sequence[Effect] = ()) -> list[Event]:
    what = (
        f"{effect.key} ({effect.kind.replace('_', ' ')} on {effect.target_authority}, "
        f"{effect.scope.describe()}, confidence {effect.confidence})"
    )
    # A vacatur or stay of another effect changes the findings that effect reached.
    reached = tuple(
        other.target_authority
        for other in effects
        if effect.target_effect is not None
        and other.id == effect.target_effect
        and other.source == effect.target_authority
    )
    ids = (effect.target_authority, effect.source, *reached)
    return list(_window_events(effect.window, "effect", effect.key, what, ids))


def _ref(loc: Any) -> str:
    return f"{loc.path}:{loc.line}:{loc.column}"


def policy_events(policy: Policy) -> list[Event]:
    out: list[Event] = []
    for key, clauses in policy.provisions.items():
        keys = (key,)
        for clause in clauses:
            ref = _ref(clause.location)
            if clause.states:
                for i, st in enumerate(clause.states):
                    what = f"state {i + 1} of {clause.label()}"
                    stance = f" ({st.stance})" if st.stance else ""
                    out.extend(
                        _window_events(st.window, "clause-state", ref, what + stance, (), keys)
                    )
                continue
            src = policy.sources.get(clause.source.instrument or "")
            start = (src.effective or src.adopted) if src else None
            if start is not None:
                title = src.title if src and src.title else clause.source.instrument
                what = f"{title} ({clause.label()})"
                out.extend(_window_events(Window(start, None), "instrument", ref, what, (), keys))
    for sc in policy.savings_clauses or ():
        ref = _ref(sc.location)
        for st in sc.states:
            what = f"savings clause {sc.id}"
            out.extend(_window_events(st.window, "savings-state", ref, what, (), sc.covers))
        for r in sc.readings:
            for day in change_days(r.date, "event"):
                text = f"{r.by} reads savings clause {sc.id} as {r.reading} ({r.date})"
                out.append(Event(day, "savings-reading", ref, text, (r.by,), sc.covers))
    for det in policy.determinations:
        for day in change_days(det.date, "event"):
            text = f"{det.authority} determination {det.id}: {det.outcome} ({det.date})"
            out.append(
                Event(
                    day, "determination", _ref(det.location), text, (det.authority,), det.provisions
                )
            )
    return out


def all_events(
    policy: Policy, states: Sequence[AuthorityState], effects: Sequence[Effect], reg: Registry
) -> list[Event]:
    out = policy_events(policy)
    for st in states:
        out.extend(authority_events(st.authority))
    for effect in effects:
        # An effect whose scope never reaches this jurisdiction (another city's injunction) can
        # change nothing here, and naming it as a cause would mislead.
        if covers(effect.scope, policy, reg):
            out.extend(effect_events(effect, effects))
    return sorted(out, key=lambda e: (e.day, e.kind, e.ref))


# --- snapshots --------------------------------------------------------------------------------

LensKey = tuple[str, str, str]  # provision, question, lens
FindingKey = tuple[str, str, str]  # authority, question, provision


#: A lens no authority speaks to, whether the engine returned no entry or no key at all: the two
#: must compare equal, or a question coming into force would list every lens as a change.
_NO_LENS: dict[str, Any] = {
    "verdict": None,
    "authority": None,
    "enforceable": None,
    "contested": False,
}


@dataclass(slots=True)
class Snapshot:
    day: dt.date
    lenses: dict[LensKey, dict[str, Any]]
    findings: dict[FindingKey, dict[str, Any]]
    #: Per finding: the locations (``path:line:col``) the engine recorded reading for it.
    reads: dict[FindingKey, frozenset[str]] = field(default_factory=dict)
    #: Per lens: the authorities behind it (the controlling one and every contesting side).
    sides: dict[LensKey, frozenset[str]] = field(default_factory=dict)
    #: Party-specific judgments (a district ruling, an unpublished panel) that do not reach this
    #: jurisdiction: they bind nobody here, so their findings change nothing here.
    elsewhere: frozenset[str] = frozenset()


def snapshot(result: PolicyResult, elsewhere: frozenset[str] = frozenset()) -> Snapshot:
    lenses: dict[LensKey, dict[str, Any]] = {}
    sides: dict[LensKey, frozenset[str]] = {}
    for provision, per_q in result.lenses.items():
        for question, entry in per_q.items():
            for lens in ("law", "enforcement"):
                e = entry[lens]
                if e is None:
                    lenses[(provision, question, lens)] = dict(_NO_LENS)
                    continue
                lenses[(provision, question, lens)] = {
                    "verdict": e.verdict.value,
                    "authority": e.authority,
                    "enforceable": e.enforceable_status,
                    "contested": e.contested,
                }
                sides[(provision, question, lens)] = frozenset(
                    {e.authority, *(a for side in e.sides.values() for a in side)}
                )
    findings: dict[FindingKey, dict[str, Any]] = {}
    reads: dict[FindingKey, frozenset[str]] = {}
    for f in result.findings:
        key = (f.authority, f.question, f.provision)
        findings[key] = {
            "verdict": f.verdict.value,
            "enforceable": f.enforceable_status.value,
            "projection": f.projection,
        }
        reads[key] = frozenset(_ref(loc) for loc, _ in f.related_locations)
    return Snapshot(result.as_of, lenses, findings, reads, sides, elsewhere)


def party_judgments_elsewhere(
    states: Sequence[AuthorityState], policy: Policy, reg: Registry, day: dt.date
) -> frozenset[str]:
    """Rulings whose only force is their judgment, for parties this jurisdiction is not one of.

    A published circuit opinion or the Supreme Court is precedent here or can contest a reading
    here; a district judgment or unpublished panel for someone else is neither.
    """
    out: set[str] = set()
    for st in states:
        a = st.authority
        if a.kind != "court_ruling" or binds(a, policy, reg, day):
            continue
        court = reg.courts.get(a.court.id) if a.court else None
        if court is not None and (
            court.level == "supreme"
            or (court.level == "circuit" and a.court is not None and a.court.published)
        ):
            continue
        scope = scope_on(a, day)
        if scope is not None and scope.kind == "parties" and not covers(scope, policy, reg):
            out.add(a.id)
    return frozenset(out)


def _lens_changes(a: Snapshot, b: Snapshot) -> list[dict[str, Any]]:
    out = []
    for key in sorted(set(a.lenses) | set(b.lenses), key=_lens_order):
        before, after = a.lenses.get(key, _NO_LENS), b.lenses.get(key, _NO_LENS)
        fields = [
            f
            for f in ("verdict", "authority", "enforceable", "contested")
            if before.get(f) != after.get(f)
        ]
        if fields:
            provision, question, lens = key
            out.append(
                {
                    "provision": provision,
                    "question": question,
                    "lens": lens,
                    "fields": fields,
                    "before": before,
                    "after": after,
                }
            )
    return out


def _finding_changes(a: Snapshot, b: Snapshot) -> list[dict[str, Any]]:
    out = []
    for key in sorted(set(a.findings) | set(b.findings)):
        before, after = a.findings.get(key), b.findings.get(key)
        if _elsewhere_only(key[0], a, b):
            continue
        if before != after:
            authority, question, provision = key
            if before is None or after is None:  # the authority came into or went out of force
                fields = ["added" if before is None else "removed"]
            else:
                fields = [
                    f for f in ("verdict", "enforceable", "projection") if before[f] != after[f]
                ]
            out.append(
                {
                    "authority": authority,
                    "question": question,
                    "provision": provision,
                    "fields": fields,
                    "before": before,
                    "after": after,
                }
            )
    return out


def _elsewhere_only(authority: str, a: Snapshot, b: Snapshot) -> bool:
    """Whether, on each side where it has findings, the authority is another party's judgment."""
    sides = [s for s in (a, b) if any(k[0] == authority for k in s.findings)]
    return bool(sides) and all(authority in s.elsewhere for s in sides)


_LENS_RANK = {"law": 0, "enforcement": 1}


def _lens_order(key: LensKey) -> tuple[str, str, int]:
    return (key[0], key[1], _LENS_RANK.get(key[2], 9))


def _key_of(change: dict[str, Any]) -> tuple[str, ...]:
    if "lens" in change:
        return ("lens", change["provision"], change["question"], change["lens"])
    return ("finding", change["authority"], change["question"], change["provision"])


# --- diff between dates -----------------------------------------------------------------------


@dataclass(slots=True)
class DateDiff:
    policy: Policy
    start: dt.date
    end: dt.date
    changes: list[dict[str, Any]] = field(default_factory=list)
    finding_changes: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def diff_dates(
    policy: Policy,
    states_on: Callable[[dt.date], list[AuthorityState]],
    reg: Registry,
    effects: Sequence[Effect],
    start: dt.date,
    end: dt.date,
    questions: frozenset[str] | None = None,
) -> DateDiff:
    """Every change between ``start`` and ``end``, attributed to the events that caused it.

    ``states_on(day)`` gives the authorities with their in-force state on a day. With ``start``
    after ``end`` the same changes are listed reversed (before and after swapped).
    """
    if start > end:
        forward = diff_dates(policy, states_on, reg, effects, end, start, questions)
        return _reversed(forward)
    out = DateDiff(policy, start, end)

    def evaluate(day: dt.date) -> Snapshot:
        states = states_on(day)
        result = evaluate_policy(policy, states, reg, Options(day, questions), effects)
        return snapshot(result, party_judgments_elsewhere(states, policy, reg, day))

    events = all_events(policy, states_on(start), effects, reg)
    by_day: dict[dt.date, list[Event]] = {}
    for e in events:
        if start < e.day <= end:
            by_day.setdefault(e.day, []).append(e)
    out.events = [e for day in sorted(by_day) for e in by_day[day]]
    previous = evaluate(start)
    first = previous
    # For each (change key, field): the events of every step at which that field changed.
    caused: dict[tuple[tuple[str, ...], str], list[list[Event]]] = {}
    for day in sorted(by_day):
        current = evaluate(day)
        lens_changes = _lens_changes(previous, current)
        finding_changes = _finding_changes(previous, current)
        for change in (*lens_changes, *finding_changes):
            involved, read = _behind(change, previous, current)
            named: list[tuple[Event, str]] = []
            for name in change["fields"]:
                # Each field by the events of the day that can have moved it. None found is said
                # as such: naming every event of the day would name determinations (which are
                # never read to decide a verdict) and other parties' judgments as causes.
                because = [
                    e
                    for e in by_day[day]
                    if e.touches(change, name, involved, read, reg.provisions)
                ] or [_unattributed(day)]
                caused.setdefault((_key_of(change), name), []).append(because)
                named.extend((e, name) for e in because)
            change["events"] = _explained(named)
        out.steps.append(
            {
                "date": day.isoformat(),
                "events": [e.as_dict() for e in by_day[day]],
                "changes": lens_changes,
                "finding_changes": finding_changes,
            }
        )
        previous = current
    last = previous
    for change in _lens_changes(first, last):
        change["events"] = _attribution(change, caused)
        out.changes.append(change)
    for change in _finding_changes(first, last):
        change["events"] = _attribution(change, caused)
        out.finding_changes.append(change)
    return out


def _attribution(
    change: dict[str, Any], caused: dict[tuple[tuple[str, ...], str], list[list[Event]]]
) -> list[dict[str, str]]:
    """For each field that changed overall: the step that first moved it and the one that gave
    it its final value (the steps between, a flip and a flip back, are in --steps)."""
    named: list[tuple[Event, str]] = []
    for name in change["fields"]:
        steps = caused.get((_key_of(change), name), [])
        if steps:
            named.extend((e, name) for e in (*steps[0], *steps[-1]))
    return _explained(named)


def _explained(named: list[tuple[Event, str]]) -> list[dict[str, Any]]:
    """Each event once, in date order, with the changed fields it explains (``fields``): one
    change may have several causes, each for a different field."""
    fields: dict[Event, list[str]] = {}
    for e, name in named:
        names = fields.setdefault(e, [])
        if name not in names:
            names.append(name)
    return [{**e.as_dict(), "fields": fields[e]} for e in _by_date(list(fields))]


def _by_date(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.day, e.kind, e.ref))


def _unattributed(day: dt.date) -> Event:
    return Event(
        day, "unattributed", "", "no dated event of this day was found to have caused this change"
    )


def _behind(
    change: dict[str, Any], a: Snapshot, b: Snapshot
) -> tuple[frozenset[str], frozenset[str]]:
    """The authorities behind a change, and what the engine read for it, on either side."""
    if "lens" in change:
        key: LensKey = (change["provision"], change["question"], change["lens"])
        involved = a.sides.get(key, frozenset()) | b.sides.get(key, frozenset())
        # A lens reads what its controlling finding read.
        found = [
            (snap, (side.get("authority"), change["question"], change["provision"]))
            for snap, side in ((a, change["before"]), (b, change["after"]))
            if side.get("authority")
        ]
    else:
        involved = frozenset({change["authority"]})
        fkey = (change["authority"], change["question"], change["provision"])
        found = [(a, fkey), (b, fkey)]
    read: frozenset[str] = frozenset()
    for snap, k in found:
        read |= snap.reads.get(k, frozenset())
    return involved, read


def _swap(change: dict[str, Any]) -> dict[str, Any]:
    out = dict(change)
    out["before"], out["after"] = change["after"], change["before"]
    # Backwards, a finding that came into force goes out of it.
    flip = {"added": "removed", "removed": "added"}
    out["fields"] = [flip.get(f, f) for f in change["fields"]]
    if "events" in change:
        out["events"] = [
            {**e, "fields": [flip.get(f, f) for f in e["fields"]]} if "fields" in e else e
            for e in change["events"]
        ]
    return out


def _reversed(forward: DateDiff) -> DateDiff:
    back = DateDiff(forward.policy, forward.end, forward.start)
    back.changes = [_swap(c) for c in forward.changes]
    back.finding_changes = [_swap(c) for c in forward.finding_changes]
    back.events = list(reversed(forward.events))
    back.steps = [
        {
            **step,
            "changes": [_swap(c) for c in step["changes"]],
            "finding_changes": [_swap(c) for c in step["finding_changes"]],
        }
        for step in reversed(forward.steps)
    ]
    return back


def date_diff_report(d: DateDiff, *, steps: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "diff_version": DIFF_VERSION,
        "kind": "dates",
        "path": d.policy.path,
        "jurisdiction": d.policy.id,
        "from": d.start.isoformat(),
        "to": d.end.isoformat(),
        "changes": d.changes,
        "finding_changes": d.finding_changes,
        "events": [e.as_dict() for e in d.events],
    }
    if steps:
        out["steps"] = d.steps
    return out


# --- two versions of a policy, or two reports -------------------------------------------------


def _provision_causes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[str]]:
    """Which parts of a policy file changed, by provision key ('*' for the whole policy)."""
    causes: dict[str, list[str]] = {}
    old_p, new_p = old.get("provisions", {}), new.get("provisions", {})
    for key in sorted(set(old_p) | set(new_p)):
        if old_p.get(key) != new_p.get(key):
            what = "added" if key not in old_p else "removed" if key not in new_p else "changed"
            causes.setdefault(key, []).append(f"provisions.{key} {what}")
    for section in ("savings_clauses", "agencies", "sources", "determinations", "inherits"):
        if old.get(section) != new.get(section):
            causes.setdefault("*", []).append(f"{section} changed")
    return causes


def diff_results(
    old: PolicyResult, new: PolicyResult, old_data: dict[str, Any], new_data: dict[str, Any]
) -> dict[str, Any]:
    """Two versions of one policy under the same law, on the same date."""
    a, b = snapshot(old), snapshot(new)
    causes = _provision_causes(old_data, new_data)

    def events_for(provision: str) -> list[dict[str, str]]:
        texts = causes.get(provision, []) + causes.get("*", [])
        return [
            {"date": new.as_of.isoformat(), "kind": "policy", "ref": new.policy.path, "text": t}
            for t in texts
        ] or [
            {
                "date": new.as_of.isoformat(),
                "kind": "policy",
                "ref": new.policy.path,
                "text": "a related part of the policy changed",
            }
        ]

    changes = _lens_changes(a, b)
    finding_changes = _finding_changes(a, b)
    for c in (*changes, *finding_changes):
        c["events"] = events_for(c["provision"])
    return {
        "diff_version": DIFF_VERSION,
        "kind": "policies",
        "old": old.policy.path,
        "new": new.policy.path,
        "as_of": new.as_of.isoformat(),
        "changes": changes,
        "finding_changes": finding_changes,
        "events": [
            {"date": new.as_of.isoformat(), "kind": "policy", "ref": new.policy.path, "text": t}
            for ts in causes.values()
            for t in ts
        ],
    }


def _report_snapshot(policy: dict[str, Any]) -> Snapshot:
    lenses: dict[LensKey, dict[str, Any]] = {}
    for provision, per_q in policy.get("provisions", {}).items():
        for question, entry in per_q.items():
            for lens in ("law", "enforcement"):
                e = entry.get(lens)
                lenses[(provision, question, lens)] = (
                    {
                        "verdict": e.get("verdict"),
                        "authority": e.get("authority"),
                        "enforceable": _status(e),
                        "contested": e.get("contested", False),
                    }
                    if e
                    else dict(_NO_LENS)
                )
    findings = {
        (f["authority"], f["question"], f["provision"]): {
            "verdict": f["verdict"],
            "enforceable": _status(f),
            "projection": f.get("projection", True),
        }
        for f in policy.get("findings", [])
    }
    return Snapshot(dt.date.min, lenses, findings)


def _status(entry: dict[str, Any]) -> str:
    if "enforceable_status" in entry:
        return str(entry["enforceable_status"])
    return "yes" if entry.get("enforceable", True) else "no"


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Two saved JSON reports: each change with what differs between them (rules, policy, date)."""
    old_p = {p["jurisdiction"]["id"]: p for p in old.get("policies", [])}
    new_p = {p["jurisdiction"]["id"]: p for p in new.get("policies", [])}
    general = []
    if old.get("ruleset", {}).get("sha256") != new.get("ruleset", {}).get("sha256"):
        general.append(("ruleset", "the rule set changed (ruleset.sha256 differs)"))
    if old.get("as_of") != new.get("as_of"):
        general.append(
            ("as_of", f"the as-of date changed ({old.get('as_of')} -> {new.get('as_of')})")
        )
    if old.get("tool", {}).get("version") != new.get("tool", {}).get("version"):
        general.append(("tool", "the tool version changed"))
    changes: list[dict[str, Any]] = []
    finding_changes: list[dict[str, Any]] = []
    only = sorted(set(old_p) ^ set(new_p))
    for ident in sorted(set(old_p) & set(new_p)):
        a, b = _report_snapshot(old_p[ident]), _report_snapshot(new_p[ident])
        causes = [text for _, text in general]
        if old_p[ident].get("sha256") != new_p[ident].get("sha256"):
            causes.append(f"the policy file changed ({ident}: sha256 differs)")
        if not causes:
            causes.append("nothing recorded in the reports explains it")
        events = [
            {"date": new.get("as_of", ""), "kind": "report", "ref": ident, "text": c}
            for c in causes
        ]
        for c in _lens_changes(a, b):
            changes.append({"jurisdiction": ident, **c, "events": events})
        for c in _finding_changes(a, b):
            finding_changes.append({"jurisdiction": ident, **c, "events": events})
    return {
        "diff_version": DIFF_VERSION,
        "kind": "reports",
        "changes": changes,
        "finding_changes": finding_changes,
        "only_in_one": only,
        "events": [
            {"date": new.get("as_of", ""), "kind": "report", "ref": k, "text": t}
            for k, t in general
        ],
    }


def changed(diff: dict[str, Any]) -> bool:
    return bool(diff["changes"] or diff["finding_changes"] or diff.get("only_in_one"))
