"""Work done once per rule set, not once per policy, must not change a byte of any report.

A finding no policy text went into is built once and shared (report.SharedFinding), its JSON text
kept; a rule's citations are resolved once; dates are parsed once. Each is checked here against
the same work done afresh, over the whole corpus on dates that put different authorities,
effects and in-force states in play.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from sanctuary_check import engine
from sanctuary_check.citations import cite_all
from sanctuary_check.inputs import load_policy
from sanctuary_check.model import Finding
from sanctuary_check.render import json as json_format
from sanctuary_check.report import SharedFinding, _finding_dict, finding_dict, policy_dict
from sanctuary_check.session import open_session
from sanctuary_check.timeline import DateError, _parse_uncached, parse_partial

POLICIES = [
    *sorted((ROOT / "policies").glob("*.yaml")),
    FIXTURES / "policies" / "keystone-town.yaml",
    FIXTURES / "policies" / "savings-reading-town.yaml",
]
DATES = ["2016-12-31", "2017-10-31", "2018-06-15", "2018-07-27", "2019-06-30", "2021-03-01"]


def _policies() -> list:  # type: ignore[type-arg]
    out = []
    for path in POLICIES:
        policy, problems = load_policy(path, str(path))
        assert policy is not None, problems
        out.append(policy)
    return out


def _policy_specific(f: Finding) -> bool:
    return bool(
        f.policy_location
        or f.policy_citations
        or f.related_locations
        or f.derived_from
        or f.determination
        or f.waived
        or f.spun_only
    )


@pytest.mark.parametrize("as_of", DATES)
def test_a_shared_finding_is_what_building_it_afresh_gives(as_of: str) -> None:
    session = open_session(as_of)
    shared = 0
    for policy in _policies():
        result = session.evaluate(policy)
        for f in result.findings:
            got = finding_dict(f, trace=False)
            assert got == _finding_dict(f, trace=False), (policy.id, f.authority, f.provision)
            # Shared only when no policy text went into it, and never with a trace.
            assert (type(got) is SharedFinding) is not _policy_specific(f)
            assert type(finding_dict(f, trace=True)) is dict
            shared += type(got) is SharedFinding
        # The streamed JSON text of the policy is the plain encoding of its data.
        data = policy_dict(result, False, [])
        fresh = {**data, "findings": [_finding_dict(f, False) for f in result.findings]}
        assert json.loads(json_format.policy_text(data)) == json.loads(json.dumps(fresh))
    assert shared  # the corpus has readings not encoded and provisions outside scope


def test_a_shared_finding_is_the_same_object_for_every_policy_that_meets_it() -> None:
    session = open_session("2017-10-31")
    first, second = (session.evaluate(p) for p in _policies()[:2])
    key = ("usc-8-1373", "sec-1373", "status_inquiry")  # outside 1373's scope, for everyone
    a, b = (
        next(f for f in r.findings if (f.authority, f.question, f.provision) == key)
        for r in (first, second)
    )
    assert finding_dict(a, False) is finding_dict(b, False)


def test_rule_citations_are_resolved_once_and_handed_out_as_copies() -> None:
    session = open_session("2017-10-31")
    for authority in session.authorities:
        for rule in authority.rules:
            once = engine._rule_citations(authority, rule.citations)
            again = engine._rule_citations(authority, rule.citations)
            assert once == again == cite_all(authority.sources, rule.citations)
            assert once is not again  # a finding may not change another's list
            once.clear()
            assert engine._rule_citations(authority, rule.citations) == again


@pytest.mark.parametrize("raw", ["2017", "2017-02", "2016-02", "2017-10-11", "2017-02-30", "x"])
def test_a_parsed_date_is_the_same_parsed_twice_or_afresh(raw: str) -> None:
    try:
        fresh = _parse_uncached(raw)
    except DateError:
        for _ in range(2):
            with pytest.raises(DateError):
                parse_partial(raw)
        return
    assert parse_partial(raw) == parse_partial(raw) == fresh


def test_the_report_of_a_run_is_the_same_whatever_the_caches_hold(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sanctuary_check.cli import app

    runner = CliRunner()
    args = ["evaluate", str(ROOT / "policies"), "--as-of", "2018-06-15", "--fail-on", "never"]
    first = runner.invoke(app, [*args, "--format", f"json={tmp_path / 'a.json'}"])
    # Empty every cache, then run again: the bytes must not move.
    engine._CITED.clear()
    json_format.forget()
    from sanctuary_check import report

    report._SHARED.clear()
    report._BY_IDENTITY.clear()
    report._KEPT.clear()
    second = runner.invoke(app, [*args, "--format", f"json={tmp_path / 'b.json'}"])
    assert first.exit_code == second.exit_code == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_worker_sends_each_shared_text_once_then_by_number() -> None:
    """--jobs N: a worker's JSON of a policy names the shared texts it sent before by number,
    and the parent puts back exactly the text the policy would have had."""
    from sanctuary_check import stream

    session = open_session("2018-06-15")
    seen: list[int] = []
    used = 0
    for policy in _policies():
        data = policy_dict(session.evaluate(policy), False, [])
        packed = stream._pack(data)
        numbers = [p for p in packed.parts if isinstance(p, int)]
        assert numbers, policy.id  # every policy has shared findings
        used += len(numbers)
        # A number is sent with its text the first time only.
        assert not set(packed.new) & set(seen), policy.id
        seen.extend(packed.new)
        assert stream._unpack(packed) == json_format.policy_text(data), policy.id
    # The policies share most of their findings: far fewer texts went than numbers stood in.
    assert len(seen) * 5 < used
