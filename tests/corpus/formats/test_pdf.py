"""Reading a report saved as a PDF: its paragraphs and headings in order, over page breaks,
without running heads and page numbers; the title, date and issuing body it prints; scans,
encrypted, damaged and oversized PDFs refused with what to do.

Real PDFs made for these tests (``plugins.report_pdfs``): a work report rendered by WeasyPrint
(2 em indents, no space between paragraphs) and a typed copy of it (indents typed as ideographic
spaces, letter-spaced lines, heads left and right), a notice laid out by matplotlib (no
indents, space between paragraphs, ragged right, an English paragraph), a one-page bulletin; a
scan made by Pillow, encrypted and cut copies and 3,000 pages made with pikepdf.
"""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest
from plugins.report_pdfs import (
    NOTICE_ENGLISH,
    NOTICE_LONG,
    REPORT_LONG,
    REPORT_RUNNING_HEAD,
    ReportPdf,
    encrypted,
    owner_protected,
    scan,
    thousands_of_pages,
    truncated,
    with_scanned_page,
)

from briefbook.core.errors import BriefbookError
from briefbook.corpus.defects import Corrections
from briefbook.corpus.formats import extract
from briefbook.corpus.formats.pdf import (
    Layout,
    Line,
    date_line,
    furniture_key,
    is_page_number,
    join_lines,
    meaningful_title,
    read_pdf,
    starts_block,
)
from briefbook.corpus.ingest import ingest
from briefbook.corpus.sources import SourceEntry
from briefbook.corpus.store import build_article


@pytest.fixture(scope="module", params=["work_report_pdf", "typed_copy_pdf", "notice_pdf",
                                        "bulletin_pdf"])
def document(request: pytest.FixtureRequest) -> ReportPdf:
    return request.getfixturevalue(request.param)


# --- the text -----------------------------------------------------------------------------------

def test_each_paragraph_and_heading_is_one_line_with_its_pages(document):
    got = read_pdf(document.pdf, f"{document.name}.pdf")
    assert got.format == "pdf"
    assert got.text.split("\n\n") == list(document.blocks)
    assert got.origins == document.origins
    assert len(got.origins) == len(got.text.split("\n"))


def test_the_same_bytes_give_the_same_article(document):
    first = read_pdf(document.pdf, "a.pdf")
    assert read_pdf(bytes(bytearray(document.pdf)), "a.pdf") == first


def test_running_heads_and_page_numbers_are_left_out(work_report_pdf, notice_pdf):
    report = read_pdf(work_report_pdf.pdf, "report.pdf")
    assert REPORT_RUNNING_HEAD not in report.text and "—" not in report.text
    assert any(REPORT_RUNNING_HEAD in note for note in report.notes)
    assert any("page numbers (3 pages" in note for note in report.notes)
    notice = read_pdf(notice_pdf.pdf, "notice.pdf")
    assert "第" not in notice.text.replace("第二十三", "") and "〔2023〕" not in notice.text
    assert any("running head “某政办发〔2023〕12号” (2 pages)" in n for n in notice.notes)


@pytest.mark.parametrize(("fixture", "paragraph"), [("work_report_pdf", REPORT_LONG),
                                                     ("notice_pdf", NOTICE_LONG)])
def test_a_paragraph_over_a_page_break_is_joined(request, fixture, paragraph):
    document = request.getfixturevalue(fixture)
    got = read_pdf(document.pdf, "a.pdf")
    lines = got.text.split("\n")
    assert paragraph in lines
    first, last = document.pages[document.blocks.index(paragraph)]
    assert last == first + 1
    assert got.origins[lines.index(paragraph)] == f"pages {first}–{last}"
    assert "joined 1 paragraph(s) over a page break" in got.notes


def test_latin_lines_join_with_a_space_and_hyphenated_words_as_the_word(notice_pdf):
    got = read_pdf(notice_pdf.pdf, "notice.pdf")
    english = NOTICE_ENGLISH.replace("\xad", "")
    assert english in got.text.split("\n")
    assert "neighbourhoods" in english and "neighbour-" not in got.text
    assert "joined 1 word(s) hyphenated at a line end" in got.notes


