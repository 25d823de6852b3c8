"""Reading an article from a saved web page (``briefbook ingest page.html``).

Takes: the page's bytes as a browser saved them, and where they came from (for messages).
Gives: an ``Extracted`` — the article's main text, taken with trafilatura from the page
without its furniture (navigation, breadcrumbs, related links, comments, share widgets,
scripts, styles, footers); the headline, publication date and outlet with where each was
found; where each line of the text is in the page (``"<p> 3"``: the page's third ``<p>``;
``"<div> 7, line 2"``: the second ``<br>``-separated line of its seventh ``<div>``;
``"<table> 1, row 2"``; ``"<figcaption> 1"``; ``""`` for a blank line); notes on what was
left out. Or a ``BriefbookError`` naming the file: a page too large or nested too deep, or
one with no article text.

The text: one paragraph, subheading, caption or table row per line, a blank line between
blocks (paragraphs, headings, list items, tables). The headline is not repeated at the top
(it is the metadata's title), nor is the page's date/来源 line; lines the corpus's debris
rules name (``【字体：大 中 小】``, ``责任编辑：…``, ``分享到：…``, 版权所有 …) are dropped,
with a trailing list of related links after its 相关新闻 line.

* A table becomes one line per row, its header row included: the first cell, a full-width
  colon, the other cells joined by an ideographic space, and a closing 。 so that the corpus
  reads the row as a paragraph rather than a subheading:
  ``地区生产总值（亿元）：2356.8　12.4。`` (a one-cell row: the cell and 。). A table laid
  out around the page (a cell holding blocks, two ``<br>`` or a long text) is read as text.
* A caption is a line of its own: a ``<figcaption>``, or the paragraph under a picture
  (``图为……（记者 某某 摄）``).

The charset: a byte-order mark, else the charset the page declares (``<meta charset>``,
``http-equiv``; GB2312 and GBK are read as their superset GB18030, Big5 as Big5-HKSCS), else
UTF-8, else GB18030 or Big5-HKSCS if it reads as plausible Chinese. A page whose bytes are
not in the charset it declares is read in the one that reads them, with a warning. lxml is
handed the text as UTF-8 and told so: it never guesses.

The date: htmldate on the page's markup (``<meta>``, ``<time>``, JSON-LD), the original
publication date, not a modification; the text is not searched (a year in the copyright
line or the article is not the date); else the visible ``发布时间：2021年07月25日`` /
``2021-07-25 10:30 来源：…`` line under the headline; else None. The outlet: that line's
来源, else the site name (og:site_name …).

Pure and offline: no URL is passed, so neither library fetches anything; the same bytes give
the same result on any day (htmldate's latest date is fixed, not today).
"""

from __future__ import annotations

import bisect
import codecs
import dataclasses
import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.etree as etree
import lxml.html
import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document

from briefbook.core.chars import BIDI_CONTROLS, ZERO_WIDTH
from briefbook.core.errors import BriefbookError
from briefbook.corpus.clean import DEBRIS_RULES, TRAILING_BLOCK_RULES, debris_rule
from briefbook.corpus.encoding import PLAUSIBLE, share_common
from briefbook.corpus.formats import Extracted, FileMetadata
from briefbook.corpus.formats.printed import signature_at_end
from briefbook.corpus.header import parse_meta_line

#: Largest page read (trafilatura's own default limit).
MAX_HTML_BYTES = 20_000_000
#: Most elements a page may have: a 2 MB news page with heavy navigation has ~16,000, and
#: trafilatura's time grows faster than the count (~20 s for 60,000 on one core).
MAX_ELEMENTS = 60_000
#: htmldate's settings (see the module docstring).
DATES = (("original_date", True), ("extensive_search", False), ("min_date", "1995-01-01"),
         ("max_date", "2099-12-31"))
#: Lines of the page read for its date/来源 line, from the headline on.
INFO_LINES = 60
#: Page lines searched ahead of the last origin found for a line not found whole.
ORIGIN_WINDOW = 40

