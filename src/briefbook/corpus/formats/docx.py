"""Reading a Word file (.docx): its paragraphs, headings and tables as the article's plain text,
and the title, date and outlet the document prints (``briefbook ingest report.docx``).

Takes: the bytes of a .docx file (untrusted) and where they came from (for messages).
Gives: ``read_docx(data, where) -> Extracted`` (format "docx"), or a ``BriefbookError`` naming
the file and what to do.

The package is checked before python-docx parses any of it (``check_package``): a .docx is a
ZIP, so an old binary .doc, a password-protected file, an Excel or PowerPoint package, an .odt,
a plain ZIP or a damaged one is refused saying what it is; so is a package of more than
``MAX_MEMBERS`` members, one that declares more than ``MAX_UNPACKED`` bytes in all or an XML
part of more than ``MAX_XML_PART``, a member compressed other than by deflate (Word writes
nothing else; bzip2 and LZMA inflate without a bound per read), and XML with a DTD (Word never
writes one: it is how entity bombs and external entities get in). Every member is inflated
once through a bounded stream, which never yields more than the size the member declares (a
member that holds more fails its CRC: damaged). python-docx then parses with entities
unresolved (``resolve_entities=False``) and libxml2's depth and amplification limits.

The text (one line per paragraph, heading or table row; a blank line between blocks):

* Paragraphs of the body in order, content controls (``w:sdt``) unwrapped; text in runs,
  hyperlinks, fields' shown results and tracked insertions (deletions are left out). Empty
  paragraphs and paragraphs holding only page breaks give no line. A line break inside a
  paragraph (``w:br``) is layout: it is joined without a space beside Chinese text and with
  one space between Latin letters or digits. A tab is one space; edge spaces (typed
  indentation) are trimmed. Control characters and bidirectional overrides are dropped with a
  warning (the corpus refuses them).
* Headings stand on their own lines like every paragraph. A paragraph is a heading by its
  outline level (its own, else its style's) or by its style's name along the ``basedOn``
  chain: ``Heading 1``-``9`` / ``标题 1``-``9``; ``Title`` / ``标题`` is the title;
  ``Subtitle`` / ``副标题`` a subtitle. Numbered heads typed in Normal paragraphs (一、 and
  （一）) need no style: the corpus reads a short line without closing punctuation as a
  subheading. A run-in head (a bold （一）……。 opening its paragraph) stays in its paragraph.
* Tables: one line per row, written as a sentence so the corpus reads it as a paragraph and
  its figures reach the text: ``label：header value，header value。`` where the table has a
  header row (a first row of words over columns holding figures), else
  ``cell：cell，cell。``. A row of one cell (a title spanning the table) is a line as it is.
  Vertically merged cells repeat their text in each row they span; empty cells are left out.
* Left out, and said so in ``notes``: text boxes, footnotes and endnotes, comments, page
  headers and footers, and the paragraphs metadata was taken from (below). Paragraphs numbered
  by Word's automatic numbering are warned about: the number is not in their text.

Metadata, with where each was found (``FileMetadata.found_in``):

* Title: the first Title-style paragraph(s) among the first blocks; else the first paragraph,
  when it is the document's only level-1 heading and has no number (一、), or when it is
  centred, reads as a headline and is bold or set at least ``LARGE`` times the body's type
  size; else the core properties' title when it is meaningful (Chinese, not 文档1 /
  Document1 / a file name). A printed title is not a line of the text.
* Date: only a date the document prints: a date line under the title (``2023年3月8日``, a
  ``发布日期：`` line, ``（2024年1月10日在……上）``, ``二〇二三年三月八日``) or the date the document
  is signed with at its end. Never the core properties' created or modified time.
* Outlet: a ``来源：`` line under the title, else the issuing body signing at the end (the line
  above the closing date, ending in 政府, 办公室, 局 …); else none.
* The lines under the title that give these (and a subtitle) and the signature at the end
  (issuer, date, a closing remark such as （此件公开发布）) are metadata, not lines of the text.

``origins``: for each line, "paragraph N" (N counts the body's paragraphs, empty ones too,
1-based; "paragraph N (heading L)" for headings) or "table T row R"; "" for blank lines.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import docx

from briefbook.core.chars import BIDI_CONTROLS, has_han, is_cjk
from briefbook.core.errors import BriefbookError
from briefbook.corpus.formats import Extracted, FileMetadata
from briefbook.corpus.header import parse_meta_line
from briefbook.corpus.sources import MAX_ARTICLE_BYTES

#: Most members a package may hold (a long report with images has a few hundred).
MAX_MEMBERS = 2_000
#: Most bytes all members may declare unpacked (images included).
MAX_UNPACKED = 400_000_000
#: Most bytes one XML part may declare unpacked (a document.xml holding 10 MB of text, the
#: corpus's limit for an article, is 12 MB and more, by how much formatting it carries).
MAX_XML_PART = 64_000_000
#: Most XML elements all parts may hold: each costs ~250 bytes once parsed and read (a file
#: at this limit, 85,000 paragraphs of 5 runs, took ~280 MB and 3-7 s on a loaded machine).
MAX_ELEMENTS = 1_000_000
#: Most paragraphs the document may hold, empty ones and those in tables included (the
#: corpus takes 50,000 paragraphs of text per article).
MAX_BLOCKS = 100_000
#: A first paragraph at least this many times the body's type size is set large.
LARGE = 1.25
#: How deep content controls and tables in cells are followed.
MAX_DEPTH = 32
_CHUNK = 1 << 16

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
Element = Any  # an lxml element (python-docx's classes); lxml has no type information


# --------------------------------------------------------------------------- the package

_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_DOCX = "open it in Word or WPS and save it as a Word document (.docx), then ingest that"
_DTD = tuple(mark.encode(codec) for mark in ("<!DOCTYPE", "<!ENTITY")
             for codec in ("utf-8", "utf-16-le", "utf-16-be"))
_KINDS = (  # (bytes in [Content_Types].xml, what the package is, hint)
    (b"wordprocessingml.document.main+xml", None, None),
    (b"ms-word.document.macroEnabled.main+xml", "a macro-enabled Word file (.docm)",
     _SAVE_DOCX),
    (b"wordprocessingml.template.main+xml", "a Word template (.dotx)", _SAVE_DOCX),
    (b"ms-word.template.macroEnabledTemplate.main+xml", "a Word template (.dotm)", _SAVE_DOCX),
    (b"spreadsheetml", "an Excel workbook", "ingest takes articles; put figures in the "
                                            "metrics catalog"),
    (b"presentationml", "a PowerPoint presentation", "save the article's text as .docx or .txt"),
)
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError,
               ValueError, NotImplementedError, RuntimeError)


def check_package(data: bytes, where: str) -> tuple[str, ...]:
    """Refuse what is not a readable, bounded Word package; gives the members' names."""
    _refuse_other_formats(data, where)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise BriefbookError(f"the file is damaged: it is not a readable ZIP archive ({exc})",
                             where=where, hint="open it in Word and save it again") from exc
    with zf:
        infos = zf.infolist()
        _check_directory(infos, where)
        _check_kind(zf, where)
        elements = 0
        for info in infos:
            elements += _inflate(zf, info, where)[1]
            if elements > MAX_ELEMENTS:
                raise BriefbookError(f"the document's XML holds over {MAX_ELEMENTS:,} "
                                     "elements", where=where,
                                     hint="split the document, or save the article as .txt")
    return tuple(info.filename for info in infos)


