"""``validate``: every policy, rule, waivers and expectation file named, checked alone and
against each other.

Files are recognised by their content (a ``rules`` list, ``provisions``, a ``waivers`` list,
``cases``), else by where they are (under ``rules/``, ``policies/``, ``rules/_registry/``,
``expectations/``, or named ``waivers.yaml``). Every problem in every file is reported, not
only the first; a file with errors never stops the others from being checked. Nothing here
prints.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__
from .batch import Meter, ordered
from .inputs import expand
from .loading import LoadError, load_file
from .model import Authority
from .ruleset import (
    REGISTRY_DIR,
    CourtInfo,
    checked_authority,
    court_problems,
    courts_in,
    load_ruleset,
    registry,
    rule_files,
    ruleset_problems,
)
from .validation import (
    AuthorityReference,
    Problem,
    authority_references,
    check_document,
    not_a_mapping,
    unknown_authority_problems,
)
from .waivers import WaiverFile, check_waivers, rule_index, static_problems

VALIDATION_VERSION = 1
KINDS = ("policy", "rules", "waivers", "registry", "expectations", "unknown")
_REGISTRY_KEYS = frozenset({"provisions", "questions", "issuers", "information"})


@dataclass(slots=True)
class Checked:
    path: str
    kind: str
    problems: list[Problem] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)


@dataclass(slots=True)
class Validation:
    strict: bool
    files: list[Checked] = field(default_factory=list)
    #: Problems with the command line's paths themselves (a path that names nothing).
    unmatched: list[Problem] = field(default_factory=list)

    def problems(self) -> list[Problem]:
        return [*self.unmatched, *(p for c in self.files for p in c.problems)]

    def fails(self, p: Problem) -> bool:
        return p.severity == "error" or self.strict

    @property
    def failed(self) -> bool:
        return any(self.fails(p) for p in self.problems())

    @property
    def readable(self) -> bool:
        """Whether any file was found at all (exit status 2 when none was)."""
        return bool(self.files)


def kind_by_location(path: Path) -> str | None:
    parts = path.parts
    if REGISTRY_DIR in parts[:-1]:
        return "registry"
    name = path.name
    if name in ("waivers.yaml", "waivers.yml") or name.endswith((".waivers.yaml", ".waivers.yml")):
        return "waivers"
    if "expectations" in parts[:-1]:
        return "expectations"
    if "rules" in parts[:-1]:
        return "rules"
    if "policies" in parts[:-1]:
        return "policy"
    return None


def classify(data: Any, path: Path) -> str | None:
    """policy, rules, waivers or registry: by content when it says, else by location."""
    if isinstance(data, dict):
        keys = set(data)
        if "id" not in keys and len(keys) == 1 and keys <= _REGISTRY_KEYS:
            return "registry"
        if "waivers" in keys and "id" not in keys:
            return "waivers"
        # Before rule files: an expectation file may name rule directories under ``rules``.
        if "cases" in keys and "id" not in keys:
            return "expectations"
        if keys & {"rules", "questions", "outside_scope", "issuer"}:
            return "rules"
        if keys & {"provisions", "agencies", "determinations", "savings_clauses", "ocd_id"}:
            return "policy"
    return kind_by_location(path)


def _unknown_kind(display: str) -> Problem:
    return Problem(
        display,
        1,
        1,
        "warning",
        "not recognised as a policy, rule, waivers or expectation file, so not checked (a "
        "policy has 'provisions', a rule file 'rules', a waivers file 'waivers', an expectation "
        "file 'cases'; or keep them under policies/, rules/ and tests/expectations/)",
        "unknown-file-kind",
    )


@dataclass(slots=True)
class _Run:
    """What the single-file checks leave for the checks across files."""

    #: Valid policies and the authorities they name (their documents are not kept: a run may
    #: check tens of thousands of files).
    policies: list[tuple[Checked, list[AuthorityReference]]] = field(default_factory=list)
    policy_ids: dict[str, str] = field(default_factory=dict)
    authorities: list[tuple[Checked, Authority]] = field(default_factory=list)
    waivers: list[tuple[Checked, WaiverFile]] = field(default_factory=list)
    #: The courts of the first courts registry file of the run: rule files in the same run name
    #: their courts against it rather than against the built-in one.
    courts: dict[str, CourtInfo] | None = None


@dataclass(slots=True)
class _Alone:
    """One file checked on its own; for a policy, what the checks across files need of it."""

    checked: Checked
    #: A rule or waivers file met in a worker process: checked again in the parent, which
    #: keeps what the checks across files need of it.
    redo: bool = False
    ident: tuple[str, int, int] | None = None  # a policy's id and where it stands
    refs: list[AuthorityReference] = field(default_factory=list)


def _check_alone(item: tuple[Path, str], run: _Run | None = None) -> _Alone:
    path, display = item
    try:
        doc = load_file(path, display)
    except LoadError as err:
        where = kind_by_location(path) or "unknown"
        return _Alone(Checked(display, where, [Problem.from_load_error(err)]))
    kind = classify(doc.data, path)
    if kind is None:
        if not isinstance(doc.data, dict):
            problem = not_a_mapping(display, doc.data, "policy or rule")
            return _Alone(Checked(display, "unknown", [problem]))
        return _Alone(Checked(display, "unknown", [_unknown_kind(display)]))
    checked = Checked(display, kind)
    if kind == "registry":
        if path.name == "courts.yaml" and isinstance(doc.data, dict):
            # The rule files of the run are checked against these courts, in the parent process.
            if run is None:
                return _Alone(checked, redo=True)
            courts = courts_in(doc.data.get("courts"))
            checked.problems = court_problems(replace(registry(), courts=courts), doc)
            if run.courts is None:
                run.courts = courts
        return _Alone(checked)
    if kind in ("rules", "waivers") and run is None:
        return _Alone(checked, redo=True)
    if kind == "rules":
        assert run is not None
        authority, checked.problems = checked_authority(doc)
        if authority is not None:
            run.authorities.append((checked, authority))
        return _Alone(checked)
    if kind == "waivers":
        assert run is not None
        found = check_waivers(doc)
        checked.problems = found.problems
        if found.usable:
            run.waivers.append((checked, found))
        return _Alone(checked)
    if kind == "expectations":
        # Imported here: what ``test`` needs (sessions, the engine) is not loaded for the
        # runs of policy and rule files that have no expectation file among them.
        from .expectations import check_loaded

        checked.problems = check_loaded(path, doc)[1]
        return _Alone(checked)
    checked.problems = check_document(doc, "policy")
    out = _Alone(checked)
    ident = doc.data.get("id") if isinstance(doc.data, dict) else None
    if isinstance(ident, str):
        m = doc.mark(("id",))
        out.ident = (ident, m.line, m.column)
    if not any(p.severity == "error" for p in checked.problems):
        out.refs = authority_references(doc)
    return out


def _settle(path: Path, alone: _Alone, run: _Run) -> Checked:
    """Record what the checks across files need of one file (in the order of the files)."""
    if alone.redo:
        alone = _check_alone((path, alone.checked.path), run)
    checked = alone.checked
    if alone.ident is None:
        return checked
    ident, line, column = alone.ident
    if ident in run.policy_ids:
        checked.problems.append(
            Problem(
                checked.path,
                line,
                column,
                "error",
                f"policy id {ident!r} is already used by {run.policy_ids[ident]}",
                "duplicate-policy",
            )
        )
    else:
        run.policy_ids[ident] = checked.path
    if not any(p.severity == "error" for p in checked.problems):
        run.policies.append((checked, alone.refs))
    return checked


def _across(run: _Run, today: dt.date) -> None:
    """Checks that need more than one file: duplicates, authority and waiver references."""
    builtin = {a.id: a for a in load_ruleset([]).authorities}
    defined: dict[str, Authority] = dict(builtin)
    seen: dict[str, str] = {}
    for checked, a in run.authorities:
        where = (checked.path, a.location.line, a.location.column)
        if a.id in seen:
            message = f"authority {a.id!r} is already defined in {seen[a.id]}"
        elif a.id in builtin and builtin[a.id].sha256 != a.sha256:
            message = (
                f"authority {a.id!r} is also built in, with other content; evaluate would "
                "refuse this file as a duplicate (rename it, or change the built-in rules)"
            )
        else:
            seen[a.id] = checked.path
            defined[a.id] = a
            continue
        checked.problems.append(Problem(*where, "error", message, "duplicate-authority"))
    _hygiene(run, defined)
    for checked, refs in run.policies:
        checked.problems.extend(unknown_authority_problems(refs, defined))
    index = rule_index(defined.values())
    policies = set(run.policy_ids) if run.policy_ids else None
    for checked, found in run.waivers:
        checked.problems.extend(static_problems(found.waivers, index, policies, today))


def _hygiene(run: _Run, defined: dict[str, Authority]) -> None:
    """Rule-set hygiene: effects, ended_by and supersedes pointing at nothing, unknown courts
    (against the run's courts file, else the built-in one). Each problem goes to the checked
    file it stands in."""
    by_path = {checked.path: checked for checked, _ in run.authorities}
    reg = registry() if run.courts is None else replace(registry(), courts=run.courts)
    for p in ruleset_problems(list(defined.values()), reg):
        target = by_path.get(p.path)
        if target is not None and p not in target.problems:
            target.problems.append(p)


def _extra_files(rules: Iterable[Path], waivers: Iterable[Path]) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for root in rules:
        out.extend((p, str(p)) for p in (rule_files(root) if root.exists() else [root]))
    out.extend((p, str(p)) for p in waivers)
    return out


def validate_paths(
    paths: list[str],
    *,
    strict: bool = False,
    rules: Iterable[Path] = (),
    waivers: Iterable[Path] = (),
    today: dt.date | None = None,
    jobs: int = 1,
) -> Validation:
    """Check every file the paths name, plus the rule sets and waivers the settings name.

    With ``jobs`` > 1 the files are checked on their own in that many worker processes; the
    checks across files happen here, in the order of the files, so the result is the same.
    """
    files, unmatched = expand(paths)
    # os.path.realpath, unlike Path.resolve, does not raise on a symbolic link loop: the loop is
    # reported when the file is read.
    seen = {os.path.realpath(p) for p, _ in files}
    for path, display in _extra_files(rules, waivers):
        if os.path.realpath(path) not in seen:
            seen.add(os.path.realpath(path))
            files.append((path, display))
    result = Validation(strict=strict, unmatched=unmatched)
    run = _Run()
    with Meter(len(files), "validating") as meter:
        for (path, _), alone in zip(files, ordered(_check_alone, files, jobs), strict=True):
            result.files.append(_settle(path, alone, run))
            meter.advance()
    _across(run, today or dt.date.today())
    for checked in result.files:
        checked.problems.sort(key=lambda p: (p.line, p.column, p.code))
    return result


def problem_dict(p: Problem, fails: bool) -> dict[str, Any]:
    return {**p.to_dict(), "fails": fails}


def validation_report(v: Validation) -> dict[str, Any]:
    """The validate report as plain data (schemas/validation.json); every renderer formats it."""
    problems = v.problems()
    return {
        "validation_version": VALIDATION_VERSION,
        "tool": {"name": "sanctuary-check", "version": __version__},
        "strict": v.strict,
        "files": [
            {
                "path": c.path,
                "kind": c.kind,
                "errors": c.count("error"),
                "warnings": c.count("warning"),
            }
            for c in v.files
        ],
        "problems": [problem_dict(p, v.fails(p)) for p in problems],
        "summary": {
            "files": len(v.files),
            "errors": sum(1 for p in problems if p.severity == "error"),
            "warnings": sum(1 for p in problems if p.severity == "warning"),
            "failed": v.failed,
        },
    }
