"""Reports saved as PDFs, made for the tests (fictional 某某市; every sentence written for these
tests), and the PDFs ``read_pdf`` must refuse.

Takes: nothing (or a page count, for the long report).
Gives: ``ReportPdf`` values — the PDF's bytes and what a reader of it sees as its article: the
title, the date and the issuing body it prints (None where it prints none), its blocks in order
(one per paragraph or heading, as ``read_pdf`` must give them: running heads and page numbers
never, nor the title, date line, masthead and signature that are its metadata, ``left_out``)
and the first and last page of each block. The session fixtures ``work_report_pdf``,
``typed_copy_pdf``, ``notice_pdf`` and ``bulletin_pdf`` give the four documents:

- ``work_report()``: a municipal government work report rendered by WeasyPrint with the bundled
  Noto CJK fonts: a bold centred title, a centred date line "（2024年1月10日在……上）", 一、 and
  （一） headings, short "1." headings, justified paragraphs with a 2 em first-line indent and
  no space between them, one paragraph running over a page break; a running header
  "某某市人民政府工作报告" on every page but the first and the page number "— 3 —" below.
- ``typed_copy()``: the report's body as a Word draft prints it (WeasyPrint): its title but no
  date line, indents typed as two ideographic spaces, letter-spaced justified lines, running
  heads left and right (the right one counting pages: "征求意见稿 2024-3"), "第 3 页 共 4 页"
  at the bottom right.
- ``notice()``: an office's notice laid out line by line with matplotlib (its own PDF backend,
  Type 3 fonts): the red masthead "某某市人民政府办公厅文件" above the document number, a title
  of two centred lines, ragged-right paragraphs with no indent and space between them, an
  English paragraph with words hyphenated at line ends, the signature and date at the end; a
  running head (the document number) on pages 2 and on and "第 1 页 共 3 页" below; its /Title
  is Word's "Microsoft Word - 文档1.docx" and its CreationDate is not the date it prints.
- ``bulletin()``: one page of same-size lines (no printed title) whose /Title names it.

And the files ``read_pdf`` refuses or warns about: ``scan()`` (two page images, no text),
``with_scanned_page()`` (the notice with a scanned page appended), ``encrypted()`` (needs a
password), ``owner_protected()`` (opens without one), ``truncated()``, ``thousands_of_pages()``,
and ``long_report(pages)`` for the benchmark (a 100-page report takes WeasyPrint seconds).

Every PDF is made once and kept under ``CACHE_DIR`` (in the system's temporary folder), named by
a hash of this file, the generator's arguments and the versions of WeasyPrint, matplotlib,
pikepdf and Pillow: a change to any of them makes it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

import pytest

from briefbook.core.fileio import write_atomic
from briefbook.core.resources import FONTS_DIR

CACHE_DIR = Path(tempfile.gettempdir()) / "briefbook-test-cache" / "report-pdfs"

SERIF = FONTS_DIR / "NotoSerifCJKsc-Regular.otf"
SERIF_BOLD = FONTS_DIR / "NotoSerifCJKsc-Bold.otf"
SANS_BOLD = FONTS_DIR / "NotoSansCJKsc-Bold.otf"


@dataclass(frozen=True)
class ReportPdf:
    """A PDF and what a reader sees in it."""

    name: str
    pdf: bytes
    blocks: tuple[str, ...]              # paragraphs and headings, in order
    pages: tuple[tuple[int, int], ...]   # first and last page of each block
    title: str | None
    date: dt.date | None
    outlet: str | None
    page_count: int
    left_out: tuple[str, ...] = ()       # printed lines that are metadata, not text

    @classmethod
    def of(cls, name: str, pdf: bytes, blocks: Sequence[tuple[str, str]],
           pages: Sequence[tuple[int, int]], **metadata: object) -> ReportPdf:
        """The document of ``blocks`` (kind, text): the kinds in ``METADATA_KINDS`` are left
        out of the text; soft hyphens (where ``wrap`` may break a word) are not printed."""
        kept = [i for i, (kind, _) in enumerate(blocks) if kind not in METADATA_KINDS]
        return cls(name, pdf, tuple(blocks[i][1].replace("\xad", "") for i in kept),
                   tuple(pages[i] for i in kept),
                   page_count=pages[-1][1], left_out=tuple(
                       text for kind, text in blocks if kind in METADATA_KINDS),
                   **metadata)  # type: ignore[arg-type]

    @property
    def text(self) -> str:
        """The article as ``read_pdf`` gives it: one block a line, blank lines between."""
        return "\n\n".join(self.blocks)

    @property
    def origins(self) -> tuple[str, ...]:
        """One entry per line of ``text``: "page 3", "pages 3–4", "" for the blank lines."""
        out: list[str] = []
        for first, last in self.pages:
            if out:
                out.append("")
            out.append(f"page {first}" if first == last else f"pages {first}–{last}")
        return tuple(out)

    def block(self, start: str) -> int:
        """The index of the block that starts with ``start``."""
        return next(i for i, b in enumerate(self.blocks) if b.startswith(start))


#: Blocks the reader takes metadata from and leaves out of the text: the title, the lines
#: under it that give the date (or the masthead and document number above it), the signature
#: at the end and a remark after it.
METADATA_KINDS = frozenset({"title", "dateline", "masthead", "number", "right", "remark"})


# --- the work report ----------------------------------------------------------------------------

REPORT_RUNNING_HEAD = "某某市人民政府工作报告"
REPORT_TITLE = "政府工作报告"
REPORT_DATE_LINE = "（2024年1月10日在某某市第十七届人民代表大会第三次会议上）"
#: The long paragraph that runs over a page break.
REPORT_LONG = (
    "产业转型升级步伐加快。我们把制造业高质量发展作为主攻方向，实施新一轮技术改造三年行动，全年"
    "完成技改投资318.6亿元，新增智能工厂12家、数字化车间47个，规模以上工业企业关键工序数控化率"
    "提高到62.3%。新能源汽车及零部件产业集群加速成势，整车产量达到14.2万辆，带动上下游配套企业新"
    "增产值260亿元；新型显示、生物医药、高端装备三个产业集群产值分别增长15.8%、11.2%和9.6%。科技"
    "创新支撑能力持续增强，全社会研发经费投入强度达到2.86%，比上年提高0.18个百分点；新认定高新技"
    "术企业836家，总数突破4000家；技术合同成交额达到356.4亿元，增长21.5%。我们设立规模20亿元的"
    "科技成果转化引导基金，支持高校院所与龙头企业共建联合实验室31个，一批关键核心技术取得突破。服"
    "务业提质扩容，现代物流、软件信息、检验检测等生产性服务业营业收入增长10.3%，新增国家级示范物"
    "流园区1个、省级服务业集聚区5个。农业基础更加稳固，粮食总产量稳定在186万吨以上，新建高标准农"
    "田32万亩，农产品加工业产值与农业总产值之比提高到2.7∶1。数字经济核心产业增加值占地区生产总值"
    "比重达到9.4%，新建5G基站5600个，实现城区和重点乡镇全覆盖。开放型经济稳中提质，全年进出口总额"
    "完成1268亿元，实际使用外资12.7亿美元，新引进投资超亿元项目214个，其中超十亿元项目36个。")

#: (kind, text): kind is the HTML element's class — title, dateline, salute, h2, h3, h4 or p.
REPORT_BODY: tuple[tuple[str, str], ...] = (
    ("salute", "各位代表："),
    ("p", "现在，我代表市人民政府，向大会报告政府工作，请予审议，并请市政协委员和其他列席人员提出"
          "意见。"),
    ("h2", "一、2023年工作回顾"),
    ("p", "2023年是全面贯彻党的二十大精神的开局之年，也是我市经济恢复发展的关键一年。面对复杂多变"
          "的外部环境和艰巨繁重的改革发展任务，市政府团结带领全市人民，坚持稳中求进工作总基调，扎"
          "实做好稳增长、促改革、调结构、惠民生、防风险各项工作，全年经济社会发展主要目标任务较好"
          "完成。"),
    ("h3", "（一）经济运行稳中向好"),
    ("p", "全市地区生产总值达到5432.1亿元，比上年增长6.2%；一般公共预算收入412.6亿元，增长8.1%；"
          "规模以上工业增加值增长7.4%，固定资产投资增长5.3%，社会消费品零售总额突破2100亿元。新登"
          "记市场主体9.8万户，总量达到86.5万户。"),
    ("p", REPORT_LONG),
    ("h3", "（二）城市功能持续完善"),
    ("p", "城市更新行动全面铺开，改造老旧小区236个、惠及居民8.6万户，整治背街小巷158条，新增城市"
          "绿道120公里。轨道交通2号线二期建成通车，运营里程达到96公里。“城市大脑”（City Brain）"
          "平台接入部门数据资源1.2亿条，“一网通办”事项网上可办率达到98.6%。"),
    ("h3", "（三）民生保障有力有效"),
    ("p", "全市民生支出占一般公共预算支出的比重保持在78%以上。城镇新增就业12.3万人，城镇调查失业率"
          "控制在5.2%以内。居民人均可支配收入达到48760元，增长5.9%。新建改扩建中小学和幼儿园42所，"
          "新增学位3.1万个；新增养老服务床位2800张，建成社区嵌入式养老服务中心65个。"),
    ("p", "在看到成绩的同时，我们也清醒认识到，发展中还存在不少困难和问题：经济回升向好的基础还不"
          "稳固，部分企业生产经营困难；科技创新能力与高质量发展要求还有差距；教育、医疗、养老等公"
          "共服务供给还不够均衡；政府工作人员的能力作风仍需改进。我们将直面问题，切实加以解决。"),
    ("h2", "二、2024年主要目标任务"),
    ("p", "2024年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长"
          "6.5%，城镇新增就业11万人以上，城镇调查失业率控制在5.5%以内，居民收入增长与经济增长基本"
          "同步，单位地区生产总值能耗完成省下达任务。"),
    ("h3", "（一）加快建设现代化产业体系"),
    ("p", "坚持把发展经济的着力点放在实体经济上，推动传统产业高端化、智能化、绿色化改造，培育壮大"
          "新能源汽车、新型显示、生物医药等战略性新兴产业集群，力争规模以上工业增加值增长7%。"),
    ("h3", "（二）深入推进城市更新"),
    ("h4", "1. 老旧小区改造"),
    ("p", "年内启动改造老旧小区120个，同步完善养老托育、停车充电等配套设施，鼓励有条件的小区加装"
          "电梯，让居民住得更舒心。"),
    ("h4", "2. 背街小巷整治"),
    ("p", "整治提升背街小巷100条，推进架空线入地和立面整治，打造一批有烟火气、有文化味的特色"
          "街巷。"),
    ("h3", "（三）持续增进民生福祉"),
    ("p", "坚持尽力而为、量力而行，办好十件民生实事。实施高校毕业生就业促进行动，新增公办幼儿园学"
          "位5000个，建成区域医疗中心2个，新增养老服务床位1500张，让发展成果更多更公平惠及全市人民。"),
    ("h2", "三、加强政府自身建设"),
    ("p", "我们将坚持依法行政，自觉接受人大依法监督和政协民主监督，持续深化政务公开；坚持过紧日子，"
          "一般性支出再压减5%；坚持实干为先，以钉钉子精神抓好各项工作落实。"),
    ("p", "各位代表，新的征程催人奋进，新的使命重任在肩。让我们在市委的坚强领导下，团结一心、埋头"
          "苦干，奋力谱写某某高质量发展新篇章！"),
)


def _font_faces() -> str:
    serif, serif_bold, sans_bold = (p.as_uri() for p in (SERIF, SERIF_BOLD, SANS_BOLD))
    return f"""
