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


def test_the_cell_is_the_by_authority_verdict(matrix: dict[str, Any]) -> None:
    out = runner.invoke(app, ["evaluate", POLICIES, "--as-of", "2017-12-31", "--format", "json"])
    report = json.loads(out.stdout)
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


def test_sort_and_filter(matrix: dict[str, Any]) -> None:
    _, out, _ = _run(POLICIES, "--as-of", "2017-12-31", "--format", "json", "--sort", "conflicts")
    rows = json.loads(out)["rows"]
    assert [r["conflicts"] for r in rows] == sorted((r["conflicts"] for r in rows), reverse=True)
    _, out, _ = _run(POLICIES, "--as-of", "2017-12-31", "--format", "json", "--only", "compliant")
    kept = json.loads(out)["rows"]
    assert kept and len(kept) < 10
    assert all(any(c["verdict"] == "compliant" for c in r["cells"]) for r in kept)


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
    from sanctuary_check.render.matrix_html import _citations

    text = _citations(
        [
            {"instrument": "a", "section": None, "url": "javascript:alert(1)", "quality": "x"},
            {"instrument": "b", "section": None, "url": "https://example.org/<x>", "quality": "x"},
        ]
    )
    assert "href" in text and "javascript:alert(1)" in text  # shown as text...
    assert 'href="javascript' not in text  # ...never a link
    assert 'href="https://example.org/%3Cx%3E"' in text


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
