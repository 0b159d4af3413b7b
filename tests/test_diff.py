"""diff across dates, versions and reports: attribution to dated events, and its laws."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT, fixture_authority
from sanctuary_check.cli import app
from sanctuary_check.diff import all_events, diff_dates, snapshot
from sanctuary_check.engine import Options, authority_states, evaluate_policy
from sanctuary_check.hierarchy import AuthorityState
from sanctuary_check.inputs import load_policy
from sanctuary_check.model import InForce
from sanctuary_check.ruleset import load_ruleset, registry

runner = CliRunner()
PHILADELPHIA = "policies/philadelphia.yaml"
KEYSTONE = str(FIXTURES / "policies" / "keystone-town.yaml")
SAVINGS = str(FIXTURES / "policies" / "savings-reading-town.yaml")
COVERING = str(FIXTURES / "policies" / "savings-covering-town.yaml")


def _diff(*args: str) -> dict[str, Any]:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = runner.invoke(app, ["diff", *args, "--format", "json"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _change(
    d: dict[str, Any], provision: str, lens: str, question: str = "sec-1373"
) -> dict[str, Any]:
    (c,) = [
        x
        for x in d["changes"]
        if x["provision"] == provision and x["lens"] == lens and x["question"] == question
    ]
    return c


def _finding_change(d: dict[str, Any], authority: str, provision: str) -> dict[str, Any]:
    (c,) = [
        x
        for x in d["finding_changes"]
        if x["authority"] == authority and x["provision"] == provision
    ]
    return c


def test_doj_letter_turns_philadelphia_to_conflict_in_the_enforcement_lens() -> None:
    d = _diff(PHILADELPHIA, "--from", "2016-12-31", "--to", "2017-10-31")
    c = _change(d, "release_notification", "enforcement")
    assert c["before"]["verdict"] != "conflict"
    assert c["after"] == {
        "verdict": "conflict",
        "authority": "doj-2017-10-11",
        "enforceable": "yes",
        "contested": False,
    }
    assert any(
        e["kind"] == "authority-start"
        and e["ref"] == "doj-2017-10-11"
        and e["date"] == "2017-10-11"
        for e in c["events"]
    )


def test_doj_letter_turns_victims_status_to_conflict_in_the_enforcement_lens() -> None:
    d = _diff(PHILADELPHIA, "--from", "2016-12-31", "--to", "2017-10-31")
    c = _change(d, "victim_witness_status_sharing", "enforcement")
    assert c["before"]["verdict"] != "conflict"
    assert any(e["kind"] == "authority-start" and e["ref"] == "doj-2017-10-11" for e in c["events"])
    assert c["after"] == {
        "verdict": "conflict",
        "authority": "doj-2017-10-11",
        "enforceable": "yes",
        "contested": False,
    }


def test_edpa_effects_reach_philadelphia_with_their_confidence() -> None:
    d = _diff(PHILADELPHIA, "--from", "2017-10-31", "--to", "2018-06-30")
    statute = _finding_change(d, "usc-8-1373", "victim_witness_status_sharing")
    assert statute["fields"] == ["enforceable"]
    assert statute["before"]["enforceable"] == "yes" and statute["after"]["enforceable"] == "no"
    (event,) = statute["events"]
    assert event["ref"] == "edpa-2018-06-06/1373-unconstitutional"
    assert "confidence medium" in event["text"] and event["date"] == "2018-06-06"
    # The holding reaches 1373 only: 1644, which it did not reach and which reads the same,
    # now speaks for the law lens, still enforceable.
    victims = _change(d, "victim_witness_status_sharing", "law")
    assert victims["fields"] == ["authority"]
    assert (victims["before"]["authority"], victims["after"]["authority"]) == (
        "usc-8-1373",
        "usc-8-1644",
    )
    assert victims["after"]["verdict"] == "conflict" and victims["after"]["enforceable"] == "yes"
    assert [e["ref"] for e in victims["events"]] == ["edpa-2018-06-06/1373-unconstitutional"]
    law = _change(d, "status_recording", "law")
    assert law["after"] == {**law["before"], "enforceable": "no"}
    assert law["after"]["authority"] == "usc-8-1373"
    # The injunctions reached the FY2017 grant conditions (not DOJ's letter): the 1373
    # certification condition is no longer enforceable against the City. (The notice and access
    # conditions were already enjoined nationwide by N.D. Ill. on the first date.) Checked on the
    # FY2017 condition's own finding: since the FY2018 conditions (ojp-2018-06-28-jag, from June
    # 28, 2018) were encoded, they are the latest position in the enforcement lens on the second
    # date, with BJA's undated non-enforcement for the City leaving them enforceable "unknown".
    (notice,) = [
        x
        for x in d["finding_changes"]
        if x["authority"] == "ojp-2017-07-25-jag"
        and x["question"] == "jag-1373-cert"
        and x["provision"] == "release_notification"
    ]
    assert notice["before"]["enforceable"] == "yes" and notice["after"]["enforceable"] == "no"
    lens = _change(d, "release_notification", "enforcement", question="jag-1373-cert")
    assert lens["after"]["authority"] == "ojp-2018-06-28-jag"
    assert lens["after"]["enforceable"] == "unknown"
    refs = {e["ref"] for e in notice["events"]}
    assert "edpa-2017-11-15/fy2017-jag-certification-injunction" in refs
    assert any("confidence" in e["text"] for e in notice["events"])
    letter = _change(d, "release_notification", "enforcement")
    assert not any(e["ref"].startswith("edpa-") for e in letter["events"])


def test_a_non_party_town_in_the_same_circuit_is_unaffected() -> None:
    d = _diff(KEYSTONE, "--from", "2017-10-31", "--to", "2018-06-30")
    everything = d["changes"] + d["finding_changes"]
    assert everything  # DOJ's position still changes (it is no longer known to be in force)
    # Only the nationwide N.D. Ill. injunction (in force on the first date, not known to be on
    # the second) moves enforceability here; nothing of E.D. Pa.'s reaches a non-party.
    for c in everything:
        if (c["after"] or {}).get("enforceable") not in (None, "yes"):
            assert {e["ref"] for e in c["events"]} == {"ndill-2017-09-15/notice-access-injunction"}
    # (The E.D. Pa. ruling does start as a reading, projected here and binding nowhere near;
    # what must not reach the town is an effect of it, whose ref names the effect.)
    assert not any(
        e["ref"].startswith("edpa-") and "/" in e["ref"] for c in everything for e in c["events"]
    )


def test_an_end_known_only_as_by_a_day_is_an_event_and_other_parties_effects_are_not() -> None:
    d = _diff(KEYSTONE, "--from", "2018-06-30", "--to", "2018-08-01")
    notice = _change(d, "release_notification", "enforcement", question="jag-notice")
    # The nationwide injunction's force was unknown after June 3, 2018; by July 27 it had surely
    # ended, so the notice condition is enforceable against the town again.
    assert (notice["before"]["enforceable"], notice["after"]["enforceable"]) == ("unknown", "yes")
    (event,) = notice["events"]
    assert event["ref"] == "ndill-2017-09-15/notice-access-injunction"
    assert event["date"] == "2018-07-27" and "had surely ended" in event["text"]
    # Chicago's own injunctions that day are no event for a town that is not a party.
    assert not any("chicago" in e["text"] for e in d["events"])


def test_a_savings_reading_moves_conflict_to_compliant_with_no_provision_change() -> None:
    before = _diff(SAVINGS, "--from", "2017-11-16", "--to", "2017-11-16")
    assert before["changes"] == []
    d = _diff(
        SAVINGS, "--from", "2017-11-16", "--to", "2017-11-17", "--authority", "doj-2017-10-11"
    )
    c = _change(d, "status_inquiry", "enforcement")
    assert (c["before"]["verdict"], c["after"]["verdict"]) == ("conflict", "compliant")
    assert [e["kind"] for e in c["events"]] == ["savings-reading"]
    assert "doj-2017-10-11 reads savings clause follow-federal-law" in c["events"][0]["text"]


def test_a_savings_reading_read_for_another_provision_is_the_cause_not_the_determination() -> None:
    # DOJ's rule on asking about status reads a savings clause covering requesting status
    # (`covering: status_request_federal`); the clause does not cover the bar itself. The same
    # day DOJ's second letter is recorded: it is compared with verdicts, never their cause.
    d = _diff(COVERING, "--from", "2017-10-31", "--to", "2017-11-30")
    lens = _change(d, "status_inquiry", "enforcement")
    assert (lens["before"]["verdict"], lens["after"]["verdict"]) == ("conflict", "compliant")
    assert [(e["kind"], e["fields"]) for e in lens["events"]] == [("savings-reading", ["verdict"])]
    finding = _finding_change(d, "doj-2017-10-11", "status_inquiry")
    assert finding["fields"] == ["verdict", "projection"]
    # The letter only turns the finding from recorded to projected; the reading moves the verdict.
    assert {e["kind"]: e["fields"] for e in finding["events"]} == {
        "determination": ["projection"],
        "savings-reading": ["verdict"],
    }


def test_a_change_no_event_explains_is_said_to_be_unexplained() -> None:
    # An injected history in which the statute's force turns unknown on the day of a
    # determination, with no dated event of its own: the diff must not name the determination.
    policy = _policy_at(COVERING)
    statute = fixture_authority()

    def states_on(day: dt.date) -> list[AuthorityState]:
        state = InForce.YES if day < dt.date(2017, 11, 17) else InForce.UNKNOWN
        return [AuthorityState(statute, state, "an injected doubt")]

    d = diff_dates(policy, states_on, registry(), [], dt.date(2017, 10, 31), dt.date(2017, 11, 30))
    assert d.changes
    for c in d.changes + d.finding_changes:
        assert [e["kind"] for e in c["events"]] == ["unattributed"], c


def test_another_partys_judgment_is_not_a_change_here() -> None:
    # E.D. Pa.'s preliminary injunction (for Philadelphia only, reasoning not read) comes into
    # force; a town in Louisiana is no party and the ruling binds nobody there.
    d = _diff(COVERING, "--from", "2017-10-31", "--to", "2017-11-30")
    assert not [c for c in d["finding_changes"] if c["authority"].startswith("edpa-")]
    # Nor in Pennsylvania, where a district judgment is no precedent either.
    d = _diff(KEYSTONE, "--from", "2017-10-31", "--to", "2018-06-30")
    assert not [c for c in d["finding_changes"] if c["authority"].startswith("edpa-")]
    # The City, a party, still sees it.
    d = _diff(PHILADELPHIA, "--from", "2017-10-31", "--to", "2017-11-30")
    assert [c for c in d["finding_changes"] if c["authority"] == "edpa-2017-11-15"]


def test_a_question_coming_into_force_lists_only_real_changes() -> None:
    # The FY2017 grant conditions bring three questions no law-lens authority answers: their
    # law lens is empty before and after, which is no change.
    d = _diff(PHILADELPHIA, "--from", "2016-12-31", "--to", "2017-10-31")
    for c in d["changes"] + d["finding_changes"]:
        _assert_real(c)
    assert not [c for c in d["changes"] if c["question"] == "jag-1373-cert" and c["lens"] == "law"]
    text = _diff_text(PHILADELPHIA, "--from", "2016-12-31", "--to", "2017-10-31")
    assert "none \u2192 none" not in text and "none -> none" not in text


def _assert_real(c: dict[str, Any]) -> None:
    """Every field a change lists differs between its two sides."""
    if c["fields"] in (["added"], ["removed"]):  # a finding of an authority entering or leaving
        assert (c["before"] is None) is (c["fields"] == ["added"]), c
        return
    before, after = c["before"], c["after"]
    assert before and after, c  # a lens no authority speaks to is shown, never left as {}
    assert c["fields"], c
    for name in c["fields"]:
        assert before.get(name) != after.get(name), c


def _diff_text(*args: str) -> str:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = runner.invoke(app, ["diff", *args])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_steps_show_a_flip_that_flips_back() -> None:
    # The FY2017 injunction starts; DOJ's position stops being known in force; both are steps.
    d = _diff(PHILADELPHIA, "--from", "2017-10-31", "--to", "2018-06-30", "--steps")
    dates = [s["date"] for s in d["steps"]]
    assert "2017-11-15" in dates and "2018-06-07" in dates
    assert dates == sorted(dates)


def test_policies_and_reports(tmp_path: Path) -> None:
    new = tmp_path / "philadelphia.yaml"
    new.write_text(
        (ROOT / PHILADELPHIA)
        .read_text()
        .replace(
            "  victim_witness_status_sharing:\n    stance: prohibited",
            "  victim_witness_status_sharing:\n    stance: permitted",
        )
    )
    d = _diff("--policies", PHILADELPHIA, str(new), "--as-of", "2017-10-31")
    c = _change(d, "victim_witness_status_sharing", "enforcement")
    assert c["after"]["verdict"] == "compliant"
    assert c["events"][0]["text"] == "provisions.victim_witness_status_sharing changed"
    reports = []
    for path in (ROOT / PHILADELPHIA, new):
        out = tmp_path / f"{len(reports)}.json"
        result = runner.invoke(
            app, ["evaluate", str(path), "--as-of", "2017-10-31", "--format", f"json={out}"]
        )
        assert result.exit_code in (0, 1)
        reports.append(str(out))
    d = _diff("--reports", *reports)
    c = next(x for x in d["changes"] if x["provision"] == "victim_witness_status_sharing")
    assert any("policy file changed" in e["text"] for e in c["events"])
    assert not any("rule set changed" in e["text"] for e in c["events"])


def test_exit_code_and_bad_usage(tmp_path: Path) -> None:
    del tmp_path
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        changed = runner.invoke(
            app, ["diff", PHILADELPHIA, "--from", "2016-12-31", "--to", "2017-10-31", "--exit-code"]
        )
        same = runner.invoke(
            app, ["diff", PHILADELPHIA, "--from", "2017-10-31", "--to", "2017-10-31", "--exit-code"]
        )
        bad = runner.invoke(app, ["diff", PHILADELPHIA, "--from", "2017-10"])
        neither = runner.invoke(app, ["diff"])
    finally:
        os.chdir(cwd)
    assert changed.exit_code == 1
    assert same.exit_code == 0 and "No verdict" in same.stdout
    assert bad.exit_code == 2 and neither.exit_code == 2


# --- laws of diff ----------------------------------------------------------------------------

RULESET = load_ruleset([])
EFFECTS = [e for a in RULESET.authorities for e in a.effects]
POLICIES = [
    ROOT / PHILADELPHIA,
    Path(KEYSTONE),
    Path(SAVINGS),
    FIXTURES / "policies" / "dated-city.yaml",
    Path(COVERING),
]
days = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2027, 12, 31))


def _states(day: dt.date):  # type: ignore[no-untyped-def]
    return authority_states(RULESET.authorities, day)


def _policy(i: int):  # type: ignore[no-untyped-def]
    return _policy_at(str(POLICIES[i]))


def _policy_at(path: str):  # type: ignore[no-untyped-def]
    policy, problems = load_policy(Path(path), path)
    assert policy is not None, problems
    return policy


def _snap(policy, day: dt.date):  # type: ignore[no-untyped-def]
    result = evaluate_policy(policy, _states(day), registry(), Options(day), EFFECTS)
    snap = snapshot(result)
    return snap.lenses, snap.findings


@functools.cache
def _gaps(i: int) -> tuple[tuple[dt.date, dt.date], ...]:
    """The stretches of days (first, last) of 1995-2027 with no event after their first day."""
    lo, hi = dt.date(1995, 1, 1), dt.date(2027, 12, 31)
    event_days = sorted(
        {
            e.day
            for e in all_events(_policy(i), _states(lo), EFFECTS, registry())
            if lo < e.day <= hi
        }
    )
    starts = [lo, *event_days]
    ends = [d - dt.timedelta(days=1) for d in event_days] + [hi]
    return tuple(zip(starts, ends, strict=True))


@st.composite
def _quiet_days(draw: st.DrawFn) -> tuple[int, dt.date, dt.date, dt.date, dt.date]:
    """A policy, a gap between its events (first and last day), and two days inside it: every
    example checks something (random days over 33 years almost always straddle an event)."""
    i = draw(st.integers(0, len(POLICIES) - 1))
    first, last = draw(st.sampled_from(_gaps(i)))
    a = draw(st.dates(min_value=first, max_value=last))
    b = draw(st.dates(min_value=a, max_value=last))
    return i, first, a, b, last


@settings(max_examples=60, deadline=None)
@given(_quiet_days())
def test_no_event_between_two_dates_means_the_same_findings(
    drawn: tuple[int, dt.date, dt.date, dt.date, dt.date],
) -> None:
    i, first, a, b, last = drawn
    policy = _policy(i)
    # The gap's own ends too: a change an event list misses shows there whatever a and b are.
    assert _snap(policy, first) == _snap(policy, a) == _snap(policy, b) == _snap(policy, last)


def test_every_gap_between_events_is_quiet_from_end_to_end() -> None:
    for i in range(len(POLICIES)):
        policy = _policy(i)
        for first, last in _gaps(i):
            assert _snap(policy, first) == _snap(policy, last), (POLICIES[i], first, last)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(POLICIES) - 1), days)
def test_diff_of_a_date_with_itself_is_empty(i: int, a: dt.date) -> None:
    d = diff_dates(_policy(i), _states, registry(), EFFECTS, a, a)
    assert d.changes == [] and d.finding_changes == []


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(POLICIES) - 1), days, days)
def test_diff_backwards_lists_the_same_changes_reversed(i: int, a: dt.date, b: dt.date) -> None:
    policy = _policy(i)
    forward = diff_dates(policy, _states, registry(), EFFECTS, a, b)
    backward = diff_dates(policy, _states, registry(), EFFECTS, b, a)

    def key(c: dict[str, Any]) -> tuple[Any, ...]:
        return (c.get("lens"), c.get("authority"), c["question"], c["provision"])

    for c in forward.changes + forward.finding_changes:
        _assert_real(c)
    fwd = {key(c): (c["before"], c["after"]) for c in forward.changes + forward.finding_changes}
    bwd = {key(c): (c["after"], c["before"]) for c in backward.changes + backward.finding_changes}
    assert fwd == bwd


def test_a_broken_or_deeply_nested_report_is_one_located_usage_error(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": }')
    for path, where in ((deep, ":1:1: "), (bad, ":1:7: ")):
        result = CliRunner().invoke(app, ["diff", "--reports", str(path), str(path)])
        assert result.exit_code == 2, result.output
        assert f"{path}{where}not a JSON report" in result.output
        assert "internal error" not in result.output
