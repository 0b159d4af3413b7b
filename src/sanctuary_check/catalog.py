"""The loaded authorities as a catalogue: rule ids, the files behind them, and effects on them.

``rules list``, ``rules show``, ``rules doc`` and ``explain`` look things up here. The model keeps
what the engine needs; what people read beside it (an authority's summary, its scope, a rule's
YAML as written, effects other authorities have on it) is read back from the authority's file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .conditions import All, AnyOf, Condition, Not
from .hierarchy import AuthorityState
from .loading import Document, LoadError, Mark, PathKey, load_file
from .model import Authority, InForce, Location, Rule, ScopeEntry
from .session import Session, UsageError

SCOPE_SEGMENT = "outside-scope"


@dataclass(frozen=True, slots=True)
class Entry:
    """What an id names: an authority, one of its rules, or one of its outside-scope entries."""

    authority: Authority
    rule: Rule | None = None
    scope: ScopeEntry | None = None

    @property
    def ident(self) -> str:
        if self.rule is not None:
            return f"{self.authority.id}/{self.rule.id}"
        if self.scope is not None:
            return f"{self.authority.id}/{SCOPE_SEGMENT}/{self.scope.provision}"
        return self.authority.id

    @property
    def question(self) -> str | None:
        if self.rule is not None:
            return self.rule.question
        return self.scope.question if self.scope is not None else None

    @property
    def provision(self) -> str | None:
        if self.rule is not None:
            return self.rule.provision
        return self.scope.provision if self.scope is not None else None

    @property
    def location(self) -> Location:
        if self.rule is not None:
            return self.rule.location
        if self.scope is not None:
            return self.scope.location
        return self.authority.location

    def raw_path(self) -> PathKey:
        """Where the entry stands in its file's data."""
        if self.rule is not None:
            return ("rules", self.authority.rules.index(self.rule))
        if self.scope is not None:
            q = self.scope.question
            same = [s for s in self.authority.outside_scope.values() if s.question == q]
            return ("outside_scope", q, same.index(self.scope))
        return ()


def entries_of(authority: Authority) -> list[Entry]:
    """The rules and outside-scope entries of an authority, in file order."""
    out = [Entry(authority, rule=r) for r in authority.rules]
    out.extend(Entry(authority, scope=s) for s in authority.outside_scope.values())
    out.sort(key=lambda e: e.location.line)
    return out


def effects_words(authority: Authority) -> str:
    """What an authority does to others, in a few words: "injunction on X (questions: q)"; for
    an authority with no rules of its own (a ruling that acts only through its effects)."""
    parts = []
    for e in authority.effects:
        target = e.target_authority
        if e.target_rules:
            target += f" (rules: {', '.join(e.target_rules)})"
        elif e.target_questions:
            target += f" (questions: {', '.join(e.target_questions)})"
        elif e.target_effect:
            target += f" (its effect {e.target_effect})"
        parts.append(f"{e.kind} on {target}")
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Effect:
    """An effect one authority's file declares on another authority or some of its rules."""

    by: str
    data: dict[str, Any]
    location: Location

    def summary(self) -> str:
        """The effect's plain fields, as ``key: value`` pairs (its shape belongs to its file)."""
        parts = []
        for key, value in self.data.items():
            if isinstance(value, str | int | float | bool):
                parts.append(f"{key}: {value}")
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                parts.append(f"{key}: {', '.join(value)}")
        return "; ".join(parts)


class Catalog:
    """The authorities of a session, with their files and their in-force states."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.authorities = list(session.authorities)
        self.states: dict[str, AuthorityState] = {s.authority.id: s for s in session.states}
        self._docs: dict[str, Document | None] = {}

    def state(self, authority: Authority) -> AuthorityState:
        return self.states.get(authority.id) or AuthorityState(authority, InForce.UNKNOWN, None)

    def entries(self) -> Iterator[Entry]:
        for a in self.authorities:
            yield from entries_of(a)

    def resolve(self, ident: str) -> Entry:
        """An authority id, ``<authority>/<rule>`` or ``<authority>/outside-scope/<provision>``."""
        by_id = {a.id: a for a in self.authorities}
        if ident in by_id:
            return Entry(by_id[ident])
        for entry in self.entries():
            if entry.ident == ident:
                return entry
        known = [a.id for a in self.authorities] + [e.ident for e in self.entries()]
        close = difflib.get_close_matches(ident, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(
            f"no authority or rule {ident!r} in the loaded rule sets{hint} "
            "(see: sanctuary-check rules list)"
        )

    def document(self, authority: Authority) -> Document | None:
        """The authority's file as loaded data with positions (None if it cannot be re-read)."""
        if authority.id not in self._docs:
            path = self.session.ruleset.paths.get(authority.id)
            doc = None
            if path is not None:
                try:
                    doc = load_file(path, authority.path)
                except LoadError:
                    doc = None
            self._docs[authority.id] = doc
        return self._docs[authority.id]

    def raw(self, entry: Entry) -> dict[str, Any]:
        """The entry's mapping as written in its file (empty if the file cannot be re-read)."""
        doc = self.document(entry.authority)
        node: Any = doc.data if doc is not None else {}
        for part in entry.raw_path():
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return {}
        return node if isinstance(node, dict) else {}

    def source_text(self, entry: Entry) -> str | None:
        """The entry's YAML exactly as written in its file (comments inside it included)."""
        doc = self.document(entry.authority)
        path = self.session.ruleset.paths.get(entry.authority.id)
        if doc is None or path is None:
            return None
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return None
        if not entry.raw_path():
            return "\n".join(lines)
        return block_text(lines, doc.mark(entry.raw_path()))

    def effects_on(self, entry: Entry) -> list[Effect]:
        """Effects any loaded authority declares on this authority (or on this rule)."""
        out: list[Effect] = []
        target = entry.authority.id
        local = entry.rule.id if entry.rule is not None else None
        on_part = entry.rule is not None or entry.scope is not None
        for a in self.authorities:
            doc = self.document(a)
            raw = doc.data.get("effects") if doc is not None else None
            for i, effect in enumerate(a.effects):
                if effect.target_authority != target or effect.target_effect is not None:
                    continue
                # An effect naming rules reaches those rules (and is an effect on the
                # authority); one naming none reaches every rule of the authority.
                if effect.target_rules is not None and on_part and local not in effect.target_rules:
                    continue
                data = raw[i] if isinstance(raw, list) and i < len(raw) else {}
                out.append(Effect(a.id, _plain(data), effect.location))
        return out


