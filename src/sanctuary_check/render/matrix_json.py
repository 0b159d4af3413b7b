"""The matrix as JSON (``matrix_version: 1``, schemas/matrix.json), written piece by piece.

The matrix keeps each distinct finding once, as JSON text, and each cell refers to its findings
by index (matrix.py); here every cell gets its findings written out in full, as the schema says,
one row at a time, so a matrix of thousands of jurisdictions is never one string in memory. The
document is indented two spaces, except that each cell stands on one line of its own and each of
its findings on one more (a row holds a cell per authority and day: one per line reads and greps
well, and lets the C encoder do the work).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .style import Style

_ENCODER = json.JSONEncoder(ensure_ascii=False)
#: Data the matrix keeps for the renderers that is not part of the document.
PRIVATE = frozenset({"finding_texts"})


def _dump(value: Any, indent: int) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * indent) if indent else text


def _key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def _cell(cell: dict[str, Any], texts: list[str], pad: str) -> str:
    head = _ENCODER.encode({k: v for k, v in cell.items() if k != "findings"})
    refs = cell["findings"]
    if not refs:
        return head[:-1] + ', "findings": []}'
    inner = f",\n{pad}  ".join(texts[i] for i in refs)
    return f'{head[:-1]}, "findings": [\n{pad}  {inner}]}}'


def _row(row: dict[str, Any], texts: list[str]) -> str:
    items = []
    for key, value in row.items():
        if key == "cells":
            pad = " " * 8
            cells = f",\n{pad}".join(_cell(c, texts, pad) for c in value)
            items.append(
                f'      "cells": [\n{pad}{cells}\n      ]' if value else '      "cells": []'
            )
        else:
            items.append(f"      {_key(key)}: {_dump(value, 6)}")
    return "    {\n" + ",\n".join(items) + "\n    }"


def render(matrix: dict[str, Any], style: Style) -> Iterator[str]:
    del style
    texts: list[str] = matrix.get("finding_texts", [])
    keys = [k for k in matrix if k not in PRIVATE]
    yield "{\n"
    for n, key in enumerate(keys):
        end = ",\n" if n < len(keys) - 1 else "\n"
        if key != "rows":
            yield f"  {_key(key)}: {_dump(matrix[key], 2)}{end}"
            continue
        rows = matrix["rows"]
        if not rows:
            yield f'  "rows": []{end}'
            continue
        yield '  "rows": [\n'
        for i, row in enumerate(rows):
            yield _row(row, texts) + (",\n" if i < len(rows) - 1 else "\n")
        yield f"  ]{end}"
    yield "}\n"
