"""Turning command-line paths into loaded, checked policies (or located problems)."""

from __future__ import annotations

import glob
import os
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
            found, walk_problems = _walk(path)
            problems.extend(walk_problems)
            if not found and not walk_problems:
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


def _walk(root: Path) -> tuple[list[Path], list[Problem]]:
    """The .yaml files under a directory, hidden entries left out, each directory once.

    Symbolic links to directories are followed, but a link back to a directory already walked
    (a loop) is reported and not entered, so a walk always ends.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def unreadable(err: OSError) -> None:
        where = err.filename or str(root)
        problems.append(
            Problem(
                str(where),
                1,
                1,
                "error",
                f"cannot read directory: {err.strerror or err}",
                "file-unreadable",
            )
        )

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=unreadable):
        real = os.path.realpath(dirpath)
        if real in seen:
            problems.append(
                Problem(
                    dirpath,
                    1,
                    1,
                    "error",
                    "symbolic link loop: this directory was already walked",
                    "file-unreadable",
                )
            )
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix in YAML_SUFFIXES:
                found.append(Path(dirpath) / name)
    return sorted(found), problems


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
