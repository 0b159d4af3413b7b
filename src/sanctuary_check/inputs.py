"""Turning command-line paths into loaded, checked policies (or located problems)."""

from __future__ import annotations

import glob
from pathlib import Path

from .loading import Document
from .model import Policy
from .parse import policy_from
from .validation import Problem, check_file

YAML_SUFFIXES = (".yaml", ".yml")


def expand(args: list[str]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Files named by the arguments: files as given, directories recursively, glob patterns.

    Returns (path, display path) pairs in a stable order, and a problem for each argument that
    names nothing.
    """
    files: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: Path, display: str) -> None:
        if display not in seen:
            seen.add(display)
            files.append((path, display))

    for arg in args:
        path = Path(arg)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in YAML_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and (p.is_file() or p.is_symlink())
            )
            if not found:
                problems.append(
                    Problem(arg, 1, 1, "error", "directory holds no .yaml files", "no-input")
                )
            for p in found:
                add(p, str(p))
        elif path.exists() or path.is_symlink():
            add(path, arg)
        elif any(ch in arg for ch in "*?["):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                problems.append(
                    Problem(arg, 1, 1, "error", "the pattern matches no file", "no-input")
                )
            for m in matches:
                add(Path(m), m)
        else:
            problems.append(
                Problem(arg, 1, 1, "error", "no such file or directory", "file-unreadable")
            )
    return files, problems


def load_policy(path: Path, display: str) -> tuple[Policy | None, list[Problem]]:
    """Load and check one policy file; the policy only when there are no errors."""
    _, policy, problems = load_policy_document(path, display)
    return policy, problems


def load_policy_document(
    path: Path, display: str
) -> tuple[Document | None, Policy | None, list[Problem]]:
    """As :func:`load_policy`, keeping the loaded document (data with positions) as well."""
    doc, problems = check_file(path, display, "policy")
    return doc, (policy_from(doc) if doc is not None else None), problems
