"""Line-level Chinese typesetting WeasyPrint 70.0 lacks: justification and clean line edges.

Takes: nothing (``patch()`` replaces three WeasyPrint functions; ``engine.pinned.install``
calls it once per process, on the pinned version only).
Gives: ``text-align: justify`` that also stretches the gaps between Han characters and
full-width marks, so justified Chinese lines end flush at the right margin (clreq 3.8); and
the quarter-em beside a Latin run (``.latin.han-before/.han-after``, see typeset.py) dropped
where the run starts or ends a line, so lines neither start indented nor end short.

WeasyPrint 70.0 justifies by counting spaces only (``layout/inline.py``
``count_expandable_spaces``) and turning the extra width into Pango letter-spacing on those
spaces (``text/line_break.py`` ``Layout.set_text(justify=True)``). Chinese has no spaces, so
its lines stay ragged. Here a text box that contains CJK characters counts each character as
one expandable unit, and its Pango layout gets the same amount of letter-spacing on every
character. Pango applies letter-spacing between graphemes and half of it at each end of a
run, so a box of n characters grows by exactly n units — what the line-level count assumed.

The patch is pinned: any other WeasyPrint version leaves WeasyPrint untouched (and the page
baselines in tests/ fail loudly, so the change is seen).
"""

from __future__ import annotations

from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break
from weasyprint.text.ffi import pango

from briefbook.core.chars import FULL_WIDTH_RUN


def cjk_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each run of full-width characters (``core.chars``)."""
    return [m.span() for m in FULL_WIDTH_RUN.finditer(text)]


def cjk_units(text: str) -> int:
    """Expandable units of a text box: its CJK characters (Latin and spaces never stretch)."""
    return sum(end - start for start, end in cjk_runs(text))


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


def patch() -> None:
    """Patch WeasyPrint (only through ``engine.pinned.install``: once, on the pinned version)."""

    spaces_only = inline.count_expandable_spaces
    set_text = line_break.Layout.set_text
    remove_last_whitespace = inline.remove_last_whitespace

    def count_expandable(box):
        if isinstance(box, boxes.TextBox):
            units = cjk_units(box.text)
            return units or spaces_only(box)
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
        # at each end, so a run of n characters grows by n units, as counted above.
        for start, end in cjk_runs(self.text):
            attr = pango.pango_attr_letter_spacing_new(int((base + spacing) * line_break.TO_UNITS))
            attr.start_index = len(self.text[:start].encode())
            attr.end_index = len(self.text[:end].encode())
            pango.pango_attr_list_change(attrs, attr)
        pango.pango_layout_set_attributes(self.layout, attrs)

    def trim_line_edges(context, line):
        remove_last_whitespace(context, line)  # runs before alignment: widths can still change
        trim_edge_spacing(line, boxes.InlineBox)

    inline.count_expandable_spaces = count_expandable
    line_break.Layout.set_text = set_text_cjk
    inline.remove_last_whitespace = trim_line_edges
