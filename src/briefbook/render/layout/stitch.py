"""Several PDFs of one book's consecutive pages, stitched into the book's PDF.

Takes: ``Piece`` values in page order — each the PDF WeasyPrint wrote for some of the book's
chapters (laid out with their seams, ``layout.chapters``), the anchors it really holds, and
its pages' bookmarks. Gives: one PDF whose pages are the pieces' pages, unchanged, with what
WeasyPrint would have written for the whole book across them:

- the named destinations of every anchor (``/Names /Dests``), so a link in one piece — the
  contents — reaches its target in another. A piece is written with placeholder anchors for
  targets it lacks (``write_piece``); only each anchor's real piece is taken;
- the outline (bookmarks), rebuilt over all pages as WeasyPrint builds it, so a chapter's
  heading nests under an earlier piece's heading as it does in a one-piece render;
- the first piece's document information, language and viewer settings;
- one embedded program per bundled font: each piece's subset is replaced by the bundled face
  subset to the glyphs all pieces use (``_share_font_programs``), so the book is about as
  large as a one-piece render.

Pages and text are the same as a one-piece render's (tests/render/test_jobs.py). The output
is deterministic: the same pieces give the same bytes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pikepdf
import uharfbuzz as hb
from weasyprint.document import Document
from weasyprint.text.ffi import harfbuzz

from briefbook.core.fonts import face_files

#: WeasyPrint's PDF units per CSS pixel (``write_pdf`` at zoom 1).
SCALE = 0.75


@dataclass(frozen=True)
class Piece:
    pdf: bytes
    anchors: tuple[str, ...]                 # the anchors laid out in this piece (not placeholders)
    bookmarks: tuple[tuple[float, tuple], ...]  # per page: (page height in CSS px, page.bookmarks)
    faces: tuple[tuple[str, str], ...] = ()  # PDF font name → the bundled font file it subsets


def write_piece(document, pages, targets) -> Piece:
    """Write ``pages`` (all or some of WeasyPrint ``document``'s) as a piece. For each link
    target the pages lack, a placeholder anchor is added while writing, so WeasyPrint keeps
    the link; ``stitch`` points it at the real anchor. Caller collects WeasyPrint's warnings."""
    present = {name for page in pages for name in page.anchors}
    missing = sorted({t for t in targets if t not in present})
    for name in missing:
        pages[0].anchors[name] = (0, 0, 0, 0)
    try:
        whole = len(pages) == len(document.pages) and all(
            a is b for a, b in zip(pages, document.pages, strict=True))
        written = document if whole else document.copy(pages)
        pdf = written.write_pdf()
    finally:
        for name in missing:
            pages[0].anchors.pop(name, None)
    anchors = tuple(dict.fromkeys(n for page in pages for n in page.anchors))
    return Piece(pdf, anchors, tuple((page.height, tuple(page.bookmarks)) for page in pages),
                 _faces(written))


def _faces(document) -> tuple[tuple[str, str], ...]:
    """Which bundled font file each of the written document's PDF fonts was subset from
    (told by the file's size, which differs between the bundled faces; a font that matches
    no bundled file, or several, is left out and keeps its own subsets)."""
    by_size: dict[int, list[Path]] = {}
    for path in face_files():
        by_size.setdefault(path.stat().st_size, []).append(path)
    out = []
    for font in getattr(document, "fonts", {}).values():
        blob = harfbuzz.hb_face_reference_blob(font.hb_face)
        try:
            size = harfbuzz.hb_blob_get_length(blob)
        finally:
            harfbuzz.hb_blob_destroy(blob)
        paths = by_size.get(size, [])
        if len(paths) == 1:
            out.append((font.name.decode("ascii", "replace").lstrip("/"), str(paths[0])))
    return tuple(sorted(set(out)))


def stitch(pieces: list[Piece]) -> bytes:
    if len(pieces) == 1:
        return pieces[0].pdf
    book = pikepdf.open(io.BytesIO(pieces[0].pdf))
    sources = [book] + [pikepdf.open(io.BytesIO(p.pdf)) for p in pieces[1:]]
    destinations: dict[str, tuple[int, object, object]] = {}
    first = 0
    for piece, source in zip(pieces, sources, strict=True):
        index = {page.objgen: i for i, page in enumerate(source.pages)}
        dests = _named_destinations(source)
        for name in piece.anchors:
            target = dests.get(name)
            if target is not None and name not in destinations:
                destinations[name] = (first + index[target[0].objgen], target[2], target[3])
        if source is not book:
            with warnings.catch_warnings():
                # pikepdf warns that named destinations are not carried over: they are
                # rebuilt below, for the whole book.
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                book.pages.extend(source.pages)
        first += len(source.pages)

    names = pikepdf.Array()
    for name in sorted(destinations):
        page, x, y = destinations[name]
        names.append(pikepdf.String(name))
        names.append(pikepdf.Array([book.pages[page].obj, pikepdf.Name.XYZ, x, y, 0]))
    if "/Names" not in book.Root:
        book.Root.Names = pikepdf.Dictionary()
    book.Root.Names.Dests = pikepdf.Dictionary(Names=names)

    if "/Outlines" in book.Root:
        del book.Root.Outlines
    _write_outline(book, _bookmark_tree(pieces))
    _share_font_programs(book, dict(face for piece in pieces for face in piece.faces))

    out = io.BytesIO()
    book.save(out, deterministic_id=True)
    for source in sources:
        source.close()
    return out.getvalue()


#: Tables WeasyPrint drops when it subsets a font (weasyprint/pdf/fonts.py, ``_harfbuzz_subset``).
DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT",
                  "SVG ")


