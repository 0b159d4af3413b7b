"""Authorities in force, applied to a policy: findings, then verdicts per authority and per lens.

The engine is pure: it takes model objects and returns results, and never prints. It never reads
a recorded determination to decide a verdict; determinations are only compared with the verdicts
afterwards, and the comparison is reported beside them.

One finding per (authority in force, question, provision), decided in this order (DESIGN.md):

1. the provision is in the authority's ``outside_scope`` for the question -> not_applicable;
2. the authority has no rule and no scope entry for it -> unknown (reading not encoded);
3. the policy has no clause for it in force (after parent fallback and dated states) -> unknown;
4. every clause is ``not_addressed`` -> compliant (forbids_restriction), conflict
   (requires_measure);
5. the rule has ``open_question`` -> unknown, with the question;
6. otherwise each clause is decided by the rule's condition and the worst clause wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from .citations import cite, cite_all
from .conditions import ClauseView, Context
from .hierarchy import AuthorityState, LensEntry, apply_effects, binding_map, lenses
from .model import (
    CONFIDENCE_ORDER,
    RESTRICTIVE_STANCES,
    SEVERITY,
    Authority,
    Basis,
    Citation,
    CitedSource,
    Clause,
    Determination,
    Effect,
    Finding,
    InForce,
    Location,
    Policy,
    Rule,
    Source,
    TraceStep,
    Tri,
    Verdict,
    Window,
    worst,
)
from .ruleset import Registry
from .timeline import WindowState, on_or_before, window_state

CONFLICT_OUTCOMES = frozenset({"noncompliance", "preliminary_noncompliance"})
COMPLIANT_OUTCOMES = frozenset({"compliance", "no_evidence_of_noncompliance"})


@dataclass(frozen=True, slots=True)
class Options:
    as_of: dt.date
    questions: frozenset[str] | None = None


@dataclass(slots=True)
class DeterminationCheck:
    determination: Determination
    compares_as: Verdict | None
    engine_verdict: Verdict | None
    agrees: bool | None
    differences: list[str]
    unresolved: list[str]
    in_sample: bool
    note: str | None
    #: Provisions the engine finds in conflict under the determination's authority.
    flagged: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PolicyResult:
    policy: Policy
    as_of: dt.date
    findings: list[Finding]
    by_authority: dict[str, Verdict]
    by_authority_unknown: dict[str, list[str]]
    binding: dict[str, bool]
    lenses: dict[str, dict[str, dict[str, LensEntry | None]]]
    verdicts: dict[str, Verdict | None]
    determinations: list[DeterminationCheck] = field(default_factory=list)


def authority_states(authorities: Iterable[Authority], as_of: dt.date) -> list[AuthorityState]:
    """Every authority with whether it is in force on ``as_of`` (yes, no, unknown) and why."""
    out = []
    for a in authorities:
        ws = window_state(a.window, as_of, a.id)
        out.append(AuthorityState(a, ws.state, ws.reason))
    return out


# --- clauses on the as-of date ----------------------------------------------------------------


def _instrument_window(clause: Clause, policy: Policy) -> tuple[Window, str]:
    ident = clause.source.instrument
    src = policy.sources.get(ident) if ident else None
    what = f"{src.title or src.id}" if src else f"the instrument of {clause.label()}"
    if src is None:
        return Window(None, None), what
    # An instrument with only an adoption date is taken to take effect when adopted.
    start = src.effective if src.effective is not None else src.adopted
    return Window(start, None), what


def clause_view(clause: Clause, policy: Policy, as_of: dt.date) -> tuple[WindowState, ClauseView]:
    """The clause as it stands on ``as_of``, and whether it is in force then (three-valued)."""
    if clause.states:
        uncertain: tuple[WindowState, ClauseView] | None = None
        for st in clause.states:
            ws = window_state(st.window, as_of, f"this state of {clause.label()}")
            view = ClauseView(
                clause=clause,
                stance=st.stance or clause.stance,
                exceptions=st.exceptions if st.exceptions is not None else clause.exceptions,
                binds=st.binds if st.binds is not None else clause.binds,
                practice=clause.practice,
                location=clause.location,
            )
            if ws.state is InForce.YES:
                return ws, view
            if ws.state is InForce.UNKNOWN and uncertain is None:
                uncertain = (ws, view)
        if uncertain is not None:
            return uncertain
        last = clause.states[-1]
        ws = window_state(last.window, as_of, f"{clause.label()}")
        return ws, _plain_view(clause)
    window, what = _instrument_window(clause, policy)
    return window_state(window, as_of, what), _plain_view(clause)


def _plain_view(clause: Clause) -> ClauseView:
    return ClauseView(
        clause=clause,
        stance=clause.stance,
        exceptions=clause.exceptions,
        binds=clause.binds,
        practice=clause.practice,
        location=clause.location,
    )


# --- citations --------------------------------------------------------------------------------


# A rule's citations read the same for every policy: resolved once per rule, by identity (the
# rule and its authority are kept beside the result, so an identity is never reused).
_CITED: dict[int, tuple[Authority, tuple[Citation, ...], list[CitedSource]]] = {}


def _rule_citations(authority: Authority, citations: tuple[Citation, ...]) -> list[CitedSource]:
    hit = _CITED.get(id(citations))
    if hit is not None and hit[0] is authority and hit[1] is citations:
        return list(hit[2])
    cited = cite_all(authority.sources, citations)
    if len(_CITED) >= 20_000:
        _CITED.clear()
    _CITED[id(citations)] = (authority, citations, cited)
    return list(cited)


def _clause_citations(policy: Policy, clause: Clause) -> list[CitedSource]:
    ref = clause.source
    unconfirmed = tuple(u for u in clause.unconfirmed if u in _ON_CITATION)
    c = Citation(ref.instrument or "", ref.section, ref.pinpoint, ref.evidence, unconfirmed)
    return cite(policy.sources, c)


def _only_spun(sources: dict[str, Source], evidence: Iterable[str]) -> bool:
    qualities = [sources[e].quality for e in evidence if e in sources]
    return bool(qualities) and all(q == "spun" for q in qualities)


def _lowest(*levels: str | None) -> str:
    present = [x for x in levels if x is not None]
    return min(present, key=CONFIDENCE_ORDER.__getitem__) if present else "low"


# --- one finding ------------------------------------------------------------------------------


def _status(authority: Authority, rule: Rule | None) -> str:
    return (rule.status if rule and rule.status else None) or authority.status


def _clauses_for(
    policy: Policy, provision: str, parent: str | None, as_of: dt.date
) -> tuple[str | None, list[tuple[WindowState, ClauseView]], list[TraceStep], list[str]]:
    """(key read, clauses in force or possibly in force, trace, reasons clauses were absent)."""
    trace: list[TraceStep] = []
    absent: list[str] = []
    for key in (provision, parent):
        if key is None:
            continue
        clauses = policy.provisions.get(key)
        if not clauses:
            trace.append(TraceStep(0, f"the policy has no clause on {key}", None))
            continue
        views = []
        for clause in clauses:
            ws, view = clause_view(clause, policy, as_of)
            if ws.state is InForce.NO:
                absent.append(ws.reason or f"{clause.label()} is not in force")
                trace.append(
                    TraceStep(
                        0,
                        f"{clause.label()} is not in force: {ws.reason}",
                        "absent",
                        clause.location,
                    )
                )
            else:
                views.append((ws, view))
        if views:
            if key != provision:
                trace.append(
                    TraceStep(0, f"no clause on {provision}; reading its parent {key}", None)
                )
            return key, views, trace, absent
    return None, [], trace, absent


def _verdict_of(rule: Rule, view: ClauseView, result: Tri) -> tuple[Verdict, str]:
    if rule.kind == "requires_measure":
        if view.stance == "permitted":
            return Verdict.CONFLICT, "permitted does not satisfy a requirement"
        return {
            Tri.TRUE: (Verdict.COMPLIANT, "the measure is in place"),
            Tri.FALSE: (Verdict.CONFLICT, "the measure is not in place"),
            Tri.UNKNOWN: (Verdict.UNKNOWN, "whether the measure is in place is undecided"),
        }[result]
    return {
        Tri.TRUE: (Verdict.CONFLICT, "the clause is a restriction the rule forbids"),
        Tri.FALSE: (Verdict.COMPLIANT, "the clause is not a restriction the rule forbids"),
        Tri.UNKNOWN: (Verdict.UNKNOWN, "the condition is undecided on what is encoded"),
    }[result]


def _rule_finding(
    authority: Authority, rule: Rule, policy: Policy, reg: Registry, as_of: dt.date
) -> Finding:
    provision = rule.provision
    parent = reg.parent(provision)
    base = Finding(
        rule=f"{authority.id}/{rule.id}",
        authority=authority.id,
        question=rule.question,
        provision=provision,
        verdict=Verdict.UNKNOWN,
        basis=Basis.RULE,
        status=_status(authority, rule),
        message=rule.message,
        confidence=rule.confidence,
        rule_location=rule.location,
        inferred=rule.inferred,
        citations=_rule_citations(authority, rule.citations),
        unconfirmed=_marked("rule", rule.unconfirmed),
    )
    base.spun_only = _only_spun(authority.sources, (e for c in rule.citations for e in c.evidence))
    key, views, trace, absent = _clauses_for(policy, provision, parent, as_of)
    base.trace.extend(trace)
    # Step 3: nothing encoded (or nothing in force) for this provision.
    if not views:
        base.reason_code = "not_in_force" if absent else "no_clause"
        base.reason = (
            f"no clause on {provision} is in force on {as_of.isoformat()}: " + "; ".join(absent)
            if absent
            else f"the policy encodes no clause on {provision}"
            + (f" or its parent {parent}" if parent else "")
        )
        base.confidence = _lowest(rule.confidence)
        return base
    clauses = [v.clause for _, v in views]
    base.confidence = _lowest(rule.confidence, *(c.confidence for c in clauses))
    evidence = [e for c in clauses for e in c.source.evidence]
    base.spun_only = base.spun_only or _only_spun(policy.sources, evidence)
    base.derived_from = sorted({c.derived_from for c in clauses if c.derived_from})
    for _, v in views:
        base.related_locations.append((v.clause.location, "clause"))
    certain = [(ws, v) for ws, v in views if ws.state is InForce.YES]
    # Step 4: every clause says nothing on this provision, in documents read in full.
    if (
        certain
        and len(certain) == len(views)
        and all(v.stance == "not_addressed" for _, v in views)
    ):
        lead = views[0][1].clause
        _locate(base, policy, lead)
        base.reason_code = "not_addressed"
        if rule.kind == "forbids_restriction":
            base.verdict = Verdict.COMPLIANT
            base.reason = "the policy's documents, read in full, do not address this provision"
        else:
            base.verdict = Verdict.CONFLICT
            base.reason = (
                "the policy's documents, read in full, do not put the required measure in place"
            )
        base.trace.append(TraceStep(0, base.reason, base.verdict.value, lead.location))
        return base
    # Step 5: the law is unsettled here.
    if rule.open_question:
        lead = views[0][1].clause
        _locate(base, policy, lead)
        base.reason = f"open question: {rule.open_question}"
        base.reason_code = "open_question"
        base.trace.append(TraceStep(0, base.reason, Verdict.UNKNOWN.value))
        return base
    # Step 6: each clause decided by the condition; the worst clause wins.
    decided: list[tuple[Verdict, Clause, str]] = []
    derived = set(base.derived_from)
    skip_silent = any(v.stance != "not_addressed" for _, v in views)
    # A clause that may not yet (or no longer) be in force can be compliant only where the
    # clauses surely in force would give the same answer without it; alone, it may be silence.
    compliant_stands = bool(certain) and (
        rule.kind == "forbids_restriction" or any(v.stance != "not_addressed" for _, v in certain)
    )
    for ws, view in views:
        clause = view.clause
        if skip_silent and view.stance == "not_addressed":
            base.trace.append(
                TraceStep(
                    0,
                    f"{clause.label()} ({_instrument_name(policy, clause)}) does not "
                    "address this provision; the other clauses decide",
                    "skipped",
                    clause.location,
                )
            )
            continue
        ctx = Context(
            view=view,
            provision=key or provision,
            parent=parent if key == provision else None,
            agencies=policy.agencies,
            savings_clauses=policy.savings_clauses,
            as_of=as_of,
        )
        base.trace.append(
            TraceStep(
                0,
                f"{clause.label()} ({_instrument_name(policy, clause)}): stance {view.stance}",
                None,
                clause.location,
            )
        )
        result = rule.when.evaluate(ctx, 1)
        base.trace.extend(ctx.trace)
        derived |= ctx.derived_from
        for loc, role in ctx.read:
            if (loc, role) not in base.related_locations:
                base.related_locations.append((loc, role))
        verdict, why = _verdict_of(rule, view, result)
        if verdict is Verdict.UNKNOWN and ctx.unknowns:
            why = "; ".join(ctx.unknowns)
        if ws.state is InForce.UNKNOWN and (
            verdict is not Verdict.COMPLIANT or not compliant_stands
        ):
            why = f"it would be {verdict.value} if in force, but {ws.reason}"
            verdict = Verdict.UNKNOWN
        base.trace.append(
            TraceStep(1, f"-> {verdict.value}: {why}", verdict.value, clause.location)
        )
        decided.append((verdict, clause, why))
    if not decided:  # only not_addressed clauses, some of uncertain date
        base.reason = "; ".join(ws.reason or "" for ws, _ in views if ws.reason)
        base.reason_code = "not_in_force"
        _locate(base, policy, views[0][1].clause)
        return base
    final = worst([d[0] for d in decided])
    assert final is not None
    _, lead, why = next(d for d in decided if d[0] == final)
    base.verdict = final
    base.derived_from = sorted(derived)
    _locate(base, policy, lead)
    if final is Verdict.UNKNOWN:
        base.reason = why
        base.reason_code = "undecided"
    if len(decided) > 1:
        base.trace.append(
            TraceStep(
                0, f"worst clause: {lead.label()} -> {final.value}", final.value, lead.location
            )
        )
    return base


def _instrument_name(policy: Policy, clause: Clause) -> str:
    ident = clause.source.instrument
    src = policy.sources.get(ident) if ident else None
    return (src.title if src and src.title else ident) or "no instrument"


def _locate(finding: Finding, policy: Policy, clause: Clause) -> None:
    finding.policy_location = clause.location
    finding.related_locations = [
        (loc, role) for loc, role in finding.related_locations if loc != clause.location
    ]
    src = policy.sources.get(clause.source.instrument or "")
    if src is not None:
        finding.related_locations.append((src.location, "source"))
        finding.unconfirmed.extend(_marked("instrument", _beyond_citation(src.unconfirmed)))
    finding.unconfirmed.extend(_marked("clause", _beyond_citation(clause.unconfirmed)))
    finding.policy_citations = _clause_citations(policy, clause)


def _marked(where: str, fields: Iterable[str]) -> list[str]:
    return [f"{where}.{name}" for name in fields]


#: Unconfirmed fields a citation marks itself ("section unconfirmed"), not repeated on a finding.
_ON_CITATION = ("section", "pinpoint")


def _beyond_citation(fields: Iterable[str]) -> list[str]:
    return [name for name in fields if name not in _ON_CITATION]


def _scope_finding(authority: Authority, question: str, provision: str) -> Finding | None:
    entry = authority.outside_scope.get((question, provision))
    if entry is None:
        return None
    return Finding(
        rule=f"{authority.id}/outside-scope/{provision}",
        authority=authority.id,
        question=question,
        provision=provision,
        verdict=Verdict.NOT_APPLICABLE,
        basis=Basis.OUTSIDE_SCOPE,
        status=authority.status,
        message=entry.reason,
        reason=entry.reason,
        reason_code="outside_scope",
        confidence=_lowest(entry.confidence, authority.confidence),
        rule_location=entry.location,
        citations=_rule_citations(authority, entry.citations),
        unconfirmed=_marked("scope", entry.unconfirmed),
        trace=[
            TraceStep(
                0,
                f"{provision} is outside {authority.id}'s scope for {question}",
                Verdict.NOT_APPLICABLE.value,
                entry.location,
            )
        ],
    )


def _default_finding(authority: Authority, question: str, provision: str) -> Finding:
    text = (
        f"reading not encoded: {authority.id} has no rule on {provision} for {question} in this "
        "rule set"
    )
    return Finding(
        rule=None,
        authority=authority.id,
        question=question,
        provision=provision,
        verdict=Verdict.UNKNOWN,
        basis=Basis.DEFAULT,
        status=authority.status,
        message=text,
        reason=text,
        reason_code="reading_not_encoded",
        confidence=authority.confidence,
        rule_location=authority.location,
        trace=[TraceStep(0, text, Verdict.UNKNOWN.value)],
    )


# Findings no policy text goes into (outside scope, reading not encoded) are the same for every
# policy: built once per authority, question, state of the authority and provision, and shared
# (``Finding.shared``) until something particular to one policy must change them.
_Plan = list[Rule | Finding]
#: A plan, and the places in it that hold a rule (each policy's own finding goes there).
_Planned = tuple[_Plan, tuple[int, ...]]
_PlanKey = tuple[int, str, InForce, str | None, tuple[str, ...]]
_COMMON: dict[_PlanKey, tuple[Authority, _Planned]] = {}


def _plan(st: AuthorityState, question: str, order: list[str]) -> _Planned:
    """Per provision, the rule to apply to each policy, or the finding every policy shares; and
    the places of the rules in that list."""
    authority = st.authority
    key = (id(authority), question, st.state, st.reason, tuple(order))
    hit = _COMMON.get(key)
    if hit is not None and hit[0] is authority:
        return hit[1]
    plan: list[Rule | Finding] = []
    rules: list[int] = []
    for provision in order:
        rule = authority.rule_for(question, provision)
        if rule is not None and (question, provision) not in authority.outside_scope:
            rules.append(len(plan))
            plan.append(rule)
            continue
        made = _scope_finding(authority, question, provision) or _default_finding(
            authority, question, provision
        )
        made = _in_force(made, st)
        made.shared = True
        plan.append(made)
    if len(_COMMON) >= 5_000:
        _COMMON.clear()
    _COMMON[key] = (authority, (plan, tuple(rules)))
    return plan, tuple(rules)


def _in_force(f: Finding, st: AuthorityState) -> Finding:
    if st.state is InForce.UNKNOWN:
        f.verdict_if_in_force = f.verdict
        f.verdict = Verdict.UNKNOWN
        f.reason = f"whether {st.authority.id} is in force is unknown: {st.reason}"
        f.reason_code = "in_force_unknown"
    return f


# --- a whole policy ---------------------------------------------------------------------------


def _latest_determinations(policy: Policy, as_of: dt.date) -> dict[str, Determination]:
    latest: dict[str, Determination] = {}
    for det in policy.determinations:
        if on_or_before(det.date, as_of) is not InForce.YES:
            continue
        current = latest.get(det.authority)
        if current is None or det.date >= current.date:
            latest[det.authority] = det
    return latest


def _by_authority(
    authority: Authority, state: InForce, findings: list[Finding]
) -> tuple[Verdict, list[str]]:
    unknown = [f.provision for f in findings if f.verdict is Verdict.UNKNOWN]
    if state is InForce.UNKNOWN:
        return Verdict.UNKNOWN, unknown
    verdicts = {f.verdict for f in findings}
    if Verdict.CONFLICT in verdicts:
        return Verdict.CONFLICT, unknown
    if authority.standard == "no_evidence":
        return Verdict.COMPLIANT, unknown
    if verdicts <= {Verdict.COMPLIANT, Verdict.NOT_APPLICABLE}:
        return Verdict.COMPLIANT, unknown
    return Verdict.UNKNOWN, unknown


def _compare(
    det: Determination,
    result: PolicyResult,
    evaluated: set[str],
    order: list[str],
) -> DeterminationCheck:
    if det.outcome in CONFLICT_OUTCOMES:
        compares_as: Verdict | None = Verdict.CONFLICT
    elif det.outcome in COMPLIANT_OUTCOMES:
        compares_as = Verdict.COMPLIANT
    else:
        compares_as = None
    findings = [f for f in result.findings if f.authority == det.authority]
    in_sample = any(det.id in f.derived_from for f in findings)
    if det.authority not in evaluated:
        return DeterminationCheck(
            det,
            compares_as,
            None,
            None,
            [],
            [],
            in_sample,
            f"{det.authority} was not evaluated (not loaded, filtered out, or not in force on "
            f"{result.as_of.isoformat()})",
        )
    engine = result.by_authority.get(det.authority)
    note = None
    if compares_as is None:
        agrees = None
        note = "an information request carries no verdict to compare"
    elif engine is Verdict.UNKNOWN:
        agrees = None
        note = "the engine could not decide at the jurisdiction level"
    else:
        agrees = engine == compares_as
    conflicts = {f.provision for f in findings if f.verdict is Verdict.CONFLICT}
    restrictive = {
        key
        for key, clauses in result.policy.provisions.items()
        if any(
            clause_view(c, result.policy, result.as_of)[0].state is not InForce.NO
            and c.stance in RESTRICTIVE_STANCES
            for c in clauses
        )
    }
    cited = set(det.provisions)
    differences: set[str] = set()
    unresolved: set[str] = set()
    if compares_as is Verdict.CONFLICT:
        verdict_of = {f.provision: f.verdict for f in findings}
        differences |= {p for p in cited if verdict_of.get(p) is not Verdict.CONFLICT}
        uncited = (conflicts | restrictive) - cited
        # Passages nobody could identify (or an unknown number of them) may cover what the
        # engine finds beyond the cited provisions: unresolved, not a disagreement.
        if det.unidentified_passages is None or det.unidentified_passages > 0:
            unresolved |= uncited
        else:
            differences |= conflicts - cited
    elif compares_as is Verdict.COMPLIANT:
        differences |= conflicts
    rank = {p: i for i, p in enumerate(order)}
    return DeterminationCheck(
        determination=det,
        compares_as=compares_as,
        engine_verdict=engine,
        agrees=agrees,
        differences=sorted(differences, key=lambda p: rank.get(p, len(rank))),
        unresolved=sorted(unresolved, key=lambda p: rank.get(p, len(rank))),
        in_sample=in_sample,
        note=note,
        flagged=sorted(conflicts, key=lambda p: rank.get(p, len(rank))),
    )


def evaluate_policy(
    policy: Policy,
    states: list[AuthorityState],
    reg: Registry,
    options: Options,
    effects: Sequence[Effect] = (),
) -> PolicyResult:
    """Apply every authority in force (or possibly in force) to one policy.

    ``effects`` are the effects of every loaded authority (also those not selected for this run):
    an injunction binds whether or not the user asked to see the court that issued it.
    """
    as_of = options.as_of
    order = list(reg.provisions)
    active = {s.authority.id: s for s in states if s.state is not InForce.NO}
    latest = _latest_determinations(policy, as_of)
    findings: list[Finding] = []
    by_authority: dict[str, Verdict] = {}
    by_unknown: dict[str, list[str]] = {}
    for st in active.values():
        a = st.authority
        mine: list[Finding] = []
        for question in a.questions:
            if options.questions is not None and question not in options.questions:
                continue
            det = latest.get(a.id)
            plan, rules = _plan(st, question, order)
            if det is None:
                # The shared findings as they stand, this policy's own in the rules' places.
                steps = cast(list[Finding], list(plan))
                for i in rules:
                    rule = cast(Rule, plan[i])
                    steps[i] = _in_force(_rule_finding(a, rule, policy, reg, as_of), st)
                mine += steps
                continue
            for provision, step in zip(order, plan, strict=True):
                if isinstance(step, Finding):
                    f = step
                else:
                    f = _in_force(_rule_finding(a, step, policy, reg, as_of), st)
                if provision in det.provisions:
                    f = f.owned()
                    f.projection = False
                    f.determination = det.id
                    f.related_locations.append((det.location, "determination"))
                mine.append(f)
        by_authority[a.id], by_unknown[a.id] = _by_authority(a, st.state, mine)
        findings.extend(mine)
    apply_effects(findings, policy, reg, as_of, effects)
    binding = binding_map(active, policy, reg, as_of)
    result = PolicyResult(
        policy=policy,
        as_of=as_of,
        findings=findings,
        by_authority=by_authority,
        by_authority_unknown=by_unknown,
        binding=binding,
        lenses=lenses(findings, active, policy, reg, as_of, binding),
        verdicts={},
    )
    for lens in ("law", "enforcement"):
        entries = [
            e[lens]
            for per_q in result.lenses.values()
            for e in per_q.values()
            if e[lens] is not None
        ]
        result.verdicts[lens] = worst([e.verdict for e in entries if e is not None])
    result.determinations = [_compare(det, result, set(active), order) for det in latest.values()]
    return result


def reaches(result: PolicyResult, fail_on: str, fail_scope: str) -> bool:
    """Whether the result reaches ``--fail-on`` within ``--fail-scope``.

    Waived findings keep their verdicts but do not count: a lens entry counts only through a
    finding of one of its deciding authorities that reaches the threshold and is not waived.
    """
    if fail_on == "never":
        return False
    threshold = SEVERITY[Verdict.CONFLICT] if fail_on == "conflict" else SEVERITY[Verdict.UNKNOWN]
    counted = [f for f in result.findings if f.waived is None and SEVERITY[f.verdict] >= threshold]
    if fail_scope == "any":
        return bool(counted)
    for provision, per_q in result.lenses.items():
        for question, entry in per_q.items():
            lens = entry[fail_scope]
            if lens is None or SEVERITY[lens.verdict] < threshold:
                continue
            deciding = {lens.authority, *(lens.also if fail_scope == "law" else ())}
            if any(
                f.provision == provision and f.question == question and f.authority in deciding
                for f in counted
            ):
                return True
    return False


def location_of(loc: Location | None) -> str:
    return f"{loc.path}:{loc.line}:{loc.column}" if loc else "-"
