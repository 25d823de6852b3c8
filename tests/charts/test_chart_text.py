"""What the charts print, read back from their SVG at the widths of A4, B5 and A5 (issue 27,
item 6 and item 4): no label cut short, every line of a label clear of the next (leading), no
text touching other text, the space between Han and Latin as in the body, and every status told
by its word beside its colour. The timeline is tried with events a day apart, several on one
day and a long name: no label, bar or pole runs into another.

The rows are written for these tests (a city's pledges in new words), not the example's.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache

import pytest
from plugins.svg_text import overlapping, svg_paths, svg_texts

from briefbook import charts
from briefbook.charts import RatioRow, StatusCount, TimelinePoint
from briefbook.charts.labels import spaced
from briefbook.metrics.status import STATUSES
from briefbook.render.book.model import CHART_WIDTH_IN

WIDTHS = sorted(set(CHART_WIDTH_IN.values()))
HAN = r"\u3400-\u9fff"

RATIOS = [
    RatioRow("城区新建公共停车泊位", 1.34, "新增停车泊位2万个", "2.68万个", "超额完成"),
    RatioRow("农村饮水安全巩固提升工程", 0.82, "覆盖农村人口50万人", "41万人", "未达目标"),
    RatioRow("“15分钟便民生活圈”（菜市场、便利店、家政服务点）", None,
             "建成“15分钟便民生活圈”示范社区100个", "建设中", "推进中"),
    RatioRow("老旧小区加装电梯", None, "全年加装电梯1000部以上，争取惠及居民3万户", None,
             "未见报道"),
    RatioRow("中心城区黑臭水体治理", None, "基本消除黑臭水体", "消除（阶段数字）", "无法比较"),
]
COUNTS = [StatusCount(str(row.status), 2 + i) for i, row in enumerate(STATUSES)]

P = TimelinePoint
CROWDED = [
    P("市第十五次党代会", date(2022, 4, 26), 9, 0, "党代会"),
    P("市人大常委会第三次会议", date(2022, 4, 27), 2, 1, "人大"),            # a day later
    P("东湖区政协全会", date(2022, 9, 3), 1, 0), P("东湖区人代会", date(2022, 9, 3), 0, 2),
    P("东湖区政府常务会议", date(2022, 9, 3), 3, 3),                            # three on one day
    P("市政府关于2022年民生实事项目推进情况的报告暨2023年民生实事征集工作安排",
      date(2022, 12, 20), 6, 0),                                               # a long name
    P("市委全会", date(2023, 7, 18), 0, 14), P("市日报", date(2023, 7, 19), 0, 3),
]


@cache
def drawn(kind: str, width: float) -> bytes:
    if kind == "ratio":
        return charts.pledged_vs_reported(RATIOS, width=width)
    if kind == "status":
        return charts.status_breakdown(COUNTS, width=width)
    return charts.timeline(CROWDED, width=width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["ratio", "status", "timeline"])
def test_no_text_touches_other_text_and_lines_have_leading(kind, width):
    texts = svg_texts(drawn(kind, width))
    assert texts
    # 1 pt apart at least, sideways or between lines (the em boxes, as Han glyphs fill them)
    assert overlapping([t.box for t in texts], gap=1.0) == []
    # lines of one label (one above the other, the same anchor and x): 1.45 em apart
    for one in texts:
        for other in texts:
            if (one.anchor, round(one.x, 1)) == (other.anchor, round(other.x, 1)) and (
                    0 < other.baseline - one.baseline < 2 * one.size):
                assert other.baseline - one.baseline >= 1.4 * one.size, (one.text, other.text)
    # drawn at 100 %: no text outside the figure
    view = re.search(rb'viewBox="0 0 ([\d.]+) ([\d.]+)"', drawn(kind, width))
    right, bottom = float(view.group(1)), float(view.group(2))
    for t in texts:
        assert t.box.left >= 0 and t.box.right <= right and t.box.bottom <= bottom, t.text


@pytest.mark.parametrize("width", WIDTHS)
def test_no_label_is_cut_short(width):
    texts = svg_texts(drawn("ratio", width))
    printed = "".join(t.text for t in texts).replace(" ", "")
    assert "…" not in printed
    for row in RATIOS:
        assert row.label in printed and f"承诺：{row.pledged}" in printed, row.label
    timeline = "".join(t.text for t in svg_texts(drawn("timeline", width))).replace(" ", "")
    for point in CROWDED:
        assert point.label in timeline


@pytest.mark.parametrize("kind", ["ratio", "status", "timeline"])
def test_han_and_latin_are_spaced_as_in_the_body(kind):
    for t in svg_texts(drawn(kind, 6.3)):
        assert not re.search(rf"[{HAN}][A-Za-z0-9]|[A-Za-z0-9][{HAN}]", t.text), t.text
    texts = {t.text for t in svg_texts(drawn("timeline", 6.3))}
    assert {"2022 年 4 月 26 日", "承诺 2，报道 1"} <= texts
    assert any(t.text == "城区新建公共停车泊位" for t in svg_texts(drawn("ratio", 6.3)))


def test_every_status_mark_carries_its_word():
    """Colour is never the only sign: beside each ratio bar and in each note the status word
    is printed in the status's colour; each status bar is labelled with its word."""
    colour = {str(row.status): row.colour for row in STATUSES}
    notes = [t for t in svg_texts(drawn("ratio", 6.3)) if t.fill in colour.values()]
    for row in RATIOS:
        note = next(t for t in notes if t.text.startswith(row.status))
        assert note.fill == colour[row.status]
    assert next(t.text for t in notes if t.text.startswith("超额完成")) == spaced(
        "超额完成：2.68万个（134%）")
    svg = drawn("status", 6.3)
    texts = svg_texts(svg)
    for path in svg_paths(svg):
        if path.colour in colour.values() and not path.stroked:
            word = next(w for w, c in colour.items() if c == path.colour)
            middle = (path.box.top + path.box.bottom) / 2
            label = [t for t in texts if t.text == word and t.box.right <= path.box.left]
            assert label and abs((label[0].box.top + label[0].box.bottom) / 2 - middle) < 3


