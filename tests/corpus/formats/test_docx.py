"""Word files (.docx) read as a reader sees them: paragraphs and headings one per line, table
rows as sentences with their figures, the printed title, date and outlet as metadata (never
the file's created/modified time), and hostile or foreign files refused fast with a clear
message. Real files made with python-docx (tests/plugins/word_files.py)."""

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc

import docx
import pytest
from docx.oxml.parser import parse_xml
from plugins import word_files as wf
from plugins.word_files import WORD_FILES

from briefbook.core.errors import BriefbookError
from briefbook.corpus.defects import Corrections
from briefbook.corpus.formats import extract, reader
from briefbook.corpus.formats.docx import (
    join_soft_breaks,
    meaningful_title,
    printed_date,
    read_docx,
    row_line,
)
from briefbook.corpus.ingest import ingest
from briefbook.corpus.sources import SourceEntry
from briefbook.corpus.store import build_article

NOTICE_TEXT = """\
各街道办事处，区政府各部门：

《青禾区2023年老旧小区改造工作方案》已经区政府同意，现印发给你们，请结合实际认真组织实施。

一、工作目标

2023年全区计划改造老旧小区42个，涉及居民13000户，完成投资3.6亿元。年底前，改造小区全部完成雨污分流和弱电入地。

二、主要任务

（一）完善基础设施

更换老化供水管网18公里，新增停车位1200个，具备条件的小区同步建设充电设施。

（二）提升公共服务

在改造小区配建养老服务站点9处、托育点5处，打造“十五分钟生活圈”。各街道改造任务见下表。

青石街道：小区数（个） 15，户数（户） 4620，投资（万元） 12800。
白沙街道：小区数（个） 12，户数（户） 3910，投资（万元） 10400。
柳湾街道：小区数（个） 15，户数（户） 4470，投资（万元） 12800。

三、保障措施

各街道要建立工作专班，每月5日前向区住房和城乡建设局报送进度。区财政局按工程进度拨付资金。
"""


@pytest.fixture(scope="module")
def word_read():
    """Each WORD_FILES document, made once, and what read_docx gives for it."""
    made = {key: make() for key, make in WORD_FILES.items()}
    return {key: (f, read_docx(f.data, f.name)) for key, f in made.items()}


# --- the text ------------------------------------------------------------------------------------

def test_the_notice_reads_as_its_reader_sees_it(word_read):
    _, got = word_read["notice"]
    assert got.format == "docx"
    assert got.text == NOTICE_TEXT
    assert NOTICE_TEXT.count("\n\n") == 11       # 12 blocks: 11 paragraphs and a table


@pytest.mark.parametrize("key", list(WORD_FILES))
def test_every_file_gives_its_lines_title_date_and_outlet(word_read, key):
    made, got = word_read[key]
    assert tuple(line for line in got.text.split("\n") if line) == made.lines
    assert (got.metadata.title, got.metadata.date, got.metadata.outlet) == \
        (made.title, made.date, made.outlet)
    assert "\n\n\n" not in got.text and not got.text.startswith("\n")
    assert got.text.endswith("\n") and not got.text.endswith("\n\n")


@pytest.mark.parametrize("key", list(WORD_FILES))
def test_one_origin_per_line_and_none_for_blank_lines(word_read, key):
    _, got = word_read[key]
    lines = got.text.split("\n")
    assert len(got.origins) == len(lines)
    assert all((origin == "") == (line == "") for line, origin in zip(lines, got.origins,
                                                                       strict=True))


def test_origins_name_paragraphs_headings_and_table_rows(word_read):
    _, got = word_read["notice"]
    where = dict(zip(got.text.split("\n"), got.origins, strict=True))
    # paragraph 3 is empty; the title (1) and date line (2) are metadata
    assert where["各街道办事处，区政府各部门："] == "paragraph 4"
    assert where["一、工作目标"] == "paragraph 6 (heading 1)"
    assert where["（一）完善基础设施"] == "paragraph 9 (heading 2)"
    rows = [line for line, origin in where.items() if origin.startswith("table")]
    assert [where[row] for row in rows] == ["table 1 row 2", "table 1 row 3", "table 1 row 4"]
    assert rows[0] == "青石街道：小区数（个） 15，户数（户） 4620，投资（万元） 12800。"


def test_chinese_style_names_and_outline_levels_make_headings(word_read):
    _, got = word_read["styles_zh"]
    where = dict(zip(got.text.split("\n"), got.origins, strict=True))
    assert where["一、基本情况"] == "paragraph 3 (heading 1)"        # style 标题 1
    assert where["（一）运营模式"] == "paragraph 5 (heading 2)"      # style 标题 2
    assert where["二、存在问题"] == "paragraph 7 (heading 1)"        # its style's outline level
    assert where["三、下一步打算"] == "paragraph 9 (heading 1)"      # its own outline level
    assert where["部分食堂离居民区较远，晚餐供应不足。"] == "paragraph 8"


