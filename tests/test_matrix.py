"""matrix: one verdict per jurisdiction and authority (or year), projections apart from recorded
determinations, in a table that fits 80 columns and in JSON, Markdown, HTML and SVG."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from sanctuary_check.cli import app
from sanctuary_check.matrix import year_days
from sanctuary_check.render import MATRIX_RENDERERS, Style
from sanctuary_check.schemas import validator
from sanctuary_check.session import UsageError

runner = CliRunner()
POLICIES = str(ROOT / "policies")
HOSTILE = """id: hostile-town
name: "Town of <script>alert('x')</script> & \\"quotes\\" \\u001b[31mred"
kind: city
state: ZZ
sources:
  - id: ord-1
    kind: instrument
    title: "Ordinance <img src=x onerror=alert(1)>"
    adopted: "2001-01-01"
    read: full
    url: "https://example.org/a?b=<c>&d=\\"e\\""
    quality: gov
  - {id: s1, kind: evidence, url: "https://example.org/s1'onmouseover='alert(2)", quality: news,
     read: full}
provisions:
  status_sharing:
    stance: prohibited
    source: {instrument: ord-1, section: "<b>1</b>", evidence: [s1]}
    confidence: high
determinations:
  - {id: det-1, authority: doj-2017-10-11, date: "2017-10-11", outcome: preliminary_noncompliance,
     status: preliminary, provisions: [status_sharing], sources: [s1]}
