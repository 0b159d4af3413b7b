"""The speed and memory figures of issue 7 and DESIGN.md, measured side by side in one run.

    python bench/run.py [N] [--rounds R] [--no-append] [--skip-check-jsonschema]

Run it in an environment where sanctuary-check is installed as CI installs it (``pip install
'.[test]'``, not editable: an installed package has its bytecode compiled) and check-jsonschema
is on PATH (it is in the [test] extra). It generates N realistic policy files (bench/generate.py)
and times, each as a separate process started the same way:

- the floor: PyYAML's C loader (CSafeLoader) parsing every file, in one Python process;
- ``sanctuary-check validate DIR`` (--jobs 1 and --jobs 2);
- ``sanctuary-check evaluate DIR --format json=FILE`` with every authority, no --trace
  (--jobs 1 and --jobs 2), on the day when the most built-in authorities are (or may be) in force
  (found from the rule set: each year's end and each day an authority takes effect), and once more
  on the default day (today) with --jobs 1;
- the same on the busiest day with the report written to standard output and thrown away
  (--jobs 1 and --jobs 2): the tool's own work, without the kernel's cost of writing gigabytes
  to a file, which no number of workers shares; the --jobs target is measured on this pair;
- ``check-jsonschema --schemafile schemas/policy.schema.json`` on the same files;
- a one-file cold start: evaluate and check-jsonschema on policies/philadelphia.yaml, alternating
  (median of 9 each);
- the peak resident memory of each command (os.wait4), the largest of its processes.

It prints the figures and the ratios against the targets, and appends them, with a description
of the machine, to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "policy.schema.json"
PHILADELPHIA = ROOT / "policies" / "philadelphia.yaml"


def busiest_day() -> tuple[str, int, int]:
    """(day, authorities in force or possibly in force then, authorities in all): the day
    evaluate has the most to do (each such authority is applied to every provision), among each
    year's end and each day an authority takes effect."""
    from sanctuary_check.engine import authority_states
    from sanctuary_check.model import InForce
    from sanctuary_check.ruleset import load_ruleset

    authorities = load_ruleset([]).authorities
    today = dt.date.today()
    days = {dt.date(y, 12, 31) for y in range(1996, today.year)} | {today}
    for a in authorities:
        start = a.window.effective_from or ""
        if len(start) == 10 and start <= today.isoformat():
            days.add(dt.date.fromisoformat(start))

    def count(day: dt.date) -> int:
        return sum(st.state is not InForce.NO for st in authority_states(authorities, day))

    best = max(sorted(days), key=count)
    return best.isoformat(), count(best), len(authorities)


COLD_RUNS = 9
FLOOR = """
import os, sys, yaml
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        with open(os.path.join(root, name), "rb") as fh:
            yaml.load(fh, Loader=yaml.CSafeLoader)
"""


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} is not installed here (pip install '.[test]')")
    return found


