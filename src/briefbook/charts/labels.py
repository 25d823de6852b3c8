"""Chart label text: the space between Han and Latin, widths in em, lines broken between phrases.

Takes: a label's plain text and a line length in em. Gives:
- ``spaced(text)``: the text with a space (U+0020) where the body sets its quarter-em, between a
  Han character and a run of Latin letters or digits (``render.book.typeset`` marks the same
  places up for the page). The bundled sans sets U+0020 0.224 em wide, so the chart's gap
  matches the body's 0.25 em; it is a plain space in copied text, which every extractor reads
  the same way, and it needs no glyph the subset faces lack (they have no U+2005 or U+2009).
- ``em_width(text)``: an estimate of the set width in em (Han and full-width marks 1 em, a
  space 0.224, other Latin about 0.56), for choosing line breaks.
- ``wrap(text, limit)``: the lines of a label, each at most ``limit`` em where its phrases
  allow. Nothing is ever cut off or shortened. The text is cut into atoms no break goes inside
  (a quoted term or aside of a few characters, a run of Latin letters and digits with the unit
  after it, else one character), and each place between atoms is graded: after a pause, a stop
  or a closing mark, or before an opening mark or 暨 (0); after 的 (1); and only in sentences
  (``within_words=True``), never in a name: at the space between Han and Latin, or before a
  verb that opens a clause, 争取、推进、建设 … (2); between two other Han characters (3).
  Never before a closing mark or a pause, never after an opening mark, never before the last
  two characters, and no line of two characters or fewer. A small dynamic programme picks the
  lines: nothing wider than ``limit`` where a break allows it, then few lines, good places and
  even lengths. A name with no place to break that is longer than ``limit`` keeps its own,
  longer line (``wrap_name``: up to 1.6 times ``limit``; a longer one breaks as a sentence).
Pure: no matplotlib.
"""

from __future__ import annotations

import unicodedata

from briefbook.core.chars import HAN_CHAR

#: Advance of U+0020 in Noto Sans CJK SC (224 of 1,000 units).
SPACE_EM = 0.224
LATIN_EM = 0.56  # digits are 0.555 em; letters vary around it
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
#: What may sit inside a Latin run (typeset.LATIN_RUN): 30.2, 121%, 2020-2021, 5G.
_IN_RUN = _ALNUM | frozenset(".%+-/:—–")

PAUSES = frozenset("、，；：。！？")
CLOSING = frozenset("）」』》〉】〕”’")
OPENING = frozenset("（「『《〈【〔“‘")
NO_START = PAUSES | CLOSING | frozenset("…—·–-.,;:!?%")
PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", "（": "）",
         "【": "】", "〔": "〕"}
#: A quoted term or bracketed aside is one atom up to this many characters.
QUOTED_MAX = 14
#: Units and measure words a number keeps on its line (two at most: 万人, 分钟).
UNITS = frozenset("万亿千百十个人项家年月日时分秒钟米元倍次余多名所座条件处户亩吨天周岁届期号位"
                  "台辆张篇段批圈里公顷平方斤克份股部类种间栋套把%‰")
#: Verbs that open a clause of a pledge: a line may start before them (grade 2).
CLAUSE_VERBS = ("争取", "推进", "推动", "建设", "建立", "建成", "建好", "实现", "打造", "完成",
                "提升", "提高", "加快", "加强", "确保", "力争", "落实", "开展", "新增", "新建",
                "改造", "完善", "健全", "深化", "全面", "编制", "出台", "选派", "留下", "达到",
                "扩大", "降低", "减少", "保持", "培育", "引进", "发展", "支持", "覆盖")
#: The cost of a line ending at a place of each grade, and of each line.
GRADE_COST = (0.0, 3.0, 4.0, 12.0)
LINE_COST = 10.0
#: A line of a wrapped label narrower than this (two characters) is worse than any overflow.
SHORT_LINE_EM, SHORT_LINE_COST = 2.5, 1e6
#: Texts with more atoms than this are wrapped greedily (the programme is quadratic).
MAX_ATOMS = 400


def spaced(text: str) -> str:
    """``text`` with a space between each Han character and an adjacent Latin run."""
    out: list[str] = []
    for i, char in enumerate(text):
        if i and _gap_before(text, i):
            out.append(" ")
        out.append(char)
    return "".join(out)


def _gap_before(text: str, i: int) -> bool:
    prev, char = text[i - 1], text[i]
    if HAN_CHAR.match(prev) and char in _ALNUM:
        return True
    if not HAN_CHAR.match(char):
        return False
    if prev in _ALNUM:
        return True
    if prev == "%":  # a run may end in % (121%), if it has a letter or digit
        j = i - 1
        while j > 0 and text[j - 1] in _IN_RUN:
            j -= 1
        return any(c in _ALNUM for c in text[j:i - 1])
    return False


def char_em(char: str) -> float:
    if char == " ":
        return SPACE_EM
    if unicodedata.east_asian_width(char) in ("W", "F") or char in "“”‘’…—·":
        return 1.0
    return LATIN_EM