def _plain(data: Any) -> dict[str, Any]:
    """An effect's fields for display, the target folded into plain text."""
    if not isinstance(data, dict):
        return {}
    out = {k: v for k, v in data.items() if k not in ("target", "scope", "citations")}
    target = data.get("target")
    if isinstance(target, dict):
        out["target"] = target.get("authority", "")
        if isinstance(target.get("rules"), list):
            out["rules"] = [str(r) for r in target["rules"]]
    scope = data.get("scope")
    if isinstance(scope, dict):
        out["scope"] = str(scope.get("kind", ""))
        if isinstance(scope.get("parties"), list):
            out["parties"] = [str(p) for p in scope["parties"]]
    return out


def block_text(lines: list[str], start: Mark) -> str:
    """The YAML block of a sequence item (or mapping) starting at ``start``, dedented.

    The block runs until the first non-blank, non-comment line indented no deeper than the
    item's dash; trailing blank and comment lines are left out.
    """
    first = start.line - 1
    item_col = start.column - 1
    head = lines[first]
    dash = head.rfind("-", 0, item_col)
    indent = dash if dash >= 0 and not head[dash + 1 : item_col].strip() else item_col
    end = first + 1
    while end < len(lines):
        text = lines[end]
        stripped = text.strip()
        if stripped and not stripped.startswith("#") and len(text) - len(text.lstrip()) <= indent:
            break
        end += 1
    block = lines[first:end]
    while block and (not block[-1].strip() or block[-1].strip().startswith("#")):
        block.pop()
    return "\n".join(line[indent:] if len(line) >= indent else line.lstrip() for line in block)


def condition_lines(cond: Condition, depth: int = 0) -> list[tuple[int, str]]:
    """A condition as an indented outline: (depth, text) per node."""
    if isinstance(cond, All | AnyOf):
        head = "all of:" if isinstance(cond, All) else "any of:"
        out = [(depth, head)]
        for part in cond.parts:
            out.extend(condition_lines(part, depth + 1))
        return out
    if isinstance(cond, Not):
        inner = condition_lines(cond.part, depth + 1)
        if len(inner) == 1:
            return [(depth, f"not: {inner[0][1]}")]
        return [(depth, "not:"), *inner]
    return [(depth, cond.describe())]


def kind_words(kind: str) -> str:
    """What a rule's kind means for the verdict, in plain words."""
    if kind == "requires_measure":
        return (
            "requires a measure: a clause that meets the condition is compliant, one that does "
            "not is a conflict, and a 'permitted' clause never satisfies it"
        )
    return (
        "forbids a restriction: a clause that meets the condition conflicts with this reading, "
        "one that does not is compliant"
    )


def condition_head(kind: str) -> str:
    return "compliant when" if kind == "requires_measure" else "conflict when"


def window_text(authority: Authority) -> str:
    w = authority.window
    start = w.effective_from or "unknown"
    if w.effective_until is None:
        text = f"in force from {start}, no end recorded"
    else:
        text = f"in force from {start} until {w.effective_until}"
    extra = []
    if w.first_known_in_force:
        extra.append(f"first known in force {w.first_known_in_force}")
    if w.last_known_in_force:
        extra.append(f"last known in force {w.last_known_in_force}")
    if w.ended_by_date:
        extra.append(f"surely ended by {w.ended_by_date}")
    if authority.ended_by:
        extra.append(f"ended by {authority.ended_by}")
    return text + (f" ({'; '.join(extra)})" if extra else "")


def scope_text(raw: dict[str, Any]) -> str:
    """An authority's scope as written (a mapping, or a list of dated scopes)."""
    scopes = raw.get("scope")
    items = scopes if isinstance(scopes, list) else [scopes]
    texts = []
    for scope in items:
        if not isinstance(scope, dict):
            continue
        kind = str(scope.get("kind", "not recorded"))
        parties = scope.get("parties")
        names = ", ".join(str(p) for p in parties) if isinstance(parties, list) else ""
        detail = scope.get("circuit") or scope.get("state") or names
        text = f"{kind} ({detail})" if detail else kind
        if scope.get("effective_from"):
            text += f" from {scope['effective_from']}"
        texts.append(text)
    return "; ".join(texts) if texts else "not recorded"