def test_a_soft_line_break_inside_chinese_text_joins_without_a_space(word_read):
    _, got = word_read["notice"]
    assert "新增停车位1200个" in got.text
    assert "1 line break(s) inside paragraphs joined (no space beside Chinese text)" in got.notes


@pytest.mark.parametrize(("text", "joined"), [
    ("新增停车\n位1200个", ("新增停车位1200个", 1)),
    ("in 2023\nthe district", ("in 2023 the district", 1)),
    ("完成投资\n3.6亿元", ("完成投资3.6亿元", 1)),
    ("　　第一行\u2028第二行\n", ("第一行第二行", 1)),
    ("\n \n", ("", 0)),
])
def test_join_soft_breaks(text, joined):
    assert join_soft_breaks(text) == joined


def test_empty_paragraphs_and_page_breaks_give_no_line(word_read):
    _, got = word_read["notice"]
    assert "3 empty paragraph(s) and page break(s) give no line" in got.notes
    _, report = word_read["report"]              # a paragraph of ideographic spaces too
    assert "2 empty paragraph(s) and page break(s) give no line" in report.notes


def test_what_is_left_out_is_said(word_read):
    _, got = word_read["brief"]
    assert wf.TEXT_BOX not in got.text and "85%" not in got.text      # text box, deletion
    assert "居民参与率达到92%。" in got.text                            # the insertion
    assert "下一步，街道将在老旧小区增设分类驿站。" in got.text          # inside a content control
    assert "1 text box(es) left out (their text is not read)" in got.notes
    assert "1 footnote or endnote reference(s): the notes' text is not read" in got.notes
    assert got.warnings == (
        "1 control or bidirectional-override character(s) dropped (paragraph 7)",
        "1 paragraph(s) are numbered by Word's automatic numbering (paragraph 4); the numbers "
        "are not in the text: check that headings and list items read right")
    assert "\u202e" not in got.text


# --- tables ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cells", "header", "line"), [
    (["青石街道", "15", "4620"], ["街道", "小区数（个）", "户数（户）"],
     "青石街道：小区数（个） 15，户数（户） 4620。"),
    (["合计", "42", ""], ["街道", "小区数（个）", "户数（户）"], "合计：小区数（个） 42。"),
    (["牵头单位", "区住建局。"], None, "牵头单位：区住建局。"),
    (["表2　资金来源"], None, "表2　资金来源"),
    (["", "", ""], None, ""),
])
def test_row_line(cells, header, line):
    assert row_line(cells, header) == line


def test_merged_cells_and_title_rows(word_read):
    _, got = word_read["brief"]
    lines = got.text.split("\n")
    at = lines.index("表1　各小区垃圾分类情况")
    assert lines[at:at + 3] == ["表1　各小区垃圾分类情况",
                                "柳湾一村：参与率 95%，回收量（吨） 1.2。",
                                "柳湾二村：参与率 88%，回收量（吨） 0.9。"]
    assert "北片：小区 柳湾二村，驿站（个） 2。" in lines   # 北片 spans rows 2 and 3
    assert got.origins[lines.index("南片：小区 柳湾三村，驿站（个） 4。")] == "table 2 row 4"


# --- the corpus builds the sections a reader expects --------------------------------------------

@pytest.mark.parametrize("key", list(WORD_FILES))
def test_the_corpus_builds_the_sections_a_reader_expects(word_read, key):
    made, got = word_read[key]
    aid = "word-" + key.replace("_", "-")
    entry = SourceEntry(id=aid, file=f"raw/{aid}.txt",
                        outlet=got.metadata.outlet or "青禾区融媒体中心",
                        published=got.metadata.date or dt.date(2024, 6, 3),
                        title=got.metadata.title or "?", script="simplified")
    article = build_article(entry, got.text, corrections=Corrections()).article
    assert article.page is None                  # no line of the text is taken as a header
    assert tuple((s.heading, tuple(p.text for p in s.paragraphs))
                 for s in article.sections) == made.sections


# --- metadata ------------------------------------------------------------------------------------

def test_where_the_metadata_was_found(word_read):
    assert word_read["notice"][1].metadata.found_in == {
        "title": "the document's Title style (paragraph 1)",
        "date": "the date line under the title (paragraph 2)",
        "outlet": "the issuing body signing it at its end (paragraph 17)"}
    assert word_read["report"][1].metadata.found_in == {
        "title": "its first paragraph, centred in large bold type (paragraph 1)",
        "date": "the date line under the title (paragraph 2)"}
    assert word_read["styles_zh"][1].metadata.found_in["outlet"] == \
        "the 来源 line under the title (paragraph 2)"
    assert word_read["brief"][1].metadata.found_in == {"title": "core properties: title"}


