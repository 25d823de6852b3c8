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
SUFFIXES: Mapping[str, str] = {".txt": "text", ".text": "text", "": "text",
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
    starts with %PDF-, a Word file is a ZIP). A suffix the tool does not read, or bytes that
    contradict it, are refused naming both."""
    suffix = "." + name.rsplit(".", 1)[1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        raise BriefbookError(f"cannot read {suffix} files", where=where,
                             hint="ingest takes " + ", ".join(sorted(s for s in SUFFIXES if s))
                                  + " files; save the article as one of these")
    sniffed = _sniff(data)
    if sniffed is not None and sniffed != fmt and not (fmt == "html" and sniffed == "text"):
        raise BriefbookError(f"the file is named {suffix or '(no suffix)'} but its bytes are "
                             f"{_NAMES[sniffed]}", where=where,
                             hint=f"rename it with the suffix of {_NAMES[sniffed]}, or check "
                                  "that it is the file you meant")
    return fmt


_NAMES = {"text": "text", "html": "a web page", "pdf": "a PDF", "docx": "a Word (.docx) file",
          "zip": "a ZIP archive"}


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
