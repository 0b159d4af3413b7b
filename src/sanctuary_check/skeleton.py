"""``init``: the skeleton of a new policy file.

Every provision key of the registry is present but commented out, so a key left alone stays
``unknown`` (nobody encoded it), never compliant. Allowed values come from the schemas and the
registry, never from a list kept here. Placeholders start with ``TODO`` and are written so that
the file does not validate until they are replaced (ids in capitals, dates and enumerations
that are not dates or members), except free text such as titles.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from .ruleset import Registry
from .schemas import bundled, enum_of

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
STATE_PATTERN = re.compile(r"^[A-Z]{2}$")
SCHEMA_IN_SOURCE_TREE = Path("src") / "sanctuary_check" / "schemas" / "policy.json"
DEFAULT_SCHEMA_FILE = "policy.schema.json"


@dataclass(frozen=True, slots=True)
class Identity:
    id: str
    name: str | None = None
    kind: str | None = None
    state: str | None = None
    ocd_id: str | None = None


def kinds() -> list[str]:
    values: list[str] = bundled("policy")["properties"]["kind"]["enum"]
    return values


def problems(identity: Identity) -> list[str]:
    """What is wrong with the values given for the identity (empty when all is well)."""
    out = []
    if not ID_PATTERN.match(identity.id):
        out.append(
            f"id {identity.id!r}: use lower-case letters and digits joined by '-', '_' or '.'"
        )
    if identity.kind is not None and identity.kind not in kinds():
        out.append(f"kind {identity.kind!r}: choose one of {', '.join(kinds())}")
    if identity.state is not None and not STATE_PATTERN.match(identity.state):
        out.append(f"state {identity.state!r}: two capital letters, e.g. PA")
    if identity.ocd_id is not None and not identity.ocd_id.startswith("ocd-division/"):
        out.append(f"ocd_id {identity.ocd_id!r}: an Open Civic Data division id (ocd-division/...)")
    return out


def schema_reference(target: Path) -> tuple[str, bool]:
    """The ``$schema`` for the editor comment, and whether the file it names already exists.

    In a checkout of this project the source tree's schema is used; elsewhere a
    ``policy.schema.json`` beside the policy, which ``sanctuary-check schema policy`` writes.
    """
    directory = target.resolve().parent
    for parent in [directory, *directory.parents]:
        candidate = parent / SCHEMA_IN_SOURCE_TREE
        if candidate.is_file():
            rel = Path(*([".."] * len(directory.relative_to(parent).parts))) / SCHEMA_IN_SOURCE_TREE
            return rel.as_posix(), True
    return DEFAULT_SCHEMA_FILE, (directory / DEFAULT_SCHEMA_FILE).is_file()


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _choices(name: str) -> str:
    return " | ".join(enum_of(name))


def _comment_block(lines: list[str]) -> list[str]:
    return [("# " + line).rstrip() for line in lines]


def render(identity: Identity, schema: str, reg: Registry) -> str:
    """The skeleton's text."""
    name = identity.name or "TODO: the official name, e.g. City of Example"
    out = [
        f"# yaml-language-server: $schema={schema}",
        f"# Policy file for {identity.name or identity.id}, started by `sanctuary-check init`.",
        "# Replace every TODO, then run: sanctuary-check evaluate THIS_FILE --as-of YYYY-MM-DD",
        "# A provision key left commented out stays `unknown` in every report: it means nobody",
        "# encoded what the policy says about it, never that the policy says nothing.",
        "# Guide: docs/authoring-policies.md; every field: docs/policy-files.md.",
        f"id: {identity.id}",
        f"name: {_quoted(name)}",
        f"kind: {identity.kind or 'TODO'}  # {' | '.join(kinds())}",
        f"state: {identity.state or 'TODO'}  # two capital letters, e.g. PA",
    ]
    if identity.ocd_id:
        out.append(f"ocd_id: {_quoted(identity.ocd_id)}")
    else:
        out.append("# ocd_id: ocd-division/country:us/state:xx/place:yyy  # Open Civic Data id")
    out += [
        "",
        "sources:",
        "  # Instruments: the jurisdiction's own documents (ordinance, executive order, memo).",
        "  - id: TODO-instrument  # an id you choose, lower case: eo-1-20",
        "    kind: instrument",
        '    title: "TODO: the document\'s title"',
        '    issuer: "TODO: who issued it"',
        '    adopted: "TODO: YYYY-MM-DD"  # or YYYY-MM, YYYY or unknown, as precise as the source',
        f"    read: TODO  # {_choices_of_read()}: how much of the document you read",
        "  # Evidence: what you actually read, with its address and a quality tag.",
        "  - id: TODO-evidence  # lower case: news-1",
        "    kind: evidence",
        '    url: "TODO: https://..."',
        f"    quality: TODO  # {_choices('quality')}",
        f"    read: TODO  # {_choices_of_read()}",
        "",
        "agencies: []  # who holds information; uncomment and fill, then delete the []",
    ]
    out += _comment_block(
        [
            "  - id: police",
            "    name: TODO",
            "    independent: false  # true when the jurisdiction does not bind it (a sheriff)",
            "    holds: [TODO]  # what it holds, from:",
            *_listed("    #   ", enum_of("information")),
        ]
    )
    out += [
        "",
        "provisions: {}  # delete the {} when you uncomment the first key below",
        "# Each key takes one clause, or `clauses: [...]` when several documents speak to it.",
        f"#   stance: {_choices('stance')}",
        "#     (restricted: any limit short of a prohibition; not_addressed: only with",
        "#     documents_reviewed, every one of them read: full)",
        "#   exceptions: restricted clauses only; alternatives, each a kind, {kind: class} or",
        "#     {all_of: [...]} when every part is needed. [] means none; leaving it out means",
        "#     not encoded. Kinds:",
        *_listed("#       ", enum_of("exception_kind")),
        "#   binds: the agency ids the clause binds",
        "#   source: the instrument, its section (null only with section in unconfirmed) and the",
        "#     evidence read",
        f"#   confidence: {_choices('confidence')}",
        "#   unconfirmed: the fields no source you read confirms",
    ]
    for key, parent in reg.provisions.items():
        title = reg.provision_titles.get(key, "")
        note = [f"    # with no clause here, the clauses of {parent} are read"] if parent else []
        out.append("#")
        out += _comment_block(
            [
                f"  {key}:  # {title}",
                *note,
                "    stance: TODO",
                "    exceptions: []",
                "    binds: [TODO-agency]",
                "    source: {instrument: TODO-instrument, section: null,",
                "             evidence: [TODO-evidence]}",
                "    confidence: TODO",
                "    unconfirmed: [section]",
            ]
        )
    out += [
        "",
        "# savings_clauses: clauses that make the policy yield to federal law. Leave the key out",
        "# while nobody has looked (unknown); an empty list needs savings_clauses_reviewed: [ids",
        "# of documents read in full].",
    ]
    out += _comment_block(
        [
            "savings_clauses:",
            "  - id: sc-1",
            "    source: {instrument: TODO-instrument, section: TODO}",
            "    covers: [status_sharing]",
            "    readings: [{by: AUTHORITY-ID, reading: permits_sharing, date: YYYY-MM-DD}]",
        ]
    )
    out += [
        "",
        "# determinations: what an authority itself said about this jurisdiction (a letter, a",
        "# judgment). Compared with the engine's verdicts, never used to decide them.",
    ]
    out += _comment_block(
        [
            "determinations:",
            "  - id: det-1",
            "    authority: AUTHORITY-ID",
            "    date: YYYY-MM-DD",
            "    outcome: TODO  # one of:",
            *_listed("    #   ", _determination_enum("outcome")),
            f"    status: TODO  # {' | '.join(_determination_enum('status'))}",
            "    provisions: []  # the provisions it cited",
            "    sources: [TODO-evidence]",
        ]
    )
    return "\n".join(out) + "\n"


def _listed(prefix: str, items: list[str]) -> list[str]:
    """A long list of values, wrapped into comment lines."""
    return textwrap.wrap(
        ", ".join(items), width=92, initial_indent=prefix, subsequent_indent=prefix
    )


def _choices_of_read() -> str:
    values: list[str] = bundled("policy")["$defs"]["source"]["properties"]["read"]["enum"]
    return " | ".join(values)


def _determination_enum(name: str) -> list[str]:
    values: list[str] = bundled("policy")["$defs"]["determination"]["properties"][name]["enum"]
    return values
