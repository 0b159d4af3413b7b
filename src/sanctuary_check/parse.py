"""Validated plain data to model objects, keeping the file location of each part."""

from __future__ import annotations

import dataclasses
from typing import Any

from .citations import cite_all
from .conditions import compile_condition
from .loading import Document, PathKey
from .model import (
    Agency,
    Authority,
    Citation,
    Clause,
    ClauseState,
    Court,
    Determination,
    Effect,
    ExceptionAlt,
    ExceptionAtom,
    Exceptions,
    Location,
    Policy,
    Practice,
    Reading,
    Rule,
    SavingsClause,
    Scope,
    ScopeEntry,
    Source,
    SourceRef,
    Window,
)


def _loc(doc: Document, where: PathKey) -> Location:
    m = doc.mark(where)
    return Location(doc.path, m.line, m.column)


def _key_loc(doc: Document, where: PathKey) -> Location:
    m = doc.key_mark(where)
    return Location(doc.path, m.line, m.column)


def _sources(doc: Document, items: list[dict[str, Any]]) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for i, s in enumerate(items):
        out[s["id"]] = Source(
            id=s["id"],
            kind=s["kind"],
            title=s.get("title"),
            url=s.get("url"),
            quality=s.get("quality"),
            read=s["read"],
            adopted=s.get("adopted"),
            effective=s.get("effective"),
            unconfirmed=tuple(s.get("unconfirmed", ())),
            location=_loc(doc, ("sources", i)),
        )
    return out


def _ref(doc: Document, where: PathKey, data: dict[str, Any]) -> SourceRef:
    return SourceRef(
        instrument=data.get("instrument"),
        section=data.get("section"),
        pinpoint=data.get("pinpoint"),
        evidence=tuple(data.get("evidence", ())),
        location=_loc(doc, where),
    )


def _atom(data: Any) -> ExceptionAtom:
    if isinstance(data, str):
        return ExceptionAtom(data)
    ((kind, cls),) = data.items()
    return ExceptionAtom(kind, cls)


def _exceptions(doc: Document, where: PathKey, data: Any) -> Exceptions | None:
    if data is None:
        return None
    alts = []
    for item in data:
        if isinstance(item, dict) and "all_of" in item:
            alts.append(ExceptionAlt(tuple(_atom(a) for a in item["all_of"])))
        else:
            alts.append(ExceptionAlt((_atom(item),)))
    items = [_loc(doc, (*where, i)) for i in range(len(alts))]
    return Exceptions(alts, _key_loc(doc, where), items)


def _window(data: dict[str, Any]) -> Window:
    return Window(
        effective_from=data.get("effective_from"),
        effective_until=data.get("effective_until"),
        first_known_in_force=data.get("first_known_in_force"),
        last_known_in_force=data.get("last_known_in_force"),
        ended_by_date=data.get("ended_by_date"),
    )


def _states(doc: Document, where: PathKey, items: list[dict[str, Any]]) -> tuple[ClauseState, ...]:
    out = []
    for j, st in enumerate(items):
        w = (*where, j)
        out.append(
            ClauseState(
                window=_window(st),
                stance=st.get("stance"),
                exceptions=_exceptions(doc, (*w, "exceptions"), st.get("exceptions")),
                binds=tuple(st["binds"]) if "binds" in st else None,
                source=_ref(doc, (*w, "source"), st["source"]) if "source" in st else None,
                location=_loc(doc, w),
            )
        )
    return tuple(out)


def _clause(doc: Document, key: str, index: int, where: PathKey, c: dict[str, Any]) -> Clause:
    practice = None
    if "practice" in c:
        p = c["practice"]
        practice = Practice(
            stance=p["stance"],
            agency=p["agency"],
            source=_ref(doc, (*where, "practice", "source"), p["source"]),
            confidence=p["confidence"],
            derived_from=p.get("derived_from"),
            location=_loc(doc, (*where, "practice")),
        )
    return Clause(
        provision=key,
        index=index,
        stance=c["stance"],
        exceptions=_exceptions(doc, (*where, "exceptions"), c.get("exceptions")),
        binds=tuple(c["binds"]) if "binds" in c else None,
        source=_ref(doc, (*where, "source"), c["source"]),
        documents_reviewed=tuple(c.get("documents_reviewed", ())),
        practice=practice,
        states=_states(doc, (*where, "states"), c.get("states", [])),
        confidence=c["confidence"],
        unconfirmed=tuple(c.get("unconfirmed", ())),
        derived_from=c.get("derived_from"),
        location=_key_loc(doc, (*where, "stance")),
    )