@font-face {{ font-family: "Noto Serif CJK SC"; src: url("{serif}"); }}
@font-face {{ font-family: "Noto Serif CJK SC"; src: url("{serif_bold}"); font-weight: bold; }}
@font-face {{ font-family: "Noto Sans CJK SC"; src: url("{sans_bold}"); font-weight: bold; }}
"""


REPORT_CSS = """
@page { size: A4; margin: 25mm 26mm 28mm;
  @top-center { content: "某某市人民政府工作报告"; font: 9pt "Noto Serif CJK SC"; color: #444; }
  @bottom-center { content: "— " counter(page) " —"; font: 11pt "Noto Serif CJK SC"; } }
@page :first { @top-center { content: none; } }
html { font-family: "Noto Serif CJK SC"; font-size: 14pt; line-height: 1.75; }
p { margin: 0; text-indent: 2em; text-align: justify; }
.title { font: bold 24pt "Noto Sans CJK SC"; text-align: center; margin: 6mm 0 4mm; }
.dateline { text-indent: 0; text-align: center; margin-bottom: 8mm; }
.salute { text-indent: 0; }
.h2 { font-family: "Noto Sans CJK SC"; font-weight: bold; margin-top: 2mm; }
.h3 { font-weight: bold; }
"""


#: The typed copy indents its paragraphs with two ideographic spaces, as in Word.
TYPED_INDENT = "\u3000\u3000"


def _report_html(blocks: Sequence[tuple[str, str]], typed: bool = False) -> str:
    from html import escape
    body = "".join(f'<p id="b{i}" class="{kind}">'
                   f'{TYPED_INDENT if typed and kind == "p" else ""}{escape(text)}</p>\n'
                   for i, (kind, text) in enumerate(blocks))
    return ('<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
            "<title>zfgzbg-2024-final.docx</title></head><body>\n" + body + "</body></html>")


def _weasyprint(blocks: Sequence[tuple[str, str]], css: str, max_pages: int | None = None,
                typed: bool = False) -> tuple[bytes, list[tuple[int, int]]]:
    """The PDF of ``blocks`` and the first and last page each one lands on."""
    # imported here: WeasyPrint takes a second to load, which tests that never render skip
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    document = HTML(string=_report_html(blocks, typed)).render(
        stylesheets=[CSS(string=_font_faces() + css, font_config=fonts)], font_config=fonts)
    if max_pages is not None:
        if len(document.pages) < max_pages:
            raise AssertionError(f"the report has {len(document.pages)} pages, not {max_pages}")
        document = document.copy(document.pages[:max_pages])
    spans: dict[int, list[int]] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None else None
            if ident and ident.startswith("b"):
                span = spans.setdefault(int(ident[1:]), [number, number])
                span[1] = number
    return document.write_pdf(), [tuple(spans[i]) for i in sorted(spans)]  # type: ignore[misc]


def _report_blocks() -> tuple[tuple[str, str], ...]:
    return (("title", REPORT_TITLE), ("dateline", REPORT_DATE_LINE), *REPORT_BODY)


def work_report() -> ReportPdf:
    """The municipal work report (WeasyPrint; see the module's docstring)."""
    blocks = _report_blocks()
    pdf, pages = _cached("work-report", lambda: _weasyprint(blocks, REPORT_CSS))
    long_pages = pages[blocks.index(("p", REPORT_LONG))]
    if long_pages[1] != long_pages[0] + 1:  # the tests need one paragraph over a page break
        raise AssertionError(f"the long paragraph lands on pages {long_pages}")
    return ReportPdf.of("work report", pdf, blocks, pages, title=REPORT_TITLE,
                        date=dt.date(2024, 1, 10), outlet=None)


TYPED_TITLE = "政府工作报告（征求意见稿）"
TYPED_CSS = """
@page { size: A4; margin: 30mm 25mm;
  @top-left { content: "某某市人民政府"; font: 9pt "Noto Serif CJK SC"; }
  @top-right { content: "征求意见稿 2024-" counter(page); font: 9pt "Noto Serif CJK SC"; }
  @bottom-right { content: "第 " counter(page) " 页 共 " counter(pages) " 页";
                  font: 9pt "Noto Serif CJK SC"; } }
html { font-family: "Noto Serif CJK SC"; font-size: 12pt; line-height: 1.5; }
p { margin: 0; text-align: justify; letter-spacing: 0.05em; }
.title { font: bold 18pt "Noto Sans CJK SC"; text-align: center; margin-bottom: 5mm; }
.h2, .h3 { font-weight: bold; }
"""


def typed_copy() -> ReportPdf:
    """The work report's body as a draft typed in Word would print it (WeasyPrint; see the
    module's docstring)."""
    blocks = (("title", TYPED_TITLE), *REPORT_BODY)
    pdf, pages = _cached("typed-copy", lambda: _weasyprint(blocks, TYPED_CSS, typed=True))
    return ReportPdf.of("typed copy", pdf, blocks, pages, title=TYPED_TITLE, date=None,
                        outlet=None)


def long_report(pages: int = 100) -> bytes:
    """A report of exactly ``pages`` pages: the work report's body over and over, each round
    under its own part heading; the last paragraph is cut where the last page ends."""
    rounds = math.ceil(pages / 2.5) + 1  # a round is about 2.8 pages
    blocks: list[tuple[str, str]] = [("title", REPORT_TITLE), ("dateline", REPORT_DATE_LINE)]
    for k in range(1, rounds + 1):
        blocks.append(("h2", f"第{k}部分"))
        blocks.extend(REPORT_BODY)
    pdf, _ = _cached(f"long-report-{pages}", lambda: _weasyprint(blocks, REPORT_CSS, pages))
    return pdf


# --- the notice, laid out line by line with matplotlib -------------------------------------------

PT = 72.0
A4 = (595.28, 841.89)
#: The type area of GB/T 9704 (official documents): 156 × 225 mm, 37 mm from the top edge.
NOTICE_LEFT, NOTICE_WIDTH, NOTICE_TOP, NOTICE_BOTTOM = 79.4, 442.2, 841.89 - 104.9, 78.0
NOTICE_SIZE, NOTICE_PITCH, NOTICE_GAP = 15.0, 26.0, 12.0

NOTICE_NUMBER = "某政办发〔2023〕12号"
NOTICE_TITLE = ("某某市人民政府办公厅关于进一步推进城市更新工作的通知")
NOTICE_ENGLISH = (
    "The city will renovate 450 old residential compounds, upgrade 300 back streets and add "
    "260 hectares of parks by the end of 2025. District governments are responsible for "
    "imple\xadmen\xadta\xadtion in their areas and publish annual lists of projects, so that "
    "residents can follow the progress of each one and take part in decisions about their "
    "own neigh\xadbour\xadhoods and the public spaces they share.")
NOTICE_LONG = (
    "以2000年底前建成的小区为重点，按照基础类、完善类、提升类分类推进改造。基础类改造重点解决供水、"
    "排水、供电、燃气等设施老化问题；完善类改造重点增设电梯、停车、充电等设施；提升类改造重点补齐"
    "养老、托育、助餐等公共服务短板。各区要在每年3月底前公布年度改造计划，广泛听取居民意见，做到"
    "“改不改、改什么、怎么改”由居民说了算。改造完成后，要同步建立长效管理机制，引导居民参与小区"
    "日常管理，防止“一年新、两年旧、三年回到老样子”。")

#: (kind, text): masthead, number, title, para, heading (bold), item (a "1." line), right
#: (the signature, set right), remark.
NOTICE_BLOCKS: tuple[tuple[str, str], ...] = (
    ("masthead", "某某市人民政府办公厅文件"),
    ("number", NOTICE_NUMBER),
    ("title", NOTICE_TITLE),
    ("para", "各区人民政府，市政府各部门、各直属机构："),
    ("para", "为深入实施城市更新行动，推动城市结构优化、功能完善和品质提升，经市人民政府同意，现就"
             "进一步推进城市更新工作通知如下。"),
    ("heading", "一、工作目标"),
    ("para", "到2025年，全市累计完成老旧小区改造450个，惠及居民15万户；整治提升背街小巷300条；新增"
             "公园绿地260公顷，建成区绿地率达到40%以上；城市生命线工程监测覆盖率达到90%。"),
    ("heading", "二、重点任务"),
    ("item", "1. 推进老旧小区改造"),
    ("para", NOTICE_LONG),
    ("item", "2. 完善城市基础设施"),
    ("para", "加快推进雨污分流改造，三年新建改造排水管网680公里，基本消除城区易涝点；实施燃气管道"
             "老化更新改造，完成改造任务1200公里；推进城市道路微循环建设，打通断头路45条。"),
    ("item", "3. 提升城市数字化治理水平"),
    ("para", "建设城市信息模型（CIM）基础平台，推动城市运行“一网统管”，实现桥梁、隧道、管网等重点"
             "设施运行状态实时监测。"),
    ("heading", "三、保障措施"),
    ("para", "市城市更新工作领导小组负责统筹协调，研究解决重大问题。各区人民政府是本辖区城市更新工"
             "作的责任主体，要建立项目库，实行清单化管理，确保各项任务按期完成。对外介绍本项工作时，"
             "统一使用以下英文表述："),
    ("para", NOTICE_ENGLISH),
    ("right", "某某市人民政府办公厅"),
    ("right", "2023年3月8日"),
    ("remark", "（此件公开发布）"),
)

_OPENING = "（《“‘〔【"
_CLOSING = "，。、；：？！）》”’〕】%"
_TOKEN = re.compile(r"[A-Za-z0-9\u00ad.,;:%'’\-]+|\s+|.", re.S)


@cache
def _metrics(path: Path) -> tuple[dict[int, str], dict[str, int], int]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    cmap = dict(font.getBestCmap())
    widths = {name: advance for name, (advance, _lsb) in font["hmtx"].metrics.items()}
    return cmap, widths, int(font["head"].unitsPerEm)


def _width(text: str, font: Path, size: float) -> float:
    cmap, widths, upm = _metrics(font)
    return sum(widths.get(cmap.get(ord(ch), ".notdef"), upm) for ch in text) * size / upm


def _tokens(text: str) -> list[str]:
    """Words and single CJK characters; closing marks stick to what is before them and
    opening marks to what follows (so neither ends up on the wrong side of a line break)."""
    out: list[str] = []
    carry = ""
    for token in _TOKEN.findall(text):
        if token in _OPENING:
            carry += token
        elif token in _CLOSING and out and not carry:
            out[-1] += token
        else:
            out.append(carry + token)
            carry = ""
    if carry:
        out.append(carry)
    return out


def wrap(text: str, font: Path, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``; a Latin word too long for what is
    left of a line breaks at its last soft hyphen that fits, with a hyphen printed."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if not line and token.isspace():
            continue
        if _width((line + token).replace("\xad", ""), font, size) <= width:
            line += token
            continue
        head, tail = _hyphenate(line, token, font, size, width)
        lines.append((line + head).rstrip().replace("\xad", ""))
        line = tail.lstrip()
    if line.strip():
        lines.append(line.rstrip().replace("\xad", ""))
    return lines


def _hyphenate(line: str, token: str, font: Path, size: float,
               width: float) -> tuple[str, str]:
    """The part of ``token`` that still fits on ``line`` (with a hyphen) and the rest."""
    cuts = [m.start() for m in re.finditer("\xad", token)]
    for cut in reversed(cuts):
        head = token[:cut].replace("\xad", "") + "-"
        if _width(line.replace("\xad", "") + head, font, size) <= width:
            return head, token[cut + 1:]
    return "", token


@dataclass(frozen=True)
class _Placed:
    x: float
    y: float
    text: str
    font: Path
    size: float
    align: str = "left"
    colour: str = "#000000"


def _notice_layout() -> tuple[list[list[_Placed]], list[tuple[int, int]]]:
    """Each page's lines, and the first and last page of each block."""
    pages: list[list[_Placed]] = [[]]
    spans: list[tuple[int, int]] = []
    y = NOTICE_TOP
    centre, right = NOTICE_LEFT + NOTICE_WIDTH / 2, NOTICE_LEFT + NOTICE_WIDTH
    for kind, text in NOTICE_BLOCKS:
        font, size, align, colour = SERIF, NOTICE_SIZE, "left", "#000000"
        if kind == "masthead":
            font, size, align, colour = SANS_BOLD, 30.0, "center", "#c00000"
        elif kind == "title":
            font, size, align = SANS_BOLD, 19.0, "center"
        elif kind == "heading":
            font = SANS_BOLD
        elif kind in ("number", "right"):
            align = "center" if kind == "number" else "right"
        lines = wrap(text, font, size, NOTICE_WIDTH - (2 * size if align == "right" else 0))
        pitch = max(NOTICE_PITCH, size * 1.45)
        y -= NOTICE_GAP if kind not in ("right",) else 0
        first = 0
        for line in lines:
            y -= pitch if pages[-1] else size
            if y < NOTICE_BOTTOM:
                pages.append([])
                y = NOTICE_TOP - size
            x = {"left": NOTICE_LEFT, "center": centre, "right": right - 2 * size}[align]
            pages[-1].append(_Placed(x, y, line, font, size, align, colour))
            first = first or len(pages)
        spans.append((first, len(pages)))
        if kind == "masthead":  # the red rule under the masthead leaves a gap
            y -= 24.0
    return pages, spans


def _matplotlib_pdf(pages: list[list[_Placed]], *, title: str, created: dt.datetime,
                    head: Callable[[int], str | None], foot: Callable[[int, int], str]) -> bytes:
    """The pages drawn with matplotlib's PDF backend (Type 3 fonts), head and foot included."""
    # imported here: matplotlib takes a second to load
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    out = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 3, "pdf.compression": 6}), \
            PdfPages(out, metadata={"Title": title, "CreationDate": created,
                                    "Creator": "report_pdfs.py"}) as document:
        for number, placed in enumerate(pages, start=1):
            figure = Figure(figsize=(A4[0] / PT, A4[1] / PT))
            extra = [_Placed(NOTICE_LEFT + NOTICE_WIDTH / 2, 48.0, foot(number, len(pages)),
                             SERIF, 10.5, "center")]
            running = head(number)
            if running:
                extra.append(_Placed(NOTICE_LEFT + NOTICE_WIDTH, A4[1] - 56.0, running, SERIF,
                                     10.5, "right"))
            for item in [*placed, *extra]:
                figure.text(item.x / A4[0], item.y / A4[1], item.text, ha=item.align,
                            va="baseline", color=item.colour,
                            fontproperties=FontProperties(fname=str(item.font), size=item.size))
            document.savefig(figure)
    return out.getvalue()


def notice() -> ReportPdf:
    """The office's notice (matplotlib; see the module's docstring)."""
    def make() -> tuple[bytes, list[tuple[int, int]]]:
        pages, spans = _notice_layout()
        pdf = _matplotlib_pdf(pages, title="Microsoft Word - 文档1.docx",
                              created=dt.datetime(2023, 3, 10, 9, 30, tzinfo=dt.UTC),
                              head=lambda n: NOTICE_NUMBER if n > 1 else None,
                              foot=lambda n, total: f"第 {n} 页 共 {total} 页")
        return pdf, spans

    pdf, spans = _cached("notice", make)
    long_pages = spans[[t for _, t in NOTICE_BLOCKS].index(NOTICE_LONG)]
    if long_pages[1] != long_pages[0] + 1:
        raise AssertionError(f"the notice's long paragraph lands on pages {long_pages}")
    return ReportPdf.of("notice", pdf, NOTICE_BLOCKS, spans, title=NOTICE_TITLE,
                        date=dt.date(2023, 3, 8), outlet="某某市人民政府办公厅")


BULLETIN_TITLE = "某某区2023年第四季度空气质量简报"
BULLETIN_BLOCKS = (
    "2023年第四季度，全区空气质量优良天数为78天，优良天数比例为84.8%，同比提高3.3个百分点。",
    "细颗粒物（PM2.5）平均浓度为35微克每立方米，同比下降7.9%；可吸入颗粒物（PM10）平均浓度为"
    "58微克每立方米，同比下降4.9%。",
    "本季度共开展建筑工地扬尘专项检查126次，督促整改问题83个，查处渣土车违规运输行为41起。",
    "下一步，全区将继续加强移动源污染管控和秋冬季重污染天气应对，推动空气质量持续改善。",
)


def bulletin() -> ReportPdf:
    """One page of same-size lines, no printed title; the title is in the PDF's /Title."""
    def make() -> tuple[bytes, list[tuple[int, int]]]:
        placed: list[_Placed] = []
        y = NOTICE_TOP
        for text in BULLETIN_BLOCKS:
            y -= NOTICE_GAP
            for line in wrap(text, SERIF, 12.0, NOTICE_WIDTH):
                y -= 20.0
                placed.append(_Placed(NOTICE_LEFT, y, line, SERIF, 12.0))
        pdf = _matplotlib_pdf([placed], title=BULLETIN_TITLE,
                              created=dt.datetime(2024, 1, 5, 16, 0, tzinfo=dt.UTC),
                              head=lambda n: None, foot=lambda n, total: "")
        return pdf, [(1, 1)] * len(BULLETIN_BLOCKS)

    pdf, spans = _cached("bulletin", make)
    return ReportPdf.of("bulletin", pdf, [("para", text) for text in BULLETIN_BLOCKS], spans,
                        title=BULLETIN_TITLE, date=None, outlet=None)


# --- the files read_pdf refuses or warns about ---------------------------------------------------

def scan(pages: int = 2) -> bytes:
    """Page images of a report, saved as a PDF by Pillow: no text layer at all."""
    def make() -> tuple[bytes, list[tuple[int, int]]]:
        from PIL import Image, ImageDraw, ImageFont

        font = ImageFont.truetype(str(SERIF), 26)
        images = []
        for number in range(1, pages + 1):
            image = Image.new("L", (827, 1169), 255)
            draw = ImageDraw.Draw(image)
            for row, text in enumerate(BULLETIN_BLOCKS):
                draw.text((90, 140 + 90 * row), text[:26], font=font, fill=0)
            draw.text((380, 1090), f"— {number} —", font=font, fill=0)
            images.append(image)
        out = io.BytesIO()
        images[0].save(out, format="PDF", resolution=100.0, save_all=True,
                       append_images=images[1:])
        return out.getvalue(), []

    return _cached(f"scan-{pages}", make)[0]


def with_scanned_page() -> bytes:
    """The notice with one scanned page appended (its last page has no text)."""
    def make() -> tuple[bytes, list[tuple[int, int]]]:
        import pikepdf

        with pikepdf.open(io.BytesIO(notice().pdf)) as pdf, \
                pikepdf.open(io.BytesIO(scan(1))) as scanned:
            pdf.pages.append(scanned.pages[0])
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True)
        return out.getvalue(), []

    return _cached("with-scanned-page", make)[0]


