"""Quality checks on a finished PDF that pixels alone miss.

Takes: PDF bytes (plus what to expect: page count, texts, allowed font families).
Gives: a ``LintReport`` — ``failures`` (each one clear line), ``warnings``, and what was
found (fonts, metadata, page count, extracted text). ``report.ok`` is True when nothing failed.

Checks:
- every font is embedded (has a FontFile/FontFile2/FontFile3) AND subset (``ABCDEF+`` name);
- every font's family is allowed — read from the *embedded font program's* name table
  (WeasyPrint names PDF fonts after the CSS ``font-family``, which can say anything), with
  the FontDescriptor's /FontFamily as fallback;
- every font has a /ToUnicode map (else copy/paste and search break);
- no ``.notdef`` glyph is drawn: every string shown with a Type0 font is decoded through the
  font's /Encoding (Identity-H, or the CMap WeasyPrint writes when it hit a missing glyph,
  which maps such codes to CID 0) and each CID must be non-zero and below the embedded
  font program's glyph count (WeasyPrint subsets with retain_gids, so ids stay the same;
  a CIDFontType2 with a /CIDToGIDMap stream: the glyph the map gives);
- every shown character finds its glyph the way ISO 32000-1 (9.7.4.2) says a viewer finds it,
  and MuPDF, pdf.js and Ghostscript do: for a CIDFontType0 with an embedded CFF (FontFile3
  CIDFontType0C or OpenType) code → CID (the encoding) → glyph through the CFF charset, which
  ignores /CIDToGIDMap (pdfium and Poppler take the code as a glyph id instead). A fault is a
  CID the charset lacks (no glyph); a CID-keyed charset that puts a CID on another glyph id
  while /CIDToGIDMap /Identity says glyph = CID (WeasyPrint's assumption: a CFF subset whose
  CIDs differ from its glyph ids); or, where the program has a cmap, a code that is the glyph
  id of its ToUnicode character in that cmap while the standard lookup lands elsewhere (a
  writer that wrote glyph ids as codes). A glyph a GSUB feature chose (the cmap sends the
  character to another glyph, the code is neither) is not a fault. One line per font: the
  first characters (from ToUnicode), how many, and the pages showing them;
- all extracted text (pypdfium2 text page) is covered by the bundled faces' cmaps
  (``briefbook.core.fonts.face_coverage``: main, plus and supplement faces);
- each expected text occurs in the extracted text, compared with all whitespace removed
  (Chinese lines break anywhere and PDFium inserts ``\\r\\n`` at line ends);
- every footnote is printed on the page of its call: a call is a run of digits set smaller
  than, and raised above, the character before it; a footnote is a line starting "N. " in
  type smaller than the page's body text (WeasyPrint moves a footnote that does not fit to a
  later page, away from the text it supports);
- metadata: Title, Author, CreationDate and the catalog's /Lang are required; Subject and
  Keywords are reported as warnings when missing; ``expected_pages`` if given.

A PDF of more than ``checks.rasterise.MAX_PDF_PAGES`` pages is refused before any page is
scanned.

Font dictionaries are read with pypdf (pure Python; WeasyPrint 70 packs them into
compressed object streams, which pypdfium2 does not expose); text comes from pypdfium2.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject, StreamObject

from briefbook.checks.rasterise import MAX_PDF_PAGES
from briefbook.core.errors import BriefbookError
from briefbook.core.fonts import FACES, face_coverage
from briefbook.core.resources import FONTS_DIR
from briefbook.render.layout.footnotes import footnotes_off_their_page

DEFAULT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
REQUIRED_METADATA = ("Title", "Author", "CreationDate")
OPTIONAL_METADATA = ("Subject", "Keywords")
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
# Dropped before comparing texts: whitespace, and invisible characters PDFium or
# WeasyPrint may put between glyphs.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff\ufffe\ufffd"), None)


@dataclass(frozen=True)
class LintIssue:
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass
class FontInfo:
    name: str  # /BaseFont without the leading slash
    subtype: str
    family: str | None
    embedded: bool
    subset: bool
    has_to_unicode: bool
    pages: set[int] = field(default_factory=set)  # 1-based


@dataclass
class LintReport:
    page_count: int = 0
    fonts: list[FontInfo] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)  # per page, as extracted
    failures: list[LintIssue] = field(default_factory=list)
    warnings: list[LintIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, code: str, message: str) -> None:
        self.failures.append(LintIssue(code, message))

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(LintIssue(code, message))

    def codes(self) -> set[str]:
        return {issue.code for issue in self.failures}

    def raise_if_failed(self, where: str | None = None) -> None:
        if self.failures:
            raise BriefbookError("PDF check failed:\n  " + "\n  ".join(map(str, self.failures)),
                                 where=where)


def normalise_text(text: str) -> str:
    """Drop all whitespace and invisible joiners; NFC. Used on both sides of a text match."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return "".join(text.split())


