"""YAML to plain data, with the source position of every key and value.

Policy and rule files are legal records: a date must stay the string its author wrote
("2009-11" is a month, not a day), an id must stay text, and a duplicated key must not silently
replace the first one. So the YAML is composed into nodes by PyYAML's safe (C, where present)
parser and constructed here with a deliberately small scalar vocabulary (YAML 1.2 core: null,
true/false, integers, floats; everything else is text). Tags, anchors, aliases and merge keys are
refused: these files never need them, and refusing them is what keeps alias bombs harmless.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# The C parser is an order of magnitude faster; the pure-Python one gives the same nodes.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The tag PyYAML's resolver gives each short plain scalar, by its text. The resolver tries its
# regular expressions in Python for every scalar of every file, and its answer turns only on the
# text; the same few thousand short texts (keys, stances, ids, dates) recur in file after file.
# Long texts (prose) rarely recur, and keeping them would cost memory for nothing.
_RESOLVED: dict[str, str] = {}
_RESOLVED_LENGTH = 64


class _Loader(_BaseLoader):  # type: ignore[misc]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or not implicit[0] or len(value) > _RESOLVED_LENGTH:
            return super().resolve(kind, value, implicit)
        tag = _RESOLVED.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) >= 100_000:
                _RESOLVED.clear()
            _RESOLVED[value] = tag
        return tag


PathKey = tuple[str | int, ...]

#: Default limits. Policy and rule files are small (the largest shipped policy is about 25 KB
#: and 12 levels deep); these stop runaway or hostile input long before it costs time or memory.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one file may hold. Raised with --max-file-size, --max-depth, --max-nodes."""

    file_bytes: int = MAX_FILE_BYTES
    depth: int = MAX_DEPTH
    nodes: int = MAX_NODES


_limits = Limits()


def set_limits(limits: Limits) -> None:
    """Set the limits for every file loaded from now on (the CLI does this once per run)."""
    global _limits
    _limits = limits


def current_limits() -> Limits:
    return _limits


