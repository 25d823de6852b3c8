"""Text alternatives for charts, worded from the same rows the chart is drawn from.

Takes: a chart kind (``pledged-vs-reported`` | ``status-breakdown`` | ``timeline``), its title
and its rows (``RatioRow``, ``StatusCount``, ``TimelinePoint``). Gives: one Chinese sentence
group a screen reader can read instead of the picture, e.g.
``留汉大学生：承诺力争25万人，报道30.2万人，为承诺的121%``. Pure: no matplotlib.

Used as the PDF figure's ``/Alt`` (tagged variants) and as the HTML edition's SVG
``<desc>``, so both say what the chart shows, not merely its title.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefbook.charts import RatioRow, StatusCount, TimelinePoint


def cn_day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def ratio_row(row: RatioRow) -> str:
    if row.reported is None:
        return f"{row.label}：承诺{row.pledged}，未见报道"
    if row.ratio is None:  # no ratio: say the status, unless the figure already does
        said = row.reported.endswith(f"（{row.status}）")
        tail = "" if said else f"，{row.status}"
        return f"{row.label}：承诺{row.pledged}，报道{row.reported}{tail}"
    return f"{row.label}：承诺{row.pledged}，报道{row.reported}，为承诺的{row.ratio:.0%}"


def status_rows(rows: Sequence[StatusCount]) -> str:
    total = sum(r.count for r in rows)
    return f"共{total}项：" + "，".join(f"{r.status}{r.count}项" for r in rows)


def timeline_row(row: TimelinePoint) -> str:
    return f"{row.label}（{cn_day(row.day)}）：承诺{row.pledged}项，报道{row.reported}项"


def describe(kind: str, title: str, rows: Sequence) -> str:
    """The chart's text alternative: its title, then every data point it draws."""
    if not rows:
        return f"{title}：无数据。"
    if kind == "pledged-vs-reported":
        body = "；".join(ratio_row(r) for r in rows)
    elif kind == "status-breakdown":
        body = status_rows(rows)
    elif kind == "timeline":
        body = "；".join(timeline_row(r) for r in rows)
    else:
        raise ValueError(f"no description for chart kind {kind!r}")
    return f"{title}。{body}。"
