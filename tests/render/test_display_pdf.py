"""Issue 27 items 3, 4, 7 and 8, measured in the PDF: opening marks at a line start hang half
an em, Han and digits a quarter-em apart on the cover, the masthead and the cards, display
lines broken at phrases, spaced headings without U+3000, running heads with the chapter's
title, a short footnote rule and emphasis in the serif bold.

The book is a brief written for these tests (青禾, 澄江: no real city) rendered on A5 by the
real Renderer, its key-figure cards and table rows given labels and figures written here;
a one-page sheet on A4 shows the masthead.
"""

from __future__ import annotations

import dataclasses
import subprocess

import pypdfium2 as pdfium
import pytest
from plugins.pdf_text import Placed, placed_chars

from briefbook.checks.lint import normalise_text

MM = 72 / 25.4
HEADING = "澄江区推进政务服务改革：“一网通办”与“接诉即办”的进展和问题"
BRIEF = f"""\
title: 青禾2023城市更新简报
subtitle: 青禾市推进老城更新与社区治理：承诺与进展（2022—2023）
issuer: 青禾城市研究室
edition: 第12期
date: 2021-08-02
classification: 内部资料
question: 本册回答一个问题：青禾承诺了什么，后来做到了什么？
paper: A5
summary:
  text: |
    两年来青禾市把老城更新和社区治理放在一起推进，本册逐项对照承诺与其后的报道。
  metrics: [graduates-retained, party-members-to-communities]
table:
  metrics: [graduates-retained, emergency-circle-central, party-units-to-communities]
sections:
  - heading: {HEADING}
    commentary: |
      青禾市把*接诉即办*列为今年的头号工程，街道每周通报办理情况。

      报道只给出街道数，没有给出办结率，口径还需核实。
    metrics: [party-units-to-communities]
    quotes: [cjrb-2021-07-25/s3/p3, hbrb-2020-06-29/s6/p1, cjw-2020-12-22/s3/p2,
             cjrb-2021-07-25/s5/p4]
  - heading: 老城更新
    quotes: [hbrb-2020-06-29/s5/p1]
appendix: {{sources: true, methodology: false}}
"""
SHEET = """\
title: 澄江区2023年社区食堂简报
issuer: 澄江区民政局
edition: 第7期
date: 2021-08-02
cover: false
contents: false
summary:
  text: |
    澄江区今年新开社区食堂，本页列出承诺与报道。
  metrics: [graduates-retained]
"""


def relabel(row, label, pledged=None):
    row = dataclasses.replace(row, label=label)
    if pledged is not None:
        row = dataclasses.replace(row, pledged=dataclasses.replace(row.pledged, display=pledged))
    return row


