"""Making text from policy and rule files safe to show on a terminal."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and C1 controls: any of them can move the cursor,
# recolour the terminal or hide text when printed raw.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def safe(value: object) -> str:
    """Text with every control character shown as an escape (\\x1b), never executed."""
    return _CONTROL.sub(_escape, str(value))


def one_line(value: object) -> str:
    """As :func:`safe`, with line breaks and tabs folded to spaces."""
    return " ".join(safe(value).split())
