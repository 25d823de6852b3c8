"""Word (.docx) files written for the tests with python-docx, in the shapes Chinese government
offices and newsrooms save them (fictional district 青禾区; every sentence written for these
tests), and hostile files a Word reader must refuse.

Takes: nothing. Gives: ``WordFile`` values — the file's bytes and what a reader of the document
sees as its article: the title, the printed date, the outlet, the lines of text in order (what
``read_docx`` must give: one line per paragraph, heading or table row; the title, the date line
under it and the signature at the end are metadata, not lines) and the sections the corpus
should build from those lines. ``WORD_FILES`` names them all:

- ``notice``: a district government notice: a Title-style title, a centred date line, 一、
  headings in Heading 1 and （一） in Heading 2, a soft line break inside a sentence, a table of
  figures (header row, one row per street), an empty paragraph and a page break, a signature
  (issuing office and date, right-aligned) and the remark （此件公开发布）.
- ``report``: a work report with no heading styles at all: the title is the first paragraph,
  centred, bold, 22 pt; the line under it prints the date in parentheses
  （2024年1月10日在……上）; 一、 headings are bold Normal paragraphs and （一） items are bold
  run-in heads inside their paragraphs. Its core properties say 文档1 and dates in 2020
  (neither is the article's).
- ``styles_zh``: a street office's report whose styles are named as Chinese Word and WPS name
  them (标题, 标题 1, 标题 2), one heading set by a custom style's outline level and one by
  the paragraph's own outline level, and a 发布日期/来源 line under the title.
- ``brief``: a bulletin with no printed title (its core properties give a meaningful one), with
  tracked changes, a text box, a footnote reference, a content control around a paragraph, a
  hyperlink, a tab, automatic list numbering, a right-to-left override character, a table with
  a title row spanning it and a table with vertically merged cells.

Hostile or foreign files (bytes): ``zip_bomb`` (word/document.xml inflating to 1 GiB, its
size declared honestly or as 3,000 bytes), ``billion_laughs``, ``external_entity``,
``deep_nesting``, ``many_members``, ``bzip2_member``, ``workbook`` (an .xlsx-shaped
package), ``plain_zip``, ``old_doc`` and ``encrypted_doc`` (bytes that start as a Word 97 /
password-protected Word file: the Compound File signature), ``damaged`` (a notice cut short).

Used by tests/corpus/formats/test_docx.py; the ingest tests may write them to a folder with
``write_word_files``.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from docx.text.paragraph import Paragraph

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class WordFile:
    """A .docx written for the tests and what a reader sees in it."""

    name: str
    data: bytes
    title: str | None
    date: dt.date | None
    outlet: str | None
    lines: tuple[str, ...]
    #: the sections build_article should give: (heading or None, [paragraph texts])
    sections: tuple[tuple[str | None, tuple[str, ...]], ...]


def _saved(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _element(xml: str):  # noqa: ANN202 - an lxml element of python-docx's classes
    return parse_xml(xml)


# ------------------------------------------------------------------ notice (Title, Heading 1/2)

NOTICE_TITLE = "青禾区人民政府办公室关于印发2023年老旧小区改造工作方案的通知"
NOTICE_LINES = (
    "各街道办事处，区政府各部门：",
    "《青禾区2023年老旧小区改造工作方案》已经区政府同意，现印发给你们，请结合实际认真组织实施。",
    "一、工作目标",
    "2023年全区计划改造老旧小区42个，涉及居民13000户，完成投资3.6亿元。年底前，改造小区全部完成雨污分流和弱电入地。",
    "二、主要任务",
    "（一）完善基础设施",
    "更换老化供水管网18公里，新增停车位1200个，具备条件的小区同步建设充电设施。",
    "（二）提升公共服务",
    "在改造小区配建养老服务站点9处、托育点5处，打造“十五分钟生活圈”。各街道改造任务见下表。",
    "青石街道：小区数（个） 15，户数（户） 4620，投资（万元） 12800。",
    "白沙街道：小区数（个） 12，户数（户） 3910，投资（万元） 10400。",
    "柳湾街道：小区数（个） 15，户数（户） 4470，投资（万元） 12800。",
    "三、保障措施",
    "各街道要建立工作专班，每月5日前向区住房和城乡建设局报送进度。区财政局按工程进度拨付资金。",
)


@functools.cache
def notice() -> WordFile:
    d = docx.Document()
    d.add_paragraph(NOTICE_TITLE, style="Title")
    d.add_paragraph("2023年3月8日").alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("")
    d.add_paragraph(NOTICE_LINES[0])
    d.add_paragraph("　　" + NOTICE_LINES[1])          # indented by hand, as people type
    d.add_heading(NOTICE_LINES[2], level=1)
    d.add_paragraph(NOTICE_LINES[3])
    d.add_heading(NOTICE_LINES[4], level=1)
    d.add_heading(NOTICE_LINES[5], level=2)
    soft = d.add_paragraph("更换老化供水管网18公里，新增停车")
    soft.runs[0].add_break()                            # a line break the layout left in
    soft.add_run("位1200个，具备条件的小区同步建设充电设施。")
    d.add_heading(NOTICE_LINES[7], level=2)
    d.add_paragraph(NOTICE_LINES[8])
    table = d.add_table(rows=4, cols=4)
    for r, row in enumerate((("街道", "小区数（个）", "户数（户）", "投资（万元）"),
                             ("青石街道", "15", "4620", "12800"),
                             ("白沙街道", "12", "3910", "10400"),
                             ("柳湾街道", "15", "4470", "12800"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_heading(NOTICE_LINES[12], level=1)
    d.add_paragraph(NOTICE_LINES[13])
    d.add_paragraph("")
    d.add_page_break()
    for text in ("青禾区人民政府办公室", "2023年3月8日"):
        d.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    d.add_paragraph("（此件公开发布）")
    d.core_properties.title = "方案通知（定稿）"
    d.core_properties.created = dt.datetime(2019, 11, 2, 8, 0)
    lines = NOTICE_LINES
    sections = ((None, lines[0:2]), (lines[2], lines[3:4]), (lines[4], ()),
                (lines[5], lines[6:7]), (lines[7], lines[8:12]), (lines[12], lines[13:14]))
    return WordFile("notice.docx", _saved(d), NOTICE_TITLE, dt.date(2023, 3, 8),
                    "青禾区人民政府办公室", lines, sections)


# ------------------------------------------------------- report (no heading styles, bold heads)

REPORT_LINES = (
    "各位代表：",
    "现在，我代表青禾区人民政府，向大会报告工作，请予审议。",
    "一、2023年工作回顾",
    "过去一年，全区地区生产总值达到548.6亿元，增长7.1%；一般公共预算收入41.2亿元，增长5.3%。",
    "（一）产业转型步伐加快。新引进先进制造业项目23个，高新技术企业达到186家。",
    "（二）城乡面貌持续改善。完成老旧小区改造42个，新建口袋公园16个。",
    "二、2024年主要任务",
    "今年全区发展的主要预期目标是：地区生产总值增长6.5%左右，城镇调查失业率控制在5.5%以内。",
    "（一）推动制造业提质增效。实施技术改造项目40个，力争规上工业增加值增长8%。",
    "三、加强政府自身建设",
    "各位代表，新的一年任务艰巨、责任重大。我们将以更加务实的作风，全力完成全年目标任务！",
)


def _bold_run_in(d: docx.document.Document, line: str) -> None:
    """（一）xxx。 in bold, then the paragraph's text in regular weight."""
    head, _, rest = line.partition("。")
    p = d.add_paragraph()
    p.add_run(head + "。").bold = True
    p.add_run(rest)


