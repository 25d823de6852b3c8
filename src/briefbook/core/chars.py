"""Character classes, each defined once: Han ideographs, CJK punctuation, full-width text, the
invisible and the reordering characters.

Takes: nothing (constants), or one character or a text (the predicates). Gives: bodies of
regular-expression character classes (``HAN``, ``CJK_PUNCTUATION``, ``FULL_WIDTH``, to build
patterns with: ``f"[{HAN}]"``), compiled patterns, small predicates, frozensets of controls,
and the named Unicode blocks a character belongs to (``block_name``, for messages).

Which class for which job:
- ``HAN`` — Han ideographs: Extension A, the Unified Ideographs, the Compatibility Ideographs,
  and all of planes 2 and 3 (Unicode gives those two planes to ideographs only: Extensions
  B–J and the Compatibility Supplement), so a rare name's 𠮷 counts as Han everywhere — in
  cleaning (is this line Chinese?), in typesetting (a Latin run next to it gets its quarter-em)
  and in justification (it stretches like any other Han character).
- ``CJK_PUNCTUATION`` — the marks that make their neighbourhood Chinese: the CJK Symbols and
  Punctuation block, the punctuation of the full-width forms (not its letters or digits), and
  the marks Chinese shares with Latin text and sets full-width (‘ ’ “ ” … — ·).
- ``FULL_WIDTH`` — what sits on the em square, so justification may stretch it and a line
  break between two of them needs no space: Han, the CJK radicals, CJK symbols and
  punctuation, the whole Halfwidth and Fullwidth Forms block, and the shared marks above.
"""

from __future__ import annotations

import re

# --- regular-expression class bodies -------------------------------------------------------

#: Han ideographs (see the module docstring for the ranges).
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
#: CJK Radicals Supplement and Kangxi Radicals.
CJK_RADICALS = r"\u2e80-\u2fdf"
#: The CJK Symbols and Punctuation block (ideographic space, 、。〈〉《》「」〓 …).
CJK_SYMBOLS = r"\u3000-\u303f"
#: The whole Halfwidth and Fullwidth Forms block (full-width letters and digits too).
FULLWIDTH_FORMS = r"\uff00-\uffef"
#: The punctuation of that block: ！–／, ：–＠, ［–｀, ｛–･ (not its letters, digits or kana).
FULLWIDTH_PUNCTUATION = r"\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
#: Marks Unicode shares with Latin text that Chinese sets full-width: ‘ ’ “ ” … — ·.
SHARED_MARKS = r"\u2018\u2019\u201c\u201d\u2026\u2014\u00b7"
#: CJK punctuation: the marks that ask for full-width marks beside them.
CJK_PUNCTUATION = CJK_SYMBOLS + FULLWIDTH_PUNCTUATION + SHARED_MARKS
#: Characters set on the em square: they stretch when a line is justified.
FULL_WIDTH = HAN + CJK_RADICALS + CJK_SYMBOLS + FULLWIDTH_FORMS + SHARED_MARKS

HAN_CHAR = re.compile(f"[{HAN}]")
CJK_CHAR = re.compile(f"[{HAN}{CJK_PUNCTUATION}]")
FULL_WIDTH_CHAR = re.compile(f"[{FULL_WIDTH}]")
FULL_WIDTH_RUN = re.compile(f"[{FULL_WIDTH}]+")


def is_han(ch: str) -> bool:
    """Whether ``ch`` is one Han ideograph."""
    return bool(HAN_CHAR.fullmatch(ch))


def is_cjk(ch: str) -> bool:
    """A Han character or a CJK punctuation mark: the context that wants full-width marks."""
    return bool(CJK_CHAR.fullmatch(ch))


def has_han(text: str) -> bool:
    """Whether ``text`` holds at least one Han ideograph."""
    return bool(HAN_CHAR.search(text))


# --- controls and invisible characters -----------------------------------------------------

#: Bidirectional controls (ALM, LRM, RLM, embeddings and overrides, isolates): they would
#: reorder the printed text (a "Trojan Source" spoof). A Chinese briefing book has no use for
#: them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
#: Line and paragraph separators: a terminal breaks the line at them.
LINE_SEPARATORS = frozenset("\u2028\u2029")
#: Zero-width break opportunities and joiners (zero-width space, word joiner, zero-width
#: no-break space): HarfBuzz prints nothing for them and text extraction drops them.
ZERO_WIDTH = frozenset("\u200b\u2060\ufeff")

# --- named blocks, for messages ------------------------------------------------------------

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
    """``Unicode block NAME`` for a code point in ``BLOCKS``, else "outside the CJK blocks"."""
    for low, high, name in BLOCKS:
        if low <= point <= high:
            return f"Unicode block {name}"
    return "outside the CJK blocks"
