"""What every matrix format says about a cell, a column and the legend, in the same words."""

from __future__ import annotations

from typing import Any

from .common import VERDICT_WORDS
from .text import one_line

PROJECTION = "*"
RECORDED = "#"
UNENFORCEABLE = "!"
NOT_BINDING = "~"
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


def not_binding(cell: dict[str, Any], column: dict[str, Any]) -> bool:
    """A law-lens authority (a court ruling) that does not bind this jurisdiction as law.

    Enforcement-lens authorities bind nobody as law either; their columns say so by their lens
    (in the header or the key), not cell by cell.
    """
    return cell["binding"] is False and column.get("lens") == "law"


def marks(cell: dict[str, Any], column: dict[str, Any]) -> str:
    """``#`` a recorded determination stands beside the verdict; ``*`` the verdict is only the
    tool's projection; ``!`` the conflict is not enforceable here; ``~`` the authority does not
    bind this jurisdiction as law."""
    if cell["verdict"] is None:
        return ""
    out = ""
    if cell["recorded"]:
        out += RECORDED
    elif cell["verdict"] in ("conflict", "compliant"):
        out += PROJECTION
    if cell["verdict"] == "conflict" and not cell["enforceable"]:
        out += UNENFORCEABLE
    if not_binding(cell, column):
        out += NOT_BINDING
    return out


LENS_WORDS = {
    "law": "law lens",
    "enforcement": "enforcement lens (not law)",
}


def column_kind(column: dict[str, Any]) -> str:
    """The lens and kind of a column's authority, e.g. ``law lens, court ruling``."""
    lens = LENS_WORDS.get(column.get("lens") or "", column.get("lens") or "")
    kind = (column.get("kind") or "").replace("_", " ")
    return one_line(", ".join(x for x in (lens, kind) if x))


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
    text = (
        f"{row['name']} under {column['authority']} ({column_kind(column)}) as of "
        f"{column['as_of']}: {WORDS[verdict]}"
    )
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
    if not_binding(cell, column):
        text += "; does not bind this jurisdiction as law"
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
    (
        NOT_BINDING,
        "does not bind this jurisdiction as law: a ruling of another court chain, or of a "
        "district court, that does not name it as a party (law-lens columns; an "
        "enforcement-lens authority is what the executive says it will act on, never law)",
    ),
]

#: What the two counts of provisions in conflict mean, for every format that shows them.
LENS_COUNTS = (
    "provisions in conflict: how many provisions the controlling verdict finds in conflict, "
    "enforceable ones only; law: the statute as read by the courts that bind the jurisdiction; "
    "enforcement: the executive's latest position in force. Each provision counts once, "
    "whichever authorities read it"
)


def groups(matrix: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """Column indexes grouped for display: one group (authorities), or one per authority (years)."""
    if matrix["mode"] != "years":
        return [("", list(range(len(matrix["columns"]))))]
    out: dict[str, list[int]] = {}
    for i, c in enumerate(matrix["columns"]):
        out.setdefault(c["authority"], []).append(i)
    return list(out.items())
