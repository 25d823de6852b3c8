"""No gap on a printed line that a text extractor reads as a space: each gap inside a run of text
rides on the advance of the glyph before it.

Takes: the bytes of a PDF that WeasyPrint wrote with ``render/runs.py`` installed (each run of
text on a line inside a ``/BriefbookRun`` mark that holds its characters). Gives: the same PDF,
each page drawing the same glyphs at the same places, with

- ``finish_runs(pdf, bridge=True)`` (every output but PDF/A): every gap of a run — between two
  of its text shows (the quarter-em beside a Latin run, the edge of a ``nowrap`` date) or
  inside one (the letter-spacing of a loosely justified line) — part of the advance of the
  glyph before it. Such a show is drawn with a copy of its font whose ``/W`` gives each glyph
  the width it most often needs there, and adjustments make up the rest, so every glyph stays
  exactly where it was. The copy shares the font program, the descriptor and the ToUnicode map;
  copies are shared between shows whose widths agree. The marks are dropped.
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
from collections import Counter
from decimal import Decimal
from dataclasses import dataclass, field

from briefbook.render.runs import TAG, TEXT_KEY

#: Gaps narrower than this (in em) are no space to any extractor; wider than ``MAX_GAP`` they
#: are not within a line's run of text (a table's columns, say) and are left alone.
MIN_GAP = 0.05
MAX_GAP = 2.0


@dataclass
class _Show:
    """One ``TJ``/``Tj`` inside a run: where it starts and ends, and its glyphs."""

    index: int          # position of the operator in the page's operator list
    font: str           # resource name
    size: float
    start: float        # x where the first glyph starts (page text space)
    end: float          # x of the text position after the show
    y: float
    scale: float        # Tm's horizontal scale
    #: (code, cid, width, gap after it) for each glyph, in thousandths of an em: the gap is the
    #: show's own adjustment after the glyph; for the last, the gap to the run's next show
    glyphs: list[list] = field(default_factory=list)


@dataclass
class _FontWidths:
    default: float
    widths: dict[int, float] = field(default_factory=dict)
    two_byte: bool = True


def _widths(font) -> _FontWidths | None:
    """The /W widths of a Type0 font with Identity-H encoding (None for any other font)."""
    import pikepdf

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


def _is_text(element) -> bool:
    """Whether a TJ element is a string (pikepdf gives its numbers as Python numbers; an
    isinstance test against pikepdf.String is ten times slower)."""
    return not isinstance(element, (int, float, Decimal))


def _glyphs(elements, widths: _FontWidths) -> tuple[float, list[list]]:
    """A TJ array's advance and its glyphs as (code, cid, width, adjustment after it), all in
    thousandths of an em (a TJ number n moves the next glyph by -n)."""
    total = 0.0
    glyphs: list[list] = []
    for element in elements:
        if _is_text(element):
            data = bytes(element)
            for i in range(0, len(data) - 1, 2):
                code = data[i:i + 2]
                cid = int.from_bytes(code, "big")
                width = widths.widths.get(cid, widths.default)
                glyphs.append([code, cid, width, 0.0])
                total += width
        else:
            total -= float(element)
            if glyphs:
                glyphs[-1][3] -= float(element)
    return total, glyphs


def finish_runs(pdf_bytes: bytes, *, bridge: bool = True) -> bytes:
    """``pdf_bytes`` with its runs finished (see the module docstring)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        changed = False
        clones: dict[tuple[int, int], list] = {}  # font object → its copies (see _clone)
        for page in pdf.pages:
            changed |= _finish_page(pdf, page, clones, bridge)
        if not changed:
            return pdf_bytes
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


def _is_run(operands, operator) -> bool:
    import pikepdf

    return (str(operator) == "BDC" and operands[0] == pikepdf.Name("/" + TAG)
            and isinstance(operands[1], pikepdf.Dictionary))


def _finish_page(pdf, page, clones, bridge: bool) -> bool:
    import pikepdf

    operations = list(pikepdf.parse_content_stream(page))
    if not any(_is_run(*operation) for operation in operations):
        return False
    if not bridge:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(
            _actual_text(operations)))
        return True
    resources = page.obj.get("/Resources")
    fonts = resources.get("/Font") if resources is not None else None
    tables: dict[str, _FontWidths | None] = {}
    spans: list[list[_Show]] = []   # open runs (innermost last)
    depth: list[bool] = []          # for each open marked-content sequence: is it a run?
    shows: dict[int, _Show] = {}    # every show of a run, by operator position
    drop: set[int] = set()          # the runs' BDC and EMC
    font, size, x, y, scale = None, 0.0, None, 0.0, 1.0
    plain = True  # no character spacing, word spacing or horizontal scaling in force
    for index, (operands, operator) in enumerate(operations):
        name = str(operator)
        if name == "BDC":
            run = _is_run(operands, operator)
            depth.append(run)
            if run:
                spans.append([])
                drop.add(index)
        elif name == "BMC":
            depth.append(False)
        elif name == "EMC" and depth:
            if depth.pop():
                _join(spans.pop())
                drop.add(index)
        elif name == "Tf":
            font, size = str(operands[0]), float(operands[1])
        elif name == "Tm":
            scale, x, y = float(operands[0]), float(operands[4]), float(operands[5])
        elif name in ("Td", "TD", "T*", "'", '"'):
            x = None  # WeasyPrint places each run with Tm; anything else is not bridged
        elif name in ("Tc", "Tw"):
            plain = plain and float(operands[0]) == 0
        elif name == "Tz":
            plain = plain and float(operands[0]) == 100
        elif name in ("TJ", "Tj") and spans and font is not None and scale and x is not None \
                and plain and fonts is not None:
            if font not in tables:
                tables[font] = _widths(fonts[font]) if font in fonts else None
            table = tables[font]
            if table is None:
                continue
            elements = operands[0] if name == "TJ" else [operands[0]]
            advance, glyphs = _glyphs(elements, table)
            end = x + advance / 1000 * size * scale
            show = _Show(index, font, size, x, end, y, scale, glyphs)
            spans[-1].append(show)
            shows[index] = show
            x = end
    rewritten = []
    for index, (operands, operator) in enumerate(operations):
        if index in drop:
            continue
        show = shows.get(index)
        replaced = _rewrite(pdf, fonts, show, clones) if show is not None else None
        rewritten += replaced or [(operands, operator)]
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(rewritten))
    return True


