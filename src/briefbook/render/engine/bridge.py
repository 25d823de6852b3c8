"""No gap on a printed line that a text extractor reads as a space: each gap inside a run of text
rides on the advance of the glyph before it.

Takes: the bytes of a PDF that WeasyPrint wrote with ``engine/runs.py`` installed (each run of
text on a line inside a ``/BriefbookRun`` mark that holds its characters). Gives: the same PDF,
each page drawing the same glyphs at the same places, with

- ``finish_runs(pdf, bridge=True)`` (every output but PDF/A): every gap of a run — between two
  of its text shows (the quarter-em beside a Latin run in a span of its own) or inside one (a
  quarter-em between Han and Latin, engine/spacing.py; the letter-spacing of a loosely
  justified line) — part of the advance of the glyph before it, and a half-width mark's box
  as narrow as its advance. Such a show is drawn with copies of its font whose ``/W`` gives
  each glyph the width it needs there (a show is cut where one glyph needs two widths), and
  adjustments make up the rest, so every glyph stays exactly where it was. The copies share
  the font program, the descriptor and the ToUnicode map; copies are shared between shows
  whose widths agree. The marks are dropped.
- ``finish_runs(pdf, bridge=False)`` (PDF/A): each mark becomes ``/Span <</ActualText (…)>>``.
  PDF/A asks that ``/W`` equal the embedded program's widths (ISO 19005-2 6.2.11.5), so its gaps
  stay; ActualText (ISO 32000-1 14.9.4) gives Poppler, pdfium and Acrobat the run's text.

Why: extractors guess a space from a gap wider than about a tenth of an em — pdf.js from 0.102 em
(pdfjs-dist 6.5 ``TRACKING_SPACE_FACTOR``), Poppler and pdfium alike — so "2020年6月" was
copied as "2020 年 6 月". A gap inside a glyph's advance is no gap to any of them, and the page
looks the same: a glyph's width only decides where the text position goes next, and the next
show sets its own position. Measured on the full book (tests/render/test_copied_text.py).
pdf.js ignores ActualText (6.5), and pdfium squeezes the characters of an ActualText span into
its first glyph's box (search and selection highlights land wrong), so ActualText is only the
PDF/A fallback. Deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass, field
from itertools import pairwise

import pikepdf

from briefbook.render.engine.runs import TAG, TEXT_KEY

#: Gaps narrower than this (in em) are no space to any extractor; wider than ``MAX_GAP`` they
#: are not within a line's run of text (a table's columns, say) and are left alone.
MIN_GAP = 0.05
MAX_GAP = 2.0


@dataclass
class _Show:
    """One ``TJ``/``Tj`` inside a run: where it starts and ends, and its glyphs."""

    index: int          # the show's line in the page's content
    font: str           # resource name
    size: float
    start: float        # x where the first glyph starts (page text space)
    end: float          # x of the text position after the show
    y: float
    scale: float        # Tm's horizontal scale
    #: (code, cid, width, gap after it) for each glyph, in thousandths of an em: the gap is the
    #: show's own adjustment after the glyph; for the last, the gap to the run's next show
    glyphs: list[list] = field(default_factory=list)
    size_text: bytes = b""  # the size as the Tf line wrote it


@dataclass
class _FontWidths:
    default: float
    widths: dict[int, float] = field(default_factory=dict)


def _widths_of(font, cache: dict[tuple[int, int], _FontWidths | None]) -> _FontWidths | None:
    """``_widths`` of a font object, read once per PDF (its pages share their fonts)."""
    if font.objgen not in cache:
        cache[font.objgen] = _widths(font)
    return cache[font.objgen]


def _widths(font) -> _FontWidths | None:
    """The /W widths of a Type0 font with Identity-H encoding (None for any other font)."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None
    descendant = font.DescendantFonts[0]
    table = _FontWidths(float(descendant.get("/DW", 1000)))
    entries = list(descendant.get("/W", pikepdf.Array()))
    i = 0
    while i < len(entries):
        first = int(entries[i])
        if isinstance(entries[i + 1], pikepdf.Array):
            for offset, width in enumerate(entries[i + 1]):
                table.widths[first + offset] = float(width)
            i += 2
        else:
            last, width = int(entries[i + 1]), float(entries[i + 2])
            for cid in range(first, last + 1):
                table.widths[cid] = width
            i += 3
    return table


