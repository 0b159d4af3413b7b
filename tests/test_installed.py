"""A few real runs of the installed command, from outside the source tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PHILADELPHIA = str(ROOT / "policies" / "philadelphia.yaml")


def _command() -> list[str]:
    found = shutil.which("sanctuary-check", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("the console script is not installed next to this Python")
    return [found]


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", **env}
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=120, env=environment, check=False
    )


def test_console_script_from_another_directory(tmp_path: Path) -> None:
    proc = _run(
        [*_command(), "evaluate", PHILADELPHIA, "--as-of", "2017-10-31", "--fail-scope", "any"],
        tmp_path,
    )
    assert proc.returncode == 1, proc.stderr
    assert "City of Philadelphia (philadelphia)" in proc.stdout
    assert "release_notification" in proc.stdout
    assert proc.stderr == ""


def test_python_dash_m_writes_json_file(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    proc = _run(
        [
            sys.executable,
            "-m",
            "sanctuary_check",
            "evaluate",
            PHILADELPHIA,
            "--as-of",
            "2017-10-31",
            "--format",
            f"json={out}",
        ],
        tmp_path,
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(out.read_text())
    paths = [a["path"] for a in report["authorities"]]
    assert "rules/usc-8-1373.yaml" in paths and "rules/doj-2017-10-11.yaml" in paths
    assert proc.stdout == ""


def test_bad_input_gives_one_line_and_exit_two(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: broken\n  name: [\n")
    proc = _run([*_command(), "evaluate", str(bad)], tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"{bad}:2:")
    assert "Traceback" not in proc.stderr


def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    if shutil.which("head") is None:
        pytest.skip("no head")
    script = (
        f"{' '.join(_command())} evaluate {PHILADELPHIA} --as-of 2017-10-31 --format json"
        " | head -c 10 >/dev/null"
    )
    proc = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {script}; echo rc=${{PIPESTATUS[0]}}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr
    assert "BrokenPipe" not in proc.stderr


def test_validate_from_another_directory(tmp_path: Path) -> None:
    proc = _run(
        [*_command(), "validate", str(ROOT / "rules"), str(ROOT / "policies"), "--strict"],
        tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 errors, 0 warnings" in proc.stdout and proc.stdout.endswith("; passed.\n")
    bad = tmp_path / "policies" / "town.yaml"
    bad.parent.mkdir()
    bad.write_text("id: town\nname: Town\nkind: city\nstate: ZZ\nsources: []\nprovisions: {}\n")
    sarif = tmp_path / "out.sarif"
    proc = _run([*_command(), "validate", "policies", "--format", f"sarif={sarif}"], tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""  # no format goes to standard output: the problems go to stderr
    assert proc.stderr == (
        "policies/town.yaml:5:10: error: sources: [] should be non-empty [schema-size]\n"
    )
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] == "schema-size"


def test_shell_completion_offers_rule_ids(tmp_path: Path) -> None:
    proc = _run(
        _command(),
        tmp_path,
        _SANCTUARY_CHECK_COMPLETE="complete_bash",
        COMP_WORDS="sanctuary-check explain doj-2017-10-11/release",
        COMP_CWORD="2",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["doj-2017-10-11/release-notification"]


def test_expectations_from_another_directory(tmp_path: Path) -> None:
    proc = _run([*_command(), "test", str(ROOT / "tests" / "expectations")], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "expectations hold" in proc.stdout
