"""Reading a report saved as a PDF (``briefbook ingest report.pdf``): its text, page by page, as
the paragraphs and headings a reader sees.

Takes: the PDF's bytes and where they came from (for messages).
Gives: an ``Extracted`` (``corpus.formats``): one block a line — headings and paragraphs —
with a blank line between blocks; ``origins`` gives each line's page ("page 3", "pages 3–4"
for a paragraph that runs over a page break); the title, date and issuing body the document
prints, with where; notes on what was left out; a warning for a page that is an image with no
text (a scanned page among text pages). Or a ``BriefbookError`` naming the file and
what to do: a scan (no text layer), an encrypted PDF that needs a password, a damaged or
truncated file, more than ``MAX_PAGES`` pages, more text than ``MAX_TEXT_BYTES``.

How (pypdfium2: PDFium's text pages; the same bytes always give the same text):

1. Lines. PDFium gives a page's characters in reading order and marks where each line ends.
   Each line gets its baseline ``y``, where it starts and ends (``x0``, ``x1``: the characters'
   advance boxes), its type size in points (``em``) and whether its first and last characters
   are bold. Spaces PDFium invents for a wide gap are dropped beside CJK characters (justified
   Chinese); Kangxi radicals that some fonts map their ideographs to become those ideographs;
   control characters and glyphs without a Unicode value are left out (a warning counts them).
2. Running heads and feet. A line in the top or bottom ``BAND`` of its page is left out when
   the same text, every run of digits read as one digit, stands at the same height on
   ``REPEAT_SHARE`` of the pages or more (two at least); so is a page number in its usual forms
   ("3", "- 3 -", "— 3 —", "第 3 页", "第3页 共20页", "3/20", "Page 3 of 20") among the two
   lines nearest the top or the bottom edge of a page.
3. Blocks. The body's type size is the commonest one; its left edge the smallest start that
   many lines share, its right edge where nine lines in ten end at most (odd and even pages
   apart), its line pitch the commonest distance between baselines. A line starts a new block
   (a paragraph, a heading) when
   - its size or weight differs from the end of the line before (a heading, a title);
   - it is centred and the line before did not fill the measure, or the line before was
     centred and this one is not (a title, a date line);
   - on the same page, it is more than 1.4 pitches below the line before (space between
     paragraphs), or not below it at all;
   - it starts 0.9 em or more right of the left edge (the first-line indent, 2 em in Chinese
     reports; a right-aligned signature);
   - the line before ended short of the right edge: by more than 2 em, or by more than this
     line's first word needs (a Latin word that would have fitted);
   - it starts with a heading number (一、 （一） 1. 第一章) and the line before ended a sentence.
   Otherwise it continues the block, over a page break too (the running head and foot in
   between are gone). So a numbered heading, short and unpunctuated, or set apart by size,
   weight or centring, stays a line of its own, as ``corpus.clean.is_heading`` expects.
4. Joining. A line joins the one before it directly where either side of the join is CJK (a
   Chinese line wraps without a space), with one space between Latin words; a word hyphenated
   at the line end ("infor-" + "mation") joins as the word.
5. Metadata. The title: the largest type among the first blocks of page 1 (1.2 times the body
   size or more; not the issuing body's masthead nor a document number), else a bold centred
   line at its top, else the PDF's /Title where it is a title (not a file name, "Microsoft Word
   - 文档1.docx" or "untitled"). The date only where the document prints it: a date line under
   the title ("2023年3月8日", "（2024年1月10日在……上）", "——2024年1月10日…") or under the
   signature at the end — never the PDF's CreationDate, which says when the file was made. The
   outlet: the issuing body printed as the masthead of page 1 ("某某市人民政府办公厅文件") or
   as the signature at the end; else None. As in the other readers, the blocks these come
   from are metadata, not lines of the text (``notes`` names them): at the top of page 1 the
   title, the masthead, the document number, the date line and short centred lines under the
   title (a subtitle, the speaker); at the end the issuing body, the date it signs with and a
   remark after them ("（此件公开发布）").
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from briefbook.core.chars import BIDI_CONTROLS, FULL_WIDTH, LINE_SEPARATORS, ZERO_WIDTH
from briefbook.core.errors import BriefbookError
from briefbook.corpus.formats import Extracted, FileMetadata
from briefbook.corpus.formats.printed import ISSUER as _ISSUER
from briefbook.corpus.formats.printed import ascii_digits as _ascii_digits
from briefbook.corpus.formats.printed import date_line, signature_at_end
from briefbook.corpus.sources import MAX_ARTICLE_BYTES

#: Most pages read; a PDF with more is refused before any page is read.
MAX_PAGES = 2_000
#: Most text (UTF-8 bytes) an article may hold: the corpus reader's own limit.
MAX_TEXT_BYTES = MAX_ARTICLE_BYTES
#: Share of the page height at its top and bottom where running heads, feet and numbers stand.
BAND = 0.12
#: Share of the pages a running head or foot stands on, at least.
REPEAT_SHARE = 0.4

_OCR_HINT = ("run OCR first, e.g. `ocrmypdf -l chi_sim+eng report.pdf report-ocr.pdf`, and "
             "ingest the result; or save the report's text as a .txt file and ingest that")


@dataclass(frozen=True)
class Line:
    """One printed line of a page."""

    page: int          # 1-based
    text: str
    y: float           # baseline, points from the page's bottom
    x0: float          # where the first character starts
    x1: float          # where the last character ends
    em: float          # type size of the first character, in points
    end_em: float      # … of the last character
    bold: bool         # the first character is bold
    end_bold: bool     # the last character is bold


@dataclass(frozen=True)
class Layout:
    """The body text's measures: size, line pitch, edges (even, odd pages) and the commonest
    first-line indent (None: the paragraphs are not indented)."""

    size: float
    pitch: float
    left: tuple[float, float]
    right: tuple[float, float]
    indent: float | None = None

    def edges(self, page: int) -> tuple[float, float]:
        return self.left[page % 2], self.right[page % 2]


@dataclass(frozen=True)
class Block:
    """A paragraph or heading: its lines and their joined text."""

    lines: tuple[Line, ...]
    text: str

    @property
    def pages(self) -> tuple[int, int]:
        return self.lines[0].page, self.lines[-1].page

    @property
    def em(self) -> float:
        return max(line.em for line in self.lines)


@dataclass(frozen=True)
class _Page:
    number: int
    bottom: float
    top: float
    lines: tuple[Line, ...]
    images: bool       # no text but an image (a scanned page)


@dataclass
class _Tally:
    """Characters changed or left out while reading, for the notes and warnings."""

    radicals: int = 0
    controls: int = 0
    unmapped: int = 0
    unmapped_pages: set[int] = dataclasses.field(default_factory=set)
    chars: int = 0


# --- the entry point ---------------------------------------------------------------------------

def read_pdf(data: bytes, where: str, *, max_pages: int = MAX_PAGES,
             max_bytes: int = MAX_TEXT_BYTES) -> Extracted:
    """The article in the PDF ``data`` (the module's docstring gives the rules)."""
    tally = _Tally()
    doc = _open(data, where)
    try:
        count = len(doc)
        if count == 0:
            raise BriefbookError("the PDF has no pages", where=where,
                                 hint="the file may be damaged: download or export it again")
        if count > max_pages:
            raise BriefbookError(
                f"the PDF has {count:,} pages; the limit is {max_pages:,}", where=where,
                hint="an article is a report of a few hundred pages at most: take the part you "
                     "need, e.g. `qpdf report.pdf --pages . 1-200 -- part.pdf`, and ingest that")
        pages = [_read_page(doc, i, where, tally, max_bytes) for i in range(count)]
        info_title = _info_title(doc)
    finally:
        doc.close()
    if tally.chars == 0:
        if any(page.images for page in pages):
            raise BriefbookError(f"the PDF has no text layer: it is a scan ({count} page(s) of "
                                 "images)", where=where, hint=_OCR_HINT)
        raise BriefbookError(f"the PDF has no text: its {count} page(s) are blank or draw "
                             "their text as shapes", where=where, hint=_OCR_HINT)
    dropped, notes = _furniture(pages)
    body = [line for page in pages for i, line in enumerate(page.lines)
            if (page.number, i) not in dropped]
    if not body:
        raise BriefbookError("the PDF's only text is running heads and page numbers",
                             where=where, hint=_OCR_HINT)
    layout = measure(body)
    blocks = blocks_of(body, layout)
    printed = find_printed(blocks, layout, info_title)
    kept = blocks[printed.front:len(blocks) - printed.back]
    text = "\n\n".join(block.text for block in kept)
    if len(text.encode("utf-8")) > max_bytes:
        raise _too_much(where, max_bytes)
    return Extracted(text=text, format="pdf", metadata=printed.metadata, origins=origins(kept),
                     notes=(f"read {count} page(s) with PDFium", *notes, *printed.notes,
                            *_block_notes(kept, tally)),
                     warnings=(*_warnings(pages, tally), *printed.warnings))


def _open(data: bytes, where: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise BriefbookError(
                "the PDF is encrypted and needs a password to open", where=where,
                hint="save an unprotected copy (e.g. `qpdf --password=PASSWORD --decrypt "
                     "report.pdf plain.pdf`) and ingest that") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise BriefbookError("the PDF is protected by a security handler PDFium cannot "
                                 "open", where=where, hint="print it to a new PDF in the "
                                 "program that opens it, and ingest that") from None
        raise BriefbookError(f"not a readable PDF: it is damaged or truncated ({exc})",
                             where=where, hint="download or export it again; if a viewer still "
                             "opens it, print it to a new PDF and ingest that") from None


def _too_much(where: str, max_bytes: int) -> BriefbookError:
    return BriefbookError(f"the PDF holds more than {max_bytes:,} bytes of text, the limit of "
                          "one article", where=where,
                          hint="split it (e.g. `qpdf report.pdf --pages . 1-100 -- part.pdf`) "
                               "and ingest the parts as separate articles")


# --- 1. lines ------------------------------------------------------------------------------------

def _read_page(doc: pdfium.PdfDocument, index: int, where: str, tally: _Tally,
               max_bytes: int) -> _Page:
    """One page's lines (PDFium's order); its characters count against ``max_bytes``."""
    try:
        page = doc[index]
    except pdfium.PdfiumError as exc:
        raise BriefbookError(f"page {index + 1} cannot be read ({exc}): the file is damaged "
                             "or truncated", where=where,
                             hint="download or export it again") from None
    try:
        _left, bottom, _right, top = page.get_bbox()
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            if tally.chars + max(count, 0) > max_bytes:
                raise _too_much(where, max_bytes)
            lines = _lines(textpage, count, index + 1, tally) if count > 0 else []
        finally:
            textpage.close()
        images = not lines and _has_images(page)
    except pdfium.PdfiumError as exc:
        raise BriefbookError(f"page {index + 1} cannot be read ({exc})", where=where,
                             hint="download or export it again") from None
    finally:
        page.close()
    return _Page(index + 1, float(bottom), float(top), tuple(_merge_pieces(lines)), images)


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE],
                                              max_depth=2))


