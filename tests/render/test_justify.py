"""Justified Chinese paragraphs end flush at the right margin (render/justify.py)."""

from collections import defaultdict

import pypdfium2 as pdfium
import pytest

from briefbook.render import justify

TEXT = ("报告指出，坚持以人民为中心的发展思想，加快完善基本公共服务体系，不断增进民生福祉。"
        "全市实施公共卫生补短板项目125个，开工建设“五院两中心”等重点项目，建设中心城区10分钟、"
        "新城区12分钟医疗急救圈，加强基层医疗卫生服务中心建设，加快健全公共卫生体系。"
        "持续实施“学子留汉”工程，出台22条政策措施，打响“就在武汉、创赢未来”品牌，"
        "去年新增留汉大学生30.2万人，切实保障重点群体就业。")


def line_right_edges(pdf: bytes) -> list[float]:
    """Right edge of the last glyph of each text line of the body paragraph on page 1."""
    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    text = page.get_textpage()
    full = text.get_text_range()
    start, end = full.index("报告指出"), full.index("重点群体就业") + len("重点群体就业")
    lines = defaultdict(float)
    for i in range(start, end):
        left, bottom, right, top = text.get_charbox(i, loose=True)
        if right > left and text.get_text_range(i, 1).strip():
            key = round(bottom / 4)
            lines[key] = max(lines[key], right)
    doc.close()
    return [lines[k] for k in sorted(lines, reverse=True)]


@pytest.fixture
def sheet(brief_file):
    return brief_file("title: 测试\nissuer: 研究组\ndate: 2021-08-01\ncover: false\n"
                      "contents: false\nappendix: {sources: false, methodology: false}\n"
                      f"summary: {{text: '{TEXT}'}}\n")


def test_patch_is_active_for_the_pinned_weasyprint():
    import weasyprint

    assert weasyprint.__version__ == justify.PINNED_WEASYPRINT
    assert justify.install()


def test_justified_lines_are_flush(renderer, sheet):
    edges = line_right_edges(renderer.render(sheet))
    body = edges[:-1]  # the last line of a paragraph is not justified
    assert len(body) >= 4
    # lines ending in a Latin run keep its quarter-em margin; the rest end together
    flush = [e for e in body if e > max(body) - 3.0]
    assert len(flush) >= len(body) - 1
    assert max(flush) - min(flush) < 0.6, body


def test_cjk_units_count_only_cjk_boxes():
    assert justify.cjk_units("出台22条") == 5
    assert justify.cjk_units("30.2") == 0