def test_lines_that_gave_metadata_are_not_text_and_the_notes_say_so(word_read):
    _, got = word_read["notice"]
    assert wf.NOTICE_TITLE not in got.text and "2023年3月8日" not in got.text
    assert "此件公开发布" not in got.text and "青禾区人民政府办公室\n" not in got.text
    assert "the title (paragraph 1) is the headline, not a line of the text" in got.notes
    assert any(n.startswith("the signature at the end (paragraph 17: 青禾区人民政府办公室; "
                            "paragraph 18: 2023年3月8日; paragraph 19: （此件公开发布）)")
               for n in got.notes)


def _without_paragraph(data: bytes, text: str) -> bytes:
    d = docx.Document(io.BytesIO(data))
    for p in d.paragraphs:
        if p.text == text:
            p._p.getparent().remove(p._p)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_the_files_created_and_modified_times_are_never_the_date(word_read):
    made, _ = word_read["report"]
    props = docx.Document(io.BytesIO(made.data)).core_properties
    assert props.created == props.modified == dt.datetime(2020, 5, 1, 9, 30, tzinfo=dt.UTC)
    dated = "（2024年1月10日在青禾区第十七届人民代表大会第三次会议上）"
    undated = _without_paragraph(made.data, dated)
    got = read_docx(undated, "report.docx")
    assert got.metadata.date is None and "date" not in got.metadata.found_in
    assert got.metadata.title == "政府工作报告"


def test_a_placeholder_title_property_is_no_title():
    made = wf.report()
    untitled = _without_paragraph(made.data, "政府工作报告")   # its core title is 文档1
    got = read_docx(untitled, "report.docx")
    assert got.metadata.title is None and "title" not in got.metadata.found_in


@pytest.mark.parametrize(("title", "kept"), [
    ("文档1", False), ("Document1", False), ("新建 Microsoft Word 文档", False),
    ("Microsoft Word - 通知.doc", False), ("通知.docx", False), ("", False), (None, False),
    ("Untitled", False), ("Quarterly report", False), ("brief", False),
    ("柳湾街道垃圾分类工作简报", True), ("2024年白沙街道工作要点", True),
])
def test_meaningful_title(title, kept):
    assert meaningful_title(title, "/tmp/brief.docx") == (title if kept else None)


@pytest.mark.parametrize(("line", "found"), [
    ("2023年3月8日", (dt.date(2023, 3, 8), None)),
    ("二〇二三年三月八日", (dt.date(2023, 3, 8), None)),
    ("二○二四年十二月三十一日", (dt.date(2024, 12, 31), None)),
    ("（2024年1月10日在青禾区第十七届人民代表大会第三次会议上）", (dt.date(2024, 1, 10), None)),
    ("发布日期：2024年5月20日　来源：白沙街道办事处", (dt.date(2024, 5, 20), "白沙街道办事处")),
    ("2023年3月8日，全区召开老旧小区改造推进会。", None),
    ("一、工作目标", None),
])
def test_printed_date(line, found):
    assert printed_date(line) == found


def test_dates_that_disagree_are_warned_about():
    made = wf.notice()
    d = docx.Document(io.BytesIO(made.data))
    d.paragraphs[1].text = "2023年3月6日"                   # the date line under the title
    out = io.BytesIO()
    d.save(out)
    got = read_docx(out.getvalue(), "notice.docx")
    assert got.metadata.date == dt.date(2023, 3, 6)
    assert got.warnings == ("the date under the title (2023-03-06) and the date it is signed "
                            "with (paragraph 18: 2023-03-08) differ; the first is taken",)


# --- the same bytes, the same text; the dispatch --------------------------------------------------

def test_the_same_document_always_gives_the_same_text(word_read):
    made, got = word_read["notice"]
    again = wf.notice.__wrapped__()                        # made afresh (new ZIP timestamps)
    assert read_docx(made.data, "notice.docx") == got
    assert read_docx(again.data, "notice.docx").text == got.text


def test_the_dispatch_reads_word_files_with_this_reader(word_read):
    made, got = word_read["styles_zh"]
    assert reader("docx") is read_docx
    assert extract(made.data, name="报告.DOCX", where="报告.DOCX") == \
        read_docx(made.data, "报告.DOCX")


# --- hostile and foreign files --------------------------------------------------------------------

