"""The page's own header (headline; date, outlet and author lines) in the forms real pages
use, and the bylines and datelines that must never become a title or stay in a quote.

Lines are written for these tests (fictional places and outlets), in the shapes pages have.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefbook.corpus import clean, header
from briefbook.corpus.header import (find_page_header, parse_meta_line, reads_as_headline,
                                     year_of_short_date)

PAGES = Path(__file__).parent / "pages"


def page_lines(name: str) -> list[str]:
    """A test page's lines as the build sees them: simplified, trimmed."""
    text = (PAGES / name).read_text(encoding="utf-8")
    return [clean.trim(clean.to_simplified(clean.strip_pinyin(line)[0])[0])[0]
            for line in text.split("\n")]


# --- one header line ------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "date", "when", "source", "author"), [
    ("2021-07-25 22:30 来源: 长江日报-长江网", dt.date(2021, 7, 25), "2021-07-25 22:30",
     "长江日报-长江网", None),
    ("来源：青禾晚报 2023-05-06 10:20", dt.date(2023, 5, 6), "2023-05-06 10:20", "青禾晚报", None),
    ("来源：澄江时报　2023年5月6日 08:12　作者：林子谦", dt.date(2023, 5, 6), "2023年5月6日 08:12",
     "澄江时报", "林子谦"),
    ("來源:澄江時報 2023/5/6", dt.date(2023, 5, 6), "2023/5/6", "澄江時報", None),
    ("发布时间：2023-05-06　来源：青禾发布", dt.date(2023, 5, 6), "2023-05-06", "青禾发布", None),
    ("2023年05月06日 星期六", dt.date(2023, 5, 6), "2023年05月06日", None, None),
    ("2023-05-06", dt.date(2023, 5, 6), "2023-05-06", None, None),
    ("作者：唐宁 | 来源：青禾晚报 | 2023.05.06", dt.date(2023, 5, 6), "2023.05.06", "青禾晚报",
     "唐宁"),
    ("来源：青禾晚报", None, None, "青禾晚报", None),
])
def test_header_lines_in_the_forms_pages_use(line, date, when, source, author):
    meta = parse_meta_line(line)
    assert meta is not None, line
    assert (meta.date, meta.when, meta.source, meta.author) == (date, when, source, author)


def test_a_short_date_keeps_its_month_and_day_for_the_year_to_be_found():
    meta = parse_meta_line("日期:05-06 来源:青禾晚报 作者：唐宁")
    assert meta is not None and meta.date is None and meta.month_day == (5, 6)
    assert (meta.when, meta.source, meta.author) == ("05-06", "青禾晚报", "唐宁")


@pytest.mark.parametrize("line", [
    "时间：上午十点，地点：市民之家。",           # a notice's text, not the page's date
    "时间：5月6日至8日",
    "2023年，全市新增就业岗位五万个。",           # a sentence that starts with a year
    "青禾晚报 2023-05-06",                        # an unlabelled outlet: not read as one
    "来源：市统计局，数据截至2023年4月。",
    "记者 周远",
    "2023-13-06 来源：青禾晚报",                   # no such month
    "",
])
def test_lines_that_are_not_header_lines(line):
    assert parse_meta_line(line) is None


# --- headlines -------------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "青禾市新增社区食堂二十四家", "武汉能否留住大学生？", "“十五分钟生活圈”怎样建成",
    "在建设现代化大武汉新征程中乘风破浪——贯彻落实市委十三届十次全会精神谈发展③",
])
def test_lines_that_read_as_headlines(line):
    assert reads_as_headline(line)


@pytest.mark.parametrize("line", [
    "本报记者 欧阳明", "记者 周远 通讯员 韩冰", "（青禾日报记者高萌）",
    "青禾日报5月8日讯", "【澄江网讯】（记者 梁子航）", "新华社青禾5月6日电",
    "记者从市民政局了解到，截至4月底，全市已建成社区食堂二十四家。",
    "同志们：", "一、稳住就业基本盘", "（二）加快补齐短板", "沿河步道。青禾日报记者彭年 摄",
    "市民政局党组书记、局长王明：", "来源：青禾晚报", "长江网",
    "您当前的位置：首页 > 资讯 > 城市", "首页 > 新闻中心 > 本地", "新闻 » 城市 » 正文",
])
def test_bylines_datelines_and_sentences_are_never_headlines(line):
    assert not reads_as_headline(line)


def test_a_breadcrumb_above_the_headline_is_not_the_title():
    lines = ["您当前的位置：首页 > 资讯 > 城市", "青禾市今年再建一批口袋公园",
             "2024-02-26 11:47　来源：青禾城市网", "青禾市园林局近日透露，今年将建成口袋公园35个。"]
    _, page = find_page_header(lines)
    assert page is not None and page.headline == "青禾市今年再建一批口袋公园"


# --- bylines and datelines ----------------------------------------------------------------