@functools.cache
def report() -> WordFile:
    d = docx.Document()
    title = d.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("政府工作报告")
    run.bold, run.font.size = True, Pt(22)
    d.add_paragraph("（2024年1月10日在青禾区第十七届人民代表大会第三次会议上）").alignment = \
        WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("　　")                            # a paragraph of spaces: empty
    lines = REPORT_LINES
    for i, line in enumerate(lines):
        if line[:2] in ("一、", "二、", "三、"):
            d.add_paragraph().add_run(line).bold = True
        elif line.startswith("（"):
            _bold_run_in(d, line)
        else:
            d.add_paragraph(line)
        for r in d.paragraphs[-1].runs:
            r.font.size = Pt(16)
        if i == 5:
            d.add_paragraph()
    props = d.core_properties
    props.title, props.author = "文档1", "Administrator"
    props.created = props.modified = dt.datetime(2020, 5, 1, 9, 30)
    sections = ((None, lines[0:2]), (lines[2], lines[3:6]), (lines[6], lines[7:9]),
                (lines[9], lines[10:11]))
    return WordFile("report.docx", _saved(d), "政府工作报告", dt.date(2024, 1, 10), None,
                    lines, sections)


# ------------------------------------------------ styles named in Chinese, outline levels

STYLES_TITLE = "白沙街道社区食堂运营情况报告"
STYLES_LINES = (
    "一、基本情况",
    "街道现有社区食堂6家，日均就餐1850人次，其中60岁以上老人占七成。",
    "（一）运营模式",
    "食堂由街道提供场地，引入专业餐饮企业运营，老人就餐每餐补贴3元。",
    "二、存在问题",
    "部分食堂离居民区较远，晚餐供应不足。",
    "三、下一步打算",
    "年内再建社区食堂2家，并开通送餐上门服务。",
)


