"""Display text — headings, cover lines, key-figure cards — broken into lines of near-equal
length at phrase boundaries, never inside a quoted term, a date or a number with its unit.

Takes: a display text (plain, untrusted), its role (the box and the type it is set in:
``ROLES``, mirroring book.css) and the book's paper. Gives: escaped HTML (``Markup``, through
``typeset``). A text that fits its box on one line is typeset as any other (its opening mark
at the line start trimmed). A longer one is planned here (``plan``): cut into atoms (a quoted
term, a bracketed aside, a date, a number with its unit, else one character), the places
between atoms graded from "after a stop or a pause" to "inside a word", and the lines chosen
(fewest, then best places, then most even) by a small dynamic programme. The HTML keeps each
planned line's phrases on one line (``nowrap``), trims the opening mark that starts a line,
and sits in ``<span class="balanced" style="max-width: …em">`` at the widest planned line: the
browser's line filling then gives the planned lines. Where the estimate is wrong (another
stylesheet, a wider box) the text still breaks only between phrases.

Widths are estimated in em from the bundled faces' advances (Han and full-width marks 1 em,
Latin about 0.57), with the quarter-em between Han and Latin and the half-width marks that
``typeset`` adds. Bounded: a text longer than ``MAX_CHARS`` is typeset as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from markupsafe import Markup

from briefbook.core.chars import HAN_CHAR
from briefbook.project.stylesheet import BOOK_TYPE, PaperDesign
from briefbook.render.book.typeset import (
    CLOSING,
    DATE,
    LATIN_CHAR,
    LATIN_RUN,
    OPENING,
    PUNCT,
    typeset,
)

#: Longer texts are not display text: typeset as they are (and the planning stays cheap).
MAX_CHARS = 240
PT_MM = 25.4 / 72

#: Marks after which a line may end gracefully: stops and pauses (grade 0), enumeration (1).
STOPS = set("。！？；：，")
ENUMERATION = set("、")
#: Before 、 they number a list item (一、 2、), which stays with the item.
ORDINALS = set("一二三四五六七八九十百0123456789")
#: Marks that never start a line (besides the closing brackets): dashes, ellipses, dots.
NO_START = CLOSING | PUNCT
#: Function words a phrase break goes next to: after 的, before 与 和 及 或 并 暨.
AFTER_WORDS = set("的")
BEFORE_WORDS = set("与和及或并暨")
#: What a title names itself as, a word of its own: 城市更新 / 简报.
KIND_WORDS = ("简报", "专报", "快报", "要点", "报告", "通讯", "汇编")
#: Characters a number keeps on its line: units and measure words (2 at most: 万人, 分钟).
UNITS = set("万亿千百十个人项家年月日时分秒钟米元倍次余多名所座条件处户亩吨天周岁届期号位台辆"
            "张篇段批圈里公顷平方斤克份股部类种批座间栋套辆把%‰")
#: Before a number: 第1期, 约3万, 近2万, 逾1万, 超5成.
NUMBER_PREFIXES = set("第约近逾超")
#: A quoted term or bracketed aside is kept whole up to this many characters.
QUOTE_MAX = 14
#: Brackets that open an aside (a date, a gloss): kept with the word before them.
ASIDES = set("（〔【")
PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", "（": "）",
         "【": "】", "〔": "〕"}

#: The cost of a line break, by the grade of its place: after a stop or pause; after an
#: enumeration comma or before an opening quote; next to 的/与/和; anywhere else.
GRADE_COST = (0.0, 0.35, 0.8, 4.0)
#: The weight of uneven lines: the squared relative deviation of each line from the mean
#: (a two-character last line under six costs 4, as much as a break inside a word).
BALANCE = 8.0
#: The cost of each line beyond the fewest the text needs.
EXTRA_LINE = 3.0
#: Room left beyond the widest planned line (estimates are within a few hundredths of an em).
SLACK_EM = 0.35


@dataclass(frozen=True)
class Role:
    """A display text's box, as book.css sets it: type size, what the box gives up of the
    text width (padding, margins) and its letter-spacing."""

    size_pt: float
    inset_mm: float = 0.0
    letter_spacing: float = 0.0
    share: float = 1.0         # the box's share of the text width (a card: half on A4)
    narrow_share: float = 1.0  # the same on narrow papers (A5, B5)
    beside_pt: float = 0.0     # the type size of a badge beside it or a label before it
    beside_mm: float = 0.0     # a badge's padding and gap
    per_paper: tuple[tuple[str, float], ...] = ()  # papers with a type size of their own
    design: str = ""           # or: the paper design's field that gives the size (h1_pt)

    def size_on(self, paper: str) -> float:
        """The type size (pt) on ``paper``."""
        if self.design:
            return float(getattr(_design(paper), self.design))
        return dict(self.per_paper).get(paper, self.size_pt)


#: Keep in step with book.css (cover, masthead, contents, summary; headings per paper).
ROLES = {
    "h1": Role(16, design="h1_pt"),
    "h1-note": Role(14, per_paper=(("A5", 13), ("B5", 13), ("16K", 13.5))),  # .breaks-none h1
    "h2": Role(12.5, design="h2_pt"),
    "cover-title": Role(30, letter_spacing=0.08),
    "cover-subtitle": Role(17, inset_mm=16),
    "cover-question": Role(11),
    "colophon": Role(9),
    "sheet-title": Role(20, inset_mm=28),  # beside the floated classification
    "sheet-subtitle": Role(12),
    # a card: half the text width less the gap on A4 and letter, the whole width on A5 and
    # B5; less its padding and left edge (and the status badge beside it: ``display``)
    # (beside it: the status badge, 7.5 pt, 1.5 mm padding each side and a 2 mm gap)
    "card-label": Role(9.5, inset_mm=7.7, share=0.5, beside_pt=7.5, beside_mm=5.0),
    # a figure (14 pt) after its label 承诺： or 报道： (9 pt)
    "card-value": Role(14, inset_mm=7.7, share=0.5, beside_pt=9),
}
NARROW_PAPERS = {"A5", "B5"}
CARD_GAP_MM = 3.0


def _design(paper: str) -> PaperDesign:
    return BOOK_TYPE.get(paper, BOOK_TYPE["A4"])


def text_width_mm(paper: str) -> float:
    """The measure on ``paper``, as book.css sets it (project.stylesheet.BOOK_TYPE)."""
    return _design(paper).measure_mm


@cache
def measure(role: str, paper: str) -> float:
    """How many em of its type fit across ``role``'s box on ``paper``."""
    spec = ROLES[role]
    width = text_width_mm(paper)
    share = spec.narrow_share if paper in NARROW_PAPERS else spec.share
    if share < 1:
        width = width * share - CARD_GAP_MM / 2
    return (width - spec.inset_mm) / (spec.size_on(paper) * PT_MM)