def test_the_corpus_finds_the_sections_a_reader_expects(work_report_pdf, notice_pdf):
    entry = SourceEntry(id="mm-gwr-2024", file="raw/mm-gwr-2024.txt", outlet="某某市人民政府",
                        published=dt.date(2024, 1, 10), title="政府工作报告", script="simplified")
    article = build_article(entry, read_pdf(work_report_pdf.pdf, "r.pdf").text,
                            corrections=Corrections()).article
    assert article.layout == "headings" and article.page is None
    assert [s.heading for s in article.sections] == [
        None, "一、2023年工作回顾", "（一）经济运行稳中向好", "（二）城市功能持续完善",
        "（三）民生保障有力有效", "二、2024年主要目标任务", "（一）加快建设现代化产业体系",
        "（二）深入推进城市更新", "1. 老旧小区改造", "2. 背街小巷整治", "（三）持续增进民生福祉",
        "三、加强政府自身建设"]
    assert [p.text for p in article.sections[0].paragraphs] == list(work_report_pdf.blocks[:2])
    assert [p.text for p in article.sections[2].paragraphs][1] == REPORT_LONG
    assert article.sections[7].paragraphs == ()  # its numbered subsections follow
    notice = build_article(entry, read_pdf(notice_pdf.pdf, "n.pdf").text,
                           corrections=Corrections()).article
    assert [s.heading for s in notice.sections] == [
        None, "一、工作目标", "二、重点任务", "1. 推进老旧小区改造", "2. 完善城市基础设施",
        "3. 提升城市数字化治理水平", "三、保障措施"]
    assert notice.sections[-1].paragraphs[-1].text == NOTICE_ENGLISH.replace("\xad", "")


# --- metadata -----------------------------------------------------------------------------------

def test_the_title_date_and_issuer_it_prints(document):
    got = read_pdf(document.pdf, "a.pdf")
    meta = got.metadata
    assert (meta.title, meta.date, meta.outlet) == (document.title, document.date,
                                                    document.outlet)
    assert set(meta.found_in) == {k for k, v in (("title", meta.title), ("date", meta.date),
                                                ("outlet", meta.outlet)) if v}
    for line in document.left_out:  # metadata, not lines of the text
        assert line not in got.text.split("\n")


def test_where_each_was_found(work_report_pdf, notice_pdf, bulletin_pdf):
    assert read_pdf(work_report_pdf.pdf, "a.pdf").metadata.found_in == {
        "title": "the largest type on page 1", "date": "the date line under the title on page 1"}
    # the notice's /Title is "Microsoft Word - 文档1.docx" and its CreationDate 2023-03-10:
    # neither is taken
    assert read_pdf(notice_pdf.pdf, "a.pdf").metadata.found_in == {
        "title": "the largest type on page 1", "outlet": "the masthead of page 1",
        "date": "the date it is signed with at its end (page 3)"}
    # the bulletin prints no title (its /Title names it) and no date (its CreationDate is
    # 2024-01-05: when the file was made, not when the bulletin was published)
    assert read_pdf(bulletin_pdf.pdf, "a.pdf").metadata.found_in == {
        "title": "the PDF's Title property"}


@pytest.mark.parametrize(("value", "meaningful"), [
    ("某某区2023年第四季度空气质量简报", True), ("Annual Report 2023", True),
    ("Microsoft Word - 文档1.docx", False), ("untitled", False), ("Untitled-1", False),
    ("文档1", False), ("Document1", False), ("无标题", False), ("zfgzbg-2024-final.docx", False),
    ("C:\\Users\\x\\Desktop\\报告", False), ("", False), ("   ", False), (None, False),
    ("2024", False),
])
def test_a_pdf_title_counts_only_when_it_is_a_title(value, meaningful):
    assert meaningful_title(value) is meaningful