def _share_font_programs(book, sources: dict[str, str]) -> None:
    """Give every piece's copy of a font one embedded program: the bundled face subset to all
    the glyphs the pieces use. WeasyPrint subsets with the glyph ids kept (and the text is
    drawn by glyph id through an identity CID map), so each piece's text draws the same
    outlines from the shared program; each piece keeps its own widths and ToUnicode map."""
    groups: dict[str, dict] = {}
    for page in book.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _key, font in fonts.items():
            if font.get("/Subtype") != "/Type0":
                continue
            name = str(font.BaseFont).lstrip("/")
            cid_font = font.DescendantFonts[0]
            descriptor = cid_font.FontDescriptor
            if "/FontFile3" not in descriptor:
                continue
            group = groups.setdefault(name, {})
            group[descriptor.objgen] = (descriptor, cid_font)
    for name, members in groups.items():
        source = sources.get(name)
        programs = {d.FontFile3.objgen for d, _ in members.values()}
        if source is None or len(programs) < 2:
            continue
        glyphs: set[int] = set()
        for _descriptor, cid_font in members.values():
            glyphs.update(_glyph_ids(cid_font.get("/W", [])))
        data = _subset(source, glyphs)
        stream = pikepdf.Stream(book, data)
        stream.Subtype = pikepdf.Name.OpenType
        for descriptor, _cid_font in members.values():
            descriptor.FontFile3 = stream


def _glyph_ids(widths) -> set[int]:
    """The glyph ids a CID font's /W array lists (``c [w …]`` and ``c_first c_last w``)."""
    ids: set[int] = set()
    items = list(widths)
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            ids.update(range(first, first + len(items[i + 1])))
            i += 2
        else:
            ids.update(range(first, int(items[i + 1]) + 1))
            i += 3
    return ids


def _subset(path: str, glyphs: set[int]) -> bytes:
    """``path`` subset to ``glyphs`` as WeasyPrint subsets: ids kept, then trailing glyphs and
    hinting dropped (its two HarfBuzz passes, with its default ``hinting=False``)."""
    face = hb.Face(hb.Blob.from_file_path(path))
    first = hb.SubsetInput()
    first.glyph_set.update(sorted(glyphs))
    first.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED |
                   hb.SubsetFlags.DESUBROUTINIZE)
    first.sets(hb.SubsetInputSets.DROP_TABLE_TAG).update(
        int.from_bytes(tag.encode("ascii"), "big") for tag in DROPPED_TABLES)
    kept = hb.subset(face, first)
    second = hb.SubsetInput()
    second.glyph_set.update(range(max(glyphs) + 1))
    second.flags = (hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE |
                    hb.SubsetFlags.NO_HINTING)
    return hb.subset(kept, second).blob.data


def _named_destinations(pdf) -> dict[str, Any]:
    """name → destination array, from the flat name array WeasyPrint writes."""
    try:
        array = pdf.Root.Names.Dests.Names
    except AttributeError:
        return {}
    return {str(array[i]): array[i + 1] for i in range(0, len(array), 2)}


def _bookmark_tree(pieces: list[Piece]) -> list:
    """WeasyPrint's own bookmark tree, built over all the pieces' pages."""
    pages = [SimpleNamespace(height=height, bookmarks=list(marks))
             for piece in pieces for height, marks in piece.bookmarks]
    return Document.make_bookmark_tree(SimpleNamespace(pages=pages), SCALE, transform_pages=True)


def _write_outline(book, tree: list) -> None:
    """The outline dictionaries for ``tree``, as ``weasyprint.pdf.anchors.add_outlines``."""
    def items(subtrees, parent) -> tuple[list, int]:
        made: list[Any] = []
        count = len(subtrees)
        for title, (page, x, y), children, state in subtrees:
            item = book.make_indirect(pikepdf.Dictionary(
                Title=pikepdf.String(title),
                Dest=pikepdf.Array([book.pages[page].obj, pikepdf.Name.XYZ, x, y, 0])))
            kids, kids_count = items(children, item)
            item.Count = -kids_count if state == "closed" else kids_count
            if state != "closed":
                count += kids_count
            if made:
                item.Prev = made[-1]
                made[-1].Next = item
            if kids:
                item.First, item.Last = kids[0], kids[-1]
            item.Parent = parent
            made.append(item)
        return made, count

    if not tree:
        return
    root = book.make_indirect(pikepdf.Dictionary())
    made, count = items(tree, root)
    root.Count = count
    root.First, root.Last = made[0], made[-1]
    book.Root.Outlines = root
