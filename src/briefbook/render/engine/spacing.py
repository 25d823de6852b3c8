"""Chinese spacing inside WeasyPrint's own text: Han–Latin gaps, where lines may break,
bound paragraph ends and half-width punctuation, with no element per gap.

Takes: an HTML tree before styling (``lighten``), and nothing else (``patch()`` wraps three
WeasyPrint 70.0 functions; ``engine.pinned.install`` calls it once per process, on the pinned
version only). Gives:

- the tree without the spans ``book/typeset.py`` writes for a browser that this module makes
  needless (``lighten``: a Latin run's span, a ``nowrap`` date, range or last pair);
- every text box of the laid-out document, footnotes too, marked by ``core.typerules.mark``
  right after WeasyPrint builds its boxes (bookmarks and running strings are taken before, so
  they never see a marker): a zero-width space before a Latin run that follows Han (and
  before “ / after ”, where UAX #14 refuses the break Chinese allows), a word joiner after a
  Latin run that Han follows (a number keeps its unit; a date breaks only between its parts)
  and around a range's dash, and joiners through the last two characters of each paragraph
  (each line box's last text) so no last line holds one character;
- each Pango layout of such a text given its quarter-ems and ``halt`` marks as attributes
  (``Layout.set_text``): the marker between a Han character and a Latin run gets a letter
  spacing of a quarter-em, which Pango puts half on each side of the zero-width marker — so the
  gap is exactly there, and gone where the marker ends a line (it has no neighbour); of two
  adjacent marks one is set half-width (``core.typerules.halves``), and the last mark of a
  line ``justify.compressed_line`` took more text by (``compress_end``);
- those gaps drawn exactly: WeasyPrint 70.0 writes the advance of an empty glyph (the marker)
  in the wrong unit (``draw/text.py``: ``-width / font_size``, 1.024 × too wide), so the
  marker's width is given in the unit that line expects before it is drawn.

Why: each ``<span>`` costs WeasyPrint a box to cascade, split and draw; the full book had 801
spans for gaps and 832 for unbreakable dates and pairs, and line layout dominated its render.
The markers print nothing and extractors never see them (tests/render/test_copied_text.py); the
gaps are ordinary text-show adjustments that ``engine/bridge.py`` folds into glyph advances.
"""

from __future__ import annotations

import re

from weasyprint import document
from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.text import line_break
from weasyprint.text.ffi import ffi, pango
from weasyprint.text.fonts import font_features

from briefbook.core import typerules

#: The Han–Latin gap (clreq 3.2.4), in em of the text's font size.
GAP_EM = 0.25
#: Where a style keeps the lines whose last mark is set half-width (``compress_end``).
_COMPRESSED = "_briefbook_compressed_ends"
#: Where a layout keeps the compressed end its rules were added with (``rules_unchanged``).
_RULED_END = "_briefbook_ruled_end"
#: Set on a layout whose markers have their drawing widths (``exact_empty_widths``).
_EXACT = "_briefbook_exact"
#: Pango units per point, and the unit WeasyPrint 70.0 writes an empty glyph's width in.
_EMPTY_SCALE = 1000 / 1024


#: Classes of the spans ``book/typeset.py`` gives a browser for what this module does in
#: WeasyPrint's own text: a Latin run's quarter-em, an unbreakable date, range or last pair.
DONE_HERE = frozenset({"latin", "han-before", "han-after", "nowrap"})
#: Inside these, a ``nowrap`` span is a display text's planned phrase (book/display.py): kept.
PLANNED = "balanced"


_LATIN_SPAN = re.compile(
    r'<span class="latin(?: han-before)?(?: han-after)?(?: nowrap)?">([^<]*)</span>')
_REF_SPAN = re.compile(r'(<span class="ref(?: latin han-before)?">)'
                       r'((?:[^<]|<span class="nowrap">[^<]*</span>|<wbr>)*)</span>')
_REF_PIECE = re.compile(r'<span class="nowrap">|</span>|<wbr>')
_NOWRAP_SPAN = re.compile(r'<span class="nowrap">([^<]*)</span>')
_SPAN_EDGE = re.compile(r"<span\b|</span>")


def lighten_html(html: str) -> str:
    """``lighten`` done on the HTML text before it is parsed (so the parser never meets those
    spans either), for the exact spans ``book/typeset.py`` writes: a Latin run's span, a
    corpus id's pieces, a ``nowrap`` span holding only text outside a display text's planned
    lines (``<span class="balanced" …>``, kept as written). Anything else is left to
    ``lighten``, which works on the parsed tree."""
    html = _LATIN_SPAN.sub(r"\1", html)
    html = _REF_SPAN.sub(lambda m: m.group(1) + _REF_PIECE.sub("", m.group(2)) + "</span>", html)
    out: list[str] = []
    pos = 0
    for start, end in _planned_regions(html):
        out += [_NOWRAP_SPAN.sub(r"\1", html[pos:start]), html[start:end]]
        pos = end
    out.append(_NOWRAP_SPAN.sub(r"\1", html[pos:]))
    return "".join(out)


