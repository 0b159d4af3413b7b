"""Dates at the precision the sources give, half-open windows, and as-of selection.

A boundary written "2009-11" means some day in November 2009. An as-of date inside that month
cannot be placed before or after it, and the answer is "unknown" with the reason, never a
guessed day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass

from .model import InForce, Window


@dataclass(frozen=True, slots=True)
class PartialDate:
    raw: str
    first: dt.date
    last: dt.date

    @property
    def precise(self) -> bool:
        return self.first == self.last


class DateError(ValueError):
    pass


def parse_partial(raw: str) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (raises DateError)."""
    # The same few hundred dates are read for every policy of a run: parse each once.
    return _parse_partial(raw) if isinstance(raw, str) else _parse_uncached(raw)


def _parse_uncached(raw: str) -> PartialDate:
    parts = raw.split("-")
    try:
        nums = [int(p) for p in parts]
        if len(parts) == 1 and len(parts[0]) == 4:
            return PartialDate(raw, dt.date(nums[0], 1, 1), dt.date(nums[0], 12, 31))
        if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
            last_day = calendar.monthrange(nums[0], nums[1])[1]
            return PartialDate(
                raw, dt.date(nums[0], nums[1], 1), dt.date(nums[0], nums[1], last_day)
            )
        if len(parts) == 3 and [len(p) for p in parts] == [4, 2, 2]:
            day = dt.date(nums[0], nums[1], nums[2])
            return PartialDate(raw, day, day)
    except ValueError as exc:
        raise DateError(f"{raw!r} is not a real date ({exc})") from None
    raise DateError(f"{raw!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")


_parse_partial = functools.lru_cache(maxsize=8192)(_parse_uncached)


def parse_day(raw: str) -> dt.date:
    """An as-of date: a full ISO day."""
    p = parse_partial(raw)
    if not p.precise:
        raise DateError(f"{raw!r} is not a full day: write YYYY-MM-DD")
    return p.first


@dataclass(frozen=True, slots=True)
class WindowState:
    state: InForce
    reason: str | None = None


def on_or_before(raw: str, as_of: dt.date) -> InForce:
    """Did the dated event (at its precision) happen on or before ``as_of``?"""
    p = parse_partial(raw)
    if p.last <= as_of:
        return InForce.YES
    if p.first > as_of:
        return InForce.NO
    return InForce.UNKNOWN


def window_state(window: Window, as_of: dt.date, what: str) -> WindowState:
    """Whether ``as_of`` lies in the half-open window [from, until), three-valued.

    ``first_known_in_force`` and ``last_known_in_force`` narrow an unknown boundary: the thing was
    in force at some point of that (possibly imprecise) date, so it was certainly in force from the
    end of that period (first known) or up to its start (last known).
    """
    start = _start_state(window, as_of, what)
    if start.state is InForce.NO:
        return start
    end = _end_state(window, as_of, what)
    if end.state is InForce.NO:
        return end
    if InForce.UNKNOWN in (start.state, end.state):
        reason = " and ".join(r for r in (start.reason, end.reason) if r)
        return WindowState(InForce.UNKNOWN, reason)
    return WindowState(InForce.YES)


def _start_state(window: Window, as_of: dt.date, what: str) -> WindowState:
    raw = window.effective_from
    if raw is None or raw == "unknown":
        known = window.first_known_in_force
        if known is not None and parse_partial(known).last <= as_of:
            return WindowState(InForce.YES)
        if known is not None and raw is None:
            return WindowState(
                InForce.UNKNOWN,
                f"{what} has no known start; it is only known in force from {known}",
            )
        return WindowState(
            InForce.UNKNOWN,
            f"when {what} took effect is unknown"
            + (f" (first known in force {known})" if known else ""),
        )
    p = parse_partial(raw)
    if p.last <= as_of:
        return WindowState(InForce.YES)
    if p.first > as_of:
        return WindowState(InForce.NO, f"{what} takes effect {raw}, after {as_of.isoformat()}")
    return WindowState(
        InForce.UNKNOWN,
        f"{as_of.isoformat()} falls inside {raw}, when {what} took effect; the source gives no "
        "exact day",
    )


def _end_state(window: Window, as_of: dt.date, what: str) -> WindowState:
    raw = window.effective_until
    if raw is None:
        return WindowState(InForce.YES)
    if raw == "unknown":
        known = window.last_known_in_force
        if known is not None and as_of <= parse_partial(known).first:
            return WindowState(InForce.YES)
        gone = window.ended_by_date
        if gone is not None and as_of >= parse_partial(gone).last:
            return WindowState(InForce.NO, f"{what} had ended by {gone}")
        return WindowState(
            InForce.UNKNOWN,
            f"when {what} ended is unknown" + (f" (last known in force {known})" if known else ""),
        )
    p = parse_partial(raw)
    if as_of < p.first:
        return WindowState(InForce.YES)
    if as_of >= p.last:
        return WindowState(InForce.NO, f"{what} ended {raw}")
    return WindowState(
        InForce.UNKNOWN,
        f"{as_of.isoformat()} falls inside {raw}, when {what} ended; the source gives no exact day",
    )


def change_days(raw: str | None, role: str) -> list[dt.date]:
    """The days on which a boundary can change a three-valued answer.

    ``role`` is how the date is used: ``start`` (effective_from), ``end`` (effective_until),
    ``event`` (a dated event compared with on_or_before), ``first_known`` or ``last_known``.
    An imprecise date changes answers twice: where it may begin and where it surely has.
    """
    if raw is None or raw == "unknown":
        return []
    p = parse_partial(raw)
    if role in ("start", "end", "event"):
        return sorted({p.first, p.last})
    if role == "first_known":
        return [p.last]
    if role == "last_known":
        return [p.first + dt.timedelta(days=1)]
    if role == "ended_by":
        return [p.last]
    raise ValueError(role)


def window_days(window: Window) -> list[dt.date]:
    """Every day on which a window's three-valued state can change."""
    return sorted(
        {
            *change_days(window.effective_from, "start"),
            *change_days(window.effective_until, "end"),
            *change_days(window.first_known_in_force, "first_known"),
            *change_days(window.last_known_in_force, "last_known"),
            *change_days(window.ended_by_date, "ended_by"),
        }
    )


def windows_overlap(a: Window, b: Window) -> bool:
    """Whether two half-open windows certainly share a day (unknown boundaries share none)."""

    def lo(w: Window) -> dt.date | None:
        raw = w.effective_from
        return parse_partial(raw).last if raw and raw != "unknown" else None

    def hi(w: Window) -> dt.date | None:
        raw = w.effective_until
        if raw is None:
            return dt.date.max
        return parse_partial(raw).first if raw != "unknown" else None

    start_a, start_b, end_a, end_b = lo(a), lo(b), hi(a), hi(b)
    if start_a is None or start_b is None or end_a is None or end_b is None:
        return False
    return max(start_a, start_b) < min(end_a, end_b)