@functools.lru_cache(maxsize=4)
def bundled_coverage(fonts_dir: str = str(FONTS_DIR)) -> frozenset[int]:
    """Code points the bundled faces print (``briefbook.core.fonts``: main, plus, supplement)."""
    if not all((Path(fonts_dir) / face).is_file() for face in FACES):
        raise BriefbookError("no bundled fonts found", where=fonts_dir)
    return face_coverage(Path(fonts_dir)).printable


# ---------------------------------------------------------------------------- font objects

def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _name(obj) -> str:
    return str(_resolve(obj) or "").lstrip("/")


class _EmbeddedFont:
    """What lint needs from an embedded font program: family name, glyph count, and how a
    viewer finds a glyph in it (the CFF charset; the cmap, if the program has one)."""

    def __init__(self, data: bytes, kind: str):
        self.family: str | None = None
        self.num_glyphs: int | None = None
        self._top = None  # the CFF Top DICT
        #: CID → glyph id, from a CID-keyed CFF's charset (None: not CID-keyed)
        self.cid_to_gid: dict[int, int] | None = None
        #: code point → glyph id, from the program's cmap (None: bare CFF, or no cmap)
        self.cmap: dict[int, int] | None = None
        if kind == "cff":
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
            self._from_cff(cff)
            return
        font = TTFont(io.BytesIO(data), lazy=True)
        names = font["name"] if "name" in font else None
        if names is not None:
            for name_id in (16, 1):
                record = names.getName(name_id, 3, 1, 0x409) or names.getName(name_id, 1, 0, 0)
                if record is not None:
                    self.family = record.toUnicode()
                    break
        if "CFF " in font:
            family = self.family
            self._from_cff(font["CFF "].cff)
            self.family = family or self.family
        else:
            self.num_glyphs = font["maxp"].numGlyphs
        if "cmap" in font:
            ids = font.getReverseGlyphMap()
            self.cmap = {point: ids[name] for point, name in (font.getBestCmap() or {}).items()
                         if name in ids}

    def _from_cff(self, cff) -> None:
        top = cff.topDictIndex[0]
        self.family = (getattr(top, "FamilyName", None)
                       or (cff.fontNames[0] if cff.fontNames else None))
        # WeasyPrint shows glyph ids as codes (CIDToGIDMap /Identity) and subsets with
        # retain_gids, so the glyph it meant is below the glyph count; a viewer that follows
        # the standard finds it through the charset (``cid_to_gid``).
        charset = top.charset or []
        self.num_glyphs = len(charset)
        self._top = top
        if hasattr(top, "ROS"):  # CID-keyed: fontTools names the glyph of CID c "cid%05d"
            self.cid_to_gid = {int(name[3:]): gid for gid, name in enumerate(charset)
                               if gid and name.startswith("cid")}
            self.cid_to_gid[0] = 0

    @functools.cached_property
    def _points(self) -> dict[int, int]:
        points: dict[int, int] = {}
        for point, gid in sorted((self.cmap or {}).items()):
            points.setdefault(gid, point)
        return points

    def blank(self, gid: int) -> bool:
        """True if CFF glyph ``gid`` draws nothing (a subset's unused glyph: retain_gids)."""
        if self._top is None or not 0 <= gid < (self.num_glyphs or 0):
            return False
        try:
            charstring = self._top.CharStrings[self._top.charset[gid]]
            charstring.decompile()
        except Exception:
            return False
        # an advance width (a number) may come first; any operator but endchar draws
        return not [op for op in charstring.program if isinstance(op, str) and op != "endchar"]

    def glyph_point(self, gid: int) -> int | None:
        """The lowest code point the cmap sends to glyph ``gid`` (None: no cmap, or none)."""
        return self._points.get(gid)

    def has_glyph(self, gid: int) -> bool:
        """False for glyph 0 (.notdef) and for ids beyond the embedded font's glyphs."""
        if gid == 0:
            return False
        return self.num_glyphs is None or gid < self.num_glyphs


