"""`rules list`, `rules show` and `rules doc`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from sanctuary_check.catalog import Catalog, Entry
from sanctuary_check.cli import app
from sanctuary_check.session import open_session

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    return " ".join(text.split())


def test_list_shows_authorities_in_and_out_of_force() -> None:
    code, out, _ = invoke("rules", "list", "--as-of", "2016-12-31")
    assert code == 0
    text = flat(out)
    assert "usc-8-1373 · in force on 2016-12-31" in text
    assert "doj-2017-10-11 · not in force on 2016-12-31" in text
    assert "in force from 2017-10-11 until unknown (last known in force 2018-06-06)" in text
    assert "scope nationwide" in text
    assert "questions: sec-1373" in text
    assert "usc-8-1373/release-notification sec-1373 release_notification" in text
    assert "(forbids_restriction; open question)" in text
    assert "outside scope for sec-1373 (5): status_inquiry, detainer_holds" in text
    assert "reading not encoded (8): sec-1373/status_recording" in text


def test_list_with_an_unknown_in_force_state() -> None:
    code, out, _ = invoke("rules", "list", "--as-of", "2020-01-01")
    assert code == 0
    assert "whether in force on 2020-01-01 is unknown" in flat(out)


def test_show_a_rule_in_plain_words() -> None:
    code, out, _ = invoke(
        "rules", "show", "doj-2017-10-11/release-notification", "--as-of", "2017-10-31"
    )
    assert code == 0
    text = flat(out)
    assert out.startswith("doj-2017-10-11/release-notification\n  rules/doj-2017-10-11.yaml:")
    assert "In plain words DOJ treated a policy of not telling federal immigration" in text
    assert (
        "Condition (conflict when the clause in force meets it) the clause is prohibited or "
        "restricted Citations" in text
    )
    assert "in force on 2017-10-31" in text
    assert "DOJ OJP letters of Oct. 11, 2017 (Acting AAG Hanson), section unconfirmed" in text
    assert (
        "s23: https://phillymag.com/news/2017/10/12/doj-letter-philly-immigration-law [news]"
        in text
    )
    assert "[adv]" in text
    # The injunctions reached the grant conditions, not the letter.
    assert "Effects on it none recorded in the loaded rule sets" in text
    _, out, _ = invoke("rules", "show", "ojp-2017-07-25-jag/status-sharing")
    effects = flat(out.split("Effects on it", 1)[1])
    assert "fy2017-jag-certification-injunction" in effects
    assert "conditions-permanent-injunction" in effects


def test_show_an_open_question_and_a_scope_entry() -> None:
    _, out, _ = invoke("rules", "show", "usc-8-1373/release-notification")
    assert "Open question (every finding on a clause is unknown until it is settled)" in out
    _, out, _ = invoke("rules", "show", "usc-8-1373/outside-scope/detainer_holds")
    assert "every finding on it is not_applicable" in flat(out)
    assert "Why it is outside the scope" in out


def test_show_an_authority() -> None:
    code, out, _ = invoke("rules", "show", "usc-8-1373")
    assert code == 0
    text = flat(out)
    assert "citation: 8 U.S.C. 1373; IIRIRA sec. 642" in text
    assert "issuer: usc (United States Code (Congress))" in text
    assert "Summary 1373(a) bars any government entity" in text
    assert "s1 (evidence, read: full) https://instalawyer.io/laws/us-code/1373 [law]" in text


def test_show_an_authority_with_no_rules_of_its_own() -> None:
    code, out, _ = invoke("rules", "show", "edpa-2018-06-06")
    assert code == 0
    rules = flat(out.split("\nRules and scope\n", 1)[1].split("\nSources\n", 1)[0])
    assert rules == (
        "none of its own; it acts through the effects it declares on other authorities (below)"
    )


def test_show_an_unknown_id_suggests() -> None:
    code, _, err = invoke("rules", "show", "usc-8-1373/status-shareing")
    assert code == 2
    assert "did you mean usc-8-1373/status-sharing" in flat(err)


def test_effects_on_a_rule_are_found_in_other_authorities_files() -> None:
    catalog = Catalog(open_session("2020-01-01"))
    usc = next(a for a in catalog.authorities if a.id == "usc-8-1373")
    rule = next(r for r in usc.rules if r.id == "status-sharing")
    on_rule = catalog.effects_on(Entry(usc, rule=rule))
    found = {(e.by, e.data["kind"]): e for e in on_rule}
    assert ("edpa-2018-06-06", "holding_unconstitutional") in found
    assert (
        "parties: philadelphia" in found[("edpa-2018-06-06", "holding_unconstitutional")].summary()
    )
    jag = next(a for a in catalog.authorities if a.id == "ojp-2017-07-25-jag")
    cert = next(r for r in jag.rules if r.id == "status-sharing")
    on_jag = {e.data["id"] for e in catalog.effects_on(Entry(jag, rule=cert))}
    assert on_jag >= {"fy2017-jag-certification-injunction", "conditions-permanent-injunction"}


def test_doc_markdown_puts_the_law_beside_the_code(in_repo: Path) -> None:
    code, out, _ = invoke("rules", "doc")
    assert code == 0
    assert out.startswith("# Authorities and their encoding\n")
    for ident in ("usc-8-1373/status-sharing", "doj-2017-10-11/release-notification"):
        section = out.split(f"### {ident}\n", 1)[1].split("\n### ", 1)[0]
        assert "**The law**" in section and "**The encoding**" in section
        assert "```yaml\n- id: " in section and "when:" in section
        assert "**Tests that exercise it:**" in section
        assert "tests/expectations/philadelphia.yaml:" in section
    assert "**Pinpoints cited:**" in out
    assert "- 8 U.S.C. 1373, section (b)(2): usc-8-1373/status-recording" in out
    assert "[s1](https://instalawyer.io/laws/us-code/1373) [law]" in out


HOSTILE = """\
id: tst-2001-hostile
title: "Hostile <script>alert(1)</script> & \\e[31mred"
kind: statute
issuer: tst
citation: "Act <b>1</b>"
effective_from: "2001-01-01"
status: text
standard: all_decided
questions: [sec-1373]
confidence: high
summary: "</pre><script>alert(2)</script> `code` [link](javascript:alert(3))"
sources:
  - {id: act, kind: instrument, title: "A <i>t", read: full}
  - {id: ev, kind: evidence, url: "https://example.org/a?b=<x>&c=\\"d\\"", quality: law, read: full}