#: PDFium's marks for a hyphen at a line's end (GetUnicode gives 2, GetText gives U+FFFE).
_HYPHEN_MARKS = frozenset("\x02\ufffe")
_BLANK_UNITS = frozenset(["", " ", "\t", "\u3000", "\xa0"])
_GENERATED = "\x00"  # a space PDFium made up for a gap; kept only between Latin characters


def _units(textpage: pdfium.PdfTextPage, count: int) -> list[str]:
    """One string per PDFium character index (a character outside the BMP takes two
    indexes: the first holds it, the second is empty)."""
    units: list[str] = []
    for char in textpage.get_text_range(0, count):
        units.append(char)
        if ord(char) > 0xFFFF:
            units.append("")
    if len(units) == count:
        return units
    # GetText dropped or merged something: read each index (slower, exact)
    codes = [pdfium_c.FPDFText_GetUnicode(textpage, i) for i in range(count)]
    units = []
    for i, code in enumerate(codes):
        if 0xD800 <= code < 0xDC00 and i + 1 < count and 0xDC00 <= codes[i + 1] < 0xE000:
            units.append(chr(0x10000 + ((code - 0xD800) << 10) + (codes[i + 1] - 0xDC00)))
        elif 0xDC00 <= code < 0xE000 and i and 0xD800 <= codes[i - 1] < 0xDC00:
            units.append("")
        else:
            units.append(chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else "")
    return units


