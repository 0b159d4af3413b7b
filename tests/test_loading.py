"""The YAML loader: positions, strings stay strings, safe loading only, one error type."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary_check.loading import LoadError, Mark, load_file, load_text


def test_positions_of_keys_and_values() -> None:
    doc = load_text("a: 1\nb:\n  c: [x, y]\n  d: {e: f}\n", "t.yaml")
    assert doc.mark(("a",)) == Mark(1, 4)
    assert doc.key_mark(("b", "c")) == Mark(3, 3)
    assert doc.mark(("b", "c", 1)) == Mark(3, 10)
    assert doc.mark(("b", "d", "e")) == Mark(4, 10)
    # A path that does not exist falls back to its nearest ancestor.
    assert doc.mark(("b", "nope", 3)) == Mark(3, 3)


def test_dates_and_ids_stay_strings() -> None:
    doc = load_text(
        "adopted: 2016-01-04\nmonth: 2009-11\nyear: 2001\nid: 01-06\nquoted: '2016-01-04'\n"
        "word: no\nother: yes\nstamp: 2001-12-14t21:59:43.10-05:00\n",
        "t.yaml",
    )
    assert doc.data["adopted"] == "2016-01-04"
    assert doc.data["month"] == "2009-11"
    assert doc.data["id"] == "01-06"
    assert doc.data["quoted"] == "2016-01-04"
    assert doc.data["word"] == "no"  # YAML 1.1 would have made this False
    assert doc.data["other"] == "yes"
    assert isinstance(doc.data["stamp"], str)
    assert doc.data["year"] == 2001  # a bare year is a number; the schema asks for quotes


def test_core_scalars() -> None:
    doc = load_text("a: true\nb: null\nc: ~\nd: 3\ne: 2.5\nf: -4\ng: .inf\nh:\n", "t.yaml")
    assert doc.data == {
        "a": True,
        "b": None,
        "c": None,
        "d": 3,
        "e": 2.5,
        "f": -4,
        "g": math.inf,
        "h": None,
    }


def test_the_resolver_s_answers_are_kept_for_short_texts_only() -> None:
    """The cache of PyYAML's answer per plain scalar holds keys, ids and dates, not prose: a
    long text rarely comes again, and keeping it would cost memory for nothing."""
    from sanctuary_check import loading

    prose = "a plain sentence of policy text " * 10
    first = load_text(f"id: kept-short-text\nsummary: {prose}\nn: 12\n", "t.yaml")
    assert "kept-short-text" in loading._RESOLVED
    assert prose.strip() not in loading._RESOLVED
    # Answered from the cache the second time, the same data.
    again = load_text(f"id: kept-short-text\nsummary: {prose}\nn: 12\n", "t.yaml")
    assert again.data == first.data == {"id": "kept-short-text", "summary": prose.strip(), "n": 12}


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(LoadError) as err:
        load_text("provisions:\n  a: 1\n  b: 2\n  a: 3\n", "p.yaml")
    e = err.value
    assert (e.line, e.column, e.code) == (4, 3, "yaml-duplicate-key")
    assert "line 2" in e.message and "line 4" in e.message
    assert str(e).startswith("p.yaml:4:3: error: duplicate key 'a'")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: &x 1\nb: *x\n", "yaml-alias"),
        ("a: {<<: {b: 1}}\n", "yaml-alias"),
        ("a: !!python/object:os.system x\n", "yaml-tag"),
        ("a: !custom x\n", "yaml-tag"),
        ("a: 1\n---\nb: 2\n", "yaml-multiple-documents"),
        ("a: [1, 2\n", "yaml-syntax"),
        ("", "empty-file"),
        ("# only a comment\n", "empty-file"),
        ("? [a, b]\n: c\n", "yaml-key"),
    ],
)
def test_refused_constructs(text: str, code: str) -> None:
    with pytest.raises(LoadError) as err:
        load_text(text, "x.yaml")
    assert err.value.code == code
    assert err.value.line >= 1 and err.value.column >= 1


def test_nesting_limit() -> None:
    with pytest.raises(LoadError) as err:
        load_text("x: " + "[" * 70 + "]" * 70 + "\n", "x.yaml")
    assert err.value.code == "yaml-too-deep"
    assert load_text("x: " + "[" * 60 + "]" * 60 + "\n", "x.yaml").data["x"] is not None


def test_files_bom_encoding_and_binary(tmp_path: Path) -> None:
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_file(bom).data == {"a": 1}
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"a: 1\nname: Caf\xe9\n")
    with pytest.raises(LoadError) as err:
        load_file(latin)
    assert (err.value.line, err.value.column, err.value.code) == (2, 10, "encoding")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(LoadError) as err:
        load_file(binary)
    assert err.value.code == "binary-file"
    with pytest.raises(LoadError) as err:
        load_file(tmp_path)
    assert (err.value.line, err.value.column, err.value.code) == (1, 1, "file-unreadable")
    with pytest.raises(LoadError) as err:
        load_file(tmp_path / "missing.yaml")
    assert err.value.code == "file-unreadable"


def test_sha256_is_of_the_bytes(tmp_path: Path) -> None:
    import hashlib

    p = tmp_path / "a.yaml"
    p.write_bytes(b"a: 1\n")
    assert load_file(p).sha256 == hashlib.sha256(b"a: 1\n").hexdigest()


# --- properties -------------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
)
keys = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
data = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, data, min_size=1, max_size=5))
def test_round_trip_of_safe_dumped_data(value: dict) -> None:  # type: ignore[type-arg]
    text = yaml.safe_dump(value, allow_unicode=True)
    assert load_text(text, "rt.yaml").data == value


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_loads_or_raises_located_load_error(text: str) -> None:
    try:
        load_text(text, "fuzz.yaml")
    except LoadError as err:
        assert err.path == "fuzz.yaml"
        assert err.line >= 1 and err.column >= 1
        assert err.code


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_load_or_raise_located_load_error(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "b.yaml"
    path.write_bytes(raw)
    try:
        load_file(path, "b.yaml")
    except LoadError as err:
        assert err.path == "b.yaml" and err.line >= 1 and err.column >= 1
