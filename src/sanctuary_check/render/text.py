"""Making text from policy and rule files safe to show on a terminal."""

from __future__ import annotations

import html
import re

# C0 controls except tab and newline, DEL, and C1 controls: any of them can move the cursor,
# recolour the terminal or hide text when printed raw. Likewise the bidirectional controls (which
# reorder what is shown, as in "Trojan Source"), zero-width spaces, word joiners and stray byte
# order marks, which hide or disguise text. (Joiners that some scripts need are left alone.)
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(value: object) -> str:
    """Text with every control character shown as an escape (\\x1b), never executed."""
    return _CONTROL.sub(_escape, str(value))


def one_line(value: object) -> str:
    """As :func:`safe`, with line breaks and tabs folded to spaces."""
    return " ".join(safe(value).split())


_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", '"': "%22"}
_HTTP = re.compile(r"^https?://", re.IGNORECASE)


def http_url(url: str | None) -> str | None:
    """An address fit for a link, or None when it is not plainly http(s)."""
    if not url or not _HTTP.match(url):
        return None
    return "".join(_URL_UNSAFE.get(ch, ch) for ch in one_line(url))


def html_text(value: object) -> str:
    """Text from a file, safe anywhere in HTML or XML: element content and quoted attributes."""
    return html.escape(safe(value), quote=True)
