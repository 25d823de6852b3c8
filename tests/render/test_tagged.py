"""Tagged PDF/UA-1: walk the structure tree of the full book and check what a reader needs.

Language, shown title, reading order, headings, lists, tables with scoped header cells,
linked footnotes, headers/footers and the editions mark as artifacts, charts with text
alternatives worded from their data — and pages that look exactly like the plain PDF.
"""

import io
import re

import numpy as np
import pikepdf
import pytest

from plugins import pdf_structure
from briefbook.charts import TimelinePoint, RatioRow, StatusCount
from briefbook.charts.describe import describe
from briefbook.checks.rasterise import rasterise
from plugins.example import BRIEFS_DIR

FULL = BRIEFS_DIR / "full-book.yaml"


@pytest.fixture(scope="module")
def tagged(renderer) -> bytes:
    return renderer.render(FULL, variant="pdf/ua-1")


@pytest.fixture(scope="module")
def tagged_doc(tagged):
    with pikepdf.open(io.BytesIO(tagged)) as document:
        yield document


@pytest.fixture(scope="module")
def html(renderer) -> str:
    return renderer.html(renderer.book(FULL))


@pytest.fixture(scope="module")
def elements(tagged_doc):
    return pdf_structure.structure(tagged_doc)


def kinds(elements, name):
    return [e for e in elements if e.get("/S") == name]


def test_alt_text_reads_the_numbers():
    rows = (RatioRow("留汉大学生", 302000 / 250000, "力争25万人", "30.2万人", "超额完成"),
            RatioRow("15分钟生活圈", None, "15分钟", None, "未见报道"),
            RatioRow("急救圈", None, "10分钟", "10分钟（推进中）", "推进中"),
            RatioRow("项目", None, "争取支持", "125个", "无法比较"))
    assert describe("pledged-vs-reported", "对照", rows) == (
        "对照。留汉大学生：承诺力争25万人，报道30.2万人，为承诺的121%；"
        "15分钟生活圈：承诺15分钟，未见报道；"
        "急救圈：承诺10分钟，报道10分钟（推进中）；项目：承诺争取支持，报道125个，无法比较。")
    assert describe("status-breakdown", "状态", (StatusCount("超额完成", 1), StatusCount("未见报道", 3))) == (
        "状态。共4项：超额完成1项，未见报道3项。")
    import datetime as dt
    assert describe("timeline", "时间", (TimelinePoint("十三届九次全会", dt.date(2020, 6, 28), 5, 0),)) == (
        "时间。十三届九次全会（2020年6月28日）：承诺5项，报道0项。")


@pytest.mark.slow
def test_document_language_title_and_identification(tagged_doc):
    assert str(tagged_doc.Root.Lang) == "zh-Hans"
    assert bool(tagged_doc.Root.ViewerPreferences.DisplayDocTitle) is True
    assert bool(tagged_doc.Root.MarkInfo.Marked) is True
    meta = tagged_doc.open_metadata()
    assert meta["pdfuaid:part"] == "1"
    assert meta["dc:title"] == "超大城市治理简报"
    assert all(page.obj.Tabs == "/S" for page in tagged_doc.pages)  # tab order follows structure


@pytest.mark.slow
def test_reading_order_follows_the_pages(tagged_doc, elements):
    pages = {page.obj.objgen: i for i, page in enumerate(tagged_doc.pages)}
    top = pdf_structure.children(tagged_doc.Root.StructTreeRoot.K[0])
    order = [pages[e.Pg.objgen] for e in top]
    assert order == sorted(order) and order[0] == 0 and order[-1] == len(tagged_doc.pages) - 1


@pytest.mark.slow
def test_headings_as_in_the_html_and_never_skip_a_level(elements, html):
    levels = [int(str(e.S)[2:]) for e in elements if re.fullmatch(r"/H\d", str(e.S))]
    expected = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
    assert levels == expected
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:]))