@pytest.fixture(scope="module")
def book_pdf(renderer, tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("display") / "qinghe.yaml"
    path.write_text(BRIEF, encoding="utf-8")
    book = renderer.book(path)
    first, second = book.key_figures
    cards = (relabel(first, "“接诉即办”街道覆盖率", "新增12000个"),
             relabel(second, "青禾市社区食堂", "落实社区“吹哨报到”制度"))
    table = (relabel(book.table[0], "“接诉即办”街道覆盖率", "《青禾日报》称全面推开"),
             relabel(book.table[1], "口袋公园建设数量"), book.table[2])
    book = dataclasses.replace(book, key_figures=cards, table=table)
    html = renderer.html(book)
    return renderer.write_keeping_footnotes(html, renderer.charts(book), where=str(path))


@pytest.fixture(scope="module")
def sheet_pdf_a4(renderer, tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("display") / "sheet.yaml"
    path.write_text(SHEET, encoding="utf-8")
    return renderer.render(path)


@pytest.fixture(scope="module")
def chars(book_pdf) -> list[Placed]:
    return placed_chars(book_pdf)


def find(chars: list[Placed], text: str, *, page: int | None = None) -> list[list[Placed]]:
    """Every place ``text`` is printed (consecutive characters), on ``page`` if given."""
    joined = "".join(c.char for c in chars)
    found, at = [], joined.find(text)
    while at >= 0:
        if page is None or chars[at].page == page:
            found.append(chars[at:at + len(text)])
        at = joined.find(text, at + 1)
    assert found, f"{text!r} not printed"
    return found


def heading(chars: list[Placed], text: str) -> Placed:
    """The first character of ``text`` where it is printed largest (the heading, not the
    contents or the running head)."""
    return max(find(chars, text), key=lambda hit: hit[0].size)[0]


def lines_with(chars: list[Placed], first: Placed) -> str:
    """The text of the printed line ``first`` is on (same page and baseline)."""
    return "".join(c.char for c in chars if c.page == first.page and abs(c.y - first.y) < 0.5)


def gap_em(before: Placed, after: Placed) -> float:
    """The space between two characters on a line, in em: ``after``'s origin less the end of
    ``before``'s advance (1 em for a Han character)."""
    return (after.x - before.x - before.size) / before.size


# ---- item 3: opening marks at a line start --------------------------------------------------

def test_opening_marks_at_a_line_start_hang_half_an_em(chars):
    """An opening “ or 《 that starts a table cell, a card's label or a heading's line sits
    half an em left of where the cell's, card's or heading's text starts (its blank half
    taken out), measured against a line of the same box that starts with a Han character."""
    table_page = find(chars, "口袋公园建设数量")[0][0].page
    quote_cell = find(chars, "“接诉即办”街道覆盖率", page=table_page)[0][0]
    plain_cell = find(chars, "口袋公园建设数量", page=table_page)[0][0]
    book_cell = find(chars, "《青禾日报》称", page=table_page)[0][0]
    card = find(chars, "“接诉即办”街道覆盖率", page=quote_cell.page - 1)[0][0]
    plain_card = find(chars, "青禾市社区食堂")[0][0]
    heading_first = heading(chars, "一、澄江区推进")
    heading_second = heading(chars, "“一网通办”与")
    assert heading_second.y < heading_first.y, "the heading's second line starts with “"
    for mark, edge, what in ((quote_cell, plain_cell, "cell"), (book_cell, plain_cell, "cell 《"),
                             (card, plain_card, "card"), (heading_second, heading_first, "h1")):
        offset = (mark.x - edge.x) / mark.size
        assert offset == pytest.approx(-0.5, abs=0.06), (what, offset)


# ---- item 4: Han–number spacing everywhere -------------------------------------------------

def test_cover_and_cards_put_a_quarter_em_between_han_and_digits(chars):
    cover = [c for c in chars if c.page == 1]
    title = find(cover, "禾2023")[0]  # 30 pt, letter-spaced 0.08 em
    assert gap_em(title[0], title[1]) == pytest.approx(0.08 + 0.25, abs=0.03)
    for text in ("第12期", "2021年8月2日"):
        hit = find(cover, text)[0]
        han = next(i for i, c in enumerate(hit) if not c.char.isdigit())
        pair = (hit[han], hit[han + 1]) if han == 0 else (hit[han - 1], hit[han])
        gap = (pair[1].x - pair[0].right) / pair[0].size
        assert gap == pytest.approx(0.25, abs=0.03), text
    value = find(chars, "新增12000个")[0]
    assert gap_em(value[1], value[2]) == pytest.approx(0.25, abs=0.03)


def test_the_masthead_puts_a_quarter_em_between_han_and_digits(sheet_pdf_a4):
    sheet = [c for c in placed_chars(sheet_pdf_a4) if c.page == 1]
    title = find(sheet, "澄江区2023年")[0]
    assert gap_em(title[2], title[3]) == pytest.approx(0.25, abs=0.03)
    edition = find(sheet, "第7期")[0]
    assert gap_em(edition[0], edition[1]) == pytest.approx(0.25, abs=0.03)
    issuer_end = find(sheet, "民政局")[0][-1]
    assert gap_em(issuer_end, edition[0]) == pytest.approx(1.0, abs=0.05)  # not a U+3000
    assert "\u3000" not in "".join(c.char for c in sheet)


# ---- item 7: display text broken at phrases ------------------------------------------------

def test_cover_lines_break_at_phrases_into_near_equal_lines(chars):
    cover = [c for c in chars if c.page == 1]
    first = find(cover, "青禾市推进")[0][0]
    second = find(cover, "承诺与进展")[0][0]
    assert lines_with(cover, first) == "青禾市推进老城更新与社区治理："
    assert lines_with(cover, second) == "承诺与进展（2022—2023）"
    assert lines_with(cover, find(cover, "青禾2023")[0][0]) == "青禾2023"
    assert lines_with(cover, find(cover, "城市更新简报")[0][0]) == "城市更新简报"
    # the sources line of the colophon breaks after a semicolon, never inside a name or date
    source = find(cover, "资料来源")[0][0]
    below = sorted({round(c.y, 1) for c in cover if c.y <= source.y and c.size < 10}, reverse=True)
    colophon = [lines_with(cover, next(c for c in cover if round(c.y, 1) == y)) for y in below]
    assert colophon[0].startswith("资料来源") and len(colophon) >= 2
    for line in colophon[:-1]:
        assert line.endswith("；"), colophon


def test_a_card_keeps_its_quoted_term_on_one_line(chars):
    hit = find(chars, "“吹哨报到”")[0]
    assert len({round(c.y, 1) for c in hit}) == 1


def test_a_long_heading_breaks_at_its_colon(chars):
    first = heading(chars, "一、澄江区推进")
    assert lines_with(chars, first) == "一、澄江区推进政务服务改革："


# ---- item 8: the small things ------------------------------------------------------------

def test_spaced_headings_have_no_ideographic_space(book_pdf, tmp_path):
    doc = pdfium.PdfDocument(book_pdf)
    titles = [b.get_title() for b in doc.get_toc()]
    doc.close()
    assert "目录" in titles and "摘要" in titles
    assert not any("\u3000" in t for t in titles if normalise_text(t) in ("目录", "摘要"))
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(book_pdf)
    for layout in ([], ["-layout"]):
        text = subprocess.run(["pdftotext", *layout, str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "目\u3000录" not in text and "摘\u3000要" not in text
        assert "\u3000" not in text.replace("附录一\u3000资料来源", "")


def test_contents_has_the_subheadings_under_their_chapters(book_pdf, chars):
    """Two levels on one A5 page: a chapter's subheadings run in on a line under it, indented
    and smaller, each with its page."""
    doc = pdfium.PdfDocument(book_pdf)
    pages = {normalise_text(b.get_title()): b.get_dest().get_index() + 1 for b in doc.get_toc()}
    doc.close()
    assert pages["目录"] == 2 and pages["摘要"] == 3
    contents = "".join(c.char for c in chars if c.page == 2)
    for entry in ("摘要", "一、澄江区推进政务服务改革", "二、老城更新"):
        assert entry in contents, entry
    for sub in ("关键数字", "各项指标状态一览", "承诺与进展", "进展经过", "原文摘录"):
        assert f"{sub}{pages[sub]}" in contents, sub
    sub = find(chars, "关键数字", page=2)[0]
    chapter = find(chars, "摘要", page=2)[0][0]
    assert sub[0].x > chapter.x + chapter.size and sub[0].size < chapter.size
    assert lines_with(chars, sub[0]).startswith("关键数字3各项指标状态一览")


def test_running_heads_carry_the_chapter_title(book_pdf, chars):
    """Not on the page where a chapter opens under its heading; on its later pages, its title
    (a long one up to its colon) in the top margin."""
    doc = pdfium.PdfDocument(book_pdf)
    starts = {normalise_text(b.get_title()): b.get_dest().get_index() + 1 for b in doc.get_toc()}
    height = doc[0].get_size()[1]
    doc.close()
    opening = next(page for title, page in starts.items() if title.startswith("一、"))
    following = starts["二、老城更新"]

    def head(page: int) -> str:
        return "".join(c.char for c in chars if c.page == page and c.y > height - 20 * MM)

    assert "澄江区" not in head(opening) and "二、" not in head(following)
    assert "一、澄江区推进政务服务改革" in head(opening + 1)
    assert "“一网通办”" not in head(opening + 1)
    assert "青禾2023城市更新简报" in head(opening + 1)  # the book's title stays


def test_the_footnote_rule_is_a_third_of_the_measure(book_pdf, chars):
    """The rule above the footnotes, found as the grey pixels just above the first note."""
    note = next(c for c in chars if c.size < 8 and c.char == "1" and
                lines_with(chars, c).startswith("1."))
    doc = pdfium.PdfDocument(book_pdf)
    page = doc[note.page - 1]
    scale = 4
    image = page.render(scale=scale).to_pil().convert("L")
    height = page.get_size()[1]
    doc.close()
    top = int((height - note.y - note.size * 1.6) * scale)
    rows = [[x for x in range(image.width) if image.getpixel((x, y)) < 230]
            for y in range(top - 4 * scale, top + int(note.size * 0.6 * scale))]
    rule = max((row for row in rows if row), key=len)
    width_mm = (rule[-1] - rule[0]) / scale / MM
    measure_mm = 32 * 10 / MM  # A5: 32 characters of 10 pt
    assert rule[0] / scale == pytest.approx(note.x, abs=2.5)
    assert width_mm == pytest.approx(measure_mm / 3, rel=0.08)


def test_emphasis_is_set_in_the_serif_bold(chars):
    emphasis = find(chars, "接诉即办列为")[0]
    assert all("Serif-Bold" in c.font for c in emphasis[:4])
    assert "Serif-Bold" not in emphasis[4].font and "Sans" not in emphasis[4].font
