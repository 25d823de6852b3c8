"""WeasyPrint 70.0's own work, done once instead of again: the same pages, byte for byte, sooner.

Takes: nothing (``patch()`` replaces nine WeasyPrint 70.0 functions and one of tinyhtml5's;
``engine.pinned.install`` calls it once per process, on the pinned version only, after every
other patch). Gives:

- **a text line drawn from the layout that measured it.** WeasyPrint lays each line's text out
  with Pango, drops the layout, and at drawing lays the same text out again from scratch
  (``Layout.reactivate``). The layout is kept instead, and drawn as it is where drawing would
  build the very same one: the same style, one line, no justification spacing added since, the
  same spacing rules (``spacing.rules_unchanged``) and no paragraph break. Any other layout is
  built again, as before. A contents leader's dot is one layout drawn a hundred times.
- **min-content widths only where they decide.** A margin box's width and an inline-block's
  shrink-to-fit width are min(max(min-content, available), max-content): where the
  max-content width fits, that is the answer, and the min-content width — for Chinese text,
  one Pango layout per character — is not measured.
- **each intrinsic width measured once per render.** The running heads, folios, badges and
  periods of every page and row ask for their widths; boxes alike in type, style and text
  (``intrinsic_key``) give the same answer, so it is kept for the render's other boxes.
- **HTML read with its tokenizer's cache working.** tinyhtml5 2.1.0 (WeasyPrint's parser, and
  ``layout.chapters``') keeps a regular expression per set of characters to read up to, but
  stores it under the expression instead of the set, so every call builds it again:
  ``chars_until`` finds it where it looks (the same tree; the full book's HTML read in
  0.11 s, not 0.20). Only on that version (``PINNED_TINYHTML5``).
- **normal flow without a scan.** ``Box.is_in_normal_flow`` asks five questions of the style
  where two lookups answer them, and ``ParentBox.page_values`` filtered every child to take
  the first and last: with each block asking it of its neighbours, a long chapter was quadratic.

Why: in a warm render of the full book these were about a fifth of the time (sampled).
Keeping the layouts does not raise the peak: three renders of the full book in one process
peak at 190 MB with the shortcuts and without. ``disabled()`` restores WeasyPrint's own
functions for a block, so a test can check that the pages come out the same byte for byte
(tests/render/test_shortcuts.py).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from importlib.metadata import version as package_version

from tinyhtml5 import inputstream
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline, page, preferred
from weasyprint.text import line_break
from weasyprint.text.ffi import pango

from briefbook.render.engine import spacing

#: the per-render memo of intrinsic widths, kept on WeasyPrint's layout context
_MEMO = "_briefbook_intrinsic"
#: boxes whose intrinsic width follows from their style and text alone (and their children's)
_PLAIN = (boxes.TextBox, boxes.InlineBox, boxes.LineBox, boxes.BlockBox,
          boxes.InlineBlockBox, boxes.MarginBox)
#: WeasyPrint's functions this module replaces, by (owner, name); filled by ``patch``
_ORIGINALS: dict[tuple[object, str], object] = {}


# ---- a text line drawn from the layout that measured it --------------------------------------

def _keep_layout(layout) -> None:
    """``Layout.deactivate`` that keeps the layout: drawing may draw it as it is, as often as
    it is drawn (a leader's dot is one layout drawn a hundred times)."""


def _reuse_layout(layout, style) -> None:
    """``Layout.reactivate`` that draws the kept layout where a new one would be the same."""
    if "layout" in layout.__dict__ and layout.style is style and _draws_as_new(layout):
        return
    layout.setup(style)
    layout.set_text(layout.text, justify=True)


def _draws_as_new(layout) -> bool:
    """Whether a new layout of this text, set for drawing, would be this one: no justification
    spacing to add, one line (drawing sets no width, so a wrapped layout would differ), the
    spacing rules of the text as they stand now, and no paragraph break (drawing sets the
    single-paragraph mode, which only such a break feels, and Pango would lay it out again)."""
    return (not layout.justification_spacing
            and spacing.rules_unchanged(layout)
            and _one_paragraph(layout.text)
            and layout.get_first_line()[1] is None)


def _one_paragraph(text: str) -> bool:
    """Whether Pango sees one paragraph in ``text`` whatever its single-paragraph mode."""
    return not any(mark in text for mark in "\n\r\u2029")


def _single_paragraph(set_text):
    """``Layout.set_text`` that sets Pango's single-paragraph mode where it changes nothing (a
    text without a paragraph break), so drawing, which sets it, does not lay the line out
    again."""
    def set_text_single(self, text, justify=False):
        set_text(self, text, justify)
        if _one_paragraph(self.text):
            pango.pango_layout_set_single_paragraph_mode(self.layout, True)
    return set_text_single


# ---- each intrinsic width measured once per render ------------------------------------------

def intrinsic_key(box) -> tuple | None:
    """What a box's min- and max-content widths follow from: each box's type and computed
    style (by identity: WeasyPrint shares one style between elements that cascade alike) and
    each text; None for a box holding anything else (an image, a table, a flex container)."""
    if isinstance(box, boxes.TextBox):
        return (id(box.style), box.text)
    if type(box) not in _PLAIN:
        return None
    children = []
    for child in box.children:
        key = intrinsic_key(child)
        if key is None:
            return None
        children.append(key)
    return (type(box), id(box.style), tuple(children))


def _remembered(measure, kind: str):
    """``measure(context, box, outer)`` kept per render under the box's ``intrinsic_key``."""
    def remembered(context, box, outer=True):
        key = intrinsic_key(box)
        if key is None:
            return measure(context, box, outer)
        memo = context.__dict__.setdefault(_MEMO, {})
        found = memo.get((kind, outer, key))
        if found is None:
            # the box is kept with its width: its styles stay alive, so no id in a key is reused
            found = memo[kind, outer, key] = (measure(context, box, outer), box)
        return found[0]
    return remembered


def _shrink_to_fit(min_width, max_width):
    """``preferred.shrink_to_fit`` over the remembered widths, measuring the min-content width
    only when the max-content width does not fit (min(max(min, w), max) is max when w ≥ max).
    The min-content width of Chinese text is the slow one: WeasyPrint lays the text out once
    per character."""
    def shrink_to_fit(context, box, available_content_width):
        widest = max_width(context, box, outer=False)
        if available_content_width >= widest:
            return widest
        return min(max(min_width(context, box, outer=False), available_content_width), widest)
    return shrink_to_fit


def _set_outer(oriented, new_outer_width) -> None:
    """The setter of a margin box's ``OrientedBox.outer``, measuring the min-content width only
    when the max-content width does not fit (as ``_shrink_to_fit``)."""
    widest = oriented.max_content_size
    if new_outer_width - oriented.sugar >= widest:
        oriented.inner = widest
    else:
        oriented.inner = min(max(oriented.min_content_size, new_outer_width - oriented.sugar),
                             widest)


# ---- HTML read with its tokenizer's cache working ------------------------------------------

#: the tinyhtml5 whose ``chars_until`` misses its own cache (requirements.lock pins it)
PINNED_TINYHTML5 = "2.1.0"


def _cached_chars_until(chars_until):
    """``HTMLUnicodeInputStream.chars_until`` with its expression cached where it looks."""
    def cached(stream, characters, opposite=False):
        key = (characters, opposite)
        if key not in inputstream.characters_until_regex:
            body = "".join(f"\\x{ord(character):02x}" for character in characters)
            inputstream.characters_until_regex[key] = re.compile(
                f"[{'' if opposite else '^'}{body}]+")
        return chars_until(stream, characters, opposite)
    return cached


# ---- normal flow without a scan --------------------------------------------------------------

#: ``Box.is_floated``'s values of ``float``
_FLOATS = ("left", "right", "inline-start", "inline-end")


def _in_normal_flow(box) -> bool:
    """``Box.is_in_normal_flow``: not floated, a footnote, absolute, fixed, running or a note."""
    style = box.style
    return style["float"] not in _FLOATS and _in_flow_but_floats(style)


def _in_page_flow(box) -> bool:
    """What ``ParentBox.page_values`` looks through: boxes in normal flow, and floats."""
    style = box.style
    return style["float"] in _FLOATS or _in_flow_but_floats(style)


def _in_flow_but_floats(style) -> bool:
    """Not a footnote, absolute, fixed, running or a note (``Box.is_in_normal_flow`` but for
    its floats)."""
    position = style["position"]
    return (style["float"] != "footnote" and position not in ("absolute", "fixed")
            and position[0] not in ("running()", "note()"))


def _page_values(box) -> tuple:
    """``ParentBox.page_values``: the first and last child in the page flow found from each
    end, instead of a list of every such child."""
    start_value = end_value = box.style["page"]
    children = box.children
    first = next((child for child in children if _in_page_flow(child)), None)
    if first is not None:
        last = next(child for child in reversed(children) if _in_page_flow(child))
        if first is last:
            values = first.page_values()
            start_value = values[0] or start_value
            end_value = values[1] or end_value
        else:
            start_value = first.page_values()[0] or start_value
            end_value = last.page_values()[1] or end_value
    return start_value, end_value


# ---- installing ---------------------------------------------------------------------------------

def _replacements() -> dict[tuple[object, str], object]:
    min_width = _remembered(preferred.min_content_width, "min")
    max_width = _remembered(preferred.max_content_width, "max")
    return {
        (line_break.Layout, "deactivate"): _keep_layout,
        (line_break.Layout, "reactivate"): _reuse_layout,
        (line_break.Layout, "set_text"): _single_paragraph(line_break.Layout.set_text),
        (page, "min_content_width"): min_width,
        (page, "max_content_width"): max_width,
        (inline, "shrink_to_fit"): _shrink_to_fit(min_width, max_width),
        (page.OrientedBox, "outer"): property(page.OrientedBox.outer.fget, _set_outer),
        (boxes.Box, "is_in_normal_flow"): _in_normal_flow,
        (boxes.ParentBox, "page_values"): _page_values,
    } | ({(inputstream.HTMLUnicodeInputStream, "chars_until"): _cached_chars_until(
        inputstream.HTMLUnicodeInputStream.chars_until)}
         if package_version("tinyhtml5") == PINNED_TINYHTML5 else {})


def patch() -> None:
    """Patch WeasyPrint (only through ``engine.pinned.install``: once, on the pinned version).
    Installed last: ``set_text`` wraps the other patches' own."""
    for (owner, name), replacement in _replacements().items():
        _ORIGINALS[owner, name] = getattr(owner, name)
        setattr(owner, name, replacement)


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run the block with WeasyPrint's own functions back in place of these shortcuts."""
    current = {key: getattr(*key) for key in _ORIGINALS}
    for (owner, name), original in _ORIGINALS.items():
        setattr(owner, name, original)
    try:
        yield
    finally:
        for (owner, name), replacement in current.items():
            setattr(owner, name, replacement)
