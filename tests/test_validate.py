"""``validate``: a fixture directory with one file per kind of problem, in every format at once."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from junitparser import Failure, JUnitXml, Skipped
from typer.testing import CliRunner

from conftest import ROOT, sarif_validator
from sanctuary_check.cli import app
from sanctuary_check.codes import CODES, severity
from sanctuary_check.schemas import validator

runner = CliRunner()
FIXTURE = "tests/fixtures/validate"

# (path under the fixture directory, line, column, severity, code): exactly what must be found.
EXPECTED = [
    ("more.waivers.yaml", 3, 5, "error", "duplicate-waiver"),
    ("notes.yaml", 1, 1, "warning", "unknown-file-kind"),
    ("policies/bad-date.yaml", 7, 64, "error", "bad-date"),
    ("policies/binary-file.yaml", 1, 1, "error", "binary-file"),
    ("policies/date-too-precise.yaml", 19, 26, "warning", "date-too-precise"),
    ("policies/duplicate-id.yaml", 11, 10, "error", "duplicate-id"),
    ("policies/empty-file.yaml", 1, 1, "error", "empty-file"),
    ("policies/encoding.yaml", 3, 16, "error", "encoding"),
    (
        "policies/exceptions-without-restriction.yaml",
        14,
        17,
        "error",
        "exceptions-without-restriction",
    ),
    ("policies/id-mismatch.yaml", 2, 5, "error", "id-mismatch"),
    ("policies/not-a-mapping.yaml", 1, 1, "error", "not-a-mapping"),
    ("policies/not-read-in-full.yaml", 14, 26, "error", "not-read-in-full"),
    ("policies/schema-enum.yaml", 13, 13, "error", "schema-enum"),
    ("policies/schema-pattern.yaml", 5, 8, "error", "schema-pattern"),
    ("policies/schema-required.yaml", 2, 1, "error", "schema-required"),
    ("policies/schema-size.yaml", 19, 27, "error", "schema-size"),
    ("policies/schema-type.yaml", 10, 50, "error", "schema-type"),
    ("policies/schema-unknown-key.yaml", 12, 3, "error", "schema-unknown-key"),
    ("policies/section-unconfirmed.yaml", 16, 13, "error", "section-unconfirmed"),
    ("policies/undefined-agency.yaml", 15, 13, "error", "undefined-agency"),
    ("policies/undefined-determination.yaml", 18, 19, "error", "undefined-determination"),
    ("policies/undefined-source.yaml", 16, 58, "error", "undefined-source"),
    ("policies/unknown-authority.yaml", 19, 28, "warning", "unknown-authority"),
    ("policies/west/dup-town.yaml", 2, 5, "error", "duplicate-policy"),
    ("policies/window-order.yaml", 19, 57, "error", "window-order"),
    ("policies/wrong-source-kind.yaml", 16, 26, "error", "wrong-source-kind"),
    ("policies/yaml-alias.yaml", 11, 5, "error", "yaml-alias"),  # at the alias, not the anchor
    ("policies/yaml-duplicate-key.yaml", 5, 1, "error", "yaml-duplicate-key"),
    ("policies/yaml-multiple-documents.yaml", 20, 1, "error", "yaml-multiple-documents"),
    ("policies/yaml-syntax.yaml", 13, 11, "error", "yaml-syntax"),
    ("policies/yaml-tag.yaml", 3, 7, "error", "yaml-tag"),
    ("rules/doj-2001-scoped.yaml", 32, 16, "error", "scope-and-rule"),
    ("rules/doj-2001-twice.yaml", 32, 16, "error", "duplicate-rule"),
    ("rules/doj-2001-undeclared.yaml", 31, 15, "error", "undeclared-question"),
    ("rules/second/doj-2001-good.yaml", 2, 5, "error", "duplicate-authority"),
    ("rules/tst-2001-issuer.yaml", 5, 9, "warning", "unknown-issuer"),
    ("rules/usc-8-1373.yaml", 2, 5, "error", "duplicate-authority"),
    ("waivers.yaml", 10, 5, "warning", "waiver-orphaned"),
    ("waivers.yaml", 16, 5, "warning", "waiver-expired"),
]
GOOD = ["policies/good-town.yaml", "rules/doj-2001-good.yaml", "policies/east/dup-town.yaml"]
Found = set[tuple[str, int, int, str, str]]


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _short(path: str) -> str:
    return path.removeprefix(FIXTURE + "/")


def _from_table(text: str) -> Found:
    out: Found = set()
    for line in text.splitlines():
        m = re.match(r"^(.+?):(\d+):(\d+): (error|warning): .* \[([a-z-]+)\]$", line)
        if m:
            out.add((_short(m[1]), int(m[2]), int(m[3]), m[4], m[5]))
    return out


def _from_json(text: str) -> Found:
    report = json.loads(text)
    assert list(validator("validation").iter_errors(report)) == []
    return {
        (_short(p["path"]), p["line"], p["column"], p["severity"], p["code"])
        for p in report["problems"]
    }


def _from_sarif(text: str) -> Found:
    log = json.loads(text)
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert errors == [], errors[0].message if errors else ""
    out: Found = set()
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for r in run["results"]:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        out.add(
            (
                _short(unquote(loc["artifactLocation"]["uri"])),
                loc["region"]["startLine"],
                loc["region"]["startColumn"],
                r["level"],
                r["ruleId"],
            )
        )
    return out


def _from_junit(path: Path) -> Found:
    out: Found = set()
    for suite in JUnitXml.fromfile(str(path)):
        for case in suite:
            m = re.match(r"^(.+?):(\d+):(\d+) \[([a-z-]+)\]$", case.name)
            if m is None:
                assert case.is_passed, case.name
                continue
            result = case.result[0]
            severity = "error" if isinstance(result, Failure) else "warning"
            assert isinstance(result, Failure | Skipped)
            out.add((_short(m[1]), int(m[2]), int(m[3]), severity, m[4]))
    return out


def _unescape_github(value: str) -> str:
    for code, char in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        value = value.replace(code, char)
    return value


def _from_github(text: str) -> Found:
    out: Found = set()
    for line in text.splitlines():
        m = re.match(r"^::(error|warning) file=([^,]*),line=(\d+),col=(\d+),title=([^:]*)::", line)
        if m:
            code = _unescape_github(m[5]).removeprefix("sanctuary-check ")
            out.add((_short(_unescape_github(m[2])), int(m[3]), int(m[4]), m[1], code))
    return out


def _from_markdown(text: str) -> Found:
    out: Found = set()
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) != 4 or cells[0] in ("where", "---"):
            continue
        where, severity, code = (re.sub(r"\\(.)", r"\1", c) for c in cells[:3])
        path, line_no, column = where.rsplit(":", 2)
        out.add((_short(path), int(line_no), int(column), severity, code))
    return out


def test_one_run_every_format_exactly_the_expected_problems(in_repo: Path, tmp_path: Path) -> None:
    files = {name: tmp_path / f"out.{name}" for name in ("json", "sarif", "junit", "github")}
    files["markdown"] = tmp_path / "out.md"
    args = [arg for name, path in files.items() for arg in ("--format", f"{name}={path}")]
    code, out, err = invoke("validate", FIXTURE, *args, "--format", "table")
    assert code == 1
    assert "Traceback" not in err
    expected = set(EXPECTED)
    assert len(expected) == len(EXPECTED)
    assert _from_table(out) == expected
    assert _from_json(files["json"].read_text()) == expected
    assert _from_sarif(files["sarif"].read_text()) == expected
    assert _from_junit(files["junit"]) == expected
    assert _from_github(files["github"].read_text()) == expected
    assert _from_markdown(files["markdown"].read_text()) == expected
    # Good files in the same run were checked, and found clean.
    report = json.loads(files["json"].read_text())
    checked = {_short(f["path"]): f for f in report["files"]}
    for good in GOOD:
        assert checked[good]["errors"] == checked[good]["warnings"] == 0, good
    assert checked["policies/good-town.yaml"]["kind"] == "policy"
    assert checked["rules/doj-2001-good.yaml"]["kind"] == "rules"
    assert checked["waivers.yaml"]["kind"] == "waivers"
    assert report["summary"] == {
        "files": len(checked),
        "errors": sum(1 for e in EXPECTED if e[3] == "error"),
        "warnings": sum(1 for e in EXPECTED if e[3] == "warning"),
        "failed": True,
    }


def test_junit_counts_match(in_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "validate.xml"
    invoke("validate", FIXTURE, "--format", f"junit={target}")
    xml = JUnitXml.fromfile(str(target))
    report = json.loads(invoke("validate", FIXTURE, "--format", "json")[1])
    clean = sum(1 for f in report["files"] if f["errors"] == f["warnings"] == 0)
    assert xml.tests == len(EXPECTED) + clean
    assert xml.failures == sum(1 for e in EXPECTED if e[3] == "error")
    assert xml.skipped == sum(1 for e in EXPECTED if e[3] == "warning")
    code, _, _ = invoke("validate", FIXTURE, "--strict", "--format", f"junit={target}")
    assert code == 1
    assert JUnitXml.fromfile(str(target)).failures == len(EXPECTED)


def test_every_code_has_a_description_and_is_documented() -> None:
    codes = {e[4] for e in EXPECTED}
    assert codes <= set(CODES)
    docs = (ROOT / "docs" / "ci.md").read_text()
    for code in CODES:
        assert f"`{code}`" in docs, code
    # Every code the source gives a problem is in the catalogue.
    source = "\n".join(p.read_text() for p in (ROOT / "src").rglob("*.py"))
    used = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)",?\n\s*\)', source))
    used |= set(re.findall(r'"error", [^\n]*"([a-z]+(?:-[a-z]+)+)"\)', source))
    assert used - set(CODES) == set(), used - set(CODES)


def test_the_project_s_own_rules_policies_and_expectations_validate(in_repo: Path) -> None:
    code, out, err = invoke("validate", "rules", "policies", "tests/expectations", "--strict")
    assert code == 0, out + err
    assert "0 errors, 0 warnings" in out


def test_expectation_files_are_recognised_and_checked(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    shutil.copytree(ROOT / "tests" / "expectations", tmp_path / "tests" / "expectations")
    # By content, wherever it is: `cases`, though it also names rule directories under `rules`.
    elsewhere = tmp_path / "philadelphia.yaml"
    elsewhere.write_text(f"policy: policies/philadelphia.yaml\nrules: [{ROOT / 'rules'}]\n")
    with elsewhere.open("a") as f:
        f.write((tmp_path / "tests" / "expectations" / "philadelphia.yaml").read_text())
    code, out, err = invoke("validate", str(tmp_path / "tests"), str(elsewhere), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["problems"] == [], out + err
    assert {f["kind"] for f in report["files"]} == {"expectations"}
    assert len(report["files"]) == len(list((ROOT / "tests" / "expectations").glob("*.yaml"))) + 1
    # ... and checked against their schema, like every other kind of file.
    bad = tmp_path / "tests" / "expectations" / "philadelphia.yaml"
    bad.write_text(bad.read_text().replace("verdict: conflict", "verdict: conflcit", 1))
    code, out, _ = invoke("validate", str(tmp_path / "tests"), "--strict")
    assert code == 1 and "[schema-enum]" in out and "did you mean 'conflict'?" in out


def _clean_copy(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    target.mkdir()
    shutil.copy(ROOT / FIXTURE / "policies" / "good-town.yaml", target)
    return target


def test_exit_codes(tmp_path: Path) -> None:
    clean = _clean_copy(tmp_path)
    assert invoke("validate", str(clean))[0] == 0
    warned = clean / "date-too-precise.yaml"
    shutil.copy(ROOT / FIXTURE / "policies" / "date-too-precise.yaml", warned)
    assert invoke("validate", str(clean))[0] == 0  # a warning alone does not fail
    assert invoke("validate", str(clean), "--strict")[0] == 1
    assert invoke("validate", str(tmp_path / "nothing-here.yaml"))[0] == 2
    assert invoke("validate", str(tmp_path / "*.nothing"))[0] == 2
    assert invoke("validate", str(clean), "--format", "pdf")[0] == 2
    # A path that names nothing, beside files that were read: a problem, exit 1.
    code, out, _ = invoke("validate", str(clean), str(tmp_path / "missing.yaml"))
    assert code == 1 and "[file-unreadable]" in out


def test_glob_and_json_problems_go_to_stderr(in_repo: Path) -> None:
    code, out, err = invoke("validate", f"{FIXTURE}/policies/schema-*.yaml", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert {_short(f["path"]) for f in report["files"]} == {
        f"policies/schema-{k}.yaml"
        for k in ("enum", "pattern", "required", "size", "type", "unknown-key")
    }
    assert err.count("error:") == 6  # the lines a person reads, beside the JSON a tool reads


def test_github_format_is_the_default_in_github_actions(
    in_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = invoke("validate", f"{FIXTURE}/policies/schema-enum.yaml")
    assert out.startswith("::error file=tests/fixtures/validate/policies/schema-enum.yaml,line=13,")
    _, out, _ = invoke("validate", f"{FIXTURE}/policies/schema-enum.yaml", "--format", "table")
    assert not out.startswith("::")


def test_file_text_cannot_inject_markup(tmp_path: Path) -> None:
    policy = tmp_path / "evil.yaml"
    policy.write_text(
        "id: evil\nname: x\nkind: city\nstate: ZZ\nsources: []\nprovisions: {}\n"
        '"<script>|\\e[31m*x*": 1\n'
    )
    target = tmp_path / "out.md"
    code, out, _ = invoke("validate", str(policy), "--format", f"markdown={target}")
    assert code == 1
    assert "\x1b" not in out
    text = target.read_text()
    assert "<script>" not in text and "\x1b" not in text
    assert r"\<script\>\|" in text


# Schema errors beside errors of meaning in each kind of file: all of them in one run.
ALL_PROBLEMS = "tests/fixtures/all-problems"
EXPECTED_ALL = {
    ("policies/many-problems.yaml", 5, 7, "schema-enum"),  # kind: citty
    ("policies/many-problems.yaml", 8, 64, "bad-date"),  # adopted: "2000-02-30"
    ("policies/many-problems.yaml", 17, 12, "schema-type"),  # binds: police
    ("policies/many-problems.yaml", 18, 58, "undefined-source"),
    ("policies/many-problems.yaml", 21, 57, "window-order"),
    ("policies/many-problems.yaml", 24, 17, "exceptions-without-restriction"),
    ("policies/many-problems.yaml", 25, 13, "undefined-agency"),
    ("policies/many-problems.yaml", 27, 17, "schema-enum"),
    ("policies/many-problems.yaml", 29, 26, "date-too-precise"),
    ("policies/many-problems.yaml", 30, 19, "schema-type"),
    ("rules/doj-2001-many.yaml", 5, 7, "schema-enum"),
    ("rules/doj-2001-many.yaml", 10, 18, "window-order"),
    ("rules/doj-2001-many.yaml", 25, 60, "undefined-source"),
    ("rules/doj-2001-many.yaml", 29, 16, "duplicate-rule"),
    ("rules/doj-2001-many.yaml", 34, 17, "schema-enum"),
    ("rules/doj-2001-many.yaml", 35, 5, "schema-type"),
    ("waivers.yaml", 3, 5, "schema-required"),
    ("waivers.yaml", 7, 14, "bad-date"),  # expires: "2999-02-30"
}


def test_schema_errors_do_not_hide_the_other_problems_of_a_file(in_repo: Path) -> None:
    code, out, err = invoke("validate", ALL_PROBLEMS, "--format", "json")
    assert code == 1 and "Traceback" not in err
    found = [
        (p["path"].removeprefix(ALL_PROBLEMS + "/"), p["line"], p["column"], p["code"])
        for p in json.loads(out)["problems"]
    ]
    assert sorted(found) == sorted(EXPECTED_ALL)  # each once: no problem reported twice


def test_sarif_rules_carry_each_code_s_severity_and_help(in_repo: Path) -> None:
    log = json.loads(invoke("validate", FIXTURE, "--format", "sarif")[1])
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == {e[4] for e in EXPECTED}
    # Every code in the fixture run has one severity, and the rule's default level is it.
    for _, _, _, level, code in EXPECTED:
        assert rules[code]["defaultConfiguration"]["level"] == level, code
        assert severity(code) == level
    page, anchor = rules["waiver-expired"]["helpUri"].split("#")
    assert (ROOT / page).is_file() and f"## {anchor.replace('-', ' ')}" in (
        ROOT / page
    ).read_text().lower()
    assert "waiver-expired" in rules["waiver-expired"]["help"]["text"]


def test_documented_severity_of_every_code_is_its_severity() -> None:
    rows = re.findall(
        r"^\| `([a-z-]+)` \| (error|warning)\b", (ROOT / "docs/ci.md").read_text(), re.M
    )
    documented = dict(rows)
    assert set(documented) >= set(CODES) and {code: severity(code) for code in CODES} == {
        code: documented[code] for code in CODES
    }


def test_sarif_paths_above_the_working_directory_are_file_uris(
    in_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "docs")
    target = f"../{FIXTURE}/policies/schema-enum.yaml"
    log = json.loads(invoke("validate", target, "--format", "sarif")[1])
    assert list(sarif_validator().iter_errors(log)) == []
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": (ROOT / FIXTURE / "policies" / "schema-enum.yaml").as_uri()
    }
    # Below the working directory, paths stay relative to the source root.
    monkeypatch.chdir(ROOT)
    log = json.loads(invoke("validate", target.removeprefix("../"), "--format", "sarif")[1])
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": f"{FIXTURE}/policies/schema-enum.yaml",
        "uriBaseId": "%SRCROOT%",
    }


def test_huge_values_are_shortened_in_messages_and_numbers_get_the_quote_hint(
    tmp_path: Path,
) -> None:
    data = yaml.safe_load((ROOT / FIXTURE / "policies" / "good-town.yaml").read_text())
    clause = next(iter(data["provisions"].values()))
    clause["stance"] = "p" * 300_000
    clause["source"]["section"] = 5
    target = tmp_path / "policies"
    target.mkdir()
    (target / "good-town.yaml").write_text(yaml.safe_dump(data, sort_keys=False, width=10**7))
    code, out, _ = invoke("validate", str(target))
    assert code == 1
    lines = out.splitlines()
    assert all(len(line) < 600 for line in lines), max(map(len, lines))
    assert any("(300,002 characters)" in line and "[schema-enum]" in line for line in lines)
    assert any("got int 5; quote it if you meant text" in line for line in lines)
