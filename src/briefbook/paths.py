"""Where the project's own files live.

Takes: nothing (the package location, or ``BRIEFBOOK_ROOT``; ``BRIEFBOOK_FONTS_DIR`` points
the bundled-font folder elsewhere — the benchmark uses it to render with an older font
release side by side). Gives: the folders the pipeline reads from. Only these folders are ever
served to WeasyPrint.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("BRIEFBOOK_ROOT", Path(__file__).resolve().parents[2])).resolve()
ASSETS_DIR = ROOT / "assets"
FONTS_DIR = Path(os.environ.get("BRIEFBOOK_FONTS_DIR") or ASSETS_DIR / "fonts").resolve()
TEMPLATES_DIR = ROOT / "templates"
CORPUS_DIR = ROOT / "corpus"
BRIEFS_DIR = ROOT / "briefs"
