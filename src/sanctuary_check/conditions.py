"""The condition language of rules: data, not code, evaluated in three values.

A rule's ``when`` is a tree of mappings with exactly one key each:

- ``all: [c, ...]``, ``any: [c, ...]``, ``not: c``: Kleene's strong three-valued logic;
- ``stance: [s, ...]``: the clause's stance is one of these;
- ``exception: {honours: [k, ...]}``: some exception alternative is made only of kinds the rule
  honours (a kind honours every class; ``{conviction: [violent_felony]}`` only those classes);
- ``binds_holder: info``: the clause binds an agency that holds that information;
- ``practice: [s, ...]``: the clause's recorded practice has one of these stances (unknown when
  none is recorded); ``practice_on_record: [s, ...]``: such a practice is on record (false when
  none is), for readings that turn on what a jurisdiction showed the authority;
- ``savings: {reading: r, by: authority[, covering: provision]}``: a savings clause covering the
  provision (or the one named) has that reading by that reader, in force on the as-of date;
- ``open: reason``: a branch the authority left open: always undecided, with the reason.

Every leaf records what it read in the trace, with the policy location, so that ``--trace`` and
``explain`` can show how each part was decided. A fact nobody encoded is UNKNOWN, never false.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .model import (
    Agency,
    Clause,
    ExceptionAlt,
    ExceptionAtom,
    Exceptions,
    InForce,
    Location,
    Practice,
    SavingsClause,
    TraceStep,
    Tri,
)
from .timeline import on_or_before, window_state


class ConditionError(ValueError):
    """A ``when`` that is not valid condition data (the schema normally catches this first)."""


@dataclass(frozen=True, slots=True)
class ClauseView:
    """A clause as it stands on the as-of date (a dated state's fields override the clause's)."""

    clause: Clause
    stance: str
    exceptions: tuple[ExceptionAlt, ...] | None
    binds: tuple[str, ...] | None
    practice: Practice | None
    location: Location


@dataclass(slots=True)
class Context:
    view: ClauseView
    provision: str
    parent: str | None
    agencies: dict[str, Agency]
    savings_clauses: tuple[SavingsClause, ...] | None
    as_of: dt.date
    trace: list[TraceStep] = field(default_factory=list)
    derived_from: set[str] = field(default_factory=set)
    read: list[tuple[Location, str]] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)

    def note(self, depth: int, text: str, result: Tri, location: Location | None = None) -> None:
        """Record what a leaf read and decided; undecided leaves are kept as reasons."""
        self.trace.append(TraceStep(depth, text, result.value, location))
        if result is Tri.UNKNOWN and text not in self.unknowns:
            self.unknowns.append(text)


class Condition(Protocol):
    def evaluate(self, ctx: Context, depth: int = 0) -> Tri: ...

    def describe(self) -> str: ...

    def leaves(self) -> Iterable[Condition]: ...


def _kleene_all(values: list[Tri]) -> Tri:
    if Tri.FALSE in values:
        return Tri.FALSE
    if Tri.UNKNOWN in values:
        return Tri.UNKNOWN
    return Tri.TRUE


def _kleene_any(values: list[Tri]) -> Tri:
    if Tri.TRUE in values:
        return Tri.TRUE
    if Tri.UNKNOWN in values:
        return Tri.UNKNOWN
    return Tri.FALSE


@dataclass(frozen=True, slots=True)
class All:
    parts: tuple[Condition, ...]

    def evaluate(self, ctx: Context, depth: int = 0) -> Tri:
        at = len(ctx.trace)
        # Every part is evaluated (no short circuit) so the trace shows each of them.
        result = _kleene_all([p.evaluate(ctx, depth + 1) for p in self.parts])
        ctx.trace.insert(at, TraceStep(depth, "all of:", result.value))
        return result

    def describe(self) -> str:
        return "all of (" + "; ".join(p.describe() for p in self.parts) + ")"

    def leaves(self) -> Iterable[Condition]:
        for p in self.parts:
            yield from p.leaves()


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def evaluate(self, ctx: Context, depth: int = 0) -> Tri:
        at = len(ctx.trace)
        result = _kleene_any([p.evaluate(ctx, depth + 1) for p in self.parts])
        ctx.trace.insert(at, TraceStep(depth, "any of:", result.value))
        return result

    def describe(self) -> str:
        return "any of (" + "; ".join(p.describe() for p in self.parts) + ")"

    def leaves(self) -> Iterable[Condition]:
        for p in self.parts:
            yield from p.leaves()


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition

    def evaluate(self, ctx: Context, depth: int = 0) -> Tri:
        at = len(ctx.trace)
        inner = self.part.evaluate(ctx, depth + 1)
        result = {Tri.TRUE: Tri.FALSE, Tri.FALSE: Tri.TRUE, Tri.UNKNOWN: Tri.UNKNOWN}[inner]
        ctx.trace.insert(at, TraceStep(depth, "not:", result.value))
        return result

    def describe(self) -> str:
        return f"not ({self.part.describe()})"

    def leaves(self) -> Iterable[Condition]:
        yield from self.part.leaves()


@dataclass(frozen=True, slots=True)
class StanceIn:
    stances: frozenset[str]

    def evaluate(self, ctx: Context, depth: int = 0) -> Tri:
        view = ctx.view
        result = Tri.of(view.stance in self.stances)
        ctx.note(
            depth,
            f"stance is {view.stance!r}; rule asks for one of {_words(self.stances)}",
            result,
            view.location,
        )
        return result

    def describe(self) -> str:
        return f"the clause is {_words(self.stances, 'or')}"

    def leaves(self) -> Iterable[Condition]:
        yield self


@dataclass(frozen=True, slots=True)
class ExceptionHonoured:
    kinds: frozenset[str]
    classes: tuple[tuple[str, frozenset[str]], ...]

    def _atom(self, atom: ExceptionAtom) -> Tri:
        if atom.kind in self.kinds:
            return Tri.TRUE
        for kind, classes in self.classes:
            if kind == atom.kind:
                if atom.cls is None:
                    return Tri.UNKNOWN
                return Tri.of(atom.cls in classes)
        return Tri.FALSE

    def evaluate(self, ctx: Context, depth: int = 0) -> Tri:
        view = ctx.view
        if view.stance != "restricted":
            # Only a restriction has exceptions: a prohibition has none by definition, and
            # permitting or requiring clauses restrict nothing to make exceptions to.
            ctx.note(depth, f"a {view.stance} clause has no exceptions", Tri.FALSE, view.location)
            return Tri.FALSE
        if view.exceptions is None:
            ctx.note(
                depth,
                "the clause's exceptions were not encoded, so whether one is honoured is unknown",
                Tri.UNKNOWN,
                view.location,
            )
            return Tri.UNKNOWN
        # What decides from here is the exceptions list, not the stance: the steps point at it.
        listed, items = view.location, [view.location] * len(view.exceptions)
        if isinstance(view.exceptions, Exceptions) and view.exceptions.location is not None:
            listed, items = view.exceptions.location, list(view.exceptions.items)
        if not view.exceptions:
            ctx.note(depth, "the clause lists no exceptions", Tri.FALSE, listed)
            return Tri.FALSE
        results = []
        for alt, at in zip(view.exceptions, items, strict=True):
            got = _kleene_all([self._atom(a) for a in alt.parts])
            results.append(got)
            ctx.note(
                depth + 1,
                f"exception {alt.describe()}: "
                + {
                    Tri.TRUE: "every part is honoured",
                    Tri.FALSE: "not honoured",
                    Tri.UNKNOWN: "class not encoded",
                }[got],
                got,
                at,
            )
        result = _kleene_any(results)
        ctx.trace.insert(
            len(ctx.trace) - len(results),
            TraceStep(
                depth,
                f"an exception made only of honoured kinds ({self.describe_kinds()})",
                result.value,
                listed,
            ),
        )
        return result

    def describe_kinds(self) -> str:
        names = sorted(self.kinds) + [f"{k} ({', '.join(sorted(c))})" for k, c in self.classes]
        return ", ".join(names) if names else "none"

    def describe(self) -> str:
        return f"an exception the rule honours ({self.describe_kinds()})"

    def leaves(self) -> Iterable[Condition]:
        yield self


@dataclass(frozen=True, slots=True)
class BindsHolder:
    information: str

    def evaluate(self, ctx: Context, depth: int = 0) -> Tri:
        view = ctx.view
        if view.binds is None:
            ctx.note(
                depth,
                f"which agencies the clause binds was not encoded; whether it binds the holder of "
                f"{self.information} is unknown",
                Tri.UNKNOWN,
                view.location,
            )
            return Tri.UNKNOWN
        unknown = []
        for agency_id in view.binds:
            agency = ctx.agencies.get(agency_id)
            if agency is None or agency.holds is None:
                unknown.append(agency_id)
            elif self.information in agency.holds:
                ctx.note(
                    depth,
                    f"the clause binds {agency_id}, which holds {self.information}",
                    Tri.TRUE,
                    view.location,
                )
                return Tri.TRUE
        result = Tri.UNKNOWN if unknown else Tri.FALSE
        text = (
            f"what {', '.join(unknown)} holds was not encoded"
            if unknown
            else f"no agency the clause binds holds {self.information}"
        )
        ctx.note(depth, text, result, view.location)
        return result

    def describe(self) -> str:
        return f"the clause binds an agency that holds {self.information}"

    def leaves(self) -> Iterable[Condition]:
        yield self


@dataclass(frozen=True, slots=True)
class PracticeIn:
    """What an agency does under the clause.

    ``practice`` asks what the agency actually does: with nothing recorded, that is unknown.
    ``practice_on_record`` asks what has been shown: with nothing recorded, nothing was shown. It
    is for authorities whose reading turns on what a jurisdiction showed them (DOJ cleared
    jurisdictions when the agency holding the information was shown to share it in practice);
    such a record is usually known only from the authority's determination, and so is in-sample.
    """

    stances: frozenset[str]
    on_record: bool = False

    def evaluate(self, ctx: Context, depth: int = 0) -> Tri:
        practice = ctx.view.practice
        if practice is None:
            if self.on_record:
                ctx.note(
                    depth, "no practice is on record for this clause", Tri.FALSE, ctx.view.location
                )
                return Tri.FALSE
            ctx.note(
                depth, "no practice is recorded for this clause", Tri.UNKNOWN, ctx.view.location
            )
            return Tri.UNKNOWN
        if practice.derived_from:
            ctx.derived_from.add(practice.derived_from)
        ctx.read.append((practice.location, "practice"))
        result = Tri.of(practice.stance in self.stances)
        ctx.note(
            depth,
            f"{practice.agency}'s practice is {practice.stance!r}; rule asks for one of "
            f"{_words(self.stances)}",
            result,
            practice.location,
        )
        return result

    def describe(self) -> str:
        which = "a practice on record" if self.on_record else "the recorded practice"
        return f"{which} is {_words(self.stances, 'or')}"

    def leaves(self) -> Iterable[Condition]:
        yield self


@dataclass(frozen=True, slots=True)
class Open:
    """A branch of a reading the authority left open: undecided, with the reason in the trace."""

    reason: str

    def evaluate(self, ctx: Context, depth: int = 0) -> Tri:
        ctx.note(depth, f"left open: {self.reason}", Tri.UNKNOWN)
        return Tri.UNKNOWN

    def describe(self) -> str:
        return f"left open ({self.reason})"

    def leaves(self) -> Iterable[Condition]:
        yield self


@dataclass(frozen=True, slots=True)
class Savings:
    reading: str
    by: str
    #: The provision the savings clause must cover, when not the rule's own (DOJ asked whether a
    #: bar on asking people restricts *requesting* status from federal officers).
    covering: str | None = None

    def evaluate(self, ctx: Context, depth: int = 0) -> Tri:
        if ctx.savings_clauses is None:
            ctx.note(
                depth,
                "the policy's savings clauses were not encoded (savings_clauses is absent), so "
                "whether one applies is unknown",
                Tri.UNKNOWN,
            )
            return Tri.UNKNOWN
        keys = (
            {self.covering}
            if self.covering
            else {ctx.provision} | ({ctx.parent} if ctx.parent else set())
        )
        results: list[Tri] = []
        for sc in ctx.savings_clauses:
            if not keys.intersection(sc.covers):
                continue
            results.append(self._one(sc, ctx, depth + 1))
        result = _kleene_any(results)
        if not results:
            ctx.note(depth, f"no savings clause covers {' or '.join(sorted(keys))}", Tri.FALSE)
        else:
            ctx.trace.insert(
                len(ctx.trace) - len(results),
                TraceStep(
                    depth, f"a savings clause read {self.reading!r} by {self.by}", result.value
                ),
            )
        return result

    def _one(self, sc: SavingsClause, ctx: Context, depth: int) -> Tri:
        ctx.read.append((sc.location, "savings_clause"))
        presence = Tri.TRUE
        if sc.states:
            states = [
                window_state(s.window, ctx.as_of, f"savings clause {sc.id}") for s in sc.states
            ]
            if any(s.state is InForce.YES for s in states):
                presence = Tri.TRUE
            elif any(s.state is InForce.UNKNOWN for s in states):
                presence = Tri.UNKNOWN
            else:
                ctx.note(depth, f"savings clause {sc.id} is not in force", Tri.FALSE, sc.location)
                return Tri.FALSE
        latest = None
        uncertain = False
        for reading in sc.readings:
            if reading.by != self.by:
                continue
            when = on_or_before(reading.date, ctx.as_of)
            if when is InForce.YES and (latest is None or reading.date >= latest.date):
                latest = reading
            elif when is InForce.UNKNOWN:
                uncertain = True
        if latest is None:
            result = Tri.UNKNOWN if uncertain else Tri.FALSE
            ctx.note(
                depth,
                f"savings clause {sc.id}: no reading by {self.by} on or before "
                f"{ctx.as_of.isoformat()}"
                + (" (a reading's date is imprecise)" if uncertain else ""),
                result,
                sc.location,
            )
            return result
        if latest.derived_from:
            ctx.derived_from.add(latest.derived_from)
        matched = Tri.of(latest.reading == self.reading)
        result = _kleene_all([matched, presence])
        ctx.note(
            depth,
            f"savings clause {sc.id}: {self.by} read it {latest.reading!r} on {latest.date}",
            result,
            latest.location,
        )
        return result

    def describe(self) -> str:
        what = self.covering or "the provision"
        return f"a savings clause covering {what} is read {self.reading!r} by {self.by}"

    def leaves(self) -> Iterable[Condition]:
        yield self


def _words(values: Iterable[str], joiner: str = "or") -> str:
    items = sorted(values)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {joiner} " + items[-1]


def compile_condition(data: Any) -> Condition:
    """Turn validated ``when`` data into a condition tree (raises ConditionError)."""
    if not isinstance(data, dict) or len(data) != 1:
        raise ConditionError("a condition is a mapping with exactly one key")
    ((key, value),) = data.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"{key} takes a non-empty list of conditions")
        parts = tuple(compile_condition(v) for v in value)
        return All(parts) if key == "all" else AnyOf(parts)
    if key == "not":
        return Not(compile_condition(value))
    if key in ("stance", "practice", "practice_on_record"):
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise ConditionError(f"{key} takes a non-empty list of stances")
        if key == "stance":
            return StanceIn(frozenset(value))
        return PracticeIn(frozenset(value), on_record=key == "practice_on_record")
    if key == "exception":
        if not isinstance(value, dict) or not isinstance(value.get("honours"), list):
            raise ConditionError("exception takes {honours: [kinds]}")
        kinds: set[str] = set()
        classes: list[tuple[str, frozenset[str]]] = []
        for item in value["honours"]:
            if isinstance(item, str):
                kinds.add(item)
            elif isinstance(item, dict) and len(item) == 1:
                ((kind, cls),) = item.items()
                classes.append((str(kind), frozenset(str(c) for c in cls)))
            else:
                raise ConditionError("honours lists kinds or {kind: [classes]}")
        return ExceptionHonoured(frozenset(kinds), tuple(classes))
    if key == "binds_holder":
        if not isinstance(value, str):
            raise ConditionError("binds_holder takes an information kind")
        return BindsHolder(value)
    if key == "savings":
        if not isinstance(value, dict) or not {"reading", "by"} <= set(value):
            raise ConditionError("savings takes {reading: ..., by: ...}")
        covering = value.get("covering")
        return Savings(str(value["reading"]), str(value["by"]), str(covering) if covering else None)
    if key == "open":
        if not isinstance(value, str) or not value.strip():
            raise ConditionError("open takes the reason the branch is left open")
        return Open(value)
    raise ConditionError(f"unknown condition {key!r}")