def _spans(units: Sequence[str]) -> Iterator[tuple[int, int]]:
    """Each line's index range: PDFium ends a line with CR LF, or after a line-end hyphen."""
    start = 0
    for i, unit in enumerate(units):
        if unit in ("\r", "\n"):
            if i > start:
                yield start, i
            start = i + 1
        elif unit in _HYPHEN_MARKS:
            yield start, i + 1
            start = i + 1
    if start < len(units):
        yield start, len(units)


def _lines(textpage: pdfium.PdfTextPage, count: int, number: int, tally: _Tally) -> list[Line]:
    units = _units(textpage, count)
    lines = []
    for start, end in _spans(units):
        line = _line(textpage, units, start, end, number, tally)
        if line is not None:
            lines.append(line)
    return lines


def _line(textpage: pdfium.PdfTextPage, units: Sequence[str], start: int, end: int,
          number: int, tally: _Tally) -> Line | None:
    first, last = start, end - 1
    while first <= last and units[first] in _BLANK_UNITS:
        first += 1
    while last >= first and units[last] in _BLANK_UNITS:
        last -= 1
    if first > last:
        return None
    chars = [_made_up(textpage, i) if unit == " " else unit
             for i, unit in enumerate(units[first:last + 1], start=first)]
    text = _clean(chars, number, tally)
    if not text:
        return None
    tally.chars += len(text)
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(textpage, first, x, y)
    return Line(page=number, text=text, y=y.value, x0=_box(textpage, first).left,
                x1=_box(textpage, last).right, em=_em(textpage, first),
                end_em=_em(textpage, last), bold=_bold(textpage, first),
                end_bold=_bold(textpage, last))


