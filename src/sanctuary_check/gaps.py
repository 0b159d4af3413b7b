"""Facts a policy file leaves missing or unconfirmed, ranked by how many verdicts they could move.

Each fact is a field the engine reads to decide a verdict (a provision nobody encoded, the
exceptions or agencies of a clause, what an agency holds, the savings clauses, whether a clause
was in force on the date, a field listed in ``unconfirmed``). For each fact the plausible
settlements are generated from the field's own domain, never from the verdicts they would give:

- an absent provision: one clause in force on the date, with each stance in turn;
- an unconfirmed ``stance``: each other stance;
- exceptions not encoded or unconfirmed (restricted clauses): none (``[]``), then each exception
  kind alone;
- ``binds`` not encoded or unconfirmed: each agency of the file alone, then all of them;
- an agency's ``holds`` not encoded or unconfirmed: nothing, each kind of information alone, then
  every kind;
- ``savings_clauses`` absent: none (``[]``); one clause covering every provision with no reading;
  the same read ``permits_sharing``, then ``does_not_permit_sharing``, by each reader that a
  rule of an authority in force asks about (``savings: {by: ...}``);
- a clause whose being in force on the date is unknown: in force, then not in force;
- no recorded practice, where a rule's condition reads the practice: each stance.

Each settlement is a patch to the file's data (exactly what an author would write), applied to a
copy and evaluated like the file itself. A fact's weight is the number of findings (authority,
question, provision) whose verdict at least one of its settlements changes. Other unconfirmed
fields (sections, titles, dates the engine can place) are listed apart, not re-evaluated.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .conditions import PracticeIn, Savings
from .engine import PolicyResult, clause_view
from .loading import Document, PathKey
from .model import InForce, Location, Policy, Verdict, Window
from .parse import policy_from
from .schemas import enum_of
from .session import Session
from .timeline import DateError, window_state
from .validation import dotted

#: Fields of a clause or agency whose settlements are re-evaluated when listed as unconfirmed.
REEVALUATED = frozenset({"stance", "exceptions", "binds", "holds"})
HYPOTHETICAL_SAVINGS_ID = "settled-savings-clause"


@dataclass(frozen=True, slots=True)
class Patch:
    """Set (or delete) the value at a path of the file's data."""

    path: PathKey
    value: Any = None
    delete: bool = False


@dataclass(frozen=True, slots=True)
class Settlement:
    label: str
    patches: tuple[Patch, ...]


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str
    subject: str
    text: str
    location: Location
    settlements: tuple[Settlement, ...]


@dataclass(frozen=True, slots=True)
class Change:
    authority: str
    question: str
    provision: str
    rule: str | None
    before: Verdict | None
    after: Verdict | None


Key = tuple[str, str, str]


@dataclass(slots=True)
class Outcome:
    settlement: Settlement
    changes: list[Change]


@dataclass(slots=True)
class RankedFact:
    policy: Policy
    fact: Fact
    outcomes: list[Outcome]

    @property
    def affected(self) -> set[Key]:
        return {(c.authority, c.question, c.provision) for o in self.outcomes for c in o.changes}

    @property
    def weight(self) -> int:
        return len(self.affected)


@dataclass(frozen=True, slots=True)
class Unsettled:
    """An unconfirmed field that is listed but not re-evaluated, and why."""

    subject: str
    field: str
    location: Location
    why: str


@dataclass(slots=True)
class Gaps:
    as_of: dt.date
    ranked: list[RankedFact] = field(default_factory=list)
    unsettled: list[Unsettled] = field(default_factory=list)


def apply(data: Any, patches: Iterable[Patch]) -> Any:
    """A copy of the data with the patches applied."""
    out = copy.deepcopy(data)
    for p in patches:
        parent = out
        for part in p.path[:-1]:
            parent = parent[part]
        if p.delete:
            del parent[p.path[-1]]
        else:
            parent[p.path[-1]] = copy.deepcopy(p.value)
    return out


