"""Extraction in document context (issue 23, item 5): units, fractions, the article's genre,
periods relative to the article's date, traditional text, topics under headings.

Sentences written for these tests; the scored pages are in tests/metrics/devset_context/.
"""

from __future__ import annotations

import pytest

from briefbook.metrics.numbers import find_quantities


@pytest.mark.parametrize("text, want", [
    ("全年举办广场舞比赛500场", [(500, "场", None)]),
    ("接待游客3.2万人次", [(32000, "人次", None)]),
    ("配置洒水车12台，铺设管线8公里", [(12, "台", None), (8, "公里", None)]),
    ("新增床位300张，补种香樟1.2万株", [(300, "张", None), (12000, "株", None)]),
    ("七成以上村庄通了公交", [(70, "%", "以上")]),
    ("民生支出占比超过六成", [(60, "%", "超")]),
    ("项目总体进度过半", [(50, "%", "超")]),
    ("完成全年任务的八成", [(80, "%", None)]),
])
def test_units_and_fractions_are_read(text, want):
    assert [(q.plain, q.unit, q.qualifier) for q in find_quantities(text)] == want


@pytest.mark.parametrize("text", ["制度一成不变", "三成员单位参加", "这“七成”是口号", "数成群众不满意",
                                  "市场繁荣", "一场大雨"])
def test_words_with_cheng_or_chang_are_not_figures(text):
    assert find_quantities(text) == []


# --------------------------------------------------------------------------- the article's genre

from briefbook.metrics.extract import extract_mentions  # noqa: E402
from briefbook.metrics.genre import Genre, context_year, guess_genre, section_genre  # noqa: E402


@pytest.mark.parametrize("title, paragraphs, kind", [
    ("柏港市2024年城市管理工作要点", [], "plan"),
    ("柏港区今年民生预算出炉", [], "plan"),
    ("柏港市为民办实事项目上半年进展顺利", [], "report"),   # a report on a plan's projects
    ("柏港市交出2024年民生答卷", [], "report"),
    ("柏港市政府工作报告", [], None),                    # its headings decide
    ("柏港新闻", ["市政府日前印发实施方案。", "其余内容。"], "plan"),       # the lead, when the title is mute
    ("柏港新闻", ["市政府日前印发实施方案。"], None),     # a paragraph alone leads nothing
])
def test_genre_from_title_then_lead(title, paragraphs, kind):
    assert guess_genre(title, paragraphs).kind == kind


def test_a_heading_overrides_the_article_and_names_its_year():
    mixed = guess_genre("柏港市政府工作报告")
    assert section_genre("一、2023年工作回顾", mixed).kind == "report"
    assert section_genre("二、2024年工作安排", mixed).kind == "plan"
    assert section_genre("三、托育服务", Genre("plan", "要点")).kind == "plan"
    assert context_year("一、2023年工作回顾") == 2023 and context_year("2023—2025年") is None


PLAN = "柏港市2024年民生工作要点"


@pytest.mark.parametrize("text, kind", [
    ("年内建成社区食堂30个。", "pledged"),                # 建成 in a plan: part of the plan
    ("新增普惠托位800个，开通公交线路5条。", "pledged"),
    ("举办惠民演出200场。", "pledged"),                   # no cue at all: the plan's
    ("去年，全市共建成社区食堂26个。", "reported"),        # marked done
    ("目前已建成社区食堂52个。", "reported"),
    ("截至去年底，累计建成口袋公园88个。", "reported"),
    ("2023年，全市新增就业2.1万人。", "reported"),        # an earlier year opens the sentence
    ("去年新增托位600个，今年再新增800个。", "pledged"),   # the last figure: 今年再… after 去年
])
def test_a_plan_articles_figures_are_pledges_unless_marked_done(text, kind):
    import datetime as dt

    last = extract_mentions(text, dt.date(2024, 1, 20), title=PLAN, headings=[None])[-1]
    assert last.kind == kind, last


def test_a_report_articles_figures_are_reports_and_its_plan_part_pledges():
    import datetime as dt

    text = "全年举办惠民演出320场。\n明年，全市将新建口袋公园15个。"
    kinds = [m.kind for m in extract_mentions(text, dt.date(2025, 1, 8), title="柏港市交出2024年民生答卷",
                                              headings=[None, None])]
    assert kinds == ["reported", "pledged"]


