"""A fast yes/no answer to "is this document valid against our schema?".

``jsonschema`` explains every error well but walks a schema slowly (about two thirds of
``validate``'s time on a large directory went there). Most files are valid, and for a valid file
nobody reads an explanation. So each schema is compiled once into nested Python closures that only
answer valid or not; :func:`validation.schema_problems` asks that first and runs ``jsonschema``
for the located, worded errors only when the answer is no. The messages therefore never change.

The compiler knows exactly the keywords our schemas use, with ``jsonschema``'s semantics for them
(Draft 2020-12: ``bool`` is never a number, ``1.0`` is an integer, ``enum`` and ``uniqueItems``
compare without confusing ``true`` and ``1``, ``pattern`` is ``re.search``). It does not import
``jsonschema``, so that a run over valid files never loads it. A schema with any
other keyword is refused at compile time rather than half-checked, and a property test holds the
two answers equal on generated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from .schemas import SchemaName, bundled

Check = Callable[[Any], bool]

#: Keywords that say nothing about validity.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"}
)


class UnsupportedSchema(ValueError):
    """The schema uses a keyword this compiler does not implement."""


def equal(one: Any, two: Any) -> bool:
    """JSON equality: true is not 1, and lists and mappings compare element by element."""
    if type(one) is bool or type(two) is bool:
        return type(one) is type(two) and one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(equal(one[k], two[k]) for k in one)
    if isinstance(one, list | dict) or isinstance(two, list | dict):
        return False
    return bool(one == two)


def uniq(items: list[Any]) -> bool:
    """No two items are equal in the sense of :func:`equal` (as jsonschema's uniqueItems)."""
    seen: list[Any] = []
    for item in items:
        if any(equal(item, s) for s in seen):
            return False
        seen.append(item)
    return True


def _is_integer(x: Any) -> bool:
    t = type(x)
    return t is int or (t is float and x.is_integer())


def _is_number(x: Any) -> bool:
    t = type(x)
    return t is int or t is float


_TYPES: dict[str, Check] = {
    "object": lambda x: type(x) is dict,
    "array": lambda x: type(x) is list,
    "string": lambda x: type(x) is str,
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda x: type(x) is bool,
    "null": lambda x: x is None,
}


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        # $ref targets compile once; the cell allows recursive schemas.
        self.refs: dict[str, list[Check]] = {}

    def ref(self, pointer: str) -> Check:
        cell = self.refs.get(pointer)
        if cell is None:
            if not pointer.startswith("#"):
                raise UnsupportedSchema(f"only local references are supported, not {pointer!r}")
            target: Any = self.root
            for part in pointer[1:].split("/")[1:]:
                target = target[part.replace("~1", "/").replace("~0", "~")]
            cell = []
            self.refs[pointer] = cell
            cell.append(self.compile(target))
        if cell:
            return cell[0]  # compiled: no need to look it up at each call
        return lambda x: cell[0](x)  # a schema that refers to itself, while it compiles

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda x: True
        if schema is False:
            return lambda x: False
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"not a schema: {schema!r}")
        checks: list[Check] = []
        for key, value in schema.items():
            if key in _ANNOTATIONS:
                continue
            make = getattr(self, "_" + key.lstrip("$"), None)
            if make is None or key in ("then", "else"):
                if key in ("then", "else") and "if" in schema:
                    continue  # compiled with "if"
                raise UnsupportedSchema(f"keyword {key!r} is not supported")
            checks.append(make(value, schema))
        if not checks:
            return lambda x: True
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda x: first(x) and second(x)
        return _every(checks)

    # --- keywords (each returns a check for one keyword) ---------------------------------------

    def _ref(self, value: str, schema: dict[str, Any]) -> Check:
        return self.ref(value)

    def _type(self, value: str | list[str], schema: dict[str, Any]) -> Check:
        names = [value] if isinstance(value, str) else list(value)
        tests = [_TYPES[n] for n in names]
        if len(tests) == 1:
            return tests[0]
        return lambda x: any(t(x) for t in tests)

    def _enum(self, value: list[Any], schema: dict[str, Any]) -> Check:
        if all(type(v) is str for v in value):
            allowed = frozenset(value)
            return lambda x: type(x) is str and x in allowed
        return lambda x: any(equal(v, x) for v in value)

    def _const(self, value: Any, schema: dict[str, Any]) -> Check:
        if type(value) is str:
            return lambda x: type(x) is str and x == value
        return lambda x: bool(equal(value, x))

    def _required(self, value: list[str], schema: dict[str, Any]) -> Check:
        names = frozenset(value)
        return lambda x: type(x) is not dict or x.keys() >= names

    def _properties(self, value: dict[str, Any], schema: dict[str, Any]) -> Check:
        props = {name: self.compile(sub) for name, sub in value.items()}

        def check(x: Any) -> bool:
            if type(x) is not dict:
                return True
            for name, sub in props.items():  # noqa: SIM110 - a loop beats all() over a generator
                if name in x and not sub(x[name]):
                    return False
            return True

        return check

    def _additionalProperties(self, value: Any, schema: dict[str, Any]) -> Check:
        if "patternProperties" in schema:
            raise UnsupportedSchema("patternProperties is not supported")
        known = frozenset(schema.get("properties", {}))
        if value is False:
            return lambda x: type(x) is not dict or known.issuperset(x)
        sub = self.compile(value)

        def check(x: Any) -> bool:
            if type(x) is not dict:
                return True
            for k, v in x.items():  # noqa: SIM110 - a loop beats all() over a generator
                if k not in known and not sub(v):
                    return False
            return True

        return check

    def _propertyNames(self, value: Any, schema: dict[str, Any]) -> Check:
        sub = self.compile(value)
        return lambda x: type(x) is not dict or all(sub(k) for k in x)

    def _items(self, value: Any, schema: dict[str, Any]) -> Check:
        if "prefixItems" in schema:
            raise UnsupportedSchema("prefixItems is not supported")
        sub = self.compile(value)

        def check(x: Any) -> bool:
            if type(x) is not list:
                return True
            for v in x:  # noqa: SIM110 - a loop beats all() over a generator
                if not sub(v):
                    return False
            return True

        return check

    def _minItems(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: type(x) is not list or len(x) >= value

    def _maxItems(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: type(x) is not list or len(x) <= value

    def _uniqueItems(self, value: bool, schema: dict[str, Any]) -> Check:
        if not value:
            return lambda x: True
        return lambda x: type(x) is not list or bool(uniq(x))

    def _minLength(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: type(x) is not str or len(x) >= value

    def _minProperties(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: type(x) is not dict or len(x) >= value

    def _maxProperties(self, value: int, schema: dict[str, Any]) -> Check:
        return lambda x: type(x) is not dict or len(x) <= value

    def _minimum(self, value: float, schema: dict[str, Any]) -> Check:
        return lambda x: not _is_number(x) or x >= value

    def _pattern(self, value: str, schema: dict[str, Any]) -> Check:
        search = re.compile(value).search
        return lambda x: type(x) is not str or search(x) is not None

    def _anyOf(self, value: list[Any], schema: dict[str, Any]) -> Check:
        subs = [self.compile(s) for s in value]

        def check(x: Any) -> bool:
            for s in subs:  # noqa: SIM110 - a loop beats any() over a generator
                if s(x):
                    return True
            return False

        return check

    def _allOf(self, value: list[Any], schema: dict[str, Any]) -> Check:
        return _every([self.compile(s) for s in value])

    def _oneOf(self, value: list[Any], schema: dict[str, Any]) -> Check:
        subs = [self.compile(s) for s in value]
        return lambda x: sum(1 for s in subs if s(x)) == 1

    def _not(self, value: Any, schema: dict[str, Any]) -> Check:
        sub = self.compile(value)
        return lambda x: not sub(x)

    def _if(self, value: Any, schema: dict[str, Any]) -> Check:
        test = self.compile(value)
        then = self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))
        return lambda x: then(x) if test(x) else otherwise(x)


def _every(checks: list[Check]) -> Check:
    def check(x: Any) -> bool:
        for c in checks:  # noqa: SIM110 - a loop beats all() over a generator
            if not c(x):
                return False
        return True

    return check


def compile_schema(schema: dict[str, Any]) -> Check:
    """A function telling whether an instance is valid against ``schema`` (no explanations)."""
    return _Compiler(schema).compile(schema)


@cache
def is_valid(name: SchemaName) -> Check:
    """The compiled check for one of the bundled schemas."""
    return compile_schema(bundled(name))
