"""Renderers: one module per output format, each turning the report data into text.

A renderer only formats. It never decides a verdict, reads a file or chooses an exit code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from .style import Style

__all__ = ["DIFF_RENDERERS", "MATRIX_RENDERERS", "RENDERERS", "Renderer", "Style"]

Renderer = Callable[[dict[str, Any], Style], str]


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

#: Renderers for `matrix` output (its own data shape, see matrix.py and schemas/matrix.json).
MATRIX_RENDERERS: dict[str, Renderer] = {
    "table": _lazy("matrix_text"),
    "json": _lazy("json"),
    "markdown": _lazy("matrix_text", "markdown"),
    "html": _lazy("matrix_html"),
    "svg": _lazy("matrix_svg"),
}
