"""Hostile and broken input: one clear located message each, the pinned exit code, no traceback,
no hang, and the good files of the same run still processed."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from sanctuary_check.engine import Options, authority_states, evaluate_policy
from sanctuary_check.inputs import load_policy
from sanctuary_check.loading import LoadError, load_file, load_text
from sanctuary_check.ruleset import load_ruleset, registry

HOSTILE = FIXTURES / "hostile"
GOOD = FIXTURES / "policies" / "base-city.yaml"
LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): error: (?P<msg>.+) \[(?P<code>[a-z-]+)\]$"
)

#: What each committed hostile file must produce: (code, line).
EXPECTED: dict[str, tuple[str, int]] = {
    "alias.yaml": ("yaml-alias", 10),
    "bad-indent.yaml": ("yaml-syntax", 15),
    "bad-stance.yaml": ("schema-enum", 12),
    "binary.yaml": ("binary-file", 1),
    "block-nesting-70.yaml": ("yaml-too-deep", 67),
    "comments-only.yaml": ("empty-file", 1),
    "complex-key.yaml": ("yaml-key", 4),
    "control-character.yaml": ("yaml-syntax", 2),
    "crlf-unclosed-quote.yaml": ("yaml-syntax", 6),
    "custom-tag.yaml": ("yaml-tag", 2),
    "duplicate-key-nested.yaml": ("yaml-duplicate-key", 16),
    "duplicate-key.yaml": ("yaml-duplicate-key", 4),
    "empty.yaml": ("empty-file", 1),
    "escape-character.yaml": ("yaml-syntax", 2),
    "exceptions-on-prohibition.yaml": ("exceptions-without-restriction", 13),
    "flow-nesting-2000.yaml": ("yaml-too-deep", 2),
    "id-mismatch.yaml": ("id-mismatch", 1),
    "impossible-date.yaml": ("bad-date", 6),
    "latin-1.yaml": ("encoding", 2),
    "markup-in-key.yaml": ("schema-unknown-key", 16),
    "merge-key.yaml": ("yaml-alias", 16),
    "missing-required.yaml": ("schema-required", 1),
    "nan-confidence.yaml": ("schema-enum", 15),
    "not-addressed-unread.yaml": ("not-read-in-full", 13),
    "number-for-text.yaml": ("schema-type", 2),
    "python-tag.yaml": ("yaml-tag", 2),
    "states-overlap.yaml": ("overlapping-states", 18),
    "tab-indent.yaml": ("yaml-syntax", 15),
    "top-level-list.yaml": ("not-a-mapping", 1),
    "top-level-null.yaml": ("not-a-mapping", 1),
    "top-level-scalar.yaml": ("not-a-mapping", 1),
    "two-documents.yaml": ("yaml-multiple-documents", 16),
    "unclosed-flow.yaml": ("yaml-syntax", 14),
    "undefined-agency.yaml": ("undefined-agency", 14),
    "undefined-source.yaml": ("undefined-source", 14),
    "unknown-key.yaml": ("schema-unknown-key", 16),
    "unknown-provision.yaml": ("schema-unknown-key", 11),
    "utf-16.yaml": ("encoding", 1),
    "utf-32.yaml": ("encoding", 1),
    "whitespace-only.yaml": ("empty-file", 1),
    "window-inverted.yaml": ("window-order", 16),
    "year-unquoted-id.yaml": ("schema-type", 1),
    "yes-for-true.yaml": ("schema-type", 9),
}


def _generated(tmp: Path) -> dict[str, tuple[str, int]]:
    """Hostile files too big to commit, or that git cannot hold, made for the run."""
    out: dict[str, tuple[str, int]] = {}
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 30)]
    bomb = "\n".join(lines) + "\n"
    bomb += "# " + "x" * (1024 * 1024 - len(bomb) - 3) + "\n"
    (tmp / "alias-bomb.yaml").write_text(bomb)
    out["alias-bomb.yaml"] = ("yaml-alias", 2)
    # 10,000 levels: block style would be quadratic in size, so nested block sequences on one
    # line ("- - - ... x") and nested flow mappings.
    (tmp / "nesting-10000.yaml").write_text("notes:\n  " + "- " * 10_000 + "x\n")
    out["nesting-10000.yaml"] = ("yaml-too-deep", 2)
    (tmp / "nesting-10000-flow.yaml").write_text("notes: " + "{a: " * 10_000 + "1" + "}" * 10_000)
    out["nesting-10000-flow.yaml"] = ("yaml-too-deep", 1)
    (tmp / "too-large.yaml").write_bytes(b"# " + b"x" * (5 * 1024 * 1024) + b"\n")
    out["too-large.yaml"] = ("file-too-large", 1)
    many = "id: many\nnotes:\n" + "".join(f"  - {i}\n" for i in range(200_001))
    (tmp / "too-many-values.yaml").write_text(many)
    out["too-many-values.yaml"] = ("yaml-too-many-nodes", 200_000)  # the 200,001st value
    (tmp / "broken-link.yaml").symlink_to(tmp / "nowhere.yaml")
    out["broken-link.yaml"] = ("file-unreadable", 1)
    (tmp / "link-loop.yaml").symlink_to(tmp / "link-loop.yaml")
    out["link-loop.yaml"] = ("file-unreadable", 1)
    os.mkfifo(tmp / "pipe.yaml")
    out["pipe.yaml"] = ("file-unreadable", 1)
    # Python refuses int() of over 4,300 digits; the file is small.
    (tmp / "long-number.yaml").write_text("id: long-number\nnotes: " + "9" * 5000 + "\n")
    out["long-number.yaml"] = ("yaml-number-too-long", 2)
    return out


def _command() -> list[str]:
    found = shutil.which("sanctuary-check", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("the console script is not installed next to this Python")
    return [found]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run(
        [*_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def _messages(text: str) -> dict[str, list[re.Match[str]]]:
    out: dict[str, list[re.Match[str]]] = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            out.setdefault(Path(m["path"]).name, []).append(m)
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, int]]]:
    tmp = tmp_path_factory.mktemp("hostile")
    for name in EXPECTED:
        shutil.copy(HOSTILE / name, tmp / name)
    shutil.copy(GOOD, tmp / "base-city.yaml")
    return tmp, {**EXPECTED, **_generated(tmp)}


def test_the_corpus_is_large_enough() -> None:
    assert len(EXPECTED) >= 40
    assert sorted(p.name for p in HOSTILE.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("command", ["validate", "evaluate"])
def test_each_file_gets_one_located_message_and_good_files_still_run(
    corpus: tuple[Path, dict[str, tuple[str, int]]], command: str
) -> None:
    tmp, expected = corpus
    names = [*sorted(expected), "base-city.yaml"]
    args = [command, *names] + (
        ["--as-of", "2020-01-01", "--format", "json=out.json"] if command == "evaluate" else []
    )
    proc = _run(args, tmp)  # the subprocess timeout is the hang guard; nothing is timed
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == (1 if command == "validate" else 2)
    found = _messages(proc.stdout + proc.stderr)
    for name, (code, line) in expected.items():
        assert name in found, f"no message for {name}"
        (m,) = found[name]  # exactly one message per bad file
        assert (m["code"], int(m["line"])) == (code, line), (name, m.group(0))
        assert int(m["col"]) >= 1
    assert "base-city.yaml" not in found
    if command == "evaluate":
        report = json.loads((tmp / "out.json").read_text())
        assert [p["jurisdiction"]["id"] for p in report["policies"]] == ["base-city"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_one_bad_file_alone_exits_with_the_pinned_code(name: str) -> None:
    from typer.testing import CliRunner

    from sanctuary_check.cli import app

    runner = CliRunner()
    path = str(HOSTILE / name)
    evaluated = runner.invoke(app, ["evaluate", path, "--as-of", "2020-01-01"])
    validated = runner.invoke(app, ["validate", path])
    assert evaluated.exit_code == 2, evaluated.output
    assert validated.exit_code == 1, validated.output
    assert evaluated.exception is None or isinstance(evaluated.exception, SystemExit)


def test_limits_can_be_raised(tmp_path: Path) -> None:
    (tmp_path / "deep.yaml").write_text(
        (HOSTILE / "block-nesting-70.yaml").read_text().replace("block-nesting-70", "deep")
    )
    assert _run(["validate", "deep.yaml"], tmp_path).returncode == 1
    raised = _run(["--max-depth", "100", "validate", "deep.yaml"], tmp_path)
    assert "yaml-too-deep" not in raised.stdout + raised.stderr
    small = _run(["--max-file-size", "1k", "validate", str(GOOD)], tmp_path)
    assert "file-too-large" in small.stdout + small.stderr
    env = _run(["validate", str(GOOD)], tmp_path)
    assert env.returncode == 0


def test_link_loop_in_a_directory_walk_ends(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(GOOD, tmp_path / "sub" / "base-city.yaml")
    (tmp_path / "sub" / "up").symlink_to(tmp_path)
    proc = _run(["validate", str(tmp_path)], tmp_path)
    assert proc.returncode == 1
    assert "symbolic link loop" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_rules_path_that_is_no_directory_gets_its_own_message(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    for name, message in (("pipe.yaml", "not a regular file"), ("loop.yaml", "link loop")):
        proc = _run(
            ["evaluate", str(GOOD), "--rules", str(tmp_path / name), "--as-of", "2020-01-01"],
            tmp_path,
        )
        assert proc.returncode == 2, (name, proc.returncode)
        assert f"{tmp_path / name}:1:1: error:" in proc.stderr + proc.stdout
        assert message in proc.stderr + proc.stdout, name


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    text = GOOD.read_text()
    for i in range(4000):
        (tmp_path / f"town-{i}.yaml").write_text(text.replace("id: base-city", f"id: town-{i}"))
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [*_command(), "evaluate", str(tmp_path), "--as-of", "2020-01-01", "--format", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    time.sleep(1.0)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err.strip().splitlines() == ["sanctuary-check: interrupted"]


def test_ctrl_c_while_the_program_loads_gives_no_traceback() -> None:
    # Before the first line of our code runs, Python may end on SIGINT by the signal (-2, no
    # output); once it runs, the interrupted import must end in one line and 130, not a traceback.
    # (The delays leave the interpreter time to start: its own start-up is not ours to answer.)
    for delay in (0.1, 0.15, 0.2, 0.3, 0.4):
        proc = subprocess.Popen(
            [*_command(), "rules", "list"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err, (delay, err)
        assert proc.returncode in (0, 130, -signal.SIGINT), (delay, proc.returncode, err)
        if proc.returncode == 130:
            assert err.strip().splitlines() == ["sanctuary-check: interrupted"], err


# --- properties ---------------------------------------------------------------------------------

RULESET = load_ruleset([])
DAY = dt.date(2017, 10, 31)
DAY_STATES = authority_states(RULESET.authorities, DAY)
EFFECTS = [e for a in RULESET.authorities for e in a.effects]
POLICY_KEYS = [
    "id",
    "name",
    "kind",
    "state",
    "sources",
    "provisions",
    "agencies",
    "savings_clauses",
    "determinations",
    "ocd_id",
    "notes",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "restricted",
            "prohibited",
            "2017-10-31",
            "2009-11",
            "yes",
            "status_sharing",
            "high",
            "full",
            "instrument",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from([*POLICY_KEYS, "stance", "source", "clauses", "x"]), inner, max_size=4
        )
    ),
    max_leaves=12,
)


def _through_everything(path: Path) -> None:
    """Load, check and evaluate one file; only the documented error type may escape."""
    try:
        policy, problems = load_policy(path, path.name)
    except LoadError as err:  # pragma: no cover - load_policy reports instead of raising
        assert err.path == path.name and err.line >= 1 and err.column >= 1
        return
    for p in problems:
        assert p.path == path.name and p.line >= 1 and p.column >= 1 and p.code
    if policy is not None:
        evaluate_policy(policy, DAY_STATES, registry(), Options(DAY), EFFECTS)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_arbitrary_text_through_loading_validation_and_evaluation(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _through_everything(path)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from(POLICY_KEYS), values, max_size=8))
def test_arbitrary_yaml_shaped_data_through_everything(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    _through_everything(path)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_mutated_real_policies_through_everything(tmp_path: Path, data: st.DataObject) -> None:
    """Real policy files with one value replaced: the nastiest inputs are almost right."""
    source = data.draw(st.sampled_from(sorted((FIXTURES / "policies").glob("*.yaml"))))
    doc = load_file(source)
    paths = [p for p, _ in _walk_paths(doc.data)]
    where = data.draw(st.sampled_from(paths))
    mutated = _replace(doc.data, where, data.draw(values))
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(mutated, allow_unicode=True))
    _through_everything(path)


def _walk_paths(value: Any, where: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    out = [(where, value)]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _walk_paths(v, (*where, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _walk_paths(v, (*where, i))
    return out


def _replace(value: Any, where: tuple[Any, ...], new: Any) -> Any:
    if not where:
        return new
    head, rest = where[0], where[1:]
    if isinstance(value, dict):
        return {k: (_replace(v, rest, new) if k == head else v) for k, v in value.items()}
    return [(_replace(v, rest, new) if i == head else v) for i, v in enumerate(value)]


def test_load_text_never_raises_anything_else() -> None:
    for text in (
        "\x00",
        "\ufeff",
        "a: \udcff",
        "%YAML 9.9\n---\na: 1\n",
        "!!binary x",
        "? \n",
        "a: " + "9" * 5000,
        "[" + "1" * 4301 + "]",
    ):
        try:
            load_text(text, "x.yaml")
        except LoadError as err:
            assert err.line >= 1 and err.column >= 1
