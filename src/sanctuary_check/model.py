"""Frozen dataclasses and enums for policies, authorities, rules and findings."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conditions import Condition


class Verdict(StrEnum):
    CONFLICT = "conflict"
    COMPLIANT = "compliant"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


#: How bad a verdict is, for "worst of": conflict > unknown > compliant > not_applicable.
SEVERITY: dict[Verdict, int] = {
    Verdict.CONFLICT: 3,
    Verdict.UNKNOWN: 2,
    Verdict.COMPLIANT: 1,
    Verdict.NOT_APPLICABLE: 0,
}


def worst(verdicts: list[Verdict]) -> Verdict | None:
    """The worst of some verdicts, or None for none."""
    return max(verdicts, key=SEVERITY.__getitem__) if verdicts else None


class Tri(Enum):
    """Three-valued truth for conditions: a fact nobody encoded is neither true nor false."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @staticmethod
    def of(value: bool) -> Tri:
        return Tri.TRUE if value else Tri.FALSE


class InForce(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Basis(StrEnum):
    OUTSIDE_SCOPE = "outside_scope"
    DEFAULT = "default"
    RULE = "rule"


CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}

RESTRICTIVE_STANCES = frozenset({"prohibited", "restricted"})

#: Which lens an authority belongs to, by kind: courts and statutes say what the law is;
#: the executive says what it will act on.
LAW_KINDS = frozenset({"statute", "court_ruling"})


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    kind: str
    title: str | None
    url: str | None
    quality: str | None
    read: str
    adopted: str | None
    effective: str | None
    unconfirmed: tuple[str, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a clause (or a reading, a practice) comes from: instrument, section, evidence."""

    instrument: str | None
    section: str | None
    pinpoint: str | None
    evidence: tuple[str, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class ExceptionAtom:
    kind: str
    cls: str | None = None

    def describe(self) -> str:
        return f"{self.kind} ({self.cls})" if self.cls else self.kind


@dataclass(frozen=True, slots=True)
class ExceptionAlt:
    """One alternative under which a restriction does not apply; every part is needed."""

    parts: tuple[ExceptionAtom, ...]

    def describe(self) -> str:
        return " + ".join(p.describe() for p in self.parts)


class Exceptions(tuple[ExceptionAlt, ...]):
    """A clause's (or dated state's) exception alternatives, with where the ``exceptions`` key
    and each alternative stand in the policy file: a trace step that reads them points there,
    not at the clause's stance. Compares and hashes as the plain tuple of alternatives."""

    location: Location | None
    items: tuple[Location, ...]

    def __new__(
        cls,
        alts: Iterable[ExceptionAlt] = (),
        location: Location | None = None,
        items: Iterable[Location] = (),
    ) -> Exceptions:
        self = super().__new__(cls, alts)
        self.location = location
        self.items = tuple(items)
        return self


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open interval [effective_from, effective_until) with dates at their precision."""

    effective_from: str | None
    effective_until: str | None
    first_known_in_force: str | None = None
    last_known_in_force: str | None = None
    #: With an unknown end: a day by which it had surely ended (the sources say "by ...").
    ended_by_date: str | None = None


@dataclass(frozen=True, slots=True)
class Practice:
    stance: str
    agency: str
    source: SourceRef
    confidence: str
    derived_from: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class ClauseState:
    window: Window
    stance: str | None
    exceptions: tuple[ExceptionAlt, ...] | None
    binds: tuple[str, ...] | None
    source: SourceRef | None
    location: Location


@dataclass(frozen=True, slots=True)
class Clause:
    provision: str
    index: int
    stance: str
    exceptions: tuple[ExceptionAlt, ...] | None
    binds: tuple[str, ...] | None
    source: SourceRef
    documents_reviewed: tuple[str, ...]
    practice: Practice | None
    states: tuple[ClauseState, ...]
    confidence: str
    unconfirmed: tuple[str, ...]
    derived_from: str | None
    location: Location

    def label(self) -> str:
        return f"{self.provision}[{self.index}]"


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    independent: bool
    holds: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Reading:
    by: str
    reading: str
    date: str
    derived_from: str | None
    confidence: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class SavingsClause:
    id: str
    source: SourceRef
    covers: tuple[str, ...]
    readings: tuple[Reading, ...]
    states: tuple[ClauseState, ...]
    confidence: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class Determination:
    id: str
    authority: str
    date: str
    outcome: str
    status: str
    provisions: tuple[str, ...]
    passages: int | None
    unidentified_passages: int | None
    sources: tuple[str, ...]
    location: Location
    confidence: str | None = None
    unconfirmed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    name: str
    kind: str
    state: str
    ocd_id: str | None
    path: str
    sha256: str
    sources: dict[str, Source]
    agencies: dict[str, Agency]
    inherits: tuple[str, ...]
    provisions: dict[str, tuple[Clause, ...]]
    savings_clauses: tuple[SavingsClause, ...] | None
    determinations: tuple[Determination, ...]


@dataclass(frozen=True, slots=True)
class Citation:
    instrument: str
    section: str | None
    pinpoint: str | None
    evidence: tuple[str, ...]
    unconfirmed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    question: str
    provision: str
    kind: str
    when: Condition
    message: str
    citations: tuple[Citation, ...]
    status: str | None
    open_question: str | None
    inferred: bool
    confidence: str
    location: Location
    unconfirmed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScopeEntry:
    question: str
    provision: str
    reason: str
    citations: tuple[Citation, ...]
    confidence: str | None
    location: Location
    unconfirmed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scope:
    """Who an authority or an effect reaches, possibly only for a while."""

    kind: str  # nationwide | circuit | state | parties
    circuit: str | None = None
    state: str | None = None
    parties: tuple[str, ...] = ()
    window: Window = Window(None, None)

    def describe(self) -> str:
        if self.kind == "circuit":
            return f"circuit {self.circuit}"
        if self.kind == "state":
            return f"state {self.state}"
        if self.kind == "parties":
            return "parties: " + ", ".join(self.parties)
        return "nationwide"


@dataclass(frozen=True, slots=True)
class Court:
    id: str
    published: bool


@dataclass(frozen=True, slots=True)
class Effect:
    """A dated, scoped effect of one authority on another's rules (or on another's effect)."""

    source: str  # the authority that causes it
    id: str
    kind: str
    target_authority: str
    target_rules: tuple[str, ...] | None
    target_questions: tuple[str, ...] | None
    target_effect: str | None
    scope: Scope
    window: Window
    summary: str
    citations: tuple[Citation, ...]
    cited: tuple[CitedSource, ...]
    confidence: str
    location: Location
    unconfirmed: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.source}/{self.id}"


@dataclass(frozen=True, slots=True)
class Authority:
    id: str
    title: str
    kind: str
    issuer: str
    citation: str
    status: str
    standard: str
    questions: tuple[str, ...]
    window: Window
    ended_by: str | None
    confidence: str
    sources: dict[str, Source]
    outside_scope: dict[tuple[str, str], ScopeEntry]
    rules: tuple[Rule, ...]
    path: str
    location: Location
    sha256: str
    court: Court | None = None
    scopes: tuple[Scope, ...] = (Scope("nationwide"),)
    effects: tuple[Effect, ...] = ()
    supersedes: str | None = None
    #: Where top-level keys (court, ended_by, supersedes, ...) stand, for messages.
    key_locations: dict[str, Location] = field(default_factory=dict)
    unconfirmed: tuple[str, ...] = ()

    def where(self, key: str) -> Location:
        return self.key_locations.get(key, self.location)

    @property
    def lens(self) -> str:
        return "law" if self.kind in LAW_KINDS else "enforcement"

    def rule_for(self, question: str, provision: str) -> Rule | None:
        for rule in self.rules:
            if rule.question == question and rule.provision == provision:
                return rule
        return None


@dataclass(frozen=True, slots=True)
class CitedSource:
    """A citation as the report prints it: the instrument and one piece of evidence."""

    instrument: str
    section: str | None
    pinpoint: str | None
    url: str | None
    quality: str | None
    source: str
    unconfirmed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TraceStep:
    depth: int
    text: str
    result: str | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Waiver:
    """A team's decision not to fail on one finding until a day: see waivers.py."""

    rule: str
    policy: str
    provision: str
    reason: str
    owner: str
    expires: str
    legal_basis: dict[str, str] | None = field(default=None, compare=False, hash=False)
    location: Location = Location("", 1, 1)

    @property
    def authority(self) -> str:
        return self.rule.split("/", 1)[0]


