"""Papers designed, not shrunk, and pages broken where a typesetter breaks them (issue 27,
items 1 and 5), measured in real PDFs (WeasyPrint, the bundled fonts, pypdfium2's character
boxes: plugins/pdf_pages.py).

- every paper: its page, a measure of a whole number of body characters (full lines exactly
  N em wide, a line of Han at one em per character), the side margins the design table says;
- a book with a cover mirrors its margins, running head and folio about the gutter, laid out
  whole or chapter by chapter; a note keeps equal margins;
- tables: each metric's name whole on one line, nothing past the table's rule (A5);
- breaks, on A4, A5, B5 and 16K, in the example books and in a book of another city: no
  heading or introducing line ends a page, no table row is alone on a page, no status badge
  leaves its list; and the measure finds these faults where the rules are switched off;
- a two-section brief with a summary, a table, a chart and its sources fits two A4 pages.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from plugins.lanwan import LONG_NAMES, lanwan, lanwan_renderer  # noqa: F401  (fixtures)
from plugins.pdf_pages import break_faults, lines, lone_rows, norm, on_paper, stranded, text_block

from briefbook.brief import json_schema
from briefbook.project.config import Paper
from briefbook.project.stylesheet import BOOK_PAGES, BOOK_TYPE, MM
from briefbook.render.book.markdown import commentary
from briefbook.render.book.model import CHART_WIDTH_IN

PAPERS = [paper.value for paper in Paper]
#: the example books the break tests lay out on each paper (the A5 note is itself an example)
BOOKS = ("full-book", "topic-public-health", "note-grassroots", "summary-sheet")
EPSILON_PT = 0.05
#: how far a justified line of mixed text may overshoot the measure (the justification's
#: rounding, 0.14 pt at most seen): still inside the rule to the eye
OVERSHOOT_PT = 0.25


def page_count(pdf: bytes) -> int:
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


# ---- the design table ----------------------------------------------------------------------

def test_every_paper_is_designed_and_offered():
    assert set(PAPERS) == set(BOOK_TYPE) == set(BOOK_PAGES) == set(CHART_WIDTH_IN)
    assert {"A4", "A5", "B5", "16K", "letter"} == set(PAPERS)
    assert BOOK_TYPE["16K"].size_mm == (185, 260) and BOOK_TYPE["B5"].size_mm == (176, 250)
    assert "16K" in str(json_schema())
    for name, design in BOOK_TYPE.items():
        assert design.measure_mm + 2 * design.side_mm == pytest.approx(design.size_mm[0])
        assert design.side_mm - design.gutter_mm / 2 >= 14, name  # the outer margin
        assert CHART_WIDTH_IN[name] * 25.4 <= design.measure_mm, name  # charts at 100 %
    # A5 and B5 have their own type, not A4's
    assert BOOK_TYPE["A5"].body_pt < BOOK_TYPE["A4"].body_pt
    assert BOOK_TYPE["B5"].table_pt < BOOK_TYPE["A4"].table_pt


# ---- the measure: a whole number of characters -----------------------------------------------

#: Commentary of this test's own, in long clauses, so that many lines hold Han alone.
MEASURE_TEXT = """\
      城市更新不是把旧房子推倒重来而是在原有街巷肌理上一点一点修补让老街坊住得更舒服也让年轻人愿意留下来，这一年里市里把停车电梯学位绿道四件事排在前面每一件都落到具体的街道和小区并且按月公布进度接受居民监督。

      停车泊位的缺口主要在老城区医院和学校周边早晚高峰尤其紧张新增的泊位优先放在这些地方同时建设智能引导系统让司机在进城之前就知道哪里还有空位从而减少绕行带来的拥堵和尾气。

      加装电梯牵涉每一个单元的全体住户意见常常难以统一街道和社区需要一户一户上门沟通讲清楚费用怎样分摊以后怎样维护低楼层住户的采光和噪声顾虑怎样解决这些细致工作往往比施工本身更花时间。
