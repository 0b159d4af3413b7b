"""Turning a citation (instrument + evidence ids) into what a report prints."""

from __future__ import annotations

from collections.abc import Iterable

from .model import Citation, CitedSource, Source


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