def _refuse_other_formats(data: bytes, where: str) -> None:
    if data.startswith(_CFB):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise BriefbookError("this Word file is password-protected", where=where,
                                 hint="open it in Word, remove the password (File › Info › "
                                      "Protect Document) and save it again as .docx")
        raise BriefbookError("this is an old .doc file (Word 97-2003); save it as .docx",
                             where=where, hint=_SAVE_DOCX)
    if data.lstrip()[:5] == b"{\\rtf":
        raise BriefbookError("this is a rich-text (.rtf) file, not a .docx", where=where,
                             hint=_SAVE_DOCX)
    if not data.startswith(b"PK\x03\x04"):
        raise BriefbookError("this is not a Word (.docx) file: it does not start as one",
                             where=where, hint="check that it is the file you meant; "
                                               + _SAVE_DOCX)


def _check_directory(infos: list[zipfile.ZipInfo], where: str) -> None:
    """Counts, declared sizes and compression methods, from the ZIP's directory alone."""
    if len(infos) > MAX_MEMBERS:
        raise BriefbookError(f"the file holds {len(infos):,} parts; a Word document holds a "
                             f"few dozen (the limit is {MAX_MEMBERS:,})", where=where,
                             hint="open it in Word and save it again, or save the article "
                                  "as plain text (.txt)")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNPACKED:
        raise BriefbookError(f"the file unpacks to {declared:,} bytes; the limit is "
                             f"{MAX_UNPACKED:,}", where=where,
                             hint="remove large images, or save the article as .txt")
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART:
            raise BriefbookError(f"{info.filename} unpacks to {info.file_size:,} bytes; the "
                                 f"limit is {MAX_XML_PART:,}", where=where,
                                 hint="split the document, or save the article as .txt")
        if info.flag_bits & 0x1:
            raise BriefbookError("the file's parts are encrypted", where=where,
                                 hint="save it again without a password")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BriefbookError(f"{info.filename} is compressed with method "
                                 f"{info.compress_type}, which Word never writes", where=where,
                                 hint="open it in Word and save it again")


