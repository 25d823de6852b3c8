"""The one guard around every patch briefbook makes to WeasyPrint.

Takes: a function that patches WeasyPrint. Gives: ``install()``, which runs it once per process
and only on the WeasyPrint version the patches were written against (``PINNED_WEASYPRINT``, the
pin in pyproject.toml); on any other version WeasyPrint is left untouched, ``install()`` returns
False, and the page baselines in tests/ fail loudly so the change is seen. Used by justify.py,
runs.py and tagging.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

PINNED_WEASYPRINT = "70.0"


def pinned_patch(apply: Callable[[], None]) -> Callable[[], bool]:
    """``apply`` as an ``install()`` that patches once, on the pinned version only, and returns
    whether the patch is active."""
    done = False

    @functools.wraps(apply)
    def install() -> bool:
        nonlocal done
        if not done:
            import weasyprint

            if weasyprint.__version__ != PINNED_WEASYPRINT:
                return False
            apply()
            done = True
        return True

    return install
