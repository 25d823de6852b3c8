"""Python's cyclic garbage collector around forks and at the program's end.

Takes: a block of work that forks children (``shared_with_children()``, a context manager), or
the end of the command line's work (``leave_to_the_exit()``). Gives:

- the block run with every object alive at its start out of the collector's passes
  (``gc.freeze``), so neither this process nor its forked children touch those objects'
  headers (which would copy each memory page they share), and put back when it ends. Garbage
  frozen with them — an earlier render's document, say — would stay frozen at every later
  block in a long-lived process (a build, the preview: 22 MB more per parallel render of the
  full book, measured); so the next block starts with a full collection, once;
- the process's garbage left to its exit (``leave_to_the_exit``).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: whether garbage may have been frozen with what a block left alive (``shared_with_children``)
_frozen_garbage = False


@contextlib.contextmanager
def shared_with_children() -> Iterator[None]:
    """Run the block (which forks) with what is alive at its start out of the collector's
    passes, in this process and in the children."""
    global _frozen_garbage
    if _frozen_garbage:  # what an earlier block froze and let go of: collect it now, once
        gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        _frozen_garbage = True


def leave_to_the_exit() -> None:
    """Leave what the program made to its exit: called when the command line's work is done and
    the process is about to end. Python's last collection, at exit, would walk every object
    again to find the garbage the work left (a render leaves some hundred thousand objects in
    cycles: a quarter to half a second); the process's end frees that memory anyway. What must
    run at exit is registered for it (``atexit``, ``weakref.finalize``), as
    ``engine.pdf.remove_at_exit`` does for WeasyPrint's copies of the fonts."""
    gc.freeze()
