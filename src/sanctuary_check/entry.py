"""The command's entry point: kept apart from ``cli`` so that Ctrl-C while the program is still
loading or setting up (typer, rich and the engine take a noticeable moment) ends it like Ctrl-C
later does, with one line and exit status 130, never a traceback."""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130
INTERRUPTED = "sanctuary-check: interrupted\n"


def run() -> None:  # pragma: no cover - exercised through the installed command
    try:
        from .cli import main

        code = main()  # which answers Ctrl-C itself once a command runs
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED)
        code = EXIT_INTERRUPTED
    sys.exit(code)