_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:value",
}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_ScalarNode, _MappingNode = yaml.ScalarNode, yaml.MappingNode


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in a file."""

    line: int
    column: int


class LoadError(Exception):
    """The one error type that loading, validation and evaluation raise about an input file.

    It always carries the path and a 1-based line and column (``1:1`` for file-level problems),
    a message for people and a stable code for machines.
    """

    def __init__(self, path: str, line: int, column: int, message: str, code: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: error: {self.message} [{self.code}]"


class Document:
    """A loaded file: plain data plus where each part of it stands in the file.

    Positions are looked up in the YAML nodes the data was built from, only when asked for: most
    files are valid, and nobody asks where the parts of a valid file stand except for the few that
    a report cites. ``marks`` and ``key_marks`` (every position, by path) are built on first use.
    """

    __slots__ = ("_key_marks", "_marks", "_root", "data", "path", "sha256")

    def __init__(
        self,
        path: str,
        data: Any,
        sha256: str,
        marks: dict[PathKey, Mark] | None = None,
        key_marks: dict[PathKey, Mark] | None = None,
        *,
        root: Any = None,
    ) -> None:
        self.path = path
        self.data = data
        self.sha256 = sha256
        self._root = root
        self._marks = marks if marks is not None or root is not None else {}
        self._key_marks = key_marks if key_marks is not None or root is not None else {}

    @property
    def marks(self) -> dict[PathKey, Mark]:
        """The position of every value, by path."""
        if self._marks is None:
            self._marks, self._key_marks = _all_marks(self._root)
        return self._marks

    @property
    def key_marks(self) -> dict[PathKey, Mark]:
        """The position of every mapping key, by the path of its value."""
        if self._key_marks is None:
            self._marks, self._key_marks = _all_marks(self._root)
        return self._key_marks

    def _find(self, path: PathKey) -> tuple[Any, Any]:
        """(the node at ``path`` or at its nearest existing ancestor, the key node of ``path``)."""
        node, key = self._root, None
        for part in path:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for k, v in node.value:
                    if k.value == part:
                        node, key = v, k
                        break
                else:
                    return node, None
            elif (
                isinstance(node, yaml.SequenceNode)
                and type(part) is int
                and 0 <= part < len(node.value)
            ):
                node, key = node.value[part], None
            else:
                return node, None
        return node, key

    def mark(self, path: PathKey) -> Mark:
        """The position of the value at ``path``, or of its nearest ancestor that exists."""
        if self._marks is None:
            return _mark(self._find(tuple(path))[0].start_mark)
        p = tuple(path)
        while p:
            found = self._marks.get(p)
            if found is not None:
                return found
            p = p[:-1]
        return self._marks.get((), Mark(1, 1))

    def key_mark(self, path: PathKey) -> Mark:
        """The position of the key that introduces ``path`` (falls back to the value's)."""
        if self._key_marks is None:
            node, key = self._find(tuple(path))
            return _mark((key if key is not None else node).start_mark)
        return self._key_marks.get(tuple(path)) or self.mark(path)


def _all_marks(root: Any) -> tuple[dict[PathKey, Mark], dict[PathKey, Mark]]:
    marks: dict[PathKey, Mark] = {}
    key_marks: dict[PathKey, Mark] = {}
    stack: list[tuple[Any, PathKey]] = [(root, ())]
    while stack:
        node, where = stack.pop()
        marks[where] = _mark(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                child = (*where, k.value)
                key_marks[child] = _mark(k.start_mark)
                stack.append((v, child))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(((v, (*where, i)) for i, v in enumerate(node.value)))
    return marks, key_marks


def _mark(m: Any) -> Mark:
    return Mark(m.line + 1, m.column + 1)


def _plain_scalar(text: str) -> Any:
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if text in (".inf", "+.inf", ".Inf", "+.Inf", ".INF", "+.INF"):
        return float("inf")
    if text in ("-.inf", "-.Inf", "-.INF"):
        return float("-inf")
    if text in (".nan", ".NaN", ".NAN"):
        return float("nan")
    return text


class _Builder:
    def __init__(self, path: str, max_depth: int, max_nodes: int) -> None:
        self.path = path
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.count = 0
        self.seen: set[int] = set()

    def fail(self, node: Any, message: str, code: str) -> LoadError:
        m = _mark(node.start_mark)
        return LoadError(self.path, m.line, m.column, message, code)

    def build(self, node: Any, depth: int) -> Any:
        if depth > self.max_depth:
            raise self.fail(
                node,
                f"nesting deeper than {self.max_depth} levels; policy and rule files never need "
                "this much (raise the limit with --max-depth if this file really does)",
                "yaml-too-deep",
            )
        self.count += 1
        if self.count > self.max_nodes:
            raise self.fail(
                node,
                f"more than {self.max_nodes} values in one file (raise with --max-nodes)",
                "yaml-too-many-nodes",
            )
        # The composer hands back the very same node object for an alias: that is how we see one.
        ident = id(node)
        seen = self.seen
        if ident in seen:
            raise self.fail(
                node,
                "anchors and aliases (&name / *name) are not allowed in policy and rule files; "
                "write the value out",
                "yaml-alias",
            )
        seen.add(ident)
        tag = node.tag
        if tag not in _CORE_TAGS:
            if tag == _MERGE_TAG:
                raise self.fail(node, "merge keys (<<) are not allowed", "yaml-alias")
            raise self.fail(node, f"YAML tag {tag!r} is not allowed; remove it", "yaml-tag")
        kind = type(node)
        if kind is _ScalarNode:
            if not node.style and tag != _STR_TAG:
                try:
                    return _plain_scalar(node.value)
                except ValueError:  # Python refuses to read an integer of over 4,300 digits
                    raise self.fail(
                        node,
                        f"a number of {len(node.value)} digits: no field takes one this long "
                        "(quote it if it is text)",
                        "yaml-number-too-long",
                    ) from None
            value: str = node.value
            return value
        if kind is _MappingNode:
            return self.build_mapping(node, depth)
        return [self.build(item, depth + 1) for item in node.value]

    def build_mapping(self, node: Any, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                raise self.fail(key_node, "merge keys (<<) are not allowed", "yaml-alias")
            if type(key_node) is not _ScalarNode:
                raise self.fail(key_node, "a mapping key must be plain text", "yaml-key")
            key = key_node.value
            if key in out:
                km = _mark(key_node.start_mark)
                raise LoadError(
                    self.path,
                    km.line,
                    km.column,
                    f"duplicate key {key!r}: first at line {first_line[key]}, again at line "
                    f"{km.line}; YAML would silently keep only the last one",
                    "yaml-duplicate-key",
                )
            first_line[key] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, depth + 1)
        return out


_UTF16_32_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def _decode(path: str, raw: bytes) -> str:
    for bom, name in _UTF16_32_BOMS:
        if raw.startswith(bom):
            raise LoadError(path, 1, 1, f"the file is {name} text; save it as UTF-8", "encoding")
    if b"\x00" in raw:
        return _binary(path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            path,
            line,
            column,
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            "encoding",
        ) from None


def _binary(path: str) -> str:
    raise LoadError(path, 1, 1, "binary file (contains NUL bytes), not YAML text", "binary-file")


def read_bytes(path: Path, display: str, max_bytes: int | None = None) -> bytes:
    """Read a file whole, turning every OS-level failure into a LoadError at 1:1."""
    limit = max_bytes if max_bytes is not None else _limits.file_bytes
    try:
        info = path.stat()  # follows links: a loop or a dangling link fails here
        if stat.S_ISDIR(info.st_mode):
            raise LoadError(display, 1, 1, "is a directory, not a file", "file-unreadable")
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or a device would block or never end: refuse rather than hang.
            raise LoadError(
                display, 1, 1, "not a regular file (a pipe, socket or device)", "file-unreadable"
            )
        if info.st_size > limit:
            raise LoadError(
                display,
                1,
                1,
                f"file is {info.st_size} bytes, over the {limit}-byte limit (raise it with "
                "--max-file-size)",
                "file-too-large",
            )
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
        if len(raw) > limit:  # the file grew while we looked
            raise LoadError(display, 1, 1, f"file is over the {limit}-byte limit", "file-too-large")
        return raw
    except LoadError:
        raise
    except FileNotFoundError:
        if os.path.islink(path):
            raise LoadError(display, 1, 1, "broken symbolic link", "file-unreadable") from None
        raise LoadError(display, 1, 1, "no such file", "file-unreadable") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError(display, 1, 1, "symbolic link loop", "file-unreadable") from None
        reason = exc.strerror or exc.__class__.__name__
        raise LoadError(display, 1, 1, f"cannot read file: {reason}", "file-unreadable") from None


def load_text(
    text: str,
    path: str,
    *,
    max_depth: int | None = None,
    max_nodes: int | None = None,
    sha256: str | None = None,
) -> Document:
    """Parse YAML text into a :class:`Document`. Raises :class:`LoadError` on any problem."""
    max_depth = max_depth if max_depth is not None else _limits.depth
    max_nodes = max_nodes if max_nodes is not None else _limits.nodes
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if not text.strip():
        raise LoadError(path, 1, 1, "empty file", "empty-file")
    try:
        loader = _Loader(text)
    except UnicodeError as exc:  # lone surrogates: text no file decoded as UTF-8 can hold
        line, column = _line_col(text, getattr(exc, "start", 0))
        raise LoadError(path, line, column, "text that is not valid Unicode", "encoding") from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or "invalid YAML"
        if "expected a single document" in str(exc.context or "") or (
            "but found another document" in problem
        ):
            problem = "more than one YAML document (---) in one file; keep one per file"
            code = "yaml-multiple-documents"
        elif "maximum nesting depth" in problem:
            problem = (
                "nesting too deep for the YAML parser (more than 1000 levels); policy and rule "
                "files never need this"
            )
            code = "yaml-too-deep"
        else:
            code = "yaml-syntax"
            at = _char_at(text, line, column)
            if "\t" in problem or "tab" in problem or at == "\t":
                problem += " (a tab: YAML does not allow tabs for indentation; use spaces)"
        raise LoadError(path, line, column, problem, code) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        pos = getattr(exc, "position", None)
        line, column = _line_col(text, pos) if isinstance(pos, int) else (1, 1)
        raise LoadError(path, line, column, _short(exc), "yaml-syntax") from None
    except RecursionError:
        raise LoadError(path, 1, 1, "nesting too deep to parse", "yaml-too-deep") from None
    finally:
        loader.dispose()
    if node is None:
        raise LoadError(path, 1, 1, "empty file (only comments)", "empty-file")
    builder = _Builder(path, max_depth, max_nodes)
    try:
        data = builder.build(node, 0)
    except RecursionError:
        raise LoadError(path, 1, 1, "nesting too deep to read", "yaml-too-deep") from None
    except LoadError as err:
        if err.code == "yaml-alias":
            raise _at_first_alias(text, err) from None
        raise
    return Document(path, data, sha256, root=node)


def _at_first_alias(text: str, err: LoadError) -> LoadError:
    """Point an alias error at the first ``*alias`` (composed nodes only know the anchor)."""
    try:
        for event in yaml.parse(text, Loader=_Loader):
            m = event.start_mark
            if isinstance(event, yaml.AliasEvent) and m is not None:
                return LoadError(err.path, m.line + 1, m.column + 1, err.message, err.code)
    except yaml.YAMLError:
        pass
    return err


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    if 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]):
        return lines[line - 1][column - 1]
    return ""


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _short(exc: Exception) -> str:
    first = str(exc).strip().splitlines()
    return first[0] if first else exc.__class__.__name__


def load_file(
    path: Path,
    display: str | None = None,
    *,
    max_bytes: int | None = None,
    max_depth: int | None = None,
    max_nodes: int | None = None,
) -> Document:
    """Load one YAML file. ``display`` is the path printed in messages and reports."""
    shown = display if display is not None else str(path)
    raw = read_bytes(path, shown, max_bytes)
    text = _decode(shown, raw)
    return load_text(
        text,
        shown,
        max_depth=max_depth,
        max_nodes=max_nodes,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def walk(data: Any, where: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Every (path, value) pair in plain data, depth first."""
    yield where, data
    if isinstance(data, dict):
        for k, v in data.items():
            yield from walk(v, (*where, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from walk(v, (*where, i))
