"""Markdown, for pull-request comments and job summaries.

Every value from a file is escaped: Markdown punctuation gets a backslash, so no text can become
a link, an image, HTML or a table break; line breaks fold to spaces.
"""

from __future__ import annotations

import re
from typing import Any

from .common import (
    VERDICT_WORDS,
    finding_text,
    is_validation,
    policy_warnings,
    projection_label,
    rule_id,
    waiver_text,
    where,
)
from .style import Style
from .text import one_line

# Every ASCII punctuation character may be backslash-escaped in CommonMark. Values never start a
# line here, so these are the ones that can open markup inside one: emphasis, code, links and
# images, HTML and autolinks, table cells, strike-through, entities, math, heading ends.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$])")
_GLYPH = {"conflict": "\u2717", "compliant": "\u2713", "unknown": "?", "not_applicable": "\u2013"}


def md(value: object) -> str:
    """Text safe to put anywhere in Markdown, table cells included."""
    return _SPECIAL.sub(r"\\\1", one_line(value))


def _verdict(v: str | None) -> str:
    if v is None:
        return "none"
    return f"{_GLYPH[v]} {VERDICT_WORDS[v]}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _policy(policy: dict[str, Any], report: dict[str, Any]) -> list[str]:
    j = policy["jurisdiction"]
    out = [
        f"## {md(j['name'])} ({md(j['id'])})",
        "",
        f"File {md(policy['path'])}, as of {md(report['as_of'])}: law lens "
        f"**{_verdict(policy['verdicts']['law'])}**, enforcement lens "
        f"**{_verdict(policy['verdicts']['enforcement'])}**.",
        "",
        _row(["provision", "question", "authority", "verdict", "kind", "where", "why"]),
        _row(["---"] * 7),
    ]
    for f in policy["findings"]:
        path, line, column = where(f, policy)
        kind = projection_label(f) or ""
        why = finding_text(f)
        if f.get("waived"):
            why += f" ({waiver_text(f['waived'])})"
        if f.get("unconfirmed"):
            why += " (unconfirmed: " + ", ".join(f["unconfirmed"]) + ")"
        verdict = _verdict(f["verdict"]) + (" (waived)" if f.get("waived") else "")
        out.append(
            _row(
                [
                    md(f["provision"]),
                    md(f["question"]),
                    md(f["authority"]),
                    md(verdict),
                    md(kind),
                    md(f"{path}:{line}:{column}"),
                    md(why) + f" \\[{md(rule_id(f))}\\]",
                ]
            )
        )
    return out


def _problems(problems: list[dict[str, Any]]) -> list[str]:
    out = [_row(["where", "severity", "code", "message"]), _row(["---"] * 4)]
    for p in problems:
        out.append(
            _row(
                [
                    md(f"{p['path']}:{p['line']}:{p['column']}"),
                    md(p["severity"]),
                    md(p["code"]),
                    md(p["message"]),
                ]
            )
        )
    return out


# An evaluate report in three parts, so that a run over many files can write each policy's part
# as it goes (stream.py) and drop it: the whole report is the same text.


def head_text(as_of: str) -> str:
    return _lines([f"# sanctuary-check as of {md(as_of)}", ""])


def policy_text(policy: dict[str, Any], as_of: str) -> str:
    return _lines([*_policy(policy, {"as_of": as_of}), ""])


def tail_text(end: dict[str, Any], count: int, policy_warnings: list[dict[str, Any]]) -> str:
    """``end``: the report's keys after ``policies``; the warnings found in the policy files."""
    out = []
    if not count:
        out += ["No policy could be evaluated.", ""]
    if end.get("errors"):
        out += ["## Inputs that could not be evaluated", "", *_problems(end["errors"]), ""]
    warnings = [*policy_warnings, *end.get("warnings", [])]
    if warnings:
        out += ["## Warnings", "", *_problems(warnings), ""]
    law = end["summary"]["law"]
    out.append(
        f"Summary: {end['summary']['policies']} policies; law lens: {law['conflict']} "
        f"conflict, {law['unknown']} unknown, {law['compliant']} compliant, "
        f"{law['not_applicable']} not applicable. Findings marked projection are the tool's "
        "application of an authority's reading, not the authority's own determination."
    )
    return _lines(out)


def _lines(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _evaluation(report: dict[str, Any]) -> str:
    policies = report["policies"]
    return (
        head_text(report["as_of"])
        + "".join(policy_text(p, report["as_of"]) for p in policies)
        + tail_text(report, len(policies), policy_warnings(policies))
    )


def _validation(report: dict[str, Any]) -> list[str]:
    s = report["summary"]
    out = ["# sanctuary-check validate", ""]
    if report["problems"]:
        out += [*_problems(report["problems"]), ""]
    out.append(
        f"{s['files']} files checked: {s['errors']} errors, {s['warnings']} warnings"
        + (" (strict: warnings fail)." if report["strict"] else ".")
    )
    return out


def render(report: dict[str, Any], style: Style) -> str:
    del style
    return _lines(_validation(report)) if is_validation(report) else _evaluation(report)
