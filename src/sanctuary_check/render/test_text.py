"""``test`` as plain text: each failure with expected against actual and the trace; coverage."""

from __future__ import annotations

from ..coverage import Coverage
from ..expectations import CaseRun, Failure, TestRun
from .plain import trace_lines, where, wrap
from .text import one_line


def _failure(run: CaseRun, f: Failure, width: int) -> list[str]:
    exp = f.expectation
    out = wrap(
        f"FAIL {where(exp.location)}: as of {run.case.as_of.isoformat()}, {exp.label()}",
        width,
        "",
        "     ",
    )
    out.extend(wrap(f.expected, width, "  expected: ", " " * 12))
    out.extend(wrap(f.actual, width, "  actual:   ", " " * 12))
    if f.why:
        out.extend(wrap(f"why: {f.why}", width, "  ", "       "))
    if exp.expected.get("note"):
        out.extend(wrap(f"the expectation's note: {exp.expected['note']}", width, "  ", "    "))
    finding = f.finding
    if finding is not None:
        if finding.rule:
            out.extend(
                wrap(
                    f"rule: {finding.rule} ({where(finding.rule_location)})",
                    width,
                    "  ",
                    "    ",
                )
            )
        if finding.policy_location is not None:
            out.append(f"  decided by {where(finding.policy_location)}")
        if finding.trace:
            out.extend(wrap(f"trace (line:column in {run.policy}):", width, "  ", "    "))
            out.extend(trace_lines(finding.trace, width, "    ", run.policy))
    return out


def render(result: TestRun, width: int) -> str:
    out: list[str] = []
    for run in result.cases:
        status = "ok" if not run.failures else f"{len(run.failures)} failed"
        desc = f" ({one_line(run.case.description)})" if run.case.description else ""
        out.extend(
            wrap(
                f"{run.file.path} as of {run.case.as_of.isoformat()}: "
                f"{run.checked} expectation{'s' if run.checked != 1 else ''} on {run.policy}{desc}",
                width,
                f"{status:>9}  ",
                " " * 11,
            )
        )
    for run in result.cases:
        for f in run.failures:
            out.append("")
            out.extend(_failure(run, f, width))
    failed = len(result.failures)
    files = len({c.file.path for c in result.cases})
    out.append("")
    if failed:
        out.append(f"{failed} of {result.checked} expectations failed")
    elif result.checked:
        out.append(f"all {result.checked} expectations hold")
    else:
        out.append("no expectation was checked")
    out[-1] += f" ({len(result.cases)} cases in {files} file{'s' if files != 1 else ''})"
    if result.errors:
        out[-1] += f"; {result.errors} input problem{'s' if result.errors != 1 else ''} (above)"
    out[-1] += "."
    if result.coverage is not None:
        out.append("")
        out.extend(render_coverage(result.coverage, width))
    return "\n".join(out) + "\n"


def render_coverage(coverage: Coverage, width: int) -> list[str]:
    items = coverage.report()
    exercised = [i for i in items if i.exercised]
    branches = sum(i.branches for i in items)
    covered = sum(i.covered for i in items)
    out = wrap(
        f"Coverage: {len(exercised)} of {len(items)} rules and scope entries exercised by an "
        f"expectation; {covered} of {branches} condition branches.",
        width,
    )
    idle = [i for i in items if not i.exercised]
    if idle:
        out.append("Rules no expectation exercises:")
        for i in idle:
            out.extend(wrap(f"{i.label} ({where(i.location)})", width, "  ", "    "))
    partial = [i for i in items if i.missing]
    if partial:
        out.append("Condition branches no expectation exercises:")
        for i in partial:
            out.extend(wrap(f"{i.label} ({where(i.location)})", width, "  ", "    "))
            for m in i.missing:
                lead = "    " + "  " * m.depth
                out.extend(
                    wrap(f"{m.label}: never {', '.join(m.outcomes)}", width, lead, lead + "  ")
                )
    return out