def _planned_regions(html: str) -> list[tuple[int, int]]:
    """(start, end) of each ``<span class="balanced" …>…</span>``, its nested spans counted."""
    regions: list[tuple[int, int]] = []
    start = html.find(f'<span class="{PLANNED}"')
    while start != -1:
        depth = 0
        for edge in _SPAN_EDGE.finditer(html, start):
            depth += 1 if edge.group() == "<span" else -1
            if depth == 0:
                regions.append((start, edge.end()))
                break
        else:
            regions.append((start, len(html)))
        start = html.find(f'<span class="{PLANNED}"', regions[-1][1])
    return regions


def lighten(root) -> int:
    """Unwrap, in an HTML tree before WeasyPrint styles it, the spans it would otherwise lay out
    for what this module does inside the text (their text joins the text around them):
    a Latin run's ``latin`` span, a ``nowrap`` date, range or last pair (not a display text's
    planned phrase), and inside a corpus id (``ref``) its ``nowrap`` pieces and ``<wbr>``
    (Pango breaks such an id only after a "/" by itself). ``halt`` spans, addresses and every
    other element stay. Gives the number of elements taken out."""
    return _lighten(root, planned=False, in_ref=False)


def _lighten(parent, *, planned: bool, in_ref: bool) -> int:
    removed = 0
    index = 0
    while index < len(parent):
        child = parent[index]
        classes = set((child.get("class") or "").split())
        removed += _lighten(child, planned=planned or PLANNED in classes,
                            in_ref=in_ref or "ref" in classes)
        if child.tag == "wbr" and in_ref or child.tag == "span" and classes and (
                "latin" in classes and classes <= DONE_HERE
                or classes == {"nowrap"} and (in_ref or not planned)):
            kept = len(child)
            _unwrap(parent, index, child)
            removed += 1
            index += kept
        else:
            index += 1
    return removed