def _actual_text(operations) -> list:
    """The operations with each run's mark turned into an ActualText span."""
    import pikepdf

    out = []
    for operands, operator in operations:
        if _is_run(operands, operator):
            text = operands[1].get("/" + TEXT_KEY, pikepdf.String(""))
            operands = [pikepdf.Name("/Span"), pikepdf.Dictionary({"/ActualText": text})]
        out.append((operands, operator))
    return out


def _join(shows: list[_Show]) -> None:
    """Give the last glyph of each show of one run the gap to the next show of that run."""
    for before, after in zip(shows, shows[1:]):
        if not before.glyphs or abs(after.y - before.y) > 0.01 * before.size:
            continue
        gap = (after.start - before.end) / before.size / before.scale * 1000
        if MIN_GAP * 1000 <= gap <= MAX_GAP * 1000:
            before.glyphs[-1][3] += gap


def _rewrite(pdf, fonts, show: _Show, clones) -> list | None:
    """The show as a TJ in a copy of its font whose widths carry its gaps, or None when it has no
    gap to carry. Each glyph's advance stays what it was — width plus the adjustment after it —
    so every glyph is drawn where it was: the copy gives each glyph the width it most often
    needs here (its own width plus the gap after it, where that gap is one an extractor would
    read as a space), and an adjustment makes up the rest."""
    import pikepdf

    glyphs = show.glyphs
    if not any(gap >= MIN_GAP * 1000 for *_rest, gap in glyphs):
        return None
    wanted: dict[int, Counter] = {}
    for _code, cid, width, gap in glyphs:
        wanted.setdefault(cid, Counter())[round(width + gap) if gap >= MIN_GAP * 1000
                                          else width] += 1
    widths = {cid: max(counts.items(), key=lambda item: (item[1], item[0]))[0]
              for cid, counts in wanted.items()}
    elements: list = []
    piece = b""
    for number, (code, cid, width, gap) in enumerate(glyphs, start=1):
        piece += code
        rest = width + gap - widths[cid]
        if number == len(glyphs):  # after the last glyph: the next show places itself
            break
        if abs(rest) >= 0.01:
            elements += [pikepdf.String(piece), -round(rest, 2)]
            piece = b""
    elements.append(pikepdf.String(piece))
    name = _clone(pdf, fonts, show.font, widths, clones)
    return [([pikepdf.Name(name), show.size], pikepdf.Operator("Tf")),
            ([pikepdf.Array(elements)], pikepdf.Operator("TJ")),
            ([pikepdf.Name(show.font), show.size], pikepdf.Operator("Tf"))]


def _clone(pdf, fonts, font_name: str, wanted: dict[int, float], clones) -> str:
    """The resource name of a copy of ``font_name`` whose /W gives each glyph of ``wanted`` its
    width there. Copies are shared: each holds one width per glyph, and a glyph wanted at another
    width goes to the next copy (a book needs as many copies as one glyph has gap widths)."""
    import pikepdf

    original = fonts[font_name]
    copies = clones.setdefault(original.objgen, [])
    for name, type0, widths in copies:
        if all(widths.get(cid, width) == width for cid, width in wanted.items()):
            break
    else:
        descendant = original.DescendantFonts[0]
        copy = pikepdf.Dictionary({k: v for k, v in descendant.items() if k != "/W"})
        type0 = pikepdf.Dictionary({k: v for k, v in original.items()
                                    if k != "/DescendantFonts"})
        type0.DescendantFonts = pikepdf.Array([pdf.make_indirect(copy)])
        name, type0, widths = f"{font_name}w{len(copies)}", pdf.make_indirect(type0), {}
        copies.append((name, type0, widths))
    if any(cid not in widths for cid in wanted):
        widths.update(wanted)
        type0.DescendantFonts[0].W = pikepdf.Array(
            [item for key in sorted(widths) for item in (key, pikepdf.Array([widths[key]]))])
    if name not in fonts:
        fonts[name] = type0
    return name
