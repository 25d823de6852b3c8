"""Display text (render/book/display.py): headings, cover lines and card texts broken at phrase
boundaries into near-equal lines; an opening mark at a line start trimmed (typeset ``start``).

Texts are written for these tests (other cities, other names); the expected lines are what a
typesetter would set, written from the text, not read back from the code.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from briefbook.render.book.display import atoms, display, measure, plan, widths
from briefbook.render.book.typeset import typeset

TAG = re.compile(r"<[^>]+>")


def lines_of(text: str, measure_em: float) -> list[str]:
    found = plan(text, measure_em)
    assert found is not None, "expected a text of two or more lines"
    starts = [*found.starts, len(text)]
    return [text[a:b] for a, b in zip(starts, starts[1:], strict=False)]


def test_a_subtitle_breaks_after_its_colon_not_inside_a_phrase():
    text = "青禾市推进老城更新与社区治理：承诺与进展（2022—2023）"
    assert lines_of(text, 17) == ["青禾市推进老城更新与社区治理：", "承诺与进展（2022—2023）"]


def test_a_text_that_fits_is_not_planned():
    assert plan("澄江新区营商环境评价", 20) is None
    assert display("澄江新区营商环境评价", "h1", "A4") == typeset("澄江新区营商环境评价",
                                                                end=True, start=True)


def test_sources_break_between_entries_never_inside_an_outlet_or_a_date():
    text = "资料来源：澄江晚报（2023年5月8日）；青禾日报（2023年5月10日）；澄江网（2023年6月1日）。"
    for width in (20, 26, 32, 40):
        for line in lines_of(text, width)[:-1]:
            assert line[-1] in "：；", (width, line)


def test_a_quoted_term_stays_whole():
    text = "推行“接诉即办”机制、落实“街乡吹哨”的街道和乡镇数"
    for width in (8, 10, 12, 14, 18):
        found = plan(text, width)
        if found is None:
            continue
        for start in found.starts[1:]:
            assert text[:start].count("“") == text[:start].count("”"), (width, start)


def test_a_heading_goes_before_与_not_after_it():
    text = "七、青禾市老旧小区改造与“完整社区”建设的进展和问题"
    assert lines_of(text, 21) == ["七、青禾市老旧小区改造", "与“完整社区”建设的进展和问题"]


def test_lines_are_near_equal_where_phrases_allow():
    text = "一、澄江区推进垃圾分类，二、青禾区建设口袋公园，三、两区共建滨江绿道"
    lines = lines_of(text, 26)
    assert lines in (["一、澄江区推进垃圾分类，二、青禾区建设口袋公园，", "三、两区共建滨江绿道"],
                     ["一、澄江区推进垃圾分类，", "二、青禾区建设口袋公园，三、两区共建滨江绿道"])
    three = lines_of(text, 13)
    assert three == ["一、澄江区推进垃圾分类，", "二、青禾区建设口袋公园，", "三、两区共建滨江绿道"]


def test_a_number_keeps_its_unit_and_a_date_stays_whole():
    text = "青禾市新增公共充电桩12000个，2023年11月30日前全部投用并接入全市统一平台"
    pieces = {text[a:b] for a, b in atoms(text)}
    assert "12000个" in pieces and "2023年11月30日" in pieces
    for width in (9, 12, 15, 20):
        found = plan(text, width)
        assert found is not None
        for start in found.starts[1:]:
            assert not re.search(r"\d$", text[:start]) and not re.match(r"[个年月日]", text[start:])


def test_the_html_keeps_the_text_and_names_the_widest_line():
    text = "青禾市推进老城更新与社区治理：承诺与进展（2022—2023）"
    html = str(display(text, "cover-subtitle", "A5"))
    assert TAG.sub("", html) == str(escape(text))
    width = float(re.search(r'max-width: ([\d.]+)em', html).group(1))
    assert width <= measure("cover-subtitle", "A5")
    assert html.count('class="nowrap"') >= 2


def test_a_line_that_starts_with_an_opening_mark_is_trimmed():
    text = "八、澄江区落实“河湖长制”：“一河一策”方案全部编制完成并公布实施"
    found = plan(text, 16)
    assert found is not None
    html = str(display(text, "h1", "A5"))
    for start in found.starts[1:]:
        if text[start] in "“《（":
            assert f'<span class="halt">{text[start]}</span>' in html


def test_typeset_start_trims_only_the_opening_mark_at_the_start():
    assert str(typeset("“一网通办”事项", start=True)).startswith('<span class="halt">“</span>一网')
    assert str(typeset("“一网通办”事项")).startswith("“一网")
    assert str(typeset("澄江“一网通办”", start=True)) == "澄江“一网通办”"
    # two opening marks at the start: both half-width
    assert str(typeset("“《澄江日报》", start=True)).startswith(
        '<span class="halt">“</span><span class="halt">《</span>')


def test_widths_count_the_quarter_em_and_half_width_pairs():
    assert sum(widths("澄江")) == pytest.approx(2.0)
    assert sum(widths("青禾2023年")) == pytest.approx(3 + 4 * 0.57 + 0.5)
    assert sum(widths("”，")) == pytest.approx(1.5)


PHRASES = ["澄江区", "青禾市", "“接诉即办”", "《澄江日报》", "2023年5月8日", "12000个",
           "社区食堂", "口袋公园", "的", "与", "和", "，", "、", "：", "（试行）", "滨江绿道",
           "GDP", "老城更新"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PHRASES), min_size=2, max_size=16),
       st.floats(min_value=6, max_value=30))
def test_any_text_keeps_terms_whole_and_fits_its_box(parts, width):
    text = "".join(parts)
    found = plan(text, width)
    html = str(display(text, "h1", "A5"))
    assert TAG.sub("", html) == str(escape(text))
    assert html.count("<span") == html.count("</span>")
    if found is None:
        return
    starts = [*found.starts, len(text)]
    for a, b in zip(starts, starts[1:], strict=False):
        trim = 0.5 if text[a] in "“《（" and (a == 0 or text[a - 1] not in "“《（") else 0
        assert sum(widths(text)[a:b]) - trim <= width + 1e-9
    # a term, a date or a number with its unit is broken only where it is wider than the box
    whole = [(a, b) for a, b in atoms(text) if sum(widths(text)[a:b]) <= 0.9 * width]
    for start in found.starts[1:]:
        assert not any(a < start < b for a, b in whole), (text[:start], text[start:])
        assert text[start] not in "，、：）”》"
