"""Finding, loading and checking rule sets: the built-in rules/ and any added with --rules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .loading import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, Document, LoadError, load_file
from .model import Authority, Location
from .parse import authority_from
from .timeline import windows_overlap
from .validation import Problem, Severity, check_document

REGISTRY_DIR = "_registry"


def builtin_rules_dir() -> Path:
    """The rules/ shipped in the wheel, or the source tree's rules/ in an editable install."""
    packaged = Path(str(resources.files("sanctuary_check"))) / "rules"
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[2] / "rules"
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError("the built-in rules/ directory is missing from this installation")


LEVELS = {"supreme": 3, "circuit": 2, "district": 1}


@dataclass(frozen=True, slots=True)
class CourtInfo:
    id: str
    name: str
    level: str  # supreme | circuit | district
    under: str | None
    states: tuple[str, ...]

    @property
    def rank(self) -> int:
        return LEVELS[self.level]


@dataclass(frozen=True, slots=True)
class Registry:
    provisions: dict[str, str | None]  # key -> parent
    provision_titles: dict[str, str]
    questions: dict[str, str]  # id -> title
    issuers: dict[str, str]
    information: dict[str, str]
    courts: dict[str, CourtInfo]

    def parent(self, provision: str) -> str | None:
        return self.provisions.get(provision)

    def circuit_of(self, state: str) -> str | None:
        """The circuit whose courts hear appeals from a state's district courts."""
        for court in self.courts.values():
            if court.level == "circuit" and state in court.states:
                return court.id
        return None

    def chain(self, court_id: str) -> list[str]:
        """A court and every court above it, nearest first (stops on a cycle)."""
        out: list[str] = []
        current: str | None = court_id
        while current is not None and current not in out:
            out.append(current)
            info = self.courts.get(current)
            current = info.under if info else None
        return out


def _registry_file(name: str) -> dict[str, Any]:
    path = builtin_rules_dir() / REGISTRY_DIR / f"{name}.yaml"
    doc = load_file(path, f"rules/{REGISTRY_DIR}/{name}.yaml", **_BUILTIN)
    data: dict[str, Any] = doc.data[name]
    return data


@cache
def registry() -> Registry:
    provisions = _registry_file("provisions")
    return Registry(
        provisions={k: v.get("parent") for k, v in provisions.items()},
        provision_titles={k: v["title"] for k, v in provisions.items()},
        questions={k: v["title"] for k, v in _registry_file("questions").items()},
        issuers={k: v["name"] for k, v in _registry_file("issuers").items()},
        information={k: v["title"] for k, v in _registry_file("information").items()},
        courts=courts_in(_registry_file("courts")),
    )


def courts_in(data: Any) -> dict[str, CourtInfo]:
    """The courts of a ``courts`` mapping; entries that are not mappings are left out (a courts
    file given to ``validate`` is checked as it stands, shape and all)."""
    out: dict[str, CourtInfo] = {}
    for k, v in (data if isinstance(data, dict) else {}).items():
        if isinstance(v, dict):
            under = v.get("under")
            states = v.get("states")
            out[k] = CourtInfo(
                k,
                str(v.get("name", k)),
                str(v.get("level", "")),
                under if isinstance(under, str) else None,
                tuple(states) if isinstance(states, list) else (),
            )
    return out


@dataclass(slots=True)
class RuleSet:
    authorities: list[Authority] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: Where each authority's file is on disk, for commands that show the file itself.
    paths: dict[str, Path] = field(default_factory=dict)
    digest: Any = field(default_factory=hashlib.sha256)

    @property
    def sha256(self) -> str:
        return str(self.digest.hexdigest())

    def by_id(self) -> dict[str, Authority]:
        return {a.id: a for a in self.authorities}


def rule_files(root: Path) -> list[Path]:
    # Anything but a directory is read as a file, so that a pipe, a device or a link loop gets
    # its own located message from the loader instead of standing for an empty directory.
    if not root.is_dir():
        return [root]
    return sorted(p for p in root.rglob("*.yaml") if REGISTRY_DIR not in p.relative_to(root).parts)


#: The files shipped with the tool are trusted: the limits a user sets for input do not apply.
_BUILTIN: dict[str, int] = {
    "max_bytes": MAX_FILE_BYTES,
    "max_depth": MAX_DEPTH,
    "max_nodes": MAX_NODES,
}


def load_rule_file(
    path: Path, display: str, *, builtin: bool = False
) -> tuple[Authority | None, list[Problem]]:
    """Load and check one authority file. Returns the authority only when it has no errors."""
    try:
        doc = load_file(path, display, **(_BUILTIN if builtin else {}))
    except LoadError as err:
        return None, [Problem.from_load_error(err)]
    return checked_authority(doc)


def checked_authority(doc: Document) -> tuple[Authority | None, list[Problem]]:
    """Check a loaded authority document; the authority only when it has no errors."""
    problems = check_document(doc, "rules")
    if any(p.severity == "error" for p in problems):
        return None, problems
    if doc.data["issuer"] not in registry().issuers:
        m = doc.mark(("issuer",))
        problems.append(
            Problem(
                doc.path,
                m.line,
                m.column,
                "warning",
                f"issuer {doc.data['issuer']!r} is not in rules/_registry/issuers.yaml",
                "unknown-issuer",
            )
        )
    return authority_from(doc), problems


def _problem_at(
    location: Location, message: str, code: str, severity: Severity = "error"
) -> Problem:
    return Problem(location.path, location.line, location.column, severity, message, code)


