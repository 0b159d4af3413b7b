"""What one rule requires and, applied to a policy, how its finding was decided.

The finding's trace (recorded by the engine as it decides, each step with the policy lines it
read), the lens entries that say which authority controls the provision, and, for an unknown
verdict, the facts whose settlement would decide it (found the way ``gaps`` finds them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import Entry
from .engine import PolicyResult
from .gaps import Fact, Settlement, facts_of, weigh
from .hierarchy import AuthorityState, LensEntry
from .loading import Document
from .model import Finding, Verdict
from .session import Session


@dataclass(slots=True)
class Settling:
    """A fact whose settlements would change this finding, with the verdict each would give."""

    fact: Fact
    outcomes: list[tuple[Settlement, Verdict | None]]


@dataclass(slots=True)
class Application:
    """The rule applied to one policy."""

    result: PolicyResult
    finding: Finding | None
    lenses: dict[str, LensEntry | None]
    binding: bool | None
    settling: list[Settling] = field(default_factory=list)


@dataclass(slots=True)
class Explanation:
    entry: Entry
    state: AuthorityState
    applications: list[Application] = field(default_factory=list)


def finding_for(result: PolicyResult, entry: Entry) -> Finding | None:
    for f in result.findings:
        if f.rule == entry.ident:
            return f
    return None


def settling(
    session: Session, doc: Document, result: PolicyResult, finding: Finding
) -> list[Settling]:
    """Facts of the policy whose settlements change this finding's verdict."""
    key = (finding.authority, finding.question, finding.provision)
    facts, _ = facts_of(session, doc, result.policy)
    out = []
    for ranked in weigh(session, doc, result, facts):
        moves = [
            (o.settlement, c.after)
            for o in ranked.outcomes
            for c in o.changes
            if (c.authority, c.question, c.provision) == key
        ]
        if moves:
            out.append(Settling(ranked.fact, moves))
    return out


def apply_rule(session: Session, entry: Entry, doc: Document, result: PolicyResult) -> Application:
    finding = finding_for(result, entry)
    provision, question = entry.provision or "", entry.question or ""
    lenses = result.lenses.get(provision, {}).get(question, {"law": None, "enforcement": None})
    app = Application(
        result=result,
        finding=finding,
        lenses=dict(lenses),
        binding=result.binding.get(entry.authority.id),
    )
    if finding is not None and finding.verdict is Verdict.UNKNOWN:
        app.settling = settling(session, doc, result, finding)
    return app
