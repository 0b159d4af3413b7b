"""`explain`: the rule, its trace to the policy lines it read, precedence, settling facts."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT
from sanctuary_check.cli import app
from sanctuary_check.ruleset import load_ruleset

runner = CliRunner()
RULES = str(FIXTURES / "rules")
POLICIES = FIXTURES / "policies"
PHILADELPHIA = ROOT / "policies" / "philadelphia.yaml"
STEP = re.compile(r"^ {4}(\d+):(\d+)  ")


def explain(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["explain", *args])
    return result.exit_code, result.stdout


def flat(text: str) -> str:
    """Output with its wrapping undone, for looking up phrases."""
    return " ".join(text.split())


def trace_steps(out: str) -> list[tuple[int, int, str]]:
    """The line, column and text of every trace step that read a policy line."""
    lines = out.split("Trace (line:column in", 1)[1].split("Precedence", 1)[0].splitlines()
    return [(int(m[1]), int(m[2]), line[m.end() :]) for line in lines if (m := STEP.match(line))]


def trace_locations(out: str) -> list[tuple[int, int]]:
    """The line:column of every trace step that read a policy line."""
    return [(line, column) for line, column, _ in trace_steps(out)]


# The steps that read a clause's exceptions list (rather than its stance).
READS_EXCEPTIONS = re.compile(r"^\s*(an exception made only of|exception |the clause lists no exc)")


def _points_into_exceptions(text: list[str], line: int, column: int) -> bool:
    """Whether line:column is a clause's `exceptions:` key, or an item of the list under it: on
    the key's line (`exceptions: [a, b]`) or on the `- ` lines below it."""
    row = text[line - 1]
    if "exceptions:" in row[: column - 1 + len("exceptions:")]:
        return True
    if row[column - 3 : column - 1] != "- ":
        return False
    above = line - 1
    while above > 1 and text[above - 1].lstrip().startswith("- "):
        above -= 1
    return text[above - 1].strip() == "exceptions:"


def test_trace_points_at_the_fixture_clause_lines() -> None:
    # base-city.yaml: personal_information_sharing has two clauses, their stances on lines 42
    # and 45 (column 9, under `clauses:`); the second's exceptions on line 46, its one
    # alternative at column 22.
    code, out = explain(
        "tst-2000-table/warrant-and-conviction",
        str(POLICIES / "base-city.yaml"),
        "--rules",
        RULES,
        "--as-of",
        "2020-01-01",
    )
    assert code == 0, out
    assert set(trace_locations(out)) == {(42, 9), (45, 9), (46, 9), (46, 22)}
    # The steps that read the exceptions point at them, the others at the stance.
    for line, column, text in trace_steps(out):
        on_exceptions = READS_EXCEPTIONS.match(text) is not None
        assert (line, column) in ({(46, 9), (46, 22)} if on_exceptions else {(42, 9), (45, 9)})
    assert "verdict: compliant" in out
    assert f"decided by {POLICIES / 'base-city.yaml'}:42:9" in out


def test_trace_points_at_the_savings_reading_it_read() -> None:
    # savings-city.yaml: the clause's stance on line 15, the reading of sc-1 on line 23.
    code, out = explain(
        "tst-2000-table/release",
        str(POLICIES / "savings-city.yaml"),
        "--rules",
        RULES,
        "--as-of",
        "2006-01-01",
    )
    assert code == 0, out
    assert trace_locations(out) == [(15, 5), (15, 5), (23, 9), (15, 5)]
    assert "read it 'permits_sharing' on 2005-06-01" in flat(out)
    assert "an input is known only from determination(s) det-1" in flat(out)


def _philadelphia_rules() -> list[tuple[str, str]]:
    """Every rule, with a day on which its authority is surely in force (2017-10-31 if it is)."""
    from sanctuary_check.engine import authority_states
    from sanctuary_check.model import InForce
    from sanctuary_check.timeline import parse_partial

    out = []
    rs = load_ruleset([])
    for a in rs.authorities:
        day = "2017-10-31"
        if authority_states([a], dt.date(2017, 10, 31))[0].state is not InForce.YES:
            day = parse_partial(a.window.effective_from or "2017-10-31").last.isoformat()
        out.extend((f"{a.id}/{r.id}", day) for r in a.rules)
    return out


def _enclosing_provision(lines: list[str], line: int) -> str:
    """The provision key (two-space indent under `provisions:`) a line belongs to."""
    for i in range(line - 1, -1, -1):
        m = re.match(r"^  ([a-z_]+):\s*$", lines[i])
        if m:
            return m[1]
    raise AssertionError(line)


@pytest.mark.parametrize(("rule", "day"), _philadelphia_rules())
def test_every_rule_about_philadelphia_traces_to_the_right_policy_lines(
    rule: str, day: str, in_repo: Path
) -> None:
    code, out = explain(rule, "policies/philadelphia.yaml", "--as-of", day)
    assert code == 0, out
    text = PHILADELPHIA.read_text().splitlines()
    provision = re.search(r"provision: ([a-z_]+),", out)
    assert provision is not None
    parent = {"victim_witness_status_sharing", "suspect_status_sharing"}
    allowed = {provision[1]} | ({"status_sharing"} if provision[1] in parent else set())
    locations = []
    for line, column, step in trace_steps(out):
        # Each step that read the policy points at a clause's `stance:` key under this provision,
        # or, when it read the clause's exceptions, at its `exceptions:` key or one of its items.
        if READS_EXCEPTIONS.match(step):
            assert _points_into_exceptions(text, line, column), (rule, line, column, step)
        else:
            assert text[line - 1][column - 1 :].startswith("stance:"), (rule, line, step)
            locations.append((line, column))
        assert _enclosing_provision(text, line) in allowed, (rule, line)
    start = text.index("provisions:")
    stances = [
        (i + 1, _enclosing_provision(text, i + 1))
        for i, t in enumerate(text)
        if i > start and t.strip().startswith(("stance:", "- stance:"))
    ]
    # A child provision's own clauses, or else its parent's.
    own = [line for line, key in stances if key == provision[1]]
    clauses = own or [line for line, key in stances if key in allowed]
    if "open question" not in out.lower() and "has no clause" not in out:
        # Every clause on the provision is traced (the worst clause wins over all of them).
        assert {line for line, _ in locations} == set(clauses), rule