def _made_up(textpage: pdfium.PdfTextPage, index: int) -> str:
    """A space in the text: ``_GENERATED`` if PDFium made it up for a gap narrower than 1 em
    (justified text: dropped beside CJK), else a space (one the PDF has, or a wide gap
    between the cells of a table or the two sides of a running head)."""
    if pdfium_c.FPDFText_IsGenerated(textpage, index) != 1:
        return " "
    gap = _box(textpage, index + 1).left - _box(textpage, index - 1).right
    return " " if gap > _em(textpage, index - 1) else _GENERATED


def _box(textpage: pdfium.PdfTextPage, index: int) -> pdfium_c.FS_RECTF:
    """The character's advance box (its origin to its advance, the font's ascent to
    descent), not the glyph's ink."""
    rect = pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(textpage, index, rect)
    return rect


def _em(textpage: pdfium.PdfTextPage, index: int) -> float:
    """The type size in points: the font size scaled by the character's matrix (WeasyPrint
    sets 16 px type as size 16 under a 0.75 scale)."""
    size = pdfium_c.FPDFText_GetFontSize(textpage, index)
    matrix = pdfium_c.FS_MATRIX()
    if pdfium_c.FPDFText_GetMatrix(textpage, index, matrix):
        size *= math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
    return size if math.isfinite(size) and size > 0.1 else 1.0


_BOLD_NAME = re.compile(r"bold|black|heavy|demi", re.IGNORECASE)


def _bold(textpage: pdfium.PdfTextPage, index: int) -> bool:
    """Bold: a weight of 600 or more, or a font named so ("…-Bold", "SimSun,Bold")."""
    if pdfium_c.FPDFText_GetFontWeight(textpage, index) >= 600:
        return True
    buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage, index, buffer, len(buffer), flags)
    return bool(_BOLD_NAME.search(buffer.value.decode("latin-1").split("+", 1)[-1]))


_INVISIBLE = BIDI_CONTROLS | LINE_SEPARATORS | ZERO_WIDTH | {"\u00ad", "\ufeff"}
_CJK = re.compile(f"[{FULL_WIDTH}]")


def is_cjk(char: str) -> bool:
    """Set on the em square (Han, CJK and full-width punctuation, “ ” — …): no space beside."""
    return bool(_CJK.fullmatch(char))


#: What needs a look before a line's text is taken as it is: PDFium's marks (a made-up space,
#: the line-end hyphen), controls, no-break and soft hyphens, Kangxi radicals, private-use and
#: unmapped glyphs, surrogates, invisible characters.
_SPECIAL = re.compile("[\x00-\x1f\x7f-\x9f\xa0\xad\u2f00-\u2fd5\ud800-\udfff\ue000-\uf8ff"
                      "\ufffd-\uffff\U000f0000-\U0010ffff"
                      + "".join(sorted(_INVISIBLE)) + "]")


