"""``rules list`` and ``rules show`` as plain text."""

from __future__ import annotations

from typing import Any

from ..catalog import (
    Catalog,
    Effect,
    Entry,
    condition_head,
    condition_lines,
    entries_of,
    kind_words,
    scope_text,
    window_text,
)
from ..citations import pinpoint_where
from ..model import Authority, Citation, InForce, Source
from .plain import outline, where, wrap
from .text import one_line

_IN_FORCE = {InForce.YES: "in force", InForce.NO: "not in force", InForce.UNKNOWN: "in force?"}


def _state_words(catalog: Catalog, a: Authority) -> str:
    st = catalog.state(a)
    words = f"{_IN_FORCE[st.state]} on {catalog.session.as_of.isoformat()}"
    if st.state is InForce.UNKNOWN:
        words = f"whether in force on {catalog.session.as_of.isoformat()} is unknown"
    return words + (f": {one_line(st.reason)}" if st.reason else "")


def _identity(catalog: Catalog, a: Authority) -> str:
    raw = catalog.raw(Entry(a))
    return (
        f"{one_line(a.kind).replace('_', ' ')}, {a.lens} lens; status {one_line(a.status)}; "
        f"standard {one_line(a.standard)}; scope {one_line(scope_text(raw))}"
    )


def render_list(catalog: Catalog, width: int) -> str:
    counts = {s: 0 for s in InForce}
    for a in catalog.authorities:
        counts[catalog.state(a).state] += 1
    out = [
        f"Authorities as of {catalog.session.as_of.isoformat()}: {counts[InForce.YES]} in force, "
        f"{counts[InForce.NO]} not in force, {counts[InForce.UNKNOWN]} whose being in force is "
        "unknown"
    ]
    reg = catalog.session.registry
    for a in catalog.authorities:
        out.append("")
        out.extend(wrap(f"{a.id} \u00b7 {_state_words(catalog, a)}", width))
        out.extend(wrap(a.title, width, "  ", "    "))
        out.extend(wrap(_identity(catalog, a), width, "  ", "    "))
        out.extend(wrap(window_text(a), width, "  ", "    "))
        out.extend(
            wrap("questions: " + ", ".join(one_line(q) for q in a.questions), width, "  ", "    ")
        )
        entries = entries_of(a)
        rules = [e for e in entries if e.rule is not None]
        if rules:
            out.append(f"  rules ({len(rules)}):")
            name_w = max(len(one_line(e.ident)) for e in rules)
            for e in rules:
                assert e.rule is not None
                notes = [e.rule.kind]
                if e.rule.open_question:
                    notes.append("open question")
                if e.rule.inferred:
                    notes.append("inferred")
                if e.rule.status:
                    notes.append(f"status {e.rule.status}")
                line = (
                    f"{one_line(e.ident):<{name_w}}  {one_line(e.rule.question)} "
                    f"{one_line(e.rule.provision)} ({one_line('; '.join(notes))})"
                )
                out.extend(wrap(line, width, "    ", "      "))
        for q in a.questions:
            scoped = [s.provision for s in a.outside_scope.values() if s.question == q]
            if scoped:
                out.extend(
                    wrap(
                        f"outside scope for {q} ({len(scoped)}): "
                        + ", ".join(one_line(p) for p in scoped),
                        width,
                        "  ",
                        "    ",
                    )
                )
        missing = [
            f"{q}/{p}"
            for q in a.questions
            for p in reg.provisions
            if a.rule_for(q, p) is None and (q, p) not in a.outside_scope
        ]
        if missing:
            out.extend(
                wrap(
                    f"reading not encoded ({len(missing)}): " + ", ".join(missing),
                    width,
                    "  ",
                    "    ",
                )
            )
    if not catalog.authorities:
        out.append("No authority is loaded.")
    return "\n".join(out) + "\n"


def citation_blocks(catalog: Catalog, entry: Entry, width: int) -> list[str]:
    """Each citation: the instrument and pinpoint, then every piece of evidence with its URL."""
    a = entry.authority
    raw = catalog.raw(entry)
    raw_cites: list[Any] = raw["citations"] if isinstance(raw.get("citations"), list) else []
    citations = (
        entry.rule.citations
        if entry.rule is not None
        else entry.scope.citations
        if entry.scope is not None
        else ()
    )
    out: list[str] = []
    for i, c in enumerate(citations):
        extra = raw_cites[i] if i < len(raw_cites) and isinstance(raw_cites[i], dict) else {}
        out.extend(wrap(pinpoint_text(a.sources, c), width, "  ", "    "))
        if extra.get("quote"):
            out.extend(wrap(f'"{extra["quote"]}"', width, "    ", "    "))
        if extra.get("notes"):
            out.extend(wrap(f"note: {extra['notes']}", width, "    ", "      "))
        for ev in c.evidence:
            out.extend(wrap(evidence_text(a.sources, ev), width, "    - ", "      "))
    return out


def pinpoint_text(sources: dict[str, Source], c: Citation) -> str:
    inst = sources.get(c.instrument)
    title = (inst.title if inst else None) or c.instrument
    flags = f" [unconfirmed: {', '.join(c.unconfirmed)}]" if c.unconfirmed else ""
    return f"{title}, {pinpoint_where(c)}{flags}"


def evidence_text(sources: dict[str, Source], ident: str) -> str:
    src = sources.get(ident)
    if src is None:
        return f"{ident} (not defined)"
    return f"{ident}: {src.url or '(no URL)'} [{src.quality or '?'}] (read: {src.read})"