def em_width(text: str) -> float:
    return sum(char_em(c) for c in text)


def atoms(text: str) -> list[str]:
    """``text`` cut into the pieces no line break goes inside (see the module)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        end = i + 1
        closer = PAIRS.get(text[i])
        if closer is not None:
            stop = text.find(closer, i + 1)
            if 0 < stop - i < QUOTED_MAX:
                end = stop + 1
        elif text[i] in _ALNUM:
            while end < n and (text[end] in _IN_RUN or text[end] == " " and end + 1 < n
                               and text[end + 1] in _IN_RUN):
                end += 1
            if text[end - 1].isdigit():
                unit = end + 1 if end < n and text[end] == " " else end
                taken = 0
                while unit < n and text[unit] in UNITS and taken < 2:
                    unit += 1
                    taken += 1
                end = unit if taken else end
        out.append(text[i:end])
        i = end
    return out


def grade(before: str, after: str, rest: str, *, within_words: bool) -> int | None:
    """How good a break between atoms ``before`` and ``after`` is (0 best), or None where
    none may go; ``rest`` is the text from ``after`` on."""
    first, last = after[0], before[-1]
    if first in NO_START or last in OPENING or last == " " or len(rest.strip()) <= 2:
        return None  # nor a last line of one or two characters (孤字)
    if last in PAUSES or last in CLOSING or first in OPENING or first == "暨":
        return 0
    if last == "的":
        return 1
    if not within_words:
        return None  # a name breaks only at its marks, before 暨 or after 的
    if first == " " or rest.startswith(CLAUSE_VERBS):
        return 2  # at the space between Han and Latin (it goes), or before a clause's verb
    if HAN_CHAR.match(last) and HAN_CHAR.match(first):
        return 3
    return None


def wrap(text: str, limit: float, *, keep_start: int = 0,
         within_words: bool = False) -> list[str]:
    """The lines of ``text``, at most ``limit`` em each where its phrases allow (see the
    module). ``keep_start``: no break within the first so many characters (承诺： stays with
    what follows); ``within_words``: the text is a sentence, not a name, and may break between
    any two Han characters when it has no better place."""
    text = text.strip()
    if not text:
        return []
    if em_width(text) <= limit:
        return [text]
    pieces = atoms(text)
    offsets = [0]
    for piece in pieces:
        offsets.append(offsets[-1] + len(piece))
    grades: list[int | None] = [None] * len(pieces)  # grades[j]: a break before pieces[j]
    for j in range(1, len(pieces)):
        if offsets[j] > keep_start:
            grades[j] = grade(pieces[j - 1], pieces[j], text[offsets[j]:],
                              within_words=within_words)
    widths = [em_width(p) for p in pieces]
    if len(pieces) > MAX_ATOMS:
        return _greedy(pieces, widths, grades, limit)
    return _best(pieces, widths, grades, limit)


def wrap_name(text: str, limit: float, *, longest: float = 1.6) -> list[str]:
    """A name's lines (``wrap``): kept whole between its phrases, unless a line would be wider
    than ``longest`` times ``limit`` — a name no chart could print whole, which then breaks
    between its characters too."""
    lines = wrap(text, limit)
    if max((em_width(line) for line in lines), default=0.0) > longest * limit:
        return wrap(text, limit, within_words=True)
    return lines


def _greedy(pieces: list[str], widths: list[float], grades: list[int | None],
            limit: float) -> list[str]:
    lines: list[str] = []
    line, width = "", 0.0
    for piece, w, g in zip(pieces, widths, grades, strict=True):
        if line and g is not None and width + w > limit:
            lines.append(line)
            line, width = "", 0.0
        line, width = line + piece, width + w
    return lines + [line]


def _best(pieces: list[str], widths: list[float], grades: list[int | None],
          limit: float) -> list[str]:
    """The dynamic programme: ``best[j]`` is the cheapest way to set the first ``j`` atoms as
    whole lines, a line ending only where a break may go."""
    n = len(pieces)
    starts = [0.0]
    for w in widths:
        starts.append(starts[-1] + w)
    ends = [j for j in range(1, n) if grades[j] is not None] + [n]
    best: dict[int, tuple[float, int]] = {0: (0.0, 0)}
    for j in ends:
        at = grades[j] if j < n else None
        place = GRADE_COST[at] if at is not None else 0.0
        options = []
        for i, (cost, _) in best.items():
            if i >= j:
                continue
            width = starts[j] - starts[i]
            over = max(width - limit, 0.0)
            slack = max(limit - width, 0.0) / limit
            short = SHORT_LINE_COST if width < SHORT_LINE_EM else 0.0
            options.append((cost + 1000 * over + LINE_COST + place + short + 3 * slack ** 2, i))
        best[j] = min(options)
    cuts, j = [], n
    while j > 0:
        i = best[j][1]
        cuts.append((i, j))
        j = i
    return ["".join(pieces[i:j]).strip() for i, j in reversed(cuts)]
