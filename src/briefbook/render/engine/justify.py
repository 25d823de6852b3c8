"""Line-level Chinese typesetting WeasyPrint 70.0 lacks: justification, loose lines and clean
line edges.

Takes: nothing (``patch()`` replaces five WeasyPrint functions; ``engine.pinned.install``
calls it once per process, on the pinned version only).
Gives:
- ``text-align: justify`` that also stretches the gaps between Han characters and full-width
  marks, so justified Chinese lines end flush at the right margin (clreq 3.8);
- loose lines absorbed before they are stretched: a justified line that wraps with an em or
  more to spare first takes more text by setting its last mark half-width (clreq 3.1.6: a
  line-end 。，、；：？！ or closing bracket may drop its blank half; ``compressed_line``), and
  no line is letter-spaced more than ``MAX_STRETCH_EM`` — past it the rest of its width stays
  at its end;
- the quarter-em beside a Latin run in a span of its own (``.latin.han-before/.han-after``, a
  corpus id after Han) dropped where the run starts or ends a line, so lines neither start
  indented nor end short (the quarter-ems inside a text, engine/spacing.py, need no trimming:
  their marker has no neighbour at a line's edge).

WeasyPrint 70.0 justifies by counting spaces only (``layout/inline.py``
``count_expandable_spaces``) and turning the extra width into Pango letter-spacing on those
spaces (``text/line_break.py`` ``Layout.set_text(justify=True)``). Chinese has no spaces, so
its lines stay ragged. Here a text box that contains CJK characters counts its characters as
expandable units, and its Pango layout gets the same letter-spacing on each of its CJK runs.
Pango puts letter-spacing between graphemes and half of it at each end of a run, but none at
the ends of its own line (``adjust_line_letter_spacing``), and each text box is a layout of
its own: a box of n CJK characters grows by n units, less half a unit at each of its ends
where a CJK character stands (``expandable_units``) — the count the line divides its extra
width by, so the line ends flush.

The patch is pinned: any other WeasyPrint version leaves WeasyPrint untouched (and the page
baselines in tests/ fail loudly, so the change is seen).
"""

from __future__ import annotations

from math import inf

from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import pango

from briefbook.core import typerules
from briefbook.core.chars import FULL_WIDTH_CHAR, FULL_WIDTH_RUN
from briefbook.render.engine import spacing