@pytest.mark.slow
def test_lists_have_items_with_bodies(elements, renderer):
    lists = kinds(elements, "/L")
    assert lists
    for lst in lists:
        items = [k for k in pdf_structure.children(lst) if k.S == "/LI"]
        assert items
        for item in items:
            assert {str(k.S) for k in pdf_structure.children(item)} <= {"/Lbl", "/LBody"}
            assert any(k.S == "/LBody" for k in pdf_structure.children(item))
    # the sources appendix: one item per article of the corpus
    assert any(len(pdf_structure.children(lst)) == len(renderer.corpus.articles) for lst in lists)


@pytest.mark.slow
def test_table_header_cells_are_scoped_and_data_cells_point_at_them(elements):
    tables = kinds(elements, "/Table")
    assert tables
    header_ids = set()
    for th in kinds(elements, "/TH"):
        assert th.A.Scope == "/Column"
        header_ids.add(str(th.ID))
    for table in tables:
        heads = [k for k in pdf_structure.children(table) if k.S == "/THead"]
        assert heads, "every table starts with a header row"
    cells = kinds(elements, "/TD")
    assert cells
    for td in cells:
        headers = [str(h) for h in td.A.Headers]
        assert headers and set(headers) <= header_ids


@pytest.mark.slow
def test_footnotes_are_notes_linked_from_their_calls(elements, html):
    notes, calls = kinds(elements, "/Note"), kinds(elements, "/Reference")
    assert len(notes) == len(calls) == html.count('class="cite"') > 0
    ids = [str(n.ID) for n in notes]
    assert len(set(ids)) == len(ids)
    for call, note in zip(calls, notes):
        assert call.Ref[0].objgen == note.objgen
        assert pdf_structure.children(note)[0].S == "/Lbl"  # the printed note number


@pytest.mark.slow
def test_charts_have_text_alternatives_from_their_data(elements):
    import yaml

    brief = yaml.safe_load(FULL.read_text(encoding="utf-8"))
    figures = kinds(elements, "/Figure")
    assert len(figures) == len(brief["charts"]) + sum(len(s.get("charts", [])) for s in brief["sections"])
    alts = [str(f.Alt) for f in figures]
    assert "留汉大学生：承诺力争25万人，报道30.2万人，为承诺的121%" in alts[0]
    assert re.search(r"共\d+项：超额完成\d+项", alts[1])
    assert "十三届九次全会（2020年6月28日）：承诺" in alts[2]


@pytest.mark.slow
def test_all_content_is_tagged_or_an_artifact(tagged_doc):
    assert pdf_structure.unmarked_drawing(tagged_doc) == []
    # running header (title, classification) and page number: artifacts on inner pages
    assert all(pdf_structure.artifacts(tagged_doc, i) >= 2 for i in range(1, len(tagged_doc.pages)))


@pytest.mark.slow
def test_pages_look_exactly_like_the_plain_pdf(tagged, example_pdfs):
    plain, accessible = rasterise(example_pdfs["full-book"]), rasterise(tagged)
    assert len(plain) == len(accessible)
    for a, b in zip(plain, accessible):
        assert np.array_equal(a.image, b.image), f"page {a.index + 1} differs"


@pytest.mark.slow
def test_editions_mark_on_a_tagged_book_is_an_artifact(tagged):
    from briefbook.distribute.editions import Stamper

    stamper = Stamper(tagged)
    out = io.BytesIO()
    stamper.stamp(stamper.stamp_page("张三 第007份"), out)
    with pikepdf.open(io.BytesIO(out.getvalue())) as copy:
        assert pdf_structure.unmarked_drawing(copy) == []
        before = [pdf_structure.artifacts(copy, i) for i in range(len(copy.pages))]
    with pikepdf.open(io.BytesIO(tagged)) as base:
        assert before == [pdf_structure.artifacts(base, i) + 1 for i in range(len(base.pages))]
