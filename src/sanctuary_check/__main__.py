"""``python -m sanctuary_check``."""

from .cli import run

run()
