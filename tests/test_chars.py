"""core.chars: each character class at the edges of its ranges."""

import re

import pytest

from briefbook.core import chars

# (code point, is Han) on both sides of every edge of HAN
HAN_EDGES = [
    (0x33FF, False), (0x3400, True),     # Extension A
    (0x4DBF, True), (0x4DC0, False),     # Yijing hexagrams follow it
    (0x4DFF, False), (0x4E00, True),     # CJK Unified Ideographs
    (0x9FFF, True), (0xA000, False),     # Yi syllables follow them
    (0xF8FF, False), (0xF900, True),     # CJK Compatibility Ideographs (after the private use area)
    (0xFAFF, True), (0xFB00, False),     # Latin ligatures follow them
    (0x1FFFF, False), (0x20000, True),   # plane 2: Extension B …
    (0x2A6DF, True), (0x2A700, True),    # … C
    (0x2EBF0, True), (0x2F800, True),    # I, Compatibility Supplement
    (0x30000, True), (0x3134F, True),    # plane 3: Extension G …
    (0x31350, True), (0x323AF, True),    # … H (past the old clean.HAN)
    (0x3FFFF, True), (0x40000, False),   # the end of plane 3
]


@pytest.mark.parametrize(("point", "han"), HAN_EDGES, ids=[f"U+{p:04X}" for p, _ in HAN_EDGES])
def test_han_at_each_edge(point, han):
    assert chars.is_han(chr(point)) is han
    assert chars.has_han(f"ab{chr(point)}1") is han
    # Han is full-width and CJK context everywhere it is Han
    if han:
        assert chars.is_cjk(chr(point)) and chars.FULL_WIDTH_CHAR.fullmatch(chr(point))


# (code point, is CJK punctuation)
PUNCTUATION_EDGES = [
    (0x2FFF, False), (0x3000, True),     # ideographic space opens CJK Symbols and Punctuation
    (0x303F, True), (0x3040, False),     # hiragana follow
    (0xFF00, False), (0xFF01, True),     # ！
    (0xFF0F, True), (0xFF10, False),     # ／ then full-width digit 0
    (0xFF19, False), (0xFF1A, True),     # 9 then ：
    (0xFF20, True), (0xFF21, False),     # ＠ then Ａ
    (0xFF3A, False), (0xFF3B, True),     # Ｚ then ［
    (0xFF40, True), (0xFF41, False),     # ｀ then ａ
    (0xFF5A, False), (0xFF5B, True),     # ｚ then ｛
    (0xFF65, True), (0xFF66, False),     # halfwidth ･ then halfwidth katakana
    (0x2018, True), (0x2019, True), (0x201C, True), (0x201D, True),  # ‘ ’ “ ”
    (0x2026, True), (0x2014, True), (0x00B7, True),                  # … — ·
    (0x2013, False), (0x201A, False), (0x0022, False), (0x002E, False),  # – ‚ " .
]


@pytest.mark.parametrize(("point", "punct"), PUNCTUATION_EDGES,
                         ids=[f"U+{p:04X}" for p, _ in PUNCTUATION_EDGES])
def test_cjk_punctuation_at_each_edge(point, punct):
    assert bool(re.fullmatch(f"[{chars.CJK_PUNCTUATION}]", chr(point))) is punct
    assert chars.is_cjk(chr(point)) is punct  # none of these is Han
    assert not chars.is_han(chr(point))


# (code point, set on the em square)
FULL_WIDTH_EDGES = [
    (0x2E7F, False), (0x2E80, True),     # CJK Radicals Supplement
    (0x2FDF, True), (0x2FE0, False),     # the end of the Kangxi Radicals
    (0x3000, True), (0x303F, True), (0x3040, False),
    (0xFEFF, False), (0xFF00, True),     # the whole Halfwidth and Fullwidth Forms block …
    (0xFF10, True), (0xFF21, True),      # … its digits and letters too
    (0xFFEF, True), (0xFFF0, False),
    (0x2014, True), (0x2026, True), (0x00B7, True),
    (0x0041, False), (0x0031, False), (0x0020, False), (0x2013, False),
]


@pytest.mark.parametrize(("point", "wide"), FULL_WIDTH_EDGES,
                         ids=[f"U+{p:04X}" for p, _ in FULL_WIDTH_EDGES])
def test_full_width_at_each_edge(point, wide):
    assert bool(chars.FULL_WIDTH_CHAR.fullmatch(chr(point))) is wide


def test_full_width_runs_take_han_beyond_the_basic_plane():
    assert [m.span() for m in chars.FULL_WIDTH_RUN.finditer("𠮷野家A「吉」")] == [(0, 3), (4, 7)]


def test_predicates_take_one_character():
    assert not chars.is_han("") and not chars.is_cjk("") and not chars.has_han("")
    assert not chars.is_han("汉字") and not chars.is_cjk("。。")


def test_controls():
    assert chars.BIDI_CONTROLS == {chr(c) for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                                                   *range(0x2066, 0x206A))}
    assert chars.LINE_SEPARATORS == {"\u2028", "\u2029"}
    assert chars.ZERO_WIDTH == {"\u200b", "\u2060", "\ufeff"}
    assert not chars.BIDI_CONTROLS & chars.ZERO_WIDTH


@pytest.mark.parametrize(("point", "name"), [
    (0x2E7F, "outside the CJK blocks"), (0x2E80, "CJK Radicals Supplement"),
    (0x4E00, "CJK Unified Ideographs"), (0x9FFF, "CJK Unified Ideographs"),
    (0x20000, "CJK Unified Ideographs Extension B"),
    (0x2A6DF, "CJK Unified Ideographs Extension B"),
    (0x2A6E0, "outside the CJK blocks"), (0x2A700, "CJK Unified Ideographs Extensions C–F"),
    (0x323AF, "CJK Unified Ideographs Extensions G–H"), (0x323B0, "outside the CJK blocks"),
    (0x1F600, "emoji and pictographs"), (0x41, "outside the CJK blocks"),
])
def test_block_names(point, name):
    assert chars.block_name(point).endswith(name)