def _verdicts(result: PolicyResult) -> dict[Key, tuple[Verdict, str | None]]:
    return {(f.authority, f.question, f.provision): (f.verdict, f.rule) for f in result.findings}


def changes_between(before: PolicyResult, after: PolicyResult) -> list[Change]:
    a, b = _verdicts(before), _verdicts(after)
    out = []
    for key in [*a, *(k for k in b if k not in a)]:
        va, vb = a.get(key), b.get(key)
        if (va and va[0]) != (vb and vb[0]):
            rule = (va or vb or (None, None))[1]
            out.append(
                Change(*key, rule=rule, before=va[0] if va else None, after=vb[0] if vb else None)
            )
    return out


def settle(session: Session, doc: Document, settlement: Settlement) -> PolicyResult:
    """Evaluate the file as it would be with the settlement written into it."""
    data = apply(doc.data, settlement.patches)
    policy = policy_from(Document(doc.path, data, doc.sha256, doc.marks, doc.key_marks))
    return session.evaluate(policy)


class _Finder:
    """Walks one policy file and lists its facts with their settlements."""

    def __init__(self, session: Session, doc: Document, policy: Policy) -> None:
        self.session = session
        self.doc = doc
        self.policy = policy
        self.day = session.as_of.isoformat()
        self.next_day = (session.as_of + dt.timedelta(days=1)).isoformat()
        sources = doc.data.get("sources", [])
        self.instrument = next(
            (s["id"] for s in sources if s.get("kind") == "instrument"), "instrument"
        )
        self.evidence = [s["id"] for s in sources if s.get("kind") == "evidence"][:1]
        self.agencies = [a["id"] for a in doc.data.get("agencies", [])]
        self.facts: list[Fact] = []
        self.unsettled: list[Unsettled] = []

    def loc(self, where: PathKey, *, key: bool = False) -> Location:
        """Where a field stands, or the key of the nearest mapping that holds it."""
        m = self.doc.mark(where)
        path = tuple(where) if key else ()
        while path:
            if path in self.doc.key_marks:
                m = self.doc.key_marks[path]
                break
            if isinstance(path[-1], int) and path in self.doc.marks:
                m = self.doc.marks[path]
                break
            path = path[:-1]
        return Location(self.doc.path, m.line, m.column)

    def add(self, kind: str, where: PathKey, text: str, settlements: list[Settlement]) -> None:
        self.facts.append(
            Fact(kind, dotted(where), text, self.loc(where, key=True), tuple(settlements))
        )

    def new_clause(self, stance: str) -> dict[str, Any]:
        source: dict[str, Any] = {"instrument": self.instrument, "section": None}
        if self.evidence:
            source["evidence"] = list(self.evidence)
        clause: dict[str, Any] = {
            "stance": stance,
            "source": source,
            "confidence": "low",
            "unconfirmed": ["section"],
            "states": [{"effective_from": self.day}],
        }
        if stance == "not_addressed":
            clause["documents_reviewed"] = [self.instrument]
        return clause

    def run(self) -> tuple[list[Fact], list[Unsettled]]:
        data = self.doc.data
        provisions = data.get("provisions", {})
        for key in self.session.registry.provisions:
            if key in provisions:
                self.provision(key, provisions[key])
                continue
            self.add(
                "provision-absent",
                ("provisions", key),
                f"no clause on {key}: nobody encoded what the policy says about it",
                [
                    Settlement(f"a clause {s} on {self.day}", (self._set(("provisions", key), s),))
                    for s in enum_of("stance")
                ],
            )
        for i, agency in enumerate(data.get("agencies", [])):
            self.agency(i, agency)
        if "savings_clauses" not in data:
            self.savings()
        self.rest()
        return self.facts, self.unsettled

    def _set(self, where: PathKey, stance: str) -> Patch:
        return Patch(where, self.new_clause(stance))

    def provision(self, key: str, entry: dict[str, Any]) -> None:
        many = "clauses" in entry
        items = entry["clauses"] if many else [entry]
        for i, raw in enumerate(items):
            where: PathKey = ("provisions", key, "clauses", i) if many else ("provisions", key)
            self.clause(key, i, where, raw)

    def clause(self, key: str, index: int, where: PathKey, raw: dict[str, Any]) -> None:
        clause = self.policy.provisions[key][index]
        ws, view = clause_view(clause, self.policy, self.session.as_of)
        unconfirmed = set(raw.get("unconfirmed", []))
        label = clause.label()
        if "stance" in unconfirmed:
            self.add(
                "stance-unconfirmed",
                (*where, "stance"),
                f"{label}: the stance {raw['stance']!r} is unconfirmed",
                [
                    Settlement(f"stance {s}", (Patch((*where, "stance"), s),))
                    for s in enum_of("stance")
                    if s != raw["stance"]
                ],
            )
        # A clause that says nothing has no exceptions, agencies or practice to settle.
        speaks = view.stance != "not_addressed"
        if view.stance == "restricted" and ("exceptions" not in raw or "exceptions" in unconfirmed):
            what = "unconfirmed" if "exceptions" in raw else "not encoded"
            options = [Settlement("exceptions: [] (none)", (Patch((*where, "exceptions"), []),))]
            options += [
                Settlement(f"exceptions: [{k}]", (Patch((*where, "exceptions"), [k]),))
                for k in enum_of("exception_kind")
            ]
            self.add(
                f"exceptions-{what.replace(' ', '-')}",
                (*where, "exceptions"),
                f"{label}: the exceptions of this restriction are {what}",
                options,
            )
        if speaks and ("binds" not in raw or "binds" in unconfirmed):
            what = "unconfirmed" if "binds" in raw else "not encoded"
            options = [
                Settlement(f"binds: [{a}]", (Patch((*where, "binds"), [a]),)) for a in self.agencies
            ]
            if len(self.agencies) > 1:
                options.append(
                    Settlement(
                        f"binds: [{', '.join(self.agencies)}]",
                        (Patch((*where, "binds"), list(self.agencies)),),
                    )
                )
            self.add(
                f"binds-{what.replace(' ', '-')}",
                (*where, "binds"),
                f"{label}: which agencies the clause binds is {what}"
                + ("" if self.agencies else " (the file defines no agencies to settle it with)"),
                options,
            )
        if speaks and view.practice is None and self._practice_read(key):
            agency = (view.binds or tuple(self.agencies) or ("agency",))[0]
            source: dict[str, Any] = (
                {"evidence": list(self.evidence)}
                if self.evidence
                else {"instrument": self.instrument}
            )
            self.add(
                "practice-not-recorded",
                (*where, "practice"),
                f"{label}: no practice is recorded, and a rule reads it",
                [
                    Settlement(
                        f"practice of {agency}: {s}",
                        (
                            Patch(
                                (*where, "practice"),
                                {
                                    "stance": s,
                                    "agency": agency,
                                    "source": source,
                                    "confidence": "low",
                                },
                            ),
                        ),
                    )
                    for s in enum_of("stance")
                ],
            )
        if ws.state is InForce.UNKNOWN:
            self.add(
                "in-force-unknown",
                (*where, "states") if "states" in raw else where,
                f"{label}: whether it was in force on {self.day} is unknown ({ws.reason})",
                [
                    Settlement(f"in force on {self.day}", (self._dated(where, raw, self.day),)),
                    Settlement(
                        f"not in force on {self.day}", (self._dated(where, raw, self.next_day),)
                    ),
                ],
            )
        for name in sorted(unconfirmed - REEVALUATED):
            self._unsettled(where, label, name)

    def _dated(self, where: PathKey, raw: dict[str, Any], start: str) -> Patch:
        """The clause's uncertain state (or the clause) made to start on a known day."""
        base: dict[str, Any] = {}
        for st in raw.get("states", []):
            try:
                state = window_state(_window(st), self.session.as_of, "state").state
            except DateError:
                continue
            if state is InForce.UNKNOWN:
                base = {
                    k: v
                    for k, v in st.items()
                    if k
                    not in (
                        "effective_from",
                        "effective_until",
                        "first_known_in_force",
                        "last_known_in_force",
                        "ended_by_date",
                    )
                }
                break
        return Patch((*where, "states"), [{**base, "effective_from": start}])

    def _practice_read(self, key: str) -> bool:
        """Whether a rule on this key (or on a child that falls back to it) reads the practice."""
        reg = self.session.registry
        for st in self.session.states:
            for rule in st.authority.rules:
                if rule.provision != key and reg.parent(rule.provision) != key:
                    continue
                if any(isinstance(leaf, PracticeIn) for leaf in rule.when.leaves()):
                    return True
        return False

    def _readers(self) -> list[str]:
        """Whose reading of a savings clause some rule in force asks about."""
        readers: list[str] = []
        for st in self.session.states:
            if st.state is InForce.NO:
                continue
            for rule in st.authority.rules:
                for leaf in rule.when.leaves():
                    if isinstance(leaf, Savings) and leaf.by not in readers:
                        readers.append(leaf.by)
        return readers

    def agency(self, index: int, raw: dict[str, Any]) -> None:
        where: PathKey = ("agencies", index)
        unconfirmed = set(raw.get("unconfirmed", []))
        if "holds" not in raw or "holds" in unconfirmed:
            what = "unconfirmed" if "holds" in raw else "not encoded"
            kinds = enum_of("information")
            options = [Settlement("holds: [] (nothing)", (Patch((*where, "holds"), []),))]
            options += [
                Settlement(f"holds: [{k}]", (Patch((*where, "holds"), [k]),)) for k in kinds
            ]
            options.append(Settlement("holds: every kind", (Patch((*where, "holds"), kinds),)))
            self.add(
                f"holds-{what.replace(' ', '-')}",
                (*where, "holds"),
                f"agency {raw['id']}: what information it holds is {what}",
                options,
            )
        for name in sorted(unconfirmed - REEVALUATED):
            self._unsettled(where, f"agency {raw['id']}", name)

    def savings(self) -> None:
        covers = list(self.session.registry.provisions)
        base: dict[str, Any] = {
            "id": HYPOTHETICAL_SAVINGS_ID,
            "source": {"instrument": self.instrument, "section": None},
            "unconfirmed": ["section"],
            "covers": covers,
        }
        options = [
            Settlement(
                "savings_clauses: [] (none, after reading every document in full)",
                (
                    Patch(("savings_clauses",), []),
                    Patch(("savings_clauses_reviewed",), [self.instrument]),
                ),
            ),
            Settlement(
                "a savings clause covering every provision, read by no authority",
                (Patch(("savings_clauses",), [base]),),
            ),
        ]
        for reader in self._readers():
            for reading in ("permits_sharing", "does_not_permit_sharing"):
                value = {**base, "readings": [{"by": reader, "reading": reading, "date": self.day}]}
                options.append(
                    Settlement(
                        f"a savings clause covering every provision, read {reading} by {reader}",
                        (Patch(("savings_clauses",), [value]),),
                    )
                )
        self.facts.append(
            Fact(
                "savings-clauses-absent",
                "savings_clauses",
                "savings_clauses is absent: whether the policy yields to federal law is unknown",
                Location(self.doc.path, 1, 1),
                tuple(options),
            )
        )

    def _unsettled(self, where: PathKey, label: str, name: str) -> None:
        if name in ("section", "pinpoint", "title", "quote", "number"):
            why = f"the engine never reads a {name} to decide a verdict"
        elif name in ("adopted", "effective", "effective_from", "effective_until", "date"):
            why = (
                "an unconfirmed date is re-evaluated only when the engine cannot place the "
                "as-of date against it (then it is listed as in-force-unknown)"
            )
        else:
            why = "no settlement of this field is generated"
        self.unsettled.append(
            Unsettled(
                f"{label} ({dotted(where)})", name, self.loc((*where, "unconfirmed"), key=True), why
            )
        )

    def rest(self) -> None:
        data = self.doc.data
        for name in data.get("unconfirmed", []):
            self._unsettled((), "the policy", name)
        for i, src in enumerate(data.get("sources", [])):
            for name in src.get("unconfirmed", []):
                self._unsettled(("sources", i), f"source {src['id']}", name)
        for i, det in enumerate(data.get("determinations", [])):
            for name in det.get("unconfirmed", []):
                self.unsettled.append(
                    Unsettled(
                        f"determination {det['id']} (determinations[{i}])",
                        name,
                        self.loc(("determinations", i)),
                        "determinations are compared with the verdicts, never read to decide them",
                    )
                )