"""


def measure_brief(paper: str) -> str:
    return (f"title: 澜湾城市更新札记\ndate: 2024-01-20\npaper: {paper}\ncover: false\n"
            "contents: false\nappendix: {sources: false, methodology: false}\n"
            "sections:\n  - heading: 四件事\n    commentary: |\n" + MEASURE_TEXT)


@pytest.mark.slow
@pytest.mark.parametrize("paper", PAPERS)
def test_the_measure_is_a_whole_number_of_characters(lanwan_renderer, lanwan, paper):  # noqa: F811
    design = BOOK_TYPE[paper]
    path = lanwan.briefs_dir / f"measure-{paper}.yaml"
    path.write_text(measure_brief(paper), encoding="utf-8")
    pdf = lanwan_renderer.render(path)
    found = lines(pdf)
    assert (round(found[0].width_pt / MM, 1), round(found[0].height_pt / MM, 1)) == \
        design.size_mm
    left = design.side_mm * MM
    measure = design.measure_chars * design.body_pt
    body = [line for line in text_block(found, design.top_mm, design.bottom_mm)
            if all(abs(size - design.body_pt) < 0.01 for size in line.sizes)]
    assert len(body) >= 8
    for line in body:  # inside the text block, whatever the line
        assert line.left >= left - EPSILON_PT and line.right <= left + measure + EPSILON_PT
    full = [line for line in body if line.right > left + measure - design.body_pt]
    han = [line for line in full if re.fullmatch(r"[\u4e00-\u9fff]+", line.chars)]
    assert len(han) >= 3, [line.text for line in full]
    for line in full:  # every full line spans exactly N em, from the left margin on
        assert line.right == pytest.approx(left + measure, abs=EPSILON_PT), line.text
    for line in han:  # a line of Han fills the measure at one em each: nothing stretched
        indent = 2 if line.left > left + design.body_pt else 0  # a paragraph's first line
        assert line.left == pytest.approx(left + indent * design.body_pt, abs=EPSILON_PT)
        assert len(line.chars) == design.measure_chars - indent
        pitches = {round(b - a, 2) for a, b in itertools.pairwise(line.origins)}
        assert pitches == {design.body_pt}, (line.text, pitches)


# ---- two-sided books ---------------------------------------------------------------------------

def edges(pdf: bytes, paper: str) -> dict[int, tuple[float, float, float | None, list]]:
    """Per page: the left edge of its text block's least indented line, of its least indented
    line of body type (None on a page without one: a table's cells sit inside its padding),
    its right edge, and the lines of the page margins (running heads, folio)."""
    design = BOOK_TYPE[paper]
    found = lines(pdf)
    block = text_block(found, design.top_mm, design.bottom_mm)
    margins = [line for line in found if line not in block]
    out = {}
    for page in sorted({line.page for line in block}):
        on = [line for line in block if line.page == page]
        body = [line.left for line in on if abs(line.size - design.body_pt) < 0.01]
        out[page] = (min(line.left for line in on), max(line.right for line in on),
                     min(body, default=None), [line for line in margins if line.page == page])
    return out


@pytest.mark.slow
def test_a_book_with_a_cover_mirrors_margins_heads_and_folios(lanwan_renderer, lanwan):  # noqa: F811
    design = BOOK_TYPE["A5"]
    path = lanwan.briefs_dir / "book-A5.yaml"
    path.write_text(on_paper((lanwan.briefs_dir / "book.yaml").read_text(encoding="utf-8"),
                             "A5"), encoding="utf-8")
    whole = lanwan_renderer.render(path)
    width = design.size_mm[0] * MM
    outer, inner = ((design.side_mm - design.gutter_mm / 2) * MM,
                    (design.side_mm + design.gutter_mm / 2) * MM)
    pages = edges(whole, "A5")
    assert len(pages) >= 8
    flush = 0
    for page, (left, right, body_left, margin_lines) in pages.items():
        if page == 1:
            continue  # the cover: a recto of its own design
        recto = page % 2 == 1
        assert left >= (inner if recto else outer) - EPSILON_PT, page
        if body_left is not None and body_left == pytest.approx(inner if recto else outer,
                                                                 abs=EPSILON_PT):
            flush += 1
        assert right <= width - (outer if recto else inner) + OVERSHOOT_PT, page
        title = next(line for line in margin_lines if norm("澜湾城市更新观察") in line.key)
        folio = next(line for line in margin_lines if line.key.startswith(f"第{page}页"))
        if recto:  # the outer edge is the right one: title and folio end there
            assert title.right == pytest.approx(width - outer, abs=0.5), page
            assert folio.right == pytest.approx(width - outer, abs=0.5), page
        else:
            assert title.left == pytest.approx(outer, abs=0.5), page
            assert folio.left == pytest.approx(outer, abs=0.5), page
    # chapter by chapter (two runs), every chapter starts on its side
    parallel = edges(lanwan_renderer.render(path, jobs=2), "A5")
    assert {p: round(v[0], 1) for p, v in parallel.items()} == \
        {p: round(v[0], 1) for p, v in pages.items()}
    assert flush >= 4  # pages with a paragraph's full line, flush with the margin it expects


@pytest.mark.slow
def test_a_note_is_one_sided_with_equal_margins(example_pdfs):
    design = BOOK_TYPE["A5"]
    pages = edges(example_pdfs["note-grassroots-a5"], "A5")
    assert len(pages) >= 2
    flush = set()
    for page, (left, right, body_left, _margin) in pages.items():
        assert left >= design.side_mm * MM - EPSILON_PT, page
        if body_left == pytest.approx(design.side_mm * MM, abs=EPSILON_PT):
            flush.add(page % 2)
        assert right <= (design.side_mm + design.measure_mm) * MM + OVERSHOOT_PT, page
    assert flush == {0, 1}  # a paragraph flush with the same margin on even and odd pages


# ---- tables on a narrow measure ----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("book", ["lanwan", "full-book"])
def test_a5_table_keeps_names_whole_and_inside_the_rule(lanwan_renderer, lanwan, renderer,  # noqa: F811
                                                        example_on_paper, book):
    if book == "lanwan":
        path = lanwan.briefs_dir / "book-A5.yaml"
        path.write_text(on_paper((lanwan.briefs_dir / "book.yaml").read_text(encoding="utf-8"),
                                 "A5"), encoding="utf-8")
        pdf = lanwan_renderer.render(path)
        names = LONG_NAMES
    else:
        path, pdf = example_on_paper("full-book", "A5")
        names = [row.label for row in renderer.book(path).table]
    design = BOOK_TYPE["A5"]
    width = design.size_mm[0] * MM
    found = lines(pdf)
    keys = [line.key for line in found]
    for name in names:  # a name never broken: some line starts with the whole of it
        assert any(key.startswith(norm(name)) for key in keys), name
    outer, inner = ((design.side_mm - design.gutter_mm / 2) * MM,
                    (design.side_mm + design.gutter_mm / 2) * MM)
    for line in found:  # no text box past the table's (the text block's) right rule
        limit = width - (outer if line.page % 2 else inner)
        assert line.right <= limit + OVERSHOOT_PT, (line.page, line.text)


# ---- breaks ------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "A5", "B5", "16K"])
def test_example_books_break_where_a_typesetter_would(renderer, example_on_paper, paper):
    faults = []
    for name in (*BOOKS, "note-grassroots-a5") if paper == "A4" else BOOKS:
        path, pdf = example_on_paper(name, paper)
        book = renderer.book(path)
        faults += [f"{name} on {book.paper}: {fault}"
                   for fault in break_faults(pdf, book, renderer.html(book))]
    assert faults == []


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["B5", "16K"])
def test_a_book_of_another_city_breaks_well(lanwan_renderer, lanwan, paper):  # noqa: F811
    path = lanwan.briefs_dir / f"book-{paper}.yaml"
    path.write_text(on_paper((lanwan.briefs_dir / "book.yaml").read_text(encoding="utf-8"),
                             paper), encoding="utf-8")
    pdf = lanwan_renderer.render(path)
    book = lanwan_renderer.book(path)
    assert break_faults(pdf, book, lanwan_renderer.html(book)) == []


#: Five metrics, a rubric-like table and a status list, each set below a spacer that leaves
#: just too little room: without the break rules a heading, an introducing line or a single
#: row ends the page; with them, none does.
ROWS = "".join(
    f'<tbody class="metric-group"><tr class="metric-name"><td class="metric" colspan="3">'
    f'澜湾指标{i}<span class="topic-cell">停车与交通</span></td></tr>'
    '<tr class="metric-figures"><td>8000个<span class="period">2023年</span>'
    '<span class="source">澜湾日报<br>lwrb-2023-02-10/s2/p1</span></td><td>—</td>'
    '<td><span class="badge">未见报道</span></td></tr></tbody>' for i in range(5))
METRICS = ('<h2>承诺与进展</h2><table class="metrics stacked"><colgroup><col class="col-pledged">'
           '<col class="col-reported"><col class="col-status"></colgroup><thead><tr><th>承诺</th>'
           f'<th>报道</th><th>状态</th></tr></thead>{ROWS}</table>')
RUBRIC = ('<p class="lead-in">每项指标的承诺与报道均逐字引自报道。状态依下列规则判定：</p>'
          '<table class="rubric"><thead><tr><th>状态</th><th>含义</th></tr></thead><tbody>'
          + "".join(f"<tr><td>状态{i}</td><td>{'按本册的规则判定的含义' * 4}</td></tr>"
                    for i in range(6)) + "</tbody></table>")
SWITCHED_OFF = """
h1, h2, .lead-in { break-after: auto !important; }
tr, tbody { break-before: auto !important; }
"""


@pytest.mark.slow
@pytest.mark.parametrize(("body", "spacer_mm", "fault"), [
    (METRICS, 214, "row"), (METRICS, 236, "heading"), (RUBRIC, 236, "lead-in")])
def test_the_measure_finds_what_the_break_rules_prevent(renderer, body, spacer_mm, fault):
    html = (f'<html lang="zh-Hans"><body class="paper-a4 breaks-none">'
            f'<div style="height: {spacer_mm}mm"></div>{body}</body></html>')
    design = BOOK_TYPE["A4"]

    def faults(extra_css: str | None) -> list:
        with renderer.writer.strict("test"):
            pdf = renderer.writer.layout(html, extra_css).write_pdf()
        if fault == "row":
            return lone_rows(pdf, [("承诺报道状态", [f"澜湾指标{i}" for i in range(5)])])
        return stranded(pdf, top_mm=design.top_mm, bottom_mm=design.bottom_mm,
                        headings=["承诺与进展"], heading_pt=design.h2_pt)

    assert faults(SWITCHED_OFF), "the spacer no longer puts the break where it should"
    assert faults(None) == []


def test_a_paragraph_that_introduces_a_list_keeps_with_it():
    html = str(commentary("对照时要分清两类口径：\n\n- 事项的个数；\n- 办件的数量。\n\n最后一句："))
    assert html.startswith('<p class="lead-in">')
    assert html.endswith("</ul><p>" + html.split("</ul><p>")[1])  # the last one introduces nothing
    assert html.count("lead-in") == 1


# ---- a short book on two pages -----------------------------------------------------------------

#: A two-section topic brief of this test's own: a summary, a table, a chart, two sections
#: with a quote each and the sources list. Before issue 27 it took three A4 pages, the last
#: holding only the tail of the sources list.
TWO_PAGES = """\
title: 超大城市治理简报
subtitle: 专题简报：营商环境——减税降费与政务服务
issuer: 城市治理研究组
edition: 第4期
date: 2021-08-23
classification: 内部资料
cover: false
contents: false
summary:
  text: |
    2020年6月的九次全会把营商环境列为“五张网”之一，提出打造国家营商环境标杆城市。一年后的报告没有再提标杆城市的评选，而是报出了一组做法和数字：减税降费、“一事联办”、网上办事和区块链电子证照。
table:
  topics: [营商环境, 政务服务]
charts:
  - kind: status-breakdown
    title: 营商环境与政务服务：各状态的指标数
sections:
  - heading: 减税降费与民营企业
    commentary: |
      减税降费586亿元是报道中最大的一笔数字，但事先并无对应的承诺，只能列为“仅有报道”。民营企业500强的入围家数同样如此。
    quotes: [cjrb-2021-07-25/s4/p4]
  - heading: 政务服务
    commentary: |
      报告称“一事联办”事项已经上线，网上可办的民生事项也有了数字。对照时要分清两类口径：

      - 事项的个数，说明覆盖面；
      - 办件的数量，说明用得多不多，报告没有给出。
    quotes: [cjrb-2021-07-25/s4/p5]
appendix:
  sources: true
  methodology: false
"""


@pytest.mark.slow
def test_a_two_section_brief_fits_two_a4_pages(renderer, write_brief):
    path = write_brief(TWO_PAGES, "two-pages.yaml")
    pdf = renderer.render(path)
    assert page_count(pdf) == 2
    text = "".join(line.key for line in lines(pdf))
    for part in ("摘要", "承诺与报道对照表", "一、减税降费与民营企业", "二、政务服务",
                 "图1营商环境与政务服务：各状态的指标数", "附录一资料来源", "编号cjw-2020-12-22"):
        assert norm(part) in text, part
    book = renderer.book(path)
    assert break_faults(pdf, book, renderer.html(book)) == []


@pytest.mark.slow
def test_two_page_note_still_fits(example_pdfs):
    assert page_count(example_pdfs["note-grassroots"]) == 2


def test_design_table_lives_in_the_stylesheet_too():
    """book.css states each paper's measure as N × body size (the numbers BOOK_TYPE holds)."""
    css = (Path(__file__).resolve().parents[2] / "src/briefbook/templates/book.css").read_text(
        encoding="utf-8")
    for name, design in BOOK_TYPE.items():
        width = f"{design.size_mm[0]:g}mm"
        chars = f"{design.measure_chars} * {design.body_pt:g}pt"
        points = f"{design.measure_chars * design.body_pt:g}pt"
        assert f"calc(({width} - {chars}) / 2)" in css, name
        # a two-sided book's pages: ± half the gutter
        assert f"calc(({width} - {points}) / 2 + {design.gutter_mm / 2:g}mm)" in css, name
        assert f"calc(({width} - {points}) / 2 - {design.gutter_mm / 2:g}mm)" in css, name