#: One element of a TJ array as WeasyPrint writes it (``[<0013>-12.5<0011>] TJ``): a hex
#: string or a number.
_TJ_ELEMENT = re.compile(rb"<([0-9A-Fa-f]*)>|([-+]?(?:\d+\.?\d*|\.\d+))")
_TJ = re.compile(rb"\[(.*)\] TJ")
_TJ_ONE = re.compile(rb"<([0-9A-Fa-f]*)> Tj")
_TF = re.compile(rb"/(\S+) (\S+) Tf")
_TM = re.compile(rb"(\S+) (\S+) (\S+) (\S+) (\S+) (\S+) Tm")
_RUN_TAG = b"/" + TAG.encode()
_RUN_TEXT = b"<</" + TEXT_KEY.encode() + b" "


def _glyphs(line: bytes, widths: _FontWidths) -> tuple[float, list[list]] | None:
    """A show's advance and its glyphs as (code, cid, width, adjustment after it), all in
    thousandths of an em (a TJ number n moves the next glyph by -n); None for a form
    WeasyPrint does not write."""
    match = _TJ.fullmatch(line) or _TJ_ONE.fullmatch(line)
    if match is None:
        return None
    body = match.group(1) if line.endswith(b"TJ") else b"<" + match.group(1) + b">"
    total = 0.0
    glyphs: list[list] = []
    table, default = widths.widths, widths.default
    for text, number in _TJ_ELEMENT.findall(body):
        if number:
            value = float(number)
            total -= value
            if glyphs:
                glyphs[-1][3] -= value
        elif text:
            data = bytes.fromhex(text.decode())
            count = len(data) // 2
            for i, cid in enumerate(struct.unpack(f">{count}H", data[:count * 2])):
                width = table.get(cid, default)
                glyphs.append([data[2 * i:2 * i + 2], cid, width, 0.0])
                total += width
    return total, glyphs


