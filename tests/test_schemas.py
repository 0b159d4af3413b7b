"""The schema command, and the schemas editors read through yaml-language-server comments."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from sanctuary_check.cli import app
from sanctuary_check.schemas import NAMES, bundled

runner = CliRunner()
EDITOR_SCHEMAS = ("policy", "rules", "waivers", "settings")
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.M)


@pytest.mark.parametrize("name", EDITOR_SCHEMAS)
def test_committed_editor_schemas_match_the_installed_ones(name: str) -> None:
    committed = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())
    assert committed == bundled(name), (
        f"schemas/{name}.schema.json is stale: run "
        f"sanctuary-check schema {name} --output schemas/{name}.schema.json"
    )


def test_every_modeline_in_the_repository_names_a_schema_that_exists() -> None:
    files = [*(ROOT / "policies").glob("*.yaml"), *(ROOT / "rules").glob("*.yaml")]
    found = 0
    for path in files:
        m = MODELINE.search(path.read_text())
        if m:
            found += 1
            target = (path.parent / m.group(1)).resolve()
            assert target.is_file(), (path, m.group(1))
            assert target.parent == (ROOT / "schemas").resolve()
    assert found >= 1


@pytest.mark.parametrize("name", NAMES)
def test_schema_command_prints_each_schema(name: str) -> None:
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == bundled(name)


def test_schema_output_file(tmp_path: Path) -> None:
    target = tmp_path / "waivers.schema.json"
    result = runner.invoke(app, ["schema", "waivers", "--output", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["title"] == "sanctuary-check waivers file"
    result = runner.invoke(app, ["schema", "waivers", "--output", str(tmp_path / "no" / "x")])
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_the_installed_version_is_the_package_s() -> None:
    from importlib.metadata import version

    from sanctuary_check import __version__

    assert version("sanctuary-check") == __version__