rules:
  - id: r
    question: sec-1373
    provision: status_sharing
    kind: forbids_restriction
    when: {stance: [prohibited]}
    message: "<img src=x onerror=alert(4)> ``` fence"
    citations: [{instrument: act, section: "<1>", evidence: [ev], quote: "<q>"}]
    confidence: high
"""


@pytest.fixture
def hostile_rules(tmp_path: Path) -> Path:
    path = tmp_path / "tst-2001-hostile.yaml"
    path.write_text(HOSTILE)
    return path


def test_a_citation_of_a_whole_section_says_so_once(in_repo: Path) -> None:
    # 8 U.S.C. 1644 is one short section, cited whole ("entire section" in its file).
    for args in (("rules", "doc"), ("rules", "show", "usc-8-1644/status-sharing")):
        out = flat(invoke(*args)[1])
        assert "8 U.S.C. 1644, whole section" in out
        assert "section entire section" not in out


def test_doc_html_is_self_contained_and_escapes_the_files(
    hostile_rules: Path, tmp_path: Path
) -> None:
    out_file = tmp_path / "rules.html"
    code, out, _ = invoke(
        "rules", "doc", "--rules", str(hostile_rules), "--format", f"html={out_file}"
    )
    assert code == 0 and out == ""
    page = out_file.read_text()
    assert page.startswith("<!DOCTYPE html>")
    # One file: no scripts, no style sheets or images fetched from anywhere.
    assert "<script" not in page.lower()
    assert not re.search(r"<(link|img|iframe|object)\b", page, re.I)
    assert not re.search(r"<[^>]*\ssrc=", page, re.I)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(4)&gt;" in page
    assert "\x1b" not in page and "\\x1b[31m" in page
    # Links only to http(s), with the address escaped.
    assert 'href="https://example.org/a?b=%3Cx%3E&amp;c=%22d%22"' in page
    assert not re.search(r"href=\"(?!https?://|#)", page)


def test_doc_markdown_escapes_the_files(hostile_rules: Path) -> None:
    code, out, _ = invoke("rules", "doc", "--rules", str(hostile_rules))
    assert code == 0
    section = out.split("## tst-2001-hostile", 1)[1]
    # The YAML block is fenced longer than the run of backticks inside it ...
    assert "````yaml\n" in section
    # ... and outside code blocks (where nothing is interpreted) no markup from the file survives.
    prose = re.sub(r"(?ms)^(`{3,})yaml\n.*?^\1$", "", section)
    assert "<script" not in prose and "<img" not in prose and "<b>" not in prose
    assert "&lt;script&gt;" in prose
    assert not re.search(r"(?<!\\)\]\(javascript:", prose)  # escaped: no link can form
    assert "\x1b" not in out


def test_doc_rejects_an_unknown_format() -> None:
    code, _, err = invoke("rules", "doc", "--format", "pdf")
    assert code == 2
    assert "unknown format 'pdf'; available: html, markdown" in err


def test_doc_lists_tests_from_given_expectation_files(tmp_path: Path) -> None:
    exp = tmp_path / "base-city.yaml"
    exp.write_text(
        f"policy: {FIXTURES / 'policies' / 'base-city.yaml'}\n"
        f"rules: [{FIXTURES / 'rules'}]\n"
        "cases:\n  - as_of: '2020-01-01'\n"
        "    findings: {tst-2000-table: {sec-1373: {status_sharing: conflict}}}\n"
    )
    code, out, _ = invoke(
        "rules", "doc", "--rules", str(FIXTURES / "rules"), "--expectations", str(exp)
    )
    assert code == 0
    section = out.split("### tst-2000-table/sharing\n", 1)[1].split("\n### ", 1)[0]
    assert f"`{exp}:5:44`: as of 2020-01-01" in section
    assert "base-city.yaml: conflict" in section
