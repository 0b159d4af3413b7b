"""Which authority controls a provision, in each lens, for one policy; and effects on rules.

*Law lens*: the statute as read by the courts that bind this jurisdiction. A court binds its
parties through its judgment, and the courts below it in its own chain through precedent (the
Supreme Court everyone, its latest decision over its earlier ones; a circuit's published opinions
its districts and later panels). A district
ruling binds only its parties. With no binding ruling that reads a provision, the statute's text is
the baseline. Readings of other circuits that disagree make the provision ``contested``.

*Enforcement lens*: what the executive says it will act on. The latest position in force that reads
the provision controls; the others are listed beside it. It never controls what a statute means,
and the two lenses are never merged into one ranking.

*Effects*: injunctions, holdings of unconstitutionality, vacaturs, stays and rescissions are dated,
scoped effects of one authority on another's rules. A finding keeps its verdict and becomes
unenforceable (for the jurisdictions the effect reaches, while it is in force).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import (
    Authority,
    Basis,
    Effect,
    Finding,
    InForce,
    Policy,
    Scope,
    Verdict,
    worst,
)
from .ruleset import Registry
from .timeline import parse_partial, window_state

DECIDED = frozenset({Verdict.CONFLICT, Verdict.COMPLIANT, Verdict.NOT_APPLICABLE})
#: Effects that take a ruling's own force away, not only its enforceability.
VOIDING = frozenset({"vacatur", "stay", "rescission"})


@dataclass(frozen=True, slots=True)
class AuthorityState:
    authority: Authority
    state: InForce
    reason: str | None


@dataclass(slots=True)
class LensEntry:
    verdict: Verdict
    authority: str
    also: list[str] = field(default_factory=list)
    contested: bool = False
    sides: dict[str, list[str]] = field(default_factory=dict)
    enforceable: bool = True
    enforceable_status: str = "yes"
    why: str = ""


# --- scope and binding ------------------------------------------------------------------------


def scope_on(authority: Authority, as_of: dt.date) -> Scope | None:
    """The authority's scope on a date (scopes may be dated); None when no dated scope applies."""
    if len(authority.scopes) == 1 and authority.scopes[0].window.effective_from is None:
        return authority.scopes[0]
    for scope in authority.scopes:
        if window_state(scope.window, as_of, f"the scope of {authority.id}").state is InForce.YES:
            return scope
    return None


def covers(scope: Scope, policy: Policy, reg: Registry) -> bool:
    """Whether a scope reaches a jurisdiction (a party, its state, its circuit, or everyone)."""
    if scope.kind == "nationwide":
        return True
    if scope.kind == "state":
        return policy.state == scope.state
    if scope.kind == "circuit":
        return reg.circuit_of(policy.state) == scope.circuit
    return policy.id in scope.parties


def binds(authority: Authority, policy: Policy, reg: Registry, as_of: dt.date) -> bool:
    """Whether an authority binds this jurisdiction as law, on a date.

    Statutes bind everyone. A ruling binds its parties through its judgment; beyond them it binds
    through precedent only down its own court chain: the Supreme Court everyone, a circuit's
    published opinions the jurisdictions of its circuit. A district ruling binds only its parties.
    Agency positions and grant conditions are not law, whatever their practical weight.
    """
    if authority.kind == "statute":
        return True
    if authority.kind != "court_ruling" or authority.court is None:
        return False
    scope = scope_on(authority, as_of)
    if scope is not None and scope.kind == "parties" and policy.id in scope.parties:
        return True
    court = reg.courts.get(authority.court.id)
    if court is None:
        return False
    if court.level == "supreme":
        return True
    if court.level == "circuit" and authority.court.published:
        return reg.circuit_of(policy.state) == court.id
    return False


def binding_map(
    states: dict[str, AuthorityState], policy: Policy, reg: Registry, as_of: dt.date
) -> dict[str, bool]:
    return {
        ident: binds(st.authority, policy, reg, as_of)
        for ident, st in states.items()
        if st.state is not InForce.NO
    }


# --- effects ----------------------------------------------------------------------------------


def effect_state(
    effect: Effect, policy: Policy, reg: Registry, as_of: dt.date, effects: Sequence[Effect]
) -> InForce:
    """Whether an effect is in force for this jurisdiction on a date (three-valued).

    An effect counts only while its window holds, where its scope reaches the jurisdiction, and
    while no vacatur or stay of it is in force there.
    """
    if not covers(effect.scope, policy, reg):
        return InForce.NO
    state = window_state(effect.window, as_of, effect.key).state
    if state is InForce.NO:
        return state
    for other in effects:
        if (
            other.kind in VOIDING
            and other.target_effect == effect.id
            and other.target_authority == effect.source
            and other is not effect
        ):
            countered = effect_state(other, policy, reg, as_of, ())
            if countered is InForce.YES:
                return InForce.NO
            if countered is InForce.UNKNOWN:
                state = InForce.UNKNOWN
    return state


