"""Turning a citation (instrument + evidence ids) into what a report prints."""

from __future__ import annotations

from collections.abc import Iterable

from .model import Citation, CitedSource, Source

#: Sections that cite the whole of an instrument's section ("entire section" in the rule files):
#: "section entire section" says it twice.
_WHOLE = frozenset({"entire section", "whole section", "entire", "whole"})


def pinpoint_where(c: Citation) -> str:
    """Where in its instrument a citation points: "section (a), at 891", "whole section", or
    why no section is given."""
    parts = []
    if c.section:
        whole = c.section.strip().lower() in _WHOLE
        parts.append("whole section" if whole else f"section {c.section}")
    if c.pinpoint:
        parts.append(c.pinpoint)
    if not parts:
        parts.append("section unconfirmed" if "section" in c.unconfirmed else "no section given")
    return ", ".join(parts)


def cite(sources: dict[str, Source], c: Citation) -> list[CitedSource]:
    """One entry per piece of evidence, each naming the instrument it supports."""
    inst = sources.get(c.instrument)
    title = (inst.title if inst else None) or c.instrument
    out = []
    for ev in c.evidence:
        src = sources.get(ev)
        out.append(
            CitedSource(
                instrument=title,
                section=c.section,
                pinpoint=c.pinpoint,
                url=src.url if src else None,
                quality=src.quality if src else None,
                source=ev,
                unconfirmed=c.unconfirmed,
            )
        )
    return out


def cite_all(sources: dict[str, Source], citations: Iterable[Citation]) -> list[CitedSource]:
    out: list[CitedSource] = []
    for c in citations:
        out.extend(cite(sources, c))
    return out