def finish_runs(pdf_bytes: bytes, *, bridge: bool = True) -> bytes:
    """``pdf_bytes`` with its runs finished (see the module docstring)."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        changed = False
        clones: dict[tuple[int, int], list] = {}  # font object → its copies (see _clone)
        widths: dict[tuple[int, int], _FontWidths | None] = {}  # font object → its /W
        for page in pdf.pages:
            changed |= _finish_page(pdf, page, clones, widths, bridge)
        if not changed:
            return pdf_bytes
        for copies in clones.values():  # each copy's /W, once all its glyphs are known
            for _name, type0, copy_widths in copies:
                type0.DescendantFonts[0].W = pikepdf.Array(
                    [item for key in sorted(copy_widths)
                     for item in (key, pikepdf.Array([copy_widths[key]]))])
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


def _content(page) -> bytes:
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(part.read_bytes() for part in contents)
    return contents.read_bytes() if contents is not None else b""


def _finish_page(pdf, page, clones, widths, bridge: bool) -> bool:
    """Finish the runs of one page's content, read line by line as WeasyPrint (pydyf) writes it:
    one operator a line, a marked-content tag and its properties on the lines before ``BDC``.
    A show in a form WeasyPrint does not write is left as it is (its gaps stay)."""
    data = _content(page)
    if _RUN_TAG not in data:
        return False
    lines = data.split(b"\n")
    replaced: dict[int, list[bytes]] = {}
    if bridge:
        resources = page.obj.get("/Resources")
        fonts = resources.get("/Font") if resources is not None else None
        replaced = _bridge_lines(pdf, lines, fonts, clones, widths) if fonts is not None else {}
    out: list[bytes] = []
    runs: list[bool] = []  # for each open marked-content sequence: is it a run?
    i = 0
    while i < len(lines):
        line = lines[i]
        if line == _RUN_TAG and i + 2 < len(lines) and lines[i + 2] == b"BDC":
            runs.append(True)
            if not bridge:  # PDF/A: the run's text as ActualText
                out += [b"/Span", b"<</ActualText " + lines[i + 1][len(_RUN_TEXT):], b"BDC"]
            i += 3
            continue
        if line in (b"BDC", b"BMC"):
            runs.append(False)
        elif line == b"EMC" and runs and runs.pop() and bridge:
            i += 1
            continue
        out += replaced.get(i, [line])
        i += 1
    page.obj.Contents = pdf.make_stream(b"\n".join(out))
    return True


def _bridge_lines(pdf, lines: list[bytes], fonts, clones,
                  widths) -> dict[int, list[bytes]]:
    """Line number → the lines that replace it: each show of a run with a gap to carry."""
    tables: dict[bytes, _FontWidths | None] = {}
    open_runs: list[list[_Show] | None] = []
    in_runs = 0  # how many of open_runs are runs (not None)
    shows: list[_Show] = []
    font, size_text, size, x, y, scale = None, b"", 0.0, None, 0.0, 1.0
    for index, line in enumerate(lines):
        tail = line[-3:]
        if line == b"BDC":
            is_run = index >= 2 and lines[index - 2] == _RUN_TAG
            open_runs.append([] if is_run else None)
            in_runs += is_run
        elif line == b"BMC":
            open_runs.append(None)
        elif line == b"EMC":
            if open_runs:
                run = open_runs.pop()
                if run is not None:
                    in_runs -= 1
                    if run:
                        _join(run)
        elif tail == b" Tf":
            match = _TF.fullmatch(line)
            font, size_text, size = (match.group(1), match.group(2), float(match.group(2))) \
                if match else (None, b"", 0.0)
        elif tail == b" Tm":
            match = _TM.fullmatch(line)
            scale, x, y = (float(match.group(1)), float(match.group(5)), float(match.group(6))) \
                if match else (1.0, None, 0.0)
        elif tail in (b" Td", b" TD", b" T*", b" Tc", b" Tw", b" Tz", b" TL") or line in (
                b"T*", b"'", b'"'):
            x = None  # WeasyPrint places each show with Tm and sets no spacing: not bridged
        elif tail in (b" TJ", b" Tj") and x is not None and font is not None and scale \
                and in_runs:
            if font not in tables:
                name = "/" + font.decode()
                tables[font] = _widths_of(fonts[name], widths) if name in fonts else None
            table = tables[font]
            found = _glyphs(line, table) if table is not None else None
            if found is None:
                x = None
                continue
            advance, glyphs = found
            end = x + advance / 1000 * size * scale
            show = _Show(index, font.decode(), size, x, end, y, scale, glyphs, size_text)
            next(run for run in reversed(open_runs) if run is not None).append(show)
            shows.append(show)
            x = end
    rewritten = {show.index: _rewrite(pdf, fonts, show, clones) for show in shows}
    return {index: new for index, new in rewritten.items() if new is not None}


def _join(shows: list[_Show]) -> None:
    """Give the last glyph of each show of one run the gap to the next show of that run."""
    for before, after in pairwise(shows):
        if not before.glyphs or abs(after.y - before.y) > 0.01 * before.size:
            continue
        gap = (after.start - before.end) / before.size / before.scale * 1000
        if MIN_GAP * 1000 <= gap <= MAX_GAP * 1000:
            before.glyphs[-1][3] += gap


def _number(value: float) -> bytes:
    """A PDF number: at most two decimals, no exponent."""
    return (b"%.2f" % value).rstrip(b"0").rstrip(b".") or b"0"


def _rewrite(pdf, fonts, show: _Show, clones) -> list[bytes] | None:
    """The show as TJs in copies of its font whose widths carry its gaps, or None when it has
    no gap to carry. Each glyph's advance stays what it was — width plus the adjustment after
    it — so every glyph is drawn where it was: a copy gives each glyph its own width plus the
    gap after it, where that gap is one an extractor would read as a space, and an adjustment
    makes up the rest (a small justification spacing, say). A copy holds one width per glyph,
    so where one glyph needs two widths in the same show (年 before a number and elsewhere on
    a line) the show is cut there and goes on in another copy."""
    glyphs = show.glyphs
    if not any(_folds(width, gap) for _code, _cid, width, gap in glyphs):
        return None
    out: list[bytes] = []
    segments = _segments(glyphs)
    for index, (segment, widths) in enumerate(segments):
        body = b""
        piece = b""
        last = index == len(segments) - 1
        for number, (code, cid, width, gap) in enumerate(segment, start=1):
            piece += code
            rest = width + gap - widths[cid]
            if number == len(segment) and last:  # the next show places itself
                break
            if abs(rest) >= 0.01:
                body += b"<" + piece.hex().encode() + b">" + _number(-rest)
                piece = b""
        if piece:
            body += b"<" + piece.hex().encode() + b">"
        name = _clone(pdf, fonts, "/" + show.font, widths, clones)
        out += [name.encode() + b" " + show.size_text + b" Tf", b"[" + body + b"] TJ"]
    return out + [b"/" + show.font.encode() + b" " + show.size_text + b" Tf"]


def _folds(width: float, gap: float) -> bool:
    """Whether a glyph's advance takes the gap after it: a gap an extractor would read as a
    space, or a half-width mark's lost blank half (its box then ends where its advance does,
    so a mark set half-width at a line's end does not reach past the margin)."""
    return gap >= MIN_GAP * 1000 or (gap <= -MIN_GAP * 1000 and width + gap > 0)


