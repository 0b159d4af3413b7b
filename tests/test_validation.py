"""Schema and semantic problems: located at path:line:column, with stable codes and hints."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, ROOT
from sanctuary_check.inputs import load_policy
from sanctuary_check.loading import PathKey, load_text, walk
from sanctuary_check.ruleset import builtin_rules_dir, load_rule_file, load_ruleset, registry
from sanctuary_check.schemas import NAMES, SchemaName, bundled, enum_of, validator
from sanctuary_check.validation import check_document

GOOD = """\
id: {id}
name: Town
kind: city
state: ZZ
sources:
  - {{id: ord, kind: instrument, title: Ord, adopted: "2000-01-01", read: full}}
  - {{id: ev, kind: evidence, url: "https://example.org", quality: news, read: full}}
provisions:
  status_sharing:
    stance: restricted
    source: {{instrument: ord, section: "1", evidence: [ev]}}
    confidence: high
"""


def _write(tmp_path: Path, text: str, name: str = "town.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def _problems(path: Path) -> list[tuple[int, int, str]]:
    _, problems = load_policy(path, path.name)
    return [(p.line, p.column, p.code) for p in problems]


def test_good_policy_has_no_problems(tmp_path: Path) -> None:
    assert _problems(_write(tmp_path, GOOD.format(id="town"))) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("stance: restricted", "stance: restriced", (10, 13, "schema-enum")),
        ("  status_sharing:", "  status_shareing:", (9, 3, "schema-unknown-key")),
        ("kind: city", "kind: city\nmayor: x", (4, 1, "schema-unknown-key")),
        ("state: ZZ\n", "", (1, 1, "schema-required")),
        (
            "    confidence: high\n",
            "    confidence: high\n    binds: [nobody]\n",
            (13, 13, "undefined-agency"),
        ),
        ("evidence: [ev]", "evidence: [evv]", (11, "evv]", "undefined-source")),
        ('adopted: "2000-01-01"', 'adopted: "2000-02-30"', (6, '"2000-02-30"', "bad-date")),
        ('section: "1", ', "", (11, 13, "section-unconfirmed")),
        ("id: town", "id: other", (1, 5, "id-mismatch")),
    ],
)
def test_each_problem_is_located_with_a_code(
    tmp_path: Path, old: str, new: str, expected: tuple[int, int, str]
) -> None:
    text = GOOD.format(id="town").replace(old, new, 1)
    assert new in text
    line, column, code = expected
    if isinstance(column, str):  # the column of a token on that line
        column = text.splitlines()[line - 1].index(column) + 1
    got = _problems(_write(tmp_path, text))
    assert (line, column, code) in got, got


def test_hints(tmp_path: Path) -> None:
    text = GOOD.format(id="town").replace("stance: restricted", "stance: restriced")
    _, problems = load_policy(_write(tmp_path, text), "town.yaml")
    assert "did you mean 'restricted'?" in problems[0].message
    text = GOOD.format(id="town").replace("  status_sharing:", "  status_shareing:")
    _, problems = load_policy(_write(tmp_path, text), "town.yaml")
    assert "did you mean 'status_sharing'?" in problems[0].message
    text = GOOD.format(id="town").replace(
        "sources:", "agencies:\n  - {id: jail, name: Jail, independent: yes}\nsources:"
    )
    _, problems = load_policy(_write(tmp_path, text), "town.yaml")
    assert "write true or false" in problems[0].message
    column = text.splitlines()[5].index("yes") + 1
    assert str(problems[0]).startswith(f"town.yaml:6:{column}: error:")


def test_schema_enums_match_the_registry() -> None:
    reg = registry()
    assert enum_of("provision") == list(reg.provisions)
    assert enum_of("question") == list(reg.questions)
    assert enum_of("information") == list(reg.information)
    for child, parent in reg.provisions.items():
        assert parent is None or parent in reg.provisions, child


def test_bundled_schemas_are_valid_and_self_contained() -> None:
    from jsonschema import Draft202012Validator

    for name in NAMES:
        schema = bundled(name)
        Draft202012Validator.check_schema(schema)
        assert "common.json" not in str(schema)
        validator(name)


def test_every_shipped_rule_file_and_policy_is_valid() -> None:
    rs = load_ruleset([])
    assert [str(p) for p in rs.problems] == []
    assert {a.id for a in rs.authorities} >= {"usc-8-1373", "doj-2017-10-11"}
    for path in sorted((ROOT / "policies").glob("*.yaml")):
        policy, problems = load_policy(path, str(path))
        assert policy is not None and problems == [], [str(p) for p in problems]


def test_every_rule_and_clause_cites_instrument_and_evidence() -> None:
    for authority in load_ruleset([]).authorities:
        for rule in authority.rules:
            assert rule.citations, rule.id
            for c in rule.citations:
                assert authority.sources[c.instrument].kind == "instrument"
                for ev in c.evidence:
                    src = authority.sources[ev]
                    assert src.url and src.quality, (authority.id, rule.id, ev)
    for path in sorted((ROOT / "policies").glob("*.yaml")):
        policy, _ = load_policy(path, str(path))
        assert policy is not None
        for clauses in policy.provisions.values():
            for clause in clauses:
                assert clause.source.instrument in policy.sources
                assert clause.source.evidence, clause.label()
                for ev in clause.source.evidence:
                    assert policy.sources[ev].url and policy.sources[ev].quality


def test_rule_file_problems(tmp_path: Path) -> None:
    text = (builtin_rules_dir() / "usc-8-1373.yaml").read_text()
    bad = text.replace("kind: forbids_restriction", "kind: forbid_restriction", 1)
    path = _write(tmp_path, bad, "usc-8-1373.yaml")
    authority, problems = load_rule_file(path, "usc-8-1373.yaml")
    assert authority is None
    assert problems[0].code == "schema-enum"
    assert "did you mean 'forbids_restriction'?" in problems[0].message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # A known end and a "by" day say two things about one end.
        (
            "effective_until: null\n",
            'effective_until: "2020-01-01"\nended_by_date: "2021-01-01"\n',
            "use it with effective_until: unknown",
        ),
        # Ended before it is last known in force.
        (
            "effective_until: null\n",
            'effective_until: unknown\nlast_known_in_force: "2020-06-01"\n'
            'ended_by_date: "2020-05-01"\n',
            "ended_by_date 2020-05-01 is not after last_known_in_force 2020-06-01",
        ),
    ],
)
def test_ended_by_date_must_fit_the_window(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = (builtin_rules_dir() / "usc-8-1373.yaml").read_text()
    assert old in text
    bad = text.replace(old, new, 1)
    path = _write(tmp_path, bad, "usc-8-1373.yaml")
    _, problems = load_rule_file(path, "usc-8-1373.yaml")
    (problem,) = [p for p in problems if p.code == "window-order"]
    line = bad.splitlines().index(
        next(x for x in bad.splitlines() if x.startswith("ended_by_date"))
    )
    assert (problem.line, problem.column) == (line + 1, 16)
    assert message in problem.message


def test_duplicate_authority_id_across_rule_sets_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "usc-8-1373.yaml").write_text((builtin_rules_dir() / "usc-8-1373.yaml").read_text())
    rs = load_ruleset([tmp_path])
    assert [p.code for p in rs.problems] == ["duplicate-authority"]
    assert [a.id for a in rs.authorities].count("usc-8-1373") == 1


def test_overlapping_states_of_one_clause(tmp_path: Path) -> None:
    text = GOOD.format(id="town").replace(
        "    confidence: high\n",
        "    confidence: high\n    states:\n"
        '      - {effective_from: "2001-01-01", effective_until: "2005-01-01"}\n'
        '      - {effective_from: "2004-01-01"}\n',
    )
    got = _problems(_write(tmp_path, text))
    assert (15, 9, "overlapping-states") in got, got
    fixed = text.replace('effective_from: "2004-01-01"', 'effective_from: "2005-01-01"')
    assert _problems(_write(tmp_path, fixed)) == []


RULE = """\
id: tst-2001-{slug}
title: T
kind: court_ruling
issuer: tst
citation: T
effective_from: "2001-01-01"
court: {{id: {court}, published: true}}
scope: {{kind: parties, parties: [town]}}
status: holding
standard: all_decided
questions: [sec-1373]
confidence: high
sources:
  - {{id: op, kind: instrument, title: Op, read: full}}
  - {{id: ev, kind: evidence, url: "https://example.org", quality: court, read: full}}
