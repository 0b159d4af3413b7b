"""Where output goes: the --format NAME[=FILE] choices, the terminal's style, whole-file writes."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .render import RENDERERS, PieceRenderer, Style
from .session import UsageError

Output = tuple[str, str | None]  # (format name, file or None for standard output)


class Terminated(BaseException):
    """SIGTERM, raised where the program is, like KeyboardInterrupt for SIGINT.

    A BaseException, so that nothing that handles errors handles it, while every ``finally`` and
    ``except BaseException`` on the way out still runs: the temporary files beside the outputs
    are removed, as they are on Ctrl-C. Python's default for SIGTERM ends the process at once and
    leaves them behind.
    """


def _terminated(signum: int, frame: object) -> None:
    del signum, frame
    raise Terminated


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` (in the main thread only)."""
    try:
        previous = signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread: leave SIGTERM as it is
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def default_format() -> str:
    """``table``, or ``github`` inside GitHub Actions (which sets GITHUB_ACTIONS)."""
    return "github" if os.environ.get("GITHUB_ACTIONS") else "table"


def parse_formats(
    values: Iterable[str],
    default: str | None = None,
    available: Iterable[str] | None = None,
) -> list[Output]:
    """``--format NAME[=FILE]`` values; at most one may go to standard output."""
    names = sorted(available if available is not None else RENDERERS)
    out: list[Output] = []
    for value in values:
        name, sep, target = value.partition("=")
        if name not in names:
            raise UsageError(f"unknown format {name!r}; available: {', '.join(names)}")
        if sep and not target:
            raise UsageError(f"--format {value}: give a file name after '='")
        out.append((name, target or None))
    if not out:
        out.append((default or default_format(), None))
    if sum(1 for _, target in out if target is None) > 1:
        raise UsageError("only one --format may go to standard output; give the others =FILE")
    return out


def terminal_style() -> Style:
    """Width, colour and Unicode for standard output, honouring NO_COLOR and FORCE_COLOR."""
    stream = sys.stdout
    tty = hasattr(stream, "isatty") and stream.isatty()
    color = tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    if os.environ.get("FORCE_COLOR") and "NO_COLOR" not in os.environ:
        color = True
    width = shutil.get_terminal_size((80, 24)).columns if tty else _columns_env()
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return Style(width=max(40, width), color=color, unicode=encoding in ("utf8", "utf16", "utf32"))


def _columns_env() -> int:
    try:
        return int(os.environ.get("COLUMNS", "80"))
    except ValueError:
        return 80


Text = str | Iterable[str]  # a whole text, or its pieces in order

#: The temporary files made here and not known to be gone. An interruption can come between the
#: making of one and the ``try`` that would remove it (a caller's, in ``stream.py``); the command
#: line removes whatever is left (:func:`remove_temporaries`). A file renamed into place is no
#: longer there under this name, so removing it again is harmless.
_LIVE: set[str] = set()


def remove_temporaries() -> None:
    """Remove every temporary file still beside its target (after an interruption)."""
    for tmp in list(_LIVE):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _LIVE.discard(tmp)


def temporary_beside(path: Path, text: Text) -> str:
    """The text in a temporary file beside ``path`` (same file system, so it can be renamed).

    Removed again if anything goes wrong meanwhile, an interruption included (SIGINT, and
    SIGTERM, which the command line turns into an exception for this reason).
    """
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    _LIVE.add(tmp)
    try:
        # mkstemp makes the file private; a report or schema gets the mode a new file would.
        os.fchmod(fd, _new_file_mode(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            _write(fh, text)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _LIVE.discard(tmp)
        raise
    return tmp


def _write(stream: Any, text: Text) -> None:
    if isinstance(text, str):
        stream.write(text)
        return
    for piece in text:
        stream.write(piece)


def _new_file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(target: str, text: Text) -> None:
    """Write the whole file or nothing: a temporary file in the same directory, renamed."""
    path = Path(target)
    tmp = temporary_beside(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        _LIVE.discard(tmp)


def write_new(target: str, text: str) -> None:
    """Write a file that must not exist yet: whole or not at all, and never over another file.

    Raises FileExistsError when the target exists (even if it appears meanwhile).
    """
    path = Path(target)
    tmp = temporary_beside(path, text)
    try:
        try:
            os.link(tmp, path)  # atomic, and fails if the target exists
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            with path.open("x", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _LIVE.discard(tmp)


FILE_STYLE = Style(width=100, color=False, unicode=True)


def emit(
    outputs: list[Output],
    report: dict[str, Any],
    renderers: Mapping[str, PieceRenderer] = RENDERERS,
) -> None:
    """Render the report in every chosen format, to standard output or to its file."""
    deliver(outputs, lambda name, style: renderers[name](report, style))


def deliver(outputs: list[Output], produce: Callable[[str, Style], Text]) -> None:
    """Write each format's text to standard output or, whole or not at all, to its file."""
    for name, target in outputs:
        if target is None:
            _write(sys.stdout, produce(name, terminal_style()))
            sys.stdout.flush()
            continue
        try:
            write_atomically(target, produce(name, FILE_STYLE))
        except OSError as exc:
            raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
