"""Dates at their precision and half-open windows."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctuary_check.model import InForce, Window
from sanctuary_check.timeline import (
    DateError,
    on_or_before,
    parse_day,
    parse_partial,
    window_days,
    window_state,
)

D = dt.date


def test_partial_dates() -> None:
    assert parse_partial("2009-11").first == D(2009, 11, 1)
    assert parse_partial("2009-11").last == D(2009, 11, 30)
    assert parse_partial("2001").last == D(2001, 12, 31)
    assert parse_partial("2016-02").last == D(2016, 2, 29)
    assert parse_partial("2016-01-04").precise
    for bad in ("2016-02-30", "2016-13", "16-01-04", "2016/01/04", "unknown", ""):
        with pytest.raises(DateError):
            parse_partial(bad)
    with pytest.raises(DateError):
        parse_day("2016-01")


def test_half_open_window() -> None:
    w = Window("2016-01-04", "2018-07-01")
    assert window_state(w, D(2016, 1, 3), "x").state is InForce.NO
    assert window_state(w, D(2016, 1, 4), "x").state is InForce.YES
    assert window_state(w, D(2018, 6, 30), "x").state is InForce.YES
    assert window_state(w, D(2018, 7, 1), "x").state is InForce.NO


def test_imprecise_boundaries_give_unknown_with_reason() -> None:
    w = Window("2009-11", None)
    assert window_state(w, D(2009, 10, 31), "EO").state is InForce.NO
    inside = window_state(w, D(2009, 11, 15), "EO")
    assert inside.state is InForce.UNKNOWN and "2009-11" in (inside.reason or "")
    assert window_state(w, D(2009, 11, 30), "EO").state is InForce.YES
    end = Window("2000-01-01", "2018-06")
    assert window_state(end, D(2018, 5, 31), "x").state is InForce.YES
    assert window_state(end, D(2018, 6, 10), "x").state is InForce.UNKNOWN
    assert window_state(end, D(2018, 6, 30), "x").state is InForce.NO


def test_unknown_boundaries_use_known_in_force_dates() -> None:
    w = Window("2017-10-11", "unknown", last_known_in_force="2017-11-17")
    assert window_state(w, D(2017, 11, 17), "doj").state is InForce.YES
    later = window_state(w, D(2019, 1, 1), "doj")
    assert later.state is InForce.UNKNOWN and "2017-11-17" in (later.reason or "")
    start = Window("unknown", None, first_known_in_force="2017-10")
    assert window_state(start, D(2017, 10, 30), "form").state is InForce.UNKNOWN
    assert window_state(start, D(2017, 10, 31), "form").state is InForce.YES
    assert window_state(Window(None, None), D(2017, 1, 1), "x").state is InForce.UNKNOWN


def test_an_end_known_only_as_by_a_day() -> None:
    # Last known in force on June 3, surely over by July 27: unknown between, ended from then.
    w = Window(
        "2017-09-15", "unknown", last_known_in_force="2018-06-03", ended_by_date="2018-07-27"
    )
    assert window_state(w, D(2018, 6, 3), "inj").state is InForce.YES
    between = window_state(w, D(2018, 7, 26), "inj")
    assert between.state is InForce.UNKNOWN and "2018-06-03" in (between.reason or "")
    gone = window_state(w, D(2018, 7, 27), "inj")
    assert gone.state is InForce.NO and "had ended by 2018-07-27" in (gone.reason or "")
    # At a month's precision it is surely over only once the month is.
    month = Window("2017-07-25", "unknown", ended_by_date="2021-05")
    assert window_state(month, D(2021, 5, 30), "jag").state is InForce.UNKNOWN
    assert window_state(month, D(2021, 5, 31), "jag").state is InForce.NO
    assert D(2018, 7, 27) in window_days(w) and D(2018, 6, 4) in window_days(w)


def test_on_or_before() -> None:
    assert on_or_before("2017-11", D(2017, 11, 30)) is InForce.YES
    assert on_or_before("2017-11", D(2017, 11, 29)) is InForce.UNKNOWN
    assert on_or_before("2017-11", D(2017, 10, 31)) is InForce.NO


days = st.dates(min_value=D(1990, 1, 1), max_value=D(2030, 12, 31))


@given(days, days, days)
def test_precise_window_matches_interval_arithmetic(a: D, b: D, x: D) -> None:
    start, end = min(a, b), max(a, b)
    state = window_state(Window(start.isoformat(), end.isoformat()), x, "w").state
    assert state is (InForce.YES if start <= x < end else InForce.NO)
