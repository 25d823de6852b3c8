"""The example books, rendered for real and read back: fonts, text, pages, metadata, bytes."""

import re

import pypdfium2 as pdfium
import pytest

from plugins.example import CORPUS_DIR
from briefbook.checks.lint import lint_pdf, normalise_text
from briefbook.core.errors import BriefbookError
from briefbook.render import Renderer
from briefbook.render.book.typeset import CLOSING
from plugins.example import BRIEFS_DIR, example_project

EXAMPLES = sorted(p.stem for p in BRIEFS_DIR.glob("*.yaml"))


def page_texts(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def test_examples_exist():
    assert {"full-book", "topic-public-health", "summary-sheet"} <= set(EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_passes_pdf_lint(example_pdfs, name):
    report = lint_pdf(example_pdfs[name], expected_texts=["超大城市治理简报"])
    assert report.ok, report.failures
    families = {f.family for f in report.fonts}
    assert families <= {"Noto Serif CJK SC", "Noto Sans CJK SC"}, families
    assert all(f.embedded and f.subset for f in report.fonts)


def test_full_book_quotes_seed_paragraphs_verbatim(example_pdfs):
    from briefbook.corpus import load_corpus

    corpus = load_corpus(CORPUS_DIR)
    expected = [corpus.paragraph(pid).text for pid in
                ("hbrb-2020-06-29/s6/p1", "cjrb-2021-07-25/s3/p3", "cjrb-2021-07-25/s5/p4")]
    report = lint_pdf(example_pdfs["full-book"], expected_texts=expected)
    assert report.ok, report.failures


def test_full_book_structure(example_pdfs):
    texts = page_texts(example_pdfs["full-book"])
    joined = normalise_text("".join(texts))
    for part in ("目录", "摘要", "承诺与报道对照表", "一、就业与人才", "附录一资料来源", "附录二方法说明"):
        assert normalise_text(part) in joined, part
    # footer on every page after the cover
    total = len(texts)
    for number, text in enumerate(texts[1:], start=2):
        assert f"第 {number} 页 共 {total} 页" in text


def test_summary_sheet_is_one_page(example_pdfs):
    assert len(page_texts(example_pdfs["summary-sheet"])) == 1


def test_footnotes_sit_on_the_page_of_their_quote(example_pdfs):
    """Each quote's citation is on the page where the quote ends (where its call is).

    Guards the WeasyPrint 70 quirk: an @footnote area with both border and padding pushes
    footnotes to later pages.
    """
    from briefbook.brief import load_brief
    from briefbook.corpus import load_corpus

    corpus = load_corpus(CORPUS_DIR)
    brief, _ = load_brief(BRIEFS_DIR / "full-book.yaml")
    pages = [normalise_text(t) for t in page_texts(example_pdfs["full-book"])]
    checked = 0
    for section in brief.sections:
        for pid in section.quotes:
            ending = normalise_text(corpus.paragraph(pid).text)[-12:]
            page = next(i for i, text in enumerate(pages) if ending in text and "原文摘录" in
                        "".join(pages[max(0, i - 1): i + 1]))
            assert pid in pages[page], f"citation of {pid} is not on page {page + 1}"
            checked += 1
    assert checked >= 15


def test_no_line_starts_with_closing_punctuation(example_pdfs):
    offenders = []
    for name, pdf in example_pdfs.items():
        for page, text in enumerate(page_texts(pdf), start=1):
            for line in text.split("\r\n"):
                stripped = line.lstrip()
                if stripped and stripped[0] in CLOSING:
                    offenders.append((name, page, line[:20]))
    assert not offenders


def test_metadata_comes_from_the_brief(example_pdfs):
    report = lint_pdf(example_pdfs["full-book"])
    meta = report.metadata
    assert meta["Title"] == "超大城市治理简报"
    assert meta["Author"] == "城市治理研究组"
    assert "五张网" in meta["Keywords"]
    assert meta["CreationDate"].startswith("D:20210802")
    assert meta["Lang"] == "zh-Hans"


def test_same_brief_same_bytes(example_pdfs):
    again = Renderer(example_project()).render(BRIEFS_DIR / "full-book.yaml")
    assert again == example_pdfs["full-book"]


def test_paper_size_follows_the_brief(renderer, write_brief):
    path = write_brief("title: 测试\nissuer: 研究组\ndate: 2021-08-01\npaper: A5\ncover: false\n"
                      "contents: false\nappendix: {sources: false, methodology: false}\n"
                      "summary: {text: 一段文字。}\n")
    doc = pdfium.PdfDocument(renderer.render(path))
    width, height = doc[0].get_size()
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (148, 210)


def test_character_outside_the_fonts_is_a_clear_error(renderer, write_brief):
    path = write_brief("title: 测试𠀀\nissuer: 研究组\ndate: 2021-08-01\n")
    with pytest.raises(BriefbookError) as info:
        renderer.render(path)
    assert "U+20000" in str(info.value) and "测试𠀀" in str(info.value)


HOSTILE = '<img src="file:///etc/passwd"><script>alert(1)</script>{{ 7*7 }}<style>*{color:red}</style>'


def test_hostile_text_prints_literally(renderer, write_brief):
    path = write_brief(
        "title: 简报\nissuer: '研究组<b>粗</b>'\ndate: 2021-08-01\ncover: false\ncontents: false\n"
        f"summary:\n  text: '{HOSTILE}'\nsections:\n  - heading: '{{{{ 7*7 }}}}'\n"
        f"    commentary: '{HOSTILE}'\n")
    pdf = renderer.render(path)
    flat = normalise_text("".join(page_texts(pdf)))
    assert normalise_text(HOSTILE) in flat
    assert "研究组<b>粗</b>" in flat
    assert "root:x:0" not in flat  # /etc/passwd never loaded


def test_contents_page_numbers_point_at_their_headings(example_pdfs):
    """The contents has the bookmarks' two levels: every chapter and every subheading in it,
    in order, each with the page its heading is on."""
    doc = pdfium.PdfDocument(example_pdfs["full-book"])
    toc = list(doc.get_toc())
    bookmarks = [(normalise_text(b.get_title()), b.get_dest().get_index() + 1) for b in toc
                 if normalise_text(b.get_title()) != "目录"]
    first, after = (next(b.get_dest().get_index() for b in toc if normalise_text(b.get_title())
                         == title) for title in ("目录", "摘要"))
    contents = "".join(doc[i].get_textpage().get_text_range() for i in range(first, after))
    doc.close()
    entries = []
    for line in contents.splitlines()[1:]:
        if re.search(r"第\s*\d+\s*页", line):
            continue  # the folio
        led = re.fullmatch(r"(.+?)\s*\.{3,}\s*(\d+)\s*", line)  # a chapter: leader, page
        # a chapter's subheadings run in on one line, each followed by its page
        entries += [led.groups()] if led else re.findall(r"(\D+?)\s*(\d+)", line)
    assert [(normalise_text(title), int(number)) for title, number in entries] == bookmarks
    assert sum(b.level == 1 for b in toc) >= 10  # the second level is there


def test_bookmarks_follow_headings(example_pdfs):
    doc = pdfium.PdfDocument(example_pdfs["full-book"])
    top = [normalise_text(b.get_title()) for b in doc.get_toc() if b.level == 0]
    doc.close()
    assert top[:4] == ["目录", "摘要", "图表概览", "承诺与报道对照表"]
    assert "超大城市治理简报" not in top  # the cover's masthead is not a chapter


def test_long_table_repeats_its_header_on_every_page(example_pdfs):
    doc = pdfium.PdfDocument(example_pdfs["full-book"])
    starts = {normalise_text(b.get_title()): b.get_dest().get_index() for b in doc.get_toc()}
    doc.close()
    texts = [normalise_text(t) for t in page_texts(example_pdfs["full-book"])]
    table_pages = texts[starts["承诺与报道对照表"]: starts["一、就业与人才"]]
    assert len(table_pages) >= 2, "the full table spans several pages"
    for text in table_pages:  # each metric's name spans the table above its cells (book.css)
        assert "承诺报道状态" in text


def test_running_header_carries_the_title(example_pdfs):
    texts = page_texts(example_pdfs["topic-public-health"])
    for text in texts[1:]:
        assert "超大城市治理简报" in text and "内部资料" in text


def test_chart_labels_are_text_in_bundled_fonts(example_pdfs):
    """Charts keep their labels as text (svg.fonttype none), set in the bundled sans."""
    report = lint_pdf(example_pdfs["full-book"], expected_texts=["报道值÷承诺值", "各项承诺进展状态",
                                                                 "十三届九次全会"])
    assert report.ok, report.failures


def test_a5_cover_keeps_its_colophon_and_cites_without_an_appendix(renderer, write_brief):
    path = write_brief("title: 简报\nissuer: 研究组\ndate: 2021-08-01\npaper: A5\n"
                      "question: 本册回答一个问题：测试？\n"
                      "sections: [{heading: 甲, quotes: [cjrb-2021-07-25/s3/p3]}]\n"
                      "appendix: {sources: false, methodology: false}\n")
    cover = normalise_text(page_texts(renderer.render(path))[0])
    assert "本册回答一个问题：测试？" in cover
    assert "资料来源：长江日报（2021年7月25日）。" in cover  # from the quote, not the appendix
    assert "项指标" not in cover  # a book with no metrics does not claim "0 项"


def test_default_question_names_no_city(renderer, write_brief):
    path = write_brief("title: 简报\nissuer: 研究组\ndate: 2021-08-01\n")
    cover = normalise_text(page_texts(renderer.render(path))[0])
    assert "本册回答一个问题：承诺了什么，后来报道了什么？" in cover


def test_full_book_shows_a_status_that_changed_over_time(renderer, example_pdfs):
    """留汉大学生: pledged June 2020 for 2020, overdue from January 2021, then exceeded by the
    July 2021 report — in the table, in its section (with the evidence) and as of the date."""
    book = renderer.book(BRIEFS_DIR / "full-book.yaml")
    row = next(r for r in book.table if r.id == "graduates-retained")
    assert row.history_line == "2020年6月 未见报道 → 2021年1月 逾期未见报道 → 2021年7月 超额完成"
    assert row.history[-1].because == "报道30.2万人（cjrb-2021-07-25/s3/p3）"
    assert book.as_of == "2021年8月2日"
    text = normalise_text("".join(page_texts(example_pdfs["full-book"])))
    for shown in ("进展经过", "2021年1月1日起，承诺期限已过", "2021年7月25日起，报道30.2万人",
                  "逾期未见报道", "状态均截至2021年8月2日"):
        assert normalise_text(shown) in text, shown