@dataclass(slots=True)
class Finding:
    rule: str | None
    authority: str
    question: str
    provision: str
    verdict: Verdict
    basis: Basis
    status: str
    message: str
    confidence: str
    rule_location: Location
    reason: str | None = None
    #: Why the verdict is what it is when no rule decided it: outside_scope, reading_not_encoded,
    #: no_clause, not_in_force, open_question, not_addressed, undecided, in_force_unknown.
    reason_code: str | None = None
    verdict_if_in_force: Verdict | None = None
    projection: bool = True
    determination: str | None = None
    enforceable: bool = True
    spun_only: bool = False
    inferred: bool = False
    derived_from: list[str] = field(default_factory=list)
    citations: list[CitedSource] = field(default_factory=list)
    policy_citations: list[CitedSource] = field(default_factory=list)
    policy_location: Location | None = None
    related_locations: list[tuple[Location, str]] = field(default_factory=list)
    trace: list[TraceStep] = field(default_factory=list)
    #: Effects (injunctions, holdings, ...) on this finding's rule, with whether each is in force:
    #: "yes" makes the finding unenforceable; "unknown" leaves it enforceable but says why not sure.
    effects: list[tuple[Effect, InForce]] = field(default_factory=list)
    enforceable_status: InForce = InForce.YES
    #: Why enforceability is unknown, when it is (an effect whose date or reach is uncertain).
    enforceable_reason: str | None = None
    #: Facts this finding rests on that the sources do not confirm, as "<where>.<field>": the
    #: rule's or scope entry's, the deciding clause's and its instrument's (the authority's own
    #: are on the authority).
    unconfirmed: list[str] = field(default_factory=list)
    #: Set after evaluation when a waiver in force covers this finding; the verdict is unchanged.
    waived: Waiver | None = None
    #: A finding no policy text went into, shared by every policy that meets it: never changed
    #: in place; ``owned`` gives a copy to change.
    shared: bool = False

    def owned(self) -> Finding:
        """This finding, or a private copy of it if it is shared."""
        if not self.shared:
            return self
        return dataclasses.replace(
            self,
            shared=False,
            derived_from=list(self.derived_from),
            citations=list(self.citations),
            policy_citations=list(self.policy_citations),
            related_locations=list(self.related_locations),
            trace=list(self.trace),
            effects=list(self.effects),
            unconfirmed=list(self.unconfirmed),
        )
