"""The terminal report: one screen per policy, words and glyphs as well as colour.

Every string that comes from a policy or rule file goes through :func:`text.safe` and into a
``rich.text.Text`` (never into markup), so nothing in a file can restyle or drive the terminal.
"""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .common import is_validation, problem_line, waiver_text
from .style import Style
from .text import one_line

_GLYPHS = {
    "conflict": ("\u2717", "X"),
    "compliant": ("\u2713", "+"),
    "unknown": ("?", "?"),
    "not_applicable": ("\u2013", "-"),
}
_WORDS = {
    "conflict": "conflict",
    "compliant": "compliant",
    "unknown": "unknown",
    "not_applicable": "n/a",
}
_COLOURS = {
    "conflict": "bold red",
    "compliant": "green",
    "unknown": "yellow",
    "not_applicable": "dim",
}
PROVISION_WIDTH = 29
PROJECTION_MARK = "*"
UNENFORCEABLE_MARK = "!"
MAYBE_UNENFORCEABLE_MARK = "~"


def _glyph(verdict: str | None, style: Style) -> str:
    if verdict is None:
        return " "
    pair = _GLYPHS[verdict]
    return pair[0] if style.unicode else pair[1]


def verdict_text(verdict: str | None, style: Style, mark: str = "") -> Text:
    if verdict is None:
        return Text("none", style="dim")
    return Text(f"{_glyph(verdict, style)} {_WORDS[verdict]}{mark}", style=_COLOURS[verdict])


def _loc(loc: dict[str, Any] | None) -> str:
    if not loc:
        return "-"
    return f"{one_line(loc['path'])}:{loc['line']}:{loc['column']}"


def _lens_note(policy: dict[str, Any], lens: str) -> str:
    """' (not enforceable)' when every entry carrying the lens's worst verdict is unenforceable."""
    worst = policy["verdicts"][lens]
    entries = [
        e[lens]
        for per_q in policy["provisions"].values()
        for e in per_q.values()
        if e[lens] is not None and e[lens]["verdict"] == worst
    ]
    if worst == "conflict" and entries and not any(e["enforceable"] for e in entries):
        return " (not enforceable here)"
    if any(e.get("contested") for e in entries):
        return " (contested)"
    return ""


def _header(policy: dict[str, Any], report: dict[str, Any], style: Style) -> list[RenderableType]:
    j = policy["jurisdiction"]
    title = Text()
    title.append(one_line(j["name"]), style="bold")
    title.append(
        f" ({one_line(j['id'])}) \u00b7 " if style.unicode else f" ({one_line(j['id'])}) - "
    )
    title.append(f"as of {report['as_of']}", style="bold")
    sub = Text(
        f"{one_line(policy['path'])} \u00b7 {one_line(j['kind'])}, {one_line(j['state'])}"
        if style.unicode
        else f"{one_line(policy['path'])} - {one_line(j['kind'])}, {one_line(j['state'])}",
        style="dim",
    )
    overall = Text("Law lens: ")
    overall.append_text(verdict_text(policy["verdicts"]["law"], style))
    overall.append(_lens_note(policy, "law"), style="yellow")
    overall.append("   Enforcement lens: ")
    overall.append_text(verdict_text(policy["verdicts"]["enforcement"], style))
    overall.append(_lens_note(policy, "enforcement"), style="yellow")
    return [title, sub, overall]


