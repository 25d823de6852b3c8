"""Before layout: is every character of the book in the bundled fonts?

Takes: the book's HTML. Gives: nothing, or a ``BriefbookError`` listing each character the
bundled fonts lack with the text around it — clearer than WeasyPrint's ``.notdef`` warning,
and it also catches what Pango would silently take from a system font.
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata

from briefbook.errors import BriefbookError
from briefbook.fonts import coverage as covered

TAG = re.compile(r"<style.*?</style>|<[^>]*>", re.S)
#: Invisible characters that may stay in text (pasted copy is full of them): HarfBuzz prints
#: nothing for them, and PDF text extraction / ``checks.lint.normalise_text`` drop them.
INVISIBLE_OK = frozenset("\u200b\u2060\ufeff")
#: Bidirectional controls would reorder the printed text (a "Trojan Source" spoof: the PDF
#: would show other text than the brief says). A Chinese briefing book has no use for them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")


def missing_characters(text: str) -> dict[str, str]:
    """Characters of ``text`` no bundled face has → a snippet of context for each."""
    have = covered()
    found: dict[str, str] = {}
    for i, char in enumerate(text):
        # Spaces are characters too: U+2009 or U+202F missing from the fonts would make Pango
        # take a system font for them (a silent fallback), so only covered ones pass.
        if ord(char) in have or char in found or char in "\n\r\t" or char in INVISIBLE_OK:
            continue
        found[char] = text[max(0, i - 8): i + 9].replace("\n", " ")
    return found


def check_coverage(html: str, *, where: str) -> None:
    text = htmllib.unescape(TAG.sub(" ", html))
    missing = missing_characters(text)
    bidi = {c: ctx for c, ctx in missing.items() if c in BIDI_CONTROLS}
    if bidi:
        raise BriefbookError(
            "bidirectional control characters would reorder the printed text:\n  - "
            + "\n  - ".join(_describe(c, ctx) for c, ctx in bidi.items()),
            where=where, hint="remove them; a Chinese briefing book has no right-to-left text")
    if missing:
        lines = [_describe(c, ctx) for c, ctx in missing.items()]
        raise BriefbookError(
            "characters the bundled fonts cannot print:\n  - " + "\n  - ".join(lines),
            where=where,
            hint="fix the text, or add the characters to the font subset (make fonts)",
        )


def _describe(char: str, context: str) -> str:
    name = unicodedata.name(char, "") or (
        "control character" if unicodedata.category(char) == "Cc" else "unnamed character")
    shown = "".join(c if c.isprintable() and c not in BIDI_CONTROLS else f"\\u{ord(c):04x}"
                    for c in context)
    return f"U+{ord(char):04X} {name} in “{shown}”"
