"""Python's cyclic garbage collector, kept to the objects a block of work makes.

Takes: a block of work (``only_new_objects()`` is a context manager). Gives: the block run with
every object alive at its start left out of the collector's passes (``gc.freeze``), and put
back when it ends; nested blocks leave it to the outermost.

Why: a render makes some hundred thousand objects, and the collector's full passes, triggered
by that growth, also walk everything alive before it — the imported modules, the project's
corpus and catalog, the fonts' configuration, a long-lived process's earlier work. In a warm
render of the full book those passes took about a sixth of the time, half of it walking what
the render did not make. Nothing is lost: the frozen objects are not garbage while the block
runs (they were alive at its start and what the block drops is collected when they return),
and what the block makes is collected as before, so memory stays as it was (``make bench``).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_depth = 0


@contextlib.contextmanager
def only_new_objects() -> Iterator[None]:
    """Run the block with the objects alive at its start out of the collector's passes."""
    global _depth
    if _depth:
        yield
        return
    _depth += 1
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        _depth -= 1


def leave_to_the_exit() -> None:
    """Leave what the program made to its exit: called when the command line's work is done and
    the process is about to end. Python's last collection, at exit, would walk every object
    again to find the garbage the work left (a render leaves some hundred thousand objects in
    cycles: a quarter to half a second); the process's end frees that memory anyway. What must
    run at exit is registered for it (``atexit``, ``weakref.finalize``), as
    ``engine.pdf.remove_at_exit`` does for WeasyPrint's copies of the fonts."""
    gc.freeze()