def court_problems(reg: Registry, doc: Document | None = None) -> list[Problem]:
    """The court registry: every `under` names a court, and no chain loops.

    With the courts file's document, each problem stands at the ``under`` that causes it;
    without it, at the top of the built-in file. A loop is reported once, at the ``under`` of
    its first court in the file, not once for every court whose chain runs into it.
    """
    out = []

    def at(court: str, message: str, code: str) -> Problem:
        path, line, column = f"rules/{REGISTRY_DIR}/courts.yaml", 1, 1
        if doc is not None:
            m = doc.mark(("courts", court, "under"))
            path, line, column = doc.path, m.line, m.column
        return Problem(path, line, column, "error", message, code)

    loops: set[frozenset[str]] = set()
    for court in reg.courts.values():
        if court.under is not None and court.under not in reg.courts:
            out.append(
                at(
                    court.id,
                    f"court {court.id} sits under {court.under!r}, which is not a court",
                    "unknown-court",
                )
            )
        chain = reg.chain(court.id)
        last = reg.courts.get(chain[-1])
        if last is not None and last.under is not None and last.under in chain:
            loop = chain[chain.index(last.under) :]
            if frozenset(loop) not in loops:
                loops.add(frozenset(loop))
                first = next(c for c in reg.courts if c in loop)
                ring = loop[loop.index(first) :] + loop[: loop.index(first)] + [first]
                out.append(at(first, f"the court chain loops: {' > '.join(ring)}", "court-cycle"))
    return out


def ruleset_problems(authorities: list[Authority], reg: Registry) -> list[Problem]:
    """What no single rule file can check: references between authorities, and courts."""
    out: list[Problem] = []
    by_id = {a.id: a for a in authorities}
    for a in authorities:
        if a.court is not None and a.court.id not in reg.courts:
            out.append(
                _problem_at(
                    a.where("court"),
                    f"{a.id}: court {a.court.id!r} is not in rules/{REGISTRY_DIR}/courts.yaml; "
                    "it binds only its parties",
                    "unknown-court",
                    "warning",
                )
            )
        if a.ended_by is not None and a.ended_by not in by_id:
            out.append(
                _problem_at(
                    a.where("ended_by"),
                    f"{a.id}: ended_by names {a.ended_by!r}, which is not a loaded authority",
                    "undefined-authority",
                )
            )
        if a.supersedes is not None:
            old = by_id.get(a.supersedes)
            if old is None:
                out.append(
                    _problem_at(
                        a.where("supersedes"),
                        f"{a.id}: supersedes {a.supersedes!r}, which is not a loaded authority",
                        "undefined-authority",
                    )
                )
            elif windows_overlap(old.window, a.window):
                out.append(
                    _problem_at(
                        a.where("supersedes"),
                        f"{a.id} supersedes {old.id}, but their windows overlap",
                        "overlapping-versions",
                    )
                )
        for e in a.effects:
            target = by_id.get(e.target_authority)
            if target is None:
                out.append(
                    _problem_at(
                        e.location,
                        f"effect {e.key} targets "
                        f"{e.target_authority!r}, which is not a loaded authority",
                        "undefined-authority",
                    )
                )
                continue
            known = {r.id for r in target.rules}
            for rule in e.target_rules or ():
                if rule not in known:
                    out.append(
                        _problem_at(
                            e.location,
                            f"effect {e.key}: {target.id} has no rule {rule!r}",
                            "undefined-rule",
                        )
                    )
            if e.target_effect is not None and e.target_effect not in {
                x.id for x in target.effects
            }:
                out.append(
                    _problem_at(
                        e.location,
                        f"effect {e.key}: {target.id} has no effect {e.target_effect!r}",
                        "undefined-effect",
                    )
                )
            if e.scope.kind == "circuit" and e.scope.circuit not in reg.courts:
                out.append(
                    _problem_at(
                        e.location,
                        f"effect {e.key}: scope circuit {e.scope.circuit!r} is not a court",
                        "unknown-court",
                    )
                )
    return out


def load_ruleset(extra: list[Path], *, builtin: bool = True) -> RuleSet:
    """The built-in authorities plus those under each extra path (file or directory)."""
    rs = RuleSet()
    roots: list[tuple[Path, str | None]] = []
    if builtin:
        roots.append((builtin_rules_dir(), "rules"))
    roots.extend((p, None) for p in extra)
    seen: dict[str, str] = {}
    for root, logical in roots:
        if not root.exists() and not root.is_symlink():
            rs.problems.append(
                Problem(str(root), 1, 1, "error", "no such file or directory", "file-unreadable")
            )
            continue
        for path in rule_files(root):
            if logical is not None:
                display = f"{logical}/{path.relative_to(root).as_posix()}"
            else:
                display = str(path)
            authority, problems = load_rule_file(path, display, builtin=logical is not None)
            rs.problems.extend(problems)
            if authority is None:
                continue
            if authority.id in seen:
                m = authority.location
                rs.problems.append(
                    Problem(
                        display,
                        m.line,
                        m.column,
                        "error",
                        f"authority {authority.id!r} is already defined in {seen[authority.id]}",
                        "duplicate-authority",
                    )
                )
                continue
            seen[authority.id] = display
            rs.authorities.append(authority)
            rs.files.append(display)
            rs.paths[authority.id] = path
            rs.digest.update(display.encode() + b"\0" + authority.sha256.encode() + b"\0")
    rs.authorities.sort(key=lambda a: (a.window.effective_from or "", a.id))
    reg = registry()
    rs.problems.extend(court_problems(reg))
    rs.problems.extend(ruleset_problems(rs.authorities, reg))
    return rs
