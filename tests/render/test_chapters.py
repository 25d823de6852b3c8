"""Cutting the book into chapters and the seam CSS that hands a chapter its place (no layout)."""

from __future__ import annotations

import pytest
import tinycss2

from briefbook.core import resources
from briefbook.render.layout.chapters import NotSplittable, Seam, css_string, seam_css, split

CSS = (resources.TEMPLATES_DIR / "book.css").read_text(encoding="utf-8")
HOSTILE = 'a"; } @page { size: A3 } x { content: "\\\n</style>'

HTML = f"""<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>t</title></head>
<body>
<section class="cover" id="cover"><div class="classification">内部</div><h1 class="masthead">{HOSTILE.replace('<', '&lt;')}</h1></section>
<nav class="contents chapter" id="contents"><ol><li><a href="#s1">一</a></li><li><a href="#s2">二</a></li></ol></nav>
<section class="brief-section chapter" id="s1"><p>甲<span class="cite">注一</span><span class="cite">注二</span></p>
<figure class="chart"><img src="x" alt=""><figcaption>图</figcaption></figure></section>
<section class="brief-section chapter" id="s2"><p>乙</p></section>
</body></html>"""


def test_split_counts_what_each_chapter_hands_on():
    chapters = split(HTML, CSS)
    assert [c.anchor for c in chapters] == ["cover", "contents", "s1", "s2"]
    # As content() gives it: white space collapsed.
    assert chapters[0].strings == {"classification": "内部", "booktitle": " ".join(HOSTILE.split())}
    assert [c.counts for c in chapters] == [{"footnote": 0, "figure": 0}] * 2 + [
        {"footnote": 2, "figure": 1}, {"footnote": 0, "figure": 0}]
    assert [href for _, href in chapters[1].targets] == ["s1", "s2"]
    for chapter in chapters:
        assert chapter.html.count("<body") == 1 and "<head>" in chapter.html


def test_seam_css_carries_numbers_and_hostile_text_only_as_strings():
    chapters = split(HTML, CSS)
    seam = Seam(first_page=7, total_pages=17, counters=(("figure", 1), ("footnote", 2)),
                strings=(("booktitle", HOSTILE), ("classification", "内部")),
                target_pages=(("s1", 3), ("s2", 9)))
    css = seam_css(chapters[1], seam, CSS)
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    # Every rule is one we wrote: the title could not open a rule of its own.
    assert [r.type for r in rules] == ["at-rule"] * (len(rules) - 4) + ["qualified-rule"] * 4
    assert all(r.lower_at_keyword == "page" for r in rules if r.type == "at-rule")
    assert "size" not in css.replace(css_string(HOSTILE), "")
    strings = [t.value for t in tinycss2.parse_component_value_list(css) for t in _walk(t)
               if t.type == "string"]
    assert HOSTILE in strings and "17" in strings and "3" in strings and "9" in strings
    assert "counter-reset: page 7" in css
    assert "html { counter-reset: footnote 2; }" in css and "figure 1" in css


def _walk(token):
    yield token
    for child in getattr(token, "content", None) or getattr(token, "arguments", None) or []:
        yield from _walk(child)


def test_chapter_titles_in_running_heads_need_no_hand_over():
    """Each chapter's heading sets the running head's chapter title (read only as
    string(chapter, first-except)): chapters that open with their heading split; one that
    sets it further in cannot be laid out alone (its first page would lose the title before)."""
    opening = HTML.replace('id="contents">', 'id="contents"><h1>目录</h1>') \
        .replace('id="s1">', 'id="s1"><h1 data-running="一、甲">一、甲：长标题</h1>') \
        .replace('id="s2">', 'id="s2"><h1>二、乙</h1>')
    chapters = split(opening, CSS)
    assert [sorted(c.opens_with) for c in chapters[1:]] == [["chapter"]] * 3
    late = opening.replace('<h1>二、乙</h1><p>乙</p>', '<p>乙</p><h1>二、乙</h1>')
    with pytest.raises(NotSplittable):
        split(late, CSS)
    # a running string read as plain string(name) may still be set only by the first chapter
    with pytest.raises(NotSplittable):
        split(opening.replace('<p>乙</p>', '<header class="sheet-masthead">'
                                           '<h1 class="sheet-title">乙</h1></header>'), CSS)
