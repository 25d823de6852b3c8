"""numbers.py: Chinese number forms → plain numbers, unit, qualifier."""

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from briefbook.metrics.numbers import (
    QUALIFIERS, NotAQuantity, find_quantities, format_quantity, parse_chinese_integer,
    parse_quantity, scan,
)


@pytest.mark.parametrize("text, value, unit, qualifier, display", [
    ("30.2万人", 302000, "人", None, "30.2万人"),
    ("586亿元", 58_600_000_000, "元", None, "586亿元"),
    ("14.9万余名", 149000, "名", "余", "14.9万余名"),
    ("近30份", 30, "份", "近", "近30份"),
    ("125个", 125, "个", None, "125个"),
    ("1793个", 1793, "个", None, "1793个"),
    ("10分钟", 10, "分钟", None, "10分钟"),
    ("300米", 300, "米", None, "300米"),
    ("三年", 3, "年", None, "3年"),
    ("一百二十五个", 125, "个", None, "125个"),
    ("十四万九千名", 149000, "名", None, "14.9万名"),
    ("两个", 2, "个", None, "2个"),
    ("三支", 3, "支", None, "3支"),
    ("力争25万人", 250000, "人", "力争", "力争25万人"),
    ("超万名", 10000, "名", "超", "超1万名"),
    ("超过100家", 100, "家", "超", "超100家"),
    ("逾3000人", 3000, "人", "逾", "逾3000人"),
    ("约5%", 5, "%", "约", "约5%"),
    ("30多个", 30, "个", "多", "30多个"),
    ("100人以上", 100, "人", "以上", "100人以上"),
    ("１２５个", 125, "个", None, "125个"),          # full-width digits
    ("2.5个百分点", 2.5, "个百分点", None, "2.5个百分点"),
    ("3000余万人次", 30_000_000, "人次", "余", "3000余万人次"),
    ("10余万人", 100000, "人", "余", "10余万人"),
    ("逾百万人次", 1_000_000, "人次", "逾", "逾100万人次"),
    ("8616.88亿元", 861_688_000_000, "元", None, "8616.88亿元"),
    ("15平方米", 15, "平方米", None, "15平方米"),
    ("1,234家", 1234, "家", None, "1234家"),          # thousands separators
    ("1,234,567元", 1_234_567, "元", None, "1234567元"),
    ("超1,200名", 1200, "名", "超", "超1200名"),
    ("12.5％", 12.5, "%", None, "12.5%"),             # full-width percent sign: the same unit
    ("约5％", 5, "%", "约", "约5%"),
])
def test_parse_quantity(text, value, unit, qualifier, display):
    q = parse_quantity(text)
    assert (q.plain, q.unit, q.qualifier, q.display) == (value, unit, qualifier, display)


def test_exact_decimal_arithmetic():
    assert parse_quantity("14.9万名").number == Decimal(149000)
    assert isinstance(parse_quantity("30.2万人").plain, int)


@pytest.mark.parametrize("text, reason", [
    ("十四五", "malformed"),        # the 14th five-year plan, not a number
    ("二〇三五年", "year"),
    ("2021年", "year"),
    ("7月", "date"),
    ("第一", "ordinal"),
    ("第十四个", "ordinal"),
    ("五张网", "name"),             # the five nets: a programme name even without quotes
    ("“八大工程”", "name"),
    ("“五个中心”", "name"),
    ("965", "bare"),                # the 965 industrial cluster: a name with no unit
    ("128层QLC", "spec"),           # a chip specification, not a count
    ("500强", "name"),              # a ranking list
    ("五年规划", "name"),
    ("五级", "name"),
    ("一批", "vague"),
    ("数百名", "vague"),
    ("《三年行动计划》", "name"),
])
def test_not_quantities(text, reason):
    with pytest.raises(NotAQuantity) as info:
        parse_quantity(text)
    assert info.value.reason == reason


def test_scan_classifies_in_context():
    text = "市委十三届十一次全会。去年3月10日，出台22条政策措施，全球首款128层QLC芯片，中国民营企业500强。"
    kinds = [(t.text, t.kind) for t in scan(text)]
    assert ("十一次", "ordinal") in kinds
    assert ("22条", "quantity") in kinds
    assert ("128层", "spec") in kinds
    assert [q.text for q in find_quantities(text)] == ["22条"]


def test_implied_person_unit():
    [q] = find_quantities("力争全年留下25万大学生在汉创业就业")
    assert (q.plain, q.unit, q.implied_unit) == (250000, "人", True)


def test_quoted_arabic_with_unit_is_a_quantity_but_quoted_chinese_numeral_is_a_name():
    qs = find_quantities("打造武汉“12分钟文化圈”，织密“五张网”，实现“300米见绿，500米见园”的目标")
    assert [(q.plain, q.unit) for q in qs] == [(12, "分钟"), (300, "米"), (500, "米")]


def test_year_range_and_codes_are_not_quantities():
    assert find_quantities("Copyright 2001-2025 版权") == []
    assert find_quantities("编号A12个") == []


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105), ("两千", 2000),
    ("三万", 30000), ("十四万九千", 149000), ("一亿二千万", 120_000_000), ("二〇三五", 2035),
])
def test_chinese_integers(text, value):
    assert parse_chinese_integer(text) == value


@pytest.mark.parametrize("text", ["十四五", "二百五", "十十", "万万", "五五", ""])
def test_chinese_integers_refuse_malformed(text):
    with pytest.raises(ValueError):
        parse_chinese_integer(text)


def _cn(n: int) -> str:
    """Write 0 < n < 10**8 in standard Chinese numerals (test oracle, independent of parser)."""
    digits = "零一二三四五六七八九"

    def section(m: int) -> str:
        out, zero = "", False
        for mult, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = m // mult % 10
            if d:
                if zero and out:
                    out += "零"
                out += digits[d] + name
                zero = False
            else:
                zero = True
        return out
    high, low = divmod(n, 10000)
    if not high:
        return section(low)
    return section(high) + "万" + (("零" if low < 1000 and low else "") + section(low) if low else "")


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_integer_round_trip(n):
    assert parse_chinese_integer(_cn(n)) == n


UNITS = st.sampled_from(["人", "名", "个", "元", "份", "项", "家", "分钟", "米", "条", "%"])


@given(value=st.one_of(st.integers(min_value=1, max_value=10**13),
                       st.decimals(min_value=Decimal("0.1"), max_value=Decimal(10**6), places=1)),
       unit=UNITS, qualifier=st.sampled_from((None,) + QUALIFIERS))
def test_format_parse_round_trip(value, unit, qualifier):
    shown = format_quantity(value, unit, qualifier)
    q = parse_quantity(shown)
    assert q.number == Decimal(str(value))
    assert (q.unit, q.qualifier) == (unit, qualifier)
    assert q.display == shown


def test_thousands_separators_and_percent_signs_in_running_text():
    assert [(q.plain, q.unit) for q in find_quantities("共有1,234家企业，增长12.5％，占比3%")] == \
        [(1234, "家"), (12.5, "%"), (3, "%")]
    # a comma not followed by exactly three digits separates two numbers
    assert [q.plain for q in find_quantities("分别为12,34个")] == [34]
