"""Where the package's own files live: templates, stylesheets and bundled fonts.

Takes: nothing (the installed package). Gives: the folders of the package data, found with
``importlib.resources`` inside the ``briefbook`` package (``briefbook/templates/``,
``briefbook/assets/fonts/``) — the same place in a wheel and in an editable install; the
repository's top-level ``templates/`` and ``assets/fonts/`` are links to them. Only these
folders and the project's own folder are ever served to WeasyPrint. Where a *project's* files
live is not decided here: a ``Project`` (``briefbook.project``) is handed to each stage.
``BRIEFBOOK_FONTS_DIR`` points the bundled-font folder elsewhere (the benchmark renders with an
older font release that way).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path


def _package_folder(*parts: str) -> Path:
    """A folder of package data as a real path: WeasyPrint, fontconfig and the fetcher's
    confinement need files on disk, so a package inside a zip archive is not supported."""
    return Path(str(files("briefbook").joinpath(*parts))).resolve()


ASSETS_DIR = _package_folder("assets")
FONTS_DIR = Path(os.environ.get("BRIEFBOOK_FONTS_DIR") or ASSETS_DIR / "fonts").resolve()
TEMPLATES_DIR = _package_folder("templates")