@dataclass(frozen=True)
class Plan:
    """Where a display text's lines start (offsets), the ranges kept on one line, and the
    widest line's estimated width in em."""

    starts: tuple[int, ...]
    keep: tuple[tuple[int, int], ...]
    widest: float


def display(text: str, role: str, paper: str, *, end: bool = True, beside: str = "",
            lead: str = "") -> Markup:
    """``text`` set as display text in ``role``'s box on ``paper`` (see the module doc).

    ``beside``: what follows it on its last line (a card's status badge), whose width the box
    gives up. ``lead``: a label set before it in the role's small type (a card's 承诺：),
    hanging: further lines start under the text, not under the label."""
    spec = ROLES[role]
    room = measure(role, paper)
    if beside:
        room -= ((sum(widths(beside)) * spec.beside_pt + spec.beside_mm / PT_MM)
                 / spec.size_on(paper))
    hang = sum(widths(lead)) * spec.beside_pt / spec.size_on(paper) if lead else 0.0
    head = Markup('<span class="lead">{}</span>').format(typeset(lead)) if lead else Markup()
    found = plan(text, room - hang, letter_spacing=spec.letter_spacing)
    if found is None:
        return head + typeset(text, end=end, start=True)
    inner = typeset(text, end=end, start=True, lines=found.starts[1:], keep=found.keep)
    style = f"max-width: {found.widest + SLACK_EM:.2f}em"
    if hang:
        style += f"; padding-left: {hang:.2f}em; text-indent: -{hang:.2f}em"
    return Markup('<span class="balanced" style="{}">{}{}</span>').format(style, head, inner)


# ---- the plan --------------------------------------------------------------------------------