def encrypted(user_password: str = "secret") -> bytes:
    """The work report encrypted (AES-256); with ``user_password=""`` it opens without one
    (only the owner's permissions are protected)."""
    def make() -> tuple[bytes, list[tuple[int, int]]]:
        import pikepdf

        with pikepdf.open(io.BytesIO(work_report().pdf)) as pdf:
            out = io.BytesIO()
            pdf.save(out, encryption=pikepdf.Encryption(user=user_password,
                                                        owner="owner-secret", R=6))
        return out.getvalue(), []

    return _cached(f"encrypted-{user_password}", make)[0]


def owner_protected() -> bytes:
    """The work report with an owner password only: it opens without a password."""
    return encrypted("")


def truncated() -> bytes:
    """The first two thirds of the work report's bytes (a download cut short)."""
    data = work_report().pdf
    return data[: len(data) * 2 // 3]


def thousands_of_pages(count: int = 3000) -> bytes:
    """``count`` blank A4 pages (pikepdf)."""
    def make() -> tuple[bytes, list[tuple[int, int]]]:
        import pikepdf

        pdf = pikepdf.new()
        for _ in range(count):
            pdf.add_blank_page(page_size=A4)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue(), []

    return _cached(f"pages-{count}", make)[0]


# --- the cache ------------------------------------------------------------------------------------

@cache
def _fingerprint() -> str:
    versions = [version(p) for p in ("weasyprint", "matplotlib", "pikepdf", "pillow",
                                     "fonttools")]
    return hashlib.sha256(Path(__file__).read_bytes() + repr(versions).encode()).hexdigest()[:16]


def _cached(name: str, make: Callable[[], tuple[bytes, list[tuple[int, int]]]]
            ) -> tuple[bytes, list[tuple[int, int]]]:
    """``make()`` once: its PDF and block pages, kept in ``CACHE_DIR`` under ``name``."""
    pdf_path = CACHE_DIR / f"{name}-{_fingerprint()}.pdf"
    spans_path = pdf_path.with_suffix(".json")
    if pdf_path.is_file() and spans_path.is_file():
        spans = [tuple(s) for s in json.loads(spans_path.read_text(encoding="utf-8"))]
        return pdf_path.read_bytes(), spans  # type: ignore[return-value]
    pdf, spans = make()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    write_atomic(spans_path, json.dumps(spans))
    write_atomic(pdf_path, pdf)
    return pdf, spans


# --- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def work_report_pdf() -> ReportPdf:
    return work_report()


@pytest.fixture(scope="session")
def notice_pdf() -> ReportPdf:
    return notice()


@pytest.fixture(scope="session")
def bulletin_pdf() -> ReportPdf:
    return bulletin()


@pytest.fixture(scope="session")
def typed_copy_pdf() -> ReportPdf:
    return typed_copy()