def _authority_line(report: dict[str, Any], policy: dict[str, Any]) -> list[RenderableType]:
    lines: list[RenderableType] = []
    binding = policy.get("binding", {})
    in_force = [a for a in report["authorities"] if a["in_force_status"] != "no"]
    out = [a for a in report["authorities"] if a["in_force_status"] == "no"]
    t = Text("Authorities: ")
    for i, a in enumerate(in_force):
        if i:
            t.append("; ")
        t.append(one_line(a["id"]), style="bold")
        t.append(f" ({one_line(a['kind']).replace('_', ' ')}, {a['lens']} lens")
        if a["kind"] == "court_ruling":
            t.append(", binding here" if binding.get(a["id"]) else ", not binding here")
        if a["in_force_status"] == "unknown":
            t.append(", in force? unknown", style="yellow")
        if a.get("unconfirmed"):
            t.append(", unconfirmed: " + ", ".join(map(one_line, a["unconfirmed"])), style="yellow")
        t.append(")")
    if not in_force:
        t.append("none in force", style="yellow")
    lines.append(t)
    later = [a for a in out if (a["effective_from"] or "") > report["as_of"]]
    ended = [a for a in out if a not in later]
    if ended:
        lines.append(
            Text(
                "No longer in force: "
                + "; ".join(
                    f"{one_line(a['id'])} ({one_line(a['in_force_reason'] or '')})" for a in ended
                ),
                style="dim",
            )
        )
    if later:
        first = min(later, key=lambda a: a["effective_from"] or "")
        lines.append(
            Text(
                f"Not yet in force: {len(later)} "
                + ("authority" if len(later) == 1 else "authorities")
                + f" (the next: {one_line(first['id'])}, from {one_line(first['effective_from'])};"
                " all are listed in the JSON report)",
                style="dim",
            )
        )
    return lines


def _fits(table: Table, width: int) -> bool:
    console = Console(width=10_000, file=io.StringIO(), color_system=None)
    return Measurement.get(console, console.options, table).maximum <= width


def _grid(
    policy: dict[str, Any], report: dict[str, Any], question: str, style: Style
) -> list[RenderableType]:
    findings = [f for f in policy["findings"] if f["question"] == question]
    authorities = [
        a["id"] for a in report["authorities"] if any(f["authority"] == a["id"] for f in findings)
    ]
    provisions: list[str] = []
    for f in findings:
        if f["provision"] not in provisions:
            provisions.append(f["provision"])
    cell = {(f["provision"], f["authority"]): f for f in findings}

    def new_table() -> Table:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False)
        table.add_column("provision", no_wrap=True, min_width=PROVISION_WIDTH)
        return table

    words = new_table()
    for a in authorities:
        words.add_column(one_line(a), no_wrap=True)
    for p in provisions:
        words.add_row(Text(one_line(p)), *(_cell(cell.get((p, a)), style) for a in authorities))
    if _fits(words, style.width):
        return [words]
    # Many authorities: glyph-only columns, numbered, with the numbers spelled out below.
    glyphs = new_table()
    for i in range(len(authorities)):
        glyphs.add_column(str(i + 1), no_wrap=True, justify="center")
    for p in provisions:
        glyphs.add_row(
            Text(one_line(p)),
            *(_cell(cell.get((p, a)), style, glyph_only=True) for a in authorities),
        )
    if _fits(glyphs, style.width):
        key = Text(
            "  ".join(f"{i + 1} {one_line(a)}" for i, a in enumerate(authorities)), style="dim"
        )
        return [glyphs, key]
    # Too many even for glyphs: authorities become rows, grouped under each provision.
    rows = new_table()
    rows.add_column("authority", no_wrap=True)
    rows.add_column("verdict", no_wrap=True)
    for p in provisions:
        for i, a in enumerate(authorities):
            rows.add_row(
                Text(one_line(p) if i == 0 else ""),
                Text(one_line(a)),
                _cell(cell.get((p, a)), style),
            )
    return [rows]


def _cell(f: dict[str, Any] | None, style: Style, *, glyph_only: bool = False) -> Text:
    if f is None:
        return Text("")
    mark = PROJECTION_MARK if f["projection"] and f["verdict"] in ("conflict", "compliant") else ""
    if not f.get("enforceable", True):
        mark += UNENFORCEABLE_MARK
    elif f.get("enforceable_status") == "unknown":
        mark += MAYBE_UNENFORCEABLE_MARK
    if glyph_only:
        return Text(_glyph(f["verdict"], style) + mark, style=_COLOURS[f["verdict"]])
    return verdict_text(f["verdict"], style, mark)