def _outline(p_pr, level: int) -> None:  # noqa: ANN001 - python-docx's CT_PPr
    p_pr.append(_element(f'<w:outlineLvl {nsdecls("w")} w:val="{level}"/>'))


@functools.cache
def styles_zh() -> WordFile:
    d = docx.Document()
    styles = d.styles
    for name, size in (("标题", 22), ("标题 1", 16), ("标题 2", 16), ("公文一级标题", 16)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.size, style.font.bold = Pt(size), True
    _outline(styles["公文一级标题"].element.get_or_add_pPr(), 0)
    lines = STYLES_LINES
    d.add_paragraph(STYLES_TITLE, style="标题")
    d.add_paragraph("发布日期：2024年5月20日　来源：白沙街道办事处")
    d.add_paragraph(lines[0], style="标题 1")
    d.add_paragraph(lines[1])
    d.add_paragraph(lines[2], style="标题 2")
    d.add_paragraph(lines[3])
    d.add_paragraph(lines[4], style="公文一级标题")
    d.add_paragraph(lines[5])
    _outline(d.add_paragraph(lines[6])._p.get_or_add_pPr(), 0)
    d.add_paragraph(lines[7])
    d.core_properties.title = "食堂报告（终稿）"
    sections = ((lines[0], lines[1:2]), (lines[2], lines[3:4]), (lines[4], lines[5:6]),
                (lines[6], lines[7:8]))
    return WordFile("styles_zh.docx", _saved(d), STYLES_TITLE, dt.date(2024, 5, 20),
                    "白沙街道办事处", lines, sections)


# ------------------------------------ brief (tracked changes, text box, tables, controls …)

BRIEF_TITLE = "柳湾街道垃圾分类工作简报"
BRIEF_LINES = (
    "柳湾街道今年以来持续推进垃圾分类，居民参与率达到92%。",
    "街道在12个小区设置了智能回收箱，每周回收可回收物约3.5吨。",
    "下一步，街道将在老旧小区增设分类驿站。",
    "加强督导检查，每月通报各小区分类情况。",
    "详见街道公众号“柳湾发布”。",
    "居民如需上门回收，可联系王敏 电话0731-5550123。",
    "街道还将开通小程序预约回收功能。",
    "表1　各小区垃圾分类情况",
    "柳湾一村：参与率 95%，回收量（吨） 1.2。",
    "柳湾二村：参与率 88%，回收量（吨） 0.9。",
    "北片：小区 柳湾一村，驿站（个） 3。",
    "北片：小区 柳湾二村，驿站（个） 2。",
    "南片：小区 柳湾三村，驿站（个） 4。",
)
TEXT_BOX = "图为回收箱"


def _append_xml(p: Paragraph, xml: str) -> None:
    p._p.append(_element(xml))


def _brief_paragraphs(d: docx.document.Document) -> None:
    w = nsdecls("w")
    p = d.add_paragraph("柳湾街道今年以来持续推进垃圾分类，居民参与率达到")
    _append_xml(p, f'<w:del {w} w:id="1" w:author="审核" w:date="2024-06-01T09:00:00Z">'
                   "<w:r><w:delText>85%</w:delText></w:r></w:del>")
    _append_xml(p, f'<w:ins {w} w:id="2" w:author="审核" w:date="2024-06-01T09:00:00Z">'
                   "<w:r><w:t>92%</w:t></w:r></w:ins>")
    p.add_run("。")
    p = d.add_paragraph("街道在12个小区设置了智能回收箱")
    _append_xml(p, f'<w:r {w} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape>'
                   f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{TEXT_BOX}</w:t></w:r></w:p>"
                   "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    p.add_run("，每周回收可回收物约3.5吨。")
    _append_xml(p, f'<w:r {w}><w:footnoteReference w:id="1"/></w:r>')
    body = d.element.body
    sdt = _element(f"<w:sdt {w}><w:sdtPr><w:alias w:val=\"下一步\"/></w:sdtPr><w:sdtContent>"
                   "<w:p><w:r><w:t>下一步，街道将在老旧小区增设分类驿站。</w:t></w:r></w:p>"
                   "</w:sdtContent></w:sdt>")
    body.insert(len(body) - 1, sdt)                     # before the final w:sectPr
    d.add_paragraph(BRIEF_LINES[3], style="List Number")
    p = d.add_paragraph("详见街道公众号")
    _append_xml(p, f'<w:hyperlink {w} w:anchor="gzh"><w:r><w:t>“柳湾发布”</w:t></w:r>'
                   "</w:hyperlink>")
    p.add_run("。")
    d.add_paragraph("居民如需上门回收，可联系王敏\t电话0731-5550123。")
    d.add_paragraph("街道还将开通小程序\u202e预约回收功能。")


def _brief_tables(d: docx.document.Document) -> None:
    t = d.add_table(rows=4, cols=3)
    top = t.cell(0, 0).merge(t.cell(0, 2))
    top.text = "表1　各小区垃圾分类情况"
    for r, row in enumerate((("小区", "参与率", "回收量（吨）"), ("柳湾一村", "95%", "1.2"),
                             ("柳湾二村", "88%", "0.9")), 1):
        for c, value in enumerate(row):
            t.cell(r, c).text = value
    d.add_paragraph()
    t = d.add_table(rows=4, cols=3)
    for r, row in enumerate((("片区", "小区", "驿站（个）"), ("北片", "柳湾一村", "3"),
                             ("", "柳湾二村", "2"), ("南片", "柳湾三村", "4"))):
        for c, value in enumerate(row):
            if value:
                t.cell(r, c).text = value
    t.cell(1, 0).merge(t.cell(2, 0))                    # 北片 spans two rows


@functools.cache
def brief() -> WordFile:
    d = docx.Document()
    _brief_paragraphs(d)
    _brief_tables(d)
    d.core_properties.title = BRIEF_TITLE
    d.core_properties.created = dt.datetime(2024, 6, 3, 10, 0)
    lines = BRIEF_LINES
    # 表1… reads as a subheading to the corpus (short, no closing punctuation)
    sections = ((None, lines[0:7]), (lines[7], lines[8:13]))
    return WordFile("brief.docx", _saved(d), BRIEF_TITLE, None, None, lines, sections)


WORD_FILES: dict[str, Callable[[], WordFile]] = {
    "notice": notice, "report": report, "styles_zh": styles_zh, "brief": brief}


def write_word_files(folder: Path) -> dict[str, Path]:
    """Every ``WORD_FILES`` document written into ``folder``, by name."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for key, make in WORD_FILES.items():
        made = make()
        out[key] = folder / made.name
        out[key].write_bytes(made.data)
    return out


# ------------------------------------------------------------------- hostile and foreign files

def replaced(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of the package ``data`` with member ``name`` holding ``content``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info))
    return out.getvalue()


def _document_xml(body: str, head: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{head}'
            f'<w:document xmlns:w="{W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'
            ).encode()


LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10))
LAUGHS_DTD = f'<!DOCTYPE w:document [<!ENTITY lol1 "lol">{LAUGHS}]>\n'


def billion_laughs() -> bytes:
    """The notice with a document.xml whose DTD expands &lol9; to 10⁹ "lol"s."""
    xml = _document_xml("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", LAUGHS_DTD)
    return replaced(notice().data, "word/document.xml", xml)


def external_entity() -> bytes:
    """The notice with a document.xml that pulls /etc/hostname in through an entity."""
    head = '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n'
    return replaced(notice().data, "word/document.xml",
                    _document_xml("<w:p><w:r><w:t>&x;</w:t></w:r></w:p>", head))


def deep_nesting(depth: int = 100_000) -> bytes:
    """The notice with paragraphs nested ``depth`` content controls deep."""
    body = "<w:sdt><w:sdtContent>" * depth + "<w:p/>" + "</w:sdtContent></w:sdt>" * depth
    return replaced(notice().data, "word/document.xml", _document_xml(body))


def _local(name: bytes, method: int, crc: int, csize: int, size: int) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, csize, size,
                       len(name), 0) + name


def _central(name: bytes, method: int, crc: int, csize: int, size: int, offset: int) -> bytes:
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, csize,
                       size, len(name), 0, 0, 0, 0, 0, offset) + name


def raw_zip(members: list[tuple[str, int, int, bytes, int]]) -> bytes:
    """A ZIP written by hand: (name, method, CRC-32, compressed bytes, declared size) per member
    — the declared size may lie."""
    out, directory = bytearray(), bytearray()
    for name, method, crc, packed, size in members:
        raw = name.encode()
        directory += _central(raw, method, crc, len(packed), size, len(out))
        out += _local(raw, method, crc, len(packed), size) + packed
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                      len(directory), len(out), 0)
    return bytes(out + directory + end)


GIB = 1 << 30


@functools.cache
def _gib_of_zeros() -> tuple[bytes, int]:
    """Raw deflate data that inflates to 1 GiB of zeros (~1 MB), and its CRC-32. Each MiB is
    compressed after a full flush, so one compressed MiB repeats 1,024 times."""
    mib = bytes(1 << 20)
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = z.compress(mib) + z.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(GIB >> 20):
        crc = zlib.crc32(mib, crc)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    return block * (GIB >> 20) + end, crc


def zip_bomb(declared: str = "honest") -> bytes:
    """A package whose word/document.xml inflates to 1 GiB; its size declared as 1 GiB
    ("honest") or as 3,000 bytes ("lying"). The other members are the notice's."""
    members = []
    with zipfile.ZipFile(io.BytesIO(notice().data)) as src:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                packed, crc = _gib_of_zeros()
                members.append((info.filename, zipfile.ZIP_DEFLATED, crc, packed,
                                GIB if declared == "honest" else 3_000))
            else:
                content = src.read(info)
                z = zlib.compressobj(6, zlib.DEFLATED, -15)
                members.append((info.filename, zipfile.ZIP_DEFLATED, zlib.crc32(content),
                                z.compress(content) + z.flush(), len(content)))
    return raw_zip(members)


def many_members(count: int = 5_000) -> bytes:
    """The notice with ``count`` tiny extra members."""
    out = io.BytesIO(notice().data)
    with zipfile.ZipFile(out, "a") as z:
        for i in range(count):
            z.writestr(f"extra/part{i}.xml", "<a/>")
    return out.getvalue()


def bzip2_member() -> bytes:
    """The notice with its document.xml compressed with bzip2 (Word only writes deflate)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(notice().data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            method = zipfile.ZIP_BZIP2 if info.filename == "word/document.xml" \
                else zipfile.ZIP_DEFLATED
            dst.writestr(info.filename, src.read(info), compress_type=method)
    return out.getvalue()


_XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')


def workbook() -> bytes:
    """A package shaped as an Excel workbook (.xlsx): content types and xl/workbook.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _XLSX_TYPES)
        z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/'
                                      'spreadsheetml/2006/main"><sheets/></workbook>')
    return out.getvalue()


def plain_zip() -> bytes:
    """A ZIP of two text files (no Word parts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("说明.txt", "青禾区2023年老旧小区改造资料")
        z.writestr("数据/汇总.csv", "街道,小区数\n青石街道,15\n")
    return out.getvalue()


CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def old_doc() -> bytes:
    """Bytes that open as a Word 97-2003 (.doc) file does: the Compound File header's
    signature and version fields, then empty sectors."""
    return CFB_SIGNATURE + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + bytes(4096)


def encrypted_doc() -> bytes:
    """A Compound File holding an EncryptedPackage stream, as Word saves a .docx with a
    password."""
    return old_doc() + "EncryptedPackage".encode("utf-16-le") + bytes(512)


def damaged() -> bytes:
    """The notice cut off after its first half."""
    data = notice().data
    return data[: len(data) // 2]