def _rule_head(catalog: Catalog, entry: Entry, width: int) -> list[str]:
    a = entry.authority
    reg = catalog.session.registry
    out = [one_line(entry.ident), f"  {where(entry.location)}"]
    out.extend(wrap(f"authority: {a.id}, {a.title} ({_identity(catalog, a)})", width, "  ", "    "))
    out.extend(wrap(f"{window_text(a)}; {_state_words(catalog, a)}", width, "  ", "    "))
    q, p = entry.question or "", entry.provision or ""
    out.extend(wrap(f"question: {q}, {reg.questions.get(q, '?')}", width, "  ", "    "))
    parent = reg.parent(p)
    tail = (
        f" (child of {parent}: with no clause of its own, the parent's are read)" if parent else ""
    )
    out.extend(
        wrap(f"provision: {p}, {reg.provision_titles.get(p, '?')}{tail}", width, "  ", "    ")
    )
    return out


def render_entry(catalog: Catalog, entry: Entry, width: int) -> str:
    if entry.rule is None and entry.scope is None:
        return render_authority(catalog, entry.authority, width)
    out = requirement(catalog, entry, width)
    out += ["", "Citations"]
    out.extend(citation_blocks(catalog, entry, width))
    out.extend(effect_lines(catalog, entry, width))
    return "\n".join(out) + "\n"


def effect_lines(catalog: Catalog, entry: Entry, width: int) -> list[str]:
    out = ["", "Effects on it"]
    effects = catalog.effects_on(entry)
    if not effects:
        out.append("  none recorded in the loaded rule sets")
    for eff in effects:
        out.extend(wrap(f"{eff.by} ({where(eff.location)}): {eff.summary()}", width, "  ", "    "))
    return out


def requirement(catalog: Catalog, entry: Entry, width: int) -> list[str]:
    """A rule or scope entry: what it is about and what it requires, in plain words."""
    out = _rule_head(catalog, entry, width)
    a = entry.authority
    if entry.scope is not None:
        out.append("  outside the authority's scope: every finding on it is not_applicable")
        out += ["", "Why it is outside the scope"]
        out.extend(wrap(entry.scope.reason, width, "  "))
    else:
        rule = entry.rule
        assert rule is not None
        out.extend(wrap(f"kind: {kind_words(rule.kind)}", width, "  ", "    "))
        status = rule.status or a.status
        flags = f"status {status} \u00b7 confidence {rule.confidence}"
        if rule.inferred:
            flags += " \u00b7 inferred from an outcome, not stated"
        out.extend(wrap(flags, width, "  "))
        out += ["", "In plain words"]
        out.extend(wrap(rule.message, width, "  "))
        out += ["", f"Condition ({condition_head(rule.kind)} the clause in force meets it)"]
        out.extend(outline(condition_lines(rule.when), "  ", width))
        if rule.open_question:
            out += ["", "Open question (every finding on a clause is unknown until it is settled)"]
            out.extend(wrap(rule.open_question, width, "  "))
    return out


def render_authority(catalog: Catalog, a: Authority, width: int) -> str:
    raw: dict[str, Any] = catalog.raw(Entry(a))
    reg = catalog.session.registry
    out = [one_line(a.id), f"  {where(a.location)}"]
    out.extend(wrap(a.title, width, "  ", "    "))
    out.extend(wrap(f"citation: {a.citation}", width, "  ", "    "))
    issuer = reg.issuers.get(a.issuer, "not in the issuer registry")
    out.extend(wrap(f"issuer: {a.issuer} ({issuer})", width, "  ", "    "))
    out.extend(wrap(_identity(catalog, a), width, "  ", "    "))
    out.extend(wrap(f"{window_text(a)}; {_state_words(catalog, a)}", width, "  ", "    "))
    out.extend(wrap(f"confidence {a.confidence}", width, "  "))
    if raw.get("unconfirmed"):
        out.extend(wrap(f"unconfirmed: {', '.join(map(str, raw['unconfirmed']))}", width, "  "))
    for key in ("summary", "notes"):
        if isinstance(raw.get(key), str):
            out += ["", key.capitalize()]
            out.extend(wrap(raw[key], width, "  "))
    out += ["", "Rules and scope"]
    if not entries_of(a):  # a ruling may act only through its effects on other authorities
        none = "none of its own"
        if a.effects:
            none += "; it acts through the effects it declares on other authorities (below)"
        out.extend(wrap(none, width, "  ", "    "))
    for e in entries_of(a):
        what = (
            f"{e.rule.question} {e.rule.provision} ({e.rule.kind})"
            if e.rule is not None
            else f"{e.question} {e.provision}: outside scope"
        )
        out.extend(wrap(f"{e.ident}: {what}", width, "  ", "    "))
    out += ["", "Sources"]
    for s in a.sources.values():
        line = f"{s.id} ({s.kind}, read: {s.read})"
        if s.title:
            line += f": {s.title}"
        if s.url:
            line += f" {s.url} [{s.quality or '?'}]"
        out.extend(wrap(line, width, "  ", "    "))
    own = raw.get("effects")
    if isinstance(own, list) and own:
        out += ["", "Effects it declares on other authorities"]
        for item in own:
            if isinstance(item, dict):
                out.extend(wrap(Effect(a.id, item, a.location).summary(), width, "  - ", "    "))
    out.extend(effect_lines(catalog, Entry(a), width))
    return "\n".join(out) + "\n"