"""


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["matrix", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def matrix() -> dict[str, Any]:
    code, out, err = _run(POLICIES, "--as-of", "2017-12-31", "--format", "json")
    assert code == 1, err  # conflicts in the law lens
    data: dict[str, Any] = json.loads(out)
    return data


def _cell(data: dict[str, Any], policy: str, authority: str, year: int | None = None) -> Any:
    row = next(r for r in data["rows"] if r["id"] == policy)
    i = next(
        i
        for i, c in enumerate(data["columns"])
        if c["authority"] == authority and (year is None or c["year"] == year)
    )
    return row["cells"][i]


def test_json_matches_its_schema(matrix: dict[str, Any]) -> None:
    errors = list(validator("matrix").iter_errors(matrix))
    assert errors == [], [e.message for e in errors[:3]]
    assert matrix["mode"] == "authorities" and matrix["as_of"] == "2017-12-31"
    assert len(matrix["rows"]) == 10
    assert all(len(r["cells"]) == len(matrix["columns"]) for r in matrix["rows"])


def test_recorded_determinations_stand_apart_from_projections(matrix: dict[str, Any]) -> None:
    recorded = _cell(matrix, "philadelphia", "doj-2017-10-11")
    assert recorded["verdict"] == "conflict"
    assert recorded["recorded"] is True
    assert recorded["determination"]["id"] == "doj-2017-10-11-letter"
    assert recorded["determination"]["agrees"] is True
    projected = _cell(matrix, "philadelphia", "usc-8-1373")
    assert projected["verdict"] == "conflict" and projected["recorded"] is False
    assert projected["determination"] is None
    # An authority not yet in force has no column (never a guessed verdict); it is listed.
    assert "edpa-2018-06-06" in matrix["not_in_force"]
    assert all(c["authority"] != "edpa-2018-06-06" for c in matrix["columns"])
    assert any(a["id"] == "edpa-2018-06-06" for a in matrix["authorities"])
    assert matrix["summary"]["recorded"]["cells"] >= 7


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    """The evaluate report on the same policies and day, to compare the matrix with."""
    out = runner.invoke(app, ["evaluate", POLICIES, "--as-of", "2017-12-31", "--format", "json"])
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def test_the_cell_is_the_by_authority_verdict(
    matrix: dict[str, Any], report: dict[str, Any]
) -> None:
    for p in report["policies"]:
        for authority, verdict in p["by_authority"].items():
            assert _cell(matrix, p["jurisdiction"]["id"], authority)["verdict"] == verdict


def test_years_are_evaluated_on_december_31_and_this_year_today() -> None:
    today = dt.date(2024, 5, 6)
    assert year_days("2022..2024", today) == [
        (2022, dt.date(2022, 12, 31)),
        (2023, dt.date(2023, 12, 31)),
        (2024, today),
    ]
    for bad in ("2025", "2020..2019", "twenty", "1900..2024"):
        with pytest.raises(UsageError):
            year_days(bad, today)
    _, out, _ = _run(POLICIES, "--years", "2016..2018", "--format", "json")
    data = json.loads(out)
    assert data["mode"] == "years" and data["as_of"] is None
    assert [y["as_of"] for y in data["years"]] == ["2016-12-31", "2017-12-31", "2018-12-31"]
    # In force in some of the years: a column per year, "not in force" in the others.
    absent = _cell(data, "philadelphia", "doj-2017-10-11", 2016)
    assert absent["verdict"] is None and absent["in_force"] == "no"
    assert "potus-2025-01-20-eo14159" in data["not_in_force"]
    assert _cell(data, "philadelphia", "doj-2017-10-11", 2017)["recorded"] is True
    assert _run(POLICIES, "--years", "2016..2018", "--as-of", "2017-01-01")[0] == 2


@pytest.mark.parametrize(
    "args",
    [
        ("--as-of", "2017-12-31"),
        ("--years", "2014..2021"),
        ("--as-of", "2017-12-31", "--authority", "usc-8-1373"),
    ],
)
def test_table_fits_80_columns_with_a_legend_and_no_colour_codes(args: tuple[str, ...]) -> None:
    code, out, _ = _run(POLICIES, *args)
    assert code in (0, 1)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "\x1b[" not in out
    assert "* projection" in out and "# a recorded determination" in out
    assert "conflict" in out and "not in force" in out


def _lens_conflicts(policy: dict[str, Any], lens: str) -> int:
    """From the evaluate report: provisions whose controlling verdict under ``lens`` is an
    enforceable conflict, whichever question and authority."""
    return sum(
        1
        for per_question in policy["provisions"].values()
        if any(
            (e := entries[lens]) is not None and e["verdict"] == "conflict" and e["enforceable"]
            for entries in per_question.values()
        )
    )


def test_sort_conflicts_counts_provisions_under_each_lens_never_authorities(
    report: dict[str, Any],
) -> None:
    _, out, _ = _run(POLICIES, "--as-of", "2017-12-31", "--format", "json", "--sort", "conflicts")
    rows = json.loads(out)["rows"]
    by_id = {p["jurisdiction"]["id"]: p for p in report["policies"]}
    for r in rows:
        policy = by_id[r["id"]]
        for lens in ("law", "enforcement"):
            assert r["provisions_in_conflict"][lens] == [_lens_conflicts(policy, lens)], r["id"]
    keys = [
        (-r["provisions_in_conflict"]["law"][0], -r["provisions_in_conflict"]["enforcement"][0])
        for r in rows
    ]
    assert keys == sorted(keys)
    assert keys[0][0] < 0  # some jurisdiction has a provision in conflict under the law lens
    # Not the old tally of conflict cells, which counted 1373 and 1644 apart and an agency
    # letter like a statute: the two orders differ on the corpus.
    assert [r["id"] for r in rows] != [
        r["id"] for r in sorted(rows, key=lambda r: (-r["conflicts"], r["id"]))
    ]


def test_years_sort_by_the_last_year_first(tmp_path: Path) -> None:
    _, out, _ = _run(POLICIES, "--years", "2016..2019", "--format", "json", "--sort", "conflicts")
    rows = json.loads(out)["rows"]
    assert all(len(r["provisions_in_conflict"]["law"]) == 4 for r in rows)
    keys = [[-n for n in reversed(r["provisions_in_conflict"]["law"])] for r in rows]
    assert keys == sorted(keys)


def test_filter_by_verdict() -> None:
    _, out, _ = _run(POLICIES, "--as-of", "2017-12-31", "--format", "json", "--only", "compliant")
    kept = json.loads(out)["rows"]
    assert kept and len(kept) < 10
    assert all(any(c["verdict"] == "compliant" for c in r["cells"]) for r in kept)


def test_each_cell_says_whether_its_authority_binds_the_jurisdiction(
    matrix: dict[str, Any], report: dict[str, Any]
) -> None:
    lens = {a["id"]: a["lens"] for a in report["authorities"]}
    for p in report["policies"]:
        for authority, binds in p["binding"].items():
            assert _cell(matrix, p["jurisdiction"]["id"], authority)["binding"] is binds
    assert all(c["lens"] == lens[c["authority"]] and c["kind"] for c in matrix["columns"])
    # The Second Circuit binds New York and Connecticut, not California or Chicago.
    assert _cell(matrix, "new-york-city", "2d-cir-1999-05-27")["binding"] is True
    assert _cell(matrix, "california", "2d-cir-1999-05-27")["binding"] is False
    _, table, _ = _run(POLICIES, "--as-of", "2017-12-31", "--authority", "2d-cir-1999-05-27")
    lines = {line.split()[0]: line for line in table.splitlines() if line.strip()}
    assert "~" in lines["california"] and "~" not in lines["new-york-city"]
    assert "~ does not bind this jurisdiction as law" in table
    assert "law lens: 2d-cir-1999-05-27 (court ruling)" in table
    _, md_text, _ = _run(POLICIES, "--as-of", "2017-12-31", "--format", "markdown")
    assert "2d-cir-1999-05-27 (law lens, court ruling)" in md_text
    assert "doj-2017-10-11 (enforcement lens (not law), agency position)" in md_text
    ca = next(line for line in md_text.splitlines() if "(california)" in line)
    assert "\\~" in ca  # the mark, escaped for Markdown


def test_jobs_2_gives_the_same_matrix(tmp_path: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    for i in range(20):
        for p in (ROOT / "policies").glob("*.yaml"):
            text = p.read_text().replace(f"id: {p.stem}\n", f"id: {p.stem}-{i}\n", 1)
            (many / f"{p.stem}-{i}.yaml").write_text(text)
    one = _run(str(many), "--years", "2016..2018", "--format", "json", "--jobs", "1")
    two = _run(str(many), "--years", "2016..2018", "--format", "json", "--jobs", "2")
    assert one == two
    assert len(json.loads(one[1])["rows"]) == 200


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile-town.yaml"
    path.write_text(HOSTILE)
    return path


def test_html_and_svg_escape_everything_from_files(hostile: Path, tmp_path: Path) -> None:
    html_file, svg_file = tmp_path / "m.html", tmp_path / "m.svg"
    code, _, err = _run(
        str(hostile),
        "--as-of",
        "2017-12-31",
        "--format",
        f"html={html_file}",
        "--format",
        f"svg={svg_file}",
    )
    assert code == 1, err
    page = html_file.read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "onmouseover='alert" not in page and "<b>1</b>" not in page
    assert "\x1b" not in page and "\\x1b[31mred" in page  # shown, never executed
    assert page.count("<script>") == 1  # the page's own, inline
    assert not re.search(r"""(src|href)=["'](?!https?://|#)""", page)
    svg = svg_file.read_text()
    ET.fromstring(svg)  # well-formed: nothing broke out of a text node or attribute
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_only_http_links_in_html() -> None:
    from sanctuary_check.render.matrix_html import _Details

    details = _Details({"finding_texts": []})
    i = details._cite_list(
        [
            {"instrument": "a", "section": None, "url": "javascript:alert(1)", "quality": "x"},
            {"instrument": "b", "section": None, "url": "https://example.org/<x>", "quality": "x"},
        ]
    )
    (bad, good) = details.cites[i]
    assert bad[2] is None and bad[3] == "javascript:alert(1)"  # shown as text, never a link
    assert good[2] == "https://example.org/%3Cx%3E"


