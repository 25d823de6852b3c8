"""Running independent jobs in worker processes.

Takes: a picklable function, its tasks, a job count and a worker initialiser.
Gives: each result, as it finishes (in completion order). One job, or one task, runs in this
process. Workers are started with the ``spawn`` method (WeasyPrint and Pango are not
fork-safe) and are terminated — never left running — if the caller stops early.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")


def run_jobs(work: Callable[[Task], Result], tasks: Iterable[Task], *, jobs: int,
             initializer: Callable[[], None] | None = None) -> Iterator[Result]:
    tasks = list(tasks)
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield work(task)
        return
    import multiprocessing

    pool = multiprocessing.get_context("spawn").Pool(min(jobs, len(tasks)),
                                                     initializer=initializer)
    try:
        yield from pool.imap_unordered(work, tasks)
        pool.close()
    except BaseException:  # includes Ctrl-C and a caller that stops iterating
        pool.terminate()
        raise
    finally:
        pool.join()