def _reaches(effect: Effect, finding: Finding) -> bool:
    if effect.target_effect is not None or effect.target_authority != finding.authority:
        return False
    if effect.target_questions is not None and finding.question not in effect.target_questions:
        return False
    if effect.target_rules is None:
        return True
    local = (finding.rule or "").split("/", 1)[-1]
    return local in effect.target_rules


def apply_effects(
    findings: list[Finding],
    policy: Policy,
    reg: Registry,
    as_of: dt.date,
    effects: Sequence[Effect],
) -> None:
    """Mark findings reached by an effect in force as unenforceable, citing the effect."""
    active: list[tuple[Effect, InForce]] = []
    for effect in effects:
        if effect.target_effect is not None:
            continue
        state = effect_state(effect, policy, reg, as_of, effects)
        if state is not InForce.NO:
            active.append((effect, state))
    if not active:
        return
    for i, f in enumerate(findings):
        if f.verdict is Verdict.NOT_APPLICABLE:
            continue  # nothing to enforce where the authority does not reach
        for effect, state in active:
            if _reaches(effect, f):
                if f.shared:
                    f = findings[i] = f.owned()
                f.effects.append((effect, state))
                if state is InForce.YES:
                    f.enforceable = False
                    f.enforceable_status = InForce.NO
                elif f.enforceable_status is InForce.YES:
                    f.enforceable_status = InForce.UNKNOWN
                    f.enforceable_reason = _unsure_why(effect, as_of)


def _unsure_why(effect: Effect, as_of: dt.date) -> str:
    why = window_state(effect.window, as_of, effect.key).reason
    return f"whether {effect.key} ({effect.kind.replace('_', ' ')}) stops it is unknown: " + (
        why or "a vacatur or stay of it may be in force"
    )


def voided(finding: Finding) -> bool:
    """A ruling vacated, stayed or rescinded (in force) no longer controls what the law is."""
    return any(e.kind in VOIDING and s is InForce.YES for e, s in finding.effects)


# --- precedence -------------------------------------------------------------------------------


def _court_rank(authority: Authority, reg: Registry) -> int:
    court = reg.courts.get(authority.court.id) if authority.court else None
    return court.rank if court else 0


def _span(authority: Authority) -> tuple[dt.date, dt.date]:
    """The first and last day on which an authority may have taken effect, at the precision
    its sources give ("2018-06" is any day of June); an unknown start is bounded only by the day
    it is first known in force."""
    raw = authority.window.effective_from
    if raw is not None and raw != "unknown":
        p = parse_partial(raw)
        return p.first, p.last
    known = authority.window.first_known_in_force
    if known is not None:
        return dt.date.min, parse_partial(known).last
    return dt.date.min, dt.date.max


def _in_order(
    candidates: list[Finding], states: dict[str, AuthorityState], *, latest: bool
) -> tuple[Finding, list[Finding]]:
    """The earliest (or latest) of some findings' authorities by real date, and the others that
    may as well be: those whose dates cannot be ordered against it (the same day, or a date at
    a month's or a year's precision that contains or overlaps the other)."""
    spans = {id(f): _span(states[f.authority].authority) for f in candidates}
    if latest:
        bound = max(first for first, _ in spans.values())
        possible = [f for f in candidates if spans[id(f)][1] >= bound]
        lead = max(possible, key=lambda f: (*spans[id(f)], f.authority))
    else:
        bound = min(last for _, last in spans.values())
        possible = [f for f in candidates if spans[id(f)][0] <= bound]
        lead = min(possible, key=lambda f: (*spans[id(f)], f.authority))
    return lead, [f for f in possible if f is not lead]


def _unordered(lead: Finding, rivals: list[Finding], states: dict[str, AuthorityState]) -> str:
    """Why the controlling reading is unknown, when readings that cannot be put in order differ."""
    names = ", ".join(
        f"{f.authority} ({states[f.authority].authority.window.effective_from or 'no date'}: "
        f"{f.verdict.value})"
        for f in (lead, *rivals)
    )
    return f"which of {names} controls is unknown: their dates cannot be put in order"


