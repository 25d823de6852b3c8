"""Charts: plain data in, deterministic SVG out, lettered in the bundled Noto Sans CJK SC.

Takes: small typed rows (``RatioRow``, ``StatusCount``, ``TimelinePoint``) built by the render
stage; each status is drawn in its colour from the status table (metrics.status.STATUSES).
Gives: SVG bytes. Labels stay text (``svg.fonttype='none'``, family "Noto Sans CJK SC",
regular weight only): WeasyPrint sets them in the bundled faces (``briefbook.core.fonts``
declares the main face, its plus face and the supplement under that name), so
chart labels are searchable in the PDF, and drawing is ≈ 0.3 s faster per book than with
glyph outlines, which WeasyPrint re-parses at every use. The SVG carries no date and a fixed
hash salt, so the same data gives the same bytes.

Every label is drawn one line per ``<text>``, anchored where it starts, centres or ends, so
WeasyPrint aligns it with its own measure. Labels are never shortened: they are wrapped at
phrase boundaries (``charts.labels``), with a space where the body sets its quarter-em
between Han and Latin. A status is never told by colour alone: the word is printed beside
every mark in a status colour (each colour reads at 4.5:1 on the white page, see
metrics.status). The two charts with long labels are laid out in points by hand (no
"constrained" layout): rows grow with their lines, and the timeline's labels are flags on
poles, stacked so that none overlaps another (``charts.placement``).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

from briefbook.charts.labels import spaced, wrap, wrap_name
from briefbook.charts.placement import dodge, stack_flags
from briefbook.core import resources
from briefbook.metrics.status import STATUSES, Status

#: matplotlib measures labels with the main faces only (the plus faces and the supplement
#: share their family name, so it could not fall back to them). A character only those hold
#: is measured at .notdef's advance — a little over one em, the advance of every Han glyph —
#: and set by WeasyPrint from the right face, so its "Glyph … missing" warning is silenced.
SANS = resources.FONTS_DIR / "NotoSansCJKsc-Regular.otf"
SANS_BOLD = resources.FONTS_DIR / "NotoSansCJKsc-Bold.otf"

#: The charts' colour of each status word: the status table's (metrics.status.STATUSES), which
#: the PDF's badges share. render's chart_style_key hashes it, so a new colour redraws charts.
STATUS_COLOURS: Mapping[str, str] = MappingProxyType(
    {str(row.status): row.colour for row in STATUSES})
INK = "#222222"
MUTED = "#8a8a8a"   # rules and poles only (3.4:1): never text
OTHER = "#6b6b6b"   # a status word outside the table (5.3:1, as its grey badge)
PLEDGE = "#c9c9c9"
PLEDGE_FILL = "#efefef"  # flat, not hatched: a hatch pattern costs WeasyPrint ~0.3 s to draw
PLEDGED_BAR = "#4d4d4d"
WIDTH_IN = 6.3  # default: the text block of an A4 page with the book's margins

LABEL_PT = 8.0
#: Baseline to baseline in a label of several lines: 1.45 em, so the em boxes of two lines
#: stand 0.45 em apart (Han glyphs fill their box from 0.88 em above the baseline to 0.12 below).
PITCH = 1.45
ASCENT, DESCENT = 0.88, 0.12


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


@cache
def _text_to_path():
    _pyplot()
    # imported here, with matplotlib (see _pyplot)
    from matplotlib.textpath import TextToPath

    return TextToPath()


@cache
def text_width(text: str, size: float = LABEL_PT) -> float:
    """The width in points matplotlib gives ``text`` in the sans at ``size`` points."""
    # imported here, with matplotlib (see _pyplot)
    from matplotlib.font_manager import FontProperties

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        width, _, _ = _text_to_path().get_text_width_height_descent(
            text, FontProperties(fname=str(SANS), size=size), ismath=False)
    return float(width)


def _svg(fig) -> bytes:
    plt = _pyplot()
    buffer = io.BytesIO()
    # A fixed figure size (no "tight" cropping): every chart prints at 100 % and its 8–9 pt
    # labels stay 8–9 pt on paper.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buffer.getvalue()


def _figure(width_pt: float, height_pt: float, box: tuple[float, float, float, float]):
    """A figure of the given size and one axes at ``box`` = (left, bottom, width, height) in
    points from the figure's lower left corner."""
    plt = _pyplot()
    fig = plt.figure(figsize=(width_pt / 72, height_pt / 72))
    left, bottom, width, height = box
    ax = fig.add_axes((left / width_pt, bottom / height_pt, width / width_pt, height / height_pt))
    return fig, ax


