"""Chinese typesetting done as markup, never by changing the text.

Takes: plain (untrusted) text. Gives: escaped HTML (``Markup``) in which
- a run of Latin letters or digits next to Han characters sits in ``<span class="latin …">``
  so the stylesheet can put a quarter-em of space between them (clreq 3.2.4);
- of two adjacent full-width punctuation marks, one gets ``<span class="halt">`` so the pair
  takes 1.5 em instead of 2 (the fonts' ``halt`` feature; clreq 3.1.6);
- a date (2021年7月25日) sits in ``<span class="nowrap">`` so it never breaks mid-way;
- with ``end=True`` (a paragraph's, heading's or title's last text) the last two characters
  are bound in ``<span class="nowrap">``, so a last line never holds a single character (孤字).
``ref`` marks up corpus ids (cjrb-2021-07-25/s3/p2) to break only after a "/", and ``url``
addresses to break after / . - ? & = #, with ``<wbr>``.
Extracted text is unchanged: no space or joiner characters are inserted.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import date
from itertools import pairwise

from markupsafe import Markup, escape

from briefbook.core.chars import HAN_CHAR

# the marks, Latin characters and bound-run limit the engine's rules (core.typerules) use
from briefbook.core.typerules import (  # noqa: F401 - CLOSING … are this module's names too
    CLOSING,
    LATIN_CHAR,
    LATIN_RUN,
    MAX_BOUND_RUN,
    OPENING,
    PUNCT,
    RANGE,
    tail_start,
)

QUOTES = set("“”‘’")  # no break beside them in Pango (UAX #14 QU) unless a <wbr> allows it


DATE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日")
BREAK_AFTER = re.compile(r"(?<=[/.\-?&=#_])(?=[^/.\-?&=#_])")


def typeset(text: str, *, end: bool = False, start: bool = False,
            lines: Collection[int] = (), keep: Sequence[tuple[int, int]] = ()) -> Markup:
    """Escape ``text`` and add spacing markup for print; ``end``: bind its last two characters.

    ``start``: the text opens a line at its box's edge (a table cell, a heading, a card), so
    an opening mark there is set half-width (clreq 3.1.4: the blank half of “ 《 （ at a line
    start is taken out); ``lines``: further offsets where a line is known to start (a display
    text's breaks, render/book/display.py), trimmed the same way. ``keep``: ranges, none
    overlapping another, each kept on one line (a display text's phrases); dates and the
    tail that meet one are not bound again. Between two ranges next to a “ or ” a ``<wbr>``
    allows the break Pango refuses beside quotation marks (UAX #14 LB19).
    """
    heads = ({0} if start else set()) | set(lines)
    # a nowrap span can open and close only between Latin runs (GDP2023年5月: no date span)
    inside = {i for m in LATIN_RUN.finditer(text) for i in range(m.start() + 1, m.end())}
    kept = sorted((a, b) for a, b in keep if a not in inside and b not in inside)
    bind = _tail_start(text) if end else None
    every_date = [m.span() for m in DATE.finditer(text)]
    dates = [(a, b) for a, b in every_date if a not in inside and b not in inside
             and not any(a < e and s < b for s, e in kept)]
    spans = dates + kept
    breaks = {a for a, _ in kept if a > 0 and (text[a] in QUOTES or text[a - 1] in QUOTES)}
    opens = {a for a, _ in spans}
    closes = {b for _, b in spans}
    if bind is not None and bind not in inside and not any(a <= bind < b for a, b in spans) \
            and not any(a < bind < b for a, b in every_date):
        opens.add(bind)
        closes.add(len(text))
    out: list[str] = []
    pos = 0

    def plain(upto: int) -> None:
        """Escape text[pos:upto], opening and closing the nowrap spans that fall in it."""
        nonlocal pos
        cuts = sorted({pos, upto} | {i for i in opens | closes if pos < i < upto})
        for a, b in pairwise(cuts):
            _marks(out, a, opens, closes, text, breaks)
            out.append(_punctuation(text, a, b, heads))
        pos = upto

    for match in LATIN_RUN.finditer(text):
        plain(match.start())
        _marks(out, match.start(), opens, closes, text, breaks)
        before = match.start() > 0 and HAN_CHAR.match(text[match.start() - 1])
        after = match.end() < len(text) and HAN_CHAR.match(text[match.end()])
        classes = ["latin"] + (["han-before"] if before else []) + (["han-after"] if after else [])
        if RANGE.search(match.group()):
            classes.append("nowrap")
        run = escape(match.group())
        out.append(f'<span class="{" ".join(classes)}">{run}</span>' if len(classes) > 1 else run)
        pos = match.end()
    plain(len(text))
    _marks(out, len(text), opens, closes, text)
    return Markup("".join(out))


def _marks(out: list[str], at: int, opens: set[int], closes: set[int], text: str,
           breaks: set[int] | None = None) -> None:
    """Close, then open, the nowrap spans at offset ``at`` (once each), with a ``<wbr>``
    between where ``breaks`` has the offset."""
    if at in closes and at > 0:
        out.append("</span>")
        closes.discard(at)
    if breaks and at in breaks:
        out.append("<wbr>")
        breaks.discard(at)
    if at in opens and at < len(text):
        out.append('<span class="nowrap">')
        opens.discard(at)


def _tail_start(text: str) -> int | None:
    """Offset where the last two characters begin (``core.typerules.tail_start``, the rule the
    engine binds a paragraph's end by), or None after a trailing space (a break anyway)."""
    return None if text[-1:].isspace() else tail_start(text)


def ref(text: str, *, han_before: bool = False) -> Markup:
    """A corpus id that breaks only after a "/" (never inside cjrb-2021-07-25);
    ``han_before``: it follows a Han character, so it gets the quarter-em (as a Latin run)."""
    parts = [str(escape(p)) for p in text.split("/")]
    inner = "/<wbr>".join(f'<span class="nowrap">{p}</span>' if len(p) > 1 else p for p in parts)
    classes = "ref latin han-before" if han_before else "ref"
    return Markup(f'<span class="{classes}">{inner}</span>')


def url(address: str) -> Markup:
    """An address printed in full, with break opportunities after / . - ? & = # _."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "", address
    head = str(escape(scheme + sep))
    pieces = BREAK_AFTER.split(rest)
    return Markup(f'<span class="url">{head}' + "<wbr>".join(str(escape(p)) for p in pieces)
                  + "</span>")


def _punctuation(text: str, start: int, end: int, heads: Collection[int] = ()) -> str:
    """Escape text[start:end], marking one mark of each adjacent pair for half-width, and an
    opening mark at a line start (an offset in ``heads``)."""
    out: list[str] = []
    for i in range(start, end):
        char = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        prev = text[i - 1] if i else ""
        halve = (char in CLOSING and (nxt in CLOSING or nxt in OPENING)) or (
            char in OPENING and (prev in OPENING or i in heads))
        piece = str(escape(char))
        out.append(f'<span class="halt">{piece}</span>' if halve else piece)
    return "".join(out)


def cn_date(day: date) -> str:
    """2021-07-25 → 2021年7月25日."""
    return f"{day.year}年{day.month}月{day.day}日"


CN_DIGITS = "〇一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 105 → 一百零五 (1–999)."""
    if not 0 < n < 1000:
        raise ValueError(f"no Chinese ordinal for {n}")
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = CN_DIGITS[hundreds] + "百"
    if not rest:
        return head
    if rest < 10:
        return head + "零" + CN_DIGITS[rest]
    return head + ("一" if rest < 20 else "") + cn_ordinal(rest)