def _clean(chars: Sequence[str], page: int, tally: _Tally) -> str:
    """The line's text: PDFium's line-end hyphen as "-", made-up spaces beside CJK dropped,
    Kangxi radicals as ideographs, controls and unmapped glyphs left out, spaces collapsed."""
    text = "".join(chars)
    if _SPECIAL.search(text) is None:
        return _tidy(text)
    out = [_GENERATED if char == _GENERATED else _mapped(char, page, tally) for char in chars]
    following = [""] * len(out)  # the next character that is not a made-up space
    after = ""
    for i in range(len(out) - 1, -1, -1):
        following[i] = after
        if out[i] and out[i] != _GENERATED:
            after = out[i]
    kept: list[str] = []
    for i, char in enumerate(out):
        if char != _GENERATED:
            if char:
                kept.append(char)
        elif kept and following[i] and not is_cjk(kept[-1][-1]) and not is_cjk(following[i][0]):
            kept.append(" ")
    return _tidy("".join(kept))


def _mapped(char: str, page: int, tally: _Tally) -> str:
    """One character as the text has it ("" for one left out)."""
    if char in _HYPHEN_MARKS:
        return "-"
    if "\u2f00" <= char <= "\u2fd5":
        tally.radicals += 1
        return unicodedata.normalize("NFKC", char)
    if char in "\t\xa0":
        return " "
    if char == "\ufffd" or unicodedata.category(char) == "Co":
        tally.unmapped += 1
        tally.unmapped_pages.add(page)
        return ""
    if char in _INVISIBLE or unicodedata.category(char) in ("Cc", "Cs", "Cn"):
        tally.controls += 1
        return ""
    return char


def _tidy(text: str) -> str:
    return re.sub(" {2,}", " ", text).strip(" \u3000")


def _merge_pieces(lines: Sequence[Line]) -> list[Line]:
    """Pieces of one printed line that PDFium gave as lines of their own (drawn apart, on the
    same baseline, left to right) joined: a space between them where the gap is wide."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (prev is None or abs(line.y - prev.y) >= 0.3 * max(prev.end_em, line.em)
                or line.x0 < prev.x1 - 0.5 or prev.text.endswith("-")):
            out.append(line)
            continue
        gap = line.x0 - prev.x1
        spaced = gap > line.em or (gap > 0.2 * line.em and not is_cjk(prev.text[-1])
                                   and not is_cjk(line.text[0]))
        out[-1] = dataclasses.replace(prev, text=prev.text + (" " if spaced else "") + line.text,
                                      x1=line.x1, end_em=line.end_em, end_bold=line.end_bold)
    return out


# --- 2. running heads, feet and page numbers ---------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"[-–—―~·•]*(?:\d{1,4}|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))[-–—―~·•]*"
    r"|第\d{1,4}页(?:[,，、/]?共\d{1,4}页)?|共\d{1,4}页[,，、/]?第\d{1,4}页"
    r"|\d{1,4}/\d{1,4}|(?:page|p\.?)\d{1,4}(?:(?:of|/)\d{1,4})?", re.IGNORECASE)


def is_page_number(text: str) -> bool:
    """A page number as reports print it: "3", "- 3 -", "— 3 —", "第 3 页", "第3页 共20页",
    "3/20", "Page 3 of 20", "iv"."""
    return bool(_PAGE_NUMBER.fullmatch(re.sub(r"\s+", "", _ascii_digits(text))))


def furniture_key(text: str) -> str:
    """What running heads are compared by: spaces out, each run of digits as one 0."""
    return re.sub(r"\d+", "0", re.sub(r"\s+", "", _ascii_digits(text)))




@dataclass(frozen=True)
class _Spot:
    page: int
    index: int
    y: float
    text: str


def _furniture(pages: Sequence[_Page]) -> tuple[set[tuple[int, int]], list[str]]:
    """The (page, line index) of every running head, foot and page number, and notes on them."""
    with_text = [page for page in pages if page.lines]
    need = max(2, math.ceil(REPEAT_SHARE * len(with_text)))
    dropped: set[tuple[int, int]] = set()
    numbers: list[str] = []
    spots: dict[tuple[str, str], list[_Spot]] = {}
    for page in with_text:
        band = BAND * (page.top - page.bottom)
        order = sorted(range(len(page.lines)), key=lambda i: -page.lines[i].y)
        heads = [i for i in order[:3] if page.lines[i].y >= page.top - band]
        feet = [i for i in order[-3:] if page.lines[i].y <= page.bottom + band]
        for i in dict.fromkeys(heads[:2] + feet[-2:]):
            if is_page_number(page.lines[i].text):
                dropped.add((page.number, i))
                numbers.append(page.lines[i].text)
        for where, indexes in (("head", heads), ("foot", feet)):
            for i in indexes:
                if (page.number, i) not in dropped:
                    line = page.lines[i]
                    spots.setdefault((where, furniture_key(line.text)), []).append(
                        _Spot(page.number, i, line.y, line.text))
    notes = []
    for (where, _key), found in spots.items():
        middle = sorted(s.y for s in found)[len(found) // 2]
        level = [s for s in found if abs(s.y - middle) <= 6.0]
        if len({s.page for s in level}) >= need:
            dropped |= {(s.page, s.index) for s in level}
            notes.append(f"left out the running {where} “{level[0].text}” "
                         f"({len({s.page for s in level})} pages)")
    if numbers:
        notes.append(f"left out the page numbers ({len(numbers)} pages, e.g. “{numbers[0]}”)")
    return dropped, notes


# --- 3. blocks ---------------------------------------------------------------------------------

def measure(lines: Sequence[Line]) -> Layout:
    """The body text's size, pitch and edges (see the module's docstring)."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.em, 1)] += len(line.text)
    size = sizes.most_common(1)[0][0]
    body = [line for line in lines if abs(line.em - size) <= 0.1 * size] or list(lines)
    pitches: Counter[float] = Counter()
    for prev, cur in zip(body, body[1:], strict=False):
        drop = prev.y - cur.y
        if prev.page == cur.page and 0.9 * size < drop < 3 * size:
            pitches[round(drop * 2) / 2] += 1
    pitch = pitches.most_common(1)[0][0] if pitches else 1.5 * size
    lefts, rights = [], []
    for parity in (0, 1):
        side = [line for line in body if line.page % 2 == parity] or body
        lefts.append(_shared_least([line.x0 for line in side]))
        ends = sorted(line.x1 for line in side)
        rights.append(ends[int(0.9 * (len(ends) - 1))])
    indents = Counter(round(line.x0 - lefts[line.page % 2]) for line in body
                      if 0.5 * size < line.x0 - lefts[line.page % 2] < 4 * size)
    indent = indents.most_common(1)[0] if indents else None
    return Layout(size=size, pitch=pitch, left=(lefts[0], lefts[1]),
                  right=(rights[0], rights[1]),
                  indent=float(indent[0]) if indent and indent[1] >= 2 else None)


