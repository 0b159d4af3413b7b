"""The stable codes of problems in files, each with what it means (docs/ci.md lists them too).

Machine-readable outputs (SARIF rule metadata, JUnit, GitHub annotations) name problems by these
codes, so a code is never renamed; new kinds of problem get new codes.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    # Reading the file
    "no-input": "A path or pattern on the command line names no file.",
    "file-unreadable": "The file does not exist or cannot be read.",
    "file-too-large": "The file is over the size limit.",
    "binary-file": "The file holds NUL bytes: not YAML text.",
    "encoding": "The file is not UTF-8 text.",
    "empty-file": "The file is empty or holds only comments.",
    "yaml-syntax": "The file is not valid YAML.",
    "yaml-multiple-documents": "More than one YAML document in one file.",
    "yaml-duplicate-key": "A key appears twice in one mapping.",
    "yaml-alias": "Anchors, aliases and merge keys are not allowed.",
    "yaml-tag": "YAML tags are not allowed.",
    "yaml-key": "A mapping key that is not plain text.",
    "yaml-too-deep": "Nesting deeper than the limit.",
    "yaml-number-too-long": "A number too long for Python to read (over 4,300 digits).",
    "yaml-too-many-nodes": "More values in one file than the limit.",
    "not-a-mapping": "The file's top level is not a mapping.",
    "unknown-file-kind": (
        "Neither a policy, a rule, a waivers nor an expectation file, by content or location."
    ),
    # The schema
    "schema-required": "A required key is missing.",
    "schema-unknown-key": "A key the schema does not define (often a typo).",
    "schema-enum": "A value outside the allowed set (a stance, provision, question, ...).",
    "schema-type": "A value of the wrong type.",
    "schema-pattern": "A value not in the expected form (an id, a date, a URL).",
    "schema-shape": "A value that matches none of the allowed shapes.",
    "schema-size": "A list or mapping with too few or too many entries.",
    "schema": "Another schema rule is broken.",
    # What a schema cannot express
    "bad-date": "A date that does not exist (2021-02-30).",
    "window-order": "effective_until is not after effective_from.",
    "date-too-precise": (
        "A day given inside the month or year that is all its instrument's date says."
    ),
    "id-mismatch": "The file's id is not its file name.",
    "duplicate-id": "Two entries of one list share an id.",
    "undefined-source": "A reference to a source id that sources does not define.",
    "wrong-source-kind": "An evidence source where an instrument is needed, or the reverse.",
    "not-read-in-full": (
        "not_addressed or an empty savings_clauses list rests on a document not read in full."
    ),
    "section-unconfirmed": (
        "An instrument cited without a section that is not listed as unconfirmed."
    ),
    "undefined-agency": "A reference to an agency that agencies does not define.",
    "undefined-determination": "derived_from names a determination this file does not record.",
    "exceptions-without-restriction": "Exceptions on a clause that is not restricted.",
    "unknown-authority": "A determination or reading names an authority no rule file defines.",
    "undeclared-question": "A rule or scope entry on a question the authority does not list.",
    "duplicate-rule": "Two rules of one authority on the same question and provision.",
    "scope-and-rule": "A provision both outside an authority's scope and the subject of a rule.",
    "unknown-issuer": "An issuer token missing from rules/_registry/issuers.yaml.",
    "duplicate-authority": (
        "Two rule files (or a rule file and a built-in one) define one authority."
    ),
    "duplicate-policy": "Two policy files have the same id.",
    # Rule-set hygiene (references between authorities, courts, time)
    "overlapping-states": "Two dated states of one clause in force on the same day.",
    "undefined-authority": "An effect, ended_by or supersedes names an authority not loaded.",
    "undefined-rule": "An effect targets a rule its authority does not have.",
    "undefined-effect": "A vacatur or stay targets an effect its authority does not have.",
    "overlapping-versions": "An authority and the one it supersedes are in force together.",
    "unknown-court": "A court id missing from rules/_registry/courts.yaml.",
    "court-cycle": "A court chain in rules/_registry/courts.yaml loops.",
    # Expectation files (sanctuary-check test)
    "expectation-no-policy": "An expectation file whose policy file cannot be found.",
    "expectation-policy-mismatch": "An expectation file named for another policy id.",
    # Waivers
    "duplicate-waiver": "Two waivers for the same rule, policy and provision.",
    "waiver-expired": "A waiver past its expiry day: it no longer applies.",
    "waiver-orphaned": "A waiver that matches no finding.",
}


#: The codes reported as warnings (their problems fail a run only with ``--strict``); every
#: other code is an error. ``unknown-court`` is an error where a court must exist (an effect's
#: scope, a court's ``under``): this is each code's usual severity, as docs/ci.md lists it.
WARNINGS = frozenset(
    {
        "unknown-file-kind",
        "date-too-precise",
        "unknown-authority",
        "unknown-issuer",
        "unknown-court",
        "expectation-policy-mismatch",
        "waiver-expired",
        "waiver-orphaned",
    }
)

#: Where the codes are explained, relative to the repository root.
DOCS = "docs/ci.md#problem-codes"


def describe(code: str) -> str:
    return CODES.get(code, "A problem in a policy, rule or waivers file.")


def severity(code: str) -> str:
    """The severity a code's problems usually have: ``error`` or ``warning``."""
    return "warning" if code in WARNINGS else "error"