def _check_kind(zf: zipfile.ZipFile, where: str) -> None:
    """A Word document, by its content types; else what the package is."""
    names = set(zf.namelist())
    if "[Content_Types].xml" not in names:
        what = ("an OpenDocument file (.odt)" if "mimetype" in names
                else "a ZIP archive, not a Word document")
        raise BriefbookError(f"this is {what}", where=where,
                             hint=_SAVE_DOCX if "mimetype" in names else
                             "unpack it and ingest the article inside")
    types = _inflate(zf, zf.getinfo("[Content_Types].xml"), where, keep=True)[0]
    for mark, kind, advice in _KINDS:
        if mark in types:
            if kind is None:
                return
            raise BriefbookError(f"this is {kind}, not a Word document", where=where,
                                 hint=advice)
    raise BriefbookError("this package holds no Word document (no word/document.xml part)",
                         where=where, hint="check that it is the file you meant")


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, *,
             keep: bool = False) -> tuple[bytes, int]:
    """One member through a bounded stream: refused when damaged, when it holds more than it
    declares, or (XML) when it declares a DTD. Gives its bytes if ``keep``, and (XML) about
    how many elements it holds (start tags: ``<`` less ``</``)."""
    xml = info.filename.lower().endswith((".xml", ".rels"))
    kept = bytearray()
    seen, tail, elements = 0, b"", 0
    try:
        with zf.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                seen += len(chunk)
                if seen > info.file_size:
                    raise BriefbookError(f"{info.filename} holds more than the "
                                         f"{info.file_size:,} bytes it declares", where=where,
                                         hint="the file is damaged or made to mislead; open "
                                              "it in Word and save it again")
                if xml and any(mark in tail + chunk for mark in _DTD):
                    raise BriefbookError(f"{info.filename} declares a DTD (<!DOCTYPE or "
                                         "<!ENTITY>), which Word never writes", where=where,
                                         hint="the file was not saved by Word; open it in "
                                              "Word and save it again")
                if xml:
                    elements += chunk.count(b"<") - chunk.count(b"</")
                tail = chunk[-32:]
                if keep:
                    kept += chunk
    except _ZIP_ERRORS as exc:
        raise BriefbookError(f"the file is damaged: {info.filename} cannot be unpacked "
                             f"({exc})", where=where,
                             hint="open it in Word and save it again") from exc
    return bytes(kept), elements


def _open(data: bytes, where: str) -> Any:
    """The python-docx Document, or a BriefbookError for whatever it cannot read."""
    try:
        return docx.Document(io.BytesIO(data))
    # the package is checked; anything python-docx still raises on this untrusted input
    # (damaged XML, a missing part, a wrong content type) is the file's fault, told plainly
    except Exception as exc:  # noqa: BLE001
        raise BriefbookError(f"python-docx cannot read this Word file: {exc}", where=where,
                             hint="open it in Word and save it again") from exc


# --------------------------------------------------------------------------- styles

@dataclass(frozen=True)
class _StyleInfo:
    """What a paragraph style gives its paragraphs (resolved along ``basedOn``)."""

    chain: tuple[Element, ...]   # the style and those it is based on, nearest first
    level: int | None            # heading_level's value for a paragraph of this style
    centred: bool
    numbered: bool


@dataclass
class _Styles:
    """The document's styles by id, its default paragraph style, its default run properties
    (``w:docDefaults``) and each paragraph style's resolved info (cached)."""

    by_id: dict[str, Element]
    default: str | None
    defaults: Element | None
    cache: dict[str | None, _StyleInfo] = field(default_factory=dict)

    def chain(self, style_id: str | None, *, fallback: bool = True) -> tuple[Element, ...]:
        """The style and those it is based on, nearest first (loops and depth bounded); a
        paragraph style not defined falls back to the default one."""
        out: list[Element] = []
        seen: set[str] = set()
        sid = style_id if style_id in self.by_id or not fallback else self.default
        while sid is not None and sid in self.by_id and sid not in seen and len(out) < 16:
            seen.add(sid)
            out.append(self.by_id[sid])
            sid = _val(_child(self.by_id[sid], "basedOn"))
        return tuple(out)

    def info(self, style_id: str | None) -> _StyleInfo:
        if style_id not in self.cache:
            chain = self.chain(style_id)
            self.cache[style_id] = _StyleInfo(
                chain, _style_level(chain),
                _val(_first(chain, "pPr", "jc")) == "center",
                _val(_first(chain, "pPr", "numPr", "numId")) not in (None, "0"))
        return self.cache[style_id]


def _styles(document: Any) -> _Styles:
    root = document.styles.element
    by_id = {s.get(f"{_W}styleId"): s for s in root.iterchildren(f"{_W}style")}
    default = next((sid for sid, s in by_id.items() if s.get(f"{_W}type") == "paragraph"
                    and _on(s.get(f"{_W}default"))), None)
    defaults = _child(root, "docDefaults", "rPrDefault", "rPr")
    return _Styles(by_id, default, defaults)


def _child(element: Element | None, *tags: str) -> Element | None:
    """``element``'s descendant by the path of w: tags, or None."""
    for tag in tags:
        if element is None:
            return None
        # iterchildren filters in C; find() would go through lxml's Python ElementPath
        element = next(element.iterchildren(_W + tag), None)
    return element


def _first(owners: tuple[Element, ...], *tags: str) -> Element | None:
    """The first of ``owners`` (nearest first) that has the path of w: tags: its element."""
    for owner in owners:
        found = _child(owner, *tags)
        if found is not None:
            return found
    return None


def _val(element: Element | None) -> str | None:
    return None if element is None else element.get(f"{_W}val")


def _int(value: str | None) -> int | None:
    """A small decimal attribute value (ASCII digits), else None."""
    return int(value) if value is not None and re.fullmatch(r"[0-9]{1,6}", value) else None