@pytest.mark.parametrize(("line", "dateline", "names", "rest"), [
    ("【澄江网讯】（记者 梁子航）青禾市教育局日前公布", "澄江网讯", ["梁子航"], "青禾市教育局日前公布"),
    ("【青禾发布讯】（记者 陶然 通讯员 许诺）近日，", "青禾发布讯", ["陶然", "许诺"], "近日，"),
    ("青禾日报5月8日讯", "青禾日报5月8日讯", [], ""),
    ("新华社青禾5月6日电", "新华社青禾5月6日电", [], ""),
    ("本报讯（记者 林晓岚）2月9日，区政府公布", "本报讯", ["林晓岚"], "2月9日，区政府公布"),
])
def test_datelines_in_more_forms(line, dateline, names, rest):
    got, credits, left = clean.split_dateline(line)
    assert (got, [c.name for c in credits], left) == (dateline, names, rest)


@pytest.mark.parametrize("line", ["一线来电", "热线来电", "来电"])
def test_a_heading_ending_in_dian_is_not_a_dateline(line):
    assert clean.split_dateline(line) == (None, (), line)


def test_reporter_lines_with_a_space_after_the_role():
    credits = clean.parse_reporter_line("本报记者 欧阳明")
    assert [(c.role, c.name) for c in credits] == [("记者", "欧阳明")]
    credits = clean.parse_credits("记者 陶然 通讯员 许诺")
    assert [(c.role, c.name) for c in credits] == [("记者", "陶然"), ("通讯员", "许诺")]


@pytest.mark.parametrize(("line", "out"), [
    ("下一步将配建食堂。（责编：韩雪）", "下一步将配建食堂。"),
    ("下一步将配建食堂。(责任编辑:韩雪)", "下一步将配建食堂。"),
    ("（责编：韩雪）", "（责编：韩雪）"),                     # a line of its own is debris
    ("本次会议由市政府办公厅（编辑部）承办。", "本次会议由市政府办公厅（编辑部）承办。"),
])
def test_editor_note_closing_a_paragraph(line, out):
    assert clean.strip_editor_note(line)[0] == out


# --- the year of a short date ---------------------------------------------------------------

def test_year_of_a_short_date_comes_from_a_full_date_with_the_same_day():
    lines = ["日期:05-06", "正文。", "本文链接：http://x.example/2023-05/06/c_1.html"]
    assert year_of_short_date(5, 6, lines) == 2023
    assert year_of_short_date(5, 6, ["t20230506_88.html"]) == 2023
    assert year_of_short_date(5, 6, ["2023年5月6日 星期六"]) == 2023
    # another day's date, or dates that disagree, give no year
    assert year_of_short_date(5, 6, ["2024年12月31日前完成"]) is None
    assert year_of_short_date(5, 6, ["2022-05-06", "2023-05-06"]) is None


# --- whole pages ----------------------------------------------------------------------------

def test_short_date_page_takes_its_year_from_the_link_line():
    idx, page = find_page_header(page_lines("short-date.txt"))
    assert idx == {1, 2}
    assert page.headline == "青禾河滨绿道全线贯通"
    assert (page.date, page.time, page.source, page.author) == \
        (dt.date(2023, 5, 6), "05-06", "青禾晚报", "唐宁")


def test_short_date_without_a_year_anywhere_gives_no_date():
    lines = [line for line in page_lines("short-date.txt") if "http" not in line]
    _, page = find_page_header(lines)
    assert page.time == "05-06" and page.date is None and page.source == "青禾晚报"


def test_traditional_page_with_outlet_before_date():
    idx, page = find_page_header(page_lines("trad-header-after.txt"))
    assert idx == {1, 2}
    assert (page.headline, page.date, page.source, page.author) == \
        ("青禾市今年将改造背街小巷六十条", dt.date(2023, 5, 6), "澄江时报", "林子谦")


def test_headline_without_a_source_line():
    lines = page_lines("simplified-own-headline.txt")
    idx, page = find_page_header(lines)
    assert idx == {0}
    assert page.headline == "青禾市新增社区食堂二十四家" and page.date is None and page.source is None


def test_page_opening_with_a_dateline_has_no_headline():
    assert find_page_header(page_lines("trad-pinyin-no-header.txt")) == (set(), None)


def test_a_notice_signed_with_a_date_keeps_its_text():
    """The date under a notice's signature is not a header: everything above it is text."""
    lines = ["关于做好防汛工作的通知", "各区人民政府：", "请各区立即组织排查，确保安全度汛。",
             "青禾市防汛抗旱指挥部", "2023年5月6日"]
    idx, page = find_page_header(lines)
    assert idx == {0} and page.headline == "关于做好防汛工作的通知" and page.date is None


def test_a_single_line_is_text_not_a_headline():
    assert find_page_header(["青禾市新增社区食堂二十四家"]) == (set(), None)


def test_the_search_stops_at_the_first_sentence():
    lines = ["青禾老街修缮工程启动", "修缮工程日前启动。", "来源：市住建局"]
    idx, page = find_page_header(lines)
    assert idx == {0} and page.source is None


def test_header_module_says_what_it_takes_and_gives():
    assert "Takes:" in header.__doc__ and "Gives:" in header.__doc__
