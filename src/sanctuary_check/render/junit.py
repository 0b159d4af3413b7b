"""JUnit XML, for CI test-report views.

``evaluate``: one test suite per policy, one test case per finding. A conflict fails; a compliant
finding passes; an unknown or not-applicable finding is skipped with its reason, never passed; a
waived conflict is skipped with the waiver's reason. Files that could not be evaluated are
errors in a suite of their own.

``validate``: one test case per problem (failing when the problem fails the run, skipped with a
message for a warning that does not), and one passing case per clean file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from .common import (
    VERDICT_WORDS,
    finding_text,
    finding_title,
    is_validation,
    problem_line,
    rule_id,
    waiver_text,
    where,
)
from .style import Style

# Characters XML 1.0 cannot hold at all, not even as references.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """Text with the characters XML cannot hold dropped."""
    return _NOT_XML.sub("", str(value))


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def _suite(root: ET.Element, name: str) -> ET.Element:
    return _el(root, "testsuite", name=name)


def _count(root: ET.Element) -> None:
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        for key, n in counts.items():
            suite.set(key, str(n))
            total[key] += n
    for key, n in total.items():
        root.set(key, str(n))


def _xml(root: ET.Element) -> str:
    _count(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _details(f: dict[str, Any], policy: dict[str, Any]) -> str:
    path, line, column = where(f, policy)
    lines = [
        finding_title(f),
        finding_text(f),
        f"policy: {path}:{line}:{column}",
        f"basis: {f['basis']}; status: {f['status']}; confidence: {f['confidence']}",
    ]
    loc = f.get("rule_location")
    if loc:
        lines.append(f"rule: {loc['path']}:{loc['line']}:{loc['column']} ({rule_id(f)})")
    for c in f["citations"]:
        section = f" {c['section']}" if c.get("section") else ""
        lines.append(f"cites: {c['instrument']}{section} {c.get('url') or ''} [{c.get('quality')}]")
    return "\n".join(lines)


def _evaluation(report: dict[str, Any]) -> str:
    root = ET.Element("testsuites", {"name": "sanctuary-check evaluate"})
    for policy in report["policies"]:
        suite = _suite(root, f"{policy['jurisdiction']['id']} as of {report['as_of']}")
        props = _el(suite, "properties")
        _el(props, "property", name="path", value=policy["path"])
        _el(props, "property", name="as_of", value=report["as_of"])
        for f in policy["findings"]:
            case = _el(
                suite,
                "testcase",
                classname=f"{policy['jurisdiction']['id']}.{f['authority']}",
                name=f"{f['provision']} [{f['question']}]",
                file=where(f, policy)[0],
                line=where(f, policy)[1],
            )
            verdict = f["verdict"]
            waived = f.get("waived")
            if verdict == "conflict" and waived:
                _el(case, "skipped", message=f"conflict, {waiver_text(waived)}")
            elif verdict == "conflict":
                _el(
                    case,
                    "failure",
                    _details(f, policy),
                    message=finding_text(f),
                    type="conflict",
                )
            elif verdict in ("unknown", "not_applicable"):
                _el(case, "skipped", message=f"{VERDICT_WORDS[verdict]}: {finding_text(f)}")
    if report.get("errors"):
        suite = _suite(root, "inputs that could not be evaluated")
        for p in report["errors"]:
            case = _el(suite, "testcase", classname="inputs", name=p["path"], file=p["path"])
            _el(case, "error", problem_line(p), message=p["message"], type=p["code"])
    return _xml(root)


def _validation(report: dict[str, Any]) -> str:
    root = ET.Element("testsuites", {"name": "sanctuary-check validate"})
    suite = _suite(root, "validate")
    by_path: dict[str, list[dict[str, Any]]] = {}
    for p in report["problems"]:
        by_path.setdefault(p["path"], []).append(p)
    for f in report["files"]:
        if f["path"] not in by_path:
            _el(suite, "testcase", classname=f["kind"], name=f["path"], file=f["path"])
    for path, problems in by_path.items():
        for p in problems:
            case = _el(
                suite,
                "testcase",
                classname=path,
                name=f"{p['path']}:{p['line']}:{p['column']} [{p['code']}]",
                file=path,
                line=p["line"],
            )
            if p["fails"]:
                _el(case, "failure", problem_line(p), message=p["message"], type=p["code"])
            else:
                _el(case, "skipped", message=f"warning (fails only with --strict): {p['message']}")
    return _xml(root)


def render(report: dict[str, Any], style: Style) -> str:
    del style
    return _validation(report) if is_validation(report) else _evaluation(report)
