"""Many files at once: in their order, in worker processes when asked, with a progress bar.

Results always come back in the order of the inputs, so ``--jobs 4`` prints exactly what
``--jobs 1`` prints. Worker processes are forked (they inherit the loaded rule sets); ``setup``
runs in each before its first item.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeVar

from .loading import Limits, current_limits, set_limits

if TYPE_CHECKING:
    from rich.progress import Progress

    from .validation import Problem

T = TypeVar("T")
R = TypeVar("R")

#: Fewer files than this per worker are not worth starting processes for.
MIN_PER_JOB = 16
#: A progress bar appears only once a run has lasted this long (short runs never show one).
PROGRESS_DELAY = 1.0


def default_jobs() -> int:
    """``--jobs 0``: one worker per processor this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _start(limits: Limits, setup: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    # Ctrl-C goes to the whole process group: only the parent answers it (exit 130, one line);
    # the workers are ended by the pool, with no traceback of their own. The pool ends them
    # with SIGTERM, so they must not inherit the parent's handler that turns it into an
    # exception (cli.main): a worker just ends, and writes no file of its own to clean up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # held while the pool started (ordered)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    set_limits(limits)
    if setup is not None:
        setup(*args)


def ordered(
    func: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    setup: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
    chunk_max: int = 64,
) -> Iterator[R]:
    """``func`` over ``items``, results in the order of ``items``.

    With ``jobs`` > 1 and enough items, in that many worker processes; ``setup(*args)`` runs once
    in each worker first (in this process the caller has already set things up).
    """
    # Workers are forked: they inherit the rule sets already loaded. Where a system cannot fork,
    # the run stays in this process.
    import multiprocessing  # only for runs that use workers

    forks = "fork" in multiprocessing.get_all_start_methods()
    with _few_collections():
        if jobs <= 1 or len(items) < MIN_PER_JOB * 2 or not forks:
            yield from map(func, items)
            return
        context = multiprocessing.get_context("fork")
        workers = min(jobs, len(items) // MIN_PER_JOB)
        # Chunks small enough to keep both workers busy to the end, large enough to cost little;
        # ``chunk_max`` keeps them small in bytes where each result is large (a chunk's results
        # travel, and wait, as one message).
        chunk = max(1, min(chunk_max, len(items) // (workers * 16)))
        # SIGTERM is held while the workers are forked: until a worker has run _start it still
        # has the parent's handler, and would answer the pool's SIGTERM with a traceback. The
        # parent gets a SIGTERM that came meanwhile once the pool is there to be ended.
        held = _hold_sigterm()
        try:
            with context.Pool(workers, _start, (current_limits(), setup, args)) as pool:
                _release(held)
                held = None
                yield from pool.imap(func, items, chunksize=chunk)
        finally:
            _release(held)


def _hold_sigterm() -> set[int | signal.Signals] | None:
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})


def _release(held: set[int | signal.Signals] | None) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Keep the cyclic garbage collector out of the way of a long run.

    Each file makes hundreds of thousands of short-lived objects that reference counting frees,
    yet every 700 allocations the collector would scan them, and now and then everything alive,
    the rule sets included. What is alive when the run starts is frozen out of its view (which
    also spares forked workers from copying it, as the gc module's documentation advises), and
    the youngest generation is collected less often. Both are undone when the run ends.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], 50_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


class Evaluated(Protocol):
    """What a worker hands back for one file: the problems found, and whether it was evaluated."""

    problems: list[Problem]

    @property
    def done(self) -> bool: ...


E = TypeVar("E", bound=Evaluated)


def evaluated(
    func: Callable[[T], E],
    files: Sequence[T],
    jobs: int,
    setup: Callable[..., None],
    args: tuple[Any, ...],
    on_problem: Callable[[Problem], None],
    errors: list[Problem],
) -> Iterator[E]:
    """The outcomes of the files that could be evaluated, in order, with a progress bar.

    Every problem goes to ``on_problem`` as it comes; the errors of a file that could not be
    evaluated are added to ``errors``.
    """
    with Meter(len(files), "evaluating") as meter:
        # A policy's part of a report can be half a megabyte: a few per message.
        for out in ordered(func, files, jobs, setup, args, chunk_max=4):
            meter.advance()
            for p in out.problems:
                on_problem(p)
            if out.done:
                yield out
            else:
                errors.extend(p for p in out.problems if p.severity == "error")


class Meter:
    """A progress bar on standard error, shown only on a terminal and only for long runs."""

    def __init__(self, total: int, what: str, stream: TextIO | None = None) -> None:
        self.total = total
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self.last = 0.0
        self.bar: Progress | None = None
        self.task: Any = None
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) and total > 1

    def advance(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if self.bar is None:
            if now - self.started < PROGRESS_DELAY or self.done >= self.total:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn(f"sanctuary-check: {self.what}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=True,
                auto_refresh=False,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.what, total=self.total)
        if now - self.last >= 0.1 or self.done >= self.total:
            self.last = now
            self.bar.update(self.task, completed=self.done)
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __enter__(self) -> Meter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