_KEY_DROP = re.compile(r"\s+")                         # \s takes in U+3000 and U+00A0
_RUN = re.compile(r"[ \t\r\n\f\v\u00a0\u2028\u2029]+")
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f"
                        + "".join(sorted(BIDI_CONTROLS | ZERO_WIDTH)) + "]")
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""",
                      re.IGNORECASE)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "ascii": "utf-8"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
#: Elements that are never article text: removed before trafilatura reads the page.
_FURNITURE = ("script", "style", "noscript", "template", "nav", "footer", "aside", "form",
              "iframe", "button", "select", "input", "textarea", "svg", "canvas", "object",
              "embed", "map")
_UNSEEN = ("script", "style", "noscript", "template")
#: Elements that end a line of the page's visible text.
_BLOCKS = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
                     "dd", "dt", "table", "tbody", "thead", "tfoot", "tr", "caption", "figure",
                     "figcaption", "blockquote", "pre", "section", "article", "main", "header",
                     "nav", "footer", "aside", "center", "address", "hr", "form", "body"))
_ROWS = ("tbody", "thead", "tfoot", "table")
#: A table cell holding one of these lays out the page.
_LAYOUT_INSIDE = frozenset(("div", "table", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5",
                            "h6", "form", "section", "article", "iframe"))
_BRACKETED = re.compile(r"【[^】]{0,20}】|\[[^\]]{0,20}\]")
_LABEL = re.compile(r"^([^：:\d\s]{2,6})\s*[：:]")

for _name in ("trafilatura", "htmldate", "readability", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class PageLine:
    """One line of the page's visible text, its words without spaces, and where it is."""

    text: str
    key: str
    label: str


@dataclass(frozen=True)
class Line:
    """One line of the article: its text, its block (a blank line between blocks) and its
    words without spaces (looked for among the page's lines)."""

    text: str
    block: int
    key: str


@dataclass(frozen=True)
class Info:
    """What the page's visible date/来源 line(s) under the headline say."""

    date: dt.date | None = None
    date_label: str = "the page's date line"
    source: str | None = None
    keys: frozenset[str] = frozenset()      # the lines' keys


def read_html(data: bytes, where: str) -> Extracted:
    """The article in a saved web page."""
    if len(data) > MAX_HTML_BYTES:
        raise BriefbookError(f"the page is {len(data):,} bytes; the limit for a web page is "
                             f"{MAX_HTML_BYTES:,}", where=where,
                             hint="save the page without its images (\"HTML only\"), or "
                                  "save the article's text as a .txt file")
    if not data.strip():
        raise BriefbookError("the page is empty", where=where)
    text, codec, warnings = decode_page(data, where)
    root = parse_page(text, where)
    metas = meta_tags(root)
    page = page_lines(root)
    headings = {tag: [_norm(h.text_content()) for h in root.iter(tag)] for tag in ("h1",
                                                                                  "title")}
    marks = date_marks(root, metas)
    document = main_text(root, where)
    metadata, info, more = page_metadata(document, metas, marks, page, headings)
    headlines = {_key(t) for t in (metadata.title or "", *headings["h1"])} - {""}
    lines, notes = tidy(article_lines(document.body), headlines, info)
    lines, metadata = without_signature(lines, metadata, notes)
    if not lines:
        raise _no_text(where)
    out, origins = written(lines, page)
    return Extracted(text=out, format="html", metadata=metadata, origins=tuple(origins),
                     notes=tuple(notes), warnings=(*warnings, *more), encoding=codec)


# --- bytes → text → tree -----------------------------------------------------------------


def declared_charset(data: bytes) -> tuple[str, str | None] | None:
    """The charset the page declares in its first 4 KB (``<meta charset>``, ``http-equiv``
    ``content="…; charset=…"``, an XML declaration): (as written, the Python codec read for
    it or None when Python has no text codec of that name); None when it declares none."""
    m = _CHARSET.search(data[:4096]) or re.search(
        rb"""^<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""", data[:200])
    if m is None:
        return None
    label = m[1].decode("ascii")
    try:
        name = codecs.lookup(label).name
        b"a".decode(name, errors="ignore")      # a non-text codec (base64 …) refuses here
    except LookupError:
        return label, None
    return label, _SUPERSETS.get(name, name)


