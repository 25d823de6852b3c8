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
