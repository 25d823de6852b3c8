"""Showing long work as it goes: on a terminal only; silent when output goes to a file or a
pipe (scripts, CI, tests), so nothing but the commands' own lines reaches them.

Takes: the command's work, told as counts (``bar``) or as steps in words (``steps``).
Gives: a transient display on stderr (gone when the work ends), or nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from briefbook.core.errors import shown_message


def bar() -> Progress:
    """A bar of items done out of all (build, editions, several briefs): description, bar,
    N/M, time elapsed; disabled unless stderr is a terminal."""
    console = Console(stderr=True)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True,
                    disable=not console.is_terminal)


def note(progress: Progress) -> Callable[[str], None]:
    """Print a line (a wait for a Dask scheduler, a stale output) above the progress bar."""
    return lambda text: progress.console.print(shown_message(text), markup=False,
                                               highlight=False, soft_wrap=True)


@contextmanager
def steps(label: str) -> Iterator[Callable[[str], None]]:
    """A spinner reading "label: step · time" while one long piece of work runs (ingest of
    a large file); yields the function that names the step now starting."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda _: None
        return
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                        TimeElapsedColumn(), console=console, transient=True)
    with progress:
        task = progress.add_task(label, total=None)
        yield lambda step: progress.update(task, description=f"{label}: {step}")
