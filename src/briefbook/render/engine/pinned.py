"""The one guard around every patch briefbook makes to WeasyPrint, and the one place its pin
is written in the source.

Takes: nothing. Gives: ``PINNED_WEASYPRINT`` (the version the patches were written against; it
equals the ``weasyprint==`` pin in pyproject.toml, tests/render/test_justify.py keeps them equal,
and ``briefbook doctor`` reads it from here) and ``install()``, which checks the installed
WeasyPrint against the pin once per process and, on that version only, installs every patch:

- ``justify.patch``: Chinese justification and clean line edges;
- ``spacing.patch``: Han–Latin gaps, bound paragraph ends and half-width mark pairs inside
  WeasyPrint's own text (no element per gap);
- ``runs.patch``: each run of text on a line marked with its characters (``bridge`` finishes it);
- ``pagebudget.patch``: layout stops past ``MAX_LAYOUT_PAGES`` pages;
- ``tags.patch``: structure names for the tagged PDF/UA variant (used only when it is written);
- ``shortcuts.patch``: WeasyPrint's own work done once (a line drawn from the layout that
  measured it, intrinsic widths kept per render, normal flow without a scan): the same bytes.

On any other version WeasyPrint is left untouched, ``install()`` returns False, and the page
baselines in tests/ fail loudly so the change is seen.
"""

from __future__ import annotations

import functools

import weasyprint

from briefbook.render.engine import justify, pagebudget, runs, shortcuts, spacing, tags

PINNED_WEASYPRINT = "70.0"

#: every patch, in the order they are installed
PATCHES = (justify.patch, spacing.patch, runs.patch, pagebudget.patch, tags.patch,
           shortcuts.patch)


@functools.cache
def install() -> bool:
    """Install every patch (once per process) if WeasyPrint is the pinned version; whether
    they are active."""
    if weasyprint.__version__ != PINNED_WEASYPRINT:
        return False
    for patch in PATCHES:
        patch()
    return True