def decode_page(data: bytes, where: str) -> tuple[str, str, list[str]]:
    """The page's text, the codec read (Python's name) and warnings (module docstring)."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return _replacing(data, bom_codec, "its byte-order mark")
    label, codec = declared_charset(data) or (None, None)
    if codec is not None and (text := _strict(data, codec)) is not None and (
            codec == "utf-8" or _strict(data, "utf-8") is None or text.isascii()
            or share_common(text) >= PLAUSIBLE):   # else UTF-8 bytes under a wrong label
        return text, codec, []
    detected = _detected(data)
    if detected is not None:
        warning = [f"the page declares charset {label} but its bytes are {detected}; read "
                   f"as {detected}"] if label else []
        return data.decode(detected), detected, warning
    return _replacing(data, codec or "utf-8", f"the page's charset {label}" if codec
                      else "no charset the page declares reads it")


def _detected(data: bytes) -> str | None:
    """UTF-8 if the bytes read as it; else GB18030 or Big5-HKSCS if one reads them as
    plausible Chinese; else None."""
    for codec in ("utf-8", "gb18030", "big5hkscs"):
        text = _strict(data, codec)
        if text is not None and (codec == "utf-8" or share_common(text) >= PLAUSIBLE):
            return codec
    return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _replacing(data: bytes, codec: str, why: str) -> tuple[str, str, list[str]]:
    """The bytes in ``codec`` (chosen by ``why``); any it cannot read become U+FFFD, with a
    warning naming the first."""
    name = codec.removesuffix("-sig")
    try:
        return data.decode(codec), name, []
    except UnicodeDecodeError as exc:
        first = exc.start
    text = data.decode(codec, errors="replace")
    return text, name, [f"bytes that {name} cannot read (chosen by {why}; the first at byte "
                        f"{first}) are written as \ufffd: check the text"]


def parse_page(text: str, where: str) -> HtmlElement:
    """The page's element tree, control characters left out (no text holds them, and XML
    cannot). libxml2 stops at 256 levels of nesting: such a page is refused, as is one of
    more than ``MAX_ELEMENTS`` elements or with no document."""
    text = _XML_UNSAFE.sub("", text)
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  no_network=True, huge_tree=False, default_doctype=False)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise BriefbookError(f"this is not a web page lxml can read ({exc})", where=where,
                             hint="open it in a browser and save it again") from None
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT" or "depth" in error.message.lower():
            raise BriefbookError("the page nests its elements too deeply (more than 255 "
                                 "levels, the limit of lxml's parser)", where=where,
                                 hint="this is not an ordinary article page; save the "
                                      "article's text as a .txt file instead")
    count = sum(1 for _ in root.iter())
    if count > MAX_ELEMENTS:
        raise BriefbookError(f"the page has {count:,} elements; the limit is "
                             f"{MAX_ELEMENTS:,}", where=where,
                             hint="save the article alone (a browser's reader view), or its "
                                  "text as a .txt file")
    return root


def meta_tags(root: HtmlElement) -> dict[str, tuple[str, str]]:
    """``<meta>`` contents by lower-cased property/name/itemprop: (content, the tag as a
    report names it, e.g. ``<meta property="og:title">``). The first of a name wins."""
    found: dict[str, tuple[str, str]] = {}
    for meta in root.iter("meta"):
        content = _norm(meta.get("content") or "")
        for attr in ("property", "name", "itemprop"):
            name = meta.get(attr)
            if name and content and name.lower() not in found:
                found[name.lower()] = (content, f'<meta {attr}="{name}">')
    return found


# --- the page's visible lines ------------------------------------------------------------


def page_lines(root: HtmlElement) -> list[PageLine]:
    """The page's visible text as lines, each labelled with its element: a block element or
    a ``<br>`` ends a line; a table row's cells share its line. One walk, linear in the
    page's size, scripts and styles skipped."""
    body = root.find("body")
    walker = _Walker()
    if body is None:
        return []
    events = etree.iterwalk(body, events=("start", "end"))
    for event, el in events:
        if not isinstance(el.tag, str):
            continue
        if event == "start" and el.tag in _UNSEEN:
            events.skip_subtree()
            walker.add(el.tail)
        elif event == "start":
            walker.start(el)
        elif el.tag not in _UNSEEN:
            walker.end(el)
    walker.flush()
    return walker.lines