def test_doj_release_notification_on_philadelphia(in_repo: Path) -> None:
    code, out = explain(
        "doj-2017-10-11/release-notification", "policies/philadelphia.yaml", "--as-of", "2017-10-31"
    )
    assert code == 0
    text = flat(out)
    assert "verdict: conflict" in text
    assert "recorded: the authority's own determination cites this provision" in text
    assert "(doj-2017-10-11-letter)" in text
    assert "stance is 'restricted'; rule asks for one of prohibited or restricted [true]" in text
    assert (
        "enforcement lens: conflict, controlled by doj-2017-10-11 (this rule's authority)" in text
    )
    assert "law lens: unknown, controlled by usc-8-1373" in text
    assert "does not bind this jurisdiction as law" in text
    assert "What would settle it" not in text


def test_unknown_names_the_facts_that_would_settle_it(in_repo: Path) -> None:
    code, out = explain(
        "doj-2017-10-11/status-sharing", "policies/philadelphia.yaml", "--as-of", "2017-10-31"
    )
    assert code == 0
    assert "verdict: unknown" in out
    settle = flat(out.split("What would settle it", 1)[1])
    assert "savings_clauses" in settle
    assert "read permits_sharing by doj-2017-10-11: compliant" in settle
    assert "if savings_clauses: [] (none, after reading every document in full): conflict" in settle


def test_open_question_is_settled_by_law_not_by_the_policy(in_repo: Path) -> None:
    _, out = explain(
        "usc-8-1373/release-notification", "policies/philadelphia.yaml", "--as-of", "2017-10-31"
    )
    assert "the law is unsettled here; no fact in the policy settles it" in flat(out)
    assert "Open question" in out


def test_absent_provision_is_settled_by_encoding_it(in_repo: Path) -> None:
    _, out = explain(
        "usc-8-1373/status-request-federal", "policies/philadelphia.yaml", "--as-of", "2017-10-31"
    )
    settle = flat(out.split("What would settle it", 1)[1])
    assert "provisions.status_request_federal" in settle
    assert "if a clause prohibited on 2017-10-31: conflict" in settle
    assert "if a clause permitted on 2017-10-31: compliant" in settle


def test_authority_not_in_force_gives_no_finding(in_repo: Path) -> None:
    code, out = explain(
        "doj-2017-10-11/release-notification", "policies/philadelphia.yaml", "--as-of", "2016-12-31"
    )
    assert code == 0
    assert "no finding: doj-2017-10-11 is not in force on this date" in flat(out)


def test_without_a_policy_it_says_what_the_rule_requires() -> None:
    code, out = explain("doj-2017-10-11/release-notification")
    assert code == 0
    assert "Condition (conflict when the clause in force meets it)" in out
    assert "the clause is prohibited or restricted" in flat(out)
    assert "Give a policy file" in flat(out)


def test_outside_scope_entries_are_explained(in_repo: Path) -> None:
    code, out = explain(
        "usc-8-1373/outside-scope/status_inquiry",
        "policies/philadelphia.yaml",
        "--as-of",
        "2017-10-31",
    )
    assert code == 0
    assert "verdict: not_applicable (basis outside_scope" in flat(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["usc-8-1373"], "is an authority; explain one of its rules: usc-8-1373/"),
        (
            ["edpa-2017-11-15"],
            "is an authority with no rules or scope entries of its own, so nothing to explain; it "
            "acts through its effects: injunction on ojp-2017-07-25-jag (questions: "
            "jag-1373-cert) (see: sanctuary-check rules show edpa-2017-11-15)",
        ),
        (
            ["doj-2017-10-11/release-notifcation"],
            "did you mean doj-2017-10-11/release-notification",
        ),
    ],
)
def test_bad_rule_ids_are_usage_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["explain", *args])
    assert result.exit_code == 2
    assert message in flat(result.stderr)


def test_unreadable_policy_is_exit_two_and_the_rule_is_still_explained(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n")
    result = runner.invoke(app, ["explain", "usc-8-1373/status-sharing", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr
    assert "In plain words" in result.stdout


def test_file_text_cannot_drive_the_terminal(tmp_path: Path) -> None:
    text = (POLICIES / "base-city.yaml").read_text()
    text = text.replace("title: Ordinance 1,", 'title: "Ordinance \\e[31m1\\e[0m",')
    path = tmp_path / "base-city.yaml"
    path.write_text(text)
    code, out = explain(
        "tst-2000-table/sharing", str(path), "--rules", RULES, "--as-of", "2020-01-01"
    )
    assert code == 0, out
    assert "\x1b" not in out
    assert "\\x1b[31m" in out