def _parse_cid_cmap(data: bytes) -> dict[int, int] | None:
    """Code → CID from an embedded CMap stream (cidchar/cidrange). None if not 2-byte."""
    text = data.decode("latin-1")
    for block in re.findall(r"begincodespacerange(.*?)endcodespacerange", text, re.S):
        for low, high in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            if len(low) != 4 or len(high) != 4:
                return None
    mapping: dict[int, int] = {}
    for block in re.findall(r"begincidchar(.*?)endcidchar", text, re.S):
        for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s+(\d+)", block):
            mapping[int(code, 16)] = int(cid)
    for block in re.findall(r"begincidrange(.*?)endcidrange", text, re.S):
        for low, high, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)", block):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = int(cid) + offset
    return mapping


def _parse_to_unicode(data: bytes) -> dict[int, str]:
    """Code → text from a ToUnicode CMap (bfchar and bfrange with a start value)."""
    text = data.decode("latin-1")

    def utf16(hexa: str) -> str:
        return bytes.fromhex(hexa).decode("utf-16-be", errors="replace")

    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            mapping[int(code, 16)] = utf16(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, start in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            base = int(start, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = utf16(f"{base + offset:0{len(start)}x}")
    return mapping


@dataclass
class _Font:
    info: FontInfo
    two_byte: bool
    code_to_cid: dict[int, int] | None  # None = identity
    embedded: _EmbeddedFont | None
    to_unicode: dict[int, str]
    notdef: dict[int, str] = field(default_factory=dict)  # code → text, once seen
    descendant: str = ""  # CIDFontType0 or CIDFontType2 (Type0 fonts)
    identity_map: bool = False  # the descendant says /CIDToGIDMap /Identity
    cid_map: bytes | None = None  # a /CIDToGIDMap stream: 2 bytes (the glyph id) per CID
    #: code → the glyph a standard viewer draws for it when that is wrong (``NO_GLYPH``: none),
    #: None when right; computed once per code
    verdicts: dict[int, int | None] = field(default_factory=dict)
    wrong_pages: set[int] = field(default_factory=set)  # 1-based, pages showing a wrong glyph

    def mapped_glyph(self, cid: int) -> int:
        """A CIDFontType2's glyph for ``cid`` through its /CIDToGIDMap stream (0 past its end)."""
        assert self.cid_map is not None
        at = 2 * cid
        return int.from_bytes(self.cid_map[at:at + 2], "big") if at + 2 <= len(self.cid_map) else 0

    def writer_glyph(self, cid: int) -> int:
        """The glyph the PDF's writer meant for ``cid`` (0: .notdef): through a CIDFontType2's
        /CIDToGIDMap stream; through the charset of a CID-keyed CFF that does not claim
        /CIDToGIDMap /Identity; else the CID itself (WeasyPrint: glyph id = code = CID)."""
        if self.cid_map is not None:
            return self.mapped_glyph(cid)
        embedded = self.embedded
        if (self.descendant == "CIDFontType0" and not self.identity_map and embedded is not None
                and embedded.cid_to_gid is not None):
            return embedded.cid_to_gid.get(cid, 0)
        return cid

    def standard_glyph(self, cid: int) -> int | None:
        """The glyph a viewer following ISO 32000-1 9.7.4.2 draws for ``cid`` (None: none).

        CIDFontType0 (CFF): through the charset of a CID-keyed program, the CID itself as the
        glyph index of a name-keyed one; /CIDToGIDMap does not apply. CIDFontType2: through
        the /CIDToGIDMap stream, else the CID itself."""
        embedded = self.embedded
        assert embedded is not None
        if self.descendant == "CIDFontType0" and embedded.cid_to_gid is not None:
            return embedded.cid_to_gid.get(cid)
        gid = self.mapped_glyph(cid) if self.cid_map is not None else cid
        return gid if embedded.num_glyphs is None or gid < embedded.num_glyphs else None

    def verdict(self, code: int, cid: int) -> int | None:
        """The glyph ``code`` (CID ``cid``) draws where viewers follow the standard, if that
        is not the glyph the writer meant (``NO_GLYPH``: none); None when it is."""
        if code not in self.verdicts:
            self.verdicts[code] = self._verdict(code, cid)
        return self.verdicts[code]

    def _verdict(self, code: int, cid: int) -> int | None:
        embedded = self.embedded
        assert embedded is not None
        glyph = self.standard_glyph(cid)
        if glyph is None:
            return NO_GLYPH
        text = self.to_unicode.get(code, "")
        meant = (embedded.cmap.get(ord(text)) if embedded.cmap is not None and len(text) == 1
                 else None)
        if glyph == meant:
            return None
        if (self.descendant == "CIDFontType0" and self.identity_map
                and embedded.cid_to_gid is not None and glyph != cid):
            return glyph  # /Identity says glyph = CID; the charset, which counts, says otherwise
        if meant is not None and cid == meant:
            return glyph  # the code is the character's glyph id, not its CID
        return None  # e.g. a glyph a GSUB feature chose: neither the cmap's nor the code's

    def drawn(self, glyph: int) -> str:
        """``glyph`` (a verdict) in a few words for the report."""
        embedded = self.embedded
        if glyph == NO_GLYPH or embedded is None:
            return "no glyph"
        point = embedded.glyph_point(glyph)
        if point is not None:
            return f"draws {_char_label(chr(point))}"
        return "draws a blank" if embedded.blank(glyph) else f"draws glyph {glyph}"


#: A verdict: the CID has no glyph at all.
NO_GLYPH = -1


def _load_font(font_dict: DictionaryObject,
               programs: dict[object, _EmbeddedFont | str] | None = None,
               ) -> tuple[_Font, list[str]]:
    """``programs``: the font programs decoded so far, by object number (a book whose chapters
    were laid out apart has several font dictionaries sharing one program); filled in."""
    programs = {} if programs is None else programs
    problems: list[str] = []
    subtype = _name(font_dict.get("/Subtype"))
    base = _name(font_dict.get("/BaseFont")) or "(unnamed)"
    descriptor_owner, descendant, identity_map, cid_map, two_byte = _descendant_font(
        font_dict, subtype, base, problems)
    descriptor = _resolve(descriptor_owner.get("/FontDescriptor")) or DictionaryObject()
    stream, program_key, kind = _font_file(descriptor)
    embedded = None
    family = None
    if stream is not None and kind != "type1":
        embedded = _embedded_program(stream, kind, program_key, programs, base, problems)
        if embedded is not None:
            family = embedded.family
    if not family and "/FontFamily" in descriptor:
        family = str(_resolve(descriptor["/FontFamily"]))
    code_to_cid, two_byte = _code_to_cid(font_dict, two_byte, base, problems)
    to_unicode_obj = _resolve(font_dict.get("/ToUnicode"))
    to_unicode = {}
    if isinstance(to_unicode_obj, StreamObject):
        to_unicode = _parse_to_unicode(to_unicode_obj.get_data())
    info = FontInfo(name=base, subtype=subtype, family=family,
                    embedded=stream is not None,
                    subset=bool(SUBSET_PREFIX.match(base)),
                    has_to_unicode=isinstance(to_unicode_obj, StreamObject))
    return _Font(info, two_byte, code_to_cid, embedded, to_unicode, descendant=descendant,
                 identity_map=identity_map, cid_map=cid_map), problems


def _descendant_font(font_dict: DictionaryObject, subtype: str, base: str, problems: list[str],
                     ) -> tuple[Any, str, bool, bytes | None, bool]:
    """The dictionary holding the font descriptor (a Type0 font's descendant, else the font),
    the descendant's subtype, whether its /CIDToGIDMap is /Identity, the map's bytes (a
    CIDFontType2 stream) and whether the font's 2-byte codes can be checked; an unreadable
    map is added to ``problems``."""
    descriptor_owner: Any = font_dict
    two_byte = subtype == "Type0"
    descendant, identity_map, cid_map = "", False, None
    if two_byte:
        descendants = _resolve(font_dict.get("/DescendantFonts")) or []
        descriptor_owner = _resolve(descendants[0]) if descendants else DictionaryObject()
        descendant = _name(descriptor_owner.get("/Subtype"))
        to_gid = _resolve(descriptor_owner.get("/CIDToGIDMap"))
        identity_map = not isinstance(to_gid, StreamObject) and _name(to_gid) == "Identity"
        if isinstance(to_gid, StreamObject) and descendant == "CIDFontType2":
            try:
                cid_map = to_gid.get_data()
            except Exception as exc:
                problems.append(f"font {base}: CIDToGIDMap unreadable ({exc}); glyphs not checked")
                two_byte = False
    return descriptor_owner, descendant, identity_map, cid_map, two_byte


def _font_file(descriptor: Any) -> tuple[Any, object, str]:
    """The descriptor's embedded font program stream (None: not embedded), its object number
    and generation (None: direct) and its kind (sfnt, cff or type1)."""
    stream = None
    program_key: object = None
    kind = "sfnt"
    for key in ("/FontFile3", "/FontFile2", "/FontFile"):
        if key in descriptor:
            ref = descriptor.raw_get(key)
            program_key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else None
            stream = _resolve(ref)
            if key == "/FontFile3" and _name(stream.get("/Subtype")) != "OpenType":
                kind = "cff"
            if key == "/FontFile":
                kind = "type1"
            break
    return stream, program_key, kind


def _embedded_program(stream: Any, kind: str, program_key: object,
                      programs: dict[object, _EmbeddedFont | str], base: str,
                      problems: list[str]) -> _EmbeddedFont | None:
    """The decoded font program (from ``programs`` when decoded already, else decoded and put
    there), or None with the reason added to ``problems``."""
    program = programs.get(program_key) if program_key is not None else None
    if program is None:
        try:
            program = _EmbeddedFont(stream.get_data(), kind)
        except Exception as exc:  # a broken font program is itself a finding
            program = f"embedded font program unreadable ({exc})"
        if program_key is not None:
            programs[program_key] = program
    if isinstance(program, str):
        problems.append(f"font {base}: {program}")
        return None
    return program


def _code_to_cid(font_dict: DictionaryObject, two_byte: bool, base: str, problems: list[str],
                 ) -> tuple[dict[int, int] | None, bool]:
    """Code → CID from the font's embedded CMap (None: identity) and whether its 2-byte codes
    can still be checked; an encoding that cannot is added to ``problems``."""
    code_to_cid = None
    encoding = _resolve(font_dict.get("/Encoding"))
    if two_byte and isinstance(encoding, StreamObject):
        code_to_cid = _parse_cid_cmap(encoding.get_data())
        if code_to_cid is None:
            problems.append(f"font {base}: encoding is not a 2-byte CMap; .notdef not checked")
            two_byte = False
    elif two_byte and _name(encoding) not in ("Identity-H", "Identity-V"):
        problems.append(f"font {base}: encoding {_name(encoding)}; .notdef not checked")
        two_byte = False
    return code_to_cid, two_byte


def _string_bytes(obj) -> bytes:
    if hasattr(obj, "original_bytes"):
        return obj.original_bytes
    if isinstance(obj, bytes):
        return bytes(obj)
    return str(obj).encode("latin-1", errors="replace")


class _FontScan:
    """Walk pages and form XObjects: collect fonts, decode shown strings, find .notdef."""

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self.fonts: dict[object, _Font] = {}
        self.programs: dict[object, _EmbeddedFont | str] = {}  # decoded once each
        self.problems: list[str] = []
        self._forms_seen: set[object] = set()

    def _font(self, ref, page_number: int) -> _Font | None:
        key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)
        if key not in self.fonts:
            font_dict = _resolve(ref)
            if not isinstance(font_dict, DictionaryObject):
                return None
            font, problems = _load_font(font_dict, self.programs)
            self.fonts[key] = font
            self.problems += problems
        self.fonts[key].info.pages.add(page_number)
        return self.fonts[key]

    def scan_page(self, page, page_number: int) -> None:
        # Per page: a form drawn on every page (an edition's stamp) puts its fonts on every
        # page; within a page the set stops a form that draws itself from recursing forever.
        self._forms_seen = set()
        resources = _resolve(page.get("/Resources")) or DictionaryObject()
        contents = page.get_contents()
        if contents is not None:
            self._scan_stream(contents, resources, page_number)

    def _scan_stream(self, stream, resources: DictionaryObject, page_number: int) -> None:
        font_refs = _resolve(resources.get("/Font")) or DictionaryObject()
        xobjects = _resolve(resources.get("/XObject")) or DictionaryObject()
        for ref in font_refs.values():  # fonts listed but never used still count
            self._font(ref, page_number)
        current: _Font | None = None
        try:
            operations = ContentStream(stream, self.reader).operations
        except Exception as exc:
            self.problems.append(f"page {page_number}: content stream unreadable ({exc})")
            return
        for operands, operator in operations:
            if operator == b"Tf" and operands:
                ref = font_refs.get(operands[0])
                current = self._font(ref, page_number) if ref is not None else None
            elif operator in (b"Tj", b"'", b'"', b"TJ") and current is not None and operands:
                items = operands[-1] if operator != b"TJ" else operands[0]
                strings = items if operator == b"TJ" else [items]
                for item in strings:
                    if not isinstance(item, (int, float)) and not hasattr(item, "as_numeric"):
                        self._check_shown(current, _string_bytes(item), page_number)
            elif operator == b"Do" and operands:
                ref = xobjects.get(operands[0])
                xobject = _resolve(ref)
                key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)
                if (isinstance(xobject, StreamObject) and _name(xobject.get("/Subtype")) == "Form"
                        and key not in self._forms_seen):
                    self._forms_seen.add(key)
                    inner = _resolve(xobject.get("/Resources")) or resources
                    self._scan_stream(xobject, inner, page_number)

    def _check_shown(self, font: _Font, data: bytes, page_number: int) -> None:
        if not font.two_byte or font.embedded is None:
            return
        for i in range(0, len(data) - 1, 2):
            code = (data[i] << 8) | data[i + 1]
            cid = code if font.code_to_cid is None else font.code_to_cid.get(code, 0)
            if cid == 0 or not font.embedded.has_glyph(font.writer_glyph(cid)):
                font.notdef.setdefault(code, font.to_unicode.get(code, ""))
            elif font.verdict(code, cid) is not None:
                font.wrong_pages.add(page_number)


