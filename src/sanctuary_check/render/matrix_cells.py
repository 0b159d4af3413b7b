"""What every matrix format says about a cell, a column and the legend, in the same words."""

from __future__ import annotations

from typing import Any

from .common import VERDICT_WORDS
from .text import one_line

PROJECTION = "*"
RECORDED = "#"
UNENFORCEABLE = "!"
GLYPHS: dict[str | None, tuple[str, str]] = {
    "conflict": ("\u2717", "X"),
    "compliant": ("\u2713", "+"),
    "unknown": ("?", "?"),
    "not_applicable": ("\u2013", "-"),
    None: ("\u00b7", "."),
}
WORDS: dict[str | None, str] = {None: "not in force"}
WORDS.update(VERDICT_WORDS)
WORDS["not_applicable"] = "n/a"
#: Colours for the HTML and SVG exports: readable on white, told apart without them by glyph.
COLOURS: dict[str | None, str] = {
    "conflict": "#b3261e",
    "compliant": "#1b6e3a",
    "unknown": "#8a6100",
    "not_applicable": "#5f6368",
    None: "#9aa0a6",
}


def glyph(verdict: str | None, unicode: bool = True) -> str:
    pair = GLYPHS[verdict]
    return pair[0] if unicode else pair[1]


def marks(cell: dict[str, Any]) -> str:
    """``#`` a recorded determination stands beside the verdict; ``*`` the verdict is only the
    tool's projection; ``!`` the conflict is not enforceable here."""
    if cell["verdict"] is None:
        return ""
    out = ""
    if cell["recorded"]:
        out += RECORDED
    elif cell["verdict"] in ("conflict", "compliant"):
        out += PROJECTION
    if cell["verdict"] == "conflict" and not cell["enforceable"]:
        out += UNENFORCEABLE
    return out


def column_label(matrix: dict[str, Any], column: dict[str, Any]) -> str:
    if matrix["mode"] == "years":
        return str(column["year"])
    return one_line(column["authority"])


def determination_text(cell: dict[str, Any]) -> str:
    """The recorded determination beside a cell, and whether the engine's verdict agrees."""
    d = cell["determination"]
    agrees = {True: "the engine agrees", False: "the engine disagrees", None: "not compared"}
    text = f"{d['outcome']} ({d['status']}, {d['date']}, {d['id']}): {agrees[d['agrees']]}"
    if d["in_sample"]:
        text += " (in-sample)"
    return one_line(text)


def cell_summary(row: dict[str, Any], matrix: dict[str, Any], i: int) -> str:
    """One line that says everything the cell shows, for hover titles and screen readers."""
    cell, column = row["cells"][i], matrix["columns"][i]
    verdict = cell["verdict"]
    text = f"{row['name']} under {column['authority']} as of {column['as_of']}: {WORDS[verdict]}"
    if verdict is None:
        return one_line(text)
    if cell["recorded"]:
        text += "; recorded determination: " + determination_text(cell)
    elif verdict in ("conflict", "compliant"):
        text += "; the tool's projection (no recorded determination of this authority)"
    if cell["unknown_provisions"]:
        text += f"; {cell['unknown_provisions']} provisions unknown"
    if verdict == "conflict" and not cell["enforceable"]:
        text += "; not enforceable here"
    return one_line(text)


LEGEND = [
    (
        PROJECTION,
        "projection: the tool's application of the authority's reading; no recorded "
        "determination of that authority on this jurisdiction stood on that day",
    ),
    (
        RECORDED,
        "a recorded determination of that authority on this jurisdiction stood on that "
        "day: it is shown beside the verdict, with whether the engine agrees",
    ),
    (UNENFORCEABLE, "not enforceable here: an effect in force (an injunction, a holding) stops it"),
]


def groups(matrix: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """Column indexes grouped for display: one group (authorities), or one per authority (years)."""
    if matrix["mode"] != "years":
        return [("", list(range(len(matrix["columns"]))))]
    out: dict[str, list[int]] = {}
    for i, c in enumerate(matrix["columns"]):
        out.setdefault(c["authority"], []).append(i)
    return list(out.items())
