"""Before layout: is every character of the book in the bundled fonts?

Takes: the book's HTML. Gives: nothing, or a ``BriefbookError`` listing each character the
bundled fonts lack with the text around it — clearer than WeasyPrint's ``.notdef`` warning,
and it also catches what Pango would silently take from a system font.
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from functools import cache

from briefbook import paths
from briefbook.errors import BriefbookError

FACES = ("NotoSerifCJKsc-Regular.otf", "NotoSerifCJKsc-Bold.otf",
         "NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf")
TAG = re.compile(r"<style.*?</style>|<[^>]*>", re.S)


@cache
def covered() -> frozenset[int]:
    """Code points every bundled face maps (the intersection: any text may be bold or sans)."""
    from fontTools.ttLib import TTFont

    sets = []
    for face in FACES:
        with TTFont(paths.FONTS_DIR / face, lazy=True) as font:
            sets.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*sets))


def missing_characters(text: str) -> dict[str, str]:
    """Characters of ``text`` no bundled face has → a snippet of context for each."""
    have = covered()
    found: dict[str, str] = {}
    for i, char in enumerate(text):
        if ord(char) in have or char in found or char in "\n\r\t":
            continue
        if unicodedata.category(char) in ("Zs",):
            continue
        found[char] = text[max(0, i - 8): i + 9].replace("\n", " ")
    return found


def check_coverage(html: str, *, where: str) -> None:
    text = htmllib.unescape(TAG.sub(" ", html))
    missing = missing_characters(text)
    if missing:
        lines = [f"U+{ord(c):04X} {c!r} {unicodedata.name(c, '')} in “{ctx}”" for c, ctx in
                 missing.items()]
        raise BriefbookError(
            "characters the bundled fonts cannot print:\n  - " + "\n  - ".join(lines),
            where=where,
            hint="fix the text, or add the characters to the font subset (make fonts)",
        )