# ---------------------------------------------------------------------------------- lint

def _extract_text(pdf_bytes: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        texts = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()


def _check_page_count(pdf: bytes | int, max_pages: int) -> None:
    """A ``BriefbookError`` if ``pdf`` (bytes, or a page count) has over ``max_pages`` pages.
    Bytes PDFium cannot open pass: the pypdf read reports them as unreadable."""
    if isinstance(pdf, int):
        count = pdf
    else:
        try:
            doc = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError:
            return
        try:
            count = len(doc)
        finally:
            doc.close()
    if count > max_pages:
        raise BriefbookError(f"the PDF has {count:,} pages; the limit is {max_pages:,}; nothing "
                             "was checked", hint="a briefing book has well under a hundred "
                             "pages; split the PDF (e.g. `qpdf --pages`) and lint the parts")


def _pdf_date_ok(value: str) -> bool:
    return bool(re.fullmatch(r"D:\d{4}(\d{2}){0,5}.*", value or ""))


def lint_pdf(pdf_bytes: bytes, *, expected_pages: int | None = None,
             expected_texts: Iterable[str] = (),
             allowed_families: Sequence[str] = DEFAULT_FAMILIES,
             required_metadata: Sequence[str] = REQUIRED_METADATA,
             fonts_dir: Path = FONTS_DIR, max_pages: int = MAX_PDF_PAGES) -> LintReport:
    """Check ``pdf_bytes``; every problem is one entry in ``report.failures``. A PDF of more
    than ``max_pages`` pages is a ``BriefbookError`` before any page is scanned (lint costs
    about 0.1 s a page; see ``checks.rasterise`` for the budget)."""
    report = LintReport()
    _check_page_count(pdf_bytes, max_pages)  # PDFium counts in C, before pypdf walks the tree
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes), strict=False)
        pages = list(reader.pages)
    except (PdfReadError, ValueError, OSError) as exc:
        report.fail("unreadable", f"not a readable PDF ({exc})")
        return report
    _check_page_count(len(pages), max_pages)
    report.page_count = len(pages)
    if expected_pages is not None and report.page_count != expected_pages:
        report.fail("page-count", f"{report.page_count} page(s), expected {expected_pages}")

    _check_metadata(report, reader, required_metadata)
    _check_fonts(report, reader, pages, allowed_families)
    _check_text(report, pdf_bytes, expected_texts, fonts_dir)
    return report


