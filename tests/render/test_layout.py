"""Layout that fits the content (issue 12): page flow, paper sizes, line quality, commentary.

Measured in real PDFs (WeasyPrint, bundled fonts, pypdfium2 text boxes) where the claim is
about print; in the Book model or HTML where it is about what the book shows.
"""

import re
import xml.etree.ElementTree as ET

import pypdfium2 as pdfium
import pytest

from briefbook.checks.lint import normalise_text
from briefbook.render.book.model import CHART_WIDTH_IN, chart_jobs
from briefbook.render.book.markdown import commentary
from briefbook.render.book.typeset import typeset

from plugins.pdf_text import lone_characters, pdf_lines
from plugins.example import BRIEFS_DIR

NOTE = BRIEFS_DIR / "note-grassroots.yaml"
NOTE_A5 = BRIEFS_DIR / "note-grassroots-a5.yaml"
MM = 72 / 25.4


def page_texts(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [normalise_text(doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    finally:
        doc.close()


# ---- page flow -------------------------------------------------------------------------

@pytest.mark.slow
def test_two_section_topic_note_fits_two_a4_pages(example_pdfs):
    pages = page_texts(example_pdfs["note-grassroots"])
    assert len(pages) == 2
    text = "".join(pages)
    for part in ("摘要", "承诺与报道对照表", "一、党员干部下沉社区", "二、减负清单与街道改革",
                 "图1基层治理：何时承诺，何时报道", "推进党员干部下沉社区常态化"):
        assert normalise_text(part) in text, part


@pytest.mark.slow
def test_breaks_choose_where_pages_start(renderer, write_brief):
    text = NOTE.read_text(encoding="utf-8")
    counts = {}
    for breaks in ("chapters", "sections", "none"):
        pdf = renderer.render(write_brief(text + f"breaks: {breaks}\n", f"{breaks}.yaml"))
        pages = page_texts(pdf)
        counts[breaks] = len(pages)
        if breaks != "none":  # each section opens its page
            for heading in ("一、党员干部下沉社区", "二、减负清单与街道改革"):
                page = next(p for p in pages if normalise_text(heading) in p)
                body = re.sub(r"第\d+页共\d+页", "", page).replace("超大城市治理简报", "")
                assert body.replace("内部资料", "").startswith(normalise_text(heading)), heading
    assert counts["chapters"] >= counts["sections"] > counts["none"] == 2


@pytest.mark.slow
def test_no_page_holds_only_a_masthead(renderer, write_brief):
    # no cover, no summary, chapters: the table still starts under the masthead
    path = write_brief("title: 简报\nissuer: 研究组\ndate: 2021-08-01\ncover: false\n"
                      "contents: false\nbreaks: chapters\ntable: {topics: [公共卫生]}\n"
                      "appendix: {sources: false, methodology: false}\n")
    first = page_texts(renderer.render(path))[0]
    assert normalise_text("承诺与报道对照表") in first
    assert normalise_text("中心城区医疗急救圈") in first


# ---- paper sizes -------------------------------------------------------------------------

@pytest.mark.slow
def test_a5_note_is_a5_with_charts_at_full_size_and_type_of_7pt_or_more(example_pdfs, renderer):
    doc = pdfium.PdfDocument(example_pdfs["note-grassroots-a5"])
    assert {tuple(round(v / MM) for v in page.get_size()) for page in doc} == {(148, 210)}
    doc.close()
    book = renderer.book(NOTE_A5)
    text_width_pt = (148 - 30) * MM  # book.css @page a5 margins 15 mm each side
    jobs = chart_jobs(book)
    assert jobs
    for job in jobs:
        assert job.width_in == CHART_WIDTH_IN["A5"]
        svg = ET.fromstring(renderer.chart_svg(job))
        width = float(svg.get("width").removesuffix("pt"))
        assert width <= text_width_pt  # printed at 100 %: never scaled down to fit
        sizes = [float(m) for m in re.findall(r"font(?:-size)?:\s*([\d.]+)px",
                                              renderer.chart_svg(job).decode())]
        assert sizes and min(sizes) >= 7, sizes  # SVG px at 72/in = pt


@pytest.mark.slow
def test_a5_key_figures_are_full_width_cards(example_pdfs):
    """Each card's label starts at the left of the text block (cards are stacked)."""
    doc = pdfium.PdfDocument(example_pdfs["note-grassroots-a5"])
    page = doc[0].get_textpage()
    text = page.get_text_range()
    lefts = []
    for label in ("到社区报到的单位党组织", "到社区报到的党员干部"):
        index = text.index(label)
        lefts.append(page.get_charbox(index)[0])
    doc.close()
    assert abs(lefts[0] - lefts[1]) < 1


@pytest.mark.slow
def test_ids_and_dates_never_break_in_table_columns(example_pdfs):
    for name in ("note-grassroots-a5", "note-grassroots", "full-book"):
        lines = [line.strip() for _page, line in pdf_lines(example_pdfs[name])]
        for line, after in zip(lines, lines[1:] + [""], strict=True):
            for match in re.finditer(r"(cjrb|hbrb|cjw)(\S*)", line):
                assert re.match(r"-\d{4}-\d{2}-\d{2}", match.group(2)), (name, line)
            broken_date = (re.search(r"\d{4}\s*年$", line) and re.match(r"\d{1,2}\s*月", after)) or (
                re.search(r"\d\s*月$", line) and re.match(r"\d{1,2}\s*日", after))
            assert not broken_date, (name, line, after)


@pytest.mark.slow
def test_string_too_long_for_its_box_is_broken_not_cut_off(renderer, write_brief):
    word = "A" * 160
    path = write_brief("title: 简报\nissuer: 研究组\ndate: 2021-08-01\npaper: A5\ncover: false\n"
                      f"contents: false\nsections: [{{heading: 甲, commentary: 编号{word}。}}]\n"
                      "appendix: {sources: false, methodology: false}\n")
    pdf = renderer.render(path)
    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    width = page.get_size()[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars()) if text[i] == "A"]
    doc.close()
    assert normalise_text(word) in normalise_text(text)  # every letter printed
    assert max(box[2] for box in boxes) <= width - 15 * MM + 1  # inside the text block


# ---- Chinese line quality ----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.stem for p in BRIEFS_DIR.glob("*.yaml")))
def test_no_lone_character_on_a_last_line(example_pdfs, name):
    assert lone_characters(example_pdfs[name]) == []


@pytest.mark.slow
def test_lone_character_measure_sees_what_binding_prevents(renderer):
    """Paragraphs of 60–110 characters: with the last character in an element of its own
    (where the engine's binding of a paragraph's last text cannot reach it), some end with one
    character on their last line (the measure finds them); as plain text, none does
    (render/engine/spacing.py joins the last two characters of each paragraph)."""
    base = "武汉提出织密公共卫生防护网打造中心城区医疗急救圈试行公共卫生总师制度争取补短板项目支持"
    texts = [(base * 3)[:n] + "。" for n in range(60, 110)]

    def pdf(bound: bool) -> bytes:
        body = "".join(f"<p>{typeset(t)}</p>" if bound else
                       f"<p>{typeset(t[:-2])}<span>{t[-2]}</span>{t[-1]}</p>" for t in texts)
        return renderer.writer.write(f'<html lang="zh-Hans"><body class="paper-a4">{body}'
                                     "</body></html>")

    assert len(lone_characters(pdf(bound=False))) >= 1
    assert lone_characters(pdf(bound=True)) == []


def test_han_latin_spacing_in_appendix_and_tables(renderer):
    html = renderer.html(renderer.book(BRIEFS_DIR / "full-book.yaml"))
    appendix = html[html.index('id="appendix"'):]
    assert '<span class="latin han-after">2020</span>年' in appendix  # dates, as in the body
    assert '编号<span class="ref latin han-before">' in appendix  # a quarter-em before the id
    assert "共<span" in appendix  # 共47段: the count is spaced too
    table = html[html.index('id="table"'):html.index('id="section-1"')]
    assert 'class="ref"' in table and "2021年7月25日" not in table  # every date is typeset


def test_urls_get_break_opportunities_and_keep_their_text():
    out = str(commentary("见[网站](https://www.example.org/zwgk/2021-08/a_b.html)。"))
    assert "https://www.<wbr>example.<wbr>org/<wbr>zwgk/<wbr>2021-<wbr>08/<wbr>a_<wbr>b.<wbr>html" in out
    assert re.sub(r"<[^>]+>", "", out) == "见网站（https://www.example.org/zwgk/2021-08/a_b.html）。"


# ---- commentary in Markdown --------------------------------------------------------------

def test_commentary_markdown_subset():
    out = str(commentary("第一段**重点**与*强调*，\n续行。\n\n- 甲项；\n- 乙项。\n\n"
                         "2. 第二\n3. 第三\n\n<b>原样</b> & <script>x</script>"))
    assert "<p>第一段<strong>重点</strong>与<em>强调</em>，续行。</p>" in re.sub(
        r'<span class="nowrap">|</span>', "", out)  # soft break between Han joins
    assert '<ul class="bullets"><li>' in out and out.count("<li>") == 4
    assert '<ol class="numbered" start="2">' in out
    assert "&lt;b&gt;原样&lt;/b&gt; &amp; &lt;script&gt;" in out  # raw HTML is text
    assert "<b>" not in out and "<script" not in out


@pytest.mark.slow
def test_commentary_lists_and_links_print(renderer, write_brief):
    path = write_brief("title: 简报\nissuer: 研究组\ndate: 2021-08-01\ncover: false\n"
                      "contents: false\nappendix: {sources: false, methodology: false}\n"
                      "sections:\n  - heading: 甲\n    commentary: |\n"
                      "      见[通报](https://example.org/a/b)。\n\n      - 第一项\n"
                      "      - 第二项\n\n      <i>不是标签</i>\n")
    text = "".join(page_texts(renderer.render(path)))
    assert normalise_text("见通报（https://example.org/a/b）。") in text
    assert "第一项" in text and "•" in text
    assert normalise_text("<i>不是标签</i>") in text


# ---- defects: charts -----------------------------------------------------------------------

def test_chart_without_metrics_plots_the_books_metrics_not_the_catalog(renderer, write_brief):
    path = write_brief("title: 简报\nissuer: 研究组\ndate: 2021-08-01\n"
                      "table: {topics: [公共卫生]}\ncharts: [{kind: status-breakdown}]\n")
    book = renderer.book(path)
    (job,) = book.charts
    assert sum(row.count for row in job.rows) == 4 == len(book.table)  # not the catalog's 31


def test_pledged_vs_reported_without_comparable_numbers_is_a_sentence(renderer):
    book = renderer.book(BRIEFS_DIR / "topic-public-health.yaml")
    (job,) = book.sections[0].charts
    assert job.note == ("所列4项指标均无可与承诺值相比的报道数字（推进中2项、未见报道1项、"
                        "无法比较1项），故不作图，各项情况见表。")
    assert job not in chart_jobs(book)  # nothing is drawn
    html = renderer.html(book)
    assert 'class="chart-note"' in html and "briefbook-generated:" + job.name not in html


# ---- defects: footnotes --------------------------------------------------------------------

@pytest.mark.slow
def test_the_pages_laid_out_tell_where_footnotes_land_as_the_pdf_does(renderer):
    """The renderer checks its own page boxes (footnote_pages_in), lint the PDF
    (footnote_pages): on the full book written in one pass, with footnotes pushed off their
    call's page, both give every call's page and every footnote's."""
    from briefbook.render.layout.footnotes import (
        footnote_pages,
        footnote_pages_in,
        numbers_off_their_page_in,
    )

    book = renderer.book(BRIEFS_DIR / "full-book.yaml")
    charts = renderer.charts(book)
    with renderer.writer.strict("test", generated=charts):
        document = renderer.writer.layout(renderer.html(book))
        one_pass = document.write_pdf()
    calls, notes = footnote_pages_in(document.pages)
    assert (calls, notes) == footnote_pages(one_pass)
    off = numbers_off_their_page_in(document.pages)
    assert off and off == {n for n in calls if notes[n] != calls[n]}
    assert len(calls) == sum(len(s.quotes) for s in book.sections)


@pytest.mark.slow
def test_footnote_on_a_later_page_is_found_by_lint_and_avoided_by_the_renderer(
        renderer, example_pdfs):
    """The full book, written in one pass, has footnotes on the page after their call (quotes
    at a page foot); lint reports them, and the renderer's output has every footnote at home."""
    from briefbook.render.layout.footnotes import footnote_pages
    from briefbook.checks.lint import lint_pdf

    book = renderer.book(BRIEFS_DIR / "full-book.yaml")
    one_pass = renderer.writer.write(renderer.html(book), renderer.charts(book))
    report = lint_pdf(one_pass)
    assert report.failures and {f.code for f in report.failures} == {"footnote-page"}
    for failure in report.failures:
        assert re.search(r"footnote \d+ is printed on page (\d+), its call on page (\d+)",
                         failure.message), failure.message

    rendered = example_pdfs["full-book"]
    assert lint_pdf(rendered).ok
    calls, notes = footnote_pages(rendered)
    quotes = sum(len(s.quotes) for s in book.sections)
    assert len(calls) == quotes and calls == notes  # every quote's footnote, each on its page
