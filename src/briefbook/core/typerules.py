"""Chinese typesetting rules on plain text (clreq): where a Han–Latin gap goes, where a line
must not break, which punctuation marks of a run are set half-width.

Takes: plain text (one run of a printed line's text, as WeasyPrint holds it). Gives: positions
and marked text, never markup — ``render/engine/spacing.py`` applies them inside WeasyPrint's
own text, so the page needs no element per gap, date or bound pair of characters.

- ``mark(text, bind_end=…)``: the text with two invisible characters inserted (Unicode's own
  line-breaking controls, which HarfBuzz shapes to nothing and text extraction never sees):
  ``BREAK_GAP`` (U+200B) before a Latin run that follows a Han character — a line may break
  there —, ``JOIN`` (U+2060) after a Latin run that a Han character follows (a number keeps
  its unit: 2021年, 30.2万) and around the dash of a range (2020—2021). A date therefore
  breaks only where a typesetter breaks it: 2021年 | 7月 | 25日. ``bind_end``: the last two
  characters (a Latin run counts as one; marks go with them) are joined, so a paragraph's
  last line never holds a single character (孤字).
- ``gaps(text)``: the markers that sit between a Han character and a Latin run: each gets a
  quarter-em (clreq 3.2.4) — never at a line's edge, where the marker has no neighbour.
- ``halves(text)``: of each two adjacent full-width marks whose blank halves meet, one is set
  half-width (the fonts' ``halt`` feature, clreq 3.1.6): two marks take 1.5 em, three 2 em.
- ``line_end_mark(text)``: whether the text ends with a mark whose blank half may be dropped
  at a line end (clreq 3.1.6: 。，、；：？！ and the closing brackets and quotes).
"""

from __future__ import annotations

import re
from itertools import pairwise

from briefbook.core.chars import HAN, HAN_CHAR

LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%+\-/:—–]*[A-Za-z0-9%]|[A-Za-z0-9]")
RANGE = re.compile(r"\d[—–-]\d")
LATIN_CHAR = re.compile(r"[A-Za-z0-9.%+\-/:—–]")
#: Full-width marks whose glyph sits at the start (closing) or end (opening) of the em box.
CLOSING = frozenset("，。、；：？！）」』”’》〉】〕")
OPENING = frozenset("（「『“‘《〈【〔")
#: Go with the character before them, like closing marks.
PUNCT = frozenset("—…·–-.,;:!?%")
#: Longest Latin run bound with the character before it at a paragraph's end.
MAX_BOUND_RUN = 12

#: Before a Latin run that follows Han: zero-width space (a line may break after it).
BREAK_GAP = "\u200b"
#: After a Latin run that Han follows, around a range's dash, inside a bound end: word joiner.
JOIN = "\u2060"
MARKERS = BREAK_GAP + JOIN

_ALNUM = re.compile(r"[A-Za-z0-9]")
_GAP = re.compile(f"(?<=[{HAN}])[{MARKERS}](?=[A-Za-z0-9])|(?<=[A-Za-z0-9%])[{MARKERS}](?=[{HAN}])")
_CLOSING, _OPENING = "".join(sorted(CLOSING)), "".join(sorted(OPENING))
#: Where Chinese breaks beside a quotation mark and UAX #14 (class QU) does not: before an
#: opening quote after Han or a closing mark, after a closing quote before Han or an opening
#: mark (“ starts a line, ” ends one, like any other opening and closing mark).
_QUOTE_BREAK = re.compile(f"(?<=[{HAN}{_CLOSING}])(?=[“‘])|(?<=[”’])(?=[{HAN}{_OPENING}])")
_MARKER = re.compile(f"[{MARKERS}]")
_MARK = re.compile(f"[{_CLOSING}{_OPENING}]")
_ANY = re.compile(f"[{MARKERS}]|[{_CLOSING}{_OPENING}][{MARKERS}]*[{_CLOSING}{_OPENING}]")
#: Marks whose blank half may go at a line end: pauses and stops, closing brackets and quotes.
LINE_END = CLOSING


def mark(text: str, *, bind_end: bool = False) -> str:
    """``text`` with the break controls above inserted (see the module docstring)."""
    inserts: dict[int, str] = {}
    for match in LATIN_RUN.finditer(text):
        start, end = match.span()
        if start and HAN_CHAR.match(text[start - 1]):
            inserts[start] = BREAK_GAP
        if end < len(text) and HAN_CHAR.match(text[end]):
            inserts[end] = JOIN
        for dash in RANGE.finditer(text, start, end):
            middle = dash.start() + 1
            if text[middle] != "-":  # a hyphen between digits never breaks (UAX #14)
                inserts[middle] = inserts[middle + 1] = JOIN
    for match in _QUOTE_BREAK.finditer(text):
        inserts.setdefault(match.start(), BREAK_GAP)
    if bind_end:
        tail = tail_start(text)
        if tail is not None:
            end = len(text.rstrip(" \n\t"))
            for i in range(tail + 1, end):
                if not (_ALNUM.match(text[i - 1]) and _ALNUM.match(text[i])):
                    inserts[i] = JOIN
    if not inserts:
        return text
    out: list[str] = []
    pos = 0
    for i in sorted(inserts):
        out += [text[pos:i], inserts[i]]
        pos = i
    out.append(text[pos:])
    return "".join(out)


def tail_start(text: str) -> int | None:
    """Offset where the last two characters begin (a Latin run counts as one), or None.

    Trailing spaces are left out; trailing punctuation goes with the two characters, and an
    opening mark before them too; nothing is bound in a text of fewer than three, after a
    space (a break anyway) or in a Latin run longer than ``MAX_BOUND_RUN`` (it breaks by
    itself).
    """
    units = 0
    i = len(text.rstrip(" \n\t"))
    while i > 0:
        char = text[i - 1]
        if char.isspace():
            return None
        if char in MARKERS:
            i -= 1
            continue
        if LATIN_CHAR.match(char):
            run_end = i
            while i > 0 and LATIN_CHAR.match(text[i - 1]):
                i -= 1
            if run_end - i > MAX_BOUND_RUN:
                return None
            units += 1
        else:
            i -= 1
            units += char not in CLOSING and char not in PUNCT
        if units == 2:
            while i > 0 and text[i - 1] in OPENING:
                i -= 1
            return i
    return None


def has_rules(text: str) -> bool:
    """Whether ``text`` holds a marker or two adjacent marks (the cheap first test)."""
    return _ANY.search(text) is not None


def markers(text: str) -> list[int]:
    """Offsets of every marker."""
    return [m.start() for m in _MARKER.finditer(text)]


def gaps(text: str) -> list[int]:
    """Offsets of the markers that take a Han–Latin gap."""
    return [m.start() for m in _GAP.finditer(text)]


def halves(text: str) -> list[int]:
    """Offsets of the marks set half-width: of two adjacent marks (markers between them looked
    through), the first when it is a closing mark, the second when both are opening marks."""
    out: list[int] = []
    marks = [(m.start(), m.group()) for m in _MARK.finditer(text)]
    for (i, char), (j, nxt) in pairwise(marks):
        if j - i > 1 and text[i + 1:j].strip(MARKERS):
            continue
        if char in CLOSING:
            out.append(i)
        elif nxt in OPENING:
            out.append(j)
    return out


def line_end_mark(text: str) -> bool:
    """Whether ``text`` ends (markers and spaces aside) with a mark whose blank half may go."""
    stripped = text.rstrip(" \n\t" + MARKERS)
    return bool(stripped) and stripped[-1] in LINE_END
