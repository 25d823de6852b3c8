"""A small but realistic Chinese test document, and faulty variants of it.

Takes: a variant name. Gives: PDF bytes rendered with WeasyPrint and the bundled Noto CJK SC
fonts, plus where each ``id``'d element landed (page number and box in mm), so tests can
check that a comparison points at the right page and region.

Page 1: sans heading, serif paragraphs (one with id ``p-swap``), a small table (``tbl``).
Page 2: serif paragraphs (``p-char`` holds the character that the ``char`` variant changes
and the comma that ``punct`` turns into a full stop),
an inline SVG bar chart (``chart``) and a closing note.
"""

from __future__ import annotations

from dataclasses import dataclass

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from briefbook.core.resources import FONTS_DIR

VARIANTS = ("base", "char", "punct", "font", "margin", "nochart", "page-margin")

PX_TO_MM = 25.4 / 96  # WeasyPrint lays out in CSS px


def _css(variant: str) -> str:
    serif = (FONTS_DIR / "NotoSerifCJKsc-Regular.otf").as_uri()
    serif_bold = (FONTS_DIR / "NotoSerifCJKsc-Bold.otf").as_uri()
    sans = (FONTS_DIR / "NotoSansCJKsc-Regular.otf").as_uri()
    sans_bold = (FONTS_DIR / "NotoSansCJKsc-Bold.otf").as_uri()
    left = "21mm" if variant == "page-margin" else "20mm"
    table_shift = "1mm" if variant == "margin" else "0"
    return f"""
@font-face {{ font-family: "Noto Serif CJK SC"; src: url("{serif}"); }}
@font-face {{ font-family: "Noto Serif CJK SC"; src: url("{serif_bold}"); font-weight: bold; }}
@font-face {{ font-family: "Noto Sans CJK SC"; src: url("{sans}"); }}
@font-face {{ font-family: "Noto Sans CJK SC"; src: url("{sans_bold}"); font-weight: bold; }}
@page {{ size: A4; margin: 22mm 20mm 22mm {left}; }}
html {{ font-family: "Noto Serif CJK SC"; font-size: 10.5pt; line-height: 1.7; color: #111; }}
h1, h2, th {{ font-family: "Noto Sans CJK SC"; font-weight: bold; }}
h1 {{ font-size: 20pt; margin: 0 0 6mm; }}
h2 {{ font-size: 13pt; margin: 6mm 0 3mm; }}
p {{ margin: 0 0 3mm; text-indent: 2em; }}
.sans {{ font-family: "Noto Sans CJK SC"; }}
table {{ border-collapse: collapse; margin: 4mm 0 0 {table_shift}; font-size: 9.5pt; }}
td, th {{ border: 0.5pt solid #555; padding: 1.5mm 3mm; }}
td.num {{ text-align: right; }}
.page2 {{ break-before: page; }}
figure {{ margin: 5mm 0; }}
figcaption {{ font-family: "Noto Sans CJK SC"; font-size: 9pt; color: #444; }}
"""


PARA_1 = ("2021年，武汉市坚持稳中求进工作总基调，统筹推进疫情防控和经济社会发展，"
          "全力实施“八大工程”，城市功能和品质持续提升，人民群众获得感、幸福感、安全感不断增强。")
PARA_2 = ("全年新增留汉大学生30.2万人，完成276个老旧小区改造，实施公共卫生补短板项目125个，"
          "新增减税降费586亿元，市场主体活力进一步激发，营商环境持续优化。")
PARA_3 = ("各区各部门要把思想和行动统一到全会精神上来，坚持项目化、清单化、责任化推进，"
          "确保各项目标任务落地见效，以优异成绩迎接党的二十大胜利召开。")
PARA_4 = ("文化方面，力争建成“十二分钟文化圈”，做到“三百米见绿、五百米见园”，"
          "让市民在家门口享受公共文化服务和优美生态环境。")
PARA_5 = ("卫生方面，中心城区十分钟、新城区十二分钟医疗急救圈基本形成，"
          "十五分钟生活圈建设全面铺开，公共服务均等化水平明显提高。")
