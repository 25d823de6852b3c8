"""Charts: plain data in, deterministic SVG out, lettered in the bundled Noto Sans CJK SC.

Takes: small typed rows (``RatioRow``, ``StatusCount``, ``TimelinePoint``) built by the render
stage; each status is drawn in its colour from the status table (metrics.status.STATUSES).
Gives: SVG bytes. Labels stay text (``svg.fonttype='none'``, family "Noto Sans CJK SC",
regular weight only): WeasyPrint sets them in the bundled faces (``briefbook.core.fonts``
declares the main face, its plus face and the supplement under that name), so
chart labels are searchable in the PDF, and drawing is ≈ 0.3 s faster per book than with
glyph outlines, which WeasyPrint re-parses at every use. The SVG carries no date and a fixed
hash salt, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from types import MappingProxyType

from briefbook.core import resources
from briefbook.metrics.status import STATUSES, Status

#: matplotlib measures labels with the main faces only (the plus faces and the supplement
#: share their family name, so it could not fall back to them). A character only those hold
#: is measured at .notdef's advance — one em, the advance of every Han glyph — and set by
#: WeasyPrint from the right face, so its "Glyph … missing" warning is silenced.
SANS = resources.FONTS_DIR / "NotoSansCJKsc-Regular.otf"
SANS_BOLD = resources.FONTS_DIR / "NotoSansCJKsc-Bold.otf"

#: The charts' colour of each status word: the status table's (metrics.status.STATUSES), which
#: the PDF's badges share. render's chart_style_key hashes it, so a new colour redraws charts.
STATUS_COLOURS: Mapping[str, str] = MappingProxyType(
    {str(row.status): row.colour for row in STATUSES})
INK = "#222222"
MUTED = "#8a8a8a"
PLEDGE = "#c9c9c9"
PLEDGE_FILL = "#efefef"  # flat, not hatched: a hatch pattern costs WeasyPrint ~0.3 s to draw
WIDTH_IN = 6.3  # default: the text block of an A4 page with the book's margins


@dataclass(frozen=True)
class RatioRow:
    label: str
    ratio: float | None  # reported / pledged; None when not comparable
    pledged: str  # display strings, e.g. 力争25万人
    reported: str | None
    status: str


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int


@dataclass(frozen=True)
class TimelinePoint:
    """An event (or an article that reports on none) with what was pledged and reported at it."""

    label: str  # e.g. 十三届九次全会
    day: date
    pledged: int
    reported: int
    kind: str | None = None  # the event's kind (全会 …); None for an article's own point


@cache
def _pyplot():
    """Import and configure matplotlib once (the import is the slow part of a cold start)."""
    # imported here: matplotlib costs ~0.4 s at start-up, and most commands draw no chart
    import matplotlib

    matplotlib.use("Agg")
    # imported here, after use("Agg"): pyplot takes its backend when first imported
    from matplotlib import font_manager
    from matplotlib import pyplot as plt  # after use("Agg"), as above

    for face in (SANS, SANS_BOLD):
        font_manager.fontManager.addfont(str(face))
    family = font_manager.FontProperties(fname=str(SANS)).get_name()
    matplotlib.rcParams.update({
        "font.family": family,
        "font.size": 9,
        "svg.fonttype": "none",
        # Labels are plain text: "$x$" in a metric label must print as typed, not as
        # mathtext set in matplotlib's DejaVu math fonts (a silent fallback font).
        "text.parse_math": False,
        "text.usetex": False,
        "svg.hashsalt": "briefbook",
        "axes.unicode_minus": True,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    return plt


def _svg(fig) -> bytes:
    plt = _pyplot()
    buffer = io.BytesIO()
    # A fixed figure size (no "tight" cropping): every chart prints at 100 % and its 8–9 pt
    # labels stay 8–9 pt on paper; the constrained layout keeps long labels inside.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buffer.getvalue()


def _clip(text: str, limit: int) -> str:
    """Shorten a label so the plot keeps its width (the table prints it in full)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pledged_vs_reported(rows: list[RatioRow], width: float = WIDTH_IN) -> bytes:
    """One row per pledge: the reported value as a share of the pledge (pledge = 100 %)."""
    plt = _pyplot()
    height = 0.55 + 0.34 * max(len(rows), 1)
    fig, ax = plt.subplots(layout="constrained", figsize=(width, height))
    ys = list(range(len(rows)))[::-1]
    top = max([1.0] + [r.ratio for r in rows if r.ratio is not None])
    for y, row in zip(ys, rows, strict=True):
        ax.barh(y, 1.0, height=0.62, color=PLEDGE_FILL, edgecolor=PLEDGE, linewidth=0.8)
        colour = STATUS_COLOURS.get(row.status, MUTED)
        if row.ratio is not None:
            ax.barh(y, row.ratio, height=0.36, color=colour)
            note = f"{_clip(row.reported or '', 10)}（{row.ratio:.0%}）"
        else:
            no_figure = row.reported and row.status != "无法比较"
            note = f"{row.status}（无可比数字）" if no_figure else row.status
        ax.text(max(row.ratio or 0, 1.0) + 0.02 * top, y, note, va="center", fontsize=8,
                color=colour)
    ax.axvline(1.0, color=INK, linewidth=0.8, linestyle=(0, (2, 2)))
    ax.set_yticks(ys, [f"{_clip(r.label, 14)}\n承诺：{_clip(r.pledged, 12)}" for r in rows],
                  fontsize=8)
    ax.set_xlim(0, top * 1.45)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set_xlabel("报道值 ÷ 承诺值（虚线为承诺 100%）")
    ax.tick_params(axis="y", length=0)
    return _svg(fig)