def _block(ax, lines: Sequence[str], x: float, middle: float, *, size: float = LABEL_PT,
           ha: str = "left", transform=None, colour: str = INK) -> None:
    """Lines of text centred on ``middle`` (points, y up), one ``<text>`` each."""
    height = (len(lines) - 1) * PITCH * size + size
    first = middle + height / 2 - ASCENT * size
    for k, line in enumerate(lines):
        ax.text(x, first - k * PITCH * size, line, ha=ha, va="baseline", fontsize=size,
                color=colour, transform=transform if transform is not None else ax.transData)


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, OTHER)


def ratio_note(row: RatioRow) -> str:
    """What a row of the ratio chart says beside its bar: its status word first, always."""
    if row.ratio is not None:
        return spaced(f"{row.status}：{row.reported or ''}（{row.ratio:.0%}）")
    if row.reported and row.status != "无法比较":
        return f"{row.status}（无可比数字）"
    return row.status


def ratio_labels(row: RatioRow, limit: float) -> list[str]:
    """A row's label: the metric's name, then 承诺：and the pledge, wrapped at ``limit`` em."""
    return wrap_name(spaced(row.label), limit) + wrap(spaced(f"承诺：{row.pledged}"), limit,
                                                 keep_start=3, within_words=True)


def pledged_vs_reported(rows: list[RatioRow], width: float = WIDTH_IN) -> bytes:
    """One row per pledge: the reported value as a share of the pledge (pledge = 100 %)."""
    # imported here, with matplotlib (see _pyplot)
    from matplotlib.ticker import MaxNLocator
    from matplotlib.transforms import blended_transform_factory, offset_copy

    width_pt = width * 72
    limit = 0.34 * width_pt / LABEL_PT  # the label column: about a third of the chart
    labels = [ratio_labels(r, limit) for r in rows]
    notes = [wrap(ratio_note(r), 0.3 * width_pt / LABEL_PT, within_words=True) for r in rows]
    column = max([text_width(line) for lines in labels for line in lines] + [LABEL_PT * 4])
    # (a label is at most 1.6 × the column, ``wrap_name``; the plot keeps 40 % whatever comes)
    left, right, bottom, top = min(column + 8, 0.6 * width_pt), 6.0, 38.0, 4.0
    bands = [max(len(lines), len(note), 2) * PITCH * LABEL_PT + 8
             for lines, note in zip(labels, notes, strict=True)] or [24.0]
    plot_w = width_pt - left - right
    height = sum(bands)
    fig, ax = _figure(width_pt, height + bottom + top, (left, bottom, plot_w, height))
    peak = max([1.0] + [r.ratio for r in rows if r.ratio is not None])
    # the axis reaches far enough right for every note beside its bar (4 pt away), 3 pt inside
    reach = peak * 1.15
    for row, note in zip(rows, notes, strict=True):
        end = max(row.ratio or 0.0, 1.0)
        room = plot_w + right - 7 - max(text_width(line) for line in note)
        reach = max(reach, end * plot_w / max(room, plot_w * 0.2))
    pt = reach / plot_w  # one point in axis units
    middles, y = [], height
    for band in bands[:len(rows)]:
        middles.append(y - band / 2)
        y -= band
    to_left = offset_copy(blended_transform_factory(ax.transAxes, ax.transData), fig=fig,
                          x=-8, y=0, units="points")
    for row, lines, note, middle in zip(rows, labels, notes, middles, strict=True):
        ax.barh(middle, 1.0, height=13, color=PLEDGE_FILL, edgecolor=PLEDGE, linewidth=0.8)
        colour = status_colour(row.status)
        if row.ratio is not None:
            ax.barh(middle, row.ratio, height=7, color=colour)
        _block(ax, lines, 0, middle, ha="right", transform=to_left)
        _block(ax, note, max(row.ratio or 0.0, 1.0) + 4 * pt, middle, colour=colour)
    ax.axvline(1.0, color=INK, linewidth=0.8, linestyle=(0, (2, 2)))
    ax.set_xlim(0, reach)
    ax.set_ylim(0, height)
    # the shares on the axis, each label whole inside the figure
    ticks = [t for t in MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(0, reach)
             if 0 <= t and t / pt + text_width(f"{t:.0%}", 9) / 2 <= plot_w + right - 1]
    ax.set_xticks(ticks, [f"{t:.0%}" for t in ticks], fontsize=9)
    ax.set_xlabel(spaced("报道值 ÷ 承诺值（虚线为承诺100%）"))
    ax.yaxis.set_visible(False)
    return _svg(fig)


def status_breakdown(counts: list[StatusCount], width: float = WIDTH_IN) -> bytes:
    """How many metrics stand at each status, as bars labelled with the status word."""
    plt = _pyplot()
    counts = [c for c in counts if c.count]
    fig, ax = plt.subplots(layout="constrained", figsize=(width, 0.35 + 0.24 * max(len(counts), 1)))
    ys = list(range(len(counts)))[::-1]
    for y, item in zip(ys, counts, strict=True):
        ax.barh(y, item.count, height=0.6, color=status_colour(item.status))
        ax.text(item.count + 0.15, y, spaced(f"{item.count}项"), va="center", fontsize=9)
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
    return _month_starts(first, last, 3)


