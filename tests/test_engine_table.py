"""Every row of the decision table in DESIGN.md, on small fixture files."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import FIXTURES, evaluate_file, fixture_authority
from sanctuary_check.inputs import load_policy

BASE = FIXTURES / "policies" / "base-city.yaml"
SAVINGS = FIXTURES / "policies" / "savings-city.yaml"
DATED = FIXTURES / "policies" / "dated-city.yaml"


def test_step1_outside_scope_is_not_applicable_with_citation() -> None:
    f = evaluate_file(BASE).finding("detainer_holds")
    assert f.verdict.value == "not_applicable"
    assert f.basis.value == "outside_scope"
    assert f.citations and f.citations[0].url == "https://example.org/act"


def test_step2_no_rule_and_no_scope_entry_is_unknown_reading_not_encoded() -> None:
    f = evaluate_file(BASE).finding("courthouse_access")
    assert f.verdict.value == "unknown"
    assert f.basis.value == "default"
    assert f.reason_code == "reading_not_encoded"
    assert f.rule is None


def test_step3_absent_provision_is_unknown_never_compliant() -> None:
    # base-city encodes nothing on victims (no child clause) ... but it does on the parent;
    # an authority rule on a key with neither child nor parent clause is status_request_federal.
    auth = fixture_authority()
    data = yaml.safe_load(BASE.read_text())
    del data["provisions"]["status_sharing"]
    path = FIXTURES / "policies" / "base-city.yaml"
    ev = _evaluate_data(data, path.name, [auth])
    f = ev.finding("victim_witness_status_sharing")
    assert f.verdict.value == "unknown"
    assert f.basis.value == "rule"
    assert f.reason_code == "no_clause"


def test_step4_not_addressed_is_compliant_under_forbids_and_conflict_under_requires() -> None:
    data = yaml.safe_load(BASE.read_text())
    data["provisions"]["status_sharing"] = {
        "stance": "not_addressed",
        "documents_reviewed": ["ord-1"],
        "source": {"instrument": "ord-1", "section": "2", "evidence": ["news-1"]},
        "confidence": "high",
    }
    ev = _evaluate_data(data, "base-city.yaml", [fixture_authority()])
    assert ev.verdict("status_sharing") == "compliant"
    assert ev.finding("status_sharing").reason_code == "not_addressed"
    # facility_access is not_addressed in base-city and the rule requires a measure.
    assert ev.verdict("facility_access") == "conflict"


def test_not_addressed_is_rejected_unless_its_documents_were_read_in_full() -> None:
    policy, problems = load_policy(FIXTURES / "policies" / "unread-city.yaml", "unread-city.yaml")
    assert policy is None
    assert [p.code for p in problems] == ["not-read-in-full"]
    path = FIXTURES / "policies" / "unread-city.yaml"
    assert (problems[0].line, problems[0].column) == (
        _line_of(path, "documents_reviewed: [memo-1]"),
        len("    documents_reviewed: [") + 1,
    )


def test_step5_open_question_is_unknown_with_the_question() -> None:
    f = evaluate_file(BASE).finding("status_recording")
    assert f.verdict.value == "unknown"
    assert f.reason_code == "open_question"
    assert "Whether recording counts as maintaining" in (f.reason or "")


def test_step6_two_clauses_on_one_key_give_the_worse_verdict() -> None:
    path = FIXTURES / "policies" / "two-clauses.yaml"
    f = evaluate_file(path).finding("victim_witness_status_sharing")
    assert f.verdict.value == "conflict"
    # The finding points at the clause that decided it, and shows the lower confidence.
    assert f.policy_location is not None
    assert (f.policy_location.line, f.policy_location.column) == (
        _line_of(path, "- stance: prohibited"),
        len("      - ") + 1,
    )
    assert f.confidence == "low"
    assert any("worst clause: victim_witness_status_sharing[1]" in s.text for s in f.trace)
    # And with the prohibition gone, the permitting clause decides.
    data = yaml.safe_load(path.read_text())
    data["provisions"]["victim_witness_status_sharing"]["clauses"].pop(1)
    ev = _evaluate_data(data, "two-clauses.yaml", [fixture_authority()])
    assert ev.verdict("victim_witness_status_sharing") == "compliant"


def test_all_of_exception_counts_only_when_every_part_is_honoured() -> None:
    # base-city's status_sharing: all_of [judicial_warrant, criminal_suspect]; the rule honours
    # judicial_warrant only, so the alternative is not honoured and the restriction conflicts.
    assert evaluate_file(BASE).verdict("status_sharing") == "conflict"
    data = yaml.safe_load(BASE.read_text())
    data["provisions"]["status_sharing"]["exceptions"] = ["judicial_warrant"]
    ev = _evaluate_data(data, "base-city.yaml", [fixture_authority()])
    assert ev.verdict("status_sharing") == "compliant"


def test_exception_class_must_match_when_the_rule_names_classes() -> None:
    data = yaml.safe_load(BASE.read_text())
    clauses = data["provisions"]["personal_information_sharing"]["clauses"]
    clauses[1]["exceptions"] = [{"all_of": ["judicial_warrant", "conviction"]}]
    f = _evaluate_data(data, "base-city.yaml", [fixture_authority()]).finding(
        "personal_information_sharing"
    )
    assert f.verdict.value == "unknown"  # conviction of an unencoded class: cannot tell


def test_savings_clause_changes_the_verdict_only_where_the_rule_names_it() -> None:
    before = evaluate_file(SAVINGS, as_of="2005-05-31")
    after = evaluate_file(SAVINGS, as_of="2005-06-01")
    assert before.verdict("release_notification") == "conflict"
    assert after.verdict("release_notification") == "compliant"
    # The status_sharing rule does not name a savings clause: the reading changes nothing there.
    assert before.verdict("status_sharing") == "conflict"
    assert after.verdict("status_sharing") == "conflict"
    # The reading is known only from det-1: the finding says so, and the comparison is in-sample.
    f = after.finding("release_notification")
    assert f.derived_from == ["det-1"]
    (check,) = after.result.determinations
    assert check.in_sample is True


def test_absent_savings_clauses_are_unknown_not_absent() -> None:
    data = yaml.safe_load(SAVINGS.read_text())
    del data["savings_clauses"]
    for d in data["determinations"]:
        d.pop("derived_from", None)
    del data["determinations"]
    ev = _evaluate_data(data, "savings-city.yaml", [fixture_authority()])
    f = ev.finding("release_notification")
    assert f.verdict.value == "unknown"
    assert "savings clauses were not encoded" in (f.reason or "")


def test_binds_holder_reads_the_agencies() -> None:
    assert evaluate_file(BASE).verdict("custody_status_sharing") == "conflict"
    data = yaml.safe_load(BASE.read_text())
    data["provisions"]["custody_status_sharing"]["binds"] = ["police"]
    ev = _evaluate_data(data, "base-city.yaml", [fixture_authority()])
    # What the police hold was never encoded: unknown, not compliant.
    assert ev.verdict("custody_status_sharing") == "unknown"
    data["agencies"][0]["holds"] = []
    ev = _evaluate_data(data, "base-city.yaml", [fixture_authority()])
    assert ev.verdict("custody_status_sharing") == "compliant"


def test_child_rule_reads_parent_clause_and_says_so() -> None:
    f = evaluate_file(BASE).finding("victim_witness_status_sharing")
    assert f.verdict.value == "conflict"
    assert any("reading its parent status_sharing" in s.text for s in f.trace)


def test_clause_not_yet_in_force_is_absent_and_parent_is_read() -> None:
    ev = evaluate_file(DATED, as_of="2015-12-31")
    f = ev.finding("victim_witness_status_sharing")
    # EO 1 (victims) takes effect 2016-01-04; before then the parent (EO 2, 2009-11) decides.
    assert f.verdict.value == "conflict"
    assert any("not in force" in s.text for s in f.trace)
    assert ev.verdict("victim_witness_status_sharing") == "conflict"


def test_as_of_inside_an_imprecise_boundary_is_unknown_with_the_reason() -> None:
    ev = evaluate_file(DATED, as_of="2009-11-15")
    f = ev.finding("status_sharing")
    assert f.verdict.value == "unknown"
    assert "2009-11" in (f.reason or "")
    assert evaluate_file(DATED, as_of="2009-10-31").verdict("status_sharing") == "unknown"
    assert evaluate_file(DATED, as_of="2009-10-31").finding("status_sharing").reason_code == (
        "not_in_force"
    )
    assert evaluate_file(DATED, as_of="2009-12-01").verdict("status_sharing") == "conflict"


def test_a_compliant_clause_of_uncertain_date_alone_is_unknown_never_compliant() -> None:
    # Inside the month EO 2 took effect, a permitted clause may not exist yet, and then nothing
    # would be encoded: compliant would rest on a clause that may be silence.
    data = yaml.safe_load(DATED.read_text())
    data["provisions"]["status_sharing"] = {
        "stance": "permitted",
        "source": {"instrument": "eo-2", "section": "3", "evidence": ["news-1"]},
        "confidence": "high",
    }
    inside = _evaluate_data(data, DATED.name, [fixture_authority()], as_of="2009-11-15")
    f = inside.finding("status_sharing")
    assert f.verdict.value == "unknown"
    assert "would be compliant if in force" in (f.reason or "") and "2009-11" in (f.reason or "")
    after = _evaluate_data(data, DATED.name, [fixture_authority()], as_of="2009-12-01")
    assert after.verdict("status_sharing") == "compliant"
    # Beside a clause surely in force it cannot change the answer, so it stands.
    data["sources"].append(
        {"id": "eo-0", "kind": "instrument", "title": "Executive Order 0", "adopted": "2005-01-01",
         "read": "full", "url": "https://example.org/eo-0", "quality": "gov"}
    )  # fmt: skip
    earlier = {
        "stance": "permitted",
        "source": {"instrument": "eo-0", "section": "1", "evidence": ["news-1"]},
        "confidence": "high",
    }
    data["provisions"]["status_sharing"] = {
        "clauses": [data["provisions"]["status_sharing"], earlier]
    }
    beside = _evaluate_data(data, DATED.name, [fixture_authority()], as_of="2009-11-15")
    assert beside.verdict("status_sharing") == "compliant"


def test_dated_states_select_the_state_in_force() -> None:
    assert evaluate_file(DATED, as_of="2018-06-30").verdict("release_notification") == "conflict"
    assert evaluate_file(DATED, as_of="2018-07-01").verdict("release_notification") == "compliant"


def test_renaming_the_jurisdiction_changes_no_verdict(tmp_path: Path) -> None:
    data = yaml.safe_load(BASE.read_text())
    data["id"] = "renamed-town"
    data["name"] = "Town Formerly Known As Base"
    renamed = tmp_path / "renamed-town.yaml"
    renamed.write_text(
        BASE.read_text()
        .replace("id: base-city", "id: renamed-town")
        .replace("name: City of Base", "name: Town Formerly Known As Base")
    )
    a = evaluate_file(BASE).result
    b = evaluate_file(renamed).result
    assert [(f.provision, f.verdict, f.basis) for f in a.findings] == [
        (f.provision, f.verdict, f.basis) for f in b.findings
    ]
    assert a.by_authority == b.by_authority


def test_by_authority_standards() -> None:
    auth = fixture_authority()
    ev = evaluate_file(BASE, authorities=[auth])
    assert ev.result.by_authority["tst-2000-table"].value == "conflict"
    data = yaml.safe_load(BASE.read_text())
    for key in (
        "status_sharing",
        "facility_access",
        "release_notification",
        "custody_status_sharing",
    ):
        data["provisions"].pop(key)
    data["provisions"]["personal_information_sharing"]["clauses"].pop(1)
    ev = _evaluate_data(data, "base-city.yaml", [auth])
    # all_decided: with unknowns left, the jurisdiction is unknown, never a bare compliant.
    assert ev.result.by_authority["tst-2000-table"].value == "unknown"
    assert "courthouse_access" in ev.result.by_authority_unknown["tst-2000-table"]


def test_determinations_are_compared_not_read() -> None:
    # savings-city records a compliance determination; deleting it changes no verdict.
    data = yaml.safe_load(SAVINGS.read_text())
    with_det = _evaluate_data(data, "savings-city.yaml", [fixture_authority()], as_of="2006-01-01")
    data["savings_clauses"][0]["readings"][0].pop("derived_from")
    data.pop("determinations")
    without = _evaluate_data(data, "savings-city.yaml", [fixture_authority()], as_of="2006-01-01")
    assert [f.verdict for f in with_det.result.findings] == [
        f.verdict for f in without.result.findings
    ]
    (check,) = with_det.result.determinations
    assert check.compares_as is not None and check.compares_as.value == "compliant"
    assert check.agrees is False  # the engine still finds status_sharing in conflict
    assert check.differences == ["status_sharing", "victim_witness_status_sharing"]


# --- helpers ----------------------------------------------------------------------------------


def _evaluate_data(data: dict, name: str, authorities: list, as_of: str = "2020-01-01"):  # type: ignore[no-untyped-def,type-arg]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return evaluate_file(path, as_of=as_of, authorities=authorities)


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)
