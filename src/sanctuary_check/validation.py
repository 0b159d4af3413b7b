"""Problems in policy and rule files: schema errors and what a schema cannot express.

Each problem carries ``path:line:column``, a severity, a message for people and a stable code.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Literal

from .loading import Document, LoadError, Mark, PathKey, load_file
from .model import Window
from .schemacheck import is_valid
from .schemas import SchemaName, enum_of, validator
from .timeline import DateError, parse_partial, windows_overlap

if TYPE_CHECKING:  # jsonschema loads only when a file is invalid and needs explaining
    from jsonschema.exceptions import ValidationError

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int
    column: int
    severity: Severity
    message: str
    code: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
            "code": self.code,
        }

    @staticmethod
    def from_load_error(err: LoadError) -> Problem:
        return Problem(err.path, err.line, err.column, "error", err.message, err.code)

    def to_error(self) -> LoadError:
        return LoadError(self.path, self.line, self.column, self.message, self.code)


def dotted(path: PathKey) -> str:
    """A human path: provisions.release_notification.clauses[0].stance."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(top level)"


def _problem(
    doc: Document,
    where: PathKey,
    message: str,
    code: str,
    severity: Severity = "error",
    *,
    key: bool = False,
) -> Problem:
    mark: Mark = doc.key_mark(where) if key else doc.mark(where)
    return Problem(doc.path, mark.line, mark.column, severity, message, code)


def _shown(value: Any) -> str:
    """A value as a message shows it: whole when short, else its start and its size."""
    return _short_text(repr(value))


