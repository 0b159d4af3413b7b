"""Values kept by the identity of the objects they were made from.

A policy has hundreds of findings, most of them shared ones met before; what was made from each
(its data, its JSON text) is kept in a table by the finding's ``id``, with the finding kept alive
beside it so that the ``id`` stays its own. Looking a whole list up goes through C, and only the
objects not met before go through Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
V = TypeVar("V")


def each(table: dict[int, V], items: Sequence[T], make: Callable[[T], V]) -> list[V]:
    """``table``'s value for each item, by the item's identity; ``make(item)`` where it has none
    (``make`` may add it to ``table``)."""
    out: list[V | None] = list(map(table.get, map(id, items)))
    if None in out:
        for i, value in enumerate(out):
            if value is None:
                out[i] = make(items[i])
    return out  # type: ignore[return-value]  # no None is left