def atoms(text: str) -> list[tuple[int, int]]:
    """``text`` cut into the pieces no line break goes inside: a date, a number with its prefix
    and unit, a short quoted term or aside, a Latin run; else one character each."""
    whole: dict[int, int] = {}  # start -> end of each multi-character atom
    for m in DATE.finditer(text):
        whole[m.start()] = m.end()
    for m in LATIN_RUN.finditer(text):
        a, b = m.span()
        if any(s <= a < e for s, e in whole.items()):
            continue
        if a > 0 and text[a - 1] in NUMBER_PREFIXES:
            a -= 1
        if m.group()[-1].isdigit():
            units = 0
            while b < len(text) and text[b] in UNITS and units < 2:
                b += 1
                units += 1
        whole[a] = b
    i = 0
    while i < len(text):
        close = PAIRS.get(text[i])
        if close is not None and i not in whole:
            stop = text.find(close, i + 1)
            if 0 < stop - i < QUOTE_MAX and not any(i < s < stop + 1 for s in whole):
                whole[i] = stop + 1
        i += 1
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        end = whole.get(i)
        if end is not None and end > i:
            out.append((i, end))
            i = end
        else:
            out.append((i, i + 1))
            i += 1
    return out


def grade(text: str, at: int) -> int | None:
    """How good a line break at offset ``at`` is (0 best … 3 inside a word), or None where a
    break is not allowed (before a closing mark, after an opening one, in white space)."""
    before, after = text[at - 1], text[at]
    if after in NO_START or before in OPENING or before.isspace() or after.isspace():
        return None
    if before in ENUMERATION and text[at - 2:at - 1] in ORDINALS:
        return None  # 二、 numbers what follows it
    if before in STOPS or (before in CLOSING and before not in ENUMERATION and
                           text[at - 2:at - 1] in STOPS):
        return 0
    if before in ENUMERATION or before in CLOSING:
        return 1 if before in ENUMERATION else 2
    if after in OPENING and before in BEFORE_WORDS:
        return 3  # 与 and 和 go with what follows them
    if after in OPENING:
        return 3 if after in ASIDES else 1  # an aside (a date, a gloss) stays with its word
    if before in AFTER_WORDS or after in BEFORE_WORDS or text.startswith(KIND_WORDS, at):
        return 2
    if bool(LATIN_CHAR.match(before)) != bool(LATIN_CHAR.match(after)):
        return 2  # where the script changes: 青禾2023 / 城市更新简报
    return 3


def widths(text: str, letter_spacing: float = 0.0) -> list[float]:
    """Each character's advance in em as typeset sets it (the Han–Latin quarter-em on the
    Latin side, half-width adjacent marks at their smaller width)."""
    out = []
    for i, char in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        prev = text[i - 1] if i else ""
        width = _advance(char)
        latin = width < 1 and not char.isspace()
        if latin and (HAN_CHAR.match(prev) or HAN_CHAR.match(nxt)):
            width += 0.25 * (bool(HAN_CHAR.match(prev)) + bool(HAN_CHAR.match(nxt)))
        if (char in CLOSING and (nxt in CLOSING or nxt in OPENING)) or (
                char in OPENING and prev in OPENING):
            width -= 0.5
        out.append(width + letter_spacing)
    return out


def _advance(char: str) -> float:
    if char.isdigit() and char.isascii():
        return 0.57
    if char in ".,:;'|!":
        return 0.3
    if char == " ":
        return 0.25
    if char in "%@":
        return 0.93
    if char in "—–":
        return 0.9 if char == "—" else 0.5
    if char.isascii():
        return 0.6 if char.isalpha() else 0.5
    return 1.0


