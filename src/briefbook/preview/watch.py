"""Which saved files make the preview render again, and how a burst of saves becomes one render.

Takes: the brief path and the folders it depends on (corpus with its metric catalog,
templates with the stylesheet). Gives: an async loop that calls ``on_change(reload)`` once per
settled burst of changes — ``reload`` is True when anything but the brief changed.

- The brief is watched through its folder (not recursively), so a deletion, a rename and an
  editor's atomic save (write a temporary file, rename it over the brief) are all seen; only
  events naming the brief itself count.
- Corpus and templates are watched recursively, less editor droppings (watchfiles'
  ``DefaultFilter``: swap files, ``.git``, ``__pycache__`` …) and hidden temporary files.
- Debounce: watchfiles groups events until none came for ``STEP_MS`` (at most ``DEBOUNCE_MS``);
  a render starts once the files were quiet for ``QUIET_S`` (at most ``MAX_WAIT_S`` after the
  first change), and events that arrive during a render are folded into one more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

import anyio
from watchfiles import DefaultFilter, awatch

STEP_MS = 50
DEBOUNCE_MS = 1600
#: A render starts once no change came for this long (a burst of saves is one render).
QUIET_S = 0.25
#: … but never later than this after the first change of a burst.
MAX_WAIT_S = 2.0


def is_hidden_temp(path: Path) -> bool:
    return path.name.startswith(".") or path.name.endswith(("~", ".part", ".tmp"))


async def watch(brief: Path, folders: Iterable[Path], on_change: Callable[[bool], Awaitable[None]],
                stop_event, files: Iterable[Path] = ()) -> None:
    """Run until ``stop_event`` (an ``anyio.Event``) is set. ``files`` (the project file) are
    watched like the brief, through their folders, and count as a reload."""
    brief = brief.absolute()
    files = {Path(f).absolute() for f in files}
    folders = [Path(f).absolute() for f in folders if Path(f).is_dir()]
    default_filter = DefaultFilter()

    def brief_filter(change, path: str) -> bool:
        return Path(path).absolute() == brief

    def file_filter(change, path: str) -> bool:
        return Path(path).absolute() in files

    def folder_filter(change, path: str) -> bool:
        return default_filter(change, path) and not is_hidden_temp(Path(path))

    pending = {"brief": False, "reload": False}
    last_change = [0.0]
    wake = anyio.Event()

    async def collect(paths: list[Path], recursive: bool, flt, kind: str) -> None:
        nonlocal wake
        async for _changes in awatch(*paths, watch_filter=flt, recursive=recursive,
                                     debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=stop_event):
            pending[kind] = True
            last_change[0] = anyio.current_time()
            wake.set()

    async def render_loop() -> None:
        nonlocal wake
        while not stop_event.is_set():
            await wake.wait()
            began = anyio.current_time()
            while (quiet := last_change[0] + QUIET_S - anyio.current_time()) > 0 and \
                    anyio.current_time() - began < MAX_WAIT_S:
                await anyio.sleep(quiet)
            wake = anyio.Event()
            if stop_event.is_set():
                return
            reload = pending["reload"]
            pending["brief"] = pending["reload"] = False
            await on_change(reload)

    async with anyio.create_task_group() as group:
        group.start_soon(collect, [brief.parent], False, brief_filter, "brief")
        if folders:
            group.start_soon(collect, folders, True, folder_filter, "reload")
        for parent in {f.parent for f in files if f.parent.is_dir()}:
            group.start_soon(collect, [parent], False, file_filter, "reload")
        group.start_soon(render_loop)
        await stop_event.wait()
        wake.set()
        group.cancel_scope.cancel()
