"""The matrix as one SVG picture: a coloured grid with glyphs, labels, a legend and a hover title
on every cell. Every text from a file is escaped; the picture has a title and a description for
screen readers, and every colour also has a glyph."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .matrix_cells import COLOURS, LEGEND, WORDS, cell_summary, column_label, glyph, groups, marks
from .style import Style
from .text import html_text as x
from .text import one_line

CELL_W, CELL_H, LABEL_W, HEAD_H = 64, 22, 260, 58
FONT = "font-family='system-ui, sans-serif' font-size='12'"


def _label(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def render(matrix: dict[str, Any], style: Style) -> Iterator[str]:
    """The picture, a row at a time (a matrix of thousands of rows is never one string)."""
    del style
    rows, cols = matrix["rows"], matrix["columns"]
    order = [i for _, idx in groups(matrix) for i in idx]
    width = LABEL_W + CELL_W * max(1, len(order)) + 20
    legend_y = HEAD_H + CELL_H * len(rows) + 30
    height = legend_y + 20 * (len(LEGEND) + 2)
    title = (
        f"sanctuary-check matrix as of {matrix['as_of']}"
        if matrix["mode"] != "years"
        else f"sanctuary-check matrix, {matrix['years'][0]['year']}-{matrix['years'][-1]['year']}"
    )
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-labelledby='t d'>",
        f"<title id='t'>{x(title)}</title>",
        f"<desc id='d'>{x(len(rows))} jurisdictions as rows, {x(len(order))} columns; each cell "
        "is one authority's jurisdiction-level verdict, shown by glyph and colour. * marks the "
        "tool's projection, # a recorded determination, ~ a ruling that does not bind the "
        "jurisdiction as law.</desc>",
        f"<rect width='{width}' height='{height}' fill='#ffffff'/>",
        f"<g {FONT} fill='#202124'>",
    ]
    for n, i in enumerate(order):
        cx = LABEL_W + CELL_W * n + CELL_W // 2
        head = column_label(matrix, cols[i])
        if matrix["mode"] == "years":
            head = f"{cols[i]['authority']} {head}"
        out.append(
            f"<text x='{cx}' y='{HEAD_H - 6}' transform='rotate(-30 {cx} {HEAD_H - 6})'>"
            f"{x(_label(one_line(head), 26))}</text>"
        )
    yield "\n".join(out) + "\n"
    for r_i, row in enumerate(rows):
        y = HEAD_H + CELL_H * r_i
        out = [f"<text x='6' y='{y + 15}'>{x(_label(one_line(row['name']), 38))}</text>"]
        for n, i in enumerate(order):
            cell = row["cells"][i]
            v = cell["verdict"]
            cx = LABEL_W + CELL_W * n
            out.append(
                f"<g><title>{x(cell_summary(row, matrix, i))}</title>"
                f"<rect x='{cx + 1}' y='{y + 1}' width='{CELL_W - 2}' height='{CELL_H - 2}' "
                f"fill='{COLOURS[v]}' rx='3'/>"
                f"<text x='{cx + CELL_W // 2}' y='{y + 15}' text-anchor='middle' fill='#ffffff' "
                f"font-weight='bold'>{x(glyph(v) + marks(cell, cols[i]))}</text></g>"
            )
        yield "\n".join(out) + "\n"
    out = []
    ly = legend_y
    for v in ("conflict", "compliant", "unknown", "not_applicable", None):
        n = ("conflict", "compliant", "unknown", "not_applicable", None).index(v)
        lx = 6 + 130 * n
        out.append(
            f"<rect x='{lx}' y='{ly - 12}' width='16' height='16' fill='{COLOURS[v]}' rx='3'/>"
            f"<text x='{lx + 8}' y='{ly}' text-anchor='middle' fill='#ffffff'>{x(glyph(v))}</text>"
            f"<text x='{lx + 22}' y='{ly}'>{x(WORDS[v])}</text>"
        )
    for k, (mark, words) in enumerate(LEGEND):
        out.append(f"<text x='6' y='{ly + 22 * (k + 1)}'>{x(mark)} {x(words)}</text>")
    out.append("</g></svg>")
    yield "\n".join(out) + "\n"
