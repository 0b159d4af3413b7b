"""Settings in pyproject.toml or .sanctuary-check.yaml; command-line options win over them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from sanctuary_check.cli import app
from sanctuary_check.settings import SettingsError, find_settings, load_settings

runner = CliRunner()
BASE = FIXTURES / "policies" / "base-city.yaml"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _project(tmp_path: Path, kind: str, body: dict[str, str]) -> Path:
    """A scratch project: a policy, the fixture rules under rules-extra/, and settings."""
    (tmp_path / ".git").mkdir()  # the top of a work tree: the search for settings stops here
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "base-city.yaml").write_text(BASE.read_text())
    (tmp_path / "rules-extra").mkdir()
    (tmp_path / "rules-extra" / "tst-2000-table.yaml").write_text(
        (FIXTURES / "rules" / "tst-2000-table.yaml").read_text()
    )
    if kind == "toml":
        lines = "\n".join(f"{k} = {v}" for k, v in body.items())
        (tmp_path / "pyproject.toml").write_text(
            f'[project]\nname = "x"\n\n[tool.sanctuary-check]\n{lines}\n'
        )
    else:
        lines = "\n".join(f"{k}: {v}" for k, v in body.items())
        (tmp_path / ".sanctuary-check.yaml").write_text(lines + "\n")
    return tmp_path


SETTINGS = {
    "as-of": '"2020-01-01"',
    "authorities": '["tst-2000-table"]',
    "rules": '["rules-extra"]',
    "fail-on": '"never"',
    "fail-scope": '"any"',
}


@pytest.mark.parametrize("kind", ["toml", "yaml"])
def test_settings_apply_and_flags_win(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path, kind, SETTINGS)
    monkeypatch.chdir(project / "policies")  # found from a subdirectory too
    code, out, err = invoke("evaluate", "base-city.yaml", "--format", "json")
    assert code == 0, err  # fail-on never
    report = json.loads(out)
    assert report["as_of"] == "2020-01-01"
    assert [a["id"] for a in report["authorities"]] == ["tst-2000-table"]
    # Each flag wins over its setting.
    assert invoke("evaluate", "base-city.yaml", "--fail-on", "conflict")[0] == 1
    _, out, _ = invoke("evaluate", "base-city.yaml", "--as-of", "2021-02-03", "--format", "json")
    assert json.loads(out)["as_of"] == "2021-02-03"
    code, out, _ = invoke(
        "evaluate", "base-city.yaml", "--authority", "usc-8-1373", "--format", "json"
    )
    assert [a["id"] for a in json.loads(out)["authorities"]] == ["usc-8-1373"]


def test_settings_waivers_and_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = {**SETTINGS, "fail-on": '"conflict"', "waivers": '"waivers.yaml"', "strict": "true"}
    project = _project(tmp_path, "toml", body)
    (project / "waivers.yaml").write_text(
        "waivers:\n"
        "  - {rule: tst-2000-table/sharing, policy: base-city, provision: status_sharing,\n"
        '     reason: r, owner: o, expires: "2001-01-01"}\n'
    )
    monkeypatch.chdir(project)
    code, out, err = invoke("evaluate", "policies", "--format", "json")
    assert "[waiver-expired]" in err
    assert json.loads(out)["waivers"][0]["status"] == "expired"
    assert code == 1
    # validate checks the waivers file the settings name, and strict makes its warning fail.
    code, out, _ = invoke("validate", "policies")
    assert "waivers.yaml:2:5: warning:" in out and "[waiver-expired]" in out
    assert code == 1
    assert invoke("validate", "policies", "--no-strict")[0] == 0


@pytest.mark.parametrize("kind", ["toml", "yaml"])
def test_bad_settings_are_located_and_exit_two(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path, kind, {"fail_on": '"never"'})
    monkeypatch.chdir(project)
    for command in ("evaluate", "validate"):
        code, _, err = invoke(command, "policies")
        assert code == 2
        name = "pyproject.toml:4:1" if kind == "toml" else ".sanctuary-check.yaml:1:1"
        assert name in err
        assert "did you mean 'fail-on'?" in err
        assert "Traceback" not in err


def test_explicit_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "ci.yaml"
    path.write_text("as-of: 2019-05-06\nfail-on: never\n")
    settings = load_settings(path)
    assert settings.as_of == "2019-05-06" and settings.fail_on == "never"
    with pytest.raises(SettingsError):
        load_settings(tmp_path / "missing.yaml")
    code, out, _ = invoke(
        "evaluate", str(BASE), "--settings", str(path), "--rules", str(FIXTURES / "rules")
    )
    assert code == 0 and "as of 2019-05-06" in out


def test_search_stops_at_the_work_tree(tmp_path: Path) -> None:
    (tmp_path / ".sanctuary-check.yaml").write_text("fail-on: never\n")
    inner = tmp_path / "repo" / "sub"
    inner.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    assert find_settings(inner) is None
    assert find_settings(tmp_path / "repo" / "..") == (tmp_path / ".sanctuary-check.yaml")
    (tmp_path / "repo" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_settings(inner) is None  # a pyproject.toml without the table is not settings