def _check_metadata(report: LintReport, reader: PdfReader,
                    required_metadata: Sequence[str]) -> None:
    """The document's metadata and /Lang into ``report``; a failure for each required one
    missing or a bad CreationDate, a warning for each optional one missing."""
    info: dict[Any, Any] = reader.metadata or {}
    for key, value in info.items():
        report.metadata[str(key).lstrip("/")] = str(value)
    root = _resolve(reader.trailer["/Root"])
    lang = root.get("/Lang")
    if lang is not None:
        report.metadata["Lang"] = str(_resolve(lang))
    for key in (*required_metadata, "Lang"):
        if not report.metadata.get(key, "").strip():
            report.fail("metadata", f"document {key} is missing")
    if "CreationDate" in report.metadata and not _pdf_date_ok(report.metadata["CreationDate"]):
        report.fail("metadata",
                    f"CreationDate {report.metadata['CreationDate']!r} is not a PDF date")
    for key in OPTIONAL_METADATA:
        if not report.metadata.get(key, "").strip():
            report.warn("metadata", f"document {key} is missing")


def _check_fonts(report: LintReport, reader: PdfReader, pages: list[PageObject],
                 allowed_families: Sequence[str]) -> None:
    """Every font the pages use into ``report``, with a failure for each one not embedded,
    not subset, of another family, without ToUnicode, drawing .notdef or the wrong glyphs."""
    scan = _FontScan(reader)
    for number, page in enumerate(pages, start=1):
        scan.scan_page(page, number)
    for problem in scan.problems:
        report.warn("font-scan", problem)
    allowed = {f.casefold() for f in allowed_families}
    wrong_glyphs: dict[str, list[_Font]] = {}  # base font name → its font objects (a merged
    # book repeats a name: one line per name)
    for font in scan.fonts.values():
        info_ = font.info
        report.fonts.append(info_)
        where = f"font {info_.name} (pages {_page_ranges(info_.pages)})"
        if not info_.embedded:
            report.fail("font-not-embedded", f"{where} is not embedded")
        elif not info_.subset:
            report.fail("font-not-subset", f"{where} is embedded whole, not subset")
        if (info_.family or "").casefold() not in allowed:
            report.fail("font-family", f"{where}: family {info_.family!r} is not one of "
                                       f"{', '.join(allowed_families)}")
        if not info_.has_to_unicode:
            report.fail("font-no-tounicode", f"{where} has no ToUnicode map")
        if font.notdef:
            shown = ", ".join(_char_label(t) for t in list(font.notdef.values())[:10])
            report.fail("notdef", f"{where} draws {len(font.notdef)} glyph(s) as .notdef: {shown}")
        if font.wrong_pages:
            wrong_glyphs.setdefault(info_.name, []).append(font)
    for name, fonts in wrong_glyphs.items():
        report.fail("glyph-lookup", _wrong_glyphs(name, fonts))