@dataclass
class _Open:
    """A block element the walk is in: its label, its lines so far, its first line."""

    label: str
    taken: int = 0
    first: int = -1


class _Walker:
    """``page_lines``' walk: the open blocks, the count of each tag, the line so far."""

    def __init__(self) -> None:
        self.lines: list[PageLine] = []
        self.parts: list[str] = []
        self.counts: Counter[str] = Counter()
        self.open: list[_Open] = [_Open("<body>")]
        self.tables: list[list[int]] = []           # [table number, rows so far]

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def flush(self) -> None:
        text = _norm("".join(self.parts))
        self.parts.clear()
        if not (key := _key(text)):
            return
        block = self.open[-1]
        label = block.label
        if block.taken and not label.startswith("<table>"):
            if block.taken == 1:      # its first line, labelled before this one showed more
                first = self.lines[block.first]
                self.lines[block.first] = dataclasses.replace(first, label=f"{label}, line 1")
            label = f"{label}, line {block.taken + 1}"
        if not block.taken:
            block.first = len(self.lines)
        block.taken += 1
        self.lines.append(PageLine(text=text, key=key, label=label))

    def start(self, el: HtmlElement) -> None:
        tag = el.tag.lower()
        if tag == "br":
            self.flush()
        elif tag in ("td", "th"):
            self.parts.append("\u3000")
        elif tag in _BLOCKS:
            self.flush()
            self.counts[tag] += 1
            if tag == "table":
                self.tables.append([self.counts[tag], 0])
            elif tag == "tr" and self.tables:
                self.tables[-1][1] += 1
                number, rows = self.tables[-1]
                self.open.append(_Open(f"<table> {number}, row {rows}"))
            elif tag not in _ROWS:
                self.open.append(_Open(f"<{tag}> {self.counts[tag]}"))
        self.add(el.text)

    def end(self, el: HtmlElement) -> None:
        tag = el.tag.lower()
        if tag in _BLOCKS:
            self.flush()
            if tag == "table" and self.tables:
                self.tables.pop()
            elif tag not in _ROWS and len(self.open) > 1:
                self.open.pop()
        self.add(el.tail)


# --- the main text -----------------------------------------------------------------------


def main_text(root: HtmlElement, where: str) -> Document:
    """trafilatura's reading of the page, once stripped of its furniture (in place): a
    ``Document`` with its XML ``body`` (``p``, ``head``, ``table`` …), ``title``,
    ``sitename`` and ``date`` (htmldate with ``DATES``)."""
    strip_furniture(root)
    try:
        document = trafilatura.bare_extraction(
            root, url=None, favor_precision=True, include_comments=False,
            include_tables=True, include_images=False, include_formatting=False,
            include_links=False, deduplicate=False, with_metadata=True,
            date_extraction_params=dict(DATES), output_format="python")
    except RecursionError:
        raise BriefbookError("the page nests its elements too deeply to read", where=where,
                             hint="save the article's text as a .txt file instead") from None
    if not isinstance(document, Document) or document.body is None:
        raise _no_text(where)
    return document


def strip_furniture(root: HtmlElement) -> None:
    """Remove what is never article text (``_FURNITURE``; trafilatura removes most of it too,
    but not from the tree its fallback extractors read); ``<figure>`` becomes a div and
    ``<figcaption>`` a paragraph (trafilatura drops figures); a layout table becomes divs."""
    for el in list(root.iter(*_FURNITURE)):     # JSON-LD stays: htmldate reads its dates
        if (el.get("type") or "").lower() != "application/ld+json" and \
                el.getparent() is not None:
            el.drop_tree()
    etree.strip_tags(root, "span", "font")     # a CMS's style wrappers: text kept, less work
    for figure in root.iter("figure", "figcaption"):
        figure.tag = "div" if figure.tag == "figure" else "p"
    for table in reversed(list(root.iter("table"))):     # the innermost first
        if is_layout_table(table):
            for el in table.iter(*_ROWS, "tr", "td", "th", "caption"):
                el.tag = "div"


