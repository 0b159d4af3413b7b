"""evaluate in SARIF, JUnit, GitHub and Markdown: one report data, every format agreeing on it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT, sarif_validator
from sanctuary_check.cli import app
from sanctuary_check.render import RENDERERS, Style
from sanctuary_check.render.junit import xml_text
from sanctuary_check.render.markdown import md

runner = CliRunner()
PHILADELPHIA = str(ROOT / "policies" / "philadelphia.yaml")
FORMATS = ("json", "sarif", "junit", "github", "markdown")


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _all_formats(tmp_path: Path, *args: str) -> tuple[int, dict[str, str]]:
    paths = {name: tmp_path / f"report.{name}" for name in FORMATS}
    fmt = [a for name, p in paths.items() for a in ("--format", f"{name}={p}")]
    code, _, _ = invoke("evaluate", *args, *fmt)
    return code, {name: p.read_text() for name, p in paths.items()}


def _waivers(tmp_path: Path) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(
        "waivers:\n"
        "  - rule: doj-2017-10-11/release-notification\n"
        "    policy: philadelphia\n"
        "    provision: release_notification\n"
        "    reason: Disputed by the City.\n"
        "    owner: law-department@example.org\n"
        '    expires: "2999-12-31"\n'
    )
    return path


@pytest.fixture
def philadelphia(tmp_path: Path) -> tuple[int, dict[str, str], dict[str, Any]]:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: broken\nprovisions: [\n")
    code, out = _all_formats(
        tmp_path,
        PHILADELPHIA,
        str(bad),
        "--as-of",
        "2017-10-31",
        "--waivers",
        str(_waivers(tmp_path)),
    )
    return code, out, json.loads(out["json"])


def test_sarif_is_valid_sarif_2_1_0(philadelphia: tuple[int, dict[str, str], Any]) -> None:
    code, out, report = philadelphia
    assert code == 2  # broken.yaml could not be evaluated; Philadelphia still was
    log = json.loads(out["sarif"])
    errors = list(sarif_validator().iter_errors(log))
    assert errors == [], [e.message for e in errors[:3]]
    run = log["runs"][0]
    findings = report["policies"][0]["findings"]
    reported = [f for f in findings if f["verdict"] in ("conflict", "unknown")]
    assert len(run["results"]) == len(reported)
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    for result, f in zip(run["results"], reported, strict=True):
        assert result["ruleId"] == (f["rule"] or f"{f['authority']}/reading-not-encoded")
        assert result["kind"] == ("fail" if f["verdict"] == "conflict" else "open")
        loc = result["locations"][0]
        if f["policy_location"]:
            assert loc["physicalLocation"]["region"]["startLine"] == f["policy_location"]["line"]
        assert loc["logicalLocations"][0]["name"] == f["provision"]
        assert result["relatedLocations"][0]["message"]["text"].startswith("rule ")
        assert result["properties"]["projection"] == f["projection"]
    # Rule metadata with a help URI from the citations, logical rule paths.
    rule = rules["doj-2017-10-11/release-notification"]
    assert rule["helpUri"].startswith("http")
    assert "Cites:" in rule["help"]["text"]
    related = run["results"][0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]
    assert related["uri"].startswith("rules/") and related["uriBaseId"] == "%SRCROOT%"
    # The waived conflict carries an accepted suppression; the broken file is a notification.
    waived = [r for r in run["results"] if "suppressions" in r]
    assert [r["ruleId"] for r in waived] == ["doj-2017-10-11/release-notification"]
    assert waived[0]["suppressions"][0]["status"] == "accepted"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["yaml-syntax"]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_validator_rejects_a_broken_log() -> None:
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"x": 1}]}]}
    assert list(sarif_validator().iter_errors(broken))


def test_junit_one_case_per_finding(philadelphia: tuple[int, dict[str, str], Any]) -> None:
    _, out, report = philadelphia
    xml = JUnitXml.fromstring(out["junit"])
    suites = list(xml)
    findings = report["policies"][0]["findings"]
    cases = list(suites[0])
    assert len(cases) == len(findings)
    verdicts = [f["verdict"] for f in findings]
    waived = [f for f in findings if "waived" in f]
    failures = [c for c in cases if c.result and isinstance(c.result[0], Failure)]
    skipped = [c for c in cases if c.result and isinstance(c.result[0], Skipped)]
    passed = [c for c in cases if c.is_passed]
    assert len(failures) == verdicts.count("conflict") - len(waived)
    assert len(skipped) == (
        verdicts.count("unknown") + verdicts.count("not_applicable") + len(waived)
    )
    assert len(passed) == verdicts.count("compliant")
    for case in skipped:
        assert case.result[0].message  # skipped with a message, never silently
    assert suites[0].tests == len(findings)
    assert suites[0].failures == len(failures)
    assert suites[0].skipped == len(skipped)
    # The file that could not be evaluated is an error case of its own.
    assert [type(c.result[0]) for c in suites[1]] == [Error]


def test_github_annotations(philadelphia: tuple[int, dict[str, str], Any]) -> None:
    _, out, report = philadelphia
    lines = out["github"].splitlines()
    findings = report["policies"][0]["findings"]
    errors = [line for line in lines if line.startswith("::error ")]
    conflicts = [f for f in findings if f["verdict"] == "conflict" and "waived" not in f]
    assert len(errors) == len(conflicts) + 1  # and the broken file
    notices = [line for line in lines if line.startswith("::notice ")]
    unknowns = [f for f in findings if f["verdict"] == "unknown"]
    assert len(notices) == len(unknowns) + 1  # and the waived conflict
    pattern = r"^::(error|notice) file=[^,:]+,line=\d+,col=\d+,title=[^:]*::[^\n]+$"
    assert all(re.match(pattern, line) for line in errors + notices)
    assert lines[-1].startswith("sanctuary-check: 1 policies as of 2017-10-31")


def test_markdown_lists_every_finding(philadelphia: tuple[int, dict[str, str], Any]) -> None:
    _, out, report = philadelphia
    text = out["markdown"]
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(report["policies"][0]["findings"]) + 1 + 2  # header, errors table
    assert "(waived)" in text and "Inputs that could not be evaluated" in text


def _hostile_rules(tmp_path: Path) -> Path:
    text = (FIXTURES / "rules" / "tst-2000-table.yaml").read_text()
    hostile = '"[x](https://evil.example) <script>|*b*\\x01\\x1b[31m\\x0b]]> & %0A, :: done"'
    text = text.replace(
        "message: Restricting sharing is forbidden unless a judicial warrant is the only "
        "condition.",
        f"message: {hostile}",
    )
    path = tmp_path / "tst-2000-table.yaml"
    path.write_text(text)
    return path


def test_file_text_is_made_safe_in_every_format(tmp_path: Path) -> None:
    rules = _hostile_rules(tmp_path)
    base = str(FIXTURES / "policies" / "base-city.yaml")
    code, out = _all_formats(tmp_path, base, "--rules", str(rules), "--authority", "tst-2000-table")
    assert code == 1
    assert "<script>" in json.loads(out["json"])["policies"][0]["findings"][3]["message"]
    # XML: parses, and the characters XML cannot hold are gone.
    xml = JUnitXml.fromstring(out["junit"])
    assert xml.failures == 4
    assert "\x01" not in out["junit"] and "\x1b" not in out["junit"]
    assert "&lt;script&gt;" in out["junit"]
    # GitHub: one command per line; the message's own %, newlines and :: cannot end it early.
    line = next(x for x in out["github"].splitlines() if "evil.example" in x)
    assert line.startswith("::error file=") and "%250A" in line
    # Markdown: no live link, HTML or table break.
    assert "<script>" not in out["markdown"]
    assert not re.search(r"(?<!\\)\]\(https", out["markdown"])
    assert r"\<script\>\|\*b\*" in out["markdown"]
    # SARIF stays valid.
    assert list(sarif_validator().iter_errors(json.loads(out["sarif"]))) == []


def test_helpers() -> None:
    assert xml_text("a\x00b\x1bc\ud800d\ufffee\U0001f600") == "abc" + "d" + "e\U0001f600"
    assert md("a|b\n*c*") == r"a\|b \*c\*"


def test_every_format_renders_an_empty_run() -> None:
    _, out, _ = invoke(
        "evaluate", str(FIXTURES / "nothing-*.yaml"), "--as-of", "2020-01-01", "--format", "json"
    )
    report = json.loads(out)
    for name, renderer in RENDERERS.items():
        assert renderer(report, Style()), name


def test_policy_warnings_reach_the_ci_formats(tmp_path: Path) -> None:
    policy = FIXTURES / "validate" / "policies" / "date-too-precise.yaml"
    code, out = _all_formats(tmp_path, str(policy), "--as-of", "2020-01-01")
    assert code in (0, 1)
    assert re.search(
        r"^::warning file=[^,]*date-too-precise\.yaml,line=19,col=26,", out["github"], re.M
    )
    notes = json.loads(out["sarif"])["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["date-too-precise"]
    assert "date\\-too\\-precise" in out["markdown"] or "date-too-precise" in out["markdown"]


def test_evaluate_defaults_to_github_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = invoke("evaluate", PHILADELPHIA, "--as-of", "2017-10-31")
    assert out.splitlines()[0].startswith("::")
    assert out.splitlines()[-1].startswith("sanctuary-check: 1 policies")