def status_breakdown(counts: list[StatusCount], width: float = WIDTH_IN) -> bytes:
    """How many metrics stand at each status, as labelled horizontal bars."""
    plt = _pyplot()
    counts = [c for c in counts if c.count]
    fig, ax = plt.subplots(layout="constrained", figsize=(width, 0.35 + 0.24 * max(len(counts), 1)))
    ys = list(range(len(counts)))[::-1]
    for y, item in zip(ys, counts, strict=True):
        ax.barh(y, item.count, height=0.6, color=STATUS_COLOURS.get(item.status, MUTED))
        ax.text(item.count + 0.15, y, f"{item.count} 项", va="center", fontsize=9)
    ax.set_yticks(ys, [c.status for c in counts])
    ax.set_xlim(0, max([c.count for c in counts] + [1]) * 1.2)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return _svg(fig)


def quarter_starts(first: date, last: date) -> list[date]:
    """The first days of the quarters (1, 4, 7, 10月) from ``first`` to ``last``, both
    included: the timeline's axis ticks. None lies after its last point, so the axis never
    names a month later than the data (a book as of a day shows nothing after it)."""
    ticks = []
    year, month = first.year, (first.month - 1) // 3 * 3 + 1
    while date(year, month, 1) <= last:
        if date(year, month, 1) >= first:
            ticks.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 10 else (year, month + 3)
    return ticks


def timeline(points: list[TimelinePoint], width: float = WIDTH_IN) -> bytes:
    """The events on a time axis: pledges made (up) and figures reported (down) at each."""
    plt = _pyplot()
    # imported here: matplotlib costs ~0.4 s at start-up (see _pyplot)
    from matplotlib import dates as mdates

    fig, ax = plt.subplots(layout="constrained", figsize=(width, 1.9))
    days = [mdates.date2num(p.day) for p in points]
    peak = max([p.pledged for p in points] + [p.reported for p in points] + [1])
    width = 18
    for x, p in zip(days, points, strict=True):
        if p.pledged:
            ax.bar(x, p.pledged, width=width, color="#4d4d4d")
            ax.text(x, p.pledged + peak * 0.05, f"承诺 {p.pledged}", ha="center", fontsize=8)
        if p.reported:
            ax.bar(x, -p.reported, width=width, color=STATUS_COLOURS[Status.DONE])
            ax.text(x, -p.reported - peak * 0.05, f"报道 {p.reported}", ha="center", va="top",
                    fontsize=8)
        ax.text(x, peak * 1.35, f"{p.label}\n{p.day.year}年{p.day.month}月{p.day.day}日",
                ha="center", va="bottom", fontsize=8, color=INK)
    ax.axhline(0, color=INK, linewidth=0.8)
    ax.set_ylim(-peak * 1.5, peak * 1.9)
    span = (max(days) - min(days)) if len(days) > 1 else 60
    left = min(days) - span * 0.12
    ax.set_xlim(left, max(days) + span * 0.12)
    ticks = quarter_starts(mdates.num2date(left).date(), max(p.day for p in points))
    ax.set_xticks([mdates.date2num(t) for t in ticks], [f"{t.year}年{t.month}月" for t in ticks])
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)
    return _svg(fig)
