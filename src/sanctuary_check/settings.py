"""Settings from ``[tool.sanctuary-check]`` in pyproject.toml or from ``.sanctuary-check.yaml``.

The nearest file that holds settings wins: from the working directory upward, a
``.sanctuary-check.yaml`` before a ``pyproject.toml`` in the same directory, stopping at the top of
the git work tree. Command-line options always win over settings. Paths in settings are relative
to the file that holds them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .loading import Document, LoadError, Mark, load_file
from .validation import Problem, schema_problems

YAML_NAME = ".sanctuary-check.yaml"
TOML_NAME = "pyproject.toml"
_TABLE = re.compile(
    r'^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*(?:"sanctuary-check"|sanctuary-check)[ \t]*\]', re.M
)


class SettingsError(Exception):
    """Settings that cannot be used; each problem is located in the settings file."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Settings:
    path: str | None = None
    as_of: str | None = None
    authorities: tuple[str, ...] | None = None
    questions: tuple[str, ...] | None = None
    fail_on: str | None = None
    fail_scope: str | None = None
    rules: tuple[Path, ...] = ()
    waivers: Path | None = None
    strict: bool | None = None


def _has_table(path: Path) -> bool:
    try:
        return bool(_TABLE.search(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return False


def _nearby(path: Path) -> Path:
    """The path relative to the working directory when it lies below it, as people write it."""
    try:
        return path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def find_settings(start: Path) -> Path | None:
    """The nearest settings file from ``start`` upward, within the git work tree."""
    here = start.resolve()
    for directory in (here, *here.parents):
        candidate = directory / YAML_NAME
        if candidate.is_file():
            return candidate
        toml = directory / TOML_NAME
        if toml.is_file() and _has_table(toml):
            return toml
        if (directory / ".git").exists():
            return None
    return None


def _plain(value: Any) -> Any:
    """TOML dates become the text they were written as, as in YAML files."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _toml_document(path: Path, shown: str) -> Document:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problem = Problem(shown, 1, 1, "error", f"not TOML: {exc}", "settings")
        raise SettingsError([problem]) from None
    except RecursionError:
        problem = Problem(shown, 1, 1, "error", "not TOML: nested too deep to read", "settings")
        raise SettingsError([problem]) from None
    table = data.get("tool", {}).get("sanctuary-check", {})
    found = _TABLE.search(text)
    line = text.count("\n", 0, found.start()) + 1 if found else 1
    # TOML keeps no positions: every problem points at the table's header.
    return Document(shown, _plain(table), hashlib.sha256(raw).hexdigest(), {(): Mark(line, 1)})


def load_settings(explicit: Path | None = None, start: Path | None = None) -> Settings:
    """The settings named by ``--settings``, or the nearest ones; empty settings when none."""
    found = find_settings(start or Path.cwd()) if explicit is None else None
    path = explicit if explicit is not None else (_nearby(found) if found else None)
    if path is None:
        return Settings()
    shown = str(path)
    if explicit is not None and not path.is_file():
        raise SettingsError([Problem(shown, 1, 1, "error", "no such file", "file-unreadable")])
    try:
        doc = _toml_document(path, shown) if path.name.endswith(".toml") else load_file(path, shown)
    except LoadError as err:
        raise SettingsError([Problem.from_load_error(err)]) from None
    except OSError as exc:
        raise SettingsError(
            [Problem(shown, 1, 1, "error", f"cannot read: {exc.strerror}", "file-unreadable")]
        ) from None
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise SettingsError(
            [Problem(shown, 1, 1, "error", "settings must be a mapping", "not-a-mapping")]
        )
    problems = [
        Problem(p.path, p.line, p.column, p.severity, p.message, "settings")
        for p in schema_problems(doc, "settings")
    ]
    if problems:
        raise SettingsError(problems)
    data: dict[str, Any] = doc.data
    base = path.parent

    def listed(key: str) -> tuple[str, ...] | None:
        return tuple(data[key]) if key in data else None

    return Settings(
        path=shown,
        as_of=data.get("as-of"),
        authorities=listed("authorities"),
        questions=listed("questions"),
        fail_on=data.get("fail-on"),
        fail_scope=data.get("fail-scope"),
        rules=tuple(base / r for r in data.get("rules", [])),
        waivers=base / data["waivers"] if "waivers" in data else None,
        strict=data.get("strict"),
    )
