"""The JSON report (the pinned contract in schemas/report.json)."""

from __future__ import annotations

import json
from typing import Any

from .style import Style


def render(report: dict[str, Any], style: Style) -> str:
    del style  # JSON is the same whatever the terminal
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
