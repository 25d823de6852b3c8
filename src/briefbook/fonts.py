"""The bundled fonts and the characters they must cover.

Takes: nothing (reads ``assets/fonts``). Gives: the face file names, GB2312 as code points,
and the code points every bundled face maps — shared by the font build script, ``doctor``
and the render's preflight check.
"""

from __future__ import annotations

from functools import cache

from briefbook import paths

FACES = ("NotoSerifCJKsc-Regular.otf", "NotoSerifCJKsc-Bold.otf",
         "NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf")


def gb2312_codepoints(*, han_only: bool = False) -> set[int]:
    """Every character GB2312 encodes (rows 0xA1–0xF7; Han characters from row 0xB0)."""
    points: set[int] = set()
    for row in range(0xB0 if han_only else 0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


@cache
def coverage() -> frozenset[int]:
    """Code points every bundled face maps (the intersection: any text may be bold or sans)."""
    from fontTools.ttLib import TTFont

    sets = []
    for face in FACES:
        with TTFont(paths.FONTS_DIR / face, lazy=True) as font:
            sets.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*sets))
