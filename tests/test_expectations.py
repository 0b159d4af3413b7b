"""`test`: expectation files, failures with expected against actual, and --coverage."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT
from sanctuary_check.cli import app
from sanctuary_check.loading import load_file
from sanctuary_check.schemas import validator

runner = CliRunner()
EXPECTATIONS = ROOT / "tests" / "expectations"


def run_test(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["test", *args])
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    return " ".join(text.split())


def test_project_expectation_files_are_valid_and_hold(in_repo: Path) -> None:
    for path in EXPECTATIONS.glob("*.yaml"):
        doc = load_file(path)
        assert list(validator("expectations").iter_errors(doc.data)) == [], path
        assert (ROOT / "policies" / path.name).is_file(), "expectations are named <policy id>.yaml"
    code, out, err = run_test()
    assert code == 0, out + err
    assert "all " in out and "expectations hold" in out
    assert "as of 2017-10-31" in out and "as of 2016-12-31" in out


def _copy_project(tmp_path: Path) -> Path:
    """A copy of the project's policies and expectations, laid out as in the repository."""
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    shutil.copytree(EXPECTATIONS, tmp_path / "tests" / "expectations")
    return tmp_path


def test_changing_one_provision_fails_with_expected_against_actual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_project(tmp_path)
    policy = root / "policies" / "philadelphia.yaml"
    text = policy.read_text()
    # Philadelphia permits sharing suspects' status; make it a restriction instead.
    before = "  suspect_status_sharing:\n    stance: permitted\n"
    assert before in text
    policy.write_text(text.replace(before, before.replace("permitted", "restricted")))
    monkeypatch.chdir(root)
    code, out, _ = run_test()
    assert code == 1
    line = next(
        i + 1
        for i, t in enumerate(
            (root / "tests/expectations/philadelphia.yaml").read_text().split("\n")
        )
        if t.strip() == "suspect_status_sharing: compliant"
    )
    assert (
        f"FAIL tests/expectations/philadelphia.yaml:{line}:11: as of 2017-10-31, usc-8-1373 "
        "sec-1373 suspect_status_sharing" in flat(out)
    )
    assert "  expected: compliant\n  actual:   conflict\n" in out
    assert "rule: usc-8-1373/suspect-status-sharing" in flat(out)
    # The trace shows the clause that now decides it, on its own line of the policy.
    clause = text.split("\n").index("  suspect_status_sharing:") + 2
    assert f"{clause}:5  suspect_status_sharing[0]" in out
    assert "stance restricted" in flat(out)
    assert "3 of " in out and "expectations failed" in out


def test_details_are_compared_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy_project(tmp_path)
    exp = root / "tests" / "expectations" / "philadelphia.yaml"
    exp.write_text(
        exp.read_text().replace(
            "status_sharing: {verdict: conflict, projection: true}",
            "status_sharing: {verdict: conflict, projection: false}",
            1,
        )
    )
    monkeypatch.chdir(root)
    code, out, _ = run_test()
    assert code == 1
    assert "expected: conflict, projection false" in out
    assert "actual:   conflict, projection true" in out


def test_by_authority_and_in_force_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_project(tmp_path)
    exp = root / "tests" / "expectations" / "philadelphia.yaml"
    text = exp.read_text()
    text = text.replace('doj-2017-10-11: "no"', 'doj-2017-10-11: "yes"')
    # Only the 2016 case lists usc-8-1373 alone before its findings.
    alone = "    by_authority:\n      usc-8-1373: conflict\n    findings:"
    assert text.count(alone) == 1
    text = text.replace(
        alone, alone.replace("conflict\n", "conflict\n      doj-2017-10-11: conflict\n")
    )
    exp.write_text(text)
    monkeypatch.chdir(root)
    code, out, _ = run_test()
    assert code == 1, out
    text = flat(out)
    assert (
        "as of 2016-12-31, in_force doj-2017-10-11 expected: in force: yes actual: in force: no"
        in text
    )
    assert "why: doj-2017-10-11 takes effect 2017-10-11, after 2016-12-31" in text
    assert "by_authority doj-2017-10-11 expected: conflict actual: none" in text


FIXTURE_EXPECTATIONS = """\
policy: {policy}
rules: [{rules}]
cases:
  - as_of: "2020-01-01"
    findings:
      tst-2000-table:
        sec-1373:
          status_sharing: conflict
          detainer_holds: not_applicable
          custody_status_sharing: conflict
"""


def _fixture_file(tmp_path: Path, body: str = FIXTURE_EXPECTATIONS) -> Path:
    path = tmp_path / "base-city.yaml"
    policy, rules = FIXTURES / "policies" / "base-city.yaml", FIXTURES / "rules"
    path.write_text(body.replace("{policy}", str(policy)).replace("{rules}", str(rules)))
    return path


def test_coverage_names_rules_and_branches_no_expectation_exercises(tmp_path: Path) -> None:
    path = _fixture_file(tmp_path)
    code, out, _ = run_test(str(path), "--coverage")
    assert code == 0, out
    idle = out.split("Rules no expectation exercises:", 1)[1].split("Condition branches", 1)[0]
    for rule in ("tst-2000-table/access", "tst-2000-table/victims", "usc-8-1373/status-sharing"):
        assert rule in idle
    for rule in ("tst-2000-table/sharing", "tst-2000-table/outside-scope/detainer_holds"):
        assert f"{rule} (" not in idle
    branches = flat(out.split("Condition branches no expectation exercises:", 1)[1])
    # custody_status_sharing: the jail holds custody records, so binds_holder was true only.
    assert (
        "tst-2000-table/notice-holder" in branches
        and "the clause binds an agency that holds custody_records: never false, unknown"
        in branches
    )
    # The open question's condition is never evaluated, so none of its branches is listed.
    assert "tst-2000-table/recording (" not in branches


