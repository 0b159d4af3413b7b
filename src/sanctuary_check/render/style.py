"""How output will be shown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Style:
    """Width in columns, whether colour is wanted, and whether the terminal takes Unicode."""

    width: int = 80
    color: bool = False
    unicode: bool = True