def test_html_writes_each_distinct_finding_once(tmp_path: Path) -> None:
    """Many cells say the same (a reading nobody encoded; the same policy from year to year):
    the page holds each distinct finding, citation list and message once."""
    many = tmp_path / "many"
    many.mkdir()
    for i in range(6):
        text = (ROOT / "policies" / "philadelphia.yaml").read_text()
        (many / f"p{i}.yaml").write_text(text.replace("id: philadelphia\n", f"id: p{i}\n", 1))
    page_file = tmp_path / "m.html"
    json_file = tmp_path / "m.json"
    code, _, err = _run(
        str(many),
        "--years",
        "2016..2019",
        "--format",
        f"html={page_file}",
        "--format",
        f"json={json_file}",
    )
    assert code == 1, err
    page = page_file.read_text()
    data = json.loads(json_file.read_text())
    embedded = json.loads(page.split("id=matrix-data>", 1)[1].split("</script>", 1)[0])
    messages = {
        f["message"]
        for r in data["rows"]
        for c in r["cells"]
        for f in c["findings"]
        if f["verdict"] != "not_applicable"
    }
    assert messages
    for message in messages:
        assert sum(message in s for s in embedded["s"]) >= 1
    assert len(embedded["s"]) == len(set(embedded["s"]))
    assert len(embedded["f"]) == len({json.dumps(f) for f in embedded["f"]})
    cells = [c for r in data["rows"] for c in r["cells"] if c["verdict"] is not None]
    assert len(embedded["b"]) < len(cells) / 3  # the same cell from one year to the next
    # Every verdict is in the markup, as a word, for readers without the script.
    assert page.count("<details>") == len(cells)


def test_formats_without_findings_keep_none() -> None:
    """Table, Markdown and SVG show no findings, so a run with only those keeps none; equal
    cells are one object."""
    from sanctuary_check.matrix import build
    from sanctuary_check.session import open_session

    sessions = [(y, open_session(dt.date(y, 12, 31), None, [], [])) for y in (2017, 2018)]
    built = build(sessions, [POLICIES], lambda p: None, findings=False)
    cells = [c for r in built.data["rows"] for c in r["cells"]]
    assert built.data["finding_texts"] == []
    assert all(c["findings"] == () for c in cells)
    assert len({id(c) for c in cells}) < len(cells) / 4
    full = build(sessions, [POLICIES], lambda p: None, findings=True)
    assert full.data["finding_texts"]
    refs = [i for r in full.data["rows"] for c in r["cells"] for i in c["findings"]]
    assert len(full.data["finding_texts"]) < len(refs) / 4
    assert sorted(set(refs)) == list(range(len(full.data["finding_texts"])))


def test_every_format_renders_an_empty_matrix(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n")
    for name in MATRIX_RENDERERS:
        code, out, err = _run(str(bad), "--as-of", "2017-12-31", "--format", name)
        assert code == 2, err
        assert "bad.yaml:" in err
        if name == "json":
            assert json.loads(out)["errors"][0]["code"] == "yaml-syntax"
    assert MATRIX_RENDERERS["table"]  # the registry is what --format offers
    assert Style().width == 80
