"""Court chains, binding and precedence in the law lens, on made-up rulings and towns."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import FIXTURES, fixture_authority
from sanctuary_check.engine import Options, PolicyResult, authority_states, evaluate_policy
from sanctuary_check.inputs import load_policy
from sanctuary_check.ruleset import load_rule_file, registry

COURTS = FIXTURES / "courts"
DAY = dt.date(2020, 1, 1)


def _rulings() -> list:  # type: ignore[type-arg]
    out = [fixture_authority()]  # a statute: the baseline
    for path in sorted((COURTS / "rules").glob("*.yaml")):
        authority, problems = load_rule_file(path, path.name)
        assert authority is not None, [str(p) for p in problems]
        out.append(authority)
    return out


def _evaluate(town: str, day: dt.date = DAY) -> PolicyResult:
    path = COURTS / "policies" / f"{town}.yaml"
    policy, problems = load_policy(path, str(path))
    assert policy is not None, [str(p) for p in problems]
    authorities = _rulings()
    return evaluate_policy(policy, authority_states(authorities, day), registry(), Options(day))


def _law(result: PolicyResult, provision: str):  # type: ignore[no-untyped-def]
    entry = result.lenses[provision]["sec-1373"]["law"]
    assert entry is not None
    return entry


def test_circuit_ruling_binds_its_districts_and_not_another_circuits() -> None:
    pa, ca = _evaluate("pa-town"), _evaluate("ca-town")
    assert pa.binding["tst-2010-circuit-three"] is True
    assert ca.binding["tst-2010-circuit-three"] is False
    assert _law(pa, "status_sharing").authority == "tst-2010-circuit-three"
    assert _law(ca, "status_sharing").authority == "tst-2011-circuit-nine"


def test_earlier_published_panel_beats_a_later_one() -> None:
    entry = _law(_evaluate("pa-town"), "status_sharing")
    # The 2012 panel of the same circuit reads it the other way; the 2010 panel controls.
    assert entry.authority == "tst-2010-circuit-three"
    assert entry.verdict.value == "conflict"
    assert "tst-2012-circuit-three-later" in entry.also


def test_before_any_ruling_the_statute_is_the_baseline() -> None:
    entry = _law(_evaluate("pa-town", dt.date(2009, 6, 1)), "status_sharing")
    assert entry.authority == "tst-2000-table"  # no ruling yet: the statute's text


def test_district_ruling_binds_only_its_parties() -> None:
    party, other = _evaluate("party-town"), _evaluate("pa-town")
    assert party.binding["tst-2014-district"] is True
    assert other.binding["tst-2014-district"] is False
    assert _law(party, "victim_witness_status_sharing").authority == "tst-2014-district"
    assert _law(other, "victim_witness_status_sharing").authority == "tst-2000-table"


def test_unpublished_panel_binds_only_its_parties() -> None:
    assert _evaluate("nine-party").binding["tst-2013-circuit-nine-unpublished"] is True
    assert _evaluate("ca-town").binding["tst-2013-circuit-nine-unpublished"] is False


def test_two_circuits_disagreeing_make_it_contested_in_a_third() -> None:
    entry = _law(_evaluate("ny-town"), "status_sharing")
    assert entry.authority == "tst-2000-table"  # neither circuit binds New York
    assert entry.contested is True
    assert entry.sides == {
        "conflict": ["tst-2010-circuit-three"],
        "compliant": ["tst-2011-circuit-nine"],
    }


def test_one_circuit_reading_alone_is_not_contested() -> None:
    entry = _law(_evaluate("ny-town", dt.date(2010, 6, 1)), "status_sharing")
    assert entry.contested is False and entry.sides == {}


def test_enforcement_positions_never_control_the_law_lens() -> None:
    result = _evaluate("pa-town")
    for per_q in result.lenses.values():
        law = per_q["sec-1373"]["law"]
        assert law is None or law.authority.startswith("tst-")


@pytest.mark.parametrize("town", ["pa-town", "ca-town", "ny-town"])
def test_binding_is_reported_per_policy_for_every_authority_in_force(town: str) -> None:
    result = _evaluate(town)
    assert set(result.binding) == {a.id for a in _rulings()}


def _with_effects(town: str, day: dt.date) -> PolicyResult:
    path = COURTS / "policies" / f"{town}.yaml"
    policy, _ = load_policy(path, str(path))
    assert policy is not None
    authorities = [fixture_authority()]
    for p in sorted((COURTS / "effects").glob("*.yaml")):
        authority, problems = load_rule_file(p, p.name)
        assert authority is not None, [str(x) for x in problems]
        authorities.append(authority)
    effects = [e for a in authorities for e in a.effects]
    return evaluate_policy(
        policy, authority_states(authorities, day), registry(), Options(day), effects
    )


def _enforceable(result: PolicyResult) -> bool:
    (f,) = [
        x
        for x in result.findings
        if x.authority == "tst-2000-table" and x.provision == "status_sharing"
    ]
    return f.enforceable


def test_an_injunction_stops_enforcement_until_it_is_vacated() -> None:
    assert _enforceable(_with_effects("party-town", dt.date(2015, 2, 28))) is True
    enjoined = _with_effects("party-town", dt.date(2015, 3, 1))
    assert _enforceable(enjoined) is False
    (f,) = [
        x
        for x in enjoined.findings
        if x.authority == "tst-2000-table" and x.provision == "status_sharing"
    ]
    assert f.verdict.value == "conflict"  # the verdict stays; only enforcement stops
    assert [e.key for e, _ in f.effects] == ["tst-2015-district-injunction/inj"]
    assert _enforceable(_with_effects("party-town", dt.date(2016, 6, 1))) is True
    assert _enforceable(_with_effects("pa-town", dt.date(2015, 3, 1))) is True  # not a party


def test_dated_scope_changes_who_is_bound() -> None:
    early = _with_effects("pa-town", dt.date(2016, 12, 31))
    late = _with_effects("pa-town", dt.date(2017, 1, 1))
    assert early.binding["tst-2015-district-injunction"] is False
    assert late.binding["tst-2015-district-injunction"] is True


# --- a court's own decisions over time, and dates at their precision ----------------------------


def _evaluate_in(folder: str, town: str, day: dt.date) -> PolicyResult:
    """A town under the fixture statute and the rulings of one fixture folder only."""
    path = COURTS / "policies" / f"{town}.yaml"
    policy, problems = load_policy(path, str(path))
    assert policy is not None, [str(p) for p in problems]
    authorities = [fixture_authority()]
    for p in sorted((COURTS / folder).glob("*.yaml")):
        authority, problems = load_rule_file(p, p.name)
        assert authority is not None, [str(x) for x in problems]
        authorities.append(authority)
    return evaluate_policy(policy, authority_states(authorities, day), registry(), Options(day))


def test_the_supreme_courts_later_decision_controls_over_its_earlier_one() -> None:
    # No prior-panel rule binds the Supreme Court: its 2015 reading replaces its 2005 one.
    early = _law(_evaluate_in("supreme", "pa-town", dt.date(2010, 1, 1)), "status_sharing")
    assert (early.authority, early.verdict.value) == ("tst-2005-supreme", "compliant")
    entry = _law(_evaluate_in("supreme", "pa-town", DAY), "status_sharing")
    assert (entry.authority, entry.verdict.value) == ("tst-2015-supreme-later", "conflict")
    assert "latest" in entry.why and "tst-2005-supreme" in entry.also


def test_panels_whose_order_the_dates_cannot_settle_leave_the_reading_unknown() -> None:
    # "2018-06" may be before or after June 6, 2018; the two panels read it differently, so
    # which one the prior-panel rule makes control is unknown, and the lens says so.
    entry = _law(_evaluate_in("imprecise", "pa-town", DAY), "status_sharing")
    assert entry.verdict.value == "unknown"
    assert "tst-2018-06-circuit-three-month (2018-06: conflict)" in entry.why
    assert "tst-2018-06-06-circuit-three (2018-06-06: compliant)" in entry.why
    assert "cannot be put in order" in entry.why


def test_a_month_wholly_before_a_day_is_earlier() -> None:
    entry = _law(_evaluate_in("ordered", "pa-town", DAY), "status_sharing")
    assert (entry.authority, entry.verdict.value) == ("tst-2018-05-circuit-three-month", "conflict")
    assert "earliest published panel" in entry.why


def test_unordered_panels_that_agree_keep_their_reading() -> None:
    entry = _law(_evaluate_in("agreeing", "pa-town", DAY), "status_sharing")
    assert entry.verdict.value == "compliant"
    assert entry.authority == "tst-2018-06-circuit-three-month"  # the earlier first day


def test_another_circuits_unordered_panels_each_count_as_a_side() -> None:
    # Either Third Circuit panel may be the one that controls there: California's law lens is
    # contested between them (the statute still speaks for the Ninth Circuit's town).
    entry = _law(_evaluate_in("imprecise", "ca-town", DAY), "status_sharing")
    assert entry.authority == "tst-2000-table"
    assert entry.contested is True
    assert entry.sides == {
        "conflict": ["tst-2018-06-circuit-three-month"],
        "compliant": ["tst-2018-06-06-circuit-three"],
    }
