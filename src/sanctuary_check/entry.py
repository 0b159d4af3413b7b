"""The command's entry point: kept apart from ``cli`` so that Ctrl-C while the program is still
loading or setting up (typer, rich and the engine take a noticeable moment) ends it like Ctrl-C
later does, with one line and exit status 130, never a traceback."""

from __future__ import annotations

import sys


def run() -> None:  # pragma: no cover - exercised through the installed command
    try:
        from .cli import main

        code = main()  # which answers Ctrl-C itself once a command runs
    except KeyboardInterrupt:
        sys.stderr.write("sanctuary-check: interrupted\n")
        code = 130
    sys.exit(code)
