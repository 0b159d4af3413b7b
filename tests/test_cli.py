"""The command line through typer's CliRunner: outputs, formats and the pinned exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT
from sanctuary_check.cli import app, main
from sanctuary_check.schemas import validator

runner = CliRunner()
RULES = str(FIXTURES / "rules")
BASE = str(FIXTURES / "policies" / "base-city.yaml")
# The fixture authority alone, on a fixed date: the arguments most tests share.
ONLY_FIXTURE = ("--rules", RULES, "--authority", "tst-2000-table", "--as-of", "2020-01-01")


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_report_validates_and_keeps_the_pinned_keys() -> None:
    code, out, _ = invoke(
        "evaluate",
        BASE,
        *ONLY_FIXTURE,
        "--format",
        "json",
    )
    report = json.loads(out)
    assert list(validator("report").iter_errors(report)) == []
    assert report["report_version"] == 1
    assert report["as_of"] == "2020-01-01"
    policy = report["policies"][0]
    for key in (
        "path",
        "sha256",
        "jurisdiction",
        "verdicts",
        "by_authority",
        "binding",
        "provisions",
        "findings",
        "determinations",
    ):
        assert key in policy
    finding = policy["findings"][0]
    for key in (
        "rule",
        "authority",
        "question",
        "provision",
        "verdict",
        "basis",
        "status",
        "projection",
        "determination",
        "enforceable",
        "confidence",
        "derived_from",
        "message",
        "citations",
        "policy_location",
        "related_locations",
        "rule_location",
    ):
        assert key in finding
    assert "trace" not in finding
    assert code == 1  # tst-2000-table is a statute: its conflicts are in the law lens


def test_trace_appears_only_with_trace() -> None:
    _, out, _ = invoke(
        "evaluate",
        BASE,
        *ONLY_FIXTURE,
        "--format",
        "json",
        "--trace",
    )
    findings = json.loads(out)["policies"][0]["findings"]
    assert all("trace" in f for f in findings)
    assert any(step["location"] for f in findings for step in f["trace"])


@pytest.mark.parametrize(
    ("fail_on", "fail_scope", "expected"),
    [
        ("conflict", "law", 1),
        ("conflict", "enforcement", 0),  # no enforcement-lens authority is selected
        ("conflict", "any", 1),
        ("never", "any", 0),
        ("unknown", "law", 1),
    ],
)
def test_fail_on_and_fail_scope(fail_on: str, fail_scope: str, expected: int) -> None:
    code, _, _ = invoke(
        "evaluate",
        BASE,
        *ONLY_FIXTURE,
        "--fail-on",
        fail_on,
        "--fail-scope",
        fail_scope,
        "--format",
        "json",
    )
    assert code == expected


def test_nothing_reached_exits_zero(tmp_path: Path) -> None:
    policy = tmp_path / "quiet-town.yaml"
    policy.write_text(
        (FIXTURES / "policies" / "two-clauses.yaml")
        .read_text()
        .replace("id: two-clauses", "id: quiet-town")
        .replace("      - stance: prohibited\n", "      - stance: permitted\n")
    )
    code, _, err = invoke(
        "evaluate",
        str(policy),
        *ONLY_FIXTURE,
        "--format",
        "json",
    )
    assert code == 0, err


def test_bad_file_is_reported_and_good_files_still_evaluated(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nprovisions: [\n")
    code, out, err = invoke(
        "evaluate",
        BASE,
        str(bad),
        str(tmp_path / "missing.yaml"),
        *ONLY_FIXTURE,
        "--format",
        "json",
    )
    assert code == 2
    report = json.loads(out)
    assert [p["jurisdiction"]["id"] for p in report["policies"]] == ["base-city"]
    assert {e["code"] for e in report["errors"]} == {"yaml-syntax", "file-unreadable"}
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert len(lines) == 2
    assert any(line.startswith(f"{bad}:3:1: error: ") for line in lines)
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", BASE, "--as-of", "2020-13-01"],
        ["evaluate", BASE, "--as-of", "2020-01"],
        ["evaluate", BASE, "--authority", "no-such-authority"],
        ["evaluate", BASE, "--question", "sec-9999"],
        ["evaluate", BASE, "--format", "pdf"],
        ["evaluate", BASE, "--fail-on", "sometimes"],
        ["evaluate"],
        ["schema", "nope"],
    ],
)
def test_bad_usage_exits_two(args: list[str]) -> None:
    code, _, err = invoke(*args)
    assert code == 2
    assert "Traceback" not in err


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, out, _ = invoke(
        "evaluate",
        BASE,
        *ONLY_FIXTURE,
        "--format",
        f"json={target}",
        "--format",
        "table",
    )
    assert code == 1
    assert json.loads(target.read_text())["as_of"] == "2020-01-01"
    assert "City of Base" in out
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left behind


def test_unwritable_output_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "out.json"
    code, _, err = invoke(
        "evaluate", BASE, "--rules", RULES, "--as-of", "2020-01-01", "--format", f"json={target}"
    )
    assert code == 2 and "cannot write" in err
    assert not target.exists()


def test_table_fits_80_columns_has_legend_and_no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = invoke("evaluate", BASE, "--rules", RULES, "--as-of", "2020-01-01")
    assert code == 1
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    for word in ("conflict", "compliant", "unknown", "n/a", "projection"):
        assert word in out
    assert "City of Base (base-city)" in out and "as of 2020-01-01" in out
    assert out.strip().splitlines()[-1].startswith("Summary:") or "Summary:" in out


def test_many_authorities_become_glyph_columns_then_rows() -> None:
    from sanctuary_check.render import Style
    from sanctuary_check.render.table import render

    # A few authorities on one question, chosen here so the test does not move with the corpus.
    chosen = ("usc-8-1373", "usc-8-1644", "ojp-2016-07-07", "doj-2017-10-11", "tst-2000-table")
    picks = [arg for ident in chosen for arg in ("--authority", ident)]
    _, out, _ = invoke(
        "evaluate", BASE, "--rules", RULES, *picks, "--as-of", "2020-01-01", "--format", "json"
    )
    report = json.loads(out)
    in_force = [a["id"] for a in report["authorities"] if a["in_force_status"] != "no"]
    assert len(in_force) == len(chosen)
    # At 80 columns the authorities no longer fit as words: numbered glyph columns, with a key.
    text = render(report, Style(width=80))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    header = next(line for line in lines if line.startswith("provision"))
    assert header.split()[1:] == [str(i + 1) for i in range(len(in_force))]
    assert f"1 {in_force[0]}" in text
    # Very many authorities: they become rows.
    many = json.loads(json.dumps(report))
    policy = many["policies"][0]
    template = [f for f in policy["findings"] if f["authority"] == in_force[0]]
    for i in range(10):
        ident = f"tst-2000-clone-{i}"
        many["authorities"].append({**many["authorities"][0], "id": ident})
        policy["findings"].extend({**f, "authority": ident} for f in template)
    narrow = render(many, Style(width=80))
    header = next(line for line in narrow.splitlines() if line.startswith("provision"))
    assert header.split() == ["provision", "authority", "verdict"]
    assert max(len(line) for line in narrow.splitlines()) <= 80
    # Wide enough: words.
    wide = render(report, Style(width=200))
    header = next(line for line in wide.splitlines() if line.startswith("provision"))
    assert header.split()[1:] == in_force


def test_file_text_cannot_drive_the_terminal(tmp_path: Path) -> None:
    policy = tmp_path / "evil-town.yaml"
    policy.write_text(
        (FIXTURES / "policies" / "two-clauses.yaml")
        .read_text()
        .replace("id: two-clauses", "id: evil-town")
        .replace(
            "name: Town of Two Clauses",
            'name: "[bold red]Evil\\e[31m Town\\u0007 \\u202egnp.exe\\u2066x\\u200b"',
        )
    )
    _, out, _ = invoke("evaluate", str(policy), "--rules", RULES, "--as-of", "2020-01-01")
    assert "\x1b" not in out and "\x07" not in out
    assert not {"\u202e", "\u2066", "\u200b"} & set(out)
    assert "[bold red]Evil\\x1b[31m Town\\x07 \\u202egnp.exe\\u2066x\\u200b" in out


def test_main_turns_usage_errors_into_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", BASE, "--as-of", "nope"]) == 2
    assert main(["--version"]) == 0
    assert main(["evaluate", "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_default_as_of_is_today_and_reported() -> None:
    import datetime as dt

    _, out, _ = invoke("evaluate", BASE, "--rules", RULES, "--format", "json")
    assert json.loads(out)["as_of"] == dt.date.today().isoformat()


def test_policy_directory_is_walked(tmp_path: Path) -> None:
    code, out, _ = invoke(
        "evaluate",
        str(FIXTURES / "policies"),
        *ONLY_FIXTURE,
        "--format",
        "json",
    )
    report = json.loads(out)
    ids = [p["jurisdiction"]["id"] for p in report["policies"]]
    assert ids == sorted(ids) and "base-city" in ids
    assert code == 2  # unread-city.yaml is rejected; the others are still evaluated
    assert [e["code"] for e in report["errors"]] == ["not-read-in-full"]


def test_schema_command_prints_json() -> None:
    code, out, _ = invoke("schema", "report")
    assert code == 0 and json.loads(out)["title"].startswith("sanctuary-check JSON report")


def test_run_from_another_directory_uses_built_in_rules(tmp_path: Path) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code, out, _ = invoke(
            "evaluate",
            str(ROOT / "policies" / "philadelphia.yaml"),
            "--as-of",
            "2017-10-31",
            "--format",
            "json",
        )
    finally:
        os.chdir(cwd)
    report = json.loads(out)
    paths = {a["path"] for a in report["authorities"]}
    assert {"rules/usc-8-1373.yaml", "rules/doj-2017-10-11.yaml"} <= paths
    assert all(p.startswith("rules/") and p.endswith(".yaml") for p in paths)
    assert code == 1


def test_table_trace_shows_policy_lines() -> None:
    code, out, _ = invoke(
        "evaluate",
        BASE,
        *ONLY_FIXTURE,
        "--trace",
    )
    assert code == 1
    assert "trace:" in out and "Traces of the other rule findings" in out
    assert "base-city.yaml:" in out


def test_docs_policy_example_is_a_valid_policy(tmp_path: Path) -> None:
    import re

    text = (ROOT / "docs" / "policy-files.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    path = tmp_path / "example-city.yaml"
    path.write_text(block.group(1))
    code, out, err = invoke("evaluate", str(path), "--as-of", "2020-01-01", "--format", "json")
    assert code in (0, 1), err
    assert json.loads(out)["policies"][0]["jurisdiction"]["id"] == "example-city"


def test_an_authority_missing_because_its_file_is_broken_says_so(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (FIXTURES / "rules" / "tst-2000-table.yaml").read_text()
    (rules / "tst-2000-table.yaml").write_text(text.replace("citations:", "citation_list:", 1))
    code, out, err = invoke(
        "evaluate",
        str(FIXTURES / "policies" / "base-city.yaml"),
        "--rules",
        str(rules),
        "--authority",
        "tst-2000-table",
    )
    assert code == 2
    assert "unknown authority 'tst-2000-table' (a rule file has errors: " in out + err
    assert f"{rules / 'tst-2000-table.yaml'}:" in out + err