rules: []
effects:
  - id: e1
    kind: injunction
    target: {target}
    scope: {{kind: parties, parties: [town]}}
    summary: S
    citations: [{{instrument: op, section: "1", evidence: [ev]}}]
    confidence: high
"""


@pytest.mark.parametrize(
    ("court", "target", "code"),
    [
        ("edpa", "{authority: no-such-authority}", "undefined-authority"),
        ("edpa", "{authority: usc-8-1373, rules: [no-such-rule]}", "undefined-rule"),
        ("edpa", "{authority: usc-8-1373, effect: no-such-effect}", "undefined-effect"),
        ("no-such-court", "{authority: usc-8-1373}", "unknown-court"),
    ],
)
def test_rule_set_hygiene(tmp_path: Path, court: str, target: str, code: str) -> None:
    slug = code.replace("-", "")
    (tmp_path / f"tst-2001-{slug}.yaml").write_text(
        RULE.format(slug=slug, court=court, target=target)
    )
    rs = load_ruleset([tmp_path])
    # An unknown court is a warning (the ruling then binds only its parties); the rest are errors.
    severity = "warning" if code == "unknown-court" else "error"
    found = [p for p in rs.problems if p.code != "unknown-issuer"]
    assert [(p.code, p.severity) for p in found] == [(code, severity)]
    assert found[0].path.endswith(f"tst-2001-{slug}.yaml") and found[0].line > 1


def test_court_chains_without_cycles() -> None:
    from sanctuary_check.ruleset import CourtInfo, Registry, court_problems

    reg = registry()
    assert court_problems(reg) == []
    looped = dict(reg.courts)
    looped["scotus"] = CourtInfo("scotus", "S", "supreme", "edpa", ())
    bad = Registry(
        reg.provisions, reg.provision_titles, reg.questions, reg.issuers, reg.information, looped
    )
    assert "court-cycle" in {p.code for p in court_problems(bad)}


def test_validate_checks_the_courts_file_it_is_given(tmp_path: Path) -> None:
    from sanctuary_check.validate import validate_paths

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    courts = rules / "_registry" / "courts.yaml"
    text = courts.read_text()
    text = text.replace("level: supreme}", "level: supreme, under: edpa}")
    text = text.replace(
        "  edcal: {", "  xdcal: {name: X, level: district, under: 99th-cir}\n  edcal: {"
    )
    courts.write_text(text.replace("  sdny: {", "  # sdny: {"))
    lines = courts.read_text().splitlines()
    at = {
        name: (n, line.index("under:") + len("under: ") + 1)
        for n, line in enumerate(lines, 1)
        for name in ("scotus", "xdcal")
        if line.startswith(f"  {name}:")
    }
    found = [(p.path, p.line, p.column, p.code) for p in validate_paths([str(rules)]).problems()]
    assert sorted(found) == sorted(
        [
            (str(courts), *at["scotus"], "court-cycle"),  # once, not once per court above
            (str(courts), *at["xdcal"], "unknown-court"),
            # The rule files of the run name their courts against the file given, not the
            # built-in one: the S.D.N.Y. ruling's court is commented out of it.
            (str(rules / "sdny-2018-11-30.yaml"), 15, 8, "unknown-court"),
        ]
    )


def test_validate_reports_rule_set_hygiene(tmp_path: Path) -> None:
    from sanctuary_check.validate import validate_paths

    (tmp_path / "tst-2001-bad.yaml").write_text(
        RULE.format(slug="bad", court="edpa", target="{authority: no-such-authority}")
    )
    result = validate_paths([str(tmp_path)])
    codes = [p.code for p in result.problems() if p.severity == "error"]
    assert codes == ["undefined-authority"]
    assert result.failed


def _shapes(text: str) -> Iterator[tuple[PathKey, Any]]:
    for where, _ in walk(load_text(text, "x.yaml").data):
        for wrong in (None, 7, "x", [], {}, [7], {"x": 7}):
            if where:
                yield where, wrong


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("validate/policies/good-town.yaml", "policy"),
        ("validate/policies/date-too-precise.yaml", "policy"),
        ("validate/rules/doj-2001-scoped.yaml", "rules"),
        ("validate/waivers.yaml", "waivers"),
    ],
)
def test_checks_of_meaning_survive_any_value_of_the_wrong_shape(
    fixture: str, kind: SchemaName
) -> None:
    """The checks of meaning run beside the schema's on a file it rejects: any value replaced
    by one of another shape gives problems, never an exception, and never two at one place."""
    path = FIXTURES / fixture
    text = path.read_text()
    for where, wrong in _shapes(text):
        doc = load_text(text, path.name)
        parent = doc.data
        for part in where[:-1]:
            parent = parent[part]
        parent[where[-1]] = wrong
        problems = check_document(doc, kind)
        places = [(p.line, p.column) for p in problems if not p.code.startswith("schema")]
        schema = {(p.line, p.column) for p in problems if p.code.startswith("schema")}
        assert not set(places) & schema, (where, wrong, [str(p) for p in problems])