def _legend(style: Style, effects: bool = False) -> Text:
    t = Text()
    for v in ("conflict", "compliant", "unknown", "not_applicable"):
        t.append_text(verdict_text(v, style))
        t.append("  ")
    t.append(
        f"\n{PROJECTION_MARK} projection: the tool's application of that authority's reading; "
        "no recorded determination of that authority cites this provision.",
        style="dim",
    )
    if effects:
        t.append(
            f"\n{UNENFORCEABLE_MARK} not enforceable here: an effect in force (an injunction, a "
            f"holding) stops it; {MAYBE_UNENFORCEABLE_MARK} may not be: whether such an effect "
            "is in force here is unknown; see Effects.",
            style="dim",
        )
    return t


def _effects(policy: dict[str, Any]) -> list[RenderableType]:
    """Effects in force here, once each, with what they reach."""
    seen: dict[tuple[str, str], tuple[dict[str, Any], list[str]]] = {}
    for f in policy["findings"]:
        for e in f.get("effects", []):
            key = (e["authority"], e["effect"])
            entry = seen.setdefault(key, (e, []))
            if f["authority"] not in entry[1]:
                entry[1].append(f["authority"])
    if not seen:
        return []
    out: list[RenderableType] = [Text(""), Text("Effects in force here", style="bold")]
    for (source, ident), (e, targets) in seen.items():
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1)
        grid.add_column(ratio=1)
        head = Text(f"{one_line(source)}/{one_line(ident)}", style="bold")
        head.append(
            f" ({one_line(e['kind']).replace('_', ' ')} on {', '.join(map(one_line, targets))}; "
            f"{one_line(e['scope'])}; confidence {e['confidence']}"
            + ("; in force? unknown" if e["in_force"] == "unknown" else "")
            + ")",
            style="default",
        )
        grid.add_row("", head)
        grid.add_row("", Text(one_line(e["summary"])))
        for line in _citation_lines(e["citations"]):
            grid.add_row("", Text("cites " + line, style="dim"))
        out.append(grid)
    return out


def _conflicts(policy: dict[str, Any], style: Style) -> list[RenderableType]:
    conflicts = [f for f in policy["findings"] if f["verdict"] == "conflict"]
    if not conflicts:
        return [Text("No conflicts found.", style="green")]
    out: list[RenderableType] = [Text(f"Conflicts ({len(conflicts)})", style="bold")]
    dot = " \u00b7 " if style.unicode else " - "
    for f in conflicts:
        head = Text()
        head.append_text(verdict_text("conflict", style))
        head.append(f" {one_line(f['provision'])}", style="bold")
        kind = "projection" if f["projection"] else f"recorded ({one_line(f['determination'])})"
        head.append(
            dot
            + dot.join(
                [
                    one_line(f["authority"]),
                    one_line(f["status"]),
                    kind,
                    f"confidence {f['confidence']}",
                ]
            )
        )
        if f["spun_only"]:
            head.append(dot + "only low-reliability evidence", style="yellow")
        if not f.get("enforceable", True):
            head.append(dot + "not enforceable here", style="yellow")
        elif f.get("enforceable_status") == "unknown":
            head.append(dot + "enforceable here? unknown", style="yellow")
        if f.get("unconfirmed"):
            head.append(dot + "unconfirmed: " + _fields(f["unconfirmed"]), style="yellow")
        out.append(head)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=2)
        grid.add_column(width=6, style="dim")
        grid.add_column(ratio=1)
        grid.add_row("", "", Text(one_line(f["message"])))
        grid.add_row("", "policy", _where(f))
        for line in _citation_lines(f["citations"]):
            grid.add_row("", "cites", Text(line))
        if f["rule"]:
            grid.add_row("", "rule", Text(f"{_loc(f['rule_location'])} ({one_line(f['rule'])})"))
        if f.get("enforceable_reason"):
            grid.add_row("", "effect", Text(one_line(f["enforceable_reason"]), style="yellow"))
        if f.get("waived"):
            grid.add_row("", "waived", Text(waiver_text(f["waived"]), style="yellow"))
        out.append(grid)
        if f.get("trace"):
            out.extend(_trace(f))
    return out


def _fields(names: list[str]) -> str:
    """``clause.stance`` as "clause stance": what is unconfirmed, of what."""
    return ", ".join(one_line(n).replace(".", " ", 1).replace("_", " ") for n in names)


