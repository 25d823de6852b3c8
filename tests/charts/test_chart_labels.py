"""Chart label text (charts.labels): the Han–Latin space where the body has its quarter-em, and
lines broken only between phrases — never a label cut short, a quoted term or a number with its
unit split, a closing mark at a line start, or a name broken inside.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from briefbook.charts.labels import em_width, spaced, wrap
from briefbook.render.book.typeset import typeset

# ---- the space between Han and Latin ---------------------------------------------------------


def typeset_gaps(text: str) -> list[int]:
    """Offsets in ``text`` where typeset's markup puts a quarter-em: before a Latin run that
    follows Han (``han-before``) and after one that Han follows (``han-after``)."""
    html = str(typeset(text))
    gaps, pos = [], 0
    for match in re.finditer(r'<span class="latin([^"]*)">([^<]*)</span>|<[^>]+>|&[a-z]+;|.',
                             html, re.S):
        if match.group(1) is not None:
            run = match.group(2)
            if "han-before" in match.group(1):
                gaps.append(pos)
            pos += len(run)
            if "han-after" in match.group(1):
                gaps.append(pos)
        elif not match.group().startswith("<"):
            pos += 1
    return gaps


def spaced_gaps(text: str) -> list[int]:
    out, pos, result = [], 0, spaced(text)
    for char in result:
        if char == " ":
            out.append(pos)
        else:
            pos += 1
    return out


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=st.sampled_from(list("承诺报道年月万人汉") + list("0123456789")
                                        + list("ab.%-/：（）、")), max_size=24))
def test_the_chart_space_goes_exactly_where_the_body_sets_its_quarter_em(text):
    assert spaced_gaps(text) == typeset_gaps(text), (text, spaced(text))


def test_dates_figures_and_percentages_are_spaced_as_in_the_body():
    assert spaced("2020年12月18日") == "2020 年 12 月 18 日"
    assert spaced("承诺：力争25万人") == "承诺：力争 25 万人"
    assert spaced("报道30.2万人（121%）") == "报道 30.2 万人（121%）"
    assert spaced("完成率95%以上") == "完成率 95% 以上"
    assert spaced("5G基站") == "5G 基站"
    assert spaced("（2021）年") == "（2021）年"   # a bracket between: no space
    assert spaced("$x^2$ 指标") == "$x^2$ 指标"    # already spaced, or not Han: unchanged


# ---- line breaks -------------------------------------------------------------------------------

LABELS = [
    "黄陂区“四好农村路”（通村公路、通组公路、入户道路）",
    "新洲区农村集中供水工程",
    "承诺：年内新建改造农贸市场20个、社区菜店100家",
    "承诺：为全市中小学加装直饮水设备争取专项资金",
    "“一网通办”“一窗通办”“一事联办”政务服务改革",
    "江夏区2023年度生态环境保护督察整改情况通报暨下一步工作安排",
]


def test_a_wrapped_label_keeps_every_character_in_order():
    for label in LABELS:
        for limit in (6, 9, 13.6, 19):
            lines = wrap(spaced(label), limit, within_words=label.startswith("承诺"))
            assert "".join(lines).replace(" ", "") == label, (label, limit, lines)
            assert not any("…" in line for line in lines)


def test_lines_break_between_phrases_and_fit_where_the_phrases_allow():
    # 26 em in lines of 13: three lines, the evenest at phrase ends (10, 6, 10 em)
    assert wrap("黄陂区“四好农村路”（通村公路、通组公路、入户道路）", 13) == [
        "黄陂区“四好农村路”", "（通村公路、", "通组公路、入户道路）"]
    # its first phrase (16.6 em) is too long for 13.6: it breaks at the space before 20 个
    assert wrap(spaced("承诺：年内新建改造农贸市场20个、社区菜店100家"), 13.6,
                keep_start=3, within_words=True) == ["承诺：年内新建改造农贸市场",
                                                    "20 个、社区菜店 100 家"]
    # no mark to break at: before a verb that opens a clause (16 + 6 em in lines of 16) rather
    # than between two other characters, though that would give evener lines
    assert wrap("承诺：为全市中小学加装直饮水设备争取专项资金", 16, keep_start=3,
                within_words=True) == ["承诺：为全市中小学加装直饮水设备", "争取专项资金"]


def test_quoted_terms_numbers_with_units_and_line_starts_are_kept_whole():
    for label in LABELS:
        for limit in (5, 8, 11):
            lines = wrap(spaced(label), limit, keep_start=3, within_words=True)
            for line in lines[1:]:
                assert line[0] not in "，。、；：）”」》%", (label, lines)
            for prev in lines[:-1]:
                assert prev[-1] not in "（“「《", (label, lines)
            for term in re.findall(r"“[^”]*”", label):
                assert any(term in line for line in lines), (term, lines)
            for number in re.findall(r"\d+ [个家万人年]", spaced(label)):
                assert any(number in line for line in lines), (number, lines)


def test_a_name_without_a_place_to_break_keeps_one_longer_line():
    """A name is never broken inside, even when it is longer than the line."""
    name = "汉阳区鹦鹉洲长江大桥管理处"
    assert wrap(name, 6) == [name]
    # with a phrase boundary (before 暨) it breaks there, and only there
    long_name = "江夏区2023年度生态环境保护督察整改情况通报暨下一步工作安排"
    assert wrap(spaced(long_name), 9) == ["江夏区 2023 年度生态环境保护督察整改情况通报",
                                          "暨下一步工作安排"]
    assert em_width("汉阳区") == 3


def test_a_line_never_ends_before_its_last_two_characters():
    for limit in (4, 5, 6, 7):
        lines = wrap("承诺：落实河湖长制巡河", limit, keep_start=3, within_words=True)
        assert len(lines[-1]) > 2, lines


def test_the_pledge_prefix_never_stands_alone_on_its_line():
    for label in ("承诺：为全市中小学加装直饮水设备争取专项资金", "承诺：“一网通办”全覆盖"):
        for tenths in range(40, 300, 7):
            lines = wrap(spaced(label), tenths / 10, keep_start=3, within_words=True)
            assert lines[0].startswith("承诺：") and len(lines[0]) > 3, (tenths, lines)
