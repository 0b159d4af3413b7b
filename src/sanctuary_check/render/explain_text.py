"""``explain`` as plain text: the rule, then its finding on each policy, traced to policy lines."""

from __future__ import annotations

from ..catalog import Catalog
from ..explain import Application, Explanation
from ..hierarchy import LensEntry
from ..model import Finding, InForce, Verdict
from .plain import trace_lines, where, wrap
from .rules_text import citation_blocks, requirement
from .text import one_line

_ORIGIN = {
    True: "a projection: no determination of this authority on the jurisdiction cites it",
    False: "recorded: the authority's own determination cites this provision",
}


def _verdict_block(f: Finding, width: int) -> list[str]:
    out = wrap(
        f"verdict: {f.verdict.value} (basis {f.basis.value}; status {f.status}; "
        f"confidence {f.confidence})",
        width,
        "  ",
        "    ",
    )
    if f.verdict in (Verdict.CONFLICT, Verdict.COMPLIANT):
        origin = _ORIGIN[f.projection]
        if f.determination:
            origin += f" ({f.determination})"
        out.extend(wrap(origin, width, "  ", "    "))
    if f.reason:
        out.extend(wrap(f"why: {f.reason}", width, "  ", "    "))
    if f.verdict_if_in_force is not None:
        out.extend(
            wrap(f"if the authority were in force: {f.verdict_if_in_force.value}", width, "  ")
        )
    if f.policy_location is not None:
        cite = f.policy_citations[0] if f.policy_citations else None
        what = ""
        if cite is not None:
            section = f", section {cite.section}" if cite.section else " (section unconfirmed)"
            what = f" ({cite.instrument}{section})"
        out.extend(wrap(f"decided by {where(f.policy_location)}{what}", width, "  ", "    "))
    for loc, role in f.related_locations:
        out.extend(wrap(f"also read: {where(loc)} ({role})", width, "  ", "    "))
    if f.spun_only:
        out.append("  its only evidence is a low-reliability mirror [spun]")
    if f.derived_from:
        out.extend(
            wrap(
                "an input is known only from determination(s) "
                + ", ".join(f.derived_from)
                + " (agreement with them is in-sample)",
                width,
                "  ",
                "    ",
            )
        )
    return out


def _lens_line(lens: str, entry: LensEntry | None, authority: str) -> str:
    if entry is None:
        return f"{lens} lens: no authority of this lens is in force for it"
    mine = " (this rule's authority)" if entry.authority == authority else ""
    text = f"{lens} lens: {entry.verdict.value}, controlled by {entry.authority}{mine}"
    if entry.also:
        text += f"; also in this lens: {', '.join(entry.also)}"
    if lens == "law" and entry.contested:
        text += "; contested: rulings that do not bind this jurisdiction disagree"
    if not entry.enforceable:
        text += "; not enforceable (an effect stops enforcement)"
    return text


def _precedence(app: Application, authority: str, lens: str, width: int) -> list[str]:
    out = ["", "  Precedence (which authority's finding controls this provision)"]
    for name in ("law", "enforcement"):
        out.extend(wrap(_lens_line(name, app.lenses.get(name), authority), width, "    ", "      "))
    if app.binding is not None:
        binds = "binds" if app.binding else "does not bind"
        out.extend(
            wrap(
                f"{authority} ({lens} lens) {binds} this jurisdiction as law"
                + (
                    "; an enforcement position never decides what the statute means"
                    if lens == "enforcement"
                    else ""
                ),
                width,
                "    ",
                "      ",
            )
        )
    return out


def _settling(app: Application, f: Finding, width: int) -> list[str]:
    out = ["", "  What would settle it"]
    if f.reason_code == "open_question":
        out.extend(
            wrap(
                "the law is unsettled here; no fact in the policy settles it. A reading by a "
                "court or agency, encoded as its own authority, would.",
                width,
                "    ",
                "      ",
            )
        )
    elif f.reason_code == "in_force_unknown":
        out.extend(
            wrap(
                "a precise date for when the authority took effect or ended, in its rule file",
                width,
                "    ",
                "      ",
            )
        )
    for s in app.settling:
        out.extend(
            wrap(
                f"{where(s.fact.location)} {s.fact.subject}: {s.fact.text}", width, "    ", "      "
            )
        )
        for settlement, verdict in s.outcomes:
            after = verdict.value if verdict else "no finding"
            out.extend(wrap(f"if {settlement.label}: {after}", width, "      ", "        "))
    if not app.settling and f.reason_code not in ("open_question", "in_force_unknown"):
        out.append("    no single fact of the policy decides it; several are missing together")
    return out


def _application(
    catalog: Catalog, explanation: Explanation, app: Application, width: int
) -> list[str]:
    a = explanation.entry.authority
    policy = app.result.policy
    out = [""]
    out.extend(
        wrap(
            f"Applied to {policy.path} ({policy.name}) as of {app.result.as_of.isoformat()}",
            width,
        )
    )
    f = app.finding
    if f is None:
        st = catalog.state(a)
        why = f": {st.reason}" if st.reason else ""
        out.extend(
            wrap(f"no finding: {a.id} is not in force on this date{why}", width, "  ", "    ")
            if st.state is InForce.NO
            else wrap("no finding: the question was left out of this run", width, "  ")
        )
        return out
    out.extend(_verdict_block(f, width))
    out += [""]
    out.extend(wrap(f"Trace (line:column in {policy.path})", width, "  ", "    "))
    out.extend(trace_lines(f.trace, width, "    ", policy.path))
    out.extend(_precedence(app, a.id, a.lens, width))
    if f.verdict is Verdict.UNKNOWN:
        out.extend(_settling(app, f, width))
    return out


def render(catalog: Catalog, explanation: Explanation, width: int) -> str:
    entry = explanation.entry
    out = requirement(catalog, entry, width)
    for app in explanation.applications:
        out.extend(_application(catalog, explanation, app, width))
    out += ["", "Citations"]
    out.extend(citation_blocks(catalog, entry, width))
    if not explanation.applications:
        out += [
            "",
            one_line(
                "Give a policy file to see how this rule decides it: "
                f"sanctuary-check explain {entry.ident} POLICY --as-of DATE"
            ),
        ]
    return "\n".join(out) + "\n"
