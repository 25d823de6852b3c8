"""Reading an article from the file it was saved as: plain text in any Chinese encoding, a
saved web page, a PDF report or a Word file (``briefbook ingest``).

Takes: the file's bytes, its name (the suffix picks the reader; the bytes must agree) and,
for plain text only, an encoding the user names.
Gives: an ``Extracted`` — the article as the plain text the corpus builds from (one paragraph
or heading per line, blank lines between blocks; stored as ``raw/ID.txt``), the metadata the
file itself carries (headline, date, outlet, each with where it was found), where each line
of that text came from in the file (``origins``: "page 3", "paragraph 12", …) and notes on
what was left out (navigation, running heads, page numbers). Or a ``BriefbookError`` naming
the file and what to do.

Every reader is a pure function of the bytes: the same file always gives the same text, so
``corpus diff`` can read the original again and show where each raw line came from, and the
paragraph ids locked to the text trace back to the bytes (the original is kept beside the
text with its SHA-256: ``corpus.sources.Original``).

Modules: ``text`` (encodings: ``corpus.encoding``), ``html`` (trafilatura, htmldate),
``pdf`` (pypdfium2), ``docx`` (python-docx). Each is imported only when its format is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from briefbook.core.errors import BriefbookError
from briefbook.corpus.sources import MAX_ORIGINAL_BYTES

FORMATS = ("text", "html", "pdf", "docx")
#: File suffixes each format is read from (lower case).
SUFFIXES: Mapping[str, str] = {".txt": "text", ".text": "text",
                               ".html": "html", ".htm": "html", ".xhtml": "html",
                               ".shtml": "html", ".pdf": "pdf", ".docx": "docx"}
#: The suffix an original of each format is stored under (``raw/ID.<suffix>``).
STORED_SUFFIX: Mapping[str, str] = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}


@dataclass(frozen=True)
class FileMetadata:
    """What the file says about itself, where it says it. None where it says nothing."""

    title: str | None = None
    date: dt.date | None = None
    outlet: str | None = None
    #: for each of "title", "date", "outlet" given above: where in the file it was found,
    #: in words for the report, e.g. '<meta property="og:title">', "the document's title
    #: property", "the PDF's Title"
    found_in: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Extracted:
    """An article read from its file."""

    text: str               # what raw/ID.txt holds: lines, blank lines between blocks
    format: str             # one of FORMATS
    metadata: FileMetadata = FileMetadata()
    #: one entry per line of ``text`` (``text.split("\\n")``): where it came from, e.g.
    #: "page 3", "paragraph 12", "<p> 7"; "" for a blank line or where there is nothing to say
    origins: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()      # what was left out or joined, for the ingest report
    warnings: tuple[str, ...] = ()   # what the user should check
    encoding: str = "utf-8"          # plain text: the codec read (Python's name)
    encoding_detected: bool = True   # plain text: detected, or named with --encoding


Reader = Callable[[bytes, str], Extracted]


def format_of(name: str, data: bytes, where: str) -> str:
    """The format a file is read as: by its suffix, checked against its first bytes (a PDF
    starts with %PDF-, a Word file is a ZIP holding word/): bytes that contradict the suffix
    are refused naming both. Formats the tool cannot read (an old .doc, an .odt) are refused
    saying how to save them. A file with another suffix (.md, none) is read as what its bytes
    are: text unless they are a PDF, a Word file or a web page."""
    base = name.rsplit("/", 1)[-1]
    suffix = "." + base.rsplit(".", 1)[1].lower() if "." in base else ""
    if suffix in UNREADABLE:
        raise BriefbookError(f"cannot read {suffix} files ({UNREADABLE[suffix][0]})",
                             where=where, hint=UNREADABLE[suffix][1])
    sniffed = _sniff(data)
    fmt = SUFFIXES.get(suffix)
    if fmt is None:  # another suffix: what the bytes are
        if sniffed == "zip":
            raise BriefbookError(f"the file is {_NAMES[sniffed]}, not an article", where=where,
                                 hint="unpack it and ingest the article inside")
        return sniffed or "text"
    if sniffed is not None and sniffed != fmt and not (fmt == "html" and sniffed == "text"):
        raise BriefbookError(f"the file is named {suffix} but its bytes are {_NAMES[sniffed]}",
                             where=where, hint=(
                                 f"if it is {_NAMES[sniffed]}, rename it to end in "
                                 f"{_RENAME[sniffed]}" if sniffed in _RENAME else
                                 "check that it is the file you meant"))
    return fmt


_SAVE_AS = "open it and save it as a Word file (.docx), a PDF, or plain text (.txt)"
#: Suffixes of formats that are not read, with what they are and what to do.
UNREADABLE: Mapping[str, tuple[str, str]] = {
    ".doc": ("an old binary Word file", _SAVE_AS),
    ".wps": ("a WPS Writer file", _SAVE_AS),
    ".rtf": ("rich text", _SAVE_AS),
    ".odt": ("an OpenDocument text", _SAVE_AS),
    ".pages": ("a Pages document", _SAVE_AS),
    ".mht": ("a single-file web archive", "save the page from the browser as "
             "\"Web page, HTML only\" (.html)"),
    ".mhtml": ("a single-file web archive", "save the page from the browser as "
               "\"Web page, HTML only\" (.html)"),
    ".xls": ("a spreadsheet", "ingest takes articles; put figures in the metrics catalog"),
    ".xlsx": ("a spreadsheet", "ingest takes articles; put figures in the metrics catalog"),
    ".png": ("an image", "ingest needs text: run OCR first and save the text as .txt"),
    ".jpg": ("an image", "ingest needs text: run OCR first and save the text as .txt"),
    ".jpeg": ("an image", "ingest needs text: run OCR first and save the text as .txt"),
}


_NAMES = {"text": "text", "html": "a web page", "pdf": "a PDF", "docx": "a Word (.docx) file",
          "zip": "a ZIP archive"}
_RENAME = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}
#: How each format is named to the user ("read as a saved web page").
FORMAT_NAMES: Mapping[str, str] = {"text": "plain text", "html": "a saved web page",
                                   "pdf": "a PDF", "docx": "a Word file"}


def _sniff(data: bytes) -> str | None:
    head = data[:1024].lstrip()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or b"[Content_Types].xml" in data[:65536] \
            else "zip"
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered:
        return "html"
    return None


def extract(data: bytes, *, name: str, where: str, encoding: str | None = None) -> Extracted:
    """The article in ``data`` (a file called ``name``): read by its format's reader."""
    fmt = format_of(name, data, where)
    if encoding is not None and fmt != "text":
        raise BriefbookError(f"--encoding applies to plain-text files; this is {_NAMES[fmt]}",
                             where=where, hint="leave --encoding out: a "
                             + {"html": "page names its own charset",
                                "pdf": "PDF carries Unicode text",
                                "docx": "Word file is Unicode"}[fmt])
    if len(data) > MAX_ORIGINAL_BYTES:
        raise BriefbookError(f"the file is {len(data):,} bytes; the limit is "
                             f"{MAX_ORIGINAL_BYTES:,}", where=where,
                             hint="split it into several files")
    return reader(fmt)(data, where) if fmt != "text" else _text(data, where, encoding)


def reader(fmt: str) -> Reader:
    """The reader of one format (imported here: each pulls in its own library)."""
    if fmt == "html":
        from briefbook.corpus.formats.html import read_html
        return read_html
    if fmt == "pdf":
        from briefbook.corpus.formats.pdf import read_pdf
        return read_pdf
    if fmt == "docx":
        from briefbook.corpus.formats.docx import read_docx
        return read_docx
    return lambda data, where: _text(data, where, None)


def _text(data: bytes, where: str, encoding: str | None) -> Extracted:
    from briefbook.corpus.encoding import decode_article
    decoded = decode_article(data, where, encoding)
    return Extracted(text=decoded.text, format="text", warnings=decoded.warnings,
                     encoding=decoded.encoding, encoding_detected=decoded.detected)