def _shared_least(values: Sequence[float]) -> float:
    """The smallest value (to the point) that many lines share: a tenth of them, two at
    least; else the smallest."""
    counts = Counter(round(v) for v in values)
    need = max(2, math.ceil(0.1 * len(values)))
    shared = [v for v, n in counts.items() if n >= need]
    if not shared:
        return min(values)
    least = min(shared)
    return min(v for v in values if round(v) == least)


_NUMBERED = re.compile(r"(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[）)]"
                       r"|\d{1,2}[.．、](?!\d)|第[一二三四五六七八九十百\d]+[章节部分篇条])")
_SENTENCE_END = tuple("。！？；：!?;:")
_LATIN_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f'’.,%\-]+")


def centred(line: Line, layout: Layout) -> bool:
    """Set in the middle of the measure, with more than 1 em free on each side, and not where
    the paragraphs' first lines start (a short first line ends near the middle too)."""
    left, right = layout.edges(line.page)
    if layout.indent is not None and abs(line.x0 - left - layout.indent) <= 1.5:
        return False
    return (line.x0 - left > line.em and right - line.x1 > line.em
            and abs((line.x0 + line.x1) / 2 - (left + right) / 2) < 0.75 * line.em)


def starts_block(prev: Line, cur: Line, layout: Layout) -> bool:
    """Whether ``cur`` starts a new paragraph or heading after ``prev`` (the rules of the
    module's docstring, in its order)."""
    if abs(prev.end_em - cur.em) > 0.12 * max(prev.end_em, cur.em) or prev.end_bold != cur.bold:
        return True
    if cur.page == prev.page:
        drop = prev.y - cur.y
        if drop < 0.5 * cur.em or drop > 1.4 * layout.pitch * max(prev.end_em,
                                                                   cur.em) / layout.size:
            return True
    left, right = layout.edges(cur.page)
    prev_left, prev_right = layout.edges(prev.page)
    if centred(cur, layout):
        filled = prev_right - prev.x1 <= 2 * prev.end_em
        return not (filled and (prev.x0 - prev_left < cur.em or centred(prev, layout)))
    if centred(prev, layout) or cur.x0 - left >= 0.9 * cur.em:
        return True
    word = _LATIN_WORD.match(cur.text)
    needs = (0.55 * len(word.group()) if word else 1.0) + 1.0
    if prev_right - prev.x1 > max(2.0, needs) * prev.end_em:
        return True
    return bool(_NUMBERED.match(cur.text)) and prev.text.endswith(_SENTENCE_END)


