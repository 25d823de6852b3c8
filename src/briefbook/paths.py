"""Where the package's own files live: templates, stylesheet and bundled fonts.

Takes: nothing (the package's location). Gives: the folders of the package data — inside an
installed wheel (``briefbook/_data/``), or the repository's top-level ``templates/`` and
``assets/`` for an editable install. Only these folders and the project's own folder are ever
served to WeasyPrint. Where a *project's* files live is not decided here: a ``Project``
(``briefbook.project``) is handed to each stage.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_data"    # a built wheel (setup.py copies the folders in)
_SOURCE = _PACKAGE.parents[1]    # the repository, for an editable install

DATA_ROOT = _BUNDLED if (_BUNDLED / "templates").is_dir() else _SOURCE
ASSETS_DIR = DATA_ROOT / "assets"
FONTS_DIR = ASSETS_DIR / "fonts"
TEMPLATES_DIR = DATA_ROOT / "templates"
