"""What the sources do not confirm reaches the report: on findings, determinations, authorities,
and where enforceability is unknown, why."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT
from sanctuary_check.cli import app
from sanctuary_check.render import Style
from sanctuary_check.render.table import render
from sanctuary_check.schemas import validator

BASE = FIXTURES / "policies" / "base-city.yaml"


def _report(*args: str) -> dict[str, Any]:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(
            app, ["evaluate", *args, "--format", "json", "--fail-scope", "any"]
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 1), result.output
    report: dict[str, Any] = json.loads(result.stdout)
    assert list(validator("report").iter_errors(report)) == []
    return report


def _finding(
    report: dict[str, Any], authority: str, provision: str, question: str = "sec-1373"
) -> dict[str, Any]:
    (policy,) = report["policies"]
    (f,) = [
        f
        for f in policy["findings"]
        if (f["authority"], f["provision"], f["question"]) == (authority, provision, question)
    ]
    return f


def test_a_clause_s_unconfirmed_facts_reach_its_findings(tmp_path: Path) -> None:
    data = yaml.safe_load(BASE.read_text())
    clause = data["provisions"]["status_sharing"]
    clause["unconfirmed"] = ["stance", "binds", "section"]
    for src in data["sources"]:
        if src["id"] == clause["source"]["instrument"]:
            src["unconfirmed"] = ["adopted"]
    path = tmp_path / "base-city.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    report = _report(str(path), "--rules", str(FIXTURES / "rules"), "--as-of", "2020-01-01")
    f = _finding(report, "tst-2000-table", "status_sharing")
    assert f["verdict"] == "conflict"
    # The section is marked on the citation, not twice.
    assert f["unconfirmed"] == ["instrument.adopted", "clause.stance", "clause.binds"]
    text = render(report, Style(width=200, color=False, unicode=True))
    assert "unconfirmed: instrument adopted, clause stance, clause binds" in text


def test_a_determination_s_unconfirmed_provisions_are_not_printed_as_fact() -> None:
    report = _report("policies/chicago.yaml", "--as-of", "2017-10-31")
    (policy,) = report["policies"]
    (det,) = [d for d in policy["determinations"] if d["authority"] == "doj-2017-10-11"]
    assert "provisions" in det["unconfirmed"] and det["confidence"]
    text = render(report, Style(width=100, color=False, unicode=True))
    assert "(which provisions it cites is unconfirmed)" in text
    assert "unconfirmed: " + ", ".join(det["unconfirmed"]) in text


def test_an_authority_s_unconfirmed_facts_are_on_the_authority() -> None:
    report = _report("policies/philadelphia.yaml", "--as-of", "2017-10-31")
    jag = next(a for a in report["authorities"] if a["id"] == "ojp-2017-07-25-jag")
    assert "effective_until" in jag["unconfirmed"]
    text = render(report, Style(width=400, color=False, unicode=True))
    assert "unconfirmed: " + ", ".join(jag["unconfirmed"]) in text


def test_unknown_enforceability_says_why_and_is_marked_in_the_grid() -> None:
    # The June 2018 final judgment's injunction is dated to the month only.
    report = _report("policies/philadelphia.yaml", "--as-of", "2018-06-15")
    f = _finding(report, "ojp-2017-07-25-jag", "release_notification", "jag-notice")
    assert f["enforceable_status"] == "unknown" and f["enforceable"] is True
    assert "2018-06" in f["enforceable_reason"] and "unknown" in f["enforceable_reason"]
    sure = _report("policies/philadelphia.yaml", "--as-of", "2017-10-31")
    assert _finding(sure, "usc-8-1373", "status_sharing")["enforceable_reason"] is None
    text = render(report, Style(width=100, color=False, unicode=True))
    assert "~ may not be" in text and "enforceable here? unknown" in text