def blocks_of(lines: Sequence[Line], layout: Layout) -> list[Block]:
    """The body lines grouped into blocks, each block's text joined."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and not starts_block(groups[-1][-1], line, layout):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [Block(tuple(group), join_lines([line.text for line in group])) for group in groups]


_WORD_BREAK = re.compile(r"[A-Za-z\u00c0-\u024f][-\u2010]$")


def join_lines(texts: Sequence[str]) -> str:
    """Lines of one block as one line: directly where either side is CJK, with a space between
    Latin words, a word hyphenated at the line end as the word ("infor-" + "mation")."""
    out = texts[0]
    for text in texts[1:]:
        if _WORD_BREAK.search(out) and text[:1].isalpha() and text[:1].islower():
            out = out[:-1] + text
        elif is_cjk(out[-1]) or is_cjk(text[0]) or out.endswith(("-", "\u2010", "/")):
            out += text
        else:
            out += " " + text
    return out


def origins(blocks: Sequence[Block]) -> tuple[str, ...]:
    """One entry per line of the text: each block's page(s), "" for the blank lines."""
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        first, last = block.pages
        out.append(f"page {first}" if first == last else f"pages {first}–{last}")
    return tuple(out)


def _block_notes(blocks: Sequence[Block], tally: _Tally) -> list[str]:
    notes = []
    crossing = sum(1 for block in blocks if block.pages[0] != block.pages[1])
    if crossing:
        notes.append(f"joined {crossing} paragraph(s) over a page break")
    hyphens = sum(1 for block in blocks for prev, cur in zip(block.lines, block.lines[1:],
                                                               strict=False)
                  if _WORD_BREAK.search(prev.text) and cur.text[:1].islower())
    if hyphens:
        notes.append(f"joined {hyphens} word(s) hyphenated at a line end")
    if tally.radicals:
        notes.append(f"read {tally.radicals} Kangxi radical(s) as the ideographs they print")
    if tally.controls:
        notes.append(f"left out {tally.controls} control or invisible character(s)")
    return notes


def _warnings(pages: Sequence[_Page], tally: _Tally) -> tuple[str, ...]:
    warnings = []
    scanned = [page.number for page in pages if page.images]
    if scanned:
        warnings.append(f"page(s) {_ranges(scanned)} are images with no text (scanned?): their "
                        "text is not in the article; run OCR on the PDF (e.g. ocrmypdf) to "
                        "include it")
    if tally.unmapped:
        warnings.append(f"{tally.unmapped} character(s) on page(s) "
                        f"{_ranges(sorted(tally.unmapped_pages))} have no Unicode value in the "
                        "PDF's fonts and were left out: check the text against the PDF")
    return tuple(warnings)


def _ranges(numbers: Sequence[int]) -> str:
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


# --- 5. metadata -------------------------------------------------------------------------------

_DOC_NUMBER = re.compile(r"[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")


_JUNK_TITLE = re.compile(
    r"(?:microsoft (?:word|excel|powerpoint)\s*-|wps|untitled|无标题|新建|文档\s*\d*$"
    r"|document\s*\d*$|^\s*$)|\.(?:docx?|wps|pdf|txt|rtf|odt|xlsx?|pptx?|html?|indd|tmp)\s*$"
    r"|[\\/]", re.IGNORECASE)


def meaningful_title(value: str | None) -> bool:
    """Whether a PDF's /Title is a title: not empty, a file name or path, "Microsoft Word -
    文档1.docx", "untitled", "无标题", "Document1"."""
    value = (value or "").strip()
    return (len(value) >= 2 and not _JUNK_TITLE.search(value)
            and any(c.isalpha() for c in value))


def _title_like(text: str) -> bool:
    return (2 <= len(text) <= 100 and not text.endswith("。") and not _ISSUER.fullmatch(text)
            and not _DOC_NUMBER.search(text) and date_line(text) is None
            and not is_page_number(text))




@dataclass
class Printed:
    """The metadata the PDF prints, where, and the blocks that gave it: the title and the lines
    around it at the top of page 1 (``front`` blocks), the signature at the end (``back``)."""

    title: str | None = None
    date: dt.date | None = None
    outlet: str | None = None
    found_in: dict[str, str] = dataclasses.field(default_factory=dict)
    front: int = 0
    back: int = 0
    notes: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def metadata(self) -> FileMetadata:
        return FileMetadata(title=self.title, date=self.date, outlet=self.outlet,
                            found_in=dict(self.found_in))