CHAR_FROM, CHAR_TO = "万", "亿"  # changed once, in PARA_CHAR, by the "char" variant
PARA_CHAR = "就业方面，全年城镇新增就业二十八万人，城镇登记失业率控制在百分之四以内。"

ROWS = [("新增留汉大学生", "30.2万人"), ("老旧小区改造", "276个"),
        ("公共卫生补短板项目", "125个"), ("减税降费", "586亿元")]

BARS = [("2018", 24.1), ("2019", 40.8), ("2020", 30.2), ("2021", 33.5)]


def _chart_svg() -> str:
    bars = []
    for i, (_label, value) in enumerate(BARS):
        x = 30 + i * 70
        h = value * 3
        bars.append(f'<rect x="{x}" y="{150 - h}" width="40" height="{h}" fill="#3b6ea5"/>')
        bars.append(f'<rect x="{x}" y="152" width="40" height="2" fill="#888"/>')
    return ('<svg id="chart-svg" xmlns="http://www.w3.org/2000/svg" width="320" height="160" '
            'viewBox="0 0 320 160"><rect x="20" y="150" width="290" height="1" fill="#333"/>'
            + "".join(bars) + "</svg>")


def build_html(variant: str = "base") -> str:
    if variant not in VARIANTS:
        raise ValueError(variant)
    para_char = PARA_CHAR
    if variant == "char":
        para_char = PARA_CHAR.replace(CHAR_FROM, CHAR_TO, 1)
    elif variant == "punct":  # the smallest fault: one full-width comma becomes a full stop
        para_char = PARA_CHAR.replace("，", "。", 1)
    swap_class = ' class="sans"' if variant == "font" else ""
    rows = "".join(f'<tr><td>{k}</td><td class="num">{v}</td></tr>' for k, v in ROWS)
    chart = "" if variant == "nochart" else (
        f'<figure id="chart">{_chart_svg()}'
        '<figcaption>图1 留汉大学生人数（万人）</figcaption></figure>')
    return f"""<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8">
<title>武汉“八大工程”简报</title>
<meta name="author" content="简报编辑组">
<meta name="description" content="视觉回归测试文档">
<meta name="keywords" content="武汉, 八大工程">
<meta name="dcterms.created" content="2021-07-25T00:00:00Z">
</head><body>
<h1 id="title">武汉“八大工程”进展简报</h1>
<p id="p1">{PARA_1}</p>
<p id="p-swap"{swap_class}>{PARA_2}</p>
<p id="p3">{PARA_3}</p>
<table id="tbl"><tr><th>指标</th><th>数值</th></tr>{rows}</table>
<h2 class="page2" id="h2">二、下一步工作</h2>
<p id="p4">{PARA_4}</p>
<p id="p-char">{para_char}</p>
<p id="p5">{PARA_5}</p>
{chart}
<p id="note">注：数据来源于长江日报、湖北日报公开报道。</p>
</body></html>"""


@dataclass(frozen=True)
class Box:
    page: int  # 1-based
    x0: float  # mm from the page's left/top edge
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: tuple[float, float, float, float], slack: float = 0.0) -> bool:
        ox0, oy0, ox1, oy1 = other
        return (ox0 <= self.x1 + slack and self.x0 - slack <= ox1
                and oy0 <= self.y1 + slack and self.y0 - slack <= oy1)


@dataclass(frozen=True)
class SampleDoc:
    variant: str
    pdf: bytes
    boxes: dict[str, Box]


_FONT_CONFIG = None


def build(variant: str = "base") -> SampleDoc:
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    fc = _FONT_CONFIG
    css = CSS(string=_css(variant), font_config=fc)
    document = HTML(string=build_html(variant)).render(stylesheets=[css], font_config=fc)
    boxes: dict[str, Box] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None else None
            if ident and ident not in boxes:
                x, y = box.border_box_x(), box.border_box_y()
                boxes[ident] = Box(number, x * PX_TO_MM, y * PX_TO_MM,
                                   (x + box.border_width()) * PX_TO_MM,
                                   (y + box.border_height()) * PX_TO_MM)
    return SampleDoc(variant, document.write_pdf(), boxes)
