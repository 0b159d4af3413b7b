"""The condition language: three-valued logic laws, and unknown facts never decided by accident."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary_check.conditions import (
    ClauseView,
    ConditionError,
    Context,
    compile_condition,
)
from sanctuary_check.model import (
    Agency,
    Clause,
    ExceptionAlt,
    ExceptionAtom,
    Location,
    Reading,
    SavingsClause,
    SourceRef,
    Tri,
)

STANCES = ["prohibited", "restricted", "permitted", "required", "not_addressed"]
KINDS = ["required_by_law", "judicial_warrant", "conviction", "criminal_suspect", "consent"]
INFO = ["release_dates", "custody_records"]
HERE = Location("t.yaml", 1, 1)

# --- strategies ----------------------------------------------------------------------------------

leaf = st.one_of(
    st.lists(st.sampled_from(STANCES), min_size=1, max_size=3, unique=True).map(
        lambda s: {"stance": s}
    ),
    st.lists(st.sampled_from(STANCES), min_size=1, max_size=3, unique=True).map(
        lambda s: {"practice": s}
    ),
    st.lists(
        st.one_of(st.sampled_from(KINDS), st.just({"conviction": ["violent_felony"]})),
        max_size=3,
    ).map(lambda h: {"exception": {"honours": h}}),
    st.sampled_from(INFO).map(lambda i: {"binds_holder": i}),
    st.sampled_from(["permits_sharing", "does_not_permit_sharing"]).map(
        lambda r: {"savings": {"reading": r, "by": "tst"}}
    ),
    st.just({"open": "not decided"}),
)
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
        inner.map(lambda x: {"not": x}),
    ),
    max_leaves=8,
)
atoms = st.one_of(
    st.sampled_from(KINDS).map(ExceptionAtom),
    st.sampled_from(["violent_felony", "any_felony"]).map(lambda c: ExceptionAtom("conviction", c)),
)
alternatives = st.lists(atoms, min_size=1, max_size=2).map(lambda ps: ExceptionAlt(tuple(ps)))
exception_lists = st.lists(alternatives, max_size=3).map(tuple)


def _clause(stance: str) -> Clause:
    return Clause(
        provision="release_notification",
        index=0,
        stance=stance,
        exceptions=None,
        binds=None,
        source=SourceRef("i", "1", None, (), HERE),
        documents_reviewed=(),
        practice=None,
        states=(),
        confidence="high",
        unconfirmed=(),
        derived_from=None,
        location=HERE,
    )


def _ctx(stance: str, exceptions: Any, binds: Any, holds: Any) -> Context:
    view = ClauseView(_clause(stance), stance, exceptions, binds, None, HERE)
    agencies = {"jail": Agency("jail", "Jail", False, holds)}
    return Context(view, "release_notification", None, agencies, None, dt.date(2020, 1, 1))


def _eval(cond: Any, ctx: Context) -> Tri:
    return compile_condition(cond).evaluate(ctx)


facts = st.tuples(
    st.sampled_from(STANCES),
    st.one_of(st.none(), exception_lists),
    st.one_of(st.none(), st.just(("jail",))),
    st.one_of(st.none(), st.lists(st.sampled_from(INFO), unique=True).map(tuple)),
)

NOT = {Tri.TRUE: Tri.FALSE, Tri.FALSE: Tri.TRUE, Tri.UNKNOWN: Tri.UNKNOWN}

# --- laws ----------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(conditions, facts)
def test_double_negation(cond: Any, fact: Any) -> None:
    assert _eval({"not": {"not": cond}}, _ctx(*fact)) == _eval(cond, _ctx(*fact))


@settings(max_examples=300, deadline=None)
@given(conditions, conditions, facts)
def test_de_morgan(a: Any, b: Any, fact: Any) -> None:
    left = _eval({"not": {"all": [a, b]}}, _ctx(*fact))
    right = _eval({"any": [{"not": a}, {"not": b}]}, _ctx(*fact))
    assert left == right


@settings(max_examples=300, deadline=None)
@given(conditions, conditions, facts)
def test_all_and_any_commute_and_unit(a: Any, b: Any, fact: Any) -> None:
    assert _eval({"all": [a, b]}, _ctx(*fact)) == _eval({"all": [b, a]}, _ctx(*fact))
    assert _eval({"any": [a, b]}, _ctx(*fact)) == _eval({"any": [b, a]}, _ctx(*fact))
    assert _eval({"all": [a]}, _ctx(*fact)) == _eval(a, _ctx(*fact))
    assert _eval({"not": a}, _ctx(*fact)) == NOT[_eval(a, _ctx(*fact))]


@settings(max_examples=400, deadline=None)
@given(
    conditions,
    st.sampled_from(STANCES),
    exception_lists,
    st.lists(st.sampled_from(INFO), unique=True),
)
def test_learning_a_fact_never_flips_a_decided_result(
    cond: Any, stance: str, exceptions: Any, holds: list[str]
) -> None:
    """Soundness of the three values: what was decided without a fact stays decided with it."""
    vague = _eval(cond, _ctx(stance, None, ("jail",), None))
    known = _eval(cond, _ctx(stance, exceptions, ("jail",), tuple(holds)))
    if vague is not Tri.UNKNOWN:
        assert known == vague


@settings(max_examples=200, deadline=None)
@given(conditions, facts)
def test_every_leaf_leaves_a_trace_step(cond: Any, fact: Any) -> None:
    ctx = _ctx(*fact)
    compiled = compile_condition(cond)
    compiled.evaluate(ctx)
    assert len(ctx.trace) >= len(list(compiled.leaves()))
    assert all(step.result in ("true", "false", "unknown") for step in ctx.trace)


def test_exception_semantics() -> None:
    warrant_and_conviction = (
        ExceptionAlt(
            (ExceptionAtom("judicial_warrant"), ExceptionAtom("conviction", "violent_felony"))
        ),
    )
    honours_warrant = {"exception": {"honours": ["judicial_warrant"]}}
    honours_both = {
        "exception": {"honours": ["judicial_warrant", {"conviction": ["violent_felony"]}]}
    }
    assert (
        _eval(honours_warrant, _ctx("restricted", warrant_and_conviction, None, None)) is Tri.FALSE
    )
    assert _eval(honours_both, _ctx("restricted", warrant_and_conviction, None, None)) is Tri.TRUE
    # Exceptions not encoded on a restriction: unknown. A prohibition has none.
    assert _eval(honours_both, _ctx("restricted", None, None, None)) is Tri.UNKNOWN
    assert _eval(honours_both, _ctx("prohibited", None, None, None)) is Tri.FALSE


def test_an_open_branch_is_never_decided_and_says_why() -> None:
    # The Second Circuit's shape: a bar is decided, a restriction short of one is left open.
    narrow = {
        "any": [
            {"stance": ["prohibited"]},
            {"all": [{"stance": ["restricted"]}, {"open": "exceptions not decided"}]},
        ]
    }
    assert _eval(narrow, _ctx("prohibited", None, None, None)) is Tri.TRUE
    assert _eval(narrow, _ctx("permitted", None, None, None)) is Tri.FALSE
    ctx = _ctx("restricted", (), None, None)
    assert compile_condition(narrow).evaluate(ctx) is Tri.UNKNOWN
    assert "left open: exceptions not decided" in ctx.unknowns
    assert "left open (exceptions not decided)" in compile_condition(narrow).describe()


def _savings(covers: tuple[str, ...], reading: str) -> SavingsClause:
    return SavingsClause(
        id="s1",
        source=SourceRef("i", "9", None, (), HERE),
        covers=covers,
        readings=(Reading("tst", reading, "2019-01-01", None, None, HERE),),
        states=(),
        confidence=None,
        location=HERE,
    )


def _with_savings(*clauses: SavingsClause) -> Context:
    view = ClauseView(_clause("restricted"), "restricted", (), None, None, HERE)
    return Context(view, "status_inquiry", None, {}, clauses, dt.date(2020, 1, 1))


def test_savings_covering_reads_the_clause_on_the_named_provision() -> None:
    own = {"savings": {"reading": "permits_sharing", "by": "tst"}}
    named = {
        "savings": {
            "reading": "permits_sharing",
            "by": "tst",
            "covering": "status_request_federal",
        }
    }
    on_requests = _savings(("status_request_federal",), "permits_sharing")
    on_inquiry = _savings(("status_inquiry",), "permits_sharing")
    # A clause on requesting status answers the named provision, not the rule's own.
    assert _eval(named, _with_savings(on_requests)) is Tri.TRUE
    assert _eval(own, _with_savings(on_requests)) is Tri.FALSE
    # And a clause on the rule's own provision does not answer for the named one.
    assert _eval(named, _with_savings(on_inquiry)) is Tri.FALSE
    assert _eval(own, _with_savings(on_inquiry)) is Tri.TRUE
    ctx = _with_savings()
    compile_condition(named).evaluate(ctx)
    assert ctx.trace[-1].text == "no savings clause covers status_request_federal"
    assert "covering status_request_federal" in compile_condition(named).describe()


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"all": []},
        {"stance": "restricted"},
        {"nope": 1},
        {"all": [{}]},
        [],
        {"a": 1, "b": 2},
        {"open": ""},
        {"open": ["x"]},
    ],
)
def test_malformed_conditions_are_refused(bad: Any) -> None:
    with pytest.raises(ConditionError):
        compile_condition(bad)