def _month_starts(first: date, last: date, step: int) -> list[date]:
    """The first days of every ``step``-th month (counted from January) in [first, last]."""
    ticks = []
    year, month = first.year, (first.month - 1) // step * step + 1
    while date(year, month, 1) <= last:
        if date(year, month, 1) >= first:
            ticks.append(date(year, month, 1))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return ticks


def month_label(day: date) -> str:
    return spaced(f"{day.year}年{day.month}月")


def day_label(day: date) -> str:
    return spaced(f"{day.year}年{day.month}月{day.day}日")


def time_ticks(first: date, last: date, per_day: float) -> list[date]:
    """Month starts between ``first`` and ``last`` for the axis, as many as fit at
    ``per_day`` points a day: quarters, or every half-year, year …; months when fewer than
    two quarters begin in the span. None after ``last`` (see ``quarter_starts``)."""
    gap = text_width(month_label(date(2000, 12, 1))) + 10  # the widest label and a margin
    months = 3 if len(quarter_starts(first, last)) >= 2 else 1
    while months < 12 * 1000 and months * 30.4 * per_day < gap:
        months = months * 2 if months < 12 else months + 12
    if months % 12 == 0:
        return [d for d in _month_starts(first, last, 12) if d.year % (months // 12) == 0]
    return _month_starts(first, last, months)


#: The timeline's bars: at most this wide, at least this far apart (points).
BAR_PT, BAR_GAP_PT = 10.0, 2.0
BAR_RISE_PT = 30.0   # the tallest bar, pledged up or reported down
FLAG_PAD_PT, FLAG_GAP_PT = 3.0, 4.0   # pole to text; between flags
NAME_EM = 9.0        # an event's name is wrapped at this many em
#: The flags may stand this high at most (points); past that, close points share a flag (see
#: ``GROUPINGS``).
MAX_FLAGS_PT = 324.0
#: How points are pooled when their flags would not fit: each its own, then those of one day,
#: one month, one quarter, one year, and at last eight runs of points in date order.
GROUPINGS = ("point", "day", "month", "quarter", "year", "runs")
RUNS = 8


@dataclass(frozen=True)
class Flag:
    """One flag of the timeline: its points (one, or several pooled) and how they are dated."""

    points: tuple[TimelinePoint, ...]
    grouping: str

    @property
    def day(self) -> date:
        return self.points[0].day

    @property
    def pledged(self) -> int:
        return sum(p.pledged for p in self.points)

    @property
    def reported(self) -> int:
        return sum(p.reported for p in self.points)

    def when(self) -> str:
        first, last = self.points[0].day, self.points[-1].day
        if self.grouping in ("point", "day"):
            return day_label(first)
        if self.grouping == "month":
            return month_label(first)
        if self.grouping == "quarter":
            return spaced(f"{first.year}年第{(first.month - 1) // 3 + 1}季度")
        if first.year == last.year:
            return spaced(f"{first.year}年")
        return spaced(f"{first.year}—{last.year}年")

    def lines(self) -> list[str]:
        """The event's name (wrapped; two names and 等 N 项 for more), its day (or month …),
        what was pledged and reported there."""
        names = [p.label for p in self.points]
        shown = names if len(names) <= 2 else names[:1]
        lines = [line for name in shown for line in wrap_name(spaced(name), NAME_EM)]
        if len(names) > 2:
            lines.append(spaced(f"等{len(names)}项"))
        counts = [spaced(f"{word}{n}") for word, n in (("承诺", self.pledged),
                                                       ("报道", self.reported)) if n]
        return lines + [self.when()] + (["，".join(counts)] if counts else [])


def flags(points: Sequence[TimelinePoint], grouping: str) -> list[Flag]:
    """``points`` (by date) pooled as ``grouping`` says (see ``GROUPINGS``)."""
    def key(i: int, p: TimelinePoint) -> object:
        return {"point": i, "day": p.day, "month": (p.day.year, p.day.month),
                "quarter": (p.day.year, (p.day.month - 1) // 3), "year": p.day.year,
                "runs": i * RUNS // max(len(points), 1)}[grouping]

    pooled: dict[object, list[TimelinePoint]] = {}
    for i, p in enumerate(points):
        pooled.setdefault(key(i, p), []).append(p)
    return [Flag(tuple(group), grouping) for group in pooled.values()]


def flag_lines(point: TimelinePoint) -> list[str]:
    """A timeline label: the event's name (wrapped), its day, what was pledged and reported."""
    return Flag((point,), "point").lines()


@dataclass(frozen=True)
class Layout:
    """Where a timeline's flags go (points): the pole of each, its box, the time scale."""

    flags: list[Flag]
    lines: list[list[str]]
    xs: list[float]
    bottoms: list[float]
    heights: list[float]
    per_day: float
    fits: bool


def lay_out(marks: list[Flag], plot_w: float, margin: float, base: float) -> Layout:
    """Place the flags: bars dodged apart, the time scale narrowed until the last flag ends
    inside the figure, the flags stacked (``placement``)."""
    lines = [f.lines() for f in marks]
    widths = [max(text_width(line) for line in block) for block in lines]
    heights = [(len(block) - 1) * PITCH * LABEL_PT + LABEL_PT for block in lines]
    first = marks[0].day if marks else date(2000, 1, 1)
    days = [(f.day - first).days for f in marks]
    span = max(days + [0])
    start = 0.06 * plot_w
    limit = plot_w + margin - 4
    per_day = (0.88 * plot_w - start) / (span or 60)
    xs: list[float] = []
    for _ in range(60):
        xs = dodge([start + d * per_day for d in days], BAR_PT + BAR_GAP_PT, low=BAR_PT)
        over = max([x + FLAG_PAD_PT + w for x, w in zip(xs, widths, strict=True)] + [0.0])
        if over <= limit or per_day < 1e-3:
            break
        per_day *= 0.97 * (limit - start) / max(over - start, 1.0)
    bottoms = stack_flags(xs, widths, heights, base=base, pad=FLAG_PAD_PT, gap=FLAG_GAP_PT)
    top = max([b + h for b, h in zip(bottoms, heights, strict=True)] + [base])
    fits = over <= limit and top - base <= MAX_FLAGS_PT
    return Layout(marks, lines, xs, bottoms, heights, per_day, fits)


def timeline(points: list[TimelinePoint], width: float = WIDTH_IN) -> bytes:
    """The events on a time axis: pledges made (bars up) and figures reported (bars down) at
    each; each event's name, day and counts on a flag above it (see the module). Where the
    flags would not fit (very many points), points of one day, month, … share a flag."""
    points = sorted(points, key=lambda p: p.day)
    width_pt = width * 72
    margin, bottom = 10.0, 20.0
    plot_w = width_pt - 2 * margin
    peak = max([p.pledged for p in points] + [p.reported for p in points] + [1])
    down = BAR_RISE_PT * max([p.reported for p in points] + [0]) / peak
    up = BAR_RISE_PT * max([p.pledged for p in points] + [0]) / peak
    zero = down + 4
    base = zero + up + 8
    for grouping in GROUPINGS:
        marks = flags(points, grouping)
        if len(marks) * (BAR_PT + BAR_GAP_PT) > plot_w and grouping != GROUPINGS[-1]:
            continue  # their bars alone would not fit side by side
        layout = lay_out(marks, plot_w, margin, base)
        if layout.fits:
            break
    peak = max([f.pledged for f in layout.flags] + [f.reported for f in layout.flags] + [1])
    height = max([b + h for b, h in zip(layout.bottoms, layout.heights, strict=True)]
                 + [base]) + 2
    fig, ax = _figure(width_pt, height + bottom + 2, (margin, bottom, plot_w, height))
    for x, f, block, low, tall in zip(layout.xs, layout.flags, layout.lines, layout.bottoms,
                                      layout.heights, strict=True):
        rise = BAR_RISE_PT * f.pledged / peak
        if f.pledged:
            ax.bar(x, rise, width=BAR_PT, bottom=zero, color=PLEDGED_BAR)
        if f.reported:
            ax.bar(x, -BAR_RISE_PT * f.reported / peak, width=BAR_PT, bottom=zero,
                   color=STATUS_COLOURS[Status.DONE])
        ax.plot([x, x], [zero + rise, low + tall], color=MUTED, linewidth=0.6)
        _block(ax, block, x + FLAG_PAD_PT, low + tall / 2)
    ax.axhline(zero, color=INK, linewidth=0.8)
    ax.set_xlim(0, plot_w)
    ax.set_ylim(0, height)
    first = layout.flags[0].day if layout.flags else date(2000, 1, 1)
    per_day, start = layout.per_day, 0.06 * plot_w
    left_day = first - timedelta(days=min(start / per_day, 3660.0))
    ticks = time_ticks(left_day, points[-1].day if points else first, per_day)
    spots = [start + (t - first).days * per_day for t in ticks]
    kept = [(s, t) for s, t in zip(spots, ticks, strict=True)
            if text_width(month_label(t)) / 2 <= s + margin - 1
            and s + text_width(month_label(t)) / 2 <= plot_w + margin - 1]
    ax.set_xticks([s for s, _ in kept], [month_label(t) for _, t in kept], fontsize=LABEL_PT)
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)
    return _svg(fig)