@pytest.mark.parametrize("width", WIDTHS)
def test_a_crowded_timeline_keeps_bars_apart_and_its_poles_clear_of_every_label(width):
    svg = drawn("timeline", width)
    texts = svg_texts(svg)
    paths = svg_paths(svg)
    bars = [p.box for p in paths if not p.stroked and p.colour in (
        charts.PLEDGED_BAR, charts.STATUS_COLOURS["已完成"])]
    assert len(bars) == sum(bool(p.pledged) + bool(p.reported) for p in CROWDED)
    for one, other in overlapping(bars):
        # a pledge and a report of one event share their x, one above and one below the axis
        assert min(one.bottom, other.bottom) <= max(one.top, other.top) + 0.01, (one, other)
    poles = [p.box for p in paths if p.stroked and p.colour == charts.MUTED
             and p.box.right - p.box.left < 0.01 and p.box.bottom - p.box.top > 1]
    assert len(poles) == len(CROWDED)
    for pole in poles:
        for t in texts:
            crosses = t.box.left - 1 < pole.left < t.box.right + 1 and (
                t.box.top < pole.bottom and pole.top < t.box.bottom)
            assert not crosses, (t.text, pole)


def test_a_timeline_of_very_many_points_pools_them_and_still_overlaps_nothing():
    """Three hundred articles of a district's media centre over two years: the flags would
    stand metres high, so the points of a month (or quarter, year) share one flag; nothing is
    lost — the flags' counts add up to the points' — and nothing overlaps."""
    points = [P(f"区融媒体中心第{i}期", date(2021, 1, 1) + timedelta(days=(i * 7) % 730),
                i % 4, (i + 1) % 3) for i in range(300)]
    for width in WIDTHS:
        svg = charts.timeline(points, width=width)
        texts = svg_texts(svg)
        assert overlapping([t.box for t in texts], gap=1.0) == []
        height = float(re.search(rb'height="([\d.]+)pt"', svg).group(1))
        assert height <= charts.MAX_FLAGS_PT + 120
        printed = " ".join(t.text for t in texts)
        for word, total in (("承诺", sum(p.pledged for p in points)),
                            ("报道", sum(p.reported for p in points))):
            assert sum(int(n) for n in re.findall(rf"{word} (\d+)", printed)) == total
