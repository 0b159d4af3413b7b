"""``python -m sanctuary_check``."""

from .entry import run

run()