def _on(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


def _flag(element: Element | None) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``): None where it is not set."""
    if element is None:
        return None
    value = element.get(f"{_W}val")
    return value is None or value.lower() not in ("0", "false", "off")


_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TITLE_NAME = re.compile(r"^(?:title|标题)$", re.IGNORECASE)
_SUBTITLE_NAME = re.compile(r"^(?:subtitle|副标题)$", re.IGNORECASE)
SUBTITLE = -1  # the level a subtitle is given


def _style_level(chain: tuple[Element, ...]) -> int | None:
    """The level the nearest style that names or sets one gives: 0 for the title, 1-9 for a
    heading, ``SUBTITLE``; None for body text."""
    for style in chain:
        name = (_val(_child(style, "name")) or "").strip()
        if _TITLE_NAME.match(name):
            return 0
        if _SUBTITLE_NAME.match(name):
            return SUBTITLE
        if m := _HEADING_NAME.match(name):
            return int(m[1])
        level = _outline(_child(style, "pPr"))
        if level is not None:
            return level or None
    return None


def heading_level(p_pr: Element | None, style: _StyleInfo) -> int | None:
    """0 for the title, 1-9 for a heading, ``SUBTITLE``, or None for body text: the
    paragraph's own outline level, else its style's."""
    own = _outline(p_pr)
    if own is not None:
        return own or None
    return style.level


def _outline(p_pr: Element | None) -> int | None:
    """An outline level as a heading level (1-9), 0 for body text (level 9), None unset."""
    value = _int(_val(_child(p_pr, "outlineLvl")))
    if value is None:
        return None
    return value + 1 if value < 9 else 0


# --------------------------------------------------------------------------- paragraphs

@dataclass(frozen=True)
class _Para:
    number: int             # among the body's paragraphs, empty ones too (1-based)
    text: str
    level: int | None       # heading_level
    centred: bool = False
    numbered: bool = False  # Word's automatic numbering (the number is not in the text)
    element: Element = None  # the w:p, for its type (``type_of``), read only where needed
    style: _StyleInfo | None = None

    @property
    def origin(self) -> str:
        return f"paragraph {self.number}" + (f" (heading {self.level})" if self.level and
                                             self.level > 0 else "")


@dataclass(frozen=True)
class _Table:
    number: int
    rows: tuple[tuple[int, str], ...]   # (row number, line)
    folded_header: bool = False


Block = _Para | _Table


@dataclass
class _Tally:
    """What reading left out or changed, for the notes and warnings."""

    joined: int = 0           # line breaks inside paragraphs joined
    dropped: int = 0          # control characters dropped
    dropped_in: list[int] = field(default_factory=list)
    text_boxes: int = 0
    notes_refs: int = 0       # footnote and endnote references
    comments: int = 0
    too_deep: int = 0
    empty: int = 0            # empty paragraphs and page breaks
    read: int = 0             # paragraphs read, in tables too (bounded by MAX_BLOCKS)
    where: str = ""

    def count_paragraph(self) -> None:
        self.read += 1
        if self.read > MAX_BLOCKS:
            raise BriefbookError(f"the document has over {MAX_BLOCKS:,} paragraphs",
                                 where=self.where, hint="split it into several documents")


_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}noBreakHyphen": "-",
         f"{_W}br": "\n", f"{_W}cr": "\n"}
#: Containers whose text is not the paragraph's (deletions, a text box, the fallback copy of
#: content Word also gives in mc:Choice) and references to text kept elsewhere.
_LEFT_OUT = (f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", f"{_MC}Fallback",
             f"{_W}footnoteReference", f"{_W}endnoteReference", f"{_W}commentReference")
_TAGS = (*_TEXT, *_LEFT_OUT)
_BREAKS = re.compile("\r\n|[\r\n\v\f\x85\u2028\u2029]")
_TABS = re.compile(r"[ \t]*\t[ \t]*")
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")


def _pieces(p: Element, tally: _Tally) -> list[str]:
    """The paragraph's text in document order: "\\n" for a line break, "\\t" for a tab.
    One pass over the elements that matter (lxml filters the tags)."""
    out: list[str] = []
    skipped: list[Element] = []
    for element in p.iter(*_TAGS):
        if skipped and _inside(element, skipped, p):
            continue
        tag = element.tag
        if tag in _TEXT:
            piece = _TEXT[tag]
            if piece is None:
                out.append(element.text or "")
            elif piece != "\n" or element.get(f"{_W}type") in (None, "textWrapping"):
                out.append(piece)           # a page or column break is no line break
        elif tag == f"{_W}txbxContent":
            tally.text_boxes += 1
            skipped.append(element)
        elif tag in (f"{_W}footnoteReference", f"{_W}endnoteReference"):
            tally.notes_refs += 1
        elif tag == f"{_W}commentReference":
            tally.comments += 1
        else:
            skipped.append(element)
    return out


def _inside(element: Element, containers: list[Element], stop: Element) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if any(parent is c for c in containers):
            return True
        parent = parent.getparent()
    return False


def join_soft_breaks(text: str) -> tuple[str, int]:
    """A paragraph's lines as one: no space where either side is Chinese, else one space.
    Gives the text and how many breaks were joined."""
    parts = [part.strip(" \t\u3000\u00a0") for part in _BREAKS.split(text)]
    parts = [part for part in parts if part]
    if not parts:
        return "", 0
    out = parts[0]
    for part in parts[1:]:
        out += ("" if is_cjk(out[-1]) or is_cjk(part[0]) else " ") + part
    return out, len(parts) - 1


def paragraph_text(p: Element, tally: _Tally, number: int) -> str:
    """One paragraph as one line: breaks joined, tabs as spaces, controls dropped."""
    tally.count_paragraph()
    text, joined = join_soft_breaks("".join(_pieces(p, tally)))
    tally.joined += joined
    if "\t" in text:
        text = _TABS.sub(" ", text)
    text, dropped = _UNPRINTABLE.subn("", text)
    if dropped:
        tally.dropped += dropped
        if number:                  # 0: a paragraph in a table
            tally.dropped_in.append(number)
    return text


def _paragraph(p: Element, number: int, styles: _Styles, tally: _Tally) -> _Para:
    """The paragraph's line and, when it has text, what its style and properties make it."""
    text = paragraph_text(p, tally, number)
    if not text:
        return _Para(number, text, None)
    p_pr = _child(p, "pPr")
    style = styles.info(_val(_child(p_pr, "pStyle")))
    jc = _child(p_pr, "jc")
    num_id = _child(p_pr, "numPr", "numId")
    return _Para(number, text, heading_level(p_pr, style),
                 centred=_val(jc) == "center" if jc is not None else style.centred,
                 numbered=_val(num_id) != "0" if num_id is not None else style.numbered,
                 element=p, style=style)


