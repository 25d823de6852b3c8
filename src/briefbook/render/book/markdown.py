"""Commentary in a small Markdown subset, typeset like the rest of the book.

Takes: the analyst's commentary (untrusted text). Gives: escaped HTML (``Markup``) with
paragraphs, bullet and numbered lists, emphasis (``*…*``, ``**…**``) and links, which print
their text followed by their address (``文字（https://…）``) so a reader on paper has it.

Parsed by markdown-it-py's "zero" preset with only these rules enabled; raw HTML is off, so
``<b>`` or ``<img …>`` in a brief stays visible text. Every text node goes through
``typeset`` (Han–Latin spacing, paired punctuation, dates kept whole), and the last text of
each paragraph or list item binds its last two characters (no 孤字). A soft line break
between Chinese characters joins them (YAML block scalars wrap lines), between Latin words it
is a space. A paragraph that ends with a colon and introduces a list (…如下：) has the class
``lead-in``: book.css keeps it on the page of what it introduces.
"""

from __future__ import annotations

from functools import cache

from markupsafe import Markup, escape

from briefbook.core.chars import FULL_WIDTH_CHAR
from briefbook.render.book.typeset import typeset, url

#: Markdown constructs the commentary may use (markdown-it rule names).
RULES = ["list", "emphasis", "link", "newline"]
TAGS = {"em_open": "<em>", "em_close": "</em>", "strong_open": "<strong>",
        "strong_close": "</strong>", "list_item_open": "<li>", "list_item_close": "</li>",
        "bullet_list_open": '<ul class="bullets">', "bullet_list_close": "</ul>",
        "ordered_list_close": "</ol>"}


@cache
def _parser():
    # imported here: markdown-it costs ~0.3 s at start-up, and only a brief with commentary
    # needs it
    from markdown_it import MarkdownIt

    return MarkdownIt("zero", {"html": False}).enable(RULES)


def commentary(text: str | None) -> Markup:
    """The commentary as HTML blocks (``<p>``, ``<ul>``, ``<ol>``)."""
    if not text:
        return Markup("")
    out: list[str] = []
    tokens = _parser().parse(text)
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open":
            out.append("" if token.hidden else
                       '<p class="lead-in">' if _introduces(tokens, index) else "<p>")
        elif token.type == "paragraph_close":
            out.append("" if token.hidden else "</p>")
        elif token.type == "ordered_list_open":
            start = token.attrGet("start")
            out.append(f'<ol class="numbered" start="{int(start)}">' if start else
                       '<ol class="numbered">')
        elif token.type == "inline":
            out.append(_inline(token.children or []))
        else:
            out.append(TAGS.get(token.type, ""))
    return Markup("".join(out))


def _introduces(tokens, index: int) -> bool:
    """Whether the paragraph opening at ``index`` introduces what follows it: it ends with a
    colon (…如下：) and a block follows. book.css keeps it on the page of that block."""
    inline = tokens[index + 1] if index + 1 < len(tokens) else None
    after = tokens[index + 3] if index + 3 < len(tokens) else None
    return (inline is not None and inline.content.rstrip().endswith(("：", ":"))
            and after is not None)


def _inline(children) -> str:
    """One paragraph's inline tokens; the last text node is set with ``end=True``."""
    last_text = max((i for i, t in enumerate(children) if t.type == "text" and t.content),
                    default=-1)
    out: list[str] = []
    href, label = None, []
    for i, token in enumerate(children):
        kind = token.type
        if kind == "text":
            out.append(str(typeset(token.content, end=i == last_text)))
            label.append(token.content)
        elif kind == "softbreak":
            out.append("" if _joins_cjk(children, i) else " ")
        elif kind == "hardbreak":
            out.append("<br>")
        elif kind == "link_open":
            href, label = str(token.attrGet("href") or ""), []
            out.append('<span class="link">')
        elif kind == "link_close":
            out.append("</span>")
            if href and href != "".join(label):
                out.append(f"（{url(href)}）")
            href = None
        else:
            out.append(TAGS.get(kind, str(escape(token.content))))
    return "".join(out)


def _joins_cjk(children, i: int) -> bool:
    before = children[i - 1].content[-1:] if i > 0 else ""
    after = children[i + 1].content[:1] if i + 1 < len(children) else ""
    return bool(FULL_WIDTH_CHAR.match(before) or FULL_WIDTH_CHAR.match(after))
