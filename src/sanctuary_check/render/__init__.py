"""Renderers: one module per output format, each turning the report data into text.

A renderer only formats. It never decides a verdict, reads a file or chooses an exit code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import diff as diff_format
from . import github, junit, markdown, matrix_html, matrix_svg, matrix_text, sarif, table
from . import json as json_format
from .style import Style

__all__ = ["DIFF_RENDERERS", "MATRIX_RENDERERS", "RENDERERS", "Renderer", "Style"]

Renderer = Callable[[dict[str, Any], Style], str]

RENDERERS: dict[str, Renderer] = {
    "table": table.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
    "markdown": markdown.render,
}

#: Renderers for `diff` output (its own data shape, see diff.py).
DIFF_RENDERERS: dict[str, Renderer] = {
    "table": diff_format.render,
    "json": json_format.render,
}

#: Renderers for `matrix` output (its own data shape, see matrix.py and schemas/matrix.json).
MATRIX_RENDERERS: dict[str, Renderer] = {
    "table": matrix_text.render,
    "json": json_format.render,
    "markdown": matrix_text.markdown,
    "html": matrix_html.render,
    "svg": matrix_svg.render,
}
