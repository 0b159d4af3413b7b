"""The legal corpus: every authority in ``rules/``, held to the corpus bars, and what it decides.

The bars go beyond the schema: every rule, scope entry and effect cites an instrument and the
evidence actually read (a URL and a quality tag), no citation names a source the file does not
define, and no date is more precise than its source (an id's date is never finer than the
authority's own date, an instrument backs that date, and a date marked unconfirmed is never given
to the day). Each check is a plain function that returns its findings, so it is also run on
broken copies to show it can fail.

Then the issue's outcomes, read from the engine's output with the basis of each cell: DOJ's 2017
review as DOJ recorded it, California's release dates under the Ninth Circuit, the E.D. Pa.
effects on Philadelphia, and the ten jurisdictions printed for dates from 2016 to today.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from sanctuary_check.cli import app
from sanctuary_check.loading import load_file
from sanctuary_check.render import Style
from sanctuary_check.render.table import render
from sanctuary_check.ruleset import load_rule_file, load_ruleset
from sanctuary_check.validation import DATE_KEYS

RULE_FILES = sorted((ROOT / "rules").glob("*.yaml"))
ID_DATE = re.compile(r"-(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:-[a-z][a-z0-9]*)*$")
runner = CliRunner()


def _data(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = load_file(path, path.name).data
    return data


# --- the bars, as functions that return what they find ------------------------------------------


def _cited(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every rule, scope entry and effect: each must carry citations."""
    for i, rule in enumerate(data.get("rules", [])):
        yield f"rules[{i}] {rule.get('id')}", rule
    for question, entries in data.get("outside_scope", {}).items():
        for i, entry in enumerate(entries):
            yield f"outside_scope.{question}[{i}] {entry.get('provision')}", entry
    for i, effect in enumerate(data.get("effects", [])):
        yield f"effects[{i}] {effect.get('id')}", effect


def citation_problems(data: dict[str, Any]) -> list[str]:
    """Rules, scope entries and effects without an instrument and evidence read (URL, quality)."""
    sources = {s["id"]: s for s in data.get("sources", [])}
    out = []
    for where, item in _cited(data):
        citations = item.get("citations") or []
        if not citations:
            out.append(f"{where}: no citation")
        for j, c in enumerate(citations):
            inst = sources.get(c.get("instrument"))
            if inst is None:
                out.append(f"{where}.citations[{j}]: undefined instrument {c.get('instrument')!r}")
            elif inst["kind"] != "instrument":
                out.append(f"{where}.citations[{j}]: {inst['id']!r} is not an instrument")
            if not c.get("evidence"):
                out.append(f"{where}.citations[{j}]: no evidence read")
            for ev in c.get("evidence") or []:
                src = sources.get(ev)
                if src is None:
                    out.append(f"{where}.citations[{j}]: undefined evidence {ev!r}")
                elif src["kind"] != "evidence" or not src.get("url") or not src.get("quality"):
                    out.append(
                        f"{where}.citations[{j}]: {ev!r} is not evidence with url and quality"
                    )
            if c.get("section") is None and "section" not in c.get("unconfirmed", []):
                out.append(f"{where}.citations[{j}]: no section and none marked unconfirmed")
    return out