@pytest.mark.parametrize(("line", "day"), [
    ("2023年3月8日", dt.date(2023, 3, 8)), ("2023 年 3 月 8 日", dt.date(2023, 3, 8)),
    ("二〇二三年三月八日", dt.date(2023, 3, 8)),
    ("二〇二四年十二月二十八日", dt.date(2024, 12, 28)),
    ("（2024年1月10日在某某市第十七届人民代表大会第三次会议上）", dt.date(2024, 1, 10)),
    ("——2024年1月10日在全市经济工作会议上", dt.date(2024, 1, 10)),
    ("发布日期：２０２３年１２月１日", dt.date(2023, 12, 1)),
    ("2023年2月30日", None), ("2023年3月8日，全市召开大会。", None), ("截至2023年3月8日", None),
    ("二〇二三年十十月一日", None),
])
def test_a_date_line_is_a_date_and_nothing_else(line, day):
    assert date_line(line) == day


# --- headers, numbers, joining and block rules (pure) ------------------------------------------

@pytest.mark.parametrize("text", ["3", "- 3 -", "— 3 —", "–12–", "·3·", "第 3 页", "第3页 共20页",
                                  "第 3 页，共 20 页", "共20页 第3页", "3/20", "3 / 20",
                                  "Page 3", "Page 3 of 20", "iv", "- ii -", "第３页"])
def test_page_numbers_in_their_common_forms(text):
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["3.5%", "2023年", "一、总体要求", "第3章", "12345",
                                  "某某市人民政府工作报告", "3:20", "civil", "ivi", ""])
def test_other_short_lines_are_not_page_numbers(text):
    assert not is_page_number(text)


def test_running_heads_compare_with_digits_read_as_one():
    assert furniture_key("某某市 2024 年报告 — 3 —") == furniture_key("某某市2024年报告—12—")
    assert furniture_key("第一章") != furniture_key("第二章")


@pytest.mark.parametrize(("lines", "joined"), [
    (["我们坚持稳中求进，全年地区生产", "总值增长6.2%。"],
     "我们坚持稳中求进，全年地区生产总值增长6.2%。"),
    (["推进“城市大脑”（City", "Brain）建设"], "推进“城市大脑”（City Brain）建设"),
    (["the city will", "renovate 450"], "the city will renovate 450"),
    (["responsible for infor-", "mation and"], "responsible for information and"),
    (["in the 2001-", "2025 plan"], "in the 2001-2025 plan"),
    (["see the Three-", "Year Plan"], "see the Three-Year Plan"),
    (["新增5G基站", "5600个"], "新增5G基站5600个"),
])
def test_wrapped_lines_join(lines, joined):
    assert join_lines(lines) == joined


LAYOUT = Layout(size=12.0, pitch=20.0, left=(72.0, 72.0), right=(522.0, 522.0))


def line(text: str, y: float, x0: float = 72.0, x1: float = 522.0, *, page: int = 1,
         em: float = 12.0, bold: bool = False) -> Line:
    return Line(page=page, text=text, y=y, x0=x0, x1=x1, em=em, end_em=em, bold=bold,
                end_bold=bold)


@pytest.mark.parametrize(("prev", "cur", "new"), [
    (line("正文", 700), line("续行", 680), False),                         # wrapped
    (line("正文", 700), line("新段", 680, x0=96), True),                    # 2 em indent
    (line("正文", 700), line("新段", 660), True),                           # space between
    (line("末行。", 700, x1=300), line("新段", 680), True),                  # ended short
    (line("正文", 100), line("续行", 760, page=2), False),                  # over a page break
    (line("正文", 100, x1=300), line("新段", 760, page=2), True),
    (line("一、总体要求", 700, x1=150, bold=True), line("正文", 680), True),  # weight
    (line("正文", 700), line("标题", 676, em=16), True),                    # size
    (line("ends with the", 700, x1=470), line("implementation of", 680), False),  # no room
    (line("ends with the", 700, x1=470), line("a new line", 680), True),
    (line("总体目标是：", 700), line("（一）加快建设", 680), True),           # numbered
    (line("题目的第一行占满版心", 700), line("第二行", 680, x0=273, x1=321), False),  # centred
    (line("居中标题", 700, x0=273, x1=321), line("正文", 680), True),
])
def test_block_rules(prev, cur, new):
    assert starts_block(prev, cur, LAYOUT) is new


# --- through the format dispatch and ingest ----------------------------------------------------

