"""WeasyPrint imported with its C libraries opened by name, without a search per failed name.

Takes: nothing (``load()`` runs when ``briefbook.render.engine`` is first imported). Gives:
WeasyPrint imported, with the same libraries open (GObject, Pango, HarfBuzz, Fontconfig,
PangoFT2), about a quarter of a second sooner in every new process.

Why: WeasyPrint 70.0 tries each library under several names (``text/ffi.py``: the Windows and
macOS names first, ``libpango-1.0.so.0`` fourth), and cffi answers each name it cannot open by
asking ``ctypes.util.find_library``, which runs ``ldconfig`` and the C compiler in new
processes: about 15 ms per name, and a library WeasyPrint may go without (HarfBuzz's vector
library, absent from Debian 12) is asked under six. While WeasyPrint opens its libraries, that
search answers "not found", so each name either opens as it is or is passed over, and the
Linux file name (``libpango-1.0.so.0`` — what the search would have found) opens. Where that
fails (a system whose libraries only the search finds), the import is undone and run again
with the search in place: the same result as WeasyPrint's own, only slower.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys

#: whether WeasyPrint's libraries were opened without the search (False: the search was needed,
#: or WeasyPrint was imported before this module)
opened_by_name = False


def load() -> None:
    """Import WeasyPrint (once per process), opening its libraries by name where they open."""
    global opened_by_name
    if "weasyprint" in sys.modules:
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_found
    try:
        # WeasyPrint prints its installation advice before it gives up on a library: kept for
        # the second try, which prints it again if it is needed
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: F401
        opened_by_name = True
    except OSError:
        for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    if not opened_by_name:
        import weasyprint  # noqa: F401, F811


def _not_found(name: str) -> None:
    """``ctypes.util.find_library`` while WeasyPrint opens its libraries: no search."""
    return None