def is_layout_table(table: HtmlElement) -> bool:
    """A table that lays out the page rather than holding figures: a cell holds blocks
    (a div, a list, a heading, another table), two ``<br>`` or over 200 characters."""
    for cell in table.iter("td", "th"):
        if any(el.tag in _LAYOUT_INSIDE for el in cell.iterdescendants()):
            return True
        if sum(1 for _ in cell.iter("br")) >= 2 or len(cell.text_content()) > 200:
            return True
    return False


def article_lines(body: etree._Element) -> list[Line]:
    """The lines of trafilatura's body: a paragraph's ``<lb>`` ends a line (two begin a new
    block), a table gives one line per row (``table_row``), a list one per item; the
    paragraphs of a quote are read one by one; pictures give nothing."""
    lines: list[Line] = []
    _collect(body, lines)
    return lines


def _collect(parent: etree._Element, lines: list[Line]) -> None:
    for el in parent:
        block = (lines[-1].block if lines else 0) + 1
        if el.tag == "table":
            for row in el.iter("row"):
                cells = [c for c in (_norm(_text_of(cell)) for cell in row.iter("cell")) if c]
                if cells:
                    lines.append(Line(table_row(cells), block, "".join(map(_key, cells))))
        elif el.tag in ("quote", "div", "section") and any(
                child.tag in ("p", "head", "list", "table", "quote") for child in el):
            _collect(el, lines)
        elif el.tag != "graphic":
            for item in (el.iter("item") if el.tag == "list" else (el,)):
                for piece in _text_of(item).split("\n\n"):
                    lines.extend(Line(_norm(text), block, _key(text))
                                 for text in piece.split("\n") if _key(text))
                    block += 1


def table_row(cells: list[str]) -> str:
    """One table row as a line: ``首格：格二　格三。``."""
    first, *rest = cells
    line = f"{first}：{'　'.join(rest)}" if rest else first
    return line if line[-1] in "。！？" else line + "。"


def _text_of(el: etree._Element) -> str:
    """An element's text, ``<lb>`` as a line break."""
    parts = [el.text or ""]
    for child in el:
        parts += ["\n" if child.tag == "lb" else _text_of(child), child.tail or ""]
    return "".join(parts)


# --- metadata ----------------------------------------------------------------------------


def info_lines(page: list[PageLine], headline: str | None) -> Info:
    """The first date and 来源 the page's visible lines print from its headline on (from
    its top without one), within ``INFO_LINES`` lines: a line made only of header fields
    (``header.parse_meta_line``) once 【字体…】-style links are taken out, or failing that
    its parts between wide spaces or bars, one by one."""
    date: dt.date | None = None
    date_label, source = Info.date_label, None
    keys: set[str] = set()
    start = next((i for i, line in enumerate(page) if line.key == _key(headline or "")), 0)
    for line in page[start:start + INFO_LINES]:
        for part in _parts(line.text):
            meta = parse_meta_line(part)
            if meta is None:
                continue
            keys.add(line.key)
            if meta.date and date is None:
                date = meta.date
                label = _LABEL.match(part)
                date_label = f"the page's {label[1]} line" if label else date_label
            source = source or meta.source
        if date and source:
            break
    return Info(date, date_label, source, frozenset(keys))


def _parts(text: str) -> list[str]:
    cleaned = _norm(_BRACKETED.sub(" ", text))
    if len(cleaned) > 120:
        return []
    pieces = [_norm(p) for p in re.split(r"\s{2,}|\u3000|[|｜]", cleaned) if _key(p)]
    return [cleaned, *pieces] if len(pieces) > 1 else [cleaned]


_MODIFIED = frozenset(("article:modified_time", "og:updated_time", "lastmodified",
                       "last-modified", "datemodified", "dc.date.modified", "modified"))
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')