def test_coverage_counts_only_findings_an_expectation_names(tmp_path: Path) -> None:
    body = FIXTURE_EXPECTATIONS.replace("          custody_status_sharing: conflict\n", "")
    code, out, _ = run_test(str(_fixture_file(tmp_path, body)), "--coverage")
    assert code == 0
    idle = out.split("Rules no expectation exercises:", 1)[1].split("Condition branches", 1)[0]
    assert "tst-2000-table/notice-holder" in idle


def test_coverage_names_the_question_of_a_scope_entry(tmp_path: Path) -> None:
    """One provision outside the scope of two questions: two entries, each named with its
    question, and an expectation on one of them exercises that one only."""
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (FIXTURES / "rules" / "tst-2000-table.yaml").read_text()
    scope = "  sec-1373:\n    - provision: detainer_holds\n"
    assert text.count(scope) == 1 and text.count("questions: [sec-1373]") == 1
    entry = text.split(scope, 1)[1].split("rules:", 1)[0]
    text = text.replace("questions: [sec-1373]", "questions: [sec-1373, jag-notice]")
    text = text.replace(scope, "  jag-notice:\n    - provision: detainer_holds\n" + entry + scope)
    (rules / "tst-2000-table.yaml").write_text(text)
    body = FIXTURE_EXPECTATIONS.replace("rules: [{rules}]", f"rules: [{rules}]")
    code, out, _ = run_test(str(_fixture_file(tmp_path, body)), "--coverage")
    assert code == 0, out
    idle = flat(out.split("Rules no expectation exercises:", 1)[1].split("Condition branches")[0])
    assert "tst-2000-table/outside-scope/detainer_holds on jag-notice (" in idle
    assert "tst-2000-table/outside-scope/detainer_holds on sec-1373" not in idle


@pytest.mark.parametrize(
    ("body", "code_word"),
    [
        (
            "cases:\n  - as_of: 2020-01-01\n    findings: {tst-2000-table: {sec-1373: "
            "{status_sharing: conflicted}}}\n",
            "schema-",
        ),
        (
            "cases:\n  - as_of: '2020-02-30'\n    by_authority: {tst-2000-table: conflict}\n",
            "bad-date",
        ),
        (
            "cases:\n  - as_of: '2020-01-01'\n    by_authority: {tst-2000-tabel: conflict}\n",
            "unknown-authority",
        ),
    ],
)
def test_bad_expectation_files_are_located_errors(
    tmp_path: Path, body: str, code_word: str
) -> None:
    path = _fixture_file(tmp_path, "policy: {policy}\nrules: [{rules}]\n" + body)
    code, _, err = run_test(str(path))
    assert code == 2
    assert f"{path}:" in err and code_word in err
    assert "Traceback" not in err


def test_a_bad_policy_is_one_input_problem_whatever_the_number_of_dates(tmp_path: Path) -> None:
    policy = tmp_path / "base-city.yaml"
    text = (FIXTURES / "policies" / "base-city.yaml").read_text()
    before = "      - stance: permitted\n"
    assert text.count(before) == 1
    policy.write_text(text.replace(before, before + "        exceptions: [judicial_warrant]\n"))
    path = tmp_path / "expectations" / "base-city.yaml"
    path.parent.mkdir()
    path.write_text(
        f"policy: {policy}\nrules: [{FIXTURES / 'rules'}]\ncases:\n"
        + "".join(
            f"  - as_of: '{day}'\n    by_authority: {{tst-2000-table: conflict}}\n"
            for day in ("2020-01-01", "2021-01-01")
        )
    )
    code, out, err = run_test(str(path))
    assert code == 2
    assert err.count("[exceptions-without-restriction]") == 1
    assert "; 1 input problem (above)." in out


def test_unknown_authority_suggests_the_near_one(tmp_path: Path) -> None:
    body = "cases:\n  - as_of: '2020-01-01'\n    by_authority: {tst-2000-tabel: conflict}\n"
    path = _fixture_file(tmp_path, "policy: {policy}\nrules: [{rules}]\n" + body)
    _, _, err = run_test(str(path))
    assert "did you mean 'tst-2000-table'?" in err
    assert f"{path}:5:20:" in err


def test_missing_policy_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    path.write_text("cases:\n  - as_of: '2020-01-01'\n    by_authority: {usc-8-1373: unknown}\n")
    code, _, err = run_test(str(path))
    assert code == 2
    assert "expectation-no-policy" in err


def test_policy_named_for_another_id_is_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "other-city.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            policy: {FIXTURES / "policies" / "base-city.yaml"}
            rules: [{FIXTURES / "rules"}]
            cases:
              - as_of: "2020-01-01"
                by_authority: {{tst-2000-table: conflict}}
            """
        )
    )
    code, _, err = run_test(str(path))
    assert code == 0
    assert "expectation-policy-mismatch" in err


def test_no_default_directory_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_test()
    assert code == 2
    assert "give a path" in err
