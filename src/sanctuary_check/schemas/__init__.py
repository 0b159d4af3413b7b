"""The JSON Schemas for policy files, rule files and the report, shipped as package data.

The policy and rule schemas share ``common.json``; :func:`bundled` folds those shared definitions
into one self-contained document, which is what ``sanctuary-check schema`` prints and what editors
load through a ``# yaml-language-server: $schema=...`` comment.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SchemaName = Literal[
    "policy", "rules", "report", "waivers", "settings", "validation", "expectations", "matrix"
]
NAMES: tuple[SchemaName, ...] = (
    "policy",
    "rules",
    "report",
    "waivers",
    "settings",
    "validation",
    "expectations",
    "matrix",
)

_COMMON_PREFIX = "common.json#/$defs/"


def _read(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_COMMON_PREFIX):
                out[key] = "#/$defs/" + value[len(_COMMON_PREFIX) :]
            else:
                out[key] = _rewrite_refs(value)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


@cache
def bundled(name: SchemaName) -> dict[str, Any]:
    """The named schema with the shared definitions folded in (no external references)."""
    schema = copy.deepcopy(_read(name))
    if _COMMON_PREFIX.split("#")[0] not in json.dumps(schema):
        return schema
    common = _read("common")["$defs"]
    defs = schema.setdefault("$defs", {})
    for key, value in common.items():
        if key in defs:  # pragma: no cover - guarded by a test
            raise RuntimeError(f"schema {name} redefines common definition {key}")
        defs[key] = value
    result: dict[str, Any] = _rewrite_refs(schema)
    return result


@cache
def validator(name: SchemaName) -> Draft202012Validator:
    """A compiled validator for the named schema (jsonschema is imported only when needed)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(bundled(name))


def enum_of(name: str) -> list[str]:
    """The values of a shared enumeration in common.json (provision, question, stance, ...)."""
    values: list[str] = _read("common")["$defs"][name]["enum"]
    return values
