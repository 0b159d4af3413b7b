"""Philadelphia as of 2017-10-31: what the walking-skeleton issue promises a first-time user.

These assertions read the engine's output for the real policy file; the expected line numbers
are found in the file itself, so an edit to the file moves them together.
"""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from sanctuary_check.cli import app
from sanctuary_check.render import Style
from sanctuary_check.render.table import render

POLICY = ROOT / "policies" / "philadelphia.yaml"
SNAPSHOT = ROOT / "tests" / "snapshots" / "philadelphia-2017-10-31.txt"


@pytest.fixture(scope="module")
def report() -> dict:  # type: ignore[type-arg]
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(
            app,
            [
                "evaluate",
                "policies/philadelphia.yaml",
                "--as-of",
                "2017-10-31",
                "--format",
                "json",
                "--fail-scope",
                "any",
            ],
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1, result.stderr
    data: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return data


def _finding(report: dict, authority: str, provision: str) -> dict:  # type: ignore[type-arg]
    (policy,) = report["policies"]
    (f,) = [
        x for x in policy["findings"] if x["authority"] == authority and x["provision"] == provision
    ]
    return f  # type: ignore[no-any-return]


def _clause_line(key: str, source_id: str) -> int:
    """The line of the 'stance:' of the clause under a provision key that cites ``source_id``.

    A provision may hold dated clauses from several instruments (the detainer orders of 2014-2016);
    the one in force on the as-of date is found by its instrument, not by its position.
    """
    lines = POLICY.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    stance = None
    for i in range(start + 1, len(lines)):
        if "stance:" in lines[i]:
            stance = i + 1
        if f"instrument: {source_id}" in lines[i] and stance is not None:
            return stance
    raise AssertionError((key, source_id))


@pytest.mark.parametrize(
    ("provision", "instrument", "source_id", "verdict"),
    [
        ("release_notification", "Executive Order 5-16", "eo-5-16", "conflict"),
        # DOJ's stated pattern: not sending victims' status violates 1373 (no savings route).
        (
            "victim_witness_status_sharing",
            "Police Commissioner Memorandum 01-06",
            "memo-01-06",
            "conflict",
        ),
    ],
)
def test_doj_letter_findings_are_recorded_cited_and_located(
    report: dict,  # type: ignore[type-arg]
    provision: str,
    instrument: str,
    source_id: str,
    verdict: str,
) -> None:
    f = _finding(report, "doj-2017-10-11", provision)
    assert f["verdict"] == verdict
    assert f["basis"] == "rule"
    assert f["projection"] is False
    assert f["determination"] == "doj-2017-10-11-letter"
    assert f["citations"] and all(c["url"] and c["quality"] for c in f["citations"])
    assert f["policy_location"]["path"] == "policies/philadelphia.yaml"
    assert f["policy_location"]["line"] == _clause_line(provision, source_id)
    assert f["policy_citations"][0]["instrument"].startswith(instrument)
    assert f["rule_location"]["path"] == "rules/doj-2017-10-11.yaml"


def test_statute_status_inquiry_is_not_applicable_outside_scope(report: dict) -> None:  # type: ignore[type-arg]
    f = _finding(report, "usc-8-1373", "status_inquiry")
    assert f["verdict"] == "not_applicable"
    assert f["basis"] == "outside_scope"
    assert f["citations"] and f["citations"][0]["quality"] == "law"
    assert f["rule_location"]["path"] == "rules/usc-8-1373.yaml"


def test_findings_the_letter_is_not_known_to_cite_are_projections(report: dict) -> None:  # type: ignore[type-arg]
    (policy,) = report["policies"]
    for f in policy["findings"]:
        if f["authority"] == "doj-2017-10-11" and f["provision"] not in (
            "release_notification",
            "victim_witness_status_sharing",
        ):
            assert f["projection"] is True and f["determination"] is None, f["provision"]
        if f["authority"] == "usc-8-1373":
            assert f["projection"] is True


def test_recorded_determination_is_shown_beside_with_agreement(report: dict) -> None:  # type: ignore[type-arg]
    (policy,) = report["policies"]
    (det,) = [d for d in policy["determinations"] if d["authority"] == "doj-2017-10-11"]
    assert det["outcome"] == "preliminary_noncompliance"
    assert det["engine_verdict"] == "conflict"
    assert det["agrees"] is True
    # The letter cites release notification and victims' status; the engine flags both.
    assert det["differences"] == []
    # Three of the five passages are unidentified: provisions they may cover stay unresolved.
    assert "status_sharing" in det["unresolved"]
    assert policy["by_authority"]["usc-8-1373"] == "conflict"
    assert policy["by_authority"]["doj-2017-10-11"] == "conflict"


def test_evidence_quality_and_confidence_reach_the_report(report: dict) -> None:  # type: ignore[type-arg]
    f = _finding(report, "usc-8-1373", "status_sharing")
    assert f["confidence"] == "low"  # the clause's own confidence
    spun = _finding(report, "usc-8-1373", "status_recording")
    assert spun["verdict"] == "unknown" and spun["spun_only"] is True


def test_table_snapshot_at_80_columns_without_colour(report: dict) -> None:  # type: ignore[type-arg]
    text = render(report, Style(width=80, color=False, unicode=True))
    assert max(len(line) for line in text.splitlines()) <= 80
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text(), "run with UPDATE_SNAPSHOTS=1 after a deliberate change"


def test_readme_example_matches_the_real_output(report: dict) -> None:  # type: ignore[type-arg]
    readme = (ROOT / "README.md").read_text()
    text = render(report, Style(width=80, color=False, unicode=True))
    # Every line of the README's example block is a line of the real report.
    block = readme.split("<!-- example:philadelphia-2017-10-31 -->")[1].split("```")[1]
    lines = [line.rstrip() for line in text.splitlines()]
    for line in block.strip("\n").splitlines()[1:]:
        if line.startswith("$ ") or line.strip() == "...":
            continue
        assert line.rstrip() in lines, line


def test_sources_guide_example_is_the_real_output(report: dict) -> None:  # type: ignore[type-arg]
    text = render(report, Style(width=80, color=False, unicode=True))
    lines = [line.rstrip() for line in text.splitlines()]
    block = (ROOT / "docs" / "sources.md").read_text().split("```text")[1].split("```")[0]
    for line in block.strip("\n").splitlines():
        assert line.rstrip() in lines, line