def timed(args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(seconds, peak MiB) of one command, its output thrown away."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in ok:
        sys.exit(f"{' '.join(args[:3])} ... exited {code}: {err.decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024  # Linux: KiB


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{mem}, "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument("--skip-check-jsonschema", action="store_true")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the timed commands")
    args = parser.parse_args()
    sc, cj = _tool("sanctuary-check"), None
    if not args.skip_check_jsonschema:
        cj = _tool("check-jsonschema")
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "policies"
        files = generate(directory, args.n)
        size = sum(p.stat().st_size for p in files) / 1024 / 1024
        out = Path(tmp) / "report.json"
        as_of, in_force, total = busiest_day()
        ev = [sc, "evaluate", str(directory), "--as-of", as_of, "--fail-on", "never"]
        ev += ["--format", f"json={out}"]
        out_today = Path(tmp) / "report-today.json"
        today = [sc, "evaluate", str(directory), "--fail-on", "never"]
        today += ["--format", f"json={out_today}"]
        va = [sc, "validate", str(directory)]
        # The same evaluation with the report written to standard output and thrown away: the
        # tool's own work. Writing a 5 GB report costs this kind of virtual machine's kernel 7 to
        # 14 s of CPU (page cache growing through the hypervisor), which no number of workers
        # can share; --jobs is measured both ways.
        evn = [sc, "evaluate", str(directory), "--as-of", as_of, "--fail-on", "never"]
        evn += ["--format", "json"]
        # Rounds interleave every command, so that a busy moment of the machine weighs on all of
        # them alike; each time is the median over the rounds, each ratio (to the floor, between
        # --jobs) the median of the rounds' own ratios: on a shared machine the speed of the CPU
        # drifts by a quarter from one minute to the next, and a ratio within a round cancels it.
        runs: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.rounds):
            for key, command in (
                ("floor", [sys.executable, "-c", FLOOR, str(directory)]),
                ("val1", va),
                ("val2", [*va, "--jobs", "2"]),
                ("eva1", ev),
                ("eva2", [*ev, "--jobs", "2"]),
                ("evn1", evn),
                ("evn2", [*evn, "--jobs", "2"]),
                ("evat", today),
            ):
                runs.setdefault(key, []).append(timed(command))
        report_mib = out.stat().st_size / 1024 / 1024
        today_mib = out_today.stat().st_size / 1024 / 1024

        def median(key: str) -> float:
            return statistics.median(t for t, _ in runs[key])

        def peak(key: str) -> float:
            return max(m for _, m in runs[key])

        def speedup(one: str, two: str) -> float:
            """The median of the rounds' ratios of ``one``'s time to ``two``'s."""
            return statistics.median(a[0] / b[0] for a, b in zip(runs[one], runs[two], strict=True))

        def each(one: str, two: str) -> str:
            return ", ".join(
                f"{a[0] / b[0]:.2f}" for a, b in zip(runs[one], runs[two], strict=True)
            )

        floor, floor_mem = median("floor"), peak("floor")
        val1, val1_mem, val2 = median("val1"), peak("val1"), median("val2")
        eva1, eva1_mem = median("eva1"), peak("eva1")
        eva2, eva2_mem = median("eva2"), peak("eva2")
        evat, evat_mem = median("evat"), peak("evat")
        evn1, evn1_mem = median("evn1"), peak("evn1")
        evn2, evn2_mem = median("evn2"), peak("evn2")
        val_speedup, eva_speedup = speedup("val1", "val2"), speedup("eva1", "eva2")
        evn_speedup = speedup("evn1", "evn2")
        val_floor, eva_floor, evat_floor, evn_floor = (
            speedup(k, "floor") for k in ("val1", "eva1", "evat", "evn1")
        )
        per_round = "; ".join(
            f"{name} {each(one, two)}"
            for name, one, two in (
                ("validate/floor", "val1", "floor"),
                ("evaluate/floor", "eva1", "floor"),
                ("validate --jobs 1/2", "val1", "val2"),
                ("evaluate --jobs 1/2", "eva1", "eva2"),
                ("evaluate, report discarded, --jobs 1/2", "evn1", "evn2"),
            )
        )
        # The starts of one file are timed on a quiet machine: the reports above are gone and
        # their gigabytes written out, not still being written while Python reads its modules.
        out.unlink()
        out_today.unlink()
        os.sync()
        one = [sc, "evaluate", str(PHILADELPHIA), "--as-of", as_of, "--fail-on", "never"]
        # One-file starts alternate with check-jsonschema's, so that a busy moment weighs on both.
        colds: list[float] = []
        cj_colds: list[float] = []
        for _ in range(COLD_RUNS):
            colds.append(timed([*one, "--format", f"json={out}"])[0])
            if cj is not None:
                cj_colds.append(timed([cj, "--schemafile", str(SCHEMA), str(PHILADELPHIA)])[0])
        cold = statistics.median(colds)
        cj_all = cj_cold = None
        if cj is not None:
            cj_cold = statistics.median(cj_colds)
            cj_all, _ = timed([cj, "--schemafile", str(SCHEMA), *map(str, files)])

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x"

    rows += [
        ("files", f"{args.n} generated policies, {size:.1f} MiB", ""),
        ("floor: CSafeLoader", f"{floor:.1f} s", f"peak {floor_mem:.0f} MiB"),
        (
            "validate",
            f"{val1:.1f} s",
            f"{val_floor:.2f}x the floor (target 3x; ratio of the medians {ratio(val1, floor)}); "
            f"peak {val1_mem:.0f} MiB (target 150)",
        ),
        (
            f"evaluate --format json, as of {as_of} ({in_force} of {total} authorities apply)",
            f"{eva1:.1f} s",
            f"{eva_floor:.2f}x the floor (target 5x; ratio of the medians {ratio(eva1, floor)}); "
            f"peak {eva1_mem:.0f} MiB (target 150); report {report_mib:.0f} MiB",
        ),
        (
            "evaluate --format json, the default day (today)",
            f"{evat:.1f} s",
            f"{evat_floor:.2f}x the floor; peak {evat_mem:.0f} MiB; report {today_mib:.0f} MiB",
        ),
        (
            "validate --jobs 2",
            f"{val2:.1f} s",
            f"{val_speedup:.2f}x faster than --jobs 1 (target 1.6x)",
        ),
        (
            "evaluate --format json, report discarded",
            f"{evn1:.1f} s",
            f"{evn_floor:.2f}x the floor; peak {evn1_mem:.0f} MiB",
        ),
        (
            "evaluate --jobs 2, report discarded",
            f"{evn2:.1f} s",
            f"{evn_speedup:.2f}x faster than --jobs 1 (target 1.6x); "
            f"peak {evn2_mem:.0f} MiB, the largest process",
        ),
        (
            "evaluate --jobs 2, report written",
            f"{eva2:.1f} s",
            f"{eva_speedup:.2f}x faster than --jobs 1 (the kernel's cost of writing the report "
            f"is the same for both); peak {eva2_mem:.0f} MiB, the largest process",
        ),
        (
            "one file: evaluate philadelphia.yaml",
            f"{cold:.2f} s",
            f"median of {COLD_RUNS}, alternating with check-jsonschema's",
        ),
    ]
    if cj_all is not None and cj_cold is not None:
        rows += [
            (
                "check-jsonschema, same files",
                f"{cj_all:.1f} s",
                f"validate {ratio(cj_all, val1)} faster, evaluate {ratio(cj_all, eva1)} faster",
            ),
            (
                "one file: check-jsonschema",
                f"{cj_cold:.2f} s",
                f"evaluate is {ratio(cj_cold, cold)} as fast (target: more than 1x)",
            ),
        ]
    rounds = "; ".join(
        f"{key} " + ", ".join(f"{t:.1f}" for t, _ in runs[key])
        for key in ("floor", "val1", "val2", "eva1", "eva2", "evn1", "evn2", "evat")
    )
    rows.append(("each round (s)", "", rounds))
    rows.append(("each round's ratios", "", per_round))
    met = {
        "validate within 3x": val_floor <= 3,
        "evaluate within 5x": eva_floor <= 5,
        "peak under 150 MiB": max(val1_mem, eva1_mem, eva2_mem, evn1_mem, evn2_mem, evat_mem) < 150,
        "--jobs 2 at 1.6x": min(val_speedup, evn_speedup) >= 1.6,
    }
    if cj_all is not None and cj_cold is not None:
        met["faster than check-jsonschema"] = cj_all > max(val1, eva1)
        met["one file faster than check-jsonschema"] = cj_cold > cold
    missed = [name for name, ok in met.items() if not ok]
    rows.append(
        ("targets", "all met" if not missed else "missed", "; ".join(missed) or ", ".join(met))
    )
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>12}  {note}")
    if args.no_append:
        return
    lines = [
        "",
        f"### {dt.date.today().isoformat()}: {args.n} files",
        "",
        f"Machine: {machine()}; sanctuary-check from `{sc}`; medians of {args.rounds} "
        "interleaved rounds.",
        "",
        "| measure | time | against the targets |",
        "|---|---|---|",
        *(f"| {n} | {v} | {t} |" for n, v, t in rows),
        "",
    ]
    with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    print("appended to bench/RESULTS.md")


if __name__ == "__main__":
    main()