def type_of(para: _Para, styles: _Styles) -> tuple[bool, float | None]:
    """Whether every run with text is bold, and the size (points) most characters are set
    in: the run's own, its character style's, its paragraph style's, the document's
    default (Word's 10 pt where none is set)."""
    sizes: Counter[float] = Counter()
    bold = True
    chain = para.style.chain if para.style is not None else ()
    for run in para.element.iter(f"{_W}r") if para.element is not None else ():
        chars = sum(len(t.text or "") for t in run.iterchildren(f"{_W}t"))
        if not chars:
            continue
        r_style = _val(_child(run, "rPr", "rStyle"))
        owners = (run, *(styles.chain(r_style, fallback=False) if r_style else ()), *chain)
        b = _first(owners, "rPr", "b")
        bold = bold and bool(_flag(b if b is not None else _child(styles.defaults, "b")))
        sz = _first(owners, "rPr", "sz")
        half_points = _int(_val(sz if sz is not None else _child(styles.defaults, "sz")))
        sizes[half_points / 2 if half_points else 10.0] += chars
    return bold and bool(sizes), sizes.most_common(1)[0][0] if sizes else None


# --------------------------------------------------------------------------- tables

_FIGURE = re.compile(r"^[-+−]?\d[\d,，]*(?:\.\d+)?\s*[%％‰]?$")


def _cell_text(tc: Element, styles: _Styles, tally: _Tally, depth: int) -> str:
    """A cell's paragraphs (and nested tables' rows) as one string."""
    parts: list[str] = []
    for kind, element in _blocks_in(tc, depth + 1, tally):
        if kind == "p":
            parts.append(paragraph_text(element, tally, 0))
        elif depth < MAX_DEPTH:
            parts.extend(line for _, line in _rows(element, styles, tally, depth + 1)[0])
        else:
            tally.too_deep += 1
    return " ".join(part for part in parts if part)


def _grid_rows(tbl: Element, styles: _Styles, tally: _Tally, depth: int) -> list[list[str]]:
    """Each row's cells' texts, a vertically merged cell repeating the text it continues."""
    above: dict[int, str] = {}
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        column = 0
        for tc in tr.iterchildren(f"{_W}tc"):
            tc_pr = _child(tc, "tcPr")
            span = _val(_child(tc_pr, "gridSpan"))
            merge = _child(tc_pr, "vMerge")
            if merge is not None and _val(merge) != "restart":
                text = above.get(column, "")
            else:
                text = _cell_text(tc, styles, tally, depth)
            above[column] = text
            cells.append(text)
            column += _int(span) or 1
        rows.append(cells)
    return rows


def _header(rows: list[list[str]]) -> int | None:
    """The index of the header row: the first row of two or more cells, when its cells after
    the first are words over columns that hold figures."""
    first = next((i for i, r in enumerate(rows) if sum(1 for c in r if c) >= 2), None)
    if first is None or first == len(rows) - 1:
        return None
    head = rows[first]
    if not all(head[1:]) or any(_FIGURE.match(c) for c in head):
        return None
    return first if any(_FIGURE.match(c) for r in rows[first + 1:] for c in r[1:]) else None


def row_line(cells: list[str], header: list[str] | None) -> str:
    """A table row as one sentence: ``label：header value，…。`` (see the module's rules)."""
    if header is not None and len(header) == len(cells):
        label = cells[0]
        parts = [f"{h} {c.rstrip('。；，、')}" if h else c for h, c in zip(header[1:], cells[1:],
                                                                            strict=True) if c]
    else:
        filled = [c for c in cells if c]
        label, parts = (filled[0], [c.rstrip("。；，、") for c in filled[1:]]) if filled \
            else ("", [])
    if not parts:
        return label
    line = (f"{label.rstrip('：:')}：" if label else "") + "，".join(parts)
    return line if line[-1] in "。！？" else line + "。"