def cjk_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each run of full-width characters (``core.chars``)."""
    return [m.span() for m in FULL_WIDTH_RUN.finditer(text)]


def cjk_units(text: str) -> int:
    """CJK characters of a text (Latin and spaces never stretch)."""
    return sum(end - start for start, end in cjk_runs(text))


def expandable_units(text: str) -> float:
    """How many letter-spacings a text box grows by when each of its CJK runs is letter-spaced:
    one per CJK character, less the half Pango leaves off at each end of the box's own line
    (its layout's first and last run) where a CJK character stands."""
    units = cjk_units(text)
    if not units:
        return 0.0
    return (units - 0.5 * (FULL_WIDTH_CHAR.match(text[0]) is not None)
            - 0.5 * (FULL_WIDTH_CHAR.match(text[-1]) is not None))


def _has_cjk(box) -> bool:
    """Whether a line (or inline box) holds CJK text."""
    if isinstance(box, boxes.TextBox):
        return cjk_units(box.text) > 0
    return any(_has_cjk(child) for child in getattr(box, "children", ()))


def _classes(box) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def trim_edge_spacing(line, inline_box_type) -> None:
    """Drop the Han/Latin quarter-em of a run that begins or ends ``line`` (a LineBox)."""
    children = line.children
    if not children:
        return
    first = _edge(children[0], inline_box_type, 0)
    last = _edge(children[-1], inline_box_type, -1)
    if first is not None and "han-before" in _classes(first) and first.margin_left:
        shift = first.margin_left
        first.margin_left = 0
        # everything to the right of the run's left margin moves left: the run's content,
        # then whatever follows it on the line (its wrappers' later children included)
        for child in first.children:
            child.translate(-shift, 0)
        for box in _after(line, first):
            box.translate(-shift, 0)
        line.width -= shift
    if last is not None and "han-after" in _classes(last) and last.margin_right:
        line.width -= last.margin_right
        last.margin_right = 0


def _edge(box, inline_box_type, index: int):
    """The innermost inline box at the line's start (index 0) or end (-1): a Latin run may
    sit inside a nowrap span (a date, a bound last pair) that itself starts or ends the line."""
    while isinstance(box, inline_box_type):
        if "latin" in _classes(box):
            return box
        kids = getattr(box, "children", None)
        if not kids:
            return None
        box = kids[index]
    return None


def _after(line, target) -> list:
    """Boxes that follow ``target`` on the line: its later siblings at every level up."""
    out: list = []

    def walk(box) -> bool:
        for i, child in enumerate(box.children):
            if child is target or (hasattr(child, "children") and walk(child)):
                out.extend(box.children[i + 1:])
                return True
        return False

    walk(line)
    return out


#: The largest letter-spacing justification gives a line of Chinese text, in em of its type
#: size. Past it the line keeps this spacing and the rest of its width stays at its end (the
#: line is not flush): a line that needs more has lost a unit to the next line that no break
#: inside a date, no compressed mark and no quote break could bring back.
MAX_STRETCH_EM = 0.25
#: A wrapped justified line with at least this much room left (in em) first tries to take more
#: text by setting its last mark half-width (clreq 3.1.6): what it can take is at least a
#: character and the mark, so less room could never gain anything.
COMPRESS_FROM_EM = 1.0


def compressed_line(split_first_line, text, style, context, max_width, is_line_start):
    """The first line of ``text`` taking more text than fits in ``max_width``, made to fit by
    setting its last mark half-width, as ``split_first_line`` gives lines; or None when the
    text that more room would bring does not end with such a mark, or still does not fit."""
    half = style["font_size"] / 2
    layout, length, resume, _width, height, baseline = split_first_line(
        text, style, context, max_width + half, 0, is_line_start=is_line_start)
    line_text = layout.text
    if not typerules.line_end_mark(line_text):
        return None
    spacing.compress_end(style, line_text)
    layout.setup(style)
    layout.set_text(line_text)
    first_line, _ = layout.get_first_line()
    width, _ = line_break.line_size(first_line, style)
    layout.deactivate()
    if width > max_width:
        spacing.compress_end(style, line_text, False)
        return None
    return layout, length, resume, width, height, baseline


def patch() -> None:
    """Patch WeasyPrint (only through ``engine.pinned.install``: once, on the pinned version)."""

    spaces_only = inline.count_expandable_spaces
    set_text = line_break.Layout.set_text
    remove_last_whitespace = inline.remove_last_whitespace
    split_first_line = inline.split_first_line

    def count_expandable(box):
        if isinstance(box, boxes.TextBox):
            return expandable_units(box.text) or spaces_only(box)
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            return sum(count_expandable(child) for child in box.children)
        return 0

    def set_text_cjk(self, text, justify=False):
        spacing = self.justification_spacing if justify else 0
        if not (spacing and cjk_units(text)):
            return set_text(self, text, justify)
        set_text(self, text, justify=False)  # style spacing only; we add justification below
        letter_spacing = self.style["letter_spacing"]
        base = 0 if letter_spacing == "normal" else letter_spacing
        attrs = pango.pango_layout_get_attributes(self.layout)
        if attrs == line_break.ffi.NULL:
            attrs = line_break.ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        # One attribute per CJK run: Pango adds the spacing between its characters and half
        # at each end of the run, none at the ends of the box's line (expandable_units).
        for start, end in cjk_runs(self.text):
            attr = pango.pango_attr_letter_spacing_new(int((base + spacing) * line_break.TO_UNITS))
            attr.start_index = len(self.text[:start].encode())
            attr.end_index = len(self.text[:end].encode())
            pango.pango_attr_list_change(attrs, attr)
        pango.pango_layout_set_attributes(self.layout, attrs)

    def justify_line_capped(context, line, extra_width):
        """WeasyPrint's ``justify_line``, with a line of Chinese letter-spaced at most
        ``MAX_STRETCH_EM`` (the rest of its width stays at its end)."""
        units = count_expandable(line)
        if not units:
            return
        spacing = extra_width / units
        if _has_cjk(line):
            spacing = min(spacing, MAX_STRETCH_EM * line.style["font_size"])
        inline.add_word_spacing(context, line, spacing, 0)

    def split_compressing(text, style, context, max_width, justification_spacing,
                          is_line_start=True, minimum=False):
        """WeasyPrint's ``split_first_line``; a justified line that wraps with an em or more
        to spare first tries to take more text by setting its last mark half-width."""
        first = split_first_line(text, style, context, max_width, justification_spacing,
                                 is_line_start=is_line_start, minimum=minimum)
        if (minimum or first[2] is None or max_width is None or max_width == inf
                or style["text_align_all"] != "justify"
                or max_width - first[3] < COMPRESS_FROM_EM * style["font_size"]):
            return first
        return compressed_line(split_first_line, text, style, context, max_width,
                               is_line_start) or first

    def trim_line_edges(context, line):
        remove_last_whitespace(context, line)  # runs before alignment: widths can still change
        trim_edge_spacing(line, boxes.InlineBox)

    inline.count_expandable_spaces = count_expandable
    line_break.Layout.set_text = set_text_cjk
    inline.remove_last_whitespace = trim_line_edges
    inline.justify_line = justify_line_capped
    inline.split_first_line = split_compressing
