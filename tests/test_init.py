"""`init`: a skeleton that fails validation until its placeholders are filled, then passes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from sanctuary_check.cli import app
from sanctuary_check.inputs import load_policy
from sanctuary_check.ruleset import registry
from sanctuary_check.skeleton import schema_reference

runner = CliRunner()

#: What an author writes in place of each placeholder.
FILLED = {
    "TODO-instrument": "ord-1",
    "TODO-evidence": "news-1",
    '"TODO: the document\'s title"': '"Ordinance 1"',
    '"TODO: who issued it"': '"City Council"',
    '"TODO: YYYY-MM-DD"': '"2020-01-06"',
    '"TODO: https://..."': '"https://example.org/ord-1"',
    "quality: TODO": "quality: gov",
    "read: TODO": "read: full",
    '"TODO: the official name, e.g. City of Example"': '"City of Riverton"',
    "kind: TODO": "kind: city",
    "state: TODO": "state: ZZ",
}


def fill(text: str) -> str:
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, value)
    return text


def init(tmp_path: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["init", *args], input=input, catch_exceptions=False, env={"COLUMNS": "80"}
    )
    return result.exit_code, result.stdout, result.stderr


def test_skeleton_validates_once_its_placeholders_are_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = init(tmp_path, "riverton", "--no-interactive")
    assert code == 0, out
    path = tmp_path / "riverton.yaml"
    text = path.read_text()
    # Unfilled, it does not validate, and the problems point at the placeholders.
    policy, problems = load_policy(path, "riverton.yaml")
    assert policy is None
    assert {p.code for p in problems} >= {"schema-pattern", "schema-enum"}
    assert all("TODO" in text.splitlines()[p.line - 1] for p in problems)
    # Filled, it validates; every provision is still commented out, so every one is unknown.
    path.write_text(fill(text))
    policy, problems = load_policy(path, "riverton.yaml")
    assert policy is not None, [str(p) for p in problems]
    assert problems == []
    assert policy.provisions == {}
    assert "TODO" not in "\n".join(
        line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")
    )


def test_skeleton_carries_every_provision_key_commented_and_the_allowed_values(
    tmp_path: Path,
) -> None:
    code, out, _ = init(tmp_path, "riverton", "-o", "-")
    assert code == 0
    assert out.startswith("# yaml-language-server: $schema=")
    for key in registry().provisions:
        assert re.search(rf"^#   {key}:  # ", out, re.M), key
    for value in (
        "prohibited | restricted | permitted | required | not_addressed",
        "judicial_warrant",
        "release_dates",
        "law | court | gov | news",
    ):
        assert value in out


def test_uncommenting_a_provision_gives_it_a_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    init(tmp_path, "riverton", "--no-interactive")
    path = tmp_path / "riverton.yaml"
    lines = fill(path.read_text()).splitlines()
    start = lines.index(
        "#   status_sharing:  # Sending status information to federal immigration authorities"
    )
    block = []
    for line in lines[start:]:
        if not line.startswith("#   ") or (block and not line.startswith("#     ")):
            break
        block.append(line[2:])
    text = "\n".join(lines).replace("provisions: {}", "provisions:\n" + "\n".join(block), 1)
    text = text.replace("stance: TODO", "stance: prohibited", 1)
    text = text.replace("confidence: TODO", "confidence: medium", 1)
    text = text.replace("binds: [TODO-agency]", "binds: []", 1)
    text = text.replace("    exceptions: []\n", "", 1)
    path.write_text(text)
    result = runner.invoke(
        app,
        [
            "evaluate",
            "riverton.yaml",
            "--as-of",
            "2021-01-01",
            "--format",
            "json",
            "--authority",
            "usc-8-1373",
        ],
    )
    assert result.exit_code == 1, result.stdout + result.stderr  # a conflict in the law lens
    findings = json.loads(result.stdout)["policies"][0]["findings"]
    assert {f["verdict"] for f in findings if f["provision"] == "status_sharing"} == {"conflict"}


def test_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policies").mkdir()
    existing = tmp_path / "policies" / "riverton.yaml"
    existing.write_text("mine\n")
    code, _, err = init(tmp_path, "riverton", "--no-interactive")
    assert code == 2
    assert "exists; init never overwrites" in err
    assert existing.read_text() == "mine\n"
    assert sorted(p.name for p in (tmp_path / "policies").iterdir()) == ["riverton.yaml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Riverton"], "lower-case letters"),
        (["riverton", "--kind", "town"], "choose one of city"),
        (["riverton", "--state", "Zz"], "two capital letters"),
    ],
)
def test_bad_flags_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = init(tmp_path, *args, "-o", "-")
    assert code == 2
    assert message in err


def test_interactive_asks_for_what_the_flags_leave_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = init(
        tmp_path,
        "riverton",
        "--interactive",
        "--state",
        "ZZ",
        input="City of Riverton\ntown\ncity\n\n",
    )
    assert code == 0, out
    text = (tmp_path / "riverton.yaml").read_text()
    assert 'name: "City of Riverton"' in text
    assert "kind: city  #" in text
    assert "state: ZZ  #" in text
    assert "# ocd_id:" in text  # skipped with Enter


def test_flags_fill_the_identity(tmp_path: Path) -> None:
    code, out, _ = init(
        tmp_path,
        "riverton",
        "--name",
        "City of Riverton",
        "--kind",
        "city",
        "--state",
        "ZZ",
        "--ocd-id",
        "ocd-division/country:us/state:zz/place:riverton",
        "-o",
        "-",
    )
    assert code == 0
    assert 'ocd_id: "ocd-division/country:us/state:zz/place:riverton"' in out
    assert "kind: city" in out


def test_schema_comment_points_at_the_source_tree_schema_in_this_project() -> None:
    ref, present = schema_reference(ROOT / "policies" / "new-city.yaml")
    assert (ref, present) == ("../src/sanctuary_check/schemas/policy.json", True)


def test_schema_comment_elsewhere_names_a_schema_file_and_says_how_to_write_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = init(tmp_path, "riverton", "--no-interactive")
    assert code == 0
    assert "sanctuary-check schema policy > policy.schema.json" in err
    assert (
        (tmp_path / "riverton.yaml")
        .read_text()
        .startswith("# yaml-language-server: $schema=policy.schema.json\n")
    )
