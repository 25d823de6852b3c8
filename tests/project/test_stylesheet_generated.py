"""A project stylesheet's generated content, counted against a book before layout
(``project.stylesheet.GeneratedText``): each element a ``content`` rule matches costs that
content's characters (attr() its real value, counters() one counter per level), at least one;
a ``display: list-item`` rule costs a marker per element that is not already a list item;
past ``MAX_GENERATED_CHARS`` the declaration that adds the most is named at line:column.

On small hand-written books, parsed as WeasyPrint parses the real one.
"""

from __future__ import annotations

import pytest
from weasyprint import HTML

from briefbook.core.errors import BriefbookError
from briefbook.project.stylesheet import COUNTER_CHARS, MAX_GENERATED_CHARS, GeneratedText

BOOK = """<html><body>
<section class="chapter"><h1>一</h1><p>甲</p><p>乙</p>
  <ol><li><a href="#n1">注</a></li><li>二</li></ol></section>
<div><p>丙</p><a href="https://example.org/很长的地址">链接</a></div>
</body></html>"""


def counted(css: str, html: str = BOOK) -> list[tuple[int, int]]:
    """(characters, elements) of each generating declaration that matches, in order."""
    generated = GeneratedText(css, "house.css")
    tally = generated.count(HTML(string=html).wrapper_element)
    return [tally[i] for i in sorted(tally)]


@pytest.mark.parametrize(("css", "expected"), [
    ('p::after { content: "ab" }', [(6, 3)]),
    ('p::before, p::after { content: "ab" }', [(12, 6)]),
    ('section { & p::after { content: "ab" } }', [(4, 2)]),
    ('h1::after { content: "（项目样式）" } p::after { content: none }', [(6, 1)]),
    ('p::after { content: "" }', [(3, 3)]),  # an empty box still costs one
    (':root { --t: "abc" } h1::after { content: var(--t) }', [(3, 1)]),
    ("div, p { display: list-item } li { display: list-item }", [(4 * (COUNTER_CHARS + 2), 4)]),
])
def test_what_each_declaration_adds(css, expected):
    assert counted(css) == expected


def test_attr_counts_the_attribute_of_each_element():
    hrefs = len("#n1") + len("https://example.org/很长的地址")
    assert counted('a::after { content: "（" attr(href) "）" }') == [(2 * 2 + hrefs, 2)]


def test_counters_count_one_counter_per_level():
    levels = 5  # the li, its ol, section, body and html: as many nested counters as can be
    assert counted('li::after { content: counters(item, ".") }') == [
        (2 * (COUNTER_CHARS + len(".")) * levels, 2)]


def test_a_list_style_string_costs_each_list_item():
    assert counted('body { list-style-type: "——" }') == [(2 * 2, 1)]


def test_past_the_budget_the_biggest_declaration_is_named():
    many = "<p>段</p>" * 300
    css = 'h1::after { content: "章" }\n\np::after {\n  content: "' + "字" * 7 + '";\n}\n'
    generated = GeneratedText(css, "styles/house.css")
    root = HTML(string=f"<html><body><h1>一</h1>{many}</body></html>").wrapper_element
    with pytest.raises(BriefbookError) as info:
        generated.check(root)
    error = info.value
    assert error.where == "styles/house.css:4:3"
    assert f"would add {300 * 7 + 1:,} characters" in error.message
    assert f"the limit is {MAX_GENERATED_CHARS:,}" in error.message
    assert "adds 2,100 (300 elements match `p::after`)" in error.message
    assert "match fewer elements" in error.hint


def test_under_the_budget_the_book_goes_on():
    generated = GeneratedText('p::after { content: "字字" }', "house.css")
    root = HTML(string="<p>一</p>" * (MAX_GENERATED_CHARS // 2)).wrapper_element
    generated.check(root)  # exactly the limit: no error