def policy_from(doc: Document) -> Policy:
    """Build a :class:`Policy` from a document that passed schema and semantic checks."""
    d: dict[str, Any] = doc.data
    provisions: dict[str, tuple[Clause, ...]] = {}
    for key, entry in d["provisions"].items():
        if "clauses" in entry:
            provisions[key] = tuple(
                _clause(doc, key, i, ("provisions", key, "clauses", i), c)
                for i, c in enumerate(entry["clauses"])
            )
        else:
            provisions[key] = (_clause(doc, key, 0, ("provisions", key), entry),)
    savings: tuple[SavingsClause, ...] | None = None
    if "savings_clauses" in d:
        items = []
        for i, sc in enumerate(d["savings_clauses"]):
            w: PathKey = ("savings_clauses", i)
            readings = tuple(
                Reading(
                    by=r["by"],
                    reading=r["reading"],
                    date=r["date"],
                    derived_from=r.get("derived_from"),
                    confidence=r.get("confidence"),
                    location=_loc(doc, (*w, "readings", j)),
                )
                for j, r in enumerate(sc.get("readings", []))
            )
            items.append(
                SavingsClause(
                    id=sc["id"],
                    source=_ref(doc, (*w, "source"), sc["source"]),
                    covers=tuple(sc["covers"]),
                    readings=readings,
                    states=_states(doc, (*w, "states"), sc.get("states", [])),
                    confidence=sc.get("confidence"),
                    location=_loc(doc, w),
                )
            )
        savings = tuple(items)
    agencies = {
        a["id"]: Agency(
            id=a["id"],
            name=a["name"],
            independent=bool(a.get("independent", False)),
            holds=tuple(a["holds"]) if "holds" in a else None,
        )
        for a in d.get("agencies", [])
    }
    determinations = tuple(
        Determination(
            id=x["id"],
            authority=x["authority"],
            date=x["date"],
            outcome=x["outcome"],
            status=x["status"],
            provisions=tuple(x["provisions"]),
            passages=x.get("passages"),
            unidentified_passages=x.get("unidentified_passages"),
            sources=tuple(x["sources"]),
            location=_loc(doc, ("determinations", i)),
            confidence=x.get("confidence"),
            unconfirmed=tuple(x.get("unconfirmed", ())),
        )
        for i, x in enumerate(d.get("determinations", []))
    )
    return Policy(
        id=d["id"],
        name=d["name"],
        kind=d["kind"],
        state=d["state"],
        ocd_id=d.get("ocd_id"),
        path=doc.path,
        sha256=doc.sha256,
        sources=_sources(doc, d["sources"]),
        agencies=agencies,
        inherits=tuple(d.get("inherits", ())),
        provisions=provisions,
        savings_clauses=savings,
        determinations=determinations,
    )


def _citations(items: list[dict[str, Any]]) -> tuple[Citation, ...]:
    return tuple(
        Citation(
            instrument=c["instrument"],
            section=c.get("section"),
            pinpoint=c.get("pinpoint"),
            evidence=tuple(c["evidence"]),
            unconfirmed=tuple(c.get("unconfirmed", ())),
        )
        for c in items
    )


def _scope(data: dict[str, Any]) -> Scope:
    return Scope(
        kind=data["kind"],
        circuit=data.get("circuit"),
        state=data.get("state"),
        parties=tuple(data.get("parties", ())),
        window=_window(data),
    )


def _effects(doc: Document, d: dict[str, Any], sources: dict[str, Source]) -> tuple[Effect, ...]:
    out = []
    for i, e in enumerate(d.get("effects", [])):
        target = e["target"]
        citations = _citations(e["citations"])
        window = _window(e)
        if window.effective_from is None:  # an effect starts with its authority unless dated
            window = dataclasses.replace(window, effective_from=d.get("effective_from"))
        out.append(
            Effect(
                source=d["id"],
                id=e["id"],
                kind=e["kind"],
                target_authority=target["authority"],
                target_rules=tuple(target["rules"]) if "rules" in target else None,
                target_questions=tuple(target["questions"]) if "questions" in target else None,
                target_effect=target.get("effect"),
                scope=_scope(e["scope"]),
                window=window,
                summary=e["summary"],
                citations=citations,
                cited=tuple(cite_all(sources, citations)),
                confidence=e["confidence"],
                location=_loc(doc, ("effects", i)),
                unconfirmed=tuple(e.get("unconfirmed", ())),
            )
        )
    return tuple(out)


def authority_from(doc: Document) -> Authority:
    """Build an :class:`Authority` from a document that passed schema and semantic checks."""
    d: dict[str, Any] = doc.data
    scope: dict[tuple[str, str], ScopeEntry] = {}
    for q, entries in d.get("outside_scope", {}).items():
        for i, e in enumerate(entries):
            scope[(q, e["provision"])] = ScopeEntry(
                question=q,
                provision=e["provision"],
                reason=e["reason"],
                citations=_citations(e["citations"]),
                confidence=e.get("confidence"),
                location=_loc(doc, ("outside_scope", q, i)),
                unconfirmed=tuple(e.get("unconfirmed", ())),
            )
    rules = tuple(
        Rule(
            id=r["id"],
            question=r["question"],
            provision=r["provision"],
            kind=r["kind"],
            when=compile_condition(r["when"]),
            message=r["message"],
            citations=_citations(r["citations"]),
            status=r.get("status"),
            open_question=r.get("open_question"),
            inferred=bool(r.get("inferred", False)),
            confidence=r["confidence"],
            location=_loc(doc, ("rules", i)),
            unconfirmed=tuple(r.get("unconfirmed", ())),
        )
        for i, r in enumerate(d["rules"])
    )
    sources = _sources(doc, d["sources"])
    raw_scope = d.get("scope", {"kind": "nationwide"})
    scopes = (
        tuple(_scope(s) for s in raw_scope) if isinstance(raw_scope, list) else (_scope(raw_scope),)
    )
    court = Court(d["court"]["id"], bool(d["court"]["published"])) if "court" in d else None
    return Authority(
        id=d["id"],
        title=d["title"],
        kind=d["kind"],
        issuer=d["issuer"],
        citation=d["citation"],
        status=d["status"],
        standard=d["standard"],
        questions=tuple(d["questions"]),
        window=_window(d),
        ended_by=d.get("ended_by"),
        confidence=d["confidence"],
        sources=sources,
        outside_scope=scope,
        rules=rules,
        path=doc.path,
        location=_loc(doc, ("id",)),
        sha256=doc.sha256,
        court=court,
        scopes=scopes,
        effects=_effects(doc, d, sources),
        supersedes=d.get("supersedes"),
        unconfirmed=tuple(d.get("unconfirmed", ())),
        key_locations={k: _loc(doc, (k,)) for k in d},
    )
