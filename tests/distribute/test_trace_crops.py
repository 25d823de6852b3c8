"""The tracing mark survives a cut side (issue 24): every bit of the word is drawn in both
side margins, with Reed–Solomon parity, and ``trace`` finds the dot columns wherever they are
in the image. Real copies (WeasyPrint render, editions stamping), real rasterisation
(pypdfium2 at 150 dpi), Pillow crops, turns and JPEG."""

from __future__ import annotations

import binascii
import random
import re

import pypdfium2 as pdfium
import pytest
from PIL import Image

from briefbook.core.errors import BriefbookError
from briefbook.distribute import trace
from briefbook.distribute.editions import Reader, make_editions
from briefbook.distribute.finish import CopyFinish
from briefbook.distribute.trace import dot_boxes_mm, trace_file

DPI = 150
MARGIN_MM = 22.0  # the book's side margins (templates/book.css): a cut there takes all the dots


@pytest.fixture(scope="module")
def two_readers_copies(tmp_path_factory, sheet_brief, sheet_pdf):
    out = tmp_path_factory.mktemp("cut")
    entries = make_editions(sheet_brief, [Reader("赵读者", 3), Reader("钱读者", 4)], out,
                            base=sheet_pdf)
    return out, entries


def page_image(pdf, dpi: int = DPI) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


def cut(image: Image.Image, left=0.0, top=0.0, right=0.0, bottom=0.0) -> Image.Image:
    """``image`` (a whole A4 page) with that many mm cut off each side."""
    px = image.width / 210.0
    return image.crop((round(left * px), round(top * px), image.width - round(right * px),
                       image.height - round(bottom * px)))


def traced_copy(image: Image.Image, folder, out, name: str, **save) -> int:
    path = folder / name
    image.save(path, **save)
    return trace_file(path, out).entry["copy"]


def test_the_cut_margin_held_dots_of_every_bit(two_readers_copies):
    """Sanity for the tests below: a 22 mm cut takes every dot of that side."""
    boxes = dot_boxes_mm(210.0, 297.0)
    assert max(box[2] for box in boxes if box[0] < 105) < MARGIN_MM
    assert min(box[0] for box in boxes if box[0] > 105) > 210.0 - MARGIN_MM


def test_150_dpi_jpeg_with_the_left_margin_cut_off_traces(two_readers_copies, tmp_path):
    out, entries = two_readers_copies
    for entry in entries:
        image = cut(page_image(out / entry["file"]), left=MARGIN_MM)
        assert traced_copy(image, tmp_path, out, "left.jpg", quality=75) == entry["copy"]


def test_150_dpi_jpeg_with_the_right_margin_cut_off_traces(two_readers_copies, tmp_path):
    out, entries = two_readers_copies
    for entry in entries:
        image = cut(page_image(out / entry["file"]), right=MARGIN_MM)
        assert traced_copy(image, tmp_path, out, "right.jpg", quality=75) == entry["copy"]


def test_a_phone_photo_cut_on_three_sides_turned_and_squeezed_traces(two_readers_copies, tmp_path):
    """One side margin, the header and the footer gone, turned 1.5°, JPEG quality 50."""
    out, entries = two_readers_copies
    entry = entries[1]
    image = cut(page_image(out / entry["file"]), right=MARGIN_MM, top=30, bottom=30)
    image = image.rotate(1.5, resample=Image.BICUBIC, expand=True, fillcolor="white")
    assert traced_copy(image, tmp_path, out, "photo.jpg", quality=50) == entry["copy"]


def test_a_page_with_both_side_margins_cut_or_no_mark_is_not_given_a_code(
        two_readers_copies, tmp_path, sheet_pdf):
    out, entries = two_readers_copies
    both = cut(page_image(out / entries[0]["file"]), left=MARGIN_MM, right=MARGIN_MM)
    plain = cut(page_image(sheet_pdf), left=MARGIN_MM)  # the unmarked book, cut like a copy
    for name, image in (("both.jpg", both), ("plain.jpg", plain)):
        image.save(tmp_path / name, quality=75)
        with pytest.raises(BriefbookError, match="no edition mark found"):
            trace_file(tmp_path / name, out)


def test_each_bit_is_drawn_in_both_side_margins(two_readers_copies):
    """From the drawing itself: the columns that carry each bit of the word."""
    width, height = 595.28, 841.89
    ops = trace.dot_content(0x5A5A5A, width, height).decode()
    dots = [(float(x), float(y)) for x, y in re.findall(r"([\d.]+) ([\d.]+) [\d.]+ [\d.]+ re", ops)]
    assert len(dots) == len(trace.COLUMNS_MM) * trace.PAIRS
    columns = sorted({round(x) for x, _ in dots})
    sides = {x: "left" if x < width / 2 else "right" for x in columns}
    carried: dict[int, set[str]] = {}
    for column, x in enumerate(columns):
        for pair in range(trace.PAIRS):
            carried.setdefault(trace._bit_at(column, pair), set()).add(sides[x])
    assert len(carried) == trace.WORD_BITS
    assert all(s == {"left", "right"} for s in carried.values())


def test_reed_solomon_mends_two_wrong_symbols_or_four_missing():
    rng = random.Random(24)
    for _ in range(300):
        word = trace.rs_encode([rng.randrange(16) for _ in range(trace.RS_DATA)])
        wrong = list(word)
        for position in rng.sample(range(trace.RS_N), 2):
            wrong[position] ^= rng.randrange(1, 16)
        assert trace.rs_decode(wrong) == word
        missing = sorted(rng.sample(range(trace.RS_N), 4))
        blanked = [0 if i in missing else s for i, s in enumerate(word)]
        assert trace.rs_decode(blanked, missing) == word


class FormatOneFinish(CopyFinish):
    """Copies as editions drew them before format 2: 24 bits + CRC-16 (init 0xFFFF), bit i
    of the 40 in column i mod 4, 108 rows from 40 mm."""

    def under(self, copy, width_pt, height_pt):
        code = trace.copy_code(self.trace_key, copy)
        value = (code << 16) | binascii.crc_hqx(code.to_bytes(3, "big"), 0xFFFF)
        word = [(value >> (39 - i)) & 1 for i in range(40)]
        sx, sy, dot = width_pt / 210, height_pt / 297, 0.6 * 72 / 25.4
        ops = ["q 0.82 g"]
        pairs = [(column, row) for row in range(0, 108, 2) for column in range(4)]
        for i, (column, row) in enumerate(pairs):
            dotted = row if word[i % 40] else row + 1
            cx, cy = trace.COLUMNS_MM[column] * sx, height_pt - (40 + dotted * 2) * sy
            ops.append(f"{cx - dot / 2:.2f} {cy - dot / 2:.2f} {dot:.2f} {dot:.2f} re")
        ops.append("f Q\n")
        return "\n".join(ops).encode(), {"trace": trace.code_text(code)}


def test_a_copy_made_before_format_2_still_traces_from_a_whole_page(
        tmp_path, sheet_brief, sheet_pdf):
    entries = make_editions(sheet_brief, [Reader("孙读者", 9)], tmp_path, base=sheet_pdf,
                            finish=FormatOneFinish.new())
    copy = tmp_path / entries[0]["file"]
    assert trace_file(copy, tmp_path).entry["copy"] == 9
    assert traced_copy(page_image(copy), tmp_path, tmp_path, "old.jpg", quality=80) == 9