def _rows(tbl: Element, styles: _Styles, tally: _Tally,
          depth: int) -> tuple[list[tuple[int, str]], bool]:
    """The table's lines (row number, text) and whether a header row was folded into them."""
    rows = _grid_rows(tbl, styles, tally, depth)
    head = _header(rows)
    out = []
    for n, cells in enumerate(rows):
        if n == head:
            continue
        line = row_line(cells, rows[head] if head is not None and n > head else None)
        if line:
            out.append((n + 1, line))
    return out, head is not None


# --------------------------------------------------------------------------- the body

def _blocks_in(parent: Element, depth: int, tally: _Tally) -> Iterator[tuple[str, Element]]:
    """("p" | "tbl", element) in order, content controls and custom XML unwrapped."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield "p", child
        elif tag == f"{_W}tbl":
            yield "tbl", child
        elif tag in (f"{_W}sdt", f"{_W}customXml"):
            inner = _child(child, "sdtContent") if tag == f"{_W}sdt" else child
            if inner is None:
                continue
            if depth >= MAX_DEPTH:
                tally.too_deep += 1
                continue
            yield from _blocks_in(inner, depth + 1, tally)


def body_blocks(document: Any, styles: _Styles, tally: _Tally, where: str) -> list[Block]:
    """The body's paragraphs with text, and its tables, in order."""
    blocks: list[Block] = []
    paragraphs = tables = 0
    size = 0
    for kind, element in _blocks_in(document.element.body, 0, tally):
        if kind == "p":
            paragraphs += 1
            para = _paragraph(element, paragraphs, styles, tally)
            if para.text:
                blocks.append(para)
            else:
                tally.empty += 1
            size += len(para.text.encode())
        else:
            tables += 1
            rows, folded = _rows(element, styles, tally, 0)
            if rows:
                blocks.append(_Table(tables, tuple(rows), folded))
            size += sum(len(line.encode()) for _, line in rows)
        if size > MAX_ARTICLE_BYTES:
            raise BriefbookError(f"the document's text is over {MAX_ARTICLE_BYTES:,} bytes, "
                                 "the limit for one article", where=where,
                                 hint="split it into several documents")
    return blocks


# --------------------------------------------------------------------------- metadata

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]"
                      r"|\d+[、.．]|第[一二三四五六七八九十\d]+[章节部分条])")
_ARABIC_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0,
                                                                     "O": 0, "０": 0}
_CN_DATE = re.compile(r"([〇零○ＯO０一二三四五六七八九]{4})\s*年"
                      r"\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_ISSUER = re.compile(r"^[\u3400-\u9fff（）()·、\s]{2,40}"
                     r"(?:人民政府|政府|办公室|办公厅|委员会|委|局|厅|部|院|中心|办事处|管委会"
                     r"|党委|党组|小组|指挥部|公司|集团|协会|联合会|学会|社)$")
_REMARK = re.compile(r"^[（(][^（）()]{2,30}[）)]$")
_HEADLINE_ENDS = "。；，、：,.;:"
#: How many blocks from the top a Title-style paragraph is looked for in.
HEAD_BLOCKS = 8
#: How many body paragraphs the body's type size is measured on.
SIZE_SAMPLE = 200


def _cn_number(text: str) -> int:
    tens, ten, ones = text.partition("十")
    if not ten:
        return _CN_DIGITS[text]
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _date_at(text: str) -> tuple[dt.date | None, int] | None:
    """A full date opening ``text`` (Arabic or Chinese numerals) and where it ends."""
    if m := _ARABIC_DATE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif (m := _CN_DATE.match(text)) and all(len(g) == 1 or "十" in g for g in m.groups()[1:]):
        year = int("".join(str(_CN_DIGITS[c]) for c in m[1]))
        month, day = _cn_number(m[2]), _cn_number(m[3])
    else:
        return None
    try:
        return dt.date(year, month, day), m.end()
    except ValueError:
        return None, m.end()


def printed_date(text: str) -> tuple[dt.date | None, str | None] | None:
    """(date, outlet) from a line that is only a date or header fields: ``2023年3月8日``,
    ``二〇二三年三月八日``, ``（2024年1月10日在……上）``, ``发布日期：… 来源：…``; else None."""
    inner = text[1:-1].strip() if _REMARK.fullmatch(text) or re.fullmatch(
        r"[（(].*[）)]", text) else None
    found = _date_at(inner if inner is not None else text.strip())
    if found is not None and (inner is not None or found[1] == len(text.strip())):
        return found[0], None
    meta = parse_meta_line(text)
    if meta is None or not (meta.date or meta.source or meta.author):
        return None
    return meta.date, meta.source


def reads_as_title(text: str) -> bool:
    """Short Chinese text with no sentence in it and no closing comma or colon."""
    return (2 <= len(text) <= 80 and has_han(text) and "。" not in text
            and text[-1] not in _HEADLINE_ENDS)


def meaningful_title(title: str | None, where: str) -> str | None:
    """The core properties' title if it names the article: Chinese, not a placeholder
    (文档1, Document1, 新建 Microsoft Word 文档), not a file name."""
    text = (title or "").strip()
    stem = where.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if (not has_han(text) or text == stem or _PLACEHOLDER.match(text)
            or re.search(r"\.(?:docx?|dotx?|wps|wpt|rtf|txt|pdf)$", text, re.IGNORECASE)):
        return None
    return text


