"""Where the project's own files live.

Takes: nothing (the package location, or ``BRIEFBOOK_ROOT``).
Gives: the folders the pipeline reads from. Only these folders are ever served to WeasyPrint.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("BRIEFBOOK_ROOT", Path(__file__).resolve().parents[2])).resolve()
ASSETS_DIR = ROOT / "assets"
FONTS_DIR = ASSETS_DIR / "fonts"
TEMPLATES_DIR = ROOT / "templates"
CORPUS_DIR = ROOT / "corpus"
BRIEFS_DIR = ROOT / "briefs"
