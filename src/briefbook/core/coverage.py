"""Before layout: is every character of the book in the bundled fonts?

Takes: the book's HTML (or any text: reader names, article text, brief values). Gives: nothing,
or a ``BriefbookError`` listing each character no bundled face has (``briefbook.core.fonts``: main,
plus and supplement faces) with its code point, its position in the text, the text around it
and the named sets that list it — clearer than WeasyPrint's ``.notdef`` warning, and it also
catches what Pango would silently take from a system font.
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from dataclasses import dataclass

from briefbook.core.chars import BIDI_CONTROLS, ZERO_WIDTH, block_name
from briefbook.core.errors import BriefbookError
from briefbook.core.fonts import coverage as covered
from briefbook.core.fonts import sets_containing

TAG = re.compile(r"<style.*?</style>|<[^>]*>", re.S)


@dataclass(frozen=True)
class Missing:
    """A character no bundled face has, where it first occurs in the text."""

    char: str
    index: int    # 0-based offset in the text
    context: str  # the text around it

    @property
    def sets(self) -> list[str]:
        return sets_containing(ord(self.char))


def missing_characters(text: str) -> dict[str, Missing]:
    """Characters of ``text`` no bundled face has → where each first occurs."""
    have = covered()
    found: dict[str, Missing] = {}
    for i, char in enumerate(text):
        # Spaces are characters too: U+2009 or U+202F missing from the fonts would make Pango
        # take a system font for them (a silent fallback), so only covered ones pass. Zero-width
        # characters may stay (pasted copy is full of them): HarfBuzz prints nothing for them.
        if ord(char) in have or char in found or char in "\n\r\t" or char in ZERO_WIDTH:
            continue
        found[char] = Missing(char, i, text[max(0, i - 8): i + 9].replace("\n", " "))
    return found


def check_coverage(html: str, *, where: str) -> None:
    text = htmllib.unescape(TAG.sub(" ", html))
    missing = missing_characters(text)
    bidi = [m for c, m in missing.items() if c in BIDI_CONTROLS]
    if bidi:
        raise BriefbookError(
            "bidirectional control characters would reorder the printed text:\n  - "
            + "\n  - ".join(describe(m) for m in bidi),
            where=where, hint=BIDI_HINT)
    if missing:
        lines = [describe(m, position=f"character {m.index + 1} of the book text")
                 for m in missing.values()]
        raise BriefbookError(
            "characters the bundled fonts cannot print:\n  - " + "\n  - ".join(lines),
            where=where, hint=HINT)


BIDI_HINT = "remove them; a Chinese briefing book has no right-to-left text"
#: What to do about a character no bundled face has.
HINT = ("no bundled face has it (they hold all of Noto Sans CJK SC, see "
        "assets/fonts/README.md): write the character another way, e.g. its common form")


def describe(missing: Missing, *, position: str = "") -> str:
    """``U+XXXXX NAME at POSITION in “context” (listed in: SET …)`` for messages."""
    char = missing.char
    name = unicodedata.name(char, "") or (
        "control character" if unicodedata.category(char) == "Cc" else "unnamed character")
    shown = "".join(c if c.isprintable() and c not in BIDI_CONTROLS else f"\\u{ord(c):04x}"
                    for c in missing.context)
    sets = missing.sets
    listed = f"named sets: {', '.join(sets)}" if sets else "in none of the named sets"
    at = f" at {position}" if position else ""
    return f"U+{ord(char):04X} {name}{at} in “{shown}” ({listed}; {block_name(ord(char))})"
