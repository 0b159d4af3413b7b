"""Renderers: one module per output format, each turning the report data into text.

A renderer only formats. It never decides a verdict, reads a file or chooses an exit code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

from .style import Style

__all__ = ["DIFF_RENDERERS", "MATRIX_RENDERERS", "RENDERERS", "PieceRenderer", "Renderer", "Style"]

Renderer = Callable[[dict[str, Any], Style], str]
#: A renderer that may give its text in pieces, so that a large output is written as it is made
#: and never held whole in memory (the matrix's JSON and HTML).
PieceRenderer = Callable[[dict[str, Any], Style], str | Iterable[str]]


def _lazy(module: str, name: str = "render") -> Renderer:
    """A renderer whose module is imported when it is first used: a run that writes JSON never
    loads Rich, which keeps a one-file run's start short."""

    def render(data: dict[str, Any], style: Style) -> str:
        found: Renderer = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        return found(data, style)

    return render


RENDERERS: dict[str, Renderer] = {
    "table": _lazy("table"),
    "json": _lazy("json"),
    "sarif": _lazy("sarif"),
    "junit": _lazy("junit"),
    "github": _lazy("github"),
    "markdown": _lazy("markdown"),
}

#: Renderers for `diff` output (its own data shape, see diff.py).
DIFF_RENDERERS: dict[str, Renderer] = {
    "table": _lazy("diff"),
    "json": _lazy("json"),
}


def _lazy_pieces(module: str) -> PieceRenderer:
    def render(data: dict[str, Any], style: Style) -> str | Iterable[str]:
        found: PieceRenderer = importlib.import_module(f"{__name__}.{module}").render
        return found(data, style)

    return render


#: Renderers for `matrix` output (its own data shape, see matrix.py and schemas/matrix.json).
MATRIX_RENDERERS: dict[str, PieceRenderer] = {
    "table": _lazy("matrix_text"),
    "json": _lazy_pieces("matrix_json"),
    "markdown": _lazy("matrix_text", "markdown"),
    "html": _lazy_pieces("matrix_html"),
    "svg": _lazy_pieces("matrix_svg"),
}
