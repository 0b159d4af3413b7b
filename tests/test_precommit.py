"""The pre-commit hooks, used from another repository as a user would: ``pre-commit try-repo``.

Slow (pre-commit builds an environment and installs the tool into it from a snapshot of this
source tree), so it runs the validate hook twice with one shared environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "validate" / "policies"
# What a wheel of the project needs: the build configuration, the package and the rules.
SNAPSHOT = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src", "rules")


IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, **IDENTITY}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=120)


def _snapshot(target: Path) -> None:
    """This source tree as a clean git repository (try-repo clones it)."""
    target.mkdir()
    for name in SNAPSHOT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "snapshot")


def test_validate_hook_fails_a_bad_policy_and_passes_a_good_one(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed: pre-commit needs it")
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pre_commit = shutil.which("pre-commit")
    assert pre_commit is not None, "pre-commit is in the [test] extra"
    env = {
        **os.environ,
        **IDENTITY,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "NO_COLOR": "1",
    }
    source = tmp_path / "sanctuary-check"
    _snapshot(source)
    consumer = tmp_path / "consumer"
    (consumer / "policies").mkdir(parents=True)
    _git(consumer, "init", "-q")
    shutil.copy(FIXTURE / "good-town.yaml", consumer / "policies" / "good-town.yaml")
    bad = (FIXTURE / "schema-enum.yaml").read_text().replace("id: schema-enum", "id: bad-town")
    (consumer / "policies" / "bad-town.yaml").write_text(bad)

    def hook(path: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "try-repo", str(source), "sanctuary-check-validate", "--files", path],
            cwd=consumer,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    good = hook("policies/good-town.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
    failed = hook("policies/bad-town.yaml")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "policies/bad-town.yaml:13:13: error: " in failed.stdout
    assert "[schema-enum]" in failed.stdout
