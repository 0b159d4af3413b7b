"""The terminal view of a diff: what changed, before and after, and the dated event behind it."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from .style import Style
from .table import verdict_text
from .text import one_line


def _side(state: dict[str, Any] | None, style: Style) -> Text:
    if not state or state.get("verdict") is None:
        return Text("none", style="dim")
    t = verdict_text(state["verdict"], style)
    if state.get("authority"):
        t.append(f" ({one_line(state['authority'])})")
    if state.get("enforceable") in (False, "no"):
        t.append(" not enforceable", style="yellow")
    elif state.get("enforceable") == "unknown":
        t.append(" enforceable?", style="yellow")
    if state.get("contested"):
        t.append(" contested", style="yellow")
    if state.get("projection") is False:
        t.append(" recorded")
    return t


_FIELD_WORDS = {
    "verdict": "the verdict",
    "authority": "the controlling authority",
    "enforceable": "enforceability",
    "contested": "the contest",
    "projection": "recorded or projected",
    "added": "coming into force",
    "removed": "going out of force",
}


def _for(event: dict[str, Any], change: dict[str, Any]) -> str:
    """Which part of the change an event explains, when it explains only part of it (a
    determination turns a finding recorded, never its verdict)."""
    fields = event.get("fields")
    if not fields or set(fields) == set(change["fields"]):
        return ""
    return " (" + ", ".join(_FIELD_WORDS.get(f, f) for f in fields) + ")"


def _grouped(changes: list[dict[str, Any]], style: Style, *, lens: bool) -> list[RenderableType]:
    """Changes alike but for their provision, one line per kind of change."""
    arrow = " \u2192 " if style.unicode else " -> "
    groups: dict[tuple[Any, ...], list[str]] = {}
    samples: dict[tuple[Any, ...], dict[str, Any]] = {}
    for c in changes:
        key = (
            c.get("jurisdiction"),
            c.get("lens") if lens else c.get("authority"),
            c.get("question"),
            repr(c["before"]),
            repr(c["after"]),
            tuple((e["text"], tuple(e.get("fields", ()))) for e in c.get("events", [])),
        )
        groups.setdefault(key, []).append(c["provision"])
        samples.setdefault(key, c)
    out: list[RenderableType] = []
    for key, provisions in groups.items():
        c = samples[key]
        head = Text()
        if c.get("jurisdiction"):
            head.append(f"{one_line(c['jurisdiction'])} ", style="bold")
        who = f"{c['lens']} lens" if lens else one_line(c["authority"])
        head.append(f"{who} ({one_line(c['question'])}): ", style="bold")
        head.append_text(_side(c["before"], style))
        head.append(arrow)
        head.append_text(_side(c["after"], style))
        head.append(" for " + ", ".join(map(one_line, provisions)))
        out.append(head)
        for e in c.get("events", []):
            out.append(
                Padding(
                    Text(
                        f"because {one_line(e['date'])}{_for(e, c)}: {one_line(e['text'])}",
                        style="dim",
                    ),
                    (0, 0, 0, 4),
                )
            )
    return out


def renderables(diff: dict[str, Any], style: Style) -> list[RenderableType]:
    out: list[RenderableType] = []
    if diff["kind"] == "dates":
        out.append(
            Text(
                f"{one_line(diff['jurisdiction'])} ({one_line(diff['path'])}): "
                f"from {diff['from']} to {diff['to']}",
                style="bold",
            )
        )
    elif diff["kind"] == "policies":
        out.append(
            Text(
                f"{one_line(diff['old'])} -> {one_line(diff['new'])}, as of {diff['as_of']}",
                style="bold",
            )
        )
    else:
        out.append(Text("Two reports compared", style="bold"))
        if diff.get("only_in_one"):
            out.append(Text("In only one report: " + ", ".join(map(one_line, diff["only_in_one"]))))
    if not diff["changes"] and not diff["finding_changes"]:
        out.append(
            Text("No verdict, controlling authority or enforceability changed.", style="green")
        )
    # Verdict changes first; then changes of enforceability or contest; then a new authority
    # controlling with the same verdict.
    verdict_changes = [c for c in diff["changes"] if "verdict" in c["fields"]]
    other_changes = [
        c
        for c in diff["changes"]
        if "verdict" not in c["fields"] and set(c["fields"]) - {"authority"}
    ]
    moved = [c for c in diff["changes"] if set(c["fields"]) == {"authority"}]
    if verdict_changes:
        out.append(Text(""))
        out.append(
            Text(f"Controlling verdicts that changed ({len(verdict_changes)})", style="bold")
        )
        out.extend(_grouped(verdict_changes, style, lens=True))
    if other_changes:
        out.append(Text(""))
        out.append(Text(f"Enforceability or contest changed ({len(other_changes)})", style="bold"))
        out.extend(_grouped(other_changes, style, lens=True))
    if moved:
        out.append(Text(""))
        out.append(
            Text(f"Controlling authority changed, verdict the same ({len(moved)})", style="bold")
        )
        out.extend(_grouped(moved, style, lens=True))
    if diff["finding_changes"]:
        out.append(Text(""))
        out.append(
            Text(
                f"Findings that changed, by authority ({len(diff['finding_changes'])})",
                style="bold",
            )
        )
        out.extend(_grouped(diff["finding_changes"], style, lens=False))
    if "steps" in diff:
        out.append(Text(""))
        out.append(Text("Every event on the way", style="bold"))
        for step in diff["steps"]:
            out.append(Text(step["date"], style="bold"))
            for e in step["events"]:
                out.append(Padding(Text(one_line(e["text"])), (0, 0, 0, 2)))
            if not step["changes"] and not step["finding_changes"]:
                out.append(Padding(Text("(no verdict changed)", style="dim"), (0, 0, 0, 4)))
            quiet = [{**c, "events": []} for c in step["changes"]]
            out.extend(Padding(r, (0, 0, 0, 4)) for r in _grouped(quiet, style, lens=True))
            quiet = [{**c, "events": []} for c in step["finding_changes"]]
            out.extend(Padding(r, (0, 0, 0, 4)) for r in _grouped(quiet, style, lens=False))
    return out


def render(diff: dict[str, Any], style: Style) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=style.width,
        force_terminal=style.color,
        color_system="standard" if style.color else None,
        no_color=not style.color,
        highlight=False,
        emoji=False,
    )
    console.print(Group(*renderables(diff, style)), soft_wrap=False)
    return "\n".join(line.rstrip(" ") for line in buffer.getvalue().split("\n"))