def _dated(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "authority", data
    for s in data.get("sources", []):
        yield f"source {s['id']}", s
    for e in data.get("effects", []):
        yield f"effect {e['id']}", e
    scopes = data.get("scope")
    for i, s in enumerate(scopes if isinstance(scopes, list) else []):
        yield f"scope[{i}]", s


def date_problems(data: dict[str, Any]) -> list[str]:
    """Dates finer than their source: an unconfirmed day, an id finer than its date, an
    authority date no instrument backs."""
    out = []
    for where, item in _dated(data):
        for key in DATE_KEYS:
            value = item.get(key)
            if isinstance(value, str) and key in item.get("unconfirmed", []) and len(value) == 10:
                out.append(f"{where}.{key} {value} is unconfirmed but given to the day")
    m = ID_DATE.search(data["id"]) if not data["id"].startswith("usc-") else None
    adopted = data.get("adopted")
    if m and isinstance(adopted, str) and not adopted.startswith(m.group(1)):
        out.append(f"id date {m.group(1)} is not the authority's date {adopted} (or finer)")
    if isinstance(adopted, str) and adopted != "unknown":
        backing = [
            s.get("adopted")
            for s in data.get("sources", [])
            if s["kind"] == "instrument" and isinstance(s.get("adopted"), str)
        ]
        if backing and not any(b.startswith(adopted) for b in backing):
            out.append(f"adopted {adopted} is finer than, or not, any instrument's date {backing}")
    return out


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_each_rule_file_is_clean(path: Path) -> None:
    authority, problems = load_rule_file(path, f"rules/{path.name}")
    assert authority is not None
    assert [str(p) for p in problems] == []


def test_the_rule_set_is_clean_as_a_whole() -> None:
    rs = load_ruleset([])
    assert [str(p) for p in rs.problems] == []
    assert {a.id for a in rs.authorities} == {p.stem for p in RULE_FILES}


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_every_rule_scope_entry_and_effect_cites_what_was_read(path: Path) -> None:
    assert citation_problems(_data(path)) == []


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_no_date_is_more_precise_than_its_source(path: Path) -> None:
    assert date_problems(_data(path)) == []


def test_the_bars_catch_what_they_are_for() -> None:
    good = _data(ROOT / "rules" / "ndill-2018-07-27.yaml")
    assert citation_problems(good) == [] and date_problems(good) == []
    bad = copy.deepcopy(good)
    bad["effects"][0]["citations"] = []
    bad["effects"][1]["citations"][0]["evidence"] = ["s99-not-here"]
    bad["effects"][2]["citations"][0]["section"] = None
    bad["effects"][2]["citations"][0]["unconfirmed"] = []
    found = citation_problems(bad)
    assert any("effects[0]" in p and "no citation" in p for p in found)
    assert any("undefined evidence 's99-not-here'" in p for p in found)
    assert any("effects[2]" in p and "no section" in p for p in found)
    rules = copy.deepcopy(_data(ROOT / "rules" / "9th-cir-2019-04-18.yaml"))
    rules["outside_scope"]["sec-1373"][0]["citations"][0]["instrument"] = "no-such-opinion"
    assert any("undefined instrument" in p for p in citation_problems(rules))
    dated = copy.deepcopy(_data(ROOT / "rules" / "edcal-2018-07.yaml"))
    dated["adopted"] = "2018-07-04"  # the day the sources disagree on, and marked unconfirmed
    dated["sources"][0]["adopted"] = "2018-07-05"
    found = date_problems(dated)
    assert any("authority.adopted 2018-07-04 is unconfirmed" in p for p in found)
    assert any("source order-pi-2018-07.adopted" in p for p in found)
    assert any("not, any instrument's date" in p for p in found)
    finer_id = copy.deepcopy(_data(ROOT / "rules" / "doj-2017-08.yaml"))
    finer_id["id"] = "doj-2017-08-04"
    assert any("id date 2017-08-04" in p for p in date_problems(finer_id))


def test_validate_rejects_an_effect_citing_an_undefined_source(tmp_path: Path) -> None:
    text = (ROOT / "rules" / "sdny-2018-11-30.yaml").read_text()
    broken = tmp_path / "sdny-2018-11-30.yaml"
    broken.write_text(text.replace("evidence: [s83, ecases-2021-03-19, s60]", "evidence: [s84]"))
    authority, problems = load_rule_file(broken, str(broken))
    assert authority is None
    assert any(p.code == "undefined-source" and "effects[0]" in p.message for p in problems)


# --- the engine's output --------------------------------------------------------------------------


def _evaluate(target: str, as_of: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["evaluate", target, "--as-of", as_of, "--format", "json"])
    assert result.exit_code in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _policy(report: dict[str, Any], ident: str) -> dict[str, Any]:
    (p,) = [p for p in report["policies"] if p["jurisdiction"]["id"] == ident]
    return p


DOJ = "doj-2017-10-11"
DOJ_2017 = {
    "2017-10-31": {
        "chicago": "conflict",
        "cook-county": "conflict",
        "new-orleans": "conflict",
        "new-york-city": "conflict",
        "philadelphia": "conflict",
        "milwaukee-county": "compliant",
        "connecticut": "compliant",
        "clark-county": "compliant",
        "miami-dade-county": "compliant",
    },
    "2017-11-30": {"new-orleans": "compliant"},
}


@pytest.mark.parametrize("as_of", sorted(DOJ_2017))
def test_dojs_2017_review_comes_out_as_doj_recorded_it(
    as_of: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _evaluate("policies", as_of, monkeypatch)
    (authority,) = [a for a in report["authorities"] if a["id"] == DOJ]
    assert authority["standard"] == "no_evidence"
    for ident, expected in DOJ_2017[as_of].items():
        policy = _policy(report, ident)
        assert policy["by_authority"][DOJ] == expected, ident
        mine = [f for f in policy["findings"] if f["authority"] == DOJ]
        conflicts = [f for f in mine if f["verdict"] == "conflict"]
        # The basis of the cell: which findings carry it, and why.
        if expected == "conflict":
            assert conflicts, ident
            assert all(f["basis"] == "rule" and f["rule"].startswith(f"{DOJ}/") for f in conflicts)
        else:
            assert not conflicts, (ident, [f["provision"] for f in conflicts])
            unknown = [f["provision"] for f in mine if f["verdict"] == "unknown"]
            assert policy["by_authority_unknown"][DOJ] == unknown, ident
        # Inputs known only from a determination are named, and agreement on them is in-sample.
        derived = {d for f in mine for d in f["derived_from"]}
        for det in policy["determinations"]:
            if det["authority"] == DOJ:
                assert det["in_sample"] is (det["id"] in derived), (ident, det["id"])
    report_by_id = {p["jurisdiction"]["id"]: p for p in report["policies"]}
    milwaukee = [f for f in report_by_id["milwaukee-county"]["findings"] if f["authority"] == DOJ]
    assert any(f["derived_from"] for f in milwaukee)
    if as_of == "2017-11-30":
        nola = report_by_id["new-orleans"]
        (det,) = [d for d in nola["determinations"] if d["authority"] == DOJ]
        assert det["outcome"] == "no_evidence_of_noncompliance" and det["agrees"] is True
        assert det["in_sample"] is True


def _law(policy: dict[str, Any], provision: str) -> dict[str, Any]:
    entry: dict[str, Any] = policy["provisions"][provision]["sec-1373"]["law"]
    return entry


def _finding(policy: dict[str, Any], authority: str, provision: str) -> dict[str, Any]:
    (f,) = [
        x
        for x in policy["findings"]
        if x["authority"] == authority
        and x["provision"] == provision
        and x["question"] == "sec-1373"
    ]
    return f


def test_californias_release_dates_are_outside_1373_once_the_ninth_circuit_ruled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _policy(_evaluate("policies/california.yaml", "2018-03-01", monkeypatch), "california")
    assert _law(before, "release_notification")["verdict"] == "unknown"  # the text's open question
    after = _policy(_evaluate("policies/california.yaml", "2019-06-01", monkeypatch), "california")
    for provision in ("release_notification", "personal_information_sharing"):
        law = _law(after, provision)
        assert law["verdict"] == "not_applicable", provision
        assert law["authority"].startswith("9th-cir-"), law
        f = _finding(after, "9th-cir-2019-04-18", provision)
        assert (f["verdict"], f["basis"]) == ("not_applicable", "outside_scope")
        assert f["citations"][0]["section"] == "921 F.3d at 891"
        assert f["citations"][0]["quality"] == "gov"
    assert after["binding"]["9th-cir-2019-04-18"] is True
    # The same reading reaches a jurisdiction of another circuit only as a reading, not as law.
    chicago = _policy(_evaluate("policies/chicago.yaml", "2019-06-01", monkeypatch), "chicago")
    assert chicago["binding"]["9th-cir-2019-04-18"] is False
    assert not _law(chicago, "release_notification")["authority"].startswith("9th-cir-")


def _effects(policy: dict[str, Any]) -> dict[str, set[tuple[str, str, str]]]:
    """effect key -> {(authority reached, in_force, confidence)}."""
    out: dict[str, set[tuple[str, str, str]]] = {}
    for f in policy["findings"]:
        for e in f["effects"]:
            key = f"{e['authority']}/{e['effect']}"
            out.setdefault(key, set()).add((f["authority"], e["in_force"], e["confidence"]))
    return out


def test_the_edpa_effects_on_philadelphia_show_with_their_confidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dec = _effects(_policy(_evaluate("policies", "2017-12-01", monkeypatch), "philadelphia"))
    # The injunctions reached the grant conditions, not DOJ's letter: a finding of the letter
    # carries no E.D. Pa. effect.
    assert not any(auth == DOJ for hits in dec.values() for auth, _, _ in hits)
    assert dec["edpa-2017-11-15/fy2017-jag-certification-injunction"] == {
        ("ojp-2017-07-25-jag", "yes", "medium")
    }
    report = _evaluate("policies", "2018-07-01", monkeypatch)
    july = _effects(_policy(report, "philadelphia"))
    assert july["edpa-2018-06-06/1373-unconstitutional"] == {("usc-8-1373", "yes", "medium")}
    assert not any(auth == DOJ for hits in july.values() for auth, _, _ in hits)
    assert july["edpa-2018-06-06/conditions-permanent-injunction"] == {
        ("ojp-2017-07-25-jag", "yes", "low")
    }
    # A district judgment reaches its party alone.
    for other in report["policies"]:
        if other["jurisdiction"]["id"] != "philadelphia":
            assert not any(k.startswith("edpa-") for k in _effects(other)), other["path"]


TEN = (
    "City of Philadelphia",
    "City of Chicago",
    "Cook County",
    "New Orleans",
    "New York",
    "Milwaukee County",
    "Miami-Dade County",
    "Connecticut",
    "Clark County",
    "California",
)


@pytest.mark.parametrize(
    "as_of",
    [
        "2016-01-01",
        "2017-07-25",
        "2017-10-31",
        "2018-06-15",  # inside the month of the E.D. Pa. final judgment
        "2018-07-15",  # inside the month of the E.D. Cal. ruling
        "2019-06-01",
        "2020-06-01",
        "2021-06-01",  # inside the year the grant conditions ended
        "2023-01-01",
        dt.date.today().isoformat(),
    ],
)
def test_the_ten_print_against_the_authorities_in_force_on_any_date(
    as_of: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _evaluate("policies", as_of, monkeypatch)
    assert len(report["policies"]) == 10
    text = render(report, Style(width=80, color=False, unicode=True))
    assert max(len(line) for line in text.splitlines()) <= 80
    for name in TEN:
        assert name in text, name
    in_force = {a["id"] for a in report["authorities"] if a["in_force_status"] != "no"}
    assert "usc-8-1373" in in_force and "usc-8-1644" in in_force
    table = runner.invoke(app, ["evaluate", "policies", "--as-of", as_of])
    assert table.exit_code in (0, 1), table.stderr
    assert max(len(line) for line in table.stdout.splitlines()) <= 80
