"""SARIF 2.1.0, for code scanning: conflicts and unknowns of ``evaluate``, problems of ``validate``.

Each result's location is the policy clause that decided the finding (the top of the policy
file when no clause did), with the provision as a logical location; the rule and the sources it
read are related locations. Compliant and not-applicable findings are not results here (they
stay in the JSON and JUnit reports): code scanning would show every result as an alert.
Unknowns are results of kind ``open`` (the tool could not tell pass from fail), so nobody reads
an unencoded provision as compliant. Waived conflicts carry an accepted external suppression.
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..codes import DOCS, describe, severity
from .common import (
    best_url,
    finding_text,
    finding_title,
    findings,
    is_validation,
    rule_id,
    run_warnings,
    where,
)
from .style import Style

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"


def _artifact(path: str) -> dict[str, Any]:
    """A URI reference for a path: relative to the source root, or an absolute file URI.

    A relative path that climbs above the working directory ("../x") is made absolute: as a
    reference against %SRCROOT% it would point outside the root it is resolved against, which
    SARIF 2.1.0 (section 3.4) leaves to no consumer to resolve.
    """
    posix = posixpath.normpath(path.replace("\\", "/"))
    if os.path.isabs(path) or posixpath.isabs(posix) or posix == ".." or posix.startswith("../"):
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(posix), "uriBaseId": SRCROOT}


def _physical(path: str, line: int, column: int) -> dict[str, Any]:
    return {
        "artifactLocation": _artifact(path),
        "region": {"startLine": max(1, line), "startColumn": max(1, column)},
    }


def _driver(version: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": "sanctuary-check",
        "version": version,
        "semanticVersion": version,
        "rules": rules,
    }


def _log(run: dict[str, Any]) -> str:
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _citation_help(citations: list[dict[str, Any]]) -> str:
    lines = []
    for c in citations:
        section = f" {c['section']}" if c.get("section") else ""
        url = c.get("url") or "(no URL)"
        lines.append(f"{c['instrument']}{section}: {url} [{c.get('quality') or '?'}]")
    return "\n".join(dict.fromkeys(lines)) or "No citation."


def _rule(f: dict[str, Any]) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": rule_id(f),
        "shortDescription": {"text": f"{f['provision']} under {f['authority']} ({f['question']})"},
        "fullDescription": {"text": f["message"]},
        "help": {"text": "Cites:\n" + _citation_help(f["citations"])},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "authority": f["authority"],
            "question": f["question"],
            "provision": f["provision"],
            "status": f["status"],
            "basis": f["basis"],
            "tags": ["sanctuary-check", f["authority"], f["question"]],
        },
    }
    url = best_url(f["citations"])
    if url:
        rule["helpUri"] = url
    return rule


def _related(f: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    places = [(f["rule_location"], f"rule {rule_id(f)}")]
    places += [(loc, loc.get("role") or "related") for loc in f["related_locations"]]
    for loc, text in places:
        if not loc:
            continue
        out.append(
            {
                "id": len(out) + 1,
                "physicalLocation": _physical(loc["path"], loc["line"], loc["column"]),
                "message": {"text": text},
            }
        )
    return out


def _result(f: dict[str, Any], policy: dict[str, Any], index: int) -> dict[str, Any]:
    path, line, column = where(f, policy)
    jurisdiction = policy["jurisdiction"]["id"]
    conflict = f["verdict"] == "conflict"
    result: dict[str, Any] = {
        "ruleId": rule_id(f),
        "ruleIndex": index,
        "kind": "fail" if conflict else "open",
        "level": "error" if conflict else "none",
        "message": {"text": f"{finding_title(f)}: {finding_text(f)}"},
        "locations": [
            {
                "physicalLocation": _physical(path, line, column),
                "logicalLocations": [
                    {
                        "name": f["provision"],
                        "fullyQualifiedName": f"{jurisdiction}/provisions/{f['provision']}",
                        "kind": "member",
                    }
                ],
            }
        ],
        "relatedLocations": _related(f),
        "properties": {
            "jurisdiction": jurisdiction,
            "verdict": f["verdict"],
            "authority": f["authority"],
            "question": f["question"],
            "provision": f["provision"],
            "basis": f["basis"],
            "status": f["status"],
            "projection": f["projection"],
            "determination": f["determination"],
            "confidence": f["confidence"],
            "enforceable": f["enforceable"],
            "reason_code": f.get("reason_code"),
        },
    }
    waived = f.get("waived")
    if waived:
        loc = waived["location"]
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{waived['reason']} (owner {waived['owner']}, until "
                f"{waived['expires']})",
                "location": {
                    "physicalLocation": _physical(loc["path"], loc["line"], loc["column"])
                },
            }
        ]
    return result


def _notification(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "level": "error" if p["severity"] == "error" else "warning",
        "message": {"text": f"{p['message']} [{p['code']}]"},
        "descriptor": {"id": p["code"]},
        "locations": [{"physicalLocation": _physical(p["path"], p["line"], p["column"])}],
    }


def _evaluation(report: dict[str, Any]) -> str:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    for policy, f in findings(report):
        if f["verdict"] not in ("conflict", "unknown"):
            continue
        rid = rule_id(f)
        if rid not in index:
            index[rid] = len(rules)
            rules.append(_rule(f))
        results.append(_result(f, policy, index[rid]))
    notes = [_notification(p) for p in [*report.get("errors", []), *run_warnings(report)]]
    run: dict[str, Any] = {
        "tool": {"driver": _driver(report["tool"]["version"], rules)},
        "automationDetails": {"id": "sanctuary-check/evaluate/"},
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": not report.get("errors"),
                "toolExecutionNotifications": notes,
            }
        ],
        "results": results,
        "properties": {
            "as_of": report["as_of"],
            "ruleset_sha256": report["ruleset"]["sha256"],
            "summary": report["summary"],
        },
    }
    return _log(run)


def _validation(report: dict[str, Any]) -> str:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    for p in report["problems"]:
        code = p["code"]
        if code not in index:
            index[code] = len(rules)
            rules.append(
                {
                    "id": code,
                    "shortDescription": {"text": describe(code)},
                    "help": {
                        "text": f"{describe(code)} See {DOCS} (code {code}).",
                        "markdown": f"{describe(code)} See [problem codes]({DOCS}) (`{code}`).",
                    },
                    # Relative to the repository: the tool has no home page of its own.
                    "helpUri": DOCS,
                    "defaultConfiguration": {"level": severity(code)},
                }
            )
        results.append(
            {
                "ruleId": code,
                "ruleIndex": index[code],
                "kind": "fail",
                "level": "error" if p["severity"] == "error" else "warning",
                "message": {"text": p["message"]},
                "locations": [{"physicalLocation": _physical(p["path"], p["line"], p["column"])}],
                "properties": {"fails": p["fails"]},
            }
        )
    run: dict[str, Any] = {
        "tool": {"driver": _driver(report["tool"]["version"], rules)},
        "automationDetails": {"id": "sanctuary-check/validate/"},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True}],
        "results": results,
        "properties": {"strict": report["strict"], "summary": report["summary"]},
    }
    return _log(run)


def render(report: dict[str, Any], style: Style) -> str:
    del style  # a file format: the same whatever the terminal
    return _validation(report) if is_validation(report) else _evaluation(report)
