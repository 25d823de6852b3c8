"""The bundled fonts, the named character sets, and what the faces cover.

Takes: the fonts folder (``resources.FONTS_DIR``; ``BRIEFBOOK_FONTS_DIR`` points a process at
another one, e.g. the benchmark's copy of an older font release) and ``charsets.json``, which
``scripts/build_fonts.py`` writes beside the faces. Gives: the face files and the
``@font-face`` rules naming them (the one place the CSS of the book and of the editions stamp
learns about font files), the named sets (GB2312, 通用规范汉字表, Big5 common, …), and the
code points the bundled faces can print — shared by the font build, ``doctor``, ``check``,
the render's preflight, ingest and the editions reader list.

Three layers of face, with disjoint character sets (the build checks that), so the order of the
rules does not matter and no ``unicode-range`` is needed:

- the *main* faces — serif and sans, regular and bold — subset to GB2312, the corpus and a
  few symbol blocks, as in earlier releases: glyph ids stay small, and WeasyPrint, which
  embeds every glyph id up to the highest one a PDF uses, keeps PDFs as small as before;
- a *plus* face behind each main face (``…-Plus.otf``) with what the other named sets add
  (通用规范汉字表, Big5 common, punctuation, Latin), so any of that text may be set in any
  family and weight;
- the *supplement* (``NotoSansCJKsc-Bold-Supplement.otf``): every other character of Noto Sans
  CJK SC (rare Han of names such as 𠮷 and 㛃, Extension A/B…, Hangul), one weight only to
  stay inside the repository's font budget. It is declared behind every family and weight,
  so such a character prints wherever it appears — in Sans Bold.

A character neither kind of face maps is refused before WeasyPrint sees it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import BinaryIO

from briefbook.core import resources

FACES = ("NotoSerifCJKsc-Regular.otf", "NotoSerifCJKsc-Bold.otf",
         "NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf")
SUPPLEMENT = "NotoSansCJKsc-Bold-Supplement.otf"


def plus_face(face: str) -> str:
    """``NotoSerifCJKsc-Regular.otf`` → ``NotoSerifCJKsc-Regular-Plus.otf``."""
    stem, dot, ext = face.rpartition(".")
    return f"{stem}-Plus{dot}{ext}"


#: Written by the font build: the named sets as code-point ranges (see ``named_sets``).
CHARSETS_FILE = "charsets.json"


@dataclass(frozen=True)
class Slot:
    """One CSS family and weight, and the main face that sets it."""

    family: str
    weight: int
    face: str


#: The families the templates use. Chart SVGs name the face as matplotlib knows it.
SLOTS = (
    Slot("BB Serif", 400, "NotoSerifCJKsc-Regular.otf"),
    Slot("BB Serif", 700, "NotoSerifCJKsc-Bold.otf"),
    Slot("BB Sans", 400, "NotoSansCJKsc-Regular.otf"),
    Slot("BB Sans", 700, "NotoSansCJKsc-Bold.otf"),
    Slot("Noto Sans CJK SC", 400, "NotoSansCJKsc-Regular.otf"),
)


def fonts_dir() -> Path:
    return resources.FONTS_DIR


def face_files(folder: Path | None = None) -> list[Path]:
    """The bundled faces present in ``folder``: the main four, their plus faces, the supplement
    (an older release has only the main four)."""
    folder = Path(folder or fonts_dir())
    optional = [folder / plus_face(name) for name in FACES] + [folder / SUPPLEMENT]
    return [folder / name for name in FACES] + [p for p in optional if p.is_file()]


def _layers(folder: Path, face: str) -> list[Path]:
    return [folder / face] + [p for p in (folder / plus_face(face), folder / SUPPLEMENT)
                              if p.is_file()]


def font_face_css(folder: Path | None = None, *, slots: tuple[Slot, ...] = SLOTS) -> str:
    """``@font-face`` rules for ``slots``: each main face, its plus face, the supplement.

    All three layers of a slot carry the slot's family and weight, so Pango falls back from
    one to the next for a character the first lacks, ahead of any system font (the family
    match ranks first in fontconfig's sort). Each layer after the main face gets its own
    ``font-stretch`` only so that its Pango font description differs: WeasyPrint 70 keys
    the PDF fonts of a document by that description, and two faces with equal descriptions
    would share one embedded font program (the plus face's glyph ids drawn with the main
    face's outlines). Nothing in the book asks for a stretch, so text is set as before.
    """
    folder = Path(folder or fonts_dir()).resolve()
    rules = []
    for slot in slots:
        for source in _layers(folder, slot.face):
            stretch = LAYER_STRETCH.get(source.name.rsplit("-", 1)[-1], "")
            rules.append(f'@font-face {{ font-family: "{slot.family}"; '
                         f'font-weight: {slot.weight};{stretch} src: url("{source.as_uri()}"); }}')
    return "\n".join(rules) + "\n"


#: Distinct ``font-stretch`` per layer (by the file name's last part), see ``font_face_css``.
LAYER_STRETCH = {"Plus.otf": " font-stretch: semi-expanded;",
                 "Supplement.otf": " font-stretch: expanded;"}


# --- named sets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedSet:
    key: str
    name: str
    source: str
    points: frozenset[int]


def gb2312_codepoints(*, han_only: bool = False) -> set[int]:
    """Every character GB2312 encodes (rows 0xA1–0xF7; Han characters from row 0xB0)."""
    points: set[int] = set()
    for row in range(0xB0 if han_only else 0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


def big5_common_codepoints() -> set[int]:
    """Big5 level 1, the 5,401 common characters (常用字, 0xA440–0xC67E)."""
    points: set[int] = set()
    for code in range(0xA440, 0xC67F):
        try:
            points.add(ord(code.to_bytes(2, "big").decode("big5")))
        except UnicodeDecodeError:
            continue
    return points


def ranges_to_text(points: set[int] | frozenset[int]) -> str:
    """``4E00-4E01,4E03`` — compact and stable, for ``charsets.json``."""
    out: list[str] = []
    ordered = sorted(points)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(f"{ordered[i]:04X}" if i == j else f"{ordered[i]:04X}-{ordered[j]:04X}")
        i = j + 1
    return ",".join(out)


def text_to_ranges(text: str) -> frozenset[int]:
    points: set[int] = set()
    for part in filter(None, text.split(",")):
        low, _, high = part.partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return frozenset(points)


@cache
def named_sets(path: Path | None = None) -> tuple[NamedSet, ...]:
    """The named sets the build recorded (in the package's ``assets/fonts/charsets.json``).

    They are definitions, not properties of a font release, so a ``BRIEFBOOK_FONTS_DIR``
    override still reads them from the package.
    """
    path = Path(path or resources.ASSETS_DIR / "fonts" / CHARSETS_FILE)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return ()
    return tuple(NamedSet(s["key"], s["name"], s["source"], text_to_ranges(s["ranges"]))
                 for s in data["sets"])


def sets_containing(point: int) -> list[str]:
    """Names of the named sets that list ``point`` (for messages)."""
    return [s.name for s in named_sets() if point in s.points]


# --- coverage --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    main: frozenset[int]        # every family and weight maps these (main or plus face)
    supplement: frozenset[int]  # the supplement maps these

    @cached_property
    def printable(self) -> frozenset[int]:
        """``main`` and ``supplement`` together, built once per ``Coverage`` (a union of some
        65,000 code points: rebuilt for every value, it made ``check`` of a brief with 100,000
        values take minutes). ``face_coverage`` keeps one ``Coverage`` per folder and process."""
        return self.main | self.supplement


def _cmap(path: Path) -> set[int]:
    """The code points ``path``'s cmap maps (HarfBuzz: a few ms for all faces, where reading
    the CJK cmaps with fontTools took over a second of every cold render)."""
    # imported here: uharfbuzz costs ~0.1 s, and every command that loads a project imports
    # this module (project/stylesheet.py); only the coverage check reads cmaps
    import uharfbuzz

    return set(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path))).unicodes)


@cache
def face_coverage(folder: Path | None = None) -> Coverage:
    """What the faces in ``folder`` (the bundled fonts by default) print: in every family and
    weight (main and plus faces), and in the supplement. Read once per folder and process."""
    folder = Path(folder or fonts_dir())
    mains = []
    for name in FACES:
        layers = [p for p in (folder / name, folder / plus_face(name)) if p.is_file()]
        mains.append(set().union(*map(_cmap, layers)))
    supplement = folder / SUPPLEMENT
    return Coverage(frozenset(set.intersection(*mains)),
                    frozenset(_cmap(supplement)) if supplement.is_file() else frozenset())


def coverage() -> frozenset[int]:
    """Code points the bundled faces can print, whatever the family and weight."""
    return face_coverage().printable


@dataclass(frozen=True)
class SetCoverage:
    name: str
    total: int
    main: int       # in every family and weight (main or plus faces)
    printable: int  # there or in the supplement


def coverage_by_set(folder: Path | None = None) -> list[SetCoverage]:
    """How much of each named character set (GB2312, 通用规范汉字表 …) the faces print."""
    have = face_coverage(folder)
    return [SetCoverage(s.name, len(s.points), len(s.points & have.main),
                        len(s.points & have.printable)) for s in named_sets()]


def describe_set_coverage(row: SetCoverage) -> str:
    text = f"{row.name} {row.printable:,}/{row.total:,}"
    if row.main != row.printable:
        text += f" ({row.main:,} in every family and weight, the rest in Sans Bold)"
    return text


# --- CID-keyed faces: codes, CIDs and glyph ids -------------------------------------------------
#
# WeasyPrint embeds an OpenType/CFF face as a CIDFontType0 font with Identity-H encoding and writes
# each glyph's *glyph id* as its character code. Under ISO 32000-1 (9.7.4.2, 9.7.6.3) a viewer
# takes that code as a CID and finds the glyph through the CFF charset (CID → glyph); the
# CIDToGIDMap applies to TrueType-based CIDFontType2 fonts only. MuPDF, pdf.js and Ghostscript
# follow the standard; pdfium and Poppler happen to use the code as a glyph id. A face prints
# right in all of them only if every glyph's CID equals its glyph id.


def cid_mismatches(path: Path | BinaryIO) -> int:
    """How many glyphs of a CID-keyed CFF face (a file, or its bytes as a binary file) have a
    CID other than their glyph id (0 for a face that is not CID-keyed: TrueType or name-keyed
    CFF)."""
    from fontTools.ttLib import TTFont  # imported here: ~0.2 s; only a stylesheet's own fonts

    with TTFont(path, lazy=True) as font:
        if "CFF " not in font:
            return 0
        top = font["CFF "].cff.topDictIndex[0]
        if not hasattr(top, "ROS"):
            return 0
        return sum(1 for gid, name in enumerate(top.charset)
                   if gid and not (name.startswith("cid") and int(name[3:]) == gid))


def renumber_cids(source: Path | BinaryIO, target: Path) -> None:
    """Write ``source`` to ``target`` with each glyph's CID set to its glyph id (Adobe-Identity-0
    ordering). Only the CFF charset changes: outlines, metrics, layout tables and the cmap, which
    all address glyphs by id, are copied as they are. Deterministic (no timestamp is touched)."""
    from fontTools.ttLib import TTFont  # imported here: ~0.2 s; only ``font fix`` writes fonts

    with TTFont(source, recalcBBoxes=False, recalcTimestamp=False) as font:
        top = font["CFF "].cff.topDictIndex[0]
        old = list(top.charset)
        new = [".notdef"] + [f"cid{gid:05d}" for gid in range(1, len(old))]
        strings = top.CharStrings
        strings.charStrings = {new[gid]: strings.charStrings[name] for gid, name in enumerate(old)}
        top.charset = new
        top.CIDCount = len(new)
        font.setGlyphOrder(new)
        font.save(target)
