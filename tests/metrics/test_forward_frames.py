"""A plan's figures are pledges even when a verb of doing stands before them (issue 23.5).

Articles written for this test: a January list of a fictional city's "民生实事" (traditional
script on the page, as ingested: simplified), its mid-year progress report and its year-end
account. 年内新建…30家 in January is a pledge; 截至6月底…已建成12家 is a report; a year-end
account's 全年建成 is a report.
"""

import datetime as dt

from briefbook.metrics.extract import extract_mentions

PLAN_TITLE = "岚江市公布2025年十件民生实事"
PLAN = ("岚江市政府近日公布2025年十件民生实事。其中，年内新建社区食堂30家，新增公共充电桩2000个，"
        "改造背街小巷50条，开通定制公交线路15条。")
MID_TITLE = "岚江市民生实事上半年进展情况"
MID = "截至6月底，全市已建成社区食堂12家，另有9家正在装修。上半年新增公共充电桩1150个。"
YEAR_TITLE = "岚江市2025年十件民生实事全部交账"
YEAR = "全年建成社区食堂30家，新增公共充电桩2100个，定制公交线路开通15条。"


def kinds(text, title, published):
    return {(m.value, m.unit): m.kind for m in extract_mentions(text, published, title=title)}


def test_a_january_list_of_things_to_do_is_pledges():
    found = kinds(PLAN, PLAN_TITLE, dt.date(2025, 1, 20))
    assert found[(30, "家")] == found[(2000, "个")] == "pledged"
    assert found[(50, "条")] == found[(15, "条")] == "pledged"


def test_a_forward_word_without_a_plan_title_still_pledges():
    found = kinds("记者获悉，年内新建口袋公园12个。", "我市口袋公园建设", dt.date(2025, 2, 3))
    assert found[(12, "个")] == "pledged"


def test_progress_and_year_end_figures_are_reports():
    mid = kinds(MID, MID_TITLE, dt.date(2025, 7, 10))
    assert mid[(12, "家")] == mid[(1150, "个")] == "reported"
    year = kinds(YEAR, YEAR_TITLE, dt.date(2026, 1, 12))
    assert set(year.values()) == {"reported"}
