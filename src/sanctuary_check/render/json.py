"""JSON: the report data as it is.

An evaluate report is laid out for people and for speed at once: indented two spaces down to each
policy's keys, below which each item of a list (a finding, a determination) and each entry of a
mapping (a provision's lens entries, an authority's unknown provisions) stands on one line of its
own (a policy has hundreds of findings; one per line reads and greps well, and lets the C encoder
do the work: Python's encoder, which indenting needs, is many times slower). The same pieces are
written one policy at a time when a run streams (``stream.py``).
"""

from __future__ import annotations

import json
from typing import Any

from .. import identity
from ..report import SharedFinding
from .style import Style


def _dump(value: Any, indent: int) -> str:
    """``value`` indented two spaces a level, its first line starting at column ``indent``."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * indent) if indent else text


_ENCODER = json.JSONEncoder(ensure_ascii=False)
# The text of each shared finding (report.SharedFinding), by the finding's identity, and each such
# text by its own identity (what shared_keys and shared_text ask). The findings are kept alive in
# _KEPT and the texts as values of these tables, so that an identity in them is never another
# object's; forget() empties them together.
_SHARED_TEXT: dict[int, str] = {}
_TEXT_IDS: dict[int, str] = {}
_TEXT_KEYS: dict[int, int] = {}  # each such text's identity, by itself (see shared_keys)
_KEPT: list[SharedFinding] = []
_SHARED_MAX = 50_000


def _compact(value: Any) -> str:
    return _ENCODER.encode(value)


def _finding_text(f: dict[str, Any]) -> str:
    if type(f) is not SharedFinding:
        return _ENCODER.encode(f)
    hit = _SHARED_TEXT.get(id(f))
    if hit is not None:
        return hit
    if len(_KEPT) >= _SHARED_MAX:
        forget()
    text = _ENCODER.encode(f)
    _SHARED_TEXT[id(f)] = _TEXT_IDS[id(text)] = text
    _TEXT_KEYS[id(text)] = id(text)
    _KEPT.append(f)
    return text


def forget() -> None:
    """Drop every kept text (the tables go together, or an identity could outlive its object)."""
    _SHARED_TEXT.clear()
    _TEXT_IDS.clear()
    _TEXT_KEYS.clear()
    _KEPT.clear()


def _keys(items: list[tuple[str, str]], indent: int) -> str:
    pad = " " * indent
    return ",\n".join(f"{pad}{json.dumps(k, ensure_ascii=False)}: {v}" for k, v in items)


def policy_text(policy: dict[str, Any], indent: int = 4) -> str:
    """One policy of an evaluate report, its first line at column ``indent``."""
    return "".join(policy_parts(policy, indent))


def policy_parts(policy: dict[str, Any], indent: int = 4) -> list[str]:
    """The pieces of :func:`policy_text`, in which each shared finding's text is the very string
    kept here, which :func:`shared_keys` recognises (so that worker processes can send it once,
    then by number)."""
    pad = " " * (indent + 2)
    inner = ",\n" + pad + "  "
    out = ["{"]
    for n, (key, value) in enumerate(policy.items()):
        out.append(("\n" if n == 0 else ",\n") + pad + _ENCODER.encode(key) + ": ")
        if key == "findings" and value:
            # Each finding's text a piece of its own, the separators between them.
            pieces = [inner] * (2 * len(value) - 1)
            pieces[::2] = identity.each(_SHARED_TEXT, value, _finding_text)
            out += ["[\n", pad, "  ", *pieces, "\n", pad, "]"]
        elif isinstance(value, list) and value:
            out += ["[\n", pad, "  ", inner.join(map(_compact, value)), "\n", pad, "]"]
        elif isinstance(value, dict) and value:
            lines = (f"{_ENCODER.encode(k)}: {_compact(v)}" for k, v in value.items())
            out += ["{\n", pad, "  ", inner.join(lines), "\n", pad, "}"]
        else:
            out.append(_compact(value))
    out.append("\n" + " " * indent + "}")
    return out


def shared_keys(parts: list[str]) -> list[str | int]:
    """The pieces of :func:`policy_parts`, each shared finding's text replaced by its key (a
    number that stays its own as long as :func:`shared_text` knows it). In C: a policy has
    hundreds of pieces."""
    return list(map(_TEXT_KEYS.get, map(id, parts), parts))


def shared_text(key: int) -> str | None:
    """The shared finding's text of a key from :func:`shared_keys`."""
    return _TEXT_IDS.get(key)


def head_text(head: dict[str, Any]) -> str:
    """The report up to the opening of ``policies``."""
    return "{\n" + _keys([(k, _dump(v, 2)) for k, v in head.items()], 2) + ',\n  "policies": ['


def separator(first: bool) -> str:
    return "\n    " if first else ",\n    "


def tail_text(tail: dict[str, Any], count: int) -> str:
    """The report from the closing of ``policies`` to the end."""
    close = "\n  ]" if count else "]"
    return close + ",\n" + _keys([(k, _dump(v, 2)) for k, v in tail.items()], 2) + "\n}\n"


def is_report(data: dict[str, Any]) -> bool:
    return "report_version" in data and "policies" in data


def render(report: dict[str, Any], style: Style) -> str:
    del style
    if not is_report(report):
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    head = {k: v for k, v in report.items() if k != "policies"}
    before = {}
    for key in head:
        before[key] = head[key]
        if key == "authorities":
            break
    after = {k: v for k, v in head.items() if k not in before}
    text = [head_text(before)]
    for i, policy in enumerate(report["policies"]):
        text.append(separator(i == 0) + policy_text(policy))
    text.append(tail_text(after, len(report["policies"])))
    return "".join(text)
