"""Justified Chinese paragraphs end flush at the right margin (render/engine/justify.py)."""

from collections import defaultdict
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from briefbook.render.engine import justify, pinned

TEXT = ("报告指出，坚持以人民为中心的发展思想，加快完善基本公共服务体系，不断增进民生福祉。"
        "全市实施公共卫生补短板项目125个，开工建设“五院两中心”等重点项目，建设中心城区10分钟、"
        "新城区12分钟医疗急救圈，加强基层医疗卫生服务中心建设，加快健全公共卫生体系。"
        "持续实施“学子留汉”工程，出台22条政策措施，打响“就在武汉、创赢未来”品牌，"
        "去年新增留汉大学生30.2万人，切实保障重点群体就业。")


def line_edges(pdf: bytes) -> list[tuple[float, float]]:
    """(left, right) edge of each text line of the body paragraph on page 1."""
    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    text = page.get_textpage()
    full = text.get_text_range()
    start, end = full.index("报告指出"), full.index("重点群体就业") + len("重点群体就业")
    lines = defaultdict(lambda: (1e9, 0.0))
    for i in range(start, end):
        left, bottom, right, top = text.get_charbox(i, loose=True)
        if right > left and text.get_text_range(i, 1).strip():
            key = round(bottom / 4)
            lines[key] = (min(lines[key][0], left), max(lines[key][1], right))
    doc.close()
    return [lines[k] for k in sorted(lines, reverse=True)]


@pytest.fixture
def sheet(write_brief):
    return write_brief("title: 测试\nissuer: 研究组\ndate: 2021-08-01\ncover: false\n"
                      "contents: false\nappendix: {sources: false, methodology: false}\n"
                      f"summary: {{text: '{TEXT}'}}\n")


def test_patch_is_active_for_the_pinned_weasyprint():
    import weasyprint

    assert weasyprint.__version__ == pinned.PINNED_WEASYPRINT
    assert pinned.install()
    # the one pin in the source is the one pip installs
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"weasyprint=={pinned.PINNED_WEASYPRINT}"' in pyproject


def test_justified_lines_are_flush(renderer, sheet):
    edges = line_edges(renderer.render(sheet))
    rights = [right for _, right in edges[:-1]]  # the last line is not justified
    assert len(rights) >= 4
    assert max(rights) - min(rights) < 0.6, rights  # incl. lines ending in a Latin run


def test_lines_never_start_indented_by_latin_spacing(renderer, sheet):
    lefts = [left for left, _ in line_edges(renderer.render(sheet))[1:]]  # after the indent
    assert max(lefts) - min(lefts) < 0.3, lefts


def test_cjk_units_count_only_cjk_characters():
    assert justify.cjk_units("出台22条") == 3
    assert justify.cjk_units("“965”产业") == 4  # the quotes are full-width marks; 965 is not
    assert justify.cjk_units("30.2") == 0
    assert justify.cjk_runs("出台22条") == [(0, 2), (4, 5)]


def test_latin_run_at_a_line_edge_keeps_the_line_flush(renderer, write_brief):
    """Paragraphs that put "2021年" at every possible spot near a line break: wherever the
    number starts a line, or ends one with its unit (it never leaves its unit: 2021 | 年 is no
    break), the line is still flush (the quarter-em is dropped at the edge, and the one
    between 2021 and 年 is counted in the line)."""
    paragraphs = "\n\n".join("测" * n + "2021年" + "测" * 70 for n in range(30, 46))
    pdf = renderer.render(write_brief(
        "title: 测试\nissuer: 研究组\ndate: 2021-08-01\ncover: false\ncontents: false\n"
        "appendix: {sources: false, methodology: false}\n"
        "summary:\n  text: |\n" + "".join(f"    {line}\n" for line in paragraphs.split("\n"))))
    doc = pdfium.PdfDocument(pdf)
    lines: dict[tuple[int, int], list[tuple[str, float, float]]] = defaultdict(list)
    for number in range(len(doc)):
        text = doc[number].get_textpage()
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            left, bottom, right, _ = text.get_charbox(i, loose=True)
            if char in "测年2021" and right > left:
                lines[number, round(bottom)].append((char, left, right))
    doc.close()
    body = [sorted(chars, key=lambda c: c[1]) for chars in lines.values() if len(chars) > 30]
    right_margin = max(chars[-1][2] for chars in body)
    left_margin = min(chars[0][1] for chars in body)
    ends = [chars for chars in body if chars[-1][0] == "年" and chars[-2][0].isdigit()]
    assert not [chars for chars in body if chars[-1][0].isdigit()], "2021 left its unit"
    starts = [chars for chars in body if chars[0][0].isdigit()]
    assert ends and starts, "the text should put a digit at both line edges somewhere"
    for chars in ends:
        assert right_margin - chars[-1][2] < 0.6
    for chars in starts:
        assert chars[0][1] - left_margin < 0.3
