"""Several PDFs of one book's consecutive pages, stitched into the book's PDF.

Takes: ``Piece`` values in page order — each the PDF WeasyPrint wrote for some of the book's
chapters (laid out with their seams, ``render.chapters``), the anchors it really holds, and
its pages' bookmarks. Gives: one PDF whose pages are the pieces' pages, unchanged, with what
WeasyPrint would have written for the whole book across them:

- the named destinations of every anchor (``/Names /Dests``), so a link in one piece — the
  contents — reaches its target in another. A piece is written with placeholder anchors for
  targets it lacks (``write_piece``); only each anchor's real piece is taken;
- the outline (bookmarks), rebuilt over all pages as WeasyPrint builds it, so a chapter's
  heading nests under an earlier piece's heading as it does in a one-piece render;
- the first piece's document information, language and viewer settings.

Each piece keeps its own subset of each font, so the book is a little larger than a one-piece
render; pages and text are the same (tests/render/test_jobs.py). The output is
deterministic: the same pieces give the same bytes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from types import SimpleNamespace

#: WeasyPrint's PDF units per CSS pixel (``write_pdf`` at zoom 1).
SCALE = 0.75


@dataclass(frozen=True)
class Piece:
    pdf: bytes
    anchors: tuple[str, ...]                 # the anchors laid out in this piece (not placeholders)
    bookmarks: tuple[tuple[float, tuple], ...]  # per page: (page height in CSS px, page.bookmarks)


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
        pdf = (document if whole else document.copy(pages)).write_pdf()
    finally:
        for name in missing:
            pages[0].anchors.pop(name, None)
    anchors = tuple(dict.fromkeys(n for page in pages for n in page.anchors))
    return Piece(pdf, anchors, tuple((page.height, tuple(page.bookmarks)) for page in pages))


def stitch(pieces: list[Piece]) -> bytes:
    import pikepdf

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

    out = io.BytesIO()
    book.save(out, deterministic_id=True)
    for source in sources:
        source.close()
    return out.getvalue()


def _named_destinations(pdf) -> dict[str, object]:
    """name → destination array, from the flat name array WeasyPrint writes."""
    try:
        array = pdf.Root.Names.Dests.Names
    except AttributeError:
        return {}
    return {str(array[i]): array[i + 1] for i in range(0, len(array), 2)}


def _bookmark_tree(pieces: list[Piece]) -> list:
    """WeasyPrint's own bookmark tree, built over all the pieces' pages."""
    from weasyprint.document import Document

    pages = [SimpleNamespace(height=height, bookmarks=list(marks))
             for piece in pieces for height, marks in piece.bookmarks]
    return Document.make_bookmark_tree(SimpleNamespace(pages=pages), SCALE, transform_pages=True)


def _write_outline(book, tree: list) -> None:
    """The outline dictionaries for ``tree``, as ``weasyprint.pdf.anchors.add_outlines``."""
    import pikepdf

    def items(subtrees, parent) -> tuple[list, int]:
        made = []
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