def _check_text(report: LintReport, pdf_bytes: bytes, expected_texts: Iterable[str],
                fonts_dir: Path) -> None:
    """The text into ``report``, with a failure for a footnote off its call's page, an
    expected text not found, a character the bundled fonts lack, or text that cannot be read."""
    try:
        report.text = _extract_text(pdf_bytes)
    except pdfium.PdfiumError as exc:
        report.fail("unreadable", f"text extraction failed ({exc})")
        return
    try:
        for number, called, printed in footnotes_off_their_page(pdf_bytes):
            report.fail("footnote-page", f"footnote {number} is printed on page {printed}, "
                                         f"its call on page {called}")
    except pdfium.PdfiumError as exc:  # pragma: no cover - text extraction worked above
        report.fail("unreadable", f"footnote scan failed ({exc})")
    whole = normalise_text("".join(report.text))
    for expected in expected_texts:
        needle = normalise_text(expected)
        if needle and needle not in whole:
            report.fail("missing-text", f"text not found: {expected!r}")
    covered = bundled_coverage(str(fonts_dir))
    uncovered = sorted({ch for ch in whole if ord(ch) not in covered})
    if uncovered:
        shown = ", ".join(_char_label(ch) for ch in uncovered[:12])
        more = f" and {len(uncovered) - 12} more" if len(uncovered) > 12 else ""
        report.fail("uncovered-char", f"{len(uncovered)} character(s) in the text are not in "
                                      f"the bundled fonts: {shown}{more}")


