"""What several formats need from the report data: its shape, names and plain lines.

Two shapes reach the renderers: the evaluate report (schemas/report.json) and the validate
report (schemas/validation.json). Every format renders both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .text import one_line

VERDICT_WORDS = {
    "conflict": "conflict",
    "compliant": "compliant",
    "unknown": "unknown",
    "not_applicable": "not applicable",
}


def is_validation(report: dict[str, Any]) -> bool:
    return "validation_version" in report


def rule_id(f: dict[str, Any]) -> str:
    """The finding's rule, or a stable name for an authority's reading that is not encoded."""
    return str(f["rule"] or f"{f['authority']}/reading-not-encoded")


def findings(report: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(policy, finding) pairs in report order."""
    for policy in report["policies"]:
        for f in policy["findings"]:
            yield policy, f


def where(f: dict[str, Any], policy: dict[str, Any]) -> tuple[str, int, int]:
    """The finding's place: the deciding clause, else the top of the policy file."""
    loc = f.get("policy_location")
    if loc:
        return str(loc["path"]), int(loc["line"]), int(loc["column"])
    return str(policy["path"]), 1, 1


def projection_label(f: dict[str, Any]) -> str | None:
    """Whose finding a verdict is: the tool's projection, or one a determination recorded."""
    if f["verdict"] not in ("conflict", "compliant"):
        return None
    return "projection" if f["projection"] else f"recorded determination {f['determination']}"


def finding_title(f: dict[str, Any]) -> str:
    kind = projection_label(f)
    return one_line(
        f"{VERDICT_WORDS[f['verdict']]}: {f['provision']} ({f['question']}) under "
        f"{f['authority']}" + (f", {kind}" if kind else "")
    )


def finding_text(f: dict[str, Any]) -> str:
    """The finding's message, with the reason when the verdict is not the rule's own."""
    text = one_line(f["message"])
    reason = f.get("reason")
    if reason and one_line(reason) != text:
        text += f" ({one_line(reason)})"
    return text


def waiver_text(waived: dict[str, Any]) -> str:
    basis = waived.get("legal_basis") or {}
    text = f"waived until {waived['expires']} by {waived['owner']}: {waived['reason']}"
    if basis:
        text += f" (legal basis: {basis.get('kind')}, {basis.get('citation')})"
    return one_line(text)


def problem_line(p: dict[str, Any]) -> str:
    """``path:line:column: severity: message [code]``, safe for a terminal."""
    return one_line(f"{p['path']}:{p['line']}:{p['column']}: {p['severity']}: {p['message']}") + (
        f" [{one_line(p['code'])}]"
    )


def best_url(citations: list[dict[str, Any]]) -> str | None:
    """The citation URL to send people to first: law, then court, government, other."""
    rank = {"law": 0, "court": 1, "gov": 2, "sec": 3, "news": 4, "party": 5, "adv": 6, "spun": 7}
    urls = [c for c in citations if c.get("url")]
    if not urls:
        return None
    return str(min(urls, key=lambda c: rank.get(c.get("quality") or "", 8))["url"])


def policy_warnings(policies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Problems found in the policy files evaluated that stopped nothing."""
    return [w for policy in policies for w in policy.get("warnings", [])]


def run_warnings(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Problems that stopped nothing: in the policy files evaluated, and of the run (waivers)."""
    return [*policy_warnings(report["policies"]), *report.get("warnings", [])]
