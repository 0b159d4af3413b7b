"""The matrix at dataset scale: time, peak memory and output size of each format.

    python bench/matrix.py [N] [--years 2016..2021] [--before PATH] [--formats html,json,...]

It generates N policy files (bench/generate.py) and runs ``sanctuary-check matrix`` on them in
each format, each as its own process, measuring the seconds, the peak resident memory (the
largest of its processes, as bench/run.py measures it) and the size of what it wrote. With
``--before PATH`` (another installation's ``sanctuary-check``, e.g. one built from an earlier
commit) it runs the same commands with that one too, interleaved, so that the two are compared
within one run on the same machine. Ratios, not seconds, are what carry from one machine (or one
busy moment) to another. It prints the figures, then the same as a Markdown table to paste
into bench/RESULTS.md with a word on the machine and its load.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from run import _tool, machine, timed

AS_OF = "2017-12-31"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=500)
    parser.add_argument("--years", default="2016..2021")
    parser.add_argument("--before", help="another sanctuary-check to compare with")
    parser.add_argument("--formats", default="html,json,table,svg")
    args = parser.parse_args()
    tools = {"after": _tool("sanctuary-check")}
    if args.before:
        tools = {"before": args.before, **tools}
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "policies"
        generate(directory, args.n)
        for fmt in args.formats.split(","):
            for days in (["--years", args.years], ["--as-of", AS_OF]):
                for label, sc in tools.items():
                    out = Path(tmp) / f"out.{fmt}"
                    command = [sc, "matrix", str(directory), *days, "--fail-on", "never"]
                    seconds, peak = timed([*command, "--format", f"{fmt}={out}"])
                    size = out.stat().st_size / 1024 / 1024
                    out.unlink()
                    what = f"{fmt}, {' '.join(days)}"
                    rows.append(
                        (what, label, f"{seconds:.1f} s", f"{peak:.0f} MiB, {size:.1f} MiB")
                    )
                    print(
                        f"{what:<28} {label:<6} {seconds:7.1f} s  peak {peak:6.0f} MiB  "
                        f"output {size:8.1f} MiB",
                        flush=True,
                    )
    print(f"\nMachine: {machine()}; `bench/matrix.py {args.n} --years {args.years}`.\n")
    print("| format, days | build | time | peak memory, output |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