def _unwrap(parent, index: int, child) -> None:
    """Put ``child``'s text, children and tail in its place in ``parent``."""
    text, tail = child.text or "", child.tail or ""
    if index:
        before = parent[index - 1]
        before.tail = (before.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    grandchildren = list(child)
    parent.remove(child)
    for offset, grandchild in enumerate(grandchildren):
        parent.insert(index + offset, grandchild)
    if grandchildren:
        last = grandchildren[-1]
        last.tail = (last.tail or "") + tail
    elif index:
        before = parent[index - 1]
        before.tail = (before.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def mark_boxes(root, footnotes=()) -> None:
    """Mark every text box under ``root`` and in ``footnotes`` (``core.typerules.mark``); the
    last text of each line box (a paragraph, a cell, a heading) and of each footnote binds its
    last two characters. (WeasyPrint keeps footnotes apart from the tree and makes their line
    boxes only when it lays them out.)"""
    for box in root.descendants():
        if isinstance(box, boxes.LineBox):
            _mark(list(_texts(box)))
    for footnote in footnotes:
        _mark([box for box in footnote.descendants() if isinstance(box, boxes.TextBox)])


def _mark(texts: list) -> None:
    """Mark ``texts`` (one paragraph's text boxes, in order), binding the last one's end."""
    last = next((t for t in reversed(texts)
                 if t.text.strip() and "::" not in (t.element_tag or "")), None)
    for text_box in texts:
        text_box.text = typerules.mark(text_box.text, bind_end=text_box is last)


def _texts(box):
    """The text boxes of a line box, in order, through its inline boxes (not into inline
    blocks or images: their lines are line boxes of their own)."""
    for child in box.children:
        if isinstance(child, boxes.TextBox):
            yield child
        elif isinstance(child, boxes.InlineBox):
            yield from _texts(child)


def _byte_offsets(text: str, offsets: list[int]) -> list[int]:
    """UTF-8 byte offsets of the sorted character ``offsets`` in ``text``."""
    out: list[int] = []
    pos = size = 0
    for offset in offsets:
        size += len(text[pos:offset].encode())
        pos = offset
        out.append(size)
    return out


def _fresh_attributes(layout) -> None:
    """Give ``layout`` the attributes its style alone sets (its font features), dropping those
    an earlier text of the same layout was given (their offsets belong to that text)."""
    style = layout.style
    features = font_features(
        style["font_kerning"], style["font_variant_ligatures"], style["font_variant_position"],
        style["font_variant_caps"], style["font_variant_numeric"],
        style["font_variant_alternates"], style["font_variant_east_asian"],
        style["font_feature_settings"])
    attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    if features:
        value = ",".join(f"{key} {value}" for key, value in features.items()).encode()
        pango.pango_attr_list_insert(attrs, pango.pango_attr_font_features_new(value))
    pango.pango_layout_set_attributes(layout.layout, attrs)


def compress_end(style, line_text: str, compressed: bool = True) -> None:
    """Have (or no longer have) the last mark of ``line_text`` set half-width wherever a
    layout of this style holds exactly this text (a justified line that took more text by it,
    ``justify.compressed_line``). Kept on the style, so it lasts as long as the boxes."""
    lines = style.__dict__.setdefault(_COMPRESSED, set())
    if compressed:
        lines.add(line_text)
    else:
        lines.discard(line_text)


def _compressed_end(layout) -> int | None:
    """Offset of the mark to set half-width at the end of a compressed line, else None."""
    lines = layout.style.__dict__.get(_COMPRESSED)
    if not lines or layout.text not in lines:
        return None
    stripped = layout.text.rstrip(" \n\t" + typerules.MARKERS)
    return len(stripped) - 1


def rules_unchanged(layout) -> bool:
    """Whether ``layout`` holds the rules its text would get if it were set now: whether its
    line became, or stopped being, a compressed one (``compress_end``) since it was set."""
    return layout.__dict__.get(_RULED_END, -1) == _compressed_end(layout)


def add_rules(layout) -> bool:
    """Add the gaps and the half-width marks of ``layout.text`` to its Pango attributes;
    whether there were any."""
    text = layout.text
    end = _compressed_end(layout)
    if end is None and not typerules.has_rules(text):
        return False
    gaps = typerules.gaps(text)
    halves = typerules.halves(text)
    if end is not None and end not in halves:
        halves = sorted([*halves, end])
    if not (gaps or halves or layout.style["letter_spacing"] != "normal"):
        return False
    attrs = pango.pango_layout_get_attributes(layout.layout)
    if attrs == ffi.NULL:
        attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    spacing = int(GAP_EM * layout.style["font_size"] * line_break.TO_UNITS)
    # a letter-spaced style spaces the markers too: they are characters to Pango, so each
    # would add a letter-spacing of its own; the markers that are no gap get none
    plain = ([] if layout.style["letter_spacing"] == "normal"
             else sorted(set(typerules.markers(text)) - set(gaps)))
    for offset, start in zip(gaps + plain, _byte_offsets(text, gaps) + _byte_offsets(text, plain),
                             strict=True):
        attr = pango.pango_attr_letter_spacing_new(spacing if offset in gaps else 0)
        attr.start_index, attr.end_index = start, start + 3  # a marker is 3 bytes in UTF-8
        pango.pango_attr_list_change(attrs, attr)
    for start, offset in zip(_byte_offsets(text, halves), halves, strict=True):
        attr = pango.pango_attr_font_features_new(b"halt")
        attr.start_index, attr.end_index = start, start + len(text[offset].encode())
        pango.pango_attr_list_insert(attrs, attr)
    pango.pango_layout_set_attributes(layout.layout, attrs)
    return True


def exact_empty_widths(layout) -> None:
    """Give each empty glyph (a marker) of the layout's first line its width in the unit
    WeasyPrint 70.0's ``draw_first_line`` writes it in, so the gap prints as wide as Pango
    laid it out. Once per text set: a layout drawn again (``engine.shortcuts``) keeps them."""
    if layout.__dict__.get(_EXACT):
        return
    layout.__dict__[_EXACT] = True
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)  # as draw_first_line
    line, _ = layout.get_first_line()
    run = line.runs
    while run != ffi.NULL:
        glyphs = run.data.glyphs
        run = run.next
        for i in range(glyphs.num_glyphs):
            info = glyphs.glyphs[i]
            if info.glyph == pango.PANGO_GLYPH_EMPTY and info.geometry.width:
                info.geometry.width = round(info.geometry.width * _EMPTY_SCALE)


def patch() -> None:
    """Patch WeasyPrint (only through ``engine.pinned.install``: once, on the pinned version).
    Installed after ``justify.patch``, so its ``set_text`` runs first and this one wraps it."""
    build = document.build_formatting_structure
    set_text = line_break.Layout.set_text
    draw_first_line = draw_text.draw_first_line

    def build_marked(*args, **kwargs):
        root = build(*args, **kwargs)
        mark_boxes(root, args[6] if len(args) > 6 else kwargs.get("footnotes", ()))
        return root

    def set_text_with_rules(self, text, justify=False):
        if self.__dict__.get("_ruled"):
            _fresh_attributes(self)
        set_text(self, text, justify)
        self.__dict__.pop(_EXACT, None)  # a new text: Pango lays it out again, widths and all
        self._ruled = add_rules(self) or bool(justify and self.justification_spacing)
        self.__dict__[_RULED_END] = _compressed_end(self)

    def draw_first_line_exact(stream, textbox, *args, **kwargs):
        layout = textbox.pango_layout
        if typerules.gaps(layout.text):  # only a spaced marker is an empty glyph with a width
            exact_empty_widths(layout)
        return draw_first_line(stream, textbox, *args, **kwargs)

    document.build_formatting_structure = build_marked
    line_break.Layout.set_text = set_text_with_rules
    draw_text.draw_first_line = draw_first_line_exact
