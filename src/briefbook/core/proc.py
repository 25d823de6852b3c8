"""Worker processes that never outlive their command, and signals held over steps that must
not be cut in two.

Takes: a picklable function, its tasks, a job count and a worker initialiser (``run_jobs``).
Gives: each result as it finishes (in completion order); with one job, or one task, the work
runs in this process. Workers are started with the ``spawn`` method (WeasyPrint and Pango are
not fork-safe) and ignore Ctrl-C (the parent decides, and stops them); they are terminated —
never left running — if the caller stops early, and if the parent itself dies (even by
SIGKILL) the kernel kills them. A worker that dies (killed, out of memory, ``os._exit``) ends
the run with a ``BriefbookError`` instead of a wait for its lost task.

Also gives the pieces for callers that start their own processes: ``start_worker`` (a worker's
first call: signals unblocked, ``die_with_parent``, then the initialiser), ``die_with_parent``,
``ignore_sigint`` and ``signals_held`` (SIGINT/SIGTERM held back while workers are spawned or
a run's copies are moved into place).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from briefbook.core.errors import BriefbookError

Task = TypeVar("Task")
Result = TypeVar("Result")


def ignore_sigint() -> None:
    """Worker initialiser: Ctrl-C goes to the whole process group; only the parent acts on it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this worker when its parent dies, even by SIGKILL (Linux
    ``prctl(PR_SET_PDEATHSIG)``); elsewhere a daemon thread polls the parent's pid. If the
    parent is already gone (it died while this worker started), exit now."""
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent_pid:
        os._exit(1)
    if not armed:
        def watch() -> None:
            while os.getppid() == parent_pid:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, so a container's or ``taskset``'s
    limit counts), at least one: the default number of workers."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def start_worker(parent_pid: int, initializer: Callable[[], None] | None = ignore_sigint,
                 ) -> None:
    """A worker process's first call: ``initializer`` (by default: ignore Ctrl-C) while
    SIGINT/SIGTERM are still held — workers are started while the parent holds them back, and a
    signal mask is inherited, so a Ctrl-C that reached the whole process group meanwhile is
    ignored, not raised in the worker — then the signals unblocked (without this
    ``terminate()`` would not stop it), then killed with its parent (``die_with_parent``)."""
    if initializer is not None:
        initializer()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    die_with_parent(parent_pid)


def _terminate(executor: Executor) -> None:
    """Stop the workers now, running tasks included (``shutdown`` alone waits for them)."""
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        with contextlib.suppress(Exception):
            terminate()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back (delivered on exit) while a step must not be cut in two:
    worker processes being spawned, a run's copies being moved into place.

    Two holds, both needed: the signals are blocked in this thread (so processes spawned
    meanwhile start with them blocked), and their Python handlers only note them until the
    step is done — a signal the kernel hands to another thread (a progress bar's, an
    executor's) would otherwise still raise KeyboardInterrupt here, mid-step (a worker then
    found its parent gone before it was sent its start-up data, and printed a traceback)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = (signal.SIGINT, signal.SIGTERM)
    noted: list[int] = []
    handlers = {signum: signal.signal(signum, lambda signum, _frame: noted.append(signum))
                for signum in held}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
        for signum, handler in handlers.items():  # None: a handler not set from Python
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        for number in dict.fromkeys(noted):  # delivered now, to the handlers of before
            signal.raise_signal(number)


def _as_completed(futures: list[Future[Any]], poll: float = 0.2) -> Iterator[Future[Any]]:
    """Like ``concurrent.futures.as_completed``, but the main thread wakes every ``poll``
    seconds: a signal that the kernel hands to another thread (a progress-bar thread, say)
    is then acted on at once instead of when the next task happens to finish."""
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=poll, return_when=FIRST_COMPLETED)
        yield from done


def run_jobs(work: Callable[[Task], Result], tasks: Iterable[Task], *, jobs: int,
             initializer: Callable[[], None] | None = ignore_sigint) -> Iterator[Result]:
    """``work(task)`` for each task, in up to ``jobs`` spawned workers (each started by
    ``start_worker`` with ``initializer``); results in completion order."""
    tasks = list(tasks)
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield work(task)
        return
    executor = ProcessPoolExecutor(min(jobs, len(tasks)),
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=start_worker,
                                   initargs=(os.getpid(), initializer))
    finished = False
    try:
        with signals_held():  # a half-spawned worker would print a traceback on Ctrl-C
            futures = [executor.submit(work, task) for task in tasks]
        try:
            for future in _as_completed(futures):
                yield future.result()
        except BrokenProcessPool as exc:
            raise BriefbookError(
                "a worker process died unexpectedly (killed, or out of memory?); the run was "
                "stopped", hint="rerun with fewer --jobs if memory is short") from exc
        finished = True
    finally:
        # On an error, Ctrl-C or a caller that stops iterating: kill the workers, drop the rest.
        if not finished:
            _terminate(executor)
        executor.shutdown(wait=True, cancel_futures=True)
