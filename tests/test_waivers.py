"""Waivers: reported as waived (never hidden), not counted toward --fail-on until they expire."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT, evaluate_file, fixture_authority
from sanctuary_check.cli import app
from sanctuary_check.engine import reaches
from sanctuary_check.schemas import validator
from sanctuary_check.waivers import apply_waivers, load_waivers

runner = CliRunner()
RULES = str(FIXTURES / "rules")
BASE = str(FIXTURES / "policies" / "base-city.yaml")
ONLY_FIXTURE = ("--rules", RULES, "--authority", "tst-2000-table", "--as-of", "2020-01-01")
# base-city's four conflicts under the fixture authority, as (rule, provision).
CONFLICTS = [
    ("tst-2000-table/sharing", "status_sharing"),
    ("tst-2000-table/victims", "victim_witness_status_sharing"),
    ("tst-2000-table/notice-holder", "custody_status_sharing"),
    ("tst-2000-table/access", "facility_access"),
]
FUTURE, PAST = "2999-12-31", "2001-01-01"


def _entry(rule: str, provision: str, expires: str = FUTURE, policy: str = "base-city") -> str:
    return (
        f"  - rule: {rule}\n    policy: {policy}\n    provision: {provision}\n"
        "    reason: The city disputes this reading pending appeal.\n"
        "    owner: law-department@example.org\n"
        f'    expires: "{expires}"\n'
        '    legal_basis: {kind: pending_case, citation: "Base City v. Test (D. Test)"}\n'
    )


def _file(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n" + "".join(entries))
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _evaluate(waivers: Path, *extra: str) -> tuple[int, dict[str, object], str]:
    code, out, err = invoke(
        "evaluate", BASE, *ONLY_FIXTURE, "--waivers", str(waivers), "--format", "json", *extra
    )
    report = json.loads(out)
    assert list(validator("report").iter_errors(report)) == []
    return code, report, err


def test_waived_findings_keep_their_verdict_and_do_not_fail(tmp_path: Path) -> None:
    code, report, err = _evaluate(_file(tmp_path, *(_entry(r, p) for r, p in CONFLICTS)))
    assert code == 0, err
    policy = report["policies"][0]  # type: ignore[index]
    waived = [f for f in policy["findings"] if "waived" in f]
    assert sorted((f["rule"], f["provision"]) for f in waived) == sorted(CONFLICTS)
    assert {f["verdict"] for f in waived} == {"conflict"}  # reported, not hidden
    assert waived[0]["waived"]["owner"] == "law-department@example.org"
    assert waived[0]["waived"]["legal_basis"]["kind"] == "pending_case"
    assert policy["verdicts"]["law"] == "conflict"
    assert report["summary"]["waived"] == 4  # type: ignore[index]
    assert {w["status"] for w in report["waivers"]} == {"applied"}  # type: ignore[union-attr]
    # Without the waivers the same run fails.
    assert invoke("evaluate", BASE, *ONLY_FIXTURE, "--format", "json")[0] == 1


def test_one_unwaived_conflict_still_fails(tmp_path: Path) -> None:
    code, _, _ = _evaluate(_file(tmp_path, *(_entry(r, p) for r, p in CONFLICTS[:3])))
    assert code == 1


def test_an_expired_waiver_no_longer_applies_and_is_reported(tmp_path: Path) -> None:
    entries = [_entry(r, p) for r, p in CONFLICTS[:3]]
    entries.append(_entry(*CONFLICTS[3], expires=PAST))
    code, report, err = _evaluate(_file(tmp_path, *entries))
    assert code == 1
    policy = report["policies"][0]  # type: ignore[index]
    access = next(f for f in policy["findings"] if f["provision"] == "facility_access")
    assert "waived" not in access and access["verdict"] == "conflict"
    warnings = report["warnings"]  # type: ignore[index]
    assert [w["code"] for w in warnings] == ["waiver-expired"]
    assert re.search(r"waivers\.yaml:\d+:5: warning: .*expired on 2001-01-01", err)
    statuses = [w["status"] for w in report["waivers"]]  # type: ignore[union-attr]
    assert statuses == ["applied", "applied", "applied", "expired"]


def test_expiry_is_the_last_day_it_applies(tmp_path: Path) -> None:
    waivers = load_waivers(_file(tmp_path, _entry(*CONFLICTS[0], expires="2030-06-30")))
    assert waivers.usable
    for today, applies in ((dt.date(2030, 6, 30), True), (dt.date(2030, 7, 1), False)):
        evaluated = evaluate_file(FIXTURES / "policies" / "base-city.yaml").result
        outcomes, _ = apply_waivers(
            waivers.waivers,
            [evaluated],
            [fixture_authority()],
            {"tst-2000-table": None},
            today,
        )
        assert (outcomes[0].status == "applied") is applies
        # The finding is still a conflict either way; only what counts changes.
        sharing = next(f for f in evaluated.findings if f.provision == "status_sharing")
        assert sharing.verdict.value == "conflict"
        assert (sharing.waived is not None) is applies


def test_fail_scope_any_ignores_waived_findings_too(tmp_path: Path) -> None:
    waivers = load_waivers(_file(tmp_path, *(_entry(r, p) for r, p in CONFLICTS)))
    evaluated = evaluate_file(FIXTURES / "policies" / "base-city.yaml").result
    assert reaches(evaluated, "conflict", "any")
    apply_waivers(
        waivers.waivers,
        [evaluated],
        [fixture_authority()],
        {"tst-2000-table": None},
        dt.date.today(),
    )
    assert not reaches(evaluated, "conflict", "any")
    assert not reaches(evaluated, "conflict", "law")
    assert reaches(evaluated, "unknown", "any")  # unknowns are not waived


def test_orphaned_and_inactive_waivers(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        _entry("tst-2000-table/sharing", "release_notification"),  # rule about another provision
        _entry("tst-2000-table/no-such-rule", "status_sharing"),  # no such rule
        _entry("tst-2000-table/sharing", "status_sharing", policy="other-city"),  # not in run
        _entry("usc-8-1373/status-sharing", "status_sharing"),  # authority filtered out
    )
    code, report, err = _evaluate(path)
    assert code == 1  # nothing was waived
    assert [w["status"] for w in report["waivers"]] == [  # type: ignore[union-attr]
        "orphaned",
        "orphaned",
        "inactive",
        "inactive",
    ]
    assert [w["code"] for w in report["warnings"]] == ["waiver-orphaned"] * 2  # type: ignore[index]
    assert "no rule set defines rule 'tst-2000-table/no-such-rule'" in err
    assert "is about status_sharing, not release_notification" in err


def test_validate_reports_orphans_and_fails_with_strict(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "base-city.yaml").write_text(Path(BASE).read_text())
    rules = tmp_path / "tst-2000-table.yaml"  # with a registered issuer: no warning of its own
    rules.write_text(
        (FIXTURES / "rules" / "tst-2000-table.yaml")
        .read_text()
        .replace("issuer: tst", "issuer: doj")
    )
    waivers = _file(tmp_path, _entry("tst-2000-table/sharing", "release_notification"))
    args = ["validate", str(tmp_path / "policies"), str(waivers), "--rules", str(rules)]
    code, out, _ = invoke(*args)
    assert code == 0  # a warning
    assert "[waiver-orphaned]" in out and "is about status_sharing" in out
    assert invoke(*args, "--strict")[0] == 1
    # A good waiver: clean, even with --strict.
    _file(tmp_path, _entry("tst-2000-table/sharing", "status_sharing"))
    code, out, _ = invoke(*args, "--strict")
    assert code == 0, out


def test_validate_reports_an_expired_waiver(tmp_path: Path) -> None:
    waivers = _file(tmp_path, _entry("usc-8-1373/status-sharing", "status_sharing", PAST))
    code, out, _ = invoke("validate", str(waivers))
    assert code == 0 and "[waiver-expired]" in out
    assert invoke("validate", str(waivers), "--strict")[0] == 1


def test_the_table_names_an_expired_waiver_s_severity_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _file(tmp_path, _entry("tst-2000-table/sharing", "status_sharing", PAST))
    monkeypatch.chdir(tmp_path)  # a short path, so that the line starts as written
    _, out, _ = invoke("evaluate", BASE, *ONLY_FIXTURE, "--waivers", "waivers.yaml")
    assert out.count("[waiver-expired]") == 1
    assert "\nwaivers.yaml:2:5: warning: waiver for " in out
    assert "warning: waivers.yaml" not in out


def test_a_broken_waivers_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n  - rule: tst-2000-table/sharing\n    policy: base-city\n")
    code, out, err = invoke("evaluate", BASE, *ONLY_FIXTURE, "--waivers", str(path))
    assert code == 2
    assert f"{path}:2:5: error: waivers[0]: missing required key" in err
    assert "City of Base" in out  # the policy is still evaluated and reported


def test_table_shows_the_waiver(tmp_path: Path) -> None:
    path = _file(tmp_path, *(_entry(r, p) for r, p in CONFLICTS))
    code, out, _ = invoke("evaluate", BASE, *ONLY_FIXTURE, "--waivers", str(path))
    assert code == 0
    assert out.count("waived until 2999-12-31 by law-department@example.org") == 4


def test_docs_waiver_example_is_valid(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "ci.md").read_text()
    block = re.search(r"```yaml\n(# yaml-language-server[^\n]*waivers[^\n]*\n.*?)```", text, re.S)
    assert block is not None
    path = tmp_path / "waivers.yaml"
    path.write_text(block.group(1))
    found = load_waivers(path)
    assert found.usable, [str(p) for p in found.problems]
