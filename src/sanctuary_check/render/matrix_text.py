"""The matrix on a terminal (fitted to its width) and in Markdown."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from .markdown import md
from .matrix_cells import (
    LEGEND,
    LENS_WORDS,
    WORDS,
    column_kind,
    column_label,
    determination_text,
    glyph,
    groups,
    marks,
)
from .style import Style
from .table import _COLOURS, _fits, printed
from .text import one_line


def _colour(verdict: str | None) -> str:
    return _COLOURS[verdict] if verdict else "dim"


def _cell(
    cell: dict[str, Any], column: dict[str, Any], style: Style, *, glyph_only: bool = False
) -> Text:
    v = cell["verdict"]
    text = glyph(v, style.unicode) + marks(cell, column)
    if not glyph_only:
        text = f"{glyph(v, style.unicode)} {WORDS[v]}{marks(cell, column)}"
    return Text(text, style=_colour(v))


def _lenses(matrix: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The columns' authorities by lens, each with its kind: which are law, which are not."""
    out: dict[str, list[str]] = {}
    seen = set()
    for c in matrix["columns"]:
        if c["authority"] in seen:
            continue
        seen.add(c["authority"])
        kind = (c.get("kind") or "").replace("_", " ")
        out.setdefault(c.get("lens") or "", []).append(f"{c['authority']} ({kind})")
    return [(LENS_WORDS.get(lens, lens), ids) for lens, ids in out.items()]


def _table(matrix: dict[str, Any], idx: list[int], style: Style) -> list[RenderableType]:
    rows = matrix["rows"]
    cols = matrix["columns"]
    labels = [column_label(matrix, cols[i]) for i in idx]

    def new(first: str = "jurisdiction") -> Table:
        t = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=False)
        t.add_column(first, no_wrap=True)
        return t

    words = new()
    for label in labels:
        words.add_column(label, no_wrap=True)
    for r in rows:
        words.add_row(Text(one_line(r["id"])), *(_cell(r["cells"][i], cols[i], style) for i in idx))
    if _fits(words, style.width):
        return [words]
    glyphs = new()
    for n in range(len(idx)):
        glyphs.add_column(str(n + 1), no_wrap=True, justify="center")
    for r in rows:
        glyphs.add_row(
            Text(one_line(r["id"])),
            *(_cell(r["cells"][i], cols[i], style, glyph_only=True) for i in idx),
        )
    if _fits(glyphs, style.width):
        key = "  ".join(f"{n + 1} {label}" for n, label in enumerate(labels))
        return [glyphs, Text(key, style="dim")]
    # Too many columns even for glyphs: one line per jurisdiction and column.
    lines = new()
    lines.add_column("column", no_wrap=True)
    lines.add_column("verdict", no_wrap=True)
    for r in rows:
        for n, i in enumerate(idx):
            lines.add_row(
                Text(one_line(r["id"]) if n == 0 else ""),
                Text(labels[n]),
                _cell(r["cells"][i], cols[i], style),
            )
    return [lines]


def _legend(matrix: dict[str, Any], style: Style) -> Text:
    t = Text()
    for v in ("conflict", "compliant", "unknown", "not_applicable", None):
        t.append(f"{glyph(v, style.unicode)} {WORDS[v]}", style=_colour(v))
        t.append("  ")
    for mark, words in LEGEND:
        t.append(f"\n{mark} {words}.", style="dim")
    for lens, ids in _lenses(matrix):
        t.append(f"\n{one_line(lens)}: {one_line(', '.join(ids))}.")
    return t


def _recorded(matrix: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for r in matrix["rows"]:
        for i, cell in enumerate(r["cells"]):
            if cell["determination"] is not None:
                c = matrix["columns"][i]
                where = f"{r['id']} \u00b7 {c['authority']} as of {c['as_of']}"
                out.append(
                    (one_line(where), f"{WORDS[cell['verdict']]}; {determination_text(cell)}")
                )
    return out


def _left_out(matrix: dict[str, Any]) -> str:
    ids = matrix["not_in_force"]
    days = "on that day" if matrix["mode"] != "years" else "in any of these years"
    return f"Not in force {days}, so no column: {len(ids)} authorities ({', '.join(ids)})."


def _title(matrix: dict[str, Any]) -> str:
    if matrix["mode"] == "years":
        years = matrix["years"]
        return (
            f"Matrix {years[0]['year']}-{years[-1]['year']} (each year as of its last day; "
            "this year as of today)"
        )
    return f"Matrix as of {matrix['as_of']}"


def render(matrix: dict[str, Any], style: Style) -> str:
    out: list[RenderableType] = [
        Text(
            f"{_title(matrix)}: {len(matrix['rows'])} jurisdictions, each authority's "
            "jurisdiction-level verdict",
            style="bold",
        )
    ]
    for name, idx in groups(matrix):
        out.append(Text(""))
        if name:
            kind = column_kind(matrix["columns"][idx[0]])
            out.append(Text(f"Authority {one_line(name)} ({kind})", style="bold"))
        out.extend(_table(matrix, idx, style))
    if not matrix["rows"]:
        out.append(Text("No policy could be evaluated.", style="yellow"))
    if matrix["not_in_force"]:
        out += [Text(""), Text(one_line(_left_out(matrix)))]
    out += [Text(""), _legend(matrix, style)]
    recorded = _recorded(matrix)
    if recorded:
        out += [Text(""), Text("Recorded determinations beside the verdicts", style="bold")]
        out.extend(Text(f"  {where}: {one_line(what)}") for where, what in recorded)
    return printed(out, style)


def markdown(matrix: dict[str, Any], style: Style) -> str:
    del style
    lines = [f"# {md(_title(matrix))}", ""]
    cols = matrix["columns"]
    for name, idx in groups(matrix):
        if name:
            lines += [f"## {md(name)} ({md(column_kind(cols[idx[0]]))})", ""]
            labels = [md(column_label(matrix, cols[i])) for i in idx]
        else:
            labels = [
                f"{md(column_label(matrix, cols[i]))} ({md(column_kind(cols[i]))})" for i in idx
            ]
        lines.append("| jurisdiction | " + " | ".join(labels) + " |")
        lines.append("|---" * (len(idx) + 1) + "|")
        for r in matrix["rows"]:
            cells = [
                md(
                    f"{glyph(r['cells'][i]['verdict'])} {WORDS[r['cells'][i]['verdict']]}"
                    f"{marks(r['cells'][i], cols[i])}"
                )
                for i in idx
            ]
            lines.append(f"| {md(r['name'])} ({md(r['id'])}) | " + " | ".join(cells) + " |")
        lines.append("")
    if matrix["not_in_force"]:
        lines += [md(_left_out(matrix)), ""]
    lines += [f"- {md(mark)} {md(words)}" for mark, words in LEGEND]
    recorded = _recorded(matrix)
    if recorded:
        lines += ["", "Recorded determinations beside the verdicts:", ""]
        lines += [f"- {md(where)}: {md(what)}" for where, what in recorded]
    return "\n".join(lines) + "\n"
