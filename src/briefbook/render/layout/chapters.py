"""A book's HTML cut into chapters that can each be laid out alone, and the "seam" CSS that
makes a chapter laid out alone look exactly as it does inside the whole book.

Takes: the book's HTML (``book.html``) and the stylesheet's text. Gives: ``Chapter`` values
(a complete HTML document each, the counters it advances, the running strings it sets, the
anchors whose page numbers it prints) and ``seam_css(...)`` for a chapter at a given place.

A chapter is a top-level ``<body>`` child whose class list has ``chapter`` (``book.css``:
``.chapter { break-before: page }``) together with the siblings that follow it up to the
next one; what precedes the first is chapter 0 (cover or masthead). Because each starts on a
new page, laying it out alone gives the same lines and pages, provided what crosses the
seam is handed over — which is what the seam CSS does:

- the page number of its first page (``@page :first { counter-reset: page N }``) and, for a
  chapter after the first, the margin boxes of an ordinary page instead of ``:first``'s;
- the side of its first page (a chapter starting on an even page starts on a verso:
  ``html { break-before: left }``), for a two-sided book's mirrored ``:left``/``:right`` pages;
- the book's page total, written as a string where the stylesheet says ``counter(pages)``;
- running strings (``string(booktitle)``) as set by earlier chapters, as strings; a string
  that margin boxes read only as ``string(name, first-except)`` (the chapter title in the
  running head) needs nothing handed over when every later chapter sets it at its start:
  the page that sets it shows none, later pages show the chapter's own;
- document counters that earlier chapters advanced (footnote and figure numbers);
- the page number of each link target that ``target-counter(attr(href), page)`` prints
  (the contents), as a string.

Anything this module cannot hand over (a stylesheet construct it does not know) raises
``NotSplittable``; the caller then renders the book whole, which is always right.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import pairwise

import cssselect2
import tinycss2
import tinyhtml5

CHAPTER_CLASS = "chapter"
#: Document counters a chapter hands to the next: name → (what advances it, where it is reset).
#: ``float: footnote`` elements advance ``footnote`` (WeasyPrint); ``figcaption::before``
#: advances ``figure`` (book.css), which ``body`` resets.
COUNTERS = {"footnote": (".cite", "html"), "figure": ("figcaption", "body")}


#: The page-number content the seam can hand over: a leader and the target's page, or the
#: page alone (the contents' second level runs in).
TARGET_CONTENT = re.compile(r'(leader\("."\)\s*)?target-counter\(attr\(href\),\s*page\)')


class NotSplittable(Exception):
    """The book cannot be laid out chapter by chapter exactly; render it whole."""


@dataclass(frozen=True)
class Chapter:
    index: int
    html: str
    anchor: str | None                    # id of the first element (where it starts in the book)
    counts: dict[str, int]                # how far it advances each of COUNTERS
    strings: dict[str, str]               # running strings it sets (last value of each)
    targets: tuple[tuple[str, str], ...]  # (rule selector, href) whose target page it prints
    opens_with: frozenset[str] = frozenset()  # strings its first element's first child sets


@dataclass(frozen=True)
class Seam:
    """What a chapter needs to know about the rest of the book."""

    first_page: int
    total_pages: int
    counters: tuple[tuple[str, int], ...]
    strings: tuple[tuple[str, str], ...]
    target_pages: tuple[tuple[str, int], ...]


# ---- the stylesheet, as far as seams are concerned ------------------------------------------

@dataclass(frozen=True)
class MarginRule:
    page: str      # the @page prelude: "", ":first", "cover" …
    box: str       # "top-left" …
    content: str   # the content value as written


@dataclass(frozen=True)
class StyleFacts:
    margins: tuple[MarginRule, ...]
    string_sets: tuple[tuple[str, str], ...]       # (selector, string name) with content()
    target_rules: tuple[tuple[str, str], ...]      # (selector, content with target-counter)
    first_page_other: bool                         # :first sets more than margin boxes
    chapter_strings: frozenset[str] = frozenset()  # read only as string(name, first-except)


@cache
def style_facts(css_text: str) -> StyleFacts:
    margins: list[MarginRule] = []
    string_sets: list[tuple[str, str]] = []
    targets: list[tuple[str, str]] = []
    first_other = False
    from_attr: set[str] = set()
    for rule in tinycss2.parse_stylesheet(css_text, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "page":
            prelude = tinycss2.serialize(rule.prelude).strip()
            for item in tinycss2.parse_blocks_contents(rule.content or [], skip_comments=True,
                                                       skip_whitespace=True):
                if item.type == "at-rule":
                    for decl in _declarations(item.content):
                        if decl.lower_name == "content":
                            margins.append(MarginRule(prelude, item.lower_at_keyword,
                                                      tinycss2.serialize(decl.value).strip()))
                elif item.type == "declaration" and prelude == ":first":
                    first_other = True
        elif rule.type == "qualified-rule":
            selector = tinycss2.serialize(rule.prelude).strip()
            for decl in _declarations(rule.content):
                value = tinycss2.serialize(decl.value).strip()
                if decl.lower_name == "string-set":
                    name, _, rest = value.partition(" ")
                    if "," in selector or not re.fullmatch(r"content\(\)|attr\([\w-]+\)",
                                                           rest.strip()):
                        raise NotSplittable(f"string-set {value!r} on {selector!r}")
                    if rest.strip() != "content()":
                        from_attr.add(name)
                    string_sets.append((selector, name))
                elif decl.lower_name == "content" and "target-counter" in value:
                    if not TARGET_CONTENT.fullmatch(value):
                        raise NotSplittable(f"content {value!r}")
                    targets.append((selector, value))
                elif decl.lower_name == "content" and ("counter(pages)" in value
                                                       or "string(" in value):
                    raise NotSplittable(f"page-based content outside @page: {value!r}")
    reads: dict[str, set[str]] = {}
    for margin in margins:
        for name, keyword in re.findall(r"string\(\s*([\w-]+)\s*(?:,\s*([\w-]+)\s*)?\)",
                                        margin.content):
            reads.setdefault(name, set()).add(keyword)
    chapter_strings = frozenset(name for name, keywords in reads.items()
                                if keywords == {"first-except"})
    # a string set from an attribute is never handed over (its value is not the element's
    # text, which is what a chapter records): only a chapter string may be
    if from_attr - chapter_strings:
        raise NotSplittable(f"string-set from an attribute: {sorted(from_attr)}")
    return StyleFacts(tuple(margins), tuple(string_sets), tuple(targets), first_other,
                      chapter_strings)


def _check_strings(chapters, facts: StyleFacts) -> None:
    """Raise ``NotSplittable`` unless every running string a later chapter sets is a chapter
    string (``StyleFacts.chapter_strings``) that each later chapter sets at its start."""
    later = chapters[1:]
    set_later = {name for c in later for name in c.strings}
    if set_later - facts.chapter_strings:
        raise NotSplittable("a running string is set after the first chapter")
    if any(set_later - c.opens_with for c in later):
        raise NotSplittable("a chapter string is not set at a chapter's start")


def _declarations(content):
    return [d for d in tinycss2.parse_blocks_contents(content or [], skip_comments=True,
                                                      skip_whitespace=True)
            if d.type == "declaration"]


# ---- cutting the HTML ----------------------------------------------------------------------

def breaks_chapters(html: str) -> bool:
    """Whether the book's chapters each start a page (``Brief.breaks: chapters`` gives the
    body this class): only then can they be laid out one by one."""
    found = re.search(r'<body[^>]*\bclass="([^"]*)"', html)
    return found is not None and "breaks-chapters" in found.group(1).split()


#: Where a top-level part of the book may start: an opening tag at the start of a line with a
#: class attribute (each partial in templates/ opens so; text from briefs and the corpus is
#: escaped, so it cannot open a tag, and Markdown's raw HTML is printed as text).
_PART_START = re.compile(r'^<(?:section|nav|div|article|header)\b[^>]*\bclass="([^"]*)"', re.M)


def split(html: str, css_text: str) -> list[Chapter]:
    """The book's chapters, each as a complete HTML document with the book's ``<head>``.

    The HTML is first cut as text where the templates open a chapter; each piece is parsed
    on its own and remembered, so after an edit only the changed chapter is parsed again (a
    whole-book parse is a good part of an incremental render). A piece that does not parse
    as exactly one chapter sends the book through one whole parse instead."""
    cut = _text_cut(html)
    if cut is not None:
        prefix, parts, suffix = cut
        chapters = []
        for index, part in enumerate(parts):
            found = _split_parsed(prefix + part + suffix, css_text)
            if len(found) != 1 or (index > 0 and found[0].anchor is None):
                break
            chapters.append(replace(found[0], index=index))
        else:
            _check_strings(chapters, style_facts(css_text))
            return chapters
    return list(_split_parsed(html, css_text))


def _text_cut(html: str) -> tuple[str, list[str], str] | None:
    body = re.search(r"<body\b[^>]*>", html)
    end = html.rfind("</body>")
    if body is None or end < body.end():
        return None
    starts = [m.start() for m in _PART_START.finditer(html, body.end(), end)
              if CHAPTER_CLASS in m.group(1).split()]
    if not starts:
        return None
    if not html[body.end():starts[0]].strip():
        starts[0] = body.end()           # nothing before the first chapter: it is chapter 0
    else:
        starts.insert(0, body.end())
    bounds = starts + [end]
    parts = [html[a:b] for a, b in pairwise(bounds)]
    return html[:body.end()], parts, html[end:]


@lru_cache(maxsize=512)
def _split_parsed(html: str, css_text: str) -> tuple[Chapter, ...]:
    """``split`` by one parse of the whole document (memoised: callers pass pieces again)."""
    facts = style_facts(css_text)
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    head, body = root.find("head"), root.find("body")
    if head is None or body is None:
        raise NotSplittable("no head or body")
    groups: list[list[ET.Element]] = [[]]
    for child in list(body):
        if CHAPTER_CLASS in (child.get("class") or "").split() and groups[-1]:
            groups.append([])
        groups[-1].append(child)
    count_rules = [(name, _compiled(selector)) for name, (selector, _) in COUNTERS.items()]
    string_rules = [(name, _compiled(selector)) for selector, name in facts.string_sets]
    target_rules = [(selector, _compiled(re.sub(r"::?(after|before)$", "", selector)))
                    for selector, _ in facts.target_rules]
    chapters = []
    for index, group in enumerate(groups):
        doc = ET.Element("html", dict(root.attrib))
        doc.append(head)
        new_body = ET.SubElement(doc, "body", dict(body.attrib))
        new_body.text = body.text
        new_body.extend(group)
        counts = {name: 0 for name, _ in count_rules}
        strings: dict[str, str] = {}
        targets = []
        lead = next(iter(group[0]), None) if group else None
        opens_with: set[str] = set()
        # One walk over the chapter's elements, testing every selector (head included: it
        # matches none of them, and a counter or string there would count as in the book).
        for element in cssselect2.ElementWrapper.from_html_root(doc).iter_subtree():
            for name, matchers in count_rules:
                if _test(matchers, element):
                    counts[name] += 1
            for name, matchers in string_rules:
                if _test(matchers, element):
                    if name not in strings and element.etree_element is lead:
                        opens_with.add(name)
                    strings[name] = " ".join("".join(element.etree_element.itertext()).split())
            for selector, matchers in target_rules:
                if _test(matchers, element):
                    href = element.etree_element.get("href") or ""
                    if not href.startswith("#"):
                        raise NotSplittable(f"target-counter on {href!r}")
                    targets.append((selector, href[1:]))
        anchor = group[0].get("id") if group else None
        text = "<!DOCTYPE html>\n" + ET.tostring(doc, encoding="unicode", method="html")
        chapters.append(Chapter(index, text, anchor, counts, strings, tuple(targets),
                                frozenset(opens_with)))
    _check_strings(chapters, facts)
    return tuple(chapters)


@cache
def _compiled(selector: str):
    return tuple(cssselect2.compile_selector_list(selector))


def _test(matchers, element) -> bool:
    return any(m.test(element) for m in matchers)


def join(chapters: list[Chapter]) -> Chapter:
    """Consecutive chapters as one ``Chapter`` (laid out as one document, e.g. by one worker):
    their bodies in order, their counts added up, their strings and targets together."""
    if len(chapters) == 1:
        return chapters[0]
    first = chapters[0].html
    opening = first.index(">", first.index("<body")) + 1
    inner = [c.html[c.html.index(">", c.html.index("<body")) + 1:c.html.rindex("</body>")]
             for c in chapters]
    html = first[:opening] + "".join(inner) + first[first.rindex("</body>"):]
    counts = {name: sum(c.counts[name] for c in chapters) for name in chapters[0].counts}
    strings: dict[str, str] = {}
    for chapter in chapters:
        strings.update(chapter.strings)
    targets = tuple(t for c in chapters for t in c.targets)
    return Chapter(chapters[0].index, html, chapters[0].anchor, counts, strings, targets,
                   chapters[0].opens_with)


def place(chapters: list[Chapter], counts: list[int], total: int,
          anchor_pages: dict[str, int]) -> list[Seam]:
    """Each chapter's seam, given every chapter's page count, the book's page total and the
    page of each link target (1-based; 0 where not known yet)."""
    seams = []
    first = 1
    running = {name: 0 for name in chapters[0].counts}
    strings: dict[str, str] = {}
    for chapter, count in zip(chapters, counts, strict=True):
        seams.append(Seam(first, total, tuple(sorted(running.items())),
                          tuple(sorted(strings.items())),
                          tuple(sorted((href, anchor_pages.get(href, 0))
                                       for _, href in chapter.targets))))
        first += count
        for name, n in chapter.counts.items():
            running[name] += n
        strings.update(chapter.strings)
    return seams


# ---- the seam ------------------------------------------------------------------------------

def css_string(text: str) -> str:
    """A CSS string literal for any text (quotes, backslashes, newlines escaped)."""
    out = []
    for char in text:
        if char in '"\\' or ord(char) < 0x20 or ord(char) == 0x7f:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _substitute(content: str, seam: Seam, *, strings: bool) -> str:
    content = content.replace("counter(pages)", css_string(str(seam.total_pages)))
    if strings:
        values = dict(seam.strings)
        content = re.sub(r"string\(\s*([\w-]+)\s*\)",
                         lambda m: css_string(values.get(m.group(1), "")), content)
    return content


def seam_css(chapter: Chapter, seam: Seam, css_text: str) -> str:
    """CSS that, cascaded after the book's stylesheet, places ``chapter`` as in the whole book."""
    facts = style_facts(css_text)
    later = chapter.index > 0
    if later and facts.first_page_other:
        raise NotSplittable("@page :first sets more than margin boxes")
    rules: list[str] = []
    plain = {m.box: m.content for m in facts.margins if m.page == ""}
    for margin in facts.margins:
        if margin.page == ":first" and later:
            continue  # a later chapter's first page is an ordinary page of the book
        content = _substitute(margin.content, seam, strings=later)
        if content != margin.content:
            rules.append(f"@page {margin.page} {{ @{margin.box} {{ content: {content}; }} }}")
    if later:
        boxes = [f"@{box} {{ content: {_substitute(plain.get(box, 'none'), seam, strings=True)}; }}"
                 for box in dict.fromkeys(m.box for m in facts.margins if m.page in (":first", ""))]
        rules.append(f"@page :first {{ counter-reset: page {seam.first_page}; {' '.join(boxes)} }}")
    if seam.first_page % 2 == 0:
        # an even page is a verso: the root's break-before sets the side of the first page
        # (WeasyPrint adds no blank page for it), so :left and :right rules (a two-sided
        # book's mirrored margins) fall as in the whole book
        rules.append("html { break-before: left; }")
    resets: dict[str, list[str]] = {}
    for name, value in seam.counters:
        resets.setdefault(COUNTERS[name][1], []).append(f"{name} {value}")
    for element, items in resets.items():
        if element == "body":
            items = items + [f"{n} 0" for n, (_, scope) in COUNTERS.items()
                             if scope == "body" and n not in dict(seam.counters)]
        rules.append(f"{element} {{ counter-reset: {' '.join(items)}; }}")
    pages = dict(seam.target_pages)
    contents = dict(facts.target_rules)
    for selector, href in chapter.targets:
        base = re.sub(r"(::?(?:after|before))$", "", selector)
        pseudo = selector[len(base):]
        if href not in pages:
            raise NotSplittable(f"no page known for #{href}")
        found = TARGET_CONTENT.fullmatch(contents[selector])
        leader = 'leader(".") ' if found and found.group(1) else ""
        rules.append(f'{base}[href={css_string("#" + href)}]{pseudo} '
                     f'{{ content: {leader}{css_string(str(pages[href]))}; }}')
    return "\n".join(rules) + "\n"
