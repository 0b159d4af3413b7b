"""The compiled yes/no schema check answers exactly as jsonschema does."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from sanctuary_check.loading import LoadError, load_file
from sanctuary_check.schemacheck import UnsupportedSchema, compile_schema, is_valid
from sanctuary_check.schemas import validator

SCHEMAS = ("policy", "rules", "waivers", "settings", "expectations")


def _documents() -> list[tuple[str, Any]]:
    out = []
    for base in ("tests", "policies", "rules"):
        for path in sorted((ROOT / base).rglob("*.y*ml")):
            try:
                doc = load_file(path, str(path.relative_to(ROOT)))
            except LoadError:
                continue
            out.append((doc.path, doc.data))
    return out


DOCUMENTS = _documents()


def _agree(data: Any) -> None:
    for name in SCHEMAS:
        assert is_valid(name)(data) == validator(name).is_valid(data), name


def test_every_file_of_the_project_gets_the_same_answer() -> None:
    assert len(DOCUMENTS) > 80
    valid = 0
    for _, data in DOCUMENTS:
        _agree(data)
        valid += any(is_valid(n)(data) for n in SCHEMAS)
    assert valid > 30  # both answers are exercised, not only "invalid"


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["", "x", "restricted", "2016-01-04", "2009-11", "unknown", "ZZ", "police", "Bad Id"]
    ),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "id", "stance"]), inner)
    ),
    max_leaves=5,
)


def _paths(data: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [where]
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(_paths(v, (*where, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_paths(v, (*where, i)))
    return out


def _mutate(data: Any, where: tuple[Any, ...], how: str, value: Any) -> Any:
    data = copy.deepcopy(data)
    if not where:
        return value
    parent = data
    for part in where[:-1]:
        parent = parent[part]
    last = where[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif how == "add" and isinstance(parent, dict):
        parent[f"extra_{last}"] = value
    elif how == "add" and isinstance(parent, list):
        parent.append(value)
    return data


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([d for _, d in DOCUMENTS if any(is_valid(n)(d) for n in SCHEMAS)]),
    st.data(),
)
def test_mutated_documents_get_the_same_answer(document: Any, data: st.DataObject) -> None:
    mutated = document
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(mutated)
        where = data.draw(st.sampled_from(paths))
        how = data.draw(st.sampled_from(["replace", "delete", "add"]))
        mutated = _mutate(mutated, where, how, data.draw(_VALUES))
    _agree(mutated)


def test_an_unknown_keyword_is_refused_not_ignored() -> None:
    with pytest.raises(UnsupportedSchema):
        compile_schema({"type": "string", "format": "email"})
    with pytest.raises(UnsupportedSchema):
        compile_schema({"$ref": "other.json#/x"})


def test_json_schema_edge_semantics() -> None:
    check = compile_schema({"enum": [1, "a"], "type": ["integer", "string"]})
    assert check(1) and check(1.0) and check("a")
    assert not check(True)  # true is not 1 in JSON Schema
    unique = compile_schema({"type": "array", "uniqueItems": True})
    assert unique([1, True]) and not unique([1, 1.0])
    assert compile_schema({"minimum": 0})(True)  # a boolean is not a number: not checked
    assert not compile_schema({"pattern": "^a"})("ba")
    assert compile_schema({"pattern": "a"})("ba")  # search, not match
    assert compile_schema({"oneOf": [{"type": "string"}, {"minLength": 1}]})(3)
    assert not compile_schema({"oneOf": [{"type": "string"}, {"minLength": 1}]})("x")


def test_validate_messages_are_unchanged_for_an_invalid_file(tmp_path: Path) -> None:
    from sanctuary_check.validation import schema_problems

    path = tmp_path / "town.yaml"
    path.write_text("id: town\nname: Town\nkind: city\nstate: ZZ\nsources: []\nprovisions: {}\n")
    doc = load_file(path, "town.yaml")
    problems = schema_problems(doc, "policy")
    assert [str(p) for p in problems] == [
        "town.yaml:5:10: error: sources: [] should be non-empty [schema-size]"
    ]
