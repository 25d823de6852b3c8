"""Each run of text on a printed line, marked in the PDF with the characters it holds.

Takes: nothing (``patch()`` replaces WeasyPrint 70.0's drawing of a line box;
``engine.pinned.install`` calls it once per process, on the pinned version only). Gives: every
run of text of a line box drawn inside ``/BriefbookRun <</T (…)>> BDC … EMC``, ``T`` holding the
run's characters exactly as the brief and the corpus have them, for ``engine/bridge.py`` to
finish: it makes the run's gaps part of the glyph advances (and drops the marks) or, for PDF/A,
turns each mark into an ``/ActualText`` span.

A run is the line's text boxes and inline boxes between anything else: an inline-block or an
image (a status badge, say) — whose own lines are runs of their own —, a footnote call or marker,
anything raised or lowered (checks/footnotes.py finds calls by their size and raise). The glyphs,
their positions and every tag stay as they were: the mark sits inside the line's block and
around the runs' own marked content (each text box's MCID sequence under PDF/UA), so the nesting
holds. Pinned to WeasyPrint 70.0 like justify.py and tags.py; checked by
tests/render/test_copied_text.py with pdftotext, pdfium and pdf.js.
"""

from __future__ import annotations

import pydyf
from weasyprint import draw
from weasyprint.formatting_structure import boxes
from weasyprint.stacking import StackingContext

from briefbook.core.chars import ZERO_WIDTH

#: the marked-content tag and the property holding the run's text (engine/bridge.py reads both)
TAG = "BriefbookRun"
TEXT_KEY = "T"

#: Break opportunities that are not text, left out of a run's text: ``<wbr>`` (WeasyPrint keeps
#: it as U+200B in the text box), word joiner, zero-width no-break space.
INVISIBLE = ZERO_WIDTH
#: Inline pseudo-elements kept out of the runs: a footnote's call and marker are found in the
#: PDF by their own size and raise (checks/footnotes.py), which a PDF/A run's ActualText hides.
APART = ("::footnote-call", "::footnote-marker")


def _set_apart(box) -> bool:
    """Whether ``box`` ends a run: a footnote call or marker, or anything raised or lowered."""
    style = getattr(box, "style", None)  # a stacking context (inline-block) has none: ends a run
    tag = getattr(box, "element_tag", "") or ""
    return style is None or tag.endswith(APART) or style["vertical_align"] != "baseline"


def text_runs(children, text_box_type, inline_box_type) -> list[tuple[int, int, str]]:
    """(first, last + 1, text) of each run of children that hold only text: text boxes, and
    inline boxes whose descendants are all text or inline boxes."""
    def text_of(box) -> str | None:
        if _set_apart(box):
            return None
        if isinstance(box, text_box_type):
            return box.text
        if isinstance(box, inline_box_type):  # not inline-blocks or images: no subclass of it
            parts = [text_of(child) for child in box.children]
            return None if None in parts else "".join(parts)  # type: ignore[arg-type]
        return None

    runs: list[tuple[int, int, str]] = []
    invisible = dict.fromkeys(map(ord, INVISIBLE))
    start, parts = None, []
    for index, child in enumerate([*children, None]):
        text = text_of(child) if child is not None else None
        if text is not None:
            start = index if start is None else start
            parts.append(text)
        elif start is not None:
            text = "".join(parts).translate(invisible)
            if text:
                runs.append((start, index, text))
            start, parts = None, []
    return runs


def patch() -> None:
    """Replace WeasyPrint's drawing of a line box (only through ``engine.pinned.install``)."""
    draw_inline_level = draw.draw_inline_level

    def draw_line(stream, page, box, offset_x=0, text_overflow="clip", block_ellipsis="none"):
        """WeasyPrint 70.0's ``draw_inline_level`` for a LineBox, with each text run of the
        line drawn inside its mark."""
        if not isinstance(box, boxes.LineBox):
            return draw_inline_level(stream, page, box, offset_x, text_overflow, block_ellipsis)
        draw.set_mask_border(stream, box)
        draw.draw_background(stream, box.background)
        draw.draw_border(stream, box)
        text_overflow, block_ellipsis = box.text_overflow, box.block_ellipsis
        starts = {}
        ends = set()
        for first, last, text in text_runs(box.children, boxes.TextBox, boxes.InlineBox):
            starts[first] = text
            ends.add(last - 1)
        ellipsis = "none"
        for i, child in enumerate(box.children):
            if i == len(box.children) - 1:
                ellipsis = block_ellipsis
            if isinstance(child, StackingContext):
                child_offset_x = offset_x
            else:
                child_offset_x = offset_x + child.position_x - box.position_x
            if i in starts:
                stream.begin_marked_content(
                    TAG, pydyf.Dictionary({TEXT_KEY: pydyf.String(starts[i])}))
            if isinstance(child, boxes.TextBox):
                with stream.marked(child, "Span"):
                    draw.draw_text(stream, child, child_offset_x, text_overflow, ellipsis)
            else:
                draw.draw_inline_level(stream, page, child, child_offset_x, text_overflow,
                                       ellipsis)
            if i in ends:
                stream.end_marked_content()

    draw.draw_inline_level = draw_line