def _short_text(text: str, limit: int = 120) -> str:
    # A file can hold a value of megabytes; one message line should not.
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# The checks of meaning run on documents the schema rejected too (every problem in one run), so
# they read the data through these: a part of the wrong shape is skipped, never crashed on; the
# schema error already says what is wrong with it.


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _entries(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of a list, with their places in it."""
    return [(i, v) for i, v in enumerate(_list(value)) if isinstance(v, dict)]


def _ids(value: Any) -> tuple[set[str], bool]:
    """The ids of a list of entries, and whether every entry has one (else a reference to an id
    that is not there may name the entry whose id is broken, and is not reported)."""
    ids = [e.get("id") if isinstance(e, dict) else None for e in _list(value)]
    complete = (value is None or isinstance(value, list)) and all(isinstance(i, str) for i in ids)
    return {i for i in ids if isinstance(i, str)}, complete


_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO"}


def _leaf_errors(error: ValidationError) -> Iterator[ValidationError]:
    """For anyOf/oneOf/if-then errors, the most useful underlying errors."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        # Prefer the alternative that got furthest into the instance.
        deepest = max(len(e.absolute_path) for e in error.context)
        if deepest > len(error.absolute_path):
            best = [e for e in error.context if len(e.absolute_path) == deepest]
            for sub in best[:1]:
                yield from _leaf_errors(sub)
            return
    yield error


def _describe_schema_error(error: ValidationError) -> tuple[str, str, bool, PathKey]:
    """(message, code, point at key?, path) for one schema error."""
    where: PathKey = tuple(error.absolute_path)
    name = dotted(where)
    schema = error.schema if isinstance(error.schema, dict) else {}
    inst = error.instance
    v = error.validator
    if v == "required":
        required: list[str] = (
            list(error.validator_value) if isinstance(error.validator_value, list) else []
        )
        missing = [m for m in required if isinstance(inst, dict) and m not in inst]
        what = ", ".join(repr(m) for m in missing) or repr(error.validator_value)
        return f"{name}: missing required key {what}", "schema-required", False, where
    if v == "additionalProperties" and isinstance(inst, dict):
        allowed = set(schema.get("properties", {}))
        extras = [k for k in inst if k not in allowed]
        if extras:
            key = extras[0]
            return (
                f"{dotted((*where, key))}: unknown key {key!r}{suggest(key, allowed)}",
                "schema-unknown-key",
                True,
                (*where, key),
            )
    if "propertyNames" in error.schema_path:
        bad = error.instance
        names = _enum_values(error.validator_value if v == "propertyNames" else error.schema)
        path = (*where, bad) if isinstance(bad, str) else where
        return (
            f"{name}: {bad!r} is not an allowed key{suggest(str(bad), names)}",
            "schema-unknown-key",
            True,
            path,
        )
    if v in ("enum", "const"):
        options: list[Any] = (
            list(error.validator_value)
            if v == "enum" and isinstance(error.validator_value, list)
            else [error.validator_value]
        )
        shown = ", ".join(str(o) for o in options[:16]) + (", ..." if len(options) > 16 else "")
        hint = suggest(str(inst), [str(o) for o in options]) if isinstance(inst, str) else ""
        return f"{name}: {_shown(inst)} is not one of: {shown}{hint}", "schema-enum", False, where
    if v == "type":
        expected = error.validator_value
        got = type(inst).__name__
        hint = ""
        wanted = set(expected) if isinstance(expected, list) else {expected}
        if "boolean" in wanted and isinstance(inst, str) and inst in _YAML11_BOOLS:
            hint = f"; write true or false ({_shown(inst)} is text here, as in YAML 1.2)"
        elif "string" in wanted and isinstance(inst, bool):
            hint = "; quote it if you meant the word"
        elif "string" in wanted and isinstance(inst, int | float):
            hint = "; quote it if you meant text"
        message = f"{name}: expected {expected}, got {got} {_shown(inst)}{hint}"
        return message, "schema-type", False, where
    if v == "pattern":
        desc = schema.get("description", "")
        return (
            f"{name}: {_shown(inst)} is not in the expected form" + (f" ({desc})" if desc else ""),
            "schema-pattern",
            False,
            where,
        )
    if v in ("anyOf", "oneOf"):
        desc = schema.get("description") or "no alternative matches"
        return f"{name}: {_shown(inst)} is not valid here: {desc}", "schema-shape", False, where
    if v in ("minItems", "maxItems", "minProperties", "maxProperties", "uniqueItems"):
        return f"{name}: {_short_text(error.message)}", "schema-size", False, where
    if v == "additionalProperties":
        return f"{name}: {_short_text(error.message)}", "schema-unknown-key", False, where
    return f"{name}: {_short_text(error.message)}", "schema", False, where


def _enum_values(schema: Any) -> list[str]:
    if isinstance(schema, list):
        return [str(x) for x in schema]
    if isinstance(schema, dict):
        if "enum" in schema:
            return [str(x) for x in schema["enum"]]
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            try:
                return enum_of(ref.split("/")[-1])
            except KeyError:
                return []
    return []


def schema_problems(doc: Document, name: SchemaName) -> list[Problem]:
    """Every schema error in the document, located and worded for people."""
    if is_valid(name)(doc.data):
        return []  # the common case; jsonschema below explains what is wrong, when something is
    problems: list[Problem] = []
    seen: set[tuple[int, int, str]] = set()
    for error in validator(name).iter_errors(doc.data):
        for leaf in _leaf_errors(error):
            message, code, at_key, where = _describe_schema_error(leaf)
            p = _problem(doc, where, message, code, key=at_key)
            ident = (p.line, p.column, p.message)
            if ident not in seen:
                seen.add(ident)
                problems.append(p)
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


# --- checks a schema cannot express ------------------------------------------------------------


#: Keys whose values are dates at their precision, in policy and rule files.
DATE_KEYS = frozenset(
    {
        "adopted",
        "effective",
        "published",
        "effective_from",
        "effective_until",
        "first_known_in_force",
        "last_known_in_force",
        "ended_by_date",
        "date",
        "expires",
    }
)


def _check_dates(doc: Document) -> Iterator[Problem]:
    # Containers only, by hand: every file goes through this, and a generic walk over every
    # value (a path for each) cost more than the check itself.
    stack: list[tuple[Any, PathKey]] = [(doc.data, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, dict | list):
                    stack.append((value, (*where, key)))
                elif key in DATE_KEYS and isinstance(value, str) and value != "unknown":
                    try:
                        parse_partial(value)
                    except DateError as exc:
                        at = (*where, key)
                        yield _problem(doc, at, f"{dotted(at)}: {exc}", "bad-date")
        elif isinstance(node, list):
            stack.extend((value, (*where, i)) for i, value in enumerate(node))


def _window_order(doc: Document, where: PathKey, node: dict[str, Any]) -> Iterator[Problem]:
    yield from _ended_by_date(doc, where, node)
    start, end = node.get("effective_from"), node.get("effective_until")
    if not (isinstance(start, str) and isinstance(end, str)) or "unknown" in (start, end):
        return
    try:
        a, b = parse_partial(start), parse_partial(end)
    except DateError:
        return
    if b.last <= a.first:
        yield _problem(
            doc,
            (*where, "effective_until"),
            f"{dotted(where) if where else 'window'}: effective_until {end} is not after "
            f"effective_from {start}",
            "window-order",
        )


def _ended_by_date(doc: Document, where: PathKey, node: dict[str, Any]) -> Iterator[Problem]:
    """``ended_by_date`` bounds an unknown end; beside a known end, or before a day the window is
    known to be in force, it would contradict the rest of the window."""
    gone = node.get("ended_by_date")
    if not isinstance(gone, str):
        return
    at = (*where, "ended_by_date")
    if node.get("effective_until") != "unknown":
        yield _problem(
            doc,
            at,
            "ended_by_date bounds an unknown end: use it with effective_until: unknown (with a "
            "known end, effective_until says it all)",
            "window-order",
        )
        return
    for key in ("effective_from", "last_known_in_force", "first_known_in_force"):
        other = node.get(key)
        if not isinstance(other, str) or other == "unknown":
            continue
        try:
            if parse_partial(gone).last <= parse_partial(other).first:
                yield _problem(
                    doc,
                    at,
                    f"ended_by_date {gone} is not after {key} {other}",
                    "window-order",
                )
        except DateError:
            continue


def _boundary(value: Any) -> str | None:
    # A boundary the schema rejected (a number, a list) bounds nothing that can be compared.
    return value if value is None or isinstance(value, str) else "unknown"


def _overlapping_states(doc: Document, where: PathKey, states: Any) -> Iterator[Problem]:
    """Two dated states of one clause that are certainly in force on the same day."""
    windows = [
        (j, Window(_boundary(st.get("effective_from")), _boundary(st.get("effective_until"))))
        for j, st in _entries(states)
    ]
    for n, (j, w) in enumerate(windows):
        for k, earlier in windows[:n]:
            try:
                overlap = windows_overlap(earlier, w)
            except DateError:
                continue
            if overlap:
                yield _problem(
                    doc,
                    (*where, j),
                    f"{dotted((*where, j))} overlaps state {k + 1}: a clause has one state at a "
                    "time (end the earlier one where the later one begins)",
                    "overlapping-states",
                )


_INSTRUMENT_DATES = ("adopted", "effective", "published")
#: The stances that cannot have exceptions (a tuple: a value of the wrong shape may be unhashable).
UNRESTRICTED = tuple(s for s in enum_of("stance") if s != "restricted")


def _too_precise(
    doc: Document, where: PathKey, value: Any, instruments: Iterable[dict[str, Any]]
) -> Iterator[Problem]:
    """A date given more precisely than the instrument it comes from is dated.

    A determination is dated by its letter or judgment, a clause state by the instrument that
    made it: when that instrument is known only to the month or year, a day inside that month or
    year claims a precision the sources do not give. A date outside the instrument's period is
    some other event and is left alone, as is one that an equally precise date of the instrument
    matches.
    """
    if not isinstance(value, str) or value == "unknown":
        return
    try:
        mine = parse_partial(value)
    except DateError:
        return
    for src in instruments:
        dates: list[tuple[str, Any]] = [(k, src.get(k)) for k in _INSTRUMENT_DATES]
        parsed = []
        for key, raw in dates:
            # An instrument date that is itself unconfirmed is no limit: the evidence may date
            # the event more precisely than anyone could date the document.
            if key in _list(src.get("unconfirmed")):
                continue
            if isinstance(raw, str) and raw != "unknown":
                try:
                    parsed.append((key, parse_partial(raw)))
                except DateError:
                    continue
        if any(p.first == mine.first and p.last == mine.last for _, p in parsed):
            continue
        for key, p in parsed:
            coarser = (p.last - p.first) > (mine.last - mine.first)
            if coarser and p.first <= mine.first and mine.last <= p.last:
                yield _problem(
                    doc,
                    where,
                    f"{dotted(where)}: {value!r} is more precise than the date of "
                    f"{src.get('id')!r} ({key} {p.raw!r}) that it comes from; write {p.raw!r}, "
                    f"or give {src.get('id')!r} its full date",
                    "date-too-precise",
                    "warning",
                )
                return


def _section_confirmed(
    doc: Document, where: PathKey, ref: Any, unconfirmed: Iterable[Any]
) -> Iterator[Problem]:
    if not isinstance(ref, dict):
        return
    if "instrument" in ref and ref.get("section") is None and "section" not in list(unconfirmed):
        yield _problem(
            doc,
            (*where, "section") if "section" in ref else where,
            f"{dotted(where)}: the section is not given; give it, or list 'section' in unconfirmed",
            "section-unconfirmed",
        )


class _Refs:
    """Source ids of one file and checks that references point at them."""

    def __init__(self, doc: Document, sources: Any) -> None:
        self.doc = doc
        self.by_id: dict[str, dict[str, Any]] = {}
        self.problems: list[Problem] = []
        #: Whether every source has an id: a source the schema rejected may be the one a
        #: reference names, so no reference is called undefined while one lacks its id.
        self.complete = isinstance(sources, list)
        for i, src in enumerate(_list(sources)):
            if not isinstance(src, dict) or not isinstance(src.get("id"), str):
                self.complete = False
                continue
            if src["id"] in self.by_id:
                self.problems.append(
                    _problem(
                        doc,
                        ("sources", i, "id"),
                        f"duplicate source id {src['id']!r}",
                        "duplicate-id",
                    )
                )
            self.by_id[src["id"]] = src

    def need(self, where: PathKey, ident: Any, kind: str | None = None) -> None:
        if not isinstance(ident, str):
            return
        src = self.by_id.get(ident)
        if src is None and not self.complete:
            return
        if src is None:
            self.problems.append(
                _problem(
                    self.doc,
                    where,
                    f"{dotted(where)}: source {ident!r} is not defined in sources"
                    + suggest(ident, self.by_id),
                    "undefined-source",
                )
            )
        elif kind is not None and src.get("kind") != kind:
            self.problems.append(
                _problem(
                    self.doc,
                    where,
                    f"{dotted(where)}: {ident!r} is an {src.get('kind')} source; an {kind} is "
                    "expected here",
                    "wrong-source-kind",
                )
            )

    def instruments(self, idents: Iterable[Any]) -> list[dict[str, Any]]:
        """The instrument sources among these ids (unknown ids are reported elsewhere)."""
        found = (self.by_id.get(i) for i in idents if isinstance(i, str))
        return [s for s in found if s is not None and s.get("kind") == "instrument"]

    def citation(self, where: PathKey, ref: Any) -> None:
        if not isinstance(ref, dict):
            return
        self.need((*where, "instrument"), ref.get("instrument"), "instrument")
        for j, ev in enumerate(_list(ref.get("evidence"))):
            self.need((*where, "evidence", j), ev)

    def read_in_full(self, where: PathKey, ident: Any, why: str) -> None:
        src = self.by_id.get(ident) if isinstance(ident, str) else None
        if src is not None and src.get("read") != "full":
            self.problems.append(
                _problem(
                    self.doc,
                    where,
                    f"{dotted(where)}: {why}, but {ident!r} was not read in full "
                    f"(read: {src.get('read')})",
                    "not-read-in-full",
                )
            )


def _file_problems(doc: Document) -> list[Problem]:
    """Checks every policy and rule file shares: real dates, and an id equal to the file name."""
    problems = list(_check_dates(doc))
    stem = PurePath(doc.path).stem
    ident = doc.data.get("id")
    if isinstance(ident, str) and ident != stem:
        problems.append(
            _problem(
                doc,
                ("id",),
                f"id {ident!r} does not match the file name {stem!r}",
                "id-mismatch",
            )
        )
    return problems


def check_file(path: Path, display: str, kind: SchemaName) -> tuple[Document | None, list[Problem]]:
    """Load a policy or rule file and run every check on it.

    Returns the document only when there is no error (warnings may remain).
    """
    try:
        doc = load_file(path, display)
    except LoadError as err:
        return None, [Problem.from_load_error(err)]
    problems = check_document(doc, kind)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return doc, problems


_WHAT = {"policy": "policy", "rules": "rule", "waivers": "waivers"}


def check_document(doc: Document, kind: SchemaName) -> list[Problem]:
    """Every problem in a loaded policy, rule or waivers document: schema, then meaning.

    The checks of meaning run even when the schema check found something, so that one run
    reports every problem in the file rather than the schema's alone.
    """
    if not isinstance(doc.data, dict):
        return [not_a_mapping(doc.path, doc.data, _WHAT.get(kind, kind))]
    problems = schema_problems(doc, kind)
    if kind == "policy":
        meaning = policy_problems(doc)
    elif kind == "rules":
        meaning = rules_problems(doc)
    else:
        meaning = list(_check_dates(doc))
    if problems:
        # A check of meaning that lands where the schema found something says the same thing
        # again (an id that is neither well formed nor the file name): the schema's word stands.
        taken = {(p.line, p.column) for p in problems}
        problems += [p for p in meaning if (p.line, p.column) not in taken]
        problems.sort(key=lambda p: (p.line, p.column))
        return problems
    return meaning


def _kind_of(data: Any) -> str:
    if data is None:
        return "nothing (a null)"
    if isinstance(data, bool):
        return "a true/false value"
    if isinstance(data, int | float):
        return "a number"
    if isinstance(data, str):
        return "a line of text"
    if isinstance(data, list):
        return "a list"
    return f"a {type(data).__name__}"


def not_a_mapping(path: str, data: Any, what: str) -> Problem:
    return Problem(
        path,
        1,
        1,
        "error",
        f"a {what} file must be a mapping of keys to values, not {_kind_of(data)}",
        "not-a-mapping",
    )


def policy_problems(doc: Document) -> list[Problem]:
    """Checks of meaning on a policy document, whether or not its schema check passed."""
    data: dict[str, Any] = doc.data
    problems = _file_problems(doc)
    refs = _Refs(doc, data.get("sources"))
    agencies, all_agencies = _ids(data.get("agencies"))
    determinations, all_determinations = _ids(data.get("determinations"))

    def need_det(where: PathKey, ident: Any) -> None:
        if all_determinations and isinstance(ident, str) and ident not in determinations:
            problems.append(
                _problem(
                    doc,
                    where,
                    f"{dotted(where)}: no determination {ident!r} in this file"
                    + suggest(ident, determinations),
                    "undefined-determination",
                )
            )

    def need_agency(where: PathKey, ident: Any) -> None:
        if all_agencies and isinstance(ident, str) and ident not in agencies:
            problems.append(
                _problem(
                    doc,
                    where,
                    f"{dotted(where)}: agency {ident!r} is not defined in agencies"
                    + suggest(ident, agencies),
                    "undefined-agency",
                )
            )

    for i, agency in _entries(data.get("agencies")):
        if "source" in agency:
            refs.citation(("agencies", i, "source"), agency["source"])
    for key, entry in _mapping(data.get("provisions")).items():
        if not isinstance(entry, dict):
            continue
        listed = "clauses" in entry
        base: PathKey = ("provisions", key, "clauses") if listed else ("provisions", key)
        for i, clause in _entries(entry["clauses"]) if listed else [(0, entry)]:
            cw: PathKey = (*base, i) if listed else base
            source = clause.get("source")
            refs.citation((*cw, "source"), source)
            problems.extend(
                _section_confirmed(doc, (*cw, "source"), source, _list(clause.get("unconfirmed")))
            )
            for j, b in enumerate(_list(clause.get("binds"))):
                need_agency((*cw, "binds", j), b)
            states = _entries(clause.get("states"))
            for sw, st in [(cw, clause), *(((*cw, "states", j), st) for j, st in states)]:
                stance = st.get("stance", clause.get("stance"))
                # A stance the schema rejected says nothing about whether exceptions fit it.
                if st.get("exceptions") and stance in UNRESTRICTED:
                    at: PathKey = (*sw, "exceptions")
                    problems.append(
                        _problem(
                            doc,
                            at,
                            f"{dotted(at)}: a {stance} clause cannot have exceptions; a limit "
                            "with exceptions is 'restricted'",
                            "exceptions-without-restriction",
                        )
                    )
            reviewed = _list(clause.get("documents_reviewed"))
            for j, d in enumerate(reviewed):
                refs.need((*cw, "documents_reviewed", j), d)
                if clause.get("stance") == "not_addressed":
                    refs.read_in_full(
                        (*cw, "documents_reviewed", j),
                        d,
                        "not_addressed needs documents read in full",
                    )
            pr = clause.get("practice")
            if isinstance(pr, dict):
                need_agency((*cw, "practice", "agency"), pr.get("agency"))
                refs.citation((*cw, "practice", "source"), pr.get("source"))
                need_det((*cw, "practice", "derived_from"), pr.get("derived_from"))
            need_det((*cw, "derived_from"), clause.get("derived_from"))
            problems.extend(_overlapping_states(doc, (*cw, "states"), clause.get("states")))
            for j, st in states:
                problems.extend(_window_order(doc, (*cw, "states", j), st))
                made_by = _mapping(st.get("source") or source).get("instrument")
                problems.extend(
                    _too_precise(
                        doc,
                        (*cw, "states", j, "effective_from"),
                        st.get("effective_from"),
                        refs.instruments([made_by]),
                    )
                )
                if "source" in st:
                    refs.citation((*cw, "states", j, "source"), st["source"])
                for k, b in enumerate(_list(st.get("binds"))):
                    need_agency((*cw, "states", j, "binds", k), b)
    for i, sc in _entries(data.get("savings_clauses")):
        refs.citation(("savings_clauses", i, "source"), sc.get("source"))
        problems.extend(
            _section_confirmed(
                doc,
                ("savings_clauses", i, "source"),
                sc.get("source"),
                _list(sc.get("unconfirmed")),
            )
        )
        for j, reading in _entries(sc.get("readings")):
            need_det(
                ("savings_clauses", i, "readings", j, "derived_from"), reading.get("derived_from")
            )
            if "source" in reading:
                refs.citation(("savings_clauses", i, "readings", j, "source"), reading["source"])
                problems.extend(
                    _too_precise(
                        doc,
                        ("savings_clauses", i, "readings", j, "date"),
                        reading.get("date"),
                        refs.instruments([_mapping(reading["source"]).get("instrument")]),
                    )
                )
        dated = sc.get("states")
        problems.extend(_overlapping_states(doc, ("savings_clauses", i, "states"), dated))
        for j, st in _entries(dated):
            problems.extend(_window_order(doc, ("savings_clauses", i, "states", j), st))
    for i, ident in enumerate(_list(data.get("savings_clauses_reviewed"))):
        rw: PathKey = ("savings_clauses_reviewed", i)
        refs.need(rw, ident)
        refs.read_in_full(rw, ident, "an empty savings_clauses list needs documents read in full")
    seen_ids: dict[str, str] = {}
    for section in ("determinations", "savings_clauses", "agencies"):
        for i, item in _entries(data.get(section)):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in seen_ids and seen_ids[ident] == section:
                problems.append(
                    _problem(
                        doc,
                        (section, i, "id"),
                        f"duplicate id {ident!r} in {section}",
                        "duplicate-id",
                    )
                )
            seen_ids[ident] = section
    for i, det in _entries(data.get("determinations")):
        cited = _list(det.get("sources"))
        for j, s in enumerate(cited):
            refs.need(("determinations", i, "sources", j), s)
        problems.extend(
            _too_precise(
                doc, ("determinations", i, "date"), det.get("date"), refs.instruments(cited)
            )
        )
    problems.extend(refs.problems)
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def rules_problems(doc: Document) -> list[Problem]:
    """Checks of meaning on a rule (authority) document, whether or not its schema check passed."""
    data: dict[str, Any] = doc.data
    problems = _file_problems(doc)
    problems.extend(_window_order(doc, (), data))
    refs = _Refs(doc, data.get("sources"))
    listed = _list(data.get("questions"))
    declared = {q for q in listed if isinstance(q, str)}
    # With no readable list of questions, no question can be called undeclared.
    questions_known = isinstance(data.get("questions"), list) and len(declared) == len(listed)
    seen: set[str] = set()
    answered: set[tuple[str, str]] = set()
    scoped: set[tuple[str, str]] = set()
    for q, entries in _mapping(data.get("outside_scope")).items():
        if questions_known and q not in declared:
            problems.append(
                _problem(
                    doc,
                    ("outside_scope", q),
                    f"outside_scope names question {q!r}, which questions does not list",
                    "undeclared-question",
                    key=True,
                )
            )
        for i, entry in _entries(entries):
            if isinstance(entry.get("provision"), str):
                scoped.add((q, entry["provision"]))
            for j, c in enumerate(_list(entry.get("citations"))):
                sw: PathKey = ("outside_scope", q, i, "citations", j)
                refs.citation(sw, c)
                problems.extend(
                    _section_confirmed(doc, sw, c, _list(_mapping(c).get("unconfirmed")))
                )
    for i, rule in _entries(data.get("rules")):
        w: PathKey = ("rules", i)
        ident, question, provision = rule.get("id"), rule.get("question"), rule.get("provision")
        if isinstance(ident, str):
            if ident in seen:
                problems.append(
                    _problem(doc, (*w, "id"), f"duplicate rule id {ident!r}", "duplicate-id")
                )
            seen.add(ident)
        if questions_known and isinstance(question, str) and question not in declared:
            problems.append(
                _problem(
                    doc,
                    (*w, "question"),
                    f"rule answers {question!r}, which questions does not list",
                    "undeclared-question",
                )
            )
        if isinstance(question, str) and isinstance(provision, str):
            pair = (question, provision)
            if pair in answered:
                problems.append(
                    _problem(
                        doc,
                        (*w, "provision"),
                        f"a second rule on {provision} for "
                        f"{question}; one rule per question and provision",
                        "duplicate-rule",
                    )
                )
            answered.add(pair)
            if pair in scoped:
                problems.append(
                    _problem(
                        doc,
                        (*w, "provision"),
                        f"{provision} is both outside "
                        f"the scope of {question} and the subject of a rule",
                        "scope-and-rule",
                    )
                )
        for j, c in enumerate(_list(rule.get("citations"))):
            cw = (*w, "citations", j)
            refs.citation(cw, c)
            unconfirmed = [*_list(_mapping(c).get("unconfirmed")), *_list(rule.get("unconfirmed"))]
            problems.extend(_section_confirmed(doc, cw, c, unconfirmed))
    # An effect is cited like a rule: an injunction nobody can trace to its order is no fact.
    for i, effect in _entries(data.get("effects")):
        problems.extend(_window_order(doc, ("effects", i), effect))
        for j, c in enumerate(_list(effect.get("citations"))):
            ew: PathKey = ("effects", i, "citations", j)
            refs.citation(ew, c)
            problems.extend(_section_confirmed(doc, ew, c, _list(_mapping(c).get("unconfirmed"))))
    problems.extend(refs.problems)
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


@dataclass(frozen=True, slots=True)
class AuthorityReference:
    """A determination or savings-clause reading naming an authority, and where it does."""

    path: str
    line: int
    column: int
    where: str
    authority: str


def authority_references(doc: Document) -> list[AuthorityReference]:
    """Every authority a policy's determinations and savings-clause readings name."""
    data: dict[str, Any] = doc.data
    refs: list[tuple[PathKey, Any]] = [
        (("determinations", i, "authority"), det.get("authority"))
        for i, det in enumerate(data.get("determinations", []))
    ]
    for i, sc in enumerate(data.get("savings_clauses", [])):
        for j, reading in enumerate(sc.get("readings", [])):
            refs.append((("savings_clauses", i, "readings", j, "by"), reading.get("by")))
    out = []
    for where, ident in refs:
        if isinstance(ident, str):
            m = doc.mark(where)
            out.append(AuthorityReference(doc.path, m.line, m.column, dotted(where), ident))
    return out


def unknown_authority_problems(
    refs: Iterable[AuthorityReference], known: Collection[str]
) -> list[Problem]:
    """References to authorities no rule set defines.

    A warning, not an error: a policy may record what an authority said before anyone encodes
    that authority's reading. The engine then has nothing to compare the determination with.
    """
    return [
        Problem(
            r.path,
            r.line,
            r.column,
            "warning",
            f"{r.where}: no rule file defines authority {r.authority!r}"
            + (suggest(r.authority, known) or "; it is not compared with any finding"),
            "unknown-authority",
        )
        for r in refs
        if r.authority not in known
    ]
