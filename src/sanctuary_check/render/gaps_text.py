"""``gaps`` as plain text: facts ranked by how many verdicts their settlements move."""

from __future__ import annotations

from ..gaps import Change, Gaps, Outcome, RankedFact
from .plain import where, wrap
from .text import one_line


def change_text(c: Change) -> str:
    before = c.before.value if c.before else "none"
    after = c.after.value if c.after else "none"
    return (
        f"{one_line(c.provision)} under {one_line(c.authority)} ({one_line(c.question)}): "
        f"{before} -> {after}"
    )


def outcome_lines(o: Outcome, width: int, indent: str = "    ") -> list[str]:
    if not o.changes:
        return []
    out = wrap(f"if {o.settlement.label}:", width, indent, indent + "    ")
    for c in o.changes:
        out.extend(wrap(change_text(c), width, indent + "  ", indent + "      "))
    return out


def _fact(n: int, r: RankedFact, width: int) -> list[str]:
    out = wrap(
        f"{where(r.fact.location)} {r.fact.subject} [{r.fact.kind}]",
        width,
        f"{n:>2}. ",
        "    ",
    )
    out.extend(wrap(r.fact.text, width, "    ", "      "))
    if not r.weight:
        out.append("    no settlement changes a verdict on this date")
        return out
    out.append(
        f"    settling it either way changes {r.weight} verdict{'s' if r.weight != 1 else ''}:"
    )
    quiet = 0
    for o in r.outcomes:
        if o.changes:
            out.extend(outcome_lines(o, width))
        else:
            quiet += 1
    if quiet:
        out.append(f"    ({quiet} other settlement{'s' if quiet != 1 else ''} change nothing)")
    return out


def render(g: Gaps, width: int, *, show_all: bool = False) -> str:
    moving = [r for r in g.ranked if r.weight]
    policies = len({r.fact.location.path for r in g.ranked})
    out = wrap(
        f"Gaps as of {g.as_of.isoformat()}: {len(g.ranked)} missing or unconfirmed facts in "
        f"{policies} polic{'ies' if policies != 1 else 'y'}; {len(moving)} would change a "
        "verdict if settled. Ranked by the number of verdicts some settlement changes.",
        width,
    )
    shown = g.ranked if show_all else moving
    for n, r in enumerate(shown, 1):
        out.append("")
        out.extend(_fact(n, r, width))
    rest = len(g.ranked) - len(shown)
    if rest:
        out += ["", f"{rest} more facts would change no verdict on this date (--all lists them)."]
    if g.unsettled:
        out += ["", f"Also unconfirmed, not re-evaluated ({len(g.unsettled)}):"]
        if show_all:
            for u in g.unsettled:
                out.extend(
                    wrap(
                        f"{where(u.location)} {u.subject}: {u.field}: {u.why}",
                        width,
                        "  ",
                        "    ",
                    )
                )
        else:
            fields = sorted({u.field for u in g.unsettled})
            out.extend(wrap("fields: " + ", ".join(fields) + " (--all lists them)", width, "  "))
    return "\n".join(out) + "\n"
