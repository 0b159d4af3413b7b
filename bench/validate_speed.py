"""validate on N policy files against PyYAML's C loader parsing the same files (DESIGN: within 3x).

    python bench/validate_speed.py [N]

Writes N copies of a small policy to a temporary directory, then times, in one process and one
run: yaml.load with CSafeLoader over every file, and validate_paths over the directory (loading
with positions, schema and semantic checks, checks across files). Prints both and the ratio.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import yaml

from sanctuary_check.validate import validate_paths

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "tests" / "fixtures" / "validate" / "policies" / "good-town.yaml"


def main(n: int) -> None:
    text = POLICY.read_text()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "policies"
        directory.mkdir()
        for i in range(n):
            (directory / f"town-{i}.yaml").write_text(text.replace("good-town", f"town-{i}"))
        files = sorted(directory.glob("*.yaml"))
        start = time.perf_counter()
        for path in files:
            with path.open("rb") as fh:
                yaml.load(fh, Loader=yaml.CSafeLoader)
        parse = time.perf_counter() - start
        start = time.perf_counter()
        result = validate_paths([str(directory)])
        check = time.perf_counter() - start
        assert not result.failed, [str(p) for p in result.problems()[:3]]
    print(
        f"{n} files: CSafeLoader {parse:.2f} s, validate {check:.2f} s, ratio {check / parse:.1f}x"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
