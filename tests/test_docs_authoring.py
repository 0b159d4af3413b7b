"""The authoring guides, followed to the letter: their files written, their commands run.

A YAML block after ``<!-- file: PATH -->`` is written to PATH; a console block after
``<!-- run -->`` (or ``<!-- run: exit N -->``) is run command by command, in a fresh directory,
and every output line it shows must be a line of the real output (``...`` skips lines).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from sanctuary_check.cli import app

DOCS = ROOT / "docs"
BLOCK = re.compile(
    r"<!-- (file: (?P<path>\S+)|run(?:: exit (?P<exit>\d+))?) -->\n```(\w+)\n(?P<body>.*?)\n```",
    re.S,
)


@dataclass
class Step:
    path: str | None
    exit: int
    body: str


def steps(page: str) -> list[Step]:
    text = (DOCS / page).read_text()
    return [Step(m["path"], int(m["exit"] or 0), m["body"]) for m in BLOCK.finditer(text)]


def run_console(body: str, expected_exit: int) -> None:
    runner = CliRunner()
    commands: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            commands[-1][1].append(line)
    for command, shown in commands:
        args = shlex.split(command)
        if args[0] == "mkdir":
            for name in args[1:]:
                if not name.startswith("-"):
                    Path(name).mkdir(parents=True, exist_ok=True)
            continue
        assert args[0] == "sanctuary-check", command
        target = None
        if ">" in args:
            at = args.index(">")
            args, target = args[:at], args[at + 1]
        result = runner.invoke(app, args[1:])
        assert result.exit_code == expected_exit, (command, result.output)
        if target is not None:
            Path(target).write_text(result.stdout)
        real = [line.rstrip() for line in result.output.splitlines()]
        for line in shown:
            if line.strip() == "...":
                continue
            assert line.rstrip() in real, (command, line, result.output)


@pytest.mark.parametrize("page", ["authoring-policies.md", "authoring-rules.md"])
def test_guide_runs_as_written(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    found = steps(page)
    assert any(s.path for s in found) and any(s.path is None for s in found)
    for step in found:
        if step.path is not None:
            target = tmp_path / step.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.body + "\n")
        else:
            run_console(step.body, step.exit)