def _window(st: dict[str, Any]) -> Window:
    return Window(
        st.get("effective_from"),
        st.get("effective_until"),
        st.get("first_known_in_force"),
        st.get("last_known_in_force"),
        st.get("ended_by_date"),
    )


def facts_of(session: Session, doc: Document, policy: Policy) -> tuple[list[Fact], list[Unsettled]]:
    """The facts of one policy file, with their settlements, and the unconfirmed fields left."""
    return _Finder(session, doc, policy).run()


def weigh(
    session: Session, doc: Document, result: PolicyResult, facts: list[Fact]
) -> list[RankedFact]:
    """Evaluate every settlement of every fact against the file as it is."""
    out = []
    for fact in facts:
        outcomes = [
            Outcome(s, changes_between(result, settle(session, doc, s))) for s in fact.settlements
        ]
        out.append(RankedFact(result.policy, fact, outcomes))
    return out


def rank(items: list[RankedFact]) -> list[RankedFact]:
    """Most verdicts moved first; then most settlements that move any; then file order."""
    return sorted(
        items,
        key=lambda r: (
            -r.weight,
            -sum(1 for o in r.outcomes if o.changes),
            r.fact.location.path,
            r.fact.location.line,
            r.fact.location.column,
        ),
    )


def gaps(session: Session, loaded: list[tuple[Document, PolicyResult]]) -> Gaps:
    """Every fact of every policy, ranked together."""
    out = Gaps(session.as_of)
    ranked: list[RankedFact] = []
    for doc, result in loaded:
        facts, unsettled = facts_of(session, doc, result.policy)
        ranked.extend(weigh(session, doc, result, facts))
        out.unsettled.extend(unsettled)
    out.ranked = rank(ranked)
    return out


