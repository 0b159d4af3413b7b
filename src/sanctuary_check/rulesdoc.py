"""``rules doc``: each authority's text or summary beside its encoding, pinpoint by pinpoint.

As Catala sets the law beside the code that encodes it: for every rule, the passages it cites
(instrument, section or pinpoint, quotation where the file gives one, the evidence read with its
quality tag) and its message, beside the YAML that encodes it and its condition in words; then
the effects other authorities have on it and the expectation tests that exercise it. This module
gathers that as plain data; ``render/rulesdoc.py`` writes it as Markdown or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .catalog import (
    Catalog,
    Entry,
    condition_head,
    condition_lines,
    entries_of,
    kind_words,
    scope_text,
    window_text,
)
from .citations import pinpoint_where
from .expectations import ExpectationFile
from .model import Authority, Citation, Source


@dataclass(frozen=True, slots=True)
class Evidence:
    id: str
    url: str | None
    quality: str | None
    read: str | None
    title: str | None = None


@dataclass(slots=True)
class Pinpoint:
    instrument: str
    where: str
    unconfirmed: list[str]
    quote: str | None
    notes: str | None
    evidence: list[Evidence]

    @property
    def label(self) -> str:
        return f"{self.instrument}, {self.where}"


@dataclass(slots=True)
class Test:
    where: str
    as_of: str
    policy: str
    expected: str


@dataclass(slots=True)
class RuleDoc:
    ident: str
    location: str
    about: str
    kind: str
    status: str
    message: str
    open_question: str | None
    condition_head: str | None
    condition: list[tuple[int, str]]
    pinpoints: list[Pinpoint]
    yaml: str | None
    effects: list[str]
    tests: list[Test] = field(default_factory=list)


@dataclass(slots=True)
class AuthorityDoc:
    id: str
    title: str
    facts: list[tuple[str, str]]
    summary: str | None
    notes: str | None
    sources: list[Evidence]
    effects: list[str]
    rules: list[RuleDoc]

    def pinpoint_index(self) -> list[tuple[str, list[str]]]:
        """Each cited passage, in order of first citation, with the rules that cite it."""
        index: dict[str, list[str]] = {}
        for r in self.rules:
            for p in r.pinpoints:
                names = index.setdefault(p.label, [])
                if r.ident not in names:
                    names.append(r.ident)
        return list(index.items())


def _evidence(sources: dict[str, Source], ident: str) -> Evidence:
    src = sources.get(ident)
    if src is None:
        return Evidence(ident, None, None, None)
    return Evidence(ident, src.url, src.quality, src.read, src.title)


def _pinpoint(sources: dict[str, Source], c: Citation, raw: dict[str, Any]) -> Pinpoint:
    inst = sources.get(c.instrument)
    quote, notes = raw.get("quote"), raw.get("notes")
    return Pinpoint(
        instrument=(inst.title if inst and inst.title else c.instrument),
        where=pinpoint_where(c),
        unconfirmed=list(c.unconfirmed),
        quote=quote if isinstance(quote, str) else None,
        notes=notes if isinstance(notes, str) else None,
        evidence=[_evidence(sources, e) for e in c.evidence],
    )


def _rule_doc(catalog: Catalog, entry: Entry) -> RuleDoc:
    a = entry.authority
    raw = catalog.raw(entry)
    raw_cites: list[Any] = raw["citations"] if isinstance(raw.get("citations"), list) else []
    cites = entry.rule.citations if entry.rule else entry.scope.citations if entry.scope else ()
    pinpoints = [
        _pinpoint(a.sources, c, raw_cites[i] if i < len(raw_cites) else {})
        for i, c in enumerate(cites)
    ]
    reg = catalog.session.registry
    q, p = entry.question or "", entry.provision or ""
    about = f"{q} ({reg.questions.get(q, '?')}) / {p} ({reg.provision_titles.get(p, '?')})"
    loc = entry.location
    common: dict[str, Any] = {
        "ident": entry.ident,
        "location": f"{loc.path}:{loc.line}:{loc.column}",
        "about": about,
        "pinpoints": pinpoints,
        "yaml": catalog.source_text(entry),
        "effects": [f"{e.by}: {e.summary()}" for e in catalog.effects_on(entry)],
    }
    if entry.rule is not None:
        r = entry.rule
        status = f"status {r.status or a.status}; confidence {r.confidence}"
        if r.inferred:
            status += "; inferred from an outcome, not stated"
        return RuleDoc(
            kind=kind_words(r.kind),
            status=status,
            message=r.message,
            open_question=r.open_question,
            condition_head=condition_head(r.kind),
            condition=condition_lines(r.when),
            **common,
        )
    assert entry.scope is not None
    return RuleDoc(
        kind="outside the authority's scope: every finding on it is not_applicable",
        status=f"status {a.status}; confidence {entry.scope.confidence or a.confidence}",
        message=entry.scope.reason,
        open_question=None,
        condition_head=None,
        condition=[],
        **common,
    )


def _authority_doc(catalog: Catalog, a: Authority) -> AuthorityDoc:
    raw = catalog.raw(Entry(a))
    reg = catalog.session.registry
    facts = [
        ("citation", a.citation),
        ("kind", f"{a.kind.replace('_', ' ')} ({a.lens} lens)"),
        ("issuer", f"{a.issuer} ({reg.issuers.get(a.issuer, 'not in the issuer registry')})"),
        ("window", window_text(a)),
        ("scope", scope_text(raw)),
        ("status", a.status),
        ("standard", a.standard),
        ("confidence", a.confidence),
        ("questions", ", ".join(a.questions)),
        ("file", a.path),
    ]
    if raw.get("unconfirmed"):
        facts.append(("unconfirmed", ", ".join(map(str, raw["unconfirmed"]))))
    summary, notes = raw.get("summary"), raw.get("notes")
    return AuthorityDoc(
        id=a.id,
        title=a.title,
        facts=facts,
        summary=summary if isinstance(summary, str) else None,
        notes=notes if isinstance(notes, str) else None,
        sources=[_evidence(a.sources, s) for s in a.sources],
        effects=[f"{e.by}: {e.summary()}" for e in catalog.effects_on(Entry(a))],
        rules=[_rule_doc(catalog, e) for e in entries_of(a)],
    )


def _expected_words(value: dict[str, Any]) -> str:
    rest = [f"{k} {v}" for k, v in value.items() if k not in ("verdict", "note")]
    return ", ".join([str(value.get("verdict")), *rest])


def build(catalog: Catalog, expectations: list[ExpectationFile]) -> list[AuthorityDoc]:
    """The document's content: every loaded authority, in the rule set's order."""
    docs = [_authority_doc(catalog, a) for a in catalog.authorities]
    by_ident = {r.ident: r for d in docs for r in d.rules}
    authorities = {a.id: a for a in catalog.authorities}
    for file in expectations:
        for case in file.cases:
            for exp in case.expectations:
                a = authorities.get(exp.authority)
                if exp.kind != "finding" or a is None or exp.question is None:
                    continue
                key = (exp.question, exp.provision or "")
                rule = a.rule_for(*key)
                if key in a.outside_scope:
                    ident = Entry(a, scope=a.outside_scope[key]).ident
                elif rule is not None:
                    ident = Entry(a, rule=rule).ident
                else:
                    continue
                loc = exp.location
                by_ident[ident].tests.append(
                    Test(
                        f"{loc.path}:{loc.line}:{loc.column}",
                        case.as_of.isoformat(),
                        file.policy,
                        _expected_words(exp.expected),
                    )
                )
    return docs
