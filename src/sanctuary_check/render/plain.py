"""Plain-text helpers for the authoring commands (rules, explain, test, gaps).

Everything that may come from a file goes through :func:`text.one_line` before it is wrapped, so
no control character reaches the terminal; the output is printed as plain text, never as markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from ..model import Location, TraceStep
from .text import one_line


def wrap(text: object, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    """One paragraph of file text, folded to one line, wrapped at ``width``."""
    lines = textwrap.wrap(
        one_line(text),
        width=max(20, width),
        initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [indent.rstrip()]


def where(loc: Location | None) -> str:
    return f"{one_line(loc.path)}:{loc.line}:{loc.column}" if loc is not None else ""


def trace_lines(
    steps: Iterable[TraceStep], width: int, indent: str = "  ", base: str | None = None
) -> list[str]:
    """A trace with the location of each step first: ``line:column`` in ``base`` (the policy
    file the trace is about), ``path:line:column`` anywhere else."""
    steps = list(steps)

    def at(loc: Location | None) -> str:
        if loc is not None and loc.path == base:
            return f"{loc.line}:{loc.column}"
        return where(loc)

    col = max((len(at(s.location)) for s in steps), default=0)
    out: list[str] = []
    for s in steps:
        result = f" [{one_line(s.result)}]" if s.result else ""
        lead = f"{indent}{at(s.location):<{col}}  {'  ' * min(s.depth, 10)}"
        out.extend(
            wrap(one_line(s.text) + result, width, lead, " " * len(lead))
            if len(lead) < width - 20
            else [lead + one_line(s.text) + result]
        )
    return out


def outline(items: Iterable[tuple[int, str]], indent: str = "  ", width: int = 80) -> list[str]:
    """(depth, text) pairs as an indented outline."""
    out: list[str] = []
    for depth, text in items:
        lead = indent + "  " * depth
        out.extend(wrap(text, width, lead, lead + "  "))
    return out
