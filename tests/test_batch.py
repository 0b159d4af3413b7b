"""Many files: streamed output, --jobs N the same as --jobs 1, a progress bar only on a terminal."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT
from sanctuary_check import batch
from sanctuary_check.cli import app
from sanctuary_check.validate import validate_paths

runner = CliRunner()


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """80 generated policies, one broken file, one duplicate id, and a real policy."""
    root = tmp_path_factory.mktemp("many") / "policies"
    _generator().generate(root, 80)
    (root / "gen-broken.yaml").write_text("id: gen-broken\nprovisions: [\n")
    shutil.copy(root / "gen-00003.yaml", root / "sub-copy.yaml")
    shutil.copy(ROOT / "policies" / "philadelphia.yaml", root / "philadelphia.yaml")
    return root


def test_generated_policies_are_valid(many: Path) -> None:
    result = validate_paths([str(p) for p in sorted(many.glob("gen-0*.yaml"))], strict=True)
    assert [str(p) for p in result.problems()] == []
    assert len(result.files) == 80


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["json", "table", "markdown", "github"])
def test_evaluate_jobs_2_writes_what_jobs_1_writes(many: Path, fmt: str) -> None:
    one = _run("evaluate", str(many), "--as-of", "2017-12-31", "--format", fmt, "--jobs", "1")
    two = _run("evaluate", str(many), "--as-of", "2017-12-31", "--format", fmt, "--jobs", "2")
    assert one == two
    assert one[0] == 2  # the broken file could not be evaluated; the others were
    assert "gen-broken.yaml:3:1: error:" in one[2]
    if fmt == "json":
        report = json.loads(one[1])
        assert report["summary"]["policies"] == len(report["policies"]) == 81
        assert [e["path"] for e in report["errors"]] == [
            str(many / "gen-broken.yaml"),
            str(many / "sub-copy.yaml"),  # its id is not its file name
        ]


def test_streamed_json_equals_the_report_built_whole(many: Path, tmp_path: Path) -> None:
    """The streamed pieces make the same report as the one report_of builds in memory."""
    from sanctuary_check.session import evaluate_inputs, open_session, report_of

    session = open_session("2017-12-31")
    whole = report_of(session, evaluate_inputs(session, [str(many)], lambda p: None))
    code, out, _ = _run("evaluate", str(many), "--as-of", "2017-12-31", "--format", "json")
    assert code == 2
    assert json.loads(out) == json.loads(json.dumps(whole))


@pytest.mark.parametrize("fmt", ["markdown", "github"])
def test_streamed_formats_equal_the_whole_report_rendered(
    many: Path, tmp_path: Path, fmt: str
) -> None:
    """Markdown and GitHub commands are written policy by policy, as the same text."""
    from sanctuary_check.render import RENDERERS, Style
    from sanctuary_check.session import evaluate_inputs, open_session, report_of

    session = open_session("2017-12-31")
    whole = report_of(session, evaluate_inputs(session, [str(many)], lambda p: None))
    assert any(p["warnings"] for p in whole["policies"]) or whole["errors"]
    target = tmp_path / f"out.{fmt}"
    code, _, _ = _run("evaluate", str(many), "--as-of", "2017-12-31", "--format", f"{fmt}={target}")
    assert code == 2
    assert target.read_text() == RENDERERS[fmt](json.loads(json.dumps(whole)), Style())


def test_evaluate_writes_files_whole_with_jobs(many: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, _, _ = _run(
        "evaluate", str(many), "--as-of", "2017-12-31", "--format", f"json={target}", "-j", "2"
    )
    assert code == 2
    assert len(json.loads(target.read_text())["policies"]) == 81
    assert not list(tmp_path.glob(".out.json.*"))  # no temporary file left behind


def test_validate_jobs_2_reports_what_jobs_1_reports(many: Path) -> None:
    rules = str(FIXTURES / "rules")
    one = _run("validate", str(many), rules, "--format", "json", "--jobs", "1")
    two = _run("validate", str(many), rules, "--format", "json", "--jobs", "2")
    assert one == two
    report = json.loads(one[1])
    codes = {p["code"] for p in report["problems"]}
    assert {"yaml-syntax", "duplicate-policy", "id-mismatch"} <= codes
    assert report["summary"]["files"] == 83 + len(list((FIXTURES / "rules").glob("*.yaml")))


def test_jobs_0_means_one_per_processor() -> None:
    assert batch.default_jobs() >= 1
    code, _, _ = _run("validate", str(ROOT / "policies" / "philadelphia.yaml"), "--jobs", "0")
    assert code in (0, 1)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_only_for_long_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal, pipe = _Terminal(), io.StringIO()
    monkeypatch.setattr(batch, "PROGRESS_DELAY", 0.0)
    for stream in (terminal, pipe):
        with batch.Meter(50, "checking", stream) as meter:
            for _ in range(49):
                meter.advance()
    assert "checking" in terminal.getvalue()
    assert pipe.getvalue() == ""
    monkeypatch.setattr(batch, "PROGRESS_DELAY", 60.0)  # a run shorter than the delay
    quick = _Terminal()
    with batch.Meter(50, "checking", quick) as meter:
        for _ in range(50):
            meter.advance()
    assert quick.getvalue() == ""


def test_one_format_to_several_places(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.txt"
    code, out, _ = _run(
        "evaluate",
        str(ROOT / "policies" / "philadelphia.yaml"),
        "--as-of",
        "2017-10-31",
        *("--format", f"json={a}", "--format", f"json={b}"),
        *("--format", f"table={c}", "--format", "table"),
    )
    assert code == 1
    assert a.read_text() == b.read_text()
    assert json.loads(a.read_text())["policies"][0]["jurisdiction"]["id"] == "philadelphia"
    assert "City of Philadelphia" in c.read_text() and "City of Philadelphia" in out
    assert max(map(len, out.splitlines())) <= 80 < max(map(len, c.read_text().splitlines()))


# --- SIGTERM, as a service manager or `timeout` sends it -----------------------------------------


@pytest.fixture(scope="module")
def lots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lots") / "policies"
    _generator().generate(root, 300)
    return root


def _started(args: list[str]) -> subprocess.Popen[str]:
    found = shutil.which("sanctuary-check", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("the console script is not installed next to this Python")
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.Popen(
        [found, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigterm_leaves_no_temporary_file_and_exits_143(
    lots: Path, tmp_path: Path, jobs: str
) -> None:
    out = tmp_path / "new.json"
    proc = _started(
        ["evaluate", str(lots), "--as-of", "2017-12-31", "--format", f"json={out}", "-j", jobs]
    )
    # Wait for the streamed report's temporary file to appear (the run is then writing it).
    for _ in range(6000):
        if list(tmp_path.glob(".new.json.*.tmp")) or proc.poll() is not None:
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be stopped")
    assert list(tmp_path.glob(".new.json.*.tmp"))
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143
    assert err.strip().splitlines() == ["sanctuary-check: terminated"]  # workers say nothing
    assert list(tmp_path.iterdir()) == []  # neither the report nor its temporary file


def test_sigterm_stops_a_matrix_in_workers_with_one_line(lots: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.html"
    proc = _started(
        ["matrix", str(lots), "--years", "2016..2021", "--format", f"html={out}", "-j", "2"]
    )
    # Wait for the workers (the parent has children then, and has long set up its handler).
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    if not children.parent.exists():
        proc.kill()
        proc.wait()
        pytest.skip("needs Linux's /proc to see the workers start")
    for _ in range(6000):
        if proc.poll() is not None or len(children.read_text().split()) >= 2:
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be stopped")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143
    assert err.strip().splitlines() == ["sanctuary-check: terminated"]
    assert list(tmp_path.iterdir()) == []