def test_extract_and_ingest_read_the_pdf(work_report_pdf, corpus_copy, tmp_path):
    assert extract(work_report_pdf.pdf, name="report.PDF", where="r").text == \
        work_report_pdf.text
    src = tmp_path / "report.pdf"
    src.write_bytes(work_report_pdf.pdf)
    report = ingest(src, corpus_dir=corpus_copy, article_id="mm-gwr-2024",
                    outlet="某某市人民政府", dry_run=True)
    assert (report.article.title, report.article.published) == ("政府工作报告",
                                                                dt.date(2024, 1, 10))
    assert report.article.text.startswith("各位代表：\n现在，我代表市人民政府")


# --- refused, or read with a warning -----------------------------------------------------------

def test_a_scan_is_refused_saying_to_run_ocr():
    with pytest.raises(BriefbookError) as err:
        read_pdf(scan(), "scan.pdf")
    assert err.value.message == "the PDF has no text layer: it is a scan (2 page(s) of images)"
    assert err.value.where == "scan.pdf" and "ocrmypdf" in (err.value.hint or "")


def test_a_scanned_page_among_text_pages_is_warned_about(notice_pdf):
    got = read_pdf(with_scanned_page(), "mixed.pdf")
    assert got.text == notice_pdf.text
    assert len(got.warnings) == 1 and got.warnings[0].startswith("page(s) 4 are images with no "
                                                                 "text (scanned?)")


def test_an_encrypted_pdf_is_refused_unless_it_opens_without_a_password(work_report_pdf):
    with pytest.raises(BriefbookError, match="encrypted and needs a password") as err:
        read_pdf(encrypted(), "locked.pdf")
    assert "qpdf --password" in (err.value.hint or "")
    assert read_pdf(owner_protected(), "protected.pdf").text == work_report_pdf.text


def test_blank_pages_are_no_text(work_report_pdf):
    with pytest.raises(BriefbookError, match="no text: its 3 page"):
        read_pdf(thousands_of_pages(3), "blank.pdf")


@pytest.mark.parametrize("cut", ["truncated", "header", "junk", "empty"])
def test_damaged_files_are_refused(cut):
    data = {"truncated": truncated(), "header": b"%PDF-1.7\n", "empty": b"",
            "junk": b"%PDF-1.4\n" + bytes(range(256)) * 40}[cut]
    with pytest.raises(BriefbookError, match="damaged or truncated") as err:
        read_pdf(data, "bad.pdf")
    assert err.value.where == "bad.pdf" and err.value.hint


def test_damaged_in_many_ways_it_reads_or_is_refused_never_a_traceback(work_report_pdf,
                                                                         notice_pdf):
    rng = random.Random(26)
    outcomes = set()
    for n in range(40):
        data = bytearray((work_report_pdf, notice_pdf)[n % 2].pdf)
        if n % 4 < 2:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif n % 4 == 2:
            del data[rng.randrange(len(data)):]
        else:
            at, source = rng.randrange(len(data)), rng.randrange(len(data))
            data[at:at] = data[source:source + rng.randint(1, 5000)]
        try:
            got = read_pdf(bytes(data), "bad.pdf")
        except BriefbookError as err:
            outcomes.add("refused")
            assert err.where == "bad.pdf" and err.hint
        else:
            outcomes.add("read")
            assert len(got.origins) == len(got.text.split("\n"))
    assert outcomes == {"read", "refused"}


def test_thousands_of_pages_are_refused_before_any_is_read():
    data = thousands_of_pages(3000)
    start = time.perf_counter()
    with pytest.raises(BriefbookError, match="the PDF has 3,000 pages; the limit is 2,000"):
        read_pdf(data, "huge.pdf")
    assert time.perf_counter() - start < 2.0


def test_the_text_is_capped(work_report_pdf):
    with pytest.raises(BriefbookError, match="more than 1,000 bytes of text"):
        read_pdf(work_report_pdf.pdf, "r.pdf", max_bytes=1_000)
    with pytest.raises(BriefbookError, match="3 pages; the limit is 2"):
        read_pdf(work_report_pdf.pdf, "r.pdf", max_pages=2)
