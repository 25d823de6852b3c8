"""Running independent jobs in worker processes.

Takes: a picklable function, its tasks, a job count and a worker initialiser.
Gives: each result, as it finishes (in completion order). One job, or one task, runs in this
process. Workers are started with the ``spawn`` method (WeasyPrint and Pango are not
fork-safe), ignore Ctrl-C (the parent decides, and stops them), and are terminated — never left
running — if the caller stops early. A worker that dies (killed, out of memory, ``os._exit``)
ends the run with a ``BriefbookError`` instead of waiting forever for its lost task.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from briefbook.errors import BriefbookError

Task = TypeVar("Task")
Result = TypeVar("Result")


def ignore_sigint() -> None:
    """Worker initialiser: Ctrl-C goes to the whole process group; only the parent acts on it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _terminate(executor) -> None:
    """Stop the workers now, running tasks included (``shutdown`` alone waits for them)."""
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        with contextlib.suppress(Exception):
            terminate()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()


def run_jobs(work: Callable[[Task], Result], tasks: Iterable[Task], *, jobs: int,
             initializer: Callable[[], None] | None = ignore_sigint) -> Iterator[Result]:
    tasks = list(tasks)
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield work(task)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    executor = ProcessPoolExecutor(min(jobs, len(tasks)),
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=initializer)
    finished = False
    try:
        futures = [executor.submit(work, task) for task in tasks]
        try:
            for future in as_completed(futures):
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
