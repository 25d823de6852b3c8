"""What earlier renders learnt about a book's layout, kept in the project's cache.

Takes: the layout cache folder (``Renderer.layout_cache``: the project's
``.cache/briefbook/layout/`` or ``$BRIEFBOOK_CACHE/layout``) and the stylesheet's text. Gives:

- ``LayoutFacts``: each chapter's page count and anchor offsets (``layout.jobs`` uses them as
  the first guess for its seams; every seam is checked after the layout, so a stale entry
  costs time, never a wrong page);
- ``FootnoteMoves``: which quotes a full render had to move to the next page so that their
  footnotes print on their own page (``layout.write.write_keeping_footnotes``). Applying the
  moves of the same HTML at once gives the same pages as finding them again, and saves a
  whole layout of the book per render.

Entries are keyed by a hash of the HTML and of everything else that decides the layout: the
stylesheets' text, the bundled fonts (names, sizes, modification times), the render package's
own source (every module under render/, its pinned WeasyPrint patches among them) and
WeasyPrint's and Pango's versions. Entries are signed and read as ``layout.diskcache`` says:
a planted, damaged, special (FIFO, link, device, folder) or oversized entry is discarded and
found again, and an unwritable cache only costs time. Nothing kept here
is content: a page count or a move can only cost a layout or break a page before a quote,
never put text on a page that the brief and corpus did not (the book's HTML is always made
anew) — and the signature keeps a planted move from breaking a page that the book's own
layout would not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from weasyprint.text.ffi import pango

from briefbook.core import fonts
from briefbook.render.layout.chapters import Chapter
from briefbook.render.layout.diskcache import DiskCache

#: The largest layout entry kept (a chapter's anchors: tens of bytes each).
MAX_ENTRY_BYTES = 4 << 20
#: the render package: every module's source is part of the salt
RENDER_DIR = Path(__file__).resolve().parents[1]


@cache
def layout_salt(css_text: str) -> str:
    """A hash of everything besides the HTML that decides a layout."""
    digest = hashlib.sha256(css_text.encode("utf-8"))
    digest.update(version("weasyprint").encode())
    digest.update(str(pango.pango_version()).encode())
    for path in sorted(Path(fonts.fonts_dir()).glob("*.[ot]tf")):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for path in sorted(RENDER_DIR.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class _Store:
    """Signed JSON entries in ``folder``, keyed by the salt and the parts of a key."""

    def __init__(self, folder: Path, css_text: str):
        self.folder = Path(folder)
        self.store = DiskCache(self.folder, "layout", suffix=".json", limit=MAX_ENTRY_BYTES)
        self._salt = layout_salt(css_text)

    def key(self, *parts: str) -> str:
        digest = hashlib.sha256(self._salt.encode())
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8"))
        return digest.hexdigest()

    def read(self, key: str) -> Any:
        data = self.store.get(key)
        try:
            return None if data is None else json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            return None

    def write(self, key: str, value: Any) -> None:
        data = json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
        if self.store.get(key) != data:
            self.store.put(key, data)  # a read-only cache only costs the next render time


class FootnoteMoves(_Store):
    """For a book's HTML, the footnote numbers moved in each round, in order."""

    def get(self, html: str) -> list[list[int]]:
        value = self.read(self.key("moves", html))
        if not (isinstance(value, list) and len(value) <= 3 and all(
                isinstance(r, list) and r and all(type(n) is int and n > 0 for n in r)
                for r in value)):
            return []
        return value

    def put(self, html: str, rounds: list[list[int]]) -> None:
        self.write(self.key("moves", html), [sorted(r) for r in rounds])


class LayoutFacts(_Store):
    """For a chapter (its HTML and seam counters), its page count and anchors' page offsets."""

    def chapter_key(self, chapter: Chapter, counters: object) -> str:
        return self.key("chapter", chapter.html, repr(counters))

    def get(self, key: str) -> dict[str, Any] | None:
        fact = self.read(key)
        if not (isinstance(fact, dict) and type(fact.get("pages")) is int and fact["pages"] > 0
                and isinstance(fact.get("anchors"), dict)
                and all(isinstance(n, str) and type(o) is int and o >= 0
                        for n, o in fact["anchors"].items())):
            return None
        return fact

    def pages_at(self, anchor: str | None) -> int | None:
        """The page count the chapter starting at ``anchor`` had last time (any content): the
        best guess for an edited chapter."""
        fact = self.read(self.key("at", anchor)) if anchor else None
        return fact if type(fact) is int and fact > 0 else None

    def put(self, keys: list[str], counts: list[int], anchor_pages: dict[str, int],
            chapters: Sequence[Chapter]) -> None:
        """Each chapter's fact, from the book's page counts and 1-based anchor pages."""
        start = 1
        for key, count, chapter in zip(keys, counts, chapters, strict=True):
            anchors = {n: p - start for n, p in anchor_pages.items() if start <= p < start + count}
            self.write(key, {"pages": count, "anchors": anchors})
            if chapter.anchor:
                self.write(self.key("at", chapter.anchor), count)
            start += count
