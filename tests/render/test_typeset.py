"""Chinese spacing markup: escapes hostile text, never changes the characters."""

import re

import pytest

from briefbook.render.book.typeset import cn_date, cn_ordinal, typeset


def visible_text(markup: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.mark.parametrize("text", [
    "去年新增留汉大学生30.2万人，切实保障重点群体就业。",
    "全球首款128层QLC三维闪存芯片等一批创新成果问世。",
    "出台“五张网”），“一码互联”《报告》",
    '<img src="file:///etc/passwd"> <script>alert(1)</script> {{ 7*7 }} & "quotes"',
])
def test_text_is_unchanged(text):
    assert visible_text(typeset(text)) == text


def test_markup_is_escaped_not_interpreted():
    out = str(typeset('<img src="file:///etc/passwd">{{ 7*7 }}'))
    assert "<img" not in out
    assert "&lt;img" in out
    assert "{{ 7*7 }}" in out  # template syntax is just text


def test_latin_and_digits_next_to_han_get_spacing_classes():
    out = str(typeset("留汉大学生30.2万人"))
    assert '<span class="latin han-before han-after">30.2</span>' in out
    out = str(typeset("，128层"))
    assert '<span class="latin han-after">128</span>' in out  # no space after punctuation


def test_time_and_ranges_stay_one_run():
    out = str(typeset("时间22:30，2001-2025年"))
    assert ">22:30<" in out and ">2001-2025<" in out


def test_adjacent_punctuation_gets_one_half_width_mark():
    out = str(typeset("工程”），“品牌"))
    # four marks, three adjacent pairs: ”）  ），  ，“ — the first of each pair is halved
    assert out.count('class="halt"') == 3
    assert '<span class="halt">”</span>' in out and "“品" in out
    assert str(typeset("工程。品牌")).count("halt") == 0


def test_dates_and_ordinals():
    import datetime as dt

    assert cn_date(dt.date(2021, 7, 25)) == "2021年7月25日"
    assert [cn_ordinal(n) for n in (1, 9, 10, 12, 20, 35)] == ["一", "九", "十", "十二", "二十", "三十五"]
    assert [cn_ordinal(n) for n in (100, 105, 110, 119, 999)] == [
        "一百", "一百零五", "一百一十", "一百一十九", "九百九十九"]
    with pytest.raises(ValueError):
        cn_ordinal(1000)


def test_han_beyond_the_basic_plane_gets_the_latin_spacing_too():
    # 𠮷 (U+20BB7, Extension B) is Han (core.chars.HAN): the run beside it is spaced like any
    assert str(typeset("𠮷A𠮷")) == '𠮷<span class="latin han-before han-after">A</span>𠮷'