def find_printed(blocks: Sequence[Block], layout: Layout, info_title: str | None) -> Printed:
    """The title, date and issuing body the PDF prints (the module's docstring, rule 5)."""
    printed = Printed()
    head = [block for block in blocks[:10] if block.pages[0] == 1]
    title_at = _printed_title(head, layout, printed)
    if title_at is None and meaningful_title(info_title):
        printed.title = (info_title or "").strip()
        printed.found_in["title"] = "the PDF's Title property"
    _front(blocks, layout, title_at, printed)
    _signature(blocks, printed)
    return printed


def _printed_title(head: Sequence[Block], layout: Layout, printed: Printed) -> int | None:
    """The index of the block the printed title is, or None."""
    large = [i for i, block in enumerate(head)
             if block.em >= 1.2 * layout.size and _title_like(block.text)]
    if large:
        at = max(large, key=lambda i: head[i].em)
        printed.found_in["title"] = "the largest type on page 1"
    else:
        at = next((i for i, block in enumerate(head[:3])
                   if all(line.bold for line in block.lines)
                   and centred(block.lines[-1], layout) and _title_like(block.text)), -1)
        if at < 0:
            return None
        printed.found_in["title"] = "the bold centred line at the top of page 1"
    printed.title = head[at].text
    return at


def _front(blocks: Sequence[Block], layout: Layout, title_at: int | None,
           printed: Printed) -> None:
    """The blocks at the top of page 1 that are metadata: the title, the masthead (the issuing
    body, "……文件"), the document number, date lines and, under a printed title, short centred
    lines (a subtitle, the speaker). Left out of the text when they give the title, a date or
    the outlet, and text is left after them."""
    count, gave = 0, False
    for i, block in enumerate(blocks[:8]):
        text = block.text
        issuer = _ISSUER.fullmatch(text)
        day = date_line(text)
        short_centred = (title_at is not None and centred(block.lines[0], layout)
                         and len(text) <= 60 and "。" not in text and not _NUMBERED.match(text))
        if block.pages[0] != 1 or not (i == title_at or issuer or day or short_centred
                                       or (_DOC_NUMBER.search(text) and len(text) <= 30)):
            break
        count, gave = i + 1, gave or i == title_at or issuer is not None or day is not None
        if day is not None and printed.date is None:
            printed.date = day
            printed.found_in["date"] = ("the date line under the title on page 1"
                                        if title_at is not None and i > title_at
                                        else "the date line at the top of page 1")
        if issuer is not None and printed.outlet is None:
            printed.outlet = issuer["body"]
            printed.found_in["outlet"] = "the masthead of page 1"
    if gave and count < len(blocks):
        printed.front = count
        printed.notes.append("left out the title and the lines around it at the top of page 1 "
                             "(metadata, not text): "
                             + "; ".join(f"“{b.text}”" for b in blocks[:count]))


def _signature(blocks: Sequence[Block], printed: Printed) -> None:
    """The issuing body and date signing the document at its end, and a remark after them
    ("（此件公开发布）"): metadata, left out of the text (``printed.signature_at_end``)."""
    signature = signature_at_end([b.text for b in blocks], printed.front)
    if signature is None:
        return
    start, day = signature.start, signature.date
    where = f"(page {blocks[start + (signature.issuer is not None)].pages[0]})"  # the date line
    if printed.date is None:
        printed.date = day
        printed.found_in["date"] = f"the date it is signed with at its end {where}"
    elif printed.date != day:
        printed.warnings.append(f"the date at the top ({printed.date}) and the date it is signed "
                                f"with at its end ({day}) differ; the first is taken")
    if signature.issuer is not None and printed.outlet is None:
        printed.outlet = signature.issuer
        printed.found_in["outlet"] = f"the issuing body signing it at its end {where}"
    printed.back = len(blocks) - start
    printed.notes.append("left out the signature at the end (metadata, not text): "
                         + "; ".join(f"“{b.text}”" for b in blocks[start:]))


def _info_title(doc: pdfium.PdfDocument) -> str | None:
    try:
        return doc.get_metadata_value("Title") or None
    except (pdfium.PdfiumError, KeyError, ValueError):
        return None