def to_dict(g: Gaps) -> dict[str, Any]:
    """The ranking as plain data (``gaps --format json``)."""

    def loc(at: Location) -> dict[str, Any]:
        return {"path": at.path, "line": at.line, "column": at.column}

    def verdict(v: Verdict | None) -> str | None:
        return v.value if v is not None else None

    facts = []
    for rank_no, r in enumerate(g.ranked, 1):
        facts.append(
            {
                "rank": rank_no,
                "policy": r.policy.id,
                "path": r.policy.path,
                "kind": r.fact.kind,
                "subject": r.fact.subject,
                "text": r.fact.text,
                "location": loc(r.fact.location),
                "verdicts_changed": r.weight,
                "settlements": [
                    {
                        "label": o.settlement.label,
                        "patch": [
                            {"path": list(p.path), "value": p.value, "delete": p.delete}
                            for p in o.settlement.patches
                        ],
                        "changes": [
                            {
                                "authority": c.authority,
                                "question": c.question,
                                "provision": c.provision,
                                "rule": c.rule,
                                "before": verdict(c.before),
                                "after": verdict(c.after),
                            }
                            for c in o.changes
                        ],
                    }
                    for o in r.outcomes
                ],
            }
        )
    return {
        "as_of": g.as_of.isoformat(),
        "facts": facts,
        "not_reevaluated": [
            {"subject": u.subject, "field": u.field, "location": loc(u.location), "why": u.why}
            for u in g.unsettled
        ],
    }
