"""Which rules and condition branches expectation files exercise.

A rule is exercised when an expectation states the verdict of a finding that rule decided. A
branch is one outcome (true, false, unknown) of one node of a rule's condition; it is exercised
when some exercised finding's evaluation gave that node that outcome. Outcomes are observed by
wrapping each node of the rules' conditions in a probe that records what it returned; the probe
adds nothing to the trace and changes no result, so the engine runs unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from .catalog import Entry, entries_of
from .conditions import All, AnyOf, Condition, Context, Not, StanceIn
from .hierarchy import AuthorityState
from .model import Authority, Location, Tri
from .session import Session

NodePath = tuple[int, ...]
OUTCOMES = ("true", "false", "unknown")


class Recorder:
    """What each rule's condition nodes returned during one evaluation."""

    def __init__(self) -> None:
        self.visits: dict[str, set[tuple[NodePath, str]]] = {}

    def take(self) -> dict[str, set[tuple[NodePath, str]]]:
        out, self.visits = self.visits, {}
        return out


@dataclass(frozen=True, eq=False)
class Probe:
    """A condition node that records its result and otherwise behaves exactly as the node."""

    inner: Condition
    rule: str
    path: NodePath
    recorder: Recorder

    def evaluate(self, ctx: Context, depth: int = 0) -> Tri:
        result = self.inner.evaluate(ctx, depth)
        self.recorder.visits.setdefault(self.rule, set()).add((self.path, result.value))
        return result

    def describe(self) -> str:
        return self.inner.describe()

    def leaves(self) -> Iterable[Condition]:
        return self.inner.leaves()


def _probe(cond: Condition, rule: str, recorder: Recorder, path: NodePath = ()) -> Condition:
    inner: Condition
    if isinstance(cond, All | AnyOf):
        parts = tuple(_probe(p, rule, recorder, (*path, i)) for i, p in enumerate(cond.parts))
        inner = All(parts) if isinstance(cond, All) else AnyOf(parts)
    elif isinstance(cond, Not):
        inner = Not(_probe(cond.part, rule, recorder, (*path, 0)))
    else:
        inner = cond
    return Probe(inner, rule, path, recorder)


def _probed(authority: Authority, recorder: Recorder) -> Authority:
    rules = tuple(
        dataclasses.replace(r, when=_probe(r.when, f"{authority.id}/{r.id}", recorder))
        for r in authority.rules
    )
    return dataclasses.replace(authority, rules=rules)


def instrument(session: Session, recorder: Recorder) -> Session:
    """The same session with every rule's condition probed."""
    probed = {a.id: _probed(a, recorder) for a in session.authorities}
    states = [AuthorityState(probed[s.authority.id], s.state, s.reason) for s in session.states]
    return dataclasses.replace(session, authorities=list(probed.values()), states=states)


def possible(cond: Condition) -> frozenset[str]:
    """The outcomes a node can have: a stance test is never unknown; a fact test can be."""
    if isinstance(cond, StanceIn):
        return frozenset({"true", "false"})
    if isinstance(cond, All | AnyOf):
        children = [possible(p) for p in cond.parts]
        return frozenset({"true", "false"} | ({"unknown"} & set().union(*children)))
    if isinstance(cond, Not):
        return possible(cond.part)
    # Fact tests (exceptions, binds_holder, practice, savings) and any later leaf kinds are
    # unknown when the fact was not encoded.
    return frozenset(OUTCOMES)


def nodes(
    cond: Condition, path: NodePath = (), depth: int = 0
) -> list[tuple[NodePath, int, Condition]]:
    """Every node of a condition, in reading order, with its path and depth."""
    out = [(path, depth, cond)]
    if isinstance(cond, All | AnyOf):
        for i, p in enumerate(cond.parts):
            out.extend(nodes(p, (*path, i), depth + 1))
    elif isinstance(cond, Not):
        out.extend(nodes(cond.part, (*path, 0), depth + 1))
    return out


def node_label(cond: Condition) -> str:
    if isinstance(cond, All):
        return "all of (...)"
    if isinstance(cond, AnyOf):
        return "any of (...)"
    if isinstance(cond, Not):
        return "not (...)"
    return cond.describe()


@dataclass(slots=True)
class Missing:
    depth: int
    label: str
    outcomes: list[str]


@dataclass(slots=True)
class EntryCoverage:
    ident: str
    location: Location
    exercised: bool
    branches: int
    covered: int
    missing: list[Missing]
    #: The question of an outside-scope entry, whose id names only its provision: one
    #: authority may put a provision outside the scope of several questions.
    question: str | None = None

    @property
    def label(self) -> str:
        return self.ident if self.question is None else f"{self.ident} on {self.question}"


@dataclass(slots=True)
class Coverage:
    """What expectations exercised, accumulated over every case of a run."""

    authorities: dict[str, Authority] = field(default_factory=dict)
    #: Report only these authorities (None: every authority loaded).
    only: frozenset[str] | None = None
    #: (rule id, question) of each finding an expectation named.
    exercised: set[tuple[str, str]] = field(default_factory=set)
    covered: dict[str, set[tuple[NodePath, str]]] = field(default_factory=dict)

    def add_authorities(self, authorities: Iterable[Authority]) -> None:
        for a in authorities:
            self.authorities.setdefault(a.id, a)

    def exercise(
        self, rule: str, question: str, visits: dict[str, set[tuple[NodePath, str]]]
    ) -> None:
        self.exercised.add((rule, question))
        self.covered.setdefault(rule, set()).update(visits.get(rule, set()))

    def report(self) -> list[EntryCoverage]:
        out = []
        for a in self.authorities.values():
            if self.only is not None and a.id not in self.only:
                continue
            for entry in entries_of(a):
                out.append(self._entry(entry))
        return out

    def _entry(self, entry: Entry) -> EntryCoverage:
        ident = entry.ident
        seen = self.covered.get(ident, set())
        missing: list[Missing] = []
        branches = covered = 0
        # While a rule's question is open its condition is never evaluated (decision step 5),
        # so its branches cannot be exercised and are not counted.
        if entry.rule is not None and not entry.rule.open_question:
            for path, depth, node in nodes(entry.rule.when):
                can = sorted(possible(node), key=OUTCOMES.index)
                got = [o for o in can if (path, o) in seen]
                branches += len(can)
                covered += len(got)
                lacking = [o for o in can if o not in got]
                if lacking:
                    missing.append(Missing(depth, node_label(node), lacking))
        return EntryCoverage(
            ident,
            entry.location,
            (ident, entry.question) in self.exercised,
            branches,
            covered,
            missing,
            entry.question if entry.scope is not None else None,
        )


def attribute(
    coverage: Coverage,
    visits: dict[str, set[tuple[NodePath, str]]],
    rules: Iterable[tuple[str, str] | None],
) -> None:
    """Credit the expectations of one case: each names a finding, decided by some rule (or
    scope entry) on some question."""
    for decided in rules:
        if decided is not None:
            coverage.exercise(*decided, visits)
