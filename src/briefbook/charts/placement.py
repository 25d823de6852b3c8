"""Where a timeline's bars and labels go, so that none overlaps another: plain geometry in points.

Takes: anchors on a line (the events' places on the time axis) and the sizes of what hangs on
them. Gives:
- ``dodge(xs, spacing, low)``: positions as near the anchors as possible and at least
  ``spacing`` apart (bars of events a day apart, or on the same day, side by side);
- ``stack_flags(xs, widths, heights, base, pad, gap)``: the bottom of each label's box. A label
  is a flag: its text starts ``pad`` right of a pole that rises from the event's bar. Taken
  from right to left, each flag sits at ``base`` unless a pole or flag to its right stands
  within its width, in which case it goes above that flag's top. So no two boxes overlap and
  no pole crosses another flag's text, however close the events are.
Pure and bounded: O(n) for ``dodge``, O(n²) comparisons of floats for ``stack_flags``.
"""

from __future__ import annotations

from collections.abc import Sequence


def dodge(xs: Sequence[float], spacing: float, low: float = float("-inf")) -> list[float]:
    """Non-decreasing positions ``p`` with ``p[i+1] - p[i] >= spacing`` and ``p[0] >= low``,
    as close as possible (least squares) to ``xs`` (sorted). Pool-adjacent-violators on
    ``xs[i] - i * spacing``."""
    blocks: list[list[float]] = []  # [mean, count] of pooled shifted positions
    for i, x in enumerate(xs):
        blocks.append([x - i * spacing, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            prev_mean, prev_count = blocks[-1]
            total = prev_count + count
            blocks[-1] = [(prev_mean * prev_count + mean * count) / total, total]
    shifted: list[float] = []
    for mean, count in blocks:
        shifted.extend([max(mean, low)] * int(count))
    # raising the first block to ``low`` can make it meet the next: keep the order
    for i in range(1, len(shifted)):
        shifted[i] = max(shifted[i], shifted[i - 1])
    return [q + i * spacing for i, q in enumerate(shifted)]


def stack_flags(xs: Sequence[float], widths: Sequence[float], heights: Sequence[float], *,
                base: float, pad: float, gap: float) -> list[float]:
    """The bottom of each flag's box (see the module); ``xs`` sorted, one pole each."""
    n = len(xs)
    bottoms = [base] * n
    for i in range(n - 1, -1, -1):
        reach = xs[i] + pad + widths[i] + gap
        for k in range(i + 1, n):
            if xs[k] > reach:
                break  # sorted: no pole further right stands within this flag
            bottoms[i] = max(bottoms[i], bottoms[k] + heights[k] + gap)
    return bottoms
