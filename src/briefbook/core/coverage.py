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

from briefbook.core.errors import BriefbookError
from briefbook.core.fonts import coverage as covered
from briefbook.core.fonts import sets_containing

TAG = re.compile(r"<style.*?</style>|<[^>]*>", re.S)
#: Invisible characters that may stay in text (pasted copy is full of them): HarfBuzz prints
#: nothing for them, and PDF text extraction / ``checks.lint.normalise_text`` drop them.
INVISIBLE_OK = frozenset("\u200b\u2060\ufeff")
#: Bidirectional controls would reorder the printed text (a "Trojan Source" spoof: the PDF
#: would show other text than the brief says). A Chinese briefing book has no use for them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")


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
        # take a system font for them (a silent fallback), so only covered ones pass.
        if ord(char) in have or char in found or char in "\n\r\t" or char in INVISIBLE_OK:
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


#: Unicode blocks a refused character most likely comes from (for messages only).
BLOCKS = (
    (0x2E80, 0x2EFF, "CJK Radicals Supplement"), (0x2F00, 0x2FDF, "Kangxi Radicals"),
    (0x3400, 0x4DBF, "CJK Unified Ideographs Extension A"),
    (0x4E00, 0x9FFF, "CJK Unified Ideographs"),
    (0xE000, 0xF8FF, "Private Use Area"),
    (0xF900, 0xFAFF, "CJK Compatibility Ideographs"),
    (0x1F000, 0x1FAFF, "emoji and pictographs"),
    (0x20000, 0x2A6DF, "CJK Unified Ideographs Extension B"),
    (0x2A700, 0x2EBEF, "CJK Unified Ideographs Extensions C–F"),
    (0x2EBF0, 0x2EE5F, "CJK Unified Ideographs Extension I"),
    (0x2F800, 0x2FA1F, "CJK Compatibility Ideographs Supplement"),
    (0x30000, 0x323AF, "CJK Unified Ideographs Extensions G–H"),
)


def block_name(point: int) -> str:
    for low, high, name in BLOCKS:
        if low <= point <= high:
            return f"Unicode block {name}"
    return "outside the CJK blocks"
