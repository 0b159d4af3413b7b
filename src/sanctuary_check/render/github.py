"""GitHub Actions workflow commands: annotations on the policy lines of a pull request.

``evaluate``: a conflict is an error on the clause that decided it; an unknown is a notice (so an
unencoded provision is never silent); a waived conflict is a notice naming the waiver. Inputs that
could not be evaluated are errors; expired and orphaned waivers are warnings. ``validate``: each
problem is an error or a warning at its ``path:line:column``. Chosen by default when
``GITHUB_ACTIONS`` is set and no ``--format`` is given.
"""

from __future__ import annotations

from typing import Any

from .common import (
    finding_text,
    finding_title,
    is_validation,
    policy_warnings,
    rule_id,
    waiver_text,
    where,
)
from .style import Style


def _data(value: object) -> str:
    """A command's message: % and line breaks escaped, as the runner expects."""
    return str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(value: object) -> str:
    """A command's property value: as :func:`_data`, and ':' and ',' escaped too."""
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, path: str, line: int, column: int, title: str) -> str:
    props = f"file={_prop(path)},line={line},col={column},title={_prop(title)}"
    return f"::{kind} {props}::{_data(message)}"


def _problem(p: dict[str, Any], kind: str | None = None) -> str:
    return command(
        kind or p["severity"],
        f"{p['message']} [{p['code']}]",
        p["path"],
        p["line"],
        p["column"],
        f"sanctuary-check {p['code']}",
    )


# An evaluate run's commands in two parts, each policy's findings and then what concerns the run
# (inputs not evaluated, warnings, the summary), so that a run over many files can write each
# policy's part as it goes (stream.py) and drop it: the whole is the same text.


def policy_text(policy: dict[str, Any]) -> str:
    lines = []
    for f in policy["findings"]:
        if f["verdict"] not in ("conflict", "unknown"):
            continue
        path, line, column = where(f, policy)
        waived = f.get("waived")
        kind = "error" if f["verdict"] == "conflict" and not waived else "notice"
        message = finding_text(f)
        if waived:
            message += f" [{waiver_text(waived)}]"
        title = f"{finding_title(f)} ({rule_id(f)})"
        lines.append(command(kind, message, path, line, column, title) + "\n")
    return "".join(lines)


def tail_text(end: dict[str, Any], as_of: str, policy_warnings: list[dict[str, Any]]) -> str:
    """``end``: the report's keys after ``policies``; the warnings found in the policy files."""
    lines = [_problem(p, "error") for p in end.get("errors", [])]
    lines += [_problem(p, "warning") for p in [*policy_warnings, *end.get("warnings", [])]]
    s = end["summary"]
    law = s["law"]
    lines.append(
        f"sanctuary-check: {s['policies']} policies as of {as_of}; law lens: "
        f"{law['conflict']} conflict, {law['unknown']} unknown, {law['compliant']} compliant; "
        f"{s.get('waived', 0)} findings waived; {s.get('errors', 0)} inputs not evaluated"
    )
    return "".join(f"{line}\n" for line in lines)


def _evaluation(report: dict[str, Any]) -> str:
    policies = report["policies"]
    return "".join(policy_text(p) for p in policies) + tail_text(
        report, report["as_of"], policy_warnings(policies)
    )


def _validation(report: dict[str, Any]) -> list[str]:
    lines = [_problem(p) for p in report["problems"]]
    s = report["summary"]
    lines.append(
        f"sanctuary-check validate: {s['files']} files, {s['errors']} errors, "
        f"{s['warnings']} warnings" + (" (--strict: warnings fail)" if report["strict"] else "")
    )
    return lines


def render(report: dict[str, Any], style: Style) -> str:
    del style
    if is_validation(report):
        return "\n".join(_validation(report)) + "\n"
    return _evaluation(report)
