"""Finding, loading and checking rule sets: the built-in rules/ and any added with --rules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .loading import load_file
from .model import Authority
from .parse import authority_from
from .validation import Problem, check_file

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


@dataclass(frozen=True, slots=True)
class Registry:
    provisions: dict[str, str | None]  # key -> parent
    provision_titles: dict[str, str]
    questions: dict[str, str]  # id -> title
    issuers: dict[str, str]
    information: dict[str, str]

    def parent(self, provision: str) -> str | None:
        return self.provisions.get(provision)


def _registry_file(name: str) -> dict[str, Any]:
    path = builtin_rules_dir() / REGISTRY_DIR / f"{name}.yaml"
    doc = load_file(path, f"rules/{REGISTRY_DIR}/{name}.yaml")
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
    )


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


def _rule_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.yaml") if REGISTRY_DIR not in p.relative_to(root).parts)


def load_rule_file(path: Path, display: str) -> tuple[Authority | None, list[Problem]]:
    """Load and check one authority file. Returns the authority only when it has no errors."""
    doc, problems = check_file(path, display, "rules")
    if doc is None:
        return None, problems
    if doc.data["issuer"] not in registry().issuers:
        m = doc.mark(("issuer",))
        problems.append(
            Problem(
                display,
                m.line,
                m.column,
                "warning",
                f"issuer {doc.data['issuer']!r} is not in rules/_registry/issuers.yaml",
                "unknown-issuer",
            )
        )
    return authority_from(doc), problems


def load_ruleset(extra: list[Path], *, builtin: bool = True) -> RuleSet:
    """The built-in authorities plus those under each extra path (file or directory)."""
    rs = RuleSet()
    roots: list[tuple[Path, str | None]] = []
    if builtin:
        roots.append((builtin_rules_dir(), "rules"))
    roots.extend((p, None) for p in extra)
    seen: dict[str, str] = {}
    for root, logical in roots:
        if not root.exists():
            rs.problems.append(
                Problem(str(root), 1, 1, "error", "no such file or directory", "file-unreadable")
            )
            continue
        for path in _rule_files(root):
            if logical is not None:
                display = f"{logical}/{path.relative_to(root).as_posix()}"
            else:
                display = str(path)
            authority, problems = load_rule_file(path, display)
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
    return rs
