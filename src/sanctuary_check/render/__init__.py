"""Renderers: one module per output format, each turning the report data into text.

A renderer only formats. It never decides a verdict, reads a file or chooses an exit code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import json as json_format
from . import table
from .style import Style

__all__ = ["RENDERERS", "Renderer", "Style"]

Renderer = Callable[[dict[str, Any], Style], str]

RENDERERS: dict[str, Renderer] = {
    "table": table.render,
    "json": json_format.render,
}