_PLACEHOLDER = re.compile(r"^(?:新建\s*)?(?:microsoft\s*(?:office\s*)?word\s*[-—]?\s*)?"
                          r"(?:文档|document|doc|无标题|未命名|untitled|标题|title|空白文档)?\s*\d*$",
                          re.IGNORECASE)


@dataclass
class _Meta:
    """The metadata found, where, and which blocks gave it (left out of the text)."""

    title: str | None = None
    date: dt.date | None = None
    outlet: str | None = None
    found_in: dict[str, str] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _body_size(blocks: list[Block], styles: _Styles) -> float | None:
    """The type size most characters of the body are set in (its first ``SIZE_SAMPLE``
    paragraphs after the first)."""
    sizes: Counter[float] = Counter()
    body = [b for b in blocks[1:] if isinstance(b, _Para) and b.level is None]
    for b in body[:SIZE_SAMPLE]:
        size = type_of(b, styles)[1]
        if size is not None:
            sizes[size] += len(b.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _printed_title(blocks: list[Block], styles: _Styles) -> tuple[list[int], str] | None:
    """The blocks the printed title is in, and how it was known."""
    for i, b in enumerate(blocks[:HEAD_BLOCKS]):
        if isinstance(b, _Para) and b.level == 0:
            end = i
            while end + 1 < len(blocks) and isinstance(nxt := blocks[end + 1], _Para) \
                    and nxt.level == 0:
                end += 1
            return list(range(i, end + 1)), "the document's Title style"
    first = blocks[0] if len(blocks) > 1 else None
    if not isinstance(first, _Para) or not reads_as_title(first.text) or \
            _ORDINAL.match(first.text):
        return None
    if first.level == 1:            # the title only if no other level-1 heading follows
        others = any(isinstance(b, _Para) and b.level == 1 for b in blocks[1:])
        return None if others else ([0], "its first paragraph, the only level-1 heading")
    if not first.centred:
        return None
    bold, size = type_of(first, styles)
    body = _body_size(blocks, styles)
    large = size is not None and body is not None and size >= LARGE * body
    if bold or large:
        kind = " ".join(w for w, on in (("large", large), ("bold", bold)) if on)
        return [0], f"its first paragraph, centred in {kind} type"
    return None


def _joined(texts: list[str]) -> str:
    out = texts[0]
    for text in texts[1:]:
        out += ("" if is_cjk(out[-1]) or is_cjk(text[0]) else " ") + text
    return out


def _head(blocks: list[Block], meta: _Meta, start: int, titled: bool) -> None:
    """The subtitle and date/来源 lines right under the title (or at the top)."""
    for i in range(start, min(start + 4, len(blocks) - 1)):
        b = blocks[i]
        if not isinstance(b, _Para):
            return
        if titled and (b.level == SUBTITLE or (i == start and b.text.startswith("—"))):
            meta.used.add(i)
            meta.notes.append(f"the subtitle (paragraph {b.number}) is left out of the text: "
                              f"{b.text}")
            continue
        found = printed_date(b.text)
        if found is None:
            return
        meta.used.add(i)
        place = "under the title" if titled else "at its top"
        gave = []
        if found[0] is not None and meta.date is None:
            meta.date = found[0]
            meta.found_in["date"] = f"the date line {place} (paragraph {b.number})"
            gave.append("date")
        if found[1] and meta.outlet is None:
            meta.outlet = found[1]
            meta.found_in["outlet"] = f"the 来源 line {place} (paragraph {b.number})"
            gave.append("outlet")
        meta.notes.append(f"paragraph {b.number} ({b.text}) is metadata"
                          + (f" (the {' and '.join(gave)})" if gave else "")
                          + ", not a line of the text")


def _signature(blocks: list[Block], meta: _Meta) -> None:
    """The issuer and date signing the document at its end (and a remark after them)."""
    i = len(blocks) - 1
    used: list[int] = []
    last = blocks[i] if blocks else None
    if isinstance(last, _Para) and _REMARK.fullmatch(last.text) and \
            printed_date(last.text) is None:
        used.append(i)
        i -= 1
    dated = blocks[i] if i >= 0 else None
    if not isinstance(dated, _Para) or i in meta.used:
        return
    found = _date_at(dated.text)
    if found is None or found[1] != len(dated.text) or found[0] is None:
        return
    used.append(i)
    issuer = blocks[i - 1] if i >= 1 else None
    if isinstance(issuer, _Para) and _ISSUER.match(issuer.text) and i - 1 not in meta.used:
        used.append(i - 1)
    if all(j in meta.used or j in used for j in range(len(blocks))):
        return                      # nothing would be left: it is the text, not a signature
    meta.used.update(used)
    if meta.date is None:
        meta.date = found[0]
        meta.found_in["date"] = f"the date it is signed with at its end (paragraph " \
                                f"{dated.number})"
    elif meta.date != found[0]:
        meta.warnings.append(f"the date under the title ({meta.date}) and the date it is "
                             f"signed with (paragraph {dated.number}: {found[0]}) differ; "
                             "the first is taken")
    if isinstance(issuer, _Para) and i - 1 in used and meta.outlet is None:
        meta.outlet = issuer.text
        meta.found_in["outlet"] = f"the issuing body signing it at its end (paragraph " \
                                  f"{issuer.number})"
    paras = [blocks[j] for j in sorted(used)]
    meta.notes.append("the signature at the end (" + "; ".join(
        f"paragraph {p.number}: {p.text}" for p in paras if isinstance(p, _Para))
        + ") is metadata, not lines of the text")


def find_metadata(blocks: list[Block], styles: _Styles, core_title: str | None,
                  where: str) -> _Meta:
    """Title, date and outlet as the document prints them (see the module's rules)."""
    meta = _Meta()
    printed = _printed_title(blocks, styles) if blocks else None
    if printed is not None:
        indexes, how = printed
        paras = [b for b in (blocks[i] for i in indexes) if isinstance(b, _Para)]
        meta.title = _joined([p.text for p in paras])
        numbers = ", ".join(str(p.number) for p in paras)
        meta.found_in["title"] = f"{how} (paragraph {numbers})"
        meta.used.update(indexes)
        meta.notes.append(f"the title (paragraph {numbers}) is the headline, not a line of "
                          "the text")
        _head(blocks, meta, indexes[-1] + 1, True)
    else:
        _head(blocks, meta, 0, False)
        meta.title = meaningful_title(core_title, where)
        if meta.title is not None:
            meta.found_in["title"] = "core properties: title"
    _signature(blocks, meta)
    return meta


# --------------------------------------------------------------------------- the text

def compose(blocks: list[Block]) -> tuple[str, tuple[str, ...]]:
    """The text (a blank line between blocks, a final newline) and each line's origin."""
    lines: list[str] = []
    origins: list[str] = []
    for b in blocks:
        if lines:
            lines.append("")
            origins.append("")
        if isinstance(b, _Para):
            lines.append(b.text)
            origins.append(b.origin)
        else:
            for n, line in b.rows:
                lines.append(line)
                origins.append(f"table {b.number} row {n}")
    lines.append("")
    origins.append("")
    return "\n".join(lines), tuple(origins)


def _some(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")


def _notes(tally: _Tally, names: tuple[str, ...], kept: list[Block]) -> list[str]:
    notes = []
    furniture = sum(1 for n in names if re.fullmatch(r"word/(?:header|footer)\d*\.xml", n))
    for count, what in ((tally.text_boxes, "text box(es) left out (their text is not read)"),
                        (tally.notes_refs, "footnote or endnote reference(s): the notes' text "
                                           "is not read"),
                        (tally.comments, "comment(s) not read"),
                        (furniture, "page header and footer part(s) not read"),
                        (tally.joined, "line break(s) inside paragraphs joined (no space "
                                       "beside Chinese text)"),
                        (tally.empty, "empty paragraph(s) and page break(s) give no line"),
                        (tally.too_deep, f"content control(s) or table(s) nested deeper than "
                                         f"{MAX_DEPTH} levels left out")):
        if count:
            notes.append(f"{count} {what}")
    notes += [f"table {b.number}: its header row is written into each row's line"
              for b in kept if isinstance(b, _Table) and b.folded_header]
    return notes


def _warnings(tally: _Tally, kept: list[Block]) -> list[str]:
    out = []
    if tally.dropped:
        out.append(f"{tally.dropped} control or bidirectional-override character(s) dropped "
                   + (f"(paragraph {_some(tally.dropped_in)})" if tally.dropped_in
                      else "(in tables)"))
    numbered = [b.number for b in kept if isinstance(b, _Para) and b.numbered]
    if numbered:
        out.append(f"{len(numbered)} paragraph(s) are numbered by Word's automatic numbering "
                   f"(paragraph {_some(numbered)}); the numbers are not in the text: check "
                   "that headings and list items read right")
    return out


def read_docx(data: bytes, where: str) -> Extracted:
    """The article in a Word file (see the module's rules)."""
    names = check_package(data, where)
    document = _open(data, where)
    tally = _Tally(where=where)
    try:
        styles = _styles(document)
        blocks = body_blocks(document, styles, tally, where)
        core_title = document.core_properties.title
        meta = find_metadata(blocks, styles, core_title, where)
    except BriefbookError:
        raise
    # python-docx reading odd but well-formed XML (a style or property it cannot take)
    except Exception as exc:  # noqa: BLE001
        raise BriefbookError(f"python-docx cannot read this Word file: {exc}", where=where,
                             hint="open it in Word and save it again") from exc
    kept = [b for i, b in enumerate(blocks) if i not in meta.used]
    text, origins = compose(kept)
    if not text.strip():
        raise BriefbookError("the Word document holds no text", where=where,
                             hint="if it is a scan (pictures of pages), run OCR and ingest the "
                                  "text as .txt; text in text boxes is not read")
    return Extracted(text=text, format="docx",
                     metadata=FileMetadata(title=meta.title, date=meta.date,
                                           outlet=meta.outlet, found_in=meta.found_in),
                     origins=origins, notes=tuple(meta.notes + _notes(tally, names, kept)),
                     warnings=tuple(meta.warnings + _warnings(tally, kept)))
