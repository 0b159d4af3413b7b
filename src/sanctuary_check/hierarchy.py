"""Which authority controls a provision, in each lens, for one policy.

*Law*: the statute as read by the courts that bind this jurisdiction; with no binding ruling, the
statute's text is the baseline. *Enforcement*: what the executive says it will act on; the latest in
force controls and the others are listed beside it. The enforcement lens never decides what a
statute means, and the two lenses are never merged into one ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Authority, Finding, InForce, Policy, Verdict, worst


@dataclass(frozen=True, slots=True)
class AuthorityState:
    authority: Authority
    state: InForce
    reason: str | None


@dataclass(slots=True)
class LensEntry:
    verdict: Verdict
    authority: str
    also: list[str] = field(default_factory=list)
    contested: bool = False
    enforceable: bool = True


def binds(authority: Authority, policy: Policy) -> bool:
    """Whether an authority binds this jurisdiction as law (reported per policy, never globally).

    Statutes bind everyone. Court rulings bind only through a court chain, which this version
    does not model yet: a ruling is treated as binding its named parties only. Agency positions and
    grant conditions are not law, whatever their practical weight.
    """
    return authority.kind == "statute"


def _law(
    findings: list[Finding], states: dict[str, AuthorityState], policy: Policy
) -> LensEntry | None:
    candidates = [
        f
        for f in findings
        if states[f.authority].authority.lens == "law"
        and binds(states[f.authority].authority, policy)
    ]
    if not candidates:
        return None
    # With no binding court ruling the statutes' text is the baseline; where two statutes answer the
    # same question (1373 and 1644), the worse finding controls and the other is listed.
    verdict = worst([f.verdict for f in candidates])
    assert verdict is not None
    lead = next(f for f in candidates if f.verdict == verdict)
    return LensEntry(
        verdict=verdict,
        authority=lead.authority,
        also=[f.authority for f in candidates if f is not lead],
        enforceable=lead.enforceable,
    )


def _enforcement(findings: list[Finding], states: dict[str, AuthorityState]) -> LensEntry | None:
    candidates = [f for f in findings if states[f.authority].authority.lens == "enforcement"]
    if not candidates:
        return None
    # The latest position in force controls; earlier ones are listed beside it, not ranked.
    lead = max(
        candidates,
        key=lambda f: (states[f.authority].authority.window.effective_from or "", f.authority),
    )
    return LensEntry(
        verdict=lead.verdict,
        authority=lead.authority,
        also=[f.authority for f in candidates if f is not lead],
        enforceable=lead.enforceable,
    )


def lenses(
    findings: list[Finding], states: dict[str, AuthorityState], policy: Policy
) -> dict[str, dict[str, dict[str, LensEntry | None]]]:
    """provision -> question -> {"law": entry, "enforcement": entry}."""
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        grouped.setdefault((f.provision, f.question), []).append(f)
    out: dict[str, dict[str, dict[str, LensEntry | None]]] = {}
    for (provision, question), group in grouped.items():
        out.setdefault(provision, {})[question] = {
            "law": _law(group, states, policy),
            "enforcement": _enforcement(group, states),
        }
    return out


def binding_map(states: dict[str, AuthorityState], policy: Policy) -> dict[str, bool]:
    return {
        ident: binds(st.authority, policy)
        for ident, st in states.items()
        if st.state is not InForce.NO
    }