def _outside_scope(policy: dict[str, Any]) -> list[RenderableType]:
    """The provisions each authority does not reach (`n/a` in the grids), with its citations."""
    grouped: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    for f in policy["findings"]:
        if f["basis"] == "outside_scope":
            key = (f["authority"], f["question"], tuple(_citation_lines(f["citations"])))
            grouped.setdefault(key, []).append(f["provision"])
    if not grouped:
        return []
    out: list[RenderableType] = [
        Text(""),
        Text("Not applicable: what each authority does not reach, as it says", style="bold"),
    ]
    for (authority, question, cites), provisions in grouped.items():
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1)
        grid.add_column(ratio=1)
        head = Text(f"{one_line(authority)} ({one_line(question)}): ", style="bold")
        head.append(", ".join(map(one_line, provisions)), style="default")
        grid.add_row("", head)
        for line in cites:
            grid.add_row("", Text("cites " + line, style="dim"))
        out.append(grid)
    return out


def _where(f: dict[str, Any]) -> Text:
    t = Text(_loc(f["policy_location"]), style="cyan")
    pc = f.get("policy_citations") or []
    if pc:
        c = pc[0]
        section = f", {one_line(c['section'])}" if c["section"] else " (section unconfirmed)"
        t.append(f" {one_line(c['instrument'])}{section}", style="default")
    return t


def _host(url: str | None) -> str:
    if not url:
        return "(no URL)"
    rest = url.split("://", 1)[-1]
    host = rest.split("/", 1)[0]
    return host[4:] if host.startswith("www.") else host


def _citation_lines(citations: list[dict[str, Any]]) -> list[str]:
    """One line per instrument and section: the evidence read for it, by site and quality."""
    grouped: dict[tuple[str, str | None], list[str]] = {}
    for c in citations:
        key = (one_line(c["instrument"]), c["section"])
        item = f"{_host(c.get('url'))} [{one_line(c.get('quality') or '?')}]"
        items = grouped.setdefault(key, [])
        if item not in items:
            items.append(item)
    lines = []
    for (instrument, section), items in grouped.items():
        where = f" {one_line(section)}" if section else ""
        lines.append(f"{instrument}{where}: {', '.join(items)}")
    return lines


def _other_traces(policy: dict[str, Any], style: Style) -> list[RenderableType]:
    """With --trace: how every other finding decided by a rule came out."""
    others = [
        f
        for f in policy["findings"]
        if f.get("trace") and f["verdict"] != "conflict" and f["basis"] == "rule"
    ]
    if not others:
        return []
    out: list[RenderableType] = [Text(""), Text("Traces of the other rule findings", style="bold")]
    for f in others:
        head = Text()
        head.append_text(verdict_text(f["verdict"], style))
        head.append(f" {one_line(f['provision'])} under {one_line(f['authority'])}")
        out.append(head)
        out.extend(_trace(f))
    return out


def _trace(f: dict[str, Any]) -> list[RenderableType]:
    out: list[RenderableType] = [Text("  trace:", style="dim")]
    for step in f["trace"]:
        loc = f" ({_loc(step['location'])})" if step.get("location") else ""
        result = f" [{step['result']}]" if step.get("result") else ""
        line = Text(one_line(step["text"]) + result + loc, style="dim")
        # Wrapped lines keep the step's indentation, so the tree stays readable.
        out.append(Padding(line, (0, 0, 0, 4 + 2 * min(step["depth"], 10))))
    return out


def _by_authority(
    policy: dict[str, Any], report: dict[str, Any], style: Style
) -> list[RenderableType]:
    standards = {a["id"]: a["standard"] for a in report["authorities"]}
    out: list[RenderableType] = [Text("By authority", style="bold")]
    for ident, verdict in policy["by_authority"].items():
        t = Text("  ")
        t.append(f"{one_line(ident)}: ")
        t.append_text(verdict_text(verdict, style))
        unknown = policy["by_authority_unknown"].get(ident, [])
        if verdict == "compliant" and standards.get(ident) == "no_evidence":
            t.append(f" (no restriction found; {len(unknown)} provisions unknown)")
        elif unknown:
            t.append(f" ({len(unknown)} provisions unknown)")
        out.append(t)
    return out