#: How many characters a glyph-lookup failure names before "and N more".
WRONG_GLYPHS_SHOWN = 6


def _wrong_glyphs(name: str, fonts: list[_Font]) -> str:
    """One line for the font objects named ``name`` whose glyphs viewers that follow the
    standard would not find: the first characters, how many, the pages, why, what to do."""
    characters: dict[str, str] = {}  # the ToUnicode text → what a standard viewer draws
    pages: set[int] = set()
    for font in fonts:
        pages |= font.wrong_pages
        for code, glyph in font.verdicts.items():
            if glyph is not None:
                characters.setdefault(font.to_unicode.get(code, ""), font.drawn(glyph))
    shown = ", ".join(f"{_char_label(text)} ({drawn})"
                      for text, drawn in list(characters.items())[:WRONG_GLYPHS_SHOWN])
    more = len(characters) - WRONG_GLYPHS_SHOWN
    font = fonts[0]
    if font.descendant == "CIDFontType0" and font.embedded and font.embedded.cid_to_gid is not None:
        why = ("its embedded CFF font is CID-keyed with CIDs other than its glyph ids, and the "
               "codes are glyph ids (/CIDToGIDMap /Identity, which CFF fonts do not use)"
               if font.identity_map else
               "the codes are not CIDs of its embedded CID-keyed CFF font")
        why += ("; render with a font whose CIDs equal its glyph ids "
                "(`briefbook font fix IN OUT` writes one)")
    else:
        why = "the codes do not select their characters' glyphs in the embedded font"
    where = f"page{'s' if len(pages) > 1 else ''} {_page_ranges(pages)}"
    return (f"font {name} ({where}): {len(characters)} character(s) print "
            f"wrong in viewers that follow the PDF standard (MuPDF, pdf.js, Ghostscript; pdfium "
            f"and Poppler show them right): {shown}{f' and {more} more' if more > 0 else ''}"
            f" — {why}")


def _page_ranges(numbers: set[int]) -> str:
    """``1-3,5``."""
    parts: list[str] = []
    for number in sorted(numbers):
        if parts and number == int(parts[-1].rpartition("-")[2]) + 1:
            parts[-1] = f"{parts[-1].partition('-')[0]}-{number}"
        else:
            parts.append(str(number))
    return ",".join(parts) or "-"


def _char_label(text: str) -> str:
    if not text:
        return "(unknown character)"
    return " ".join(f"U+{ord(c):04X} {c!r}" for c in text)


