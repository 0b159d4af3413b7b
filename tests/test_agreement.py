"""Agreement of the engine's verdicts with recorded determinations, counted and printed."""

from __future__ import annotations

import json
import os

from typer.testing import CliRunner

from conftest import ROOT
from sanctuary_check.cli import app


def _report(as_of: str) -> dict:  # type: ignore[type-arg]
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(
            app,
            ["evaluate", "policies", "--as-of", as_of, "--format", "json", "--fail-on", "never"],
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.stderr
    data: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return data


def test_counts_are_consistent_with_the_determinations() -> None:
    report = _report("2017-10-31")
    a = report["summary"]["agreement"]
    jur, prov = a["jurisdictions"], a["provisions"]
    assert jur["compared"] == jur["agree"] + jur["disagree"] + jur["undecided"]
    checks = [
        d
        for p in report["policies"]
        for d in p["determinations"]
        if d["compares_as"] is not None and d["engine_verdict"] is not None
    ]
    assert jur["compared"] + jur["in_sample"] == len(checks)
    assert jur["in_sample"] == sum(1 for d in checks if d["in_sample"])
    cited = sum(
        len(d["provisions"])
        for d in checks
        if d["compares_as"] == "conflict" and not d["in_sample"]
    )
    assert prov["cited"] == cited
    assert prov["cited_flagged"] <= prov["cited"] and prov["flagged_cited"] <= prov["flagged"]


def test_the_table_prints_agreement_for_a_corpus() -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(
            app,
            [
                "evaluate",
                "policies",
                "--as-of",
                "2017-10-31",
                "--format",
                "table",
                "--fail-on",
                "never",
            ],
        )
    finally:
        os.chdir(cwd)
    assert "Agreement with recorded determinations:" in result.stdout
    assert "in-sample" in result.stdout