def date_marks(root: HtmlElement, metas: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """The markup that dates the page itself, as (value, how a report names it): its
    ``<meta>`` tags but those of a modification, ``<time>`` elements, JSON-LD's
    ``datePublished``. Read before the page is stripped (JSON-LD is in a script)."""
    marks = [(content, label) for name, (content, label) in metas.items()
             if name not in _MODIFIED]
    marks += [(t.get("datetime") or t.text_content(), "<time>") for t in root.iter("time")]
    for script in root.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            marks += [(m[1], 'JSON-LD "datePublished"')
                      for m in _JSON_LD_DATE.finditer(script.text[:100_000])]
    return marks


def page_metadata(document: Document, metas: dict[str, tuple[str, str]],
                  marks: list[tuple[str, str]], page: list[PageLine],
                  headings: dict[str, list[str]]) -> tuple[FileMetadata, Info, list[str]]:
    """Title, date and outlet (trafilatura's and htmldate's, or the page's date/来源 line),
    each with where it was found (``headings``: the texts of the page's ``<h1>`` and
    ``<title>``); the date/来源 line as read; warnings."""
    found: dict[str, str] = {}
    title = _norm(document.title or "") or None
    if title is not None:
        found["title"] = _meta_holding(title, metas, ("og:title", "twitter:title",
                                                      "articletitle", "title", "headline")) \
            or next((f"<{tag}>" for tag, texts in headings.items() if title in texts),
                    "the page's headline (trafilatura)")
    info = info_lines(page, title)
    date, where, warnings = page_date(document.date, marks, info)
    if where is not None:
        found["date"] = where
    outlet = info.source or _norm(document.sitename or "") or None
    if outlet is not None:
        found["outlet"] = "the page's 来源 line" if info.source else _meta_holding(
            outlet, metas, ("og:site_name", "sitename", "site_name", "application-name")) \
            or "the site name in the page's <title> (trafilatura)"
    return FileMetadata(title=title, date=date, outlet=outlet, found_in=found), info, warnings


def page_date(found: str | None, marks: list[tuple[str, str]], info: Info,
              ) -> tuple[dt.date | None, str | None, list[str]]:
    """The publication date, where it was found, and warnings: htmldate's (``found``) when
    a date mark (``date_marks``) or the visible date line holds it — a date htmldate took
    from elsewhere (a list of links, a sidebar) dates another article, and is not taken —
    else the visible date line's, else None."""
    date = dt.date.fromisoformat(found) if found else None
    where = next((label for value, label in marks if _holds_date(value, date)), None) \
        if date else None
    if date is not None and where is None and info.date == date:
        where = info.date_label
    warnings: list[str] = []
    if date is not None and where is None:
        warnings.append(f"htmldate dates the page {date} from neither a publication-date tag "
                        "nor its date line (a modification date? a list of links?); not "
                        "taken as its date")
        date = None
    if date is None:
        return info.date, info.date_label if info.date else None, warnings
    if info.date is not None and info.date != date:
        warnings.append(f"{where} gives {date} but {info.date_label} gives {info.date}; "
                        f"took {date}: check it")
    return date, where, warnings


def _meta_holding(value: str, metas: dict[str, tuple[str, str]], names: tuple[str, ...],
                  ) -> str | None:
    """The ``<meta>`` among ``names`` that holds ``value``, as a report names it."""
    return next((metas[n][1] for n in names if n in metas and metas[n][0] == value), None)


def _holds_date(value: str, date: dt.date | None) -> bool:
    """A date mark's value is ``date`` (its first three numbers: 2021-07-25T…, 2021/7/25)."""
    numbers = re.findall(r"\d+", value)[:3]
    return date is not None and [int(n) for n in numbers] == [date.year, date.month, date.day]


# --- tidying and writing -----------------------------------------------------------------


def tidy(lines: list[Line], headlines: set[str], info: Info) -> tuple[list[Line], list[str]]:
    """The article's lines without the headline (the title's or an ``<h1>``'s words:
    ``headlines``) and the date/来源 line at the top, and without the lines the corpus's
    debris rules name (a trailing list of related links after its heading); notes on what
    was left out."""
    notes: list[str] = []
    top = 0
    while top < len(lines) and lines[top].key in headlines | info.keys:
        what = "headline" if lines[top].key in headlines else "date/来源 line"
        notes.append(f"left out the {what} at the top: {lines[top].text[:40]}")
        top += 1
    rest = lines[top:]
    rules = [debris_rule(line.text, DEBRIS_RULES) for line in rest]
    ends = [rule is None and line.text[-1] in "。！？" for line, rule in zip(rest, rules,
                                                                          strict=True)]
    after = sum(ends)                    # lines after the current one that end a sentence
    kept: list[Line] = []
    dropped: Counter[str] = Counter()
    for i, (line, rule) in enumerate(zip(rest, rules, strict=True)):
        after -= ends[i]
        if rule is None:
            kept.append(line)
            continue
        dropped[rule] += 1
        if rule in TRAILING_BLOCK_RULES and after < 3:
            dropped[f"after {rule}"] += len(rest) - i - 1
            break
    if dropped:
        notes.append("left out page furniture (lines by debris rule): " + ", ".join(
            f"{rule} {n}" for rule, n in sorted(dropped.items())))
    return kept, notes


def without_signature(lines: list[Line], metadata: FileMetadata, notes: list[str]
                      ) -> tuple[list[Line], FileMetadata]:
    """The lines without a notice's closing signature (its issuing body and date: metadata,
    not text, as the PDF and Word readers have it); its date and issuer fill in what the
    page's head did not give. ``notes`` gets a line saying what was left out."""
    signed = signature_at_end([line.text for line in lines])
    if signed is None:
        return lines, metadata
    found = dict(metadata.found_in)
    date, outlet = metadata.date, metadata.outlet
    if date is None:
        date, found["date"] = signed.date, "the date the notice is signed with at its end"
    if outlet is None and signed.issuer:
        outlet, found["outlet"] = signed.issuer, "the issuing body signing it at its end"
    notes.append("left out the signature at the end (metadata, not text): "
                 + "; ".join(f"“{line.text}”" for line in lines[signed.start:]))
    return lines[:signed.start], dataclasses.replace(metadata, date=date, outlet=outlet,
                                                     found_in=found)


def written(lines: list[Line], page: list[PageLine]) -> tuple[str, list[str]]:
    """The text (a blank line between blocks) and each of its lines' origin."""
    out: list[str] = []
    origins: list[str] = []
    for n, (line, origin) in enumerate(zip(lines, origins_of(lines, page), strict=True)):
        if n and line.block != lines[n - 1].block:
            out.append("")
            origins.append("")
        out.append(line.text)
        origins.append(origin)
    return "\n".join(out), origins


def origins_of(lines: list[Line], page: list[PageLine]) -> Iterator[str]:
    """Where each line is in the page: the page line of the same words, the first after the
    last one found (or else the first anywhere); else, within ``ORIGIN_WINDOW`` lines ahead,
    one that holds its words; else ""."""
    at: dict[str, list[int]] = {}
    for i, p in enumerate(page):
        at.setdefault(p.key, []).append(i)
    pointer = 0
    for line in lines:
        places = at.get(line.key, [])
        after = bisect.bisect_left(places, pointer)
        match = places[after] if after < len(places) else places[0] if places else next(
            (i for i in range(pointer, min(len(page), pointer + ORIGIN_WINDOW))
             if line.key in page[i].key), None)
        if match is None:
            yield ""
        else:
            pointer = match + 1
            yield page[match].label


def _no_text(where: str) -> BriefbookError:
    return BriefbookError("no article text found in the page (it may be a list of links, a "
                          "page that loads its text with JavaScript, or a login page)",
                          where=where, hint="open the article itself and save it again, or "
                                            "copy its text into a .txt file")


def _norm(text: str) -> str:
    """Invisible characters (controls, bidi marks, zero-width spaces) out, runs of spaces
    and breaks as one space (ideographic spaces kept), the ends trimmed."""
    return _RUN.sub(" ", _INVISIBLE.sub("", text)).strip(" \u3000")


def _key(text: str) -> str:
    return _KEY_DROP.sub("", _INVISIBLE.sub("", text))