def _segments(glyphs: list[list]) -> list[tuple[list[list], dict[int, float]]]:
    """The glyphs cut into runs in which each glyph id wants one width (its own, or its own
    plus a gap an extractor would read as a space), with those widths."""
    segments: list[tuple[list[list], dict[int, float]]] = []
    segment: list[list] = []
    widths: dict[int, float] = {}
    for glyph in glyphs:
        _code, cid, width, gap = glyph
        want = round(width + gap) if _folds(width, gap) else width
        if widths.get(cid, want) != want:
            segments.append((segment, widths))
            segment, widths = [], {}
        widths[cid] = want
        segment.append(glyph)
    segments.append((segment, widths))
    return segments


def _clone(pdf, fonts, font_name: str, wanted: dict[int, float], clones) -> str:
    """The resource name of a copy of ``font_name`` whose /W gives each glyph of ``wanted`` its
    width there. Copies are shared: each holds one width per glyph, and a glyph wanted at another
    width goes to the next copy (a book needs as many copies as one glyph has gap widths)."""
    original = fonts[font_name]
    copies = clones.setdefault(original.objgen, [])
    found: tuple[str, pikepdf.Object, dict[int, float]] | None = next((c for c in copies
                  if all(c[2].get(cid, width) == width for cid, width in wanted.items())), None)
    if found is None:
        descendant = original.DescendantFonts[0]
        copy = pikepdf.Dictionary({k: v for k, v in descendant.items() if k != "/W"})
        head = pikepdf.Dictionary({k: v for k, v in original.items()
                                   if k != "/DescendantFonts"})
        head.DescendantFonts = pikepdf.Array([pdf.make_indirect(copy)])
        fresh: dict[int, float] = {}
        found = (f"{font_name}w{len(copies)}", pdf.make_indirect(head), fresh)
        copies.append(found)
    name, type0, widths = found
    widths.update(wanted)  # its /W is written when every page is done (finish_runs)
    if name not in fonts:
        fonts[name] = type0
    return name