def plan(text: str, measure_em: float, *, letter_spacing: float = 0.0) -> Plan | None:
    """The lines for ``text`` in a box ``measure_em`` wide, or None when it fits on one line
    (or is too long, or too short a box, to be display text)."""
    if not text or len(text) > MAX_CHARS or measure_em < 4:
        return None
    advance = widths(text, letter_spacing)
    trim = [0.5 if c in OPENING and (i == 0 or text[i - 1] not in OPENING) else 0.0
            for i, c in enumerate(text)]
    total = sum(advance) - trim[0]
    if total <= measure_em:
        return None
    pieces = atoms(text)
    # an atom wider than the box is no atom: it may break between its characters (worst
    # grade), though never inside a Latin run
    cut: list[tuple[int, int]] = []
    for a, b in pieces:
        if b - a > 1 and sum(advance[a:b]) > 0.9 * measure_em:
            cut.extend(_characters(text, a, b))
        else:
            cut.append((a, b))
    bounds = [a for a, _ in cut] + [len(text)]
    prefix = [0.0]
    for w in advance:
        prefix.append(prefix[-1] + w)

    def line(i: int, j: int) -> float:
        """Width of the line from boundary i to boundary j (its opening mark trimmed)."""
        a, b = bounds[i], bounds[j]
        return prefix[b] - prefix[a] - trim[a]

    grades = [None] + [grade(text, bounds[k]) for k in range(1, len(bounds) - 1)] + [0]
    best = _lines(len(bounds) - 1, line, grades, measure_em, total)
    if best is None:
        return None
    starts = [bounds[k] for k in best[:-1]]
    keep = _kept(bounds, best, grades, line, lambda i, j: prefix[bounds[j]] - prefix[bounds[i]])
    widest = max(line(i, j) for i, j in pairwise(best))
    return Plan(tuple(starts), tuple(keep), widest)


def _characters(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """text[a:b] as one piece per character, a Latin run as one."""
    runs = {m.start() + a: m.end() + a for m in LATIN_RUN.finditer(text[a:b])}
    out = []
    i = a
    while i < b:
        end = runs.get(i, i + 1)
        out.append((i, end))
        i = end
    return out


def _lines(count: int, line, grades, measure_em: float, total: float) -> list[int] | None:
    """The boundary indices (0 … count) that start each line and end the last: the fewest
    lines that fit, then the best-graded places, then the most even lines."""
    fewest = None
    for n in range(2, count + 1):
        if n * measure_em >= total:
            fewest = n
            break
    if fewest is None:
        return None
    choice: tuple[float, list[int]] | None = None
    for n in (fewest, fewest + 1):
        target = total / n
        found = _even(count, n, line, grades, measure_em, target)
        if found is not None:
            cost = found[0] + EXTRA_LINE * (n - fewest)
            if choice is None or cost < choice[0]:
                choice = (cost, found[1])
    return None if choice is None else choice[1]


def _even(count: int, n: int, line, grades, measure_em: float,
          target: float) -> tuple[float, list[int]] | None:
    """Dynamic programme: ``n`` lines over boundaries 0 … count, each at most ``measure_em``;
    cost = the graded breaks + ``BALANCE`` × each line's squared relative deviation from
    ``target``."""
    inf = float("inf")
    cost = [[inf] * (count + 1) for _ in range(n + 1)]
    back = [[-1] * (count + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for k in range(1, n + 1):
        for j in range(1, count + 1):
            place = grades[j]
            if place is None or (k == n) != (j == count):
                continue
            for i in range(j - 1, -1, -1):
                if cost[k - 1][i] == inf:
                    continue
                width = line(i, j)
                if width > measure_em:
                    break  # wider still for smaller i
                value = (cost[k - 1][i] + BALANCE * ((width - target) / target) ** 2
                         + (GRADE_COST[place] if j < count else 0.0))
                if value < cost[k][j]:
                    cost[k][j], back[k][j] = value, i
    if cost[n][count] == inf:
        return None
    path = [count]
    for k in range(n, 0, -1):
        path.append(back[k][path[-1]])
    return cost[n][count], path[::-1]


def _kept(bounds: list[int], best: list[int], grades: list[int | None], line,
          raw) -> list[tuple[int, int]]:
    """The ranges kept on one line: each planned line cut where a phrase ends (grades 0–1),
    so a box narrower than planned still breaks only there; but a line's first range is
    long enough not to fit at the end of the line before (``raw``: width off a line start),
    so that filling lines up to the widest planned one gives the planned lines."""
    lines = list(pairwise(best))
    limit = max(line(i, j) for i, j in lines) + SLACK_EM
    keep = []
    for n, (i, j) in enumerate(lines):
        cuts = [k for k in range(i + 1, j) if (grades[k] or 0) <= 1 and grades[k] is not None]
        if n:
            before = line(*lines[n - 1])
            while cuts and before + raw(i, cuts[0]) <= limit:
                cuts.pop(0)
        for a, b in pairwise([i, *cuts, j]):
            if bounds[b] - bounds[a] > 1:
                keep.append((bounds[a], bounds[b]))
    return keep