def _determinations(policy: dict[str, Any], style: Style) -> list[RenderableType]:
    dets = policy["determinations"]
    if not dets:
        return [Text("Recorded determinations: none on or before this date.", style="dim")]
    out: list[RenderableType] = [
        Text("Recorded determinations (what the authority itself said)", style="bold")
    ]
    for d in dets:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1)
        grid.add_column(ratio=1)
        t = Text()
        t.append(f"{one_line(d['authority'])}, {one_line(d['date'])}: ", style="bold")
        t.append(f"{one_line(d['outcome'])} ({one_line(d['status'])})")
        unconfirmed = d.get("unconfirmed") or []
        if d["provisions"]:
            t.append(", citing " + ", ".join(one_line(p) for p in d["provisions"]))
            if "provisions" in unconfirmed:
                t.append(" (which provisions it cites is unconfirmed)", style="yellow")
        if d.get("confidence"):
            t.append(f"; confidence {one_line(d['confidence'])}")
        grid.add_row("", t)
        if unconfirmed:
            grid.add_row(
                "",
                Text("unconfirmed: " + ", ".join(map(one_line, unconfirmed)), style="yellow"),
            )
        agree = Text("the engine's verdict for this authority: ")
        agree.append_text(verdict_text(d["engine_verdict"], style))
        if d["agrees"] is True:
            agree.append(", agrees", style="green")
        elif d["agrees"] is False:
            agree.append(", disagrees", style="bold red")
        else:
            agree.append(", not compared")
        if d["note"]:
            agree.append(f" ({one_line(d['note'])})")
        if d["in_sample"]:
            agree.append(" [in-sample: an input was known only from this determination]")
        grid.add_row("", agree)
        if d["differences"]:
            grid.add_row(
                "", Text("differs on: " + ", ".join(one_line(p) for p in d["differences"]))
            )
        if d["unresolved"]:
            grid.add_row(
                "",
                Text(
                    "unresolved (passages not identified): "
                    + ", ".join(one_line(p) for p in d["unresolved"]),
                    style="dim",
                ),
            )
        out.append(grid)
    return out


_UNKNOWN_WHY = {
    "no_clause": "the policy has no clause on it",
    "not_in_force": "no clause in force on this date",
    "reading_not_encoded": "the authority's reading is not encoded",
    "open_question": "the law is an open question",
    "undecided": "a fact the rule needs is not encoded",
    "in_force_unknown": "the authority may not be in force",
}


def _unknown_line(policy: dict[str, Any]) -> Text | None:
    counts: dict[str, int] = {}
    for f in policy["findings"]:
        if f["verdict"] == "unknown":
            code = f.get("reason_code") or "undecided"
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        return None
    parts = [f"{_UNKNOWN_WHY.get(code, code)} ({n})" for code, n in counts.items()]
    return Text("Unknown because: " + "; ".join(parts) + ".", style="yellow")


def _agreement(report: dict[str, Any]) -> Text | None:
    """The engine against recorded determinations, across every policy of the run."""
    a = report.get("summary", {}).get("agreement")
    if not a:
        return None
    j, p = a["jurisdictions"], a["provisions"]
    if not j["compared"] and not j["in_sample"]:
        return None
    t = Text("Agreement with recorded determinations: ", style="bold")
    t.append(
        f"{j['agree']} of {j['compared']} agree at the jurisdiction level"
        f" ({j['disagree']} disagree, {j['undecided']} undecided); {j['in_sample']} more"
        " in-sample (they read an input known only from the determination). Provisions:"
        f" {p['cited_flagged']} of {p['cited']} cited also flagged; {p['flagged_cited']} of"
        f" {p['flagged']} flagged were cited ({p['unresolved']} may be in unidentified"
        " passages).",
        style="default",
    )
    return t