def test_headings_in_a_plain_text_switch_the_genre():
    text = ("柏港市政府工作报告\n一、2023年工作回顾\n新增城镇就业3.8万人，建成保障房4200套。\n"
            "二、2024年工作安排\n新增城镇就业3.5万人，建成保障房3000套。")
    assert [m.kind for m in extract_mentions(text)] == ["reported"] * 2 + ["pledged"] * 2


# --------------------------------------------------------------------------- traditional text

def test_traditional_text_is_read_and_quoted_as_given():
    text = "柏港市年內將新增托位1200個，舉辦演出300場，覆蓋七成社區。去年建成長者飯堂18間。"
    found = extract_mentions(text)
    assert [(m.value, m.unit, m.kind) for m in found] == [
        (1200, "个", "pledged"), (300, "场", "pledged"), (70, "%", "pledged"), (18, "间", "reported")]
    assert [text[m.start:m.end] for m in found] == [m.text for m in found] == [
        "1200個", "300場", "七成", "18間"]
    assert all(m.sentence in text for m in found)


# --------------------------------------------------------------------------- periods

import datetime as _dt  # noqa: E402

from briefbook.metrics.draft import guess_period  # noqa: E402
from briefbook.metrics.periods import parse_period, relative_period  # noqa: E402

JAN = _dt.date(2024, 1, 22)


@pytest.mark.parametrize("sentence, period", [
    ("明年再新增托位2000个", "2025年"),
    ("年内建成社区托育点45个", "2024年"),
    ("年底前打通断头路12公里", "2024年底"),
    ("下半年将开通公交线路6条", "2024年7月—2024年12月"),
    ("去年新增600个，今年再新增800个", "2024年"),     # the word nearest before the figure
    ("比上年增长6.5%", None),                          # a comparison base, not a period
    ("三年内建成站点260个", None),                     # N年内 is draft's own rule
])
def test_relative_period_words(sentence, period):
    got = relative_period(sentence, JAN)
    assert (got[0] if got else None) == period


def test_period_ends_where_the_words_say():
    assert parse_period("2024年底前").end == _dt.date(2024, 12, 31)
    assert guess_period("pledged", "明年再新增托位2000个。", JAN)[0] == "2025年"
    assert guess_period("pledged", "年底前打通断头路12公里。", JAN)[0] == "2024年底"


def test_period_from_the_article_and_its_sections():
    # a January year-end report: 全年 and a bare figure are the year its title names
    jan25 = _dt.date(2025, 1, 8)
    assert guess_period("reported", "全年新建道路23公里。", jan25, year=2024)[0] == "2024年"
    assert guess_period("reported", "增加学位7600个。", jan25, year=2024)[0] == "2024年"
    # under 一、2023年工作回顾 / a plan with no year word: its section's year, the plan's year
    assert guess_period("reported", "建成保障房4200套。", JAN, year=2023)[0] == "2023年"
    assert guess_period("pledged", "新建助餐点60个。", JAN, plan=True)[0] == "2024年"
    assert guess_period("pledged", "新建助餐点60个。", JAN)[0] == "未定期限"


# --------------------------------------------------------------------------- topics

from briefbook.metrics.draft import _topic  # noqa: E402

TOPICS = ("城市建设", "民生保障", "文化旅游")


@pytest.mark.parametrize("sentence, heading, title, want", [
    ("新增普惠托位3000个。", None, None, ("城市建设", "(无线索，请核对)")),   # nothing decides: flagged
    ("新增普惠托位3000个。", None, None, ("城市建设", "(无线索，请核对)")),
    ("年内建成45个。", "一、托育服务", None, ("民生保障", "托育（小标题）")),   # the heading's words
    ("举办活动500场。", "四、文化旅游", None, ("文化旅游", "文化旅游（小标题）")),  # a topic it names
    ("改造道路12公里。", "四、文化旅游", None, ("文化旅游", "文化旅游（小标题）")),  # the heading over words
    ("新建30处。", None, "柏港市2024年养老工作要点", ("民生保障", "养老（标题）")),
    ("新建文化站30处。", "二、托育服务", None, ("民生保障", "托育（小标题）")),
])
def test_topic_from_the_sentence_heading_and_title(sentence, heading, title, want):
    assert _topic(sentence, TOPICS, heading=heading, title=title) == want


def test_a_period_word_after_the_figure_counts_only_in_its_clause():
    s = "新增托位800个，明年再新增1000个"
    assert relative_period(s, JAN, s.index("800")) is None
    assert relative_period(s, JAN, s.index("1000"))[0] == "2025年"
    s = "托位800个年底前建成"
    assert relative_period(s, JAN, s.index("800"))[0] == "2024年底"