REFUSED = {
    "zip_bomb": (lambda: wf.zip_bomb("honest"), "unpacks to 1,07"),
    "zip_bomb_lying": (lambda: wf.zip_bomb("lying"), "word/document.xml cannot be unpacked"),
    "billion_laughs": (wf.billion_laughs, "declares a DTD"),
    "external_entity": (wf.external_entity, "declares a DTD"),
    "deep_nesting": (wf.deep_nesting, "python-docx cannot read this Word file"),
    "many_members": (wf.many_members, "holds 5,017 parts"),
    "bzip2_member": (wf.bzip2_member, "compressed with method 12, which Word never writes"),
    "workbook": (wf.workbook, "this is an Excel workbook, not a Word document"),
    "plain_zip": (wf.plain_zip, "this is a ZIP archive, not a Word document"),
    "old_doc": (wf.old_doc, "this is an old .doc file (Word 97-2003); save it as .docx"),
    "encrypted_doc": (wf.encrypted_doc, "this Word file is password-protected"),
    "damaged": (wf.damaged, "the file is damaged"),
    "empty": (lambda: b"", "this is not a Word (.docx) file"),
}


@pytest.mark.parametrize("kind", list(REFUSED))
def test_hostile_and_foreign_files_are_refused_fast_with_a_hint(kind):
    make, message = REFUSED[kind]
    data = make()
    started = time.perf_counter()
    with pytest.raises(BriefbookError) as caught:
        read_docx(data, "report.docx")
    assert time.perf_counter() - started < 3
    assert message in caught.value.message
    assert caught.value.where == "report.docx" and caught.value.hint
    assert "Traceback" not in str(caught.value)


def test_a_lying_zip_bomb_is_not_inflated():
    data = wf.zip_bomb("lying")
    tracemalloc.start()
    try:
        with pytest.raises(BriefbookError):
            read_docx(data, "bomb.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000                     # of the 1 GiB it would inflate to


def test_an_old_doc_is_refused_by_the_dispatch_too():
    with pytest.raises(BriefbookError, match=r"old \.doc file"):
        extract(wf.old_doc(), name="通知.docx", where="通知.docx")


def test_python_docx_parses_without_resolving_entities():
    """The parser python-docx uses leaves entities unexpanded, and libxml2 stops a billion
    laughs at once (the package check refuses any DTD before it gets there)."""
    element = parse_xml(b'<!DOCTYPE a [<!ENTITY e "EXPANDED">]><a>&e;</a>')
    assert "EXPANDED" not in "".join(element.itertext())
    started = time.perf_counter()
    try:
        laughs = parse_xml(f"{wf.LAUGHS_DTD}<a>&lol9;</a>".replace("w:document", "a").encode())
    except Exception as exc:  # noqa: BLE001 - lxml's XMLSyntaxError: amplification refused
        assert "amplification" in str(exc)
    else:
        assert len("".join(laughs.itertext())) < 1000
    assert time.perf_counter() - started < 1


def test_a_document_with_no_text_is_refused():
    d = docx.Document()
    d.add_paragraph("")
    d.add_page_break()
    out = io.BytesIO()
    d.save(out)
    with pytest.raises(BriefbookError, match="holds no text") as caught:
        read_docx(out.getvalue(), "blank.docx")
    assert "OCR" in caught.value.hint


def _headed(*paragraphs: tuple[str, int | None]) -> bytes:
    d = docx.Document()
    for text, level in paragraphs:
        d.add_heading(text, level) if level is not None else d.add_paragraph(text)
    d.core_properties.title = "文档2"
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_a_first_heading_1_is_the_title_only_when_it_is_the_only_one():
    alone = read_docx(_headed(("白沙街道夜市管理情况", 1), ("一、基本情况", 2),
                              ("夜市共有摊位120个。", None)), "a.docx")
    assert alone.metadata.title == "白沙街道夜市管理情况"
    assert alone.metadata.found_in["title"] == \
        "its first paragraph, the only level-1 heading (paragraph 1)"
    assert alone.text.split("\n")[0] == "一、基本情况"
    sections = read_docx(_headed(("基本情况", 1), ("夜市共有摊位120个。", None),
                                 ("下一步打算", 1), ("年内增设公厕两座。", None)), "b.docx")
    assert sections.metadata.title is None           # and 文档2 is no title either
    assert sections.text.split("\n")[0] == "基本情况"


def test_ingest_takes_a_word_files_metadata_and_keeps_the_original(corpus_copy, tmp_path):
    path = wf.write_word_files(tmp_path)["notice"]
    report = ingest(path, corpus_dir=corpus_copy, article_id="qinghe-renovation-notice")
    article = report.article
    assert (article.title, article.published, article.outlet) == \
        (wf.NOTICE_TITLE, dt.date(2023, 3, 8), "青禾区人民政府办公室")
    assert report.found_in["outlet"] == "the issuing body signing it at its end (paragraph 17)"
    assert report.original_path is not None and report.original_path.read_bytes() == \
        wf.notice().data
    assert [s.heading for s in article.sections] == [h for h, _ in wf.notice().sections]