def _summary(policy: dict[str, Any]) -> Text:
    counts = {"conflict": 0, "compliant": 0, "unknown": 0, "not_applicable": 0}
    for f in policy["findings"]:
        counts[f["verdict"]] += 1
    projections = sum(
        1 for f in policy["findings"] if f["projection"] and f["verdict"] == "conflict"
    )
    return Text(
        f"Summary: law {policy['verdicts']['law'] or 'none'}, enforcement "
        f"{policy['verdicts']['enforcement'] or 'none'}; findings: {counts['conflict']} conflict "
        f"({projections} projected), {counts['compliant']} compliant, {counts['unknown']} unknown, "
        f"{counts['not_applicable']} not applicable.",
        style="bold",
    )


def policy_block(
    policy: dict[str, Any], report: dict[str, Any], style: Style
) -> list[RenderableType]:
    """One policy's screen. ``report`` needs only the keys before ``policies``."""
    out: list[RenderableType] = []
    out.extend(_header(policy, report, style))
    out.extend(_authority_line(report, policy))
    questions: list[str] = []
    for f in policy["findings"]:
        if f["question"] not in questions:
            questions.append(f["question"])
    for q in questions:
        out.append(Text(""))
        out.append(Text(f"Question {one_line(q)}", style="bold"))
        out.extend(_grid(policy, report, q, style))
    out.append(Text(""))
    out.append(_legend(style, any(f.get("effects") for f in policy["findings"])))
    out.append(Text(""))
    out.extend(_conflicts(policy, style))
    out.extend(_outside_scope(policy))
    out.extend(_effects(policy))
    out.extend(_other_traces(policy, style))
    out.append(Text(""))
    out.extend(_by_authority(policy, report, style))
    out.append(Text(""))
    out.extend(_determinations(policy, style))
    for w in policy.get("warnings", []):
        out.append(
            Text(f"warning: {_loc(w)}: {one_line(w['message'])} [{w['code']}]", style="yellow")
        )
    out.append(Text(""))
    unknown = _unknown_line(policy)
    if unknown is not None:
        out.append(unknown)
    out.append(_summary(policy))
    return out


def separator(style: Style) -> list[RenderableType]:
    """What stands between two policies."""
    rule = "\u2500" if style.unicode else "-"
    return [Text(""), Text(rule * min(style.width, 80))]


def trailer(report: dict[str, Any], count: int) -> list[RenderableType]:
    """What follows the policies: the run's agreement and warnings (``report`` needs ``summary``
    and ``warnings``; ``count`` is the number of policies shown)."""
    out: list[RenderableType] = []
    if not count:
        out.append(Text("No policy could be evaluated.", style="yellow"))
    agreement = _agreement(report)
    if agreement is not None and count > 1:
        out.append(Text(""))
        out.append(agreement)
    for w in report.get("warnings", []):
        out.append(Text(problem_line(w), style="yellow"))  # the line names its severity
    return out


def _validation(report: dict[str, Any]) -> list[RenderableType]:
    out: list[RenderableType] = [
        Text(problem_line(p), style="red" if p["fails"] else "yellow") for p in report["problems"]
    ]
    s = report["summary"]
    verdict = "failed" if s["failed"] else "passed"
    out.append(
        Text(
            f"Summary: {s['files']} files checked, {s['errors']} errors, {s['warnings']} warnings"
            + (" (--strict: warnings fail)" if report["strict"] else "")
            + f"; {verdict}.",
            style="bold",
        )
    )
    return out


def printed(items: list[RenderableType], style: Style, *, wrap: bool = False) -> str:
    """Renderables as the terminal shows them (colour only when the style asks for it)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=style.width,
        force_terminal=style.color,
        color_system="standard" if style.color else None,
        no_color=not style.color,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(Group(*items), soft_wrap=wrap)
    # Padding that tables leave at the ends of lines is noise in files, diffs and snapshots.
    return "\n".join(line.rstrip(" ") for line in buffer.getvalue().split("\n"))


def render(report: dict[str, Any], style: Style) -> str:
    if is_validation(report):
        # One problem per line, never wrapped: editors and CI logs match path:line:column.
        return printed(_validation(report), style, wrap=True)
    parts = []
    for i, policy in enumerate(report["policies"]):
        if i:
            parts.append(printed(separator(style), style))
        parts.append(printed(policy_block(policy, report, style), style))
    parts.append(printed(trailer(report, len(report["policies"])), style))
    return "".join(parts)