def _law(
    findings: list[Finding],
    states: dict[str, AuthorityState],
    policy: Policy,
    reg: Registry,
    as_of: dt.date,
) -> LensEntry | None:
    def auth(f: Finding) -> Authority:
        return states[f.authority].authority

    law = [f for f in findings if auth(f).lens == "law"]
    if not law:
        return None
    # A ruling speaks to a provision only where its reading is encoded (a rule or a scope entry).
    rulings = [
        f
        for f in law
        if auth(f).kind == "court_ruling" and f.basis is not Basis.DEFAULT and not voided(f)
    ]
    binding = [f for f in rulings if binds(auth(f), policy, reg, as_of)]
    statutes = [f for f in law if auth(f).kind == "statute"]
    unsure: list[Finding] = []
    if binding:
        top = max(_court_rank(auth(f), reg) for f in binding)
        best = [f for f in binding if _court_rank(auth(f), reg) == top]
        if top == 1:
            # District judgments bind only their parties; the latest judgment governs them.
            lead, tied = _in_order(best, states, latest=True)
            why = "the latest judgment binding this jurisdiction as a party"
        elif top == 3:
            # The Supreme Court is bound by no earlier panel of its own: its latest decision
            # controls (the earlier one is overruled or refined by it).
            lead, tied = _in_order(best, states, latest=True)
            why = "the Supreme Court" + (" (its latest decision)" if len(best) > 1 else "")
        else:
            # Prior-panel rule: the earliest published panel of the circuit binds later panels.
            # (En banc decisions are not encoded apart from panels; none is in the rule set.)
            lead, tied = _in_order(best, states, latest=False)
            why = "a binding ruling in this jurisdiction's court chain" + (
                " (earliest published panel)" if len(best) > 1 else ""
            )
        unsure = [f for f in tied if f.verdict != lead.verdict]
        if unsure:
            why = _unordered(lead, unsure, states)
    elif statutes:
        verdict = worst([f.verdict for f in statutes])
        # Statutes that say the same: one that can still be enforced here speaks for the law,
        # then the first by id (1373 before 1644).
        lead = min(
            (f for f in statutes if f.verdict == verdict),
            key=lambda f: (not f.enforceable, f.authority),
        )
        why = "the statute's text (no binding ruling reads this provision)"
    else:
        return None
    # Only appellate readings from elsewhere make a provision contested (a district court
    # elsewhere binds nobody here and splits nothing), each circuit by its controlling reading:
    # its earliest published panel.
    by_circuit: dict[str, list[Finding]] = {}
    for f in rulings:
        a = auth(f)
        if f is lead or binds(a, policy, reg, as_of) or _court_rank(a, reg) < 2 or not a.court:
            continue
        by_circuit.setdefault(a.court.id, []).append(f)
    elsewhere: list[Finding] = []
    for group in by_circuit.values():
        # Each circuit by its earliest published panel; panels whose order is unknown may each
        # be the one that controls there, so each counts as a side.
        first, tied = _in_order(group, states, latest=False)
        elsewhere.extend([first, *tied])
    sides: dict[str, list[str]] = {}
    readings = ([lead] if auth(lead).kind == "court_ruling" else []) + elsewhere
    for f in readings:
        if f.verdict in DECIDED and f.authority not in sides.get(f.verdict.value, []):
            sides.setdefault(f.verdict.value, []).append(f.authority)
    return LensEntry(
        verdict=Verdict.UNKNOWN if unsure else lead.verdict,
        authority=lead.authority,
        also=[f.authority for f in law if f is not lead],
        contested=len(sides) > 1,
        sides=sides if len(sides) > 1 else {},
        enforceable=lead.enforceable,
        enforceable_status=lead.enforceable_status.value,
        why=why,
    )


def _enforcement(findings: list[Finding], states: dict[str, AuthorityState]) -> LensEntry | None:
    candidates = [f for f in findings if states[f.authority].authority.lens == "enforcement"]
    if not candidates:
        return None
    # The latest position in force controls; where it has no encoded reading of the provision,
    # the latest one that has. The others are listed beside it, not ranked.
    read = [f for f in candidates if f.basis is not Basis.DEFAULT] or candidates
    lead, tied = _in_order(read, states, latest=True)
    unsure = [f for f in tied if f.verdict != lead.verdict]
    return LensEntry(
        verdict=Verdict.UNKNOWN if unsure else lead.verdict,
        authority=lead.authority,
        also=[f.authority for f in candidates if f is not lead],
        enforceable=lead.enforceable,
        enforceable_status=lead.enforceable_status.value,
        why=_unordered(lead, unsure, states)
        if unsure
        else "the latest position in force that reads this provision",
    )


def lenses(
    findings: list[Finding],
    states: dict[str, AuthorityState],
    policy: Policy,
    reg: Registry,
    as_of: dt.date,
    binding: dict[str, bool],
) -> dict[str, dict[str, dict[str, LensEntry | None]]]:
    """provision -> question -> {"law": entry, "enforcement": entry}; ``binding`` is
    :func:`binding_map` of the same states."""
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        grouped.setdefault((f.provision, f.question), []).append(f)
    out: dict[str, dict[str, dict[str, LensEntry | None]]] = {}
    for (provision, question), group in grouped.items():
        key: tuple[Any, ...] | None = None
        if all(f.shared for f in group):
            # Shared findings read no policy text: what they decide here turns only on which of
            # their authorities bind this jurisdiction (the same lenses for every policy alike).
            key = (as_of, *map(id, group), *(binding[f.authority] for f in group))
            hit = _SHARED_LENSES.get(key)
            if hit is not None:
                out.setdefault(provision, {})[question] = hit[1]
                continue
        entries = {
            "law": _law(group, states, policy, reg, as_of),
            "enforcement": _enforcement(group, states),
        }
        out.setdefault(provision, {})[question] = entries
        if key is not None:
            if len(_SHARED_LENSES) >= 20_000:
                _SHARED_LENSES.clear()
            _SHARED_LENSES[key] = (group, entries)  # the group keeps its identities its own
    return out


_SHARED_LENSES: dict[tuple[Any, ...], tuple[list[Finding], dict[str, LensEntry | None]]] = {}
