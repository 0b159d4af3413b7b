"""The policy corpus: the ten jurisdictions of the May 2016 Inspector General review.

These checks go beyond the schema: they hold every file in ``policies/`` to the corpus bars
(every clause cites an instrument and evidence with a URL and a quality tag, determinations sit
under an authority id of the pinned form and never before that authority's own date, inputs
known only from a determination name it, an unconfirmed date is never given to the day) and run
the whole directory through ``evaluate`` on dates from 2016 to 2025.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from sanctuary_check.cli import app
from sanctuary_check.inputs import load_policy
from sanctuary_check.loading import load_file

POLICIES = ROOT / "policies"
TEN = (
    "philadelphia",
    "chicago",
    "cook-county",
    "new-orleans",
    "new-york-city",
    "milwaukee-county",
    "miami-dade-county",
    "connecticut",
    "clark-county",
    "california",
)
FILES = sorted(POLICIES.glob("*.yaml"))
AUTHORITY_ID = re.compile(
    r"^(?P<issuer>[a-z0-9]+(?:-[a-z0-9]+)*?)-(?P<date>\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:-[a-z][a-z0-9-]*)?$"
)
OIG_MEMO = "doj-oig-2016-05-31"


def _data(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = load_file(path, path.name).data
    return data


def _clauses(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, entry in data["provisions"].items():
        for i, clause in enumerate(entry.get("clauses", [entry])):
            yield f"provisions.{key}[{i}]", clause


def _citations(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every place a fact is cited: clauses, states, practices, savings clauses, agencies."""
    for where, clause in _clauses(data):
        yield where, clause["source"]
        for j, st in enumerate(clause.get("states", [])):
            if "source" in st:
                yield f"{where}.states[{j}]", st["source"]
        if "practice" in clause:
            yield f"{where}.practice", clause["practice"]["source"]
    for i, sc in enumerate(data.get("savings_clauses", [])):
        yield f"savings_clauses[{i}]", sc["source"]
        for j, reading in enumerate(sc.get("readings", [])):
            if "source" in reading:
                yield f"savings_clauses[{i}].readings[{j}]", reading["source"]
    for i, agency in enumerate(data.get("agencies", [])):
        if "source" in agency:
            yield f"agencies[{i}]", agency["source"]


def test_the_ten_jurisdictions_are_all_here() -> None:
    assert {p.stem for p in FILES} >= set(TEN)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_policy_file_is_clean(path: Path) -> None:
    policy, problems = load_policy(path, f"policies/{path.name}")
    assert policy is not None
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_fact_cites_evidence_with_a_url_and_a_quality(path: Path) -> None:
    data = _data(path)
    sources = {s["id"]: s for s in data["sources"]}
    for where, ref in _citations(data):
        evidence = ref.get("evidence", [])
        assert evidence, f"{path.name}: {where} cites no evidence"
        for ident in evidence:
            src = sources[ident]
            assert src["kind"] == "evidence" and src["url"] and src["quality"], (where, ident)
    for where, clause in _clauses(data):
        assert sources[clause["source"]["instrument"]]["kind"] == "instrument", where
    for det in data.get("determinations", []):
        assert any(sources[s]["kind"] == "evidence" for s in det["sources"]), det["id"]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_determinations_sit_under_an_authority_never_before_its_date(path: Path) -> None:
    for det in _data(path).get("determinations", []):
        m = AUTHORITY_ID.match(det["authority"])
        assert m, f"{det['id']}: {det['authority']!r} is not <issuer>-<yyyy>[-<mm>[-<dd>]][-<slug>]"
        assert not m["issuer"].endswith("oig"), "the OIG memo is a source, not a determination"
        # Compare at the coarser of the two precisions.
        width = min(len(m["date"]), len(det["date"]))
        assert det["date"][:width] >= m["date"][:width], (det["id"], det["authority"])


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_inspector_general_memo_is_a_cited_source(path: Path) -> None:
    sources = {s["id"]: s for s in _data(path)["sources"]}
    assert sources.get(OIG_MEMO, {}).get("kind") == "instrument"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_readings_known_from_a_determination_are_that_authoritys(path: Path) -> None:
    data = _data(path)
    dets = {d["id"]: d for d in data.get("determinations", [])}
    for sc in data.get("savings_clauses", []):
        for reading in sc.get("readings", []):
            if "derived_from" in reading:
                det = dets[reading["derived_from"]]
                assert det["authority"] == reading["by"], (sc["id"], reading)
                assert det["date"] == reading["date"], (sc["id"], reading)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_an_unconfirmed_date_is_never_given_to_the_day(path: Path) -> None:
    data = _data(path)
    items: list[tuple[str, dict[str, Any], str]] = [
        (s["id"], s, key) for s in data["sources"] for key in ("adopted", "effective")
    ]
    items += [(d["id"], d, "date") for d in data.get("determinations", [])]
    for ident, item, key in items:
        value = item.get(key)
        if isinstance(value, str) and key in item.get("unconfirmed", []):
            assert len(value) < 10, f"{path.name}: {ident}.{key} {value} is unconfirmed"


@pytest.mark.parametrize(
    "as_of",
    [
        "2016-05-31",
        "2017-04-21",
        "2017-10-31",
        "2017-11-30",
        "2018-07-01",
        "2019-06-01",
        "2025-12-31",
    ],
)
def test_every_policy_evaluates_on_dates_from_2016_on(
    as_of: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["evaluate", "policies", "--as-of", as_of, "--format", "json"])
    assert result.exit_code in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert {os.path.basename(p["path"]) for p in report["policies"]} == {p.name for p in FILES}
