"""The timeline's geometry (charts.placement): bars of close events side by side, label flags
stacked so that no two overlap and no pole runs through another flag's text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from briefbook.charts.placement import dodge, stack_flags

SPACING = 12.0


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.floats(0, 400, allow_nan=False), min_size=1, max_size=30))
def test_dodged_bars_keep_their_order_and_spacing_and_move_no_more_than_needed(raw):
    xs = sorted(raw)
    placed = dodge(xs, SPACING, low=5.0)
    assert len(placed) == len(xs)
    assert placed[0] >= 5.0 - 1e-9
    assert all(b - a >= SPACING - 1e-6 for a, b in zip(placed, placed[1:], strict=False))
    # the whole row is never pushed further than the pile-up needs
    assert max(abs(p - x) for p, x in zip(placed, xs, strict=True)) <= SPACING * len(xs) + 5


def test_bars_far_apart_stay_where_they_are_and_same_day_bars_straddle_their_day():
    assert dodge([10.0, 100.0, 300.0], SPACING) == [10.0, 100.0, 300.0]
    assert dodge([100.0, 100.0, 100.0], SPACING) == [88.0, 100.0, 112.0]
    assert dodge([100.0, 101.0], SPACING) == [94.5, 106.5]


def flags(xs, widths, heights, bottoms, pad):
    return [(x + pad, b, x + pad + w, b + h) for x, w, h, b in
            zip(xs, widths, heights, bottoms, strict=True)]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.floats(0, 300, allow_nan=False), st.floats(5, 120),
                          st.floats(8, 40)), min_size=1, max_size=25))
def test_no_flag_overlaps_another_and_no_pole_crosses_a_flag(items):
    items.sort()
    xs = [x for x, _, _ in items]
    widths = [w for _, w, _ in items]
    heights = [h for _, _, h in items]
    pad, gap, base = 3.0, 4.0, 50.0
    bottoms = stack_flags(xs, widths, heights, base=base, pad=pad, gap=gap)
    boxes = flags(xs, widths, heights, bottoms, pad)
    assert min(bottoms) >= base
    for i, (l1, b1, r1, t1) in enumerate(boxes):
        for j, (l2, b2, r2, t2) in enumerate(boxes):
            if i < j:  # apart sideways or one above the other
                assert l2 >= r1 or l1 >= r2 or b2 >= t1 or b1 >= t2, (i, j)
            if i != j and l1 <= xs[j] <= r1 + gap:
                # pole j rises from below the flags to the top of its own flag: flag i is
                # either wholly above that or beside it
                assert b1 >= bottoms[j] + heights[j], (i, j)


def test_flags_far_apart_share_the_lowest_row_and_close_ones_step_up_to_the_left():
    assert stack_flags([0, 200, 400], [60, 60, 60], [20, 20, 20], base=10, pad=3, gap=4) == [
        10, 10, 10]
    # three events on one day (bars 12 pt apart): the rightmost lowest, each one to its left
    # above the one to its right
    assert stack_flags([88, 100, 112], [60, 60, 60], [20, 20, 20], base=10, pad=3, gap=4) == [
        58, 34, 10]
