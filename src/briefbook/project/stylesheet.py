"""Checking a project's own stylesheet before WeasyPrint sees it.

Takes: the stylesheet path named in ``briefbook.yaml`` and the project root.
Gives: nothing, or one ``BriefbookErrors`` naming file:line:column of each problem: the file
must lie inside the project (no ``..``, no symlink out), be UTF-8 and at most
``MAX_STYLESHEET_BYTES``; ``@import`` is refused (every rule must be in this one file, where it
is checked); ``url(...)`` may only name files inside the project folder; ``local(...)``
(a system font) is refused, so a book never depends on the machine's fonts; a font an
``@font-face`` rule loads must not be a CID-keyed CFF font whose CIDs differ from its glyph ids
(``briefbook.core.fonts.cid_mismatches``): WeasyPrint writes glyph ids where the PDF standard reads
CIDs, so MuPDF, pdf.js and Ghostscript would draw wrong glyphs or none. This is the one place
the render learns the project's fonts, before any layout (the project is loaded first).
The render's URL fetcher enforces the same confinement a second time.

Values are bounded too, at file:line:column, because WeasyPrint and Pango fail on values far
outside a page (Pango keeps sizes as 32-bit counts of 1/1024 pt, so 2,097,152 pt overflows:
``font-size: 1e9px`` was an ``OverflowError``, ``3e6px`` a ``ZeroDivisionError``,
``letter-spacing``/``word-spacing``/``text-indent: 1e9px`` ``OverflowError``s, ``@page { size:
1e300px }`` a PDF without pages) or spend unbounded time on them (a 0.01pt font fills each
contents leader with millions of dots: over 300 s and 2 GB):

- a length is at most ``MAX_LENGTH_PT`` = 14,400pt (200 in, 5.08 m: the largest page a PDF may
  have, ISO 32000-1 annex C), an em counting as the largest font (so at most 48em); the book's
  HTML nests about 30 deep (markdown-it nests 20 at most), so even margins added up stay far
  below Pango's limit. Percentages and page units are at most ``MAX_PERCENT``, a plain number
  (a counter, a scale, a z-index) at most ``MAX_NUMBER``;
- ``font-size`` is 0, a keyword, ``MIN_FONT_PT``–``MAX_FONT_PT`` (4–300pt: below 4pt no print
  is legible, a 300-pt glyph is 10.6 cm tall) or ``MIN_FONT_REM``–``MAX_FONT_REM`` rem (of a
  root that is itself at most 300pt). ``em``, ``%``, ``larger`` and the like are refused,
  because nested elements multiply them (0.5em eleven levels deep is 0.005pt, 2em is 2,048 times
  the size), and so are ``calc()`` and the math functions, whose result can't be told;
- ``letter-spacing`` and ``word-spacing`` lie within ``MIN_SPACING``…``MAX_FONT_PT`` (or 2em):
  a negative spacing that cancels a glyph's width is another leader of millions;
- ``line-height`` is at most ``MAX_LINE_HEIGHT`` times the font size;
- every ``@page`` rule keeps a text area of at least ``MIN_PAGE_AREA_MM`` (90 × 120 mm, about
  half of A5's) on each page size it may apply to: a 40 × 40 mm area took the example book
  from 19 s to 224 s, a 10 × 17 mm one over 400 s;
- ``calc()``, ``min()``, ``pow()``… are bounded by interval arithmetic in each unit family (a
  sum adds bounds, a product multiplies them, a divisor must be a known non-zero number),
  ``var()`` by every definition of its custom property (one stands for at most
  ``MAX_VAR_TOKENS`` tokens, ``MAX_VAR_DEPTH`` deep); ``attr()`` is text, allowed in
  ``content`` only;
- blocks and functions nest at most ``MAX_CSS_DEPTH`` deep (tinycss2 serialises by recursion),
  and a nested rule's selector expands to at most ``MAX_SELECTOR_TOKENS`` tokens (each ``&``
  copies its parent's: eight levels of ``a, b { & a, & b {`` took WeasyPrint 54 s to parse).

Generated content (``::before``/``::after``/``::marker`` text, list markers) bypasses the
book's text budget (``brief.check.MAX_BOOK_TEXT_CHARS``): 2,000 generated characters after
every element of a one-page sheet ran past 200 s (100 took 29 s; laying out a long unbroken run
of Han in a flex or table cell is quadratic). So one ``content`` value is at most
``MAX_CONTENT_CHARS`` characters (a counter counts ``COUNTER_CHARS``, a leader
``LEADER_CHARS``); ``target-text()`` is refused (it copies a whole element's text); a project
``@counter-style`` whose system repeats symbols (symbolic, additive, extends) needs a finite
``range`` up to ``MAX_COUNTER_RANGE``, and its longest text, like its ``pad``, is at most
``MAX_COUNTER_CHARS``. Then, before a book is laid out, ``GeneratedText.check`` counts what the
stylesheet's generated content adds to that book — each element it matches, at least one
character each — and refuses more than ``MAX_GENERATED_CHARS`` (about 3 % of the book's text
budget) at the declaration that adds the most.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import cssselect2
import tinycss2

from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.fonts import cid_mismatches

MAX_STYLESHEET_BYTES = 1_000_000
MAX_PROBLEMS_SHOWN = 20

#: points per unit (CSS 1in = 72pt = 96px)
MM = 72 / 25.4
PT_PER_UNIT = {"pt": 1.0, "px": 0.75, "pc": 12.0, "in": 72.0, "cm": 10 * MM, "mm": MM,
               "q": MM / 4}
MAX_LENGTH_PT = 14_400.0
MAX_FONT_PT = 300.0
MIN_FONT_PT = 4.0
MIN_FONT_REM, MAX_FONT_REM = 0.25, 1.0
MAX_PERCENT = 1_000.0
MAX_NUMBER = 1_000_000.0
MAX_LINE_HEIGHT = 10.0
MAX_SPACING_EM = 2.0
#: the most negative letter- or word-spacing: (pt, em)
MIN_SPACING = (0.5, 0.05)
MIN_PAGE_AREA_MM = (90.0, 120.0)
MAX_CONTENT_CHARS = 200
MAX_GENERATED_CHARS = 2_000
MAX_COUNTER_CHARS = 32
MAX_COUNTER_RANGE = 20_000
COUNTER_CHARS = 16
LEADER_CHARS = 100
#: how deep blocks, functions and rules may nest in the stylesheet
MAX_CSS_DEPTH = 32
#: how many tokens a nested rule's selector may expand to (CSS nesting copies the parent's)
MAX_SELECTOR_TOKENS = 1_000
#: how many steps (a function, a var(), an operand) an evaluation may take inward
MAX_NESTING = 150
#: how many tokens a custom property may stand for, its nested var() substituted, and how
#: deep var() may refer to var()
MAX_VAR_TOKENS = 200
MAX_VAR_DEPTH = 16

FONT_UNITS = {"em", "ex", "cap", "ch", "ic", "lh"}
ROOT_UNITS = {"rem", "rex", "rcap", "rch", "ric", "rlh"}
PAGE_UNITS = {f"{prefix}{axis}" for prefix in ("", "l", "s", "d", "p")
              for axis in ("vw", "vh", "vi", "vb", "vmin", "vmax")}
GENERATING_PSEUDOS = {"before", "after", "marker", "footnote-call", "footnote-marker"}
SPACING_PROPERTIES = {"letter-spacing", "word-spacing"}


@dataclass(frozen=True)
class PaperDesign:
    """One paper as templates/book.css designs it: the page, the body type, and a measure of
    a whole number of body characters, centred (a two-sided book moves it by half the gutter
    towards the outer edge)."""

    size_mm: tuple[float, float]
    top_mm: float
    bottom_mm: float
    body_pt: float
    measure_chars: int
    gutter_mm: float
    h1_pt: float
    h2_pt: float
    table_pt: float

    @property
    def measure_mm(self) -> float:
        return self.measure_chars * self.body_pt / MM

    @property
    def side_mm(self) -> float:
        """Each side margin of a one-sided page (a two-sided one: ± half the gutter)."""
        return (self.size_mm[0] - self.measure_mm) / 2


#: each paper's design, as book.css sets it ("page" and "papers: type"); B5 is ISO B5, 16K is
#: 正16开
BOOK_TYPE = {
    "A4": PaperDesign((210, 297), 24, 22, 10.5, 44, 6, 16, 12.5, 8.5),
    "A5": PaperDesign((148, 210), 20, 18, 10, 32, 5, 14, 11.5, 8),
    "B5": PaperDesign((176, 250), 22, 20, 10, 38, 5, 14.5, 11.5, 8),
    "16K": PaperDesign((185, 260), 22, 20, 10.5, 38, 5, 15, 12, 8.5),
    "letter": PaperDesign((215.9, 279.4), 24, 22, 10.5, 44, 6, 16, 12.5, 8.5),
}
#: the book's own pages (templates/book.css): size in mm and a one-sided page's margins (top,
#: right, bottom, left)
BOOK_PAGES = {name: (paper.size_mm, (paper.top_mm, round(paper.side_mm, 3), paper.bottom_mm,
                                     round(paper.side_mm, 3)))
              for name, paper in BOOK_TYPE.items()}
PAGE_SIZES_MM = {
    **{f"a{n}": (round(1000 / 2 ** ((n + 0.5) / 2)), round(1000 / 2 ** ((n - 0.5) / 2)))
       for n in range(11)},
    "a5": (148, 210), "a4": (210, 297), "a3": (297, 420), "b5": (176, 250), "b4": (250, 353),
    "jis-b5": (182, 257), "jis-b4": (257, 364), "letter": (215.9, 279.4),
    "legal": (215.9, 355.6), "ledger": (279.4, 431.8),
}


def check_stylesheet(path: Path, root: Path, *, where: str) -> str:
    """Return the stylesheet's text after checking it; raise on any problem."""
    root = Path(root).resolve()
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(root):
        raise BriefbookError(f"stylesheet {path} is outside the project folder", where=where,
                             hint="keep the stylesheet inside the project, e.g. styles/book.css")
    if not resolved.is_file():
        raise BriefbookError(f"stylesheet not found: {path}", where=where,
                             hint="fix the `stylesheet:` path (relative to the project folder)")
    if resolved.stat().st_size > MAX_STYLESHEET_BYTES:
        raise BriefbookError(f"the stylesheet is larger than {MAX_STYLESHEET_BYTES:,} bytes",
                             where=str(path))
    try:
        text = resolved.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BriefbookError("the stylesheet is not UTF-8 text", where=str(path)) from None
    problems = [BriefbookError(message, where=f"{path}:{line}:{column}", hint=hint)
                for line, column, message, hint in _problems(text, resolved.parent, root)]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        more = len(problems) - MAX_PROBLEMS_SHOWN
        problems = [*problems[:MAX_PROBLEMS_SHOWN],
                    BriefbookError(f"… and {more:,} more problem(s)", where=str(path))]
    if problems:
        raise BriefbookErrors(problems)
    return text


def _problems(text: str, base: Path, root: Path):
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    deep = _too_deep(rules)
    if deep is not None:  # every later step (and WeasyPrint) recurses through the nesting
        yield (*deep, f"blocks, functions or rules nest more than {MAX_CSS_DEPTH} deep",
               "flatten the nesting")
        return
    yield from _walk(rules, base, root)
    yield from _nesting_problems(rules)
    yield from _value_problems(rules)


def _too_deep(rules: list) -> tuple[int, int] | None:
    """Where the stylesheet first nests deeper than ``MAX_CSS_DEPTH`` (walked without
    recursion: tinycss2 parses any depth, but serialising 500 levels is a RecursionError)."""
    stack = [(node, 1) for node in rules]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_CSS_DEPTH:
            return node.source_line, node.source_column
        for attr in ("prelude", "content", "arguments"):
            children = getattr(node, attr, None)
            if isinstance(children, list):
                stack.extend((child, depth + 1) for child in children)
    return None


def _walk(nodes, base: Path, root: Path, font_face: bool = False):
    """``font_face``: inside an ``@font-face`` rule, where a url() names a font file."""
    for node in nodes or ():
        kind = getattr(node, "type", None)
        if kind == "error":
            yield (node.source_line, node.source_column, f"CSS syntax error: {node.message}",
                   None)
        elif kind == "at-rule" and node.lower_at_keyword == "import":
            yield (node.source_line, node.source_column, "@import is not allowed",
                   "put the rules into this stylesheet itself")
        elif kind == "at-rule" and node.lower_at_keyword == "font-face":
            yield from _walk(node.content, base, root, font_face=True)
        elif kind == "url":
            yield from _check_url(node, node.value, base, root, font_face)
        elif kind == "function" and node.lower_name == "url":
            strings = [a.value for a in node.arguments if getattr(a, "type", None) == "string"]
            yield from _check_url(node, strings[0] if strings else "", base, root, font_face)
        elif kind == "function" and node.lower_name == "local":
            yield (node.source_line, node.source_column,
                   "local() fonts are not allowed (they depend on the machine)",
                   "bundle the font file in the project and use url()")
        else:
            for attr in ("prelude", "content", "arguments"):
                children = getattr(node, attr, None)
                if isinstance(children, list):
                    yield from _walk(children, base, root, font_face)


def _check_url(node, url: str, base: Path, root: Path,
               font_face: bool = False):
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        yield (node.source_line, node.source_column,
               f"url({url}) points outside the project folder",
               "use a path relative to the stylesheet, to a file inside the project")
        return
    target = (base / unquote(parts.path)).resolve()
    if not target.is_relative_to(root):
        yield (node.source_line, node.source_column,
               f"url({url}) points outside the project folder",
               "use a path relative to the stylesheet, to a file inside the project")
    elif font_face and target.is_file():
        yield from _check_font(node, url, target)


def _check_font(node, url: str, font: Path):
    """A font whose CIDs are not its glyph ids prints right in pdfium and Poppler only."""
    try:
        mismatched = cid_mismatches(font)
    except Exception:  # not a font fontTools reads: WeasyPrint says so at render
        return
    if mismatched:
        fixed = font.with_name(f"{font.stem}-fixed{font.suffix}")
        yield (node.source_line, node.source_column,
               f"url({url}): the font {_shown_path(font)} is a CID-keyed CFF font whose CIDs "
               f"differ from its glyph ids ({mismatched:,} glyphs): MuPDF, pdf.js and "
               "Ghostscript would draw wrong glyphs",
               f"re-save it with CIDs equal to glyph ids — briefbook font fix "
               f"{_shown_path(font)} {_shown_path(fixed)} — and point the url() at the new file")


def _shown_path(path: Path) -> str:
    """``path`` relative to the current folder when inside it (what a user types), else whole."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---- the stylesheet's rules and declarations -----------------------------------------------

@dataclass
class Declaration:
    """One declaration and where it stands: ``selectors`` is the rule's prelude (tokens, with
    CSS nesting resolved as WeasyPrint does), ``context`` one of "style", "page", "margin"
    (a page-margin box), "counter-style", "font-face"."""

    node: tinycss2.ast.Declaration
    context: str
    selectors: list = field(default_factory=list)
    at_rule: tinycss2.ast.AtRule | None = None

    @property
    def name(self) -> str:
        return self.node.name if self.node.name.startswith("--") else self.node.lower_name

    @property
    def value(self) -> list:
        return [t for t in self.node.value if t.type not in ("whitespace", "comment")]

    @property
    def text(self) -> str:
        """The declaration as written, cut at 80 characters (it is quoted in messages)."""
        text = f"{self.node.name}: {tinycss2.serialize(self.node.value).strip()}"
        return text if len(text) <= 80 else text[:79] + "…"


def _contents(block) -> list:
    return tinycss2.parse_blocks_contents(block or [], skip_comments=True, skip_whitespace=True)


def declarations(rules: Iterable) -> Iterator[Declaration]:
    """Every declaration of the stylesheet's ``rules`` (from ``tinycss2.parse_stylesheet``)."""
    for rule in rules:
        kind = getattr(rule, "type", None)
        if kind == "qualified-rule":
            yield from _style_declarations(_contents(rule.content), list(rule.prelude))
        elif kind == "at-rule" and rule.content is not None:
            keyword = rule.lower_at_keyword
            if keyword == "page":
                for node in _contents(rule.content):
                    if node.type == "declaration":
                        yield Declaration(node, "page", at_rule=rule)
                    elif node.type == "at-rule":
                        for inner in _contents(node.content):
                            if inner.type == "declaration":
                                yield Declaration(inner, "margin", at_rule=node)
            elif keyword in ("counter-style", "font-face"):
                for node in _contents(rule.content):
                    if node.type == "declaration":
                        yield Declaration(node, keyword, at_rule=rule)
            else:  # @media, @supports, @layer…: rules inside
                yield from declarations(tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True))


def _style_declarations(nodes: list, prelude: list) -> Iterator[Declaration]:
    for node in nodes:
        if node.type == "declaration":
            yield Declaration(node, "style", prelude)
        elif node.type == "qualified-rule":  # CSS nesting: `&` is the parent, else a descendant
            parent = [tinycss2.ast.LiteralToken(1, 1, ":"),
                      tinycss2.ast.FunctionBlock(1, 1, "is", prelude)]
            nested: list = []
            for group in _split(list(node.prelude), ","):
                if nested:
                    nested.append(tinycss2.ast.LiteralToken(1, 1, ","))
                if any(t.type == "literal" and t.value == "&" for t in group):
                    for token in group:
                        nested.extend(parent if token.type == "literal" and token.value == "&"
                                      else [token])
                else:
                    nested.extend([*parent, tinycss2.ast.WhitespaceToken(1, 1, " "), *group])
            yield from _style_declarations(_contents(node.content), nested)


def _nesting_problems(rules: Iterable, depth: int = 0) -> Iterator[tuple[int, int, str, str]]:
    """CSS nesting copies the parent's selector into each nested one (``:is(parent)``, once per
    ``&``), so nested rules multiply: ``a, b { & a, & b { … } }`` eight deep kept WeasyPrint
    parsing for 54 s. Each nested rule's selector, counted as WeasyPrint builds it, is at most
    ``MAX_SELECTOR_TOKENS`` tokens."""
    for rule in rules:
        kind = getattr(rule, "type", None)
        if kind == "qualified-rule":
            yield from _nested_rules(rule, _selector_size(rule.prelude))
        elif kind == "at-rule" and rule.content is not None and depth < MAX_CSS_DEPTH and \
                rule.lower_at_keyword not in ("page", "font-face", "counter-style"):
            yield from _nesting_problems(tinycss2.parse_rule_list(
                rule.content, skip_comments=True, skip_whitespace=True), depth + 1)


def _nested_rules(rule, size: int) -> Iterator[tuple[int, int, str, str]]:
    for node in _contents(rule.content):
        if node.type != "qualified-rule":
            continue
        prelude = list(node.prelude)
        own = _selector_size(prelude)
        ampersands = sum(1 for t in prelude if t.type == "literal" and t.value == "&")
        nested = 0
        for group in _split(prelude, ","):
            if any(t.type == "literal" and t.value == "&" for t in group):
                nested += own + ampersands * (1 + size) + 1  # WeasyPrint copies every group
            else:
                nested += 3 + size + _selector_size(group) + 1
        if nested > MAX_SELECTOR_TOKENS:
            yield (node.source_line, node.source_column,
                   f"this nested rule's selector expands to {nested:,} tokens (each `&` "
                   f"copies the selector around it); the limit is {MAX_SELECTOR_TOKENS:,}",
                   "write the selector out in a rule of its own, without nesting")
            continue
        yield from _nested_rules(node, nested)


def _selector_size(tokens: Iterable) -> int:
    size = 0
    for token in tokens:
        size += 1
        if token.type == "function":
            size += _selector_size(token.arguments)
        elif token.type.endswith("block"):
            size += _selector_size(token.content)
    return size


def _split(tokens: Sequence, separator: str) -> list[list]:
    groups: list[list] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == separator:
            groups.append([])
        else:
            groups[-1].append(token)
    return groups


def _arguments(function) -> list[list]:
    """A function's comma-separated arguments, whitespace dropped."""
    return [[t for t in group if t.type not in ("whitespace", "comment")]
            for group in _split(function.arguments, ",")]


# ---- bounds on values ------------------------------------------------------------------------

@dataclass(frozen=True)
class Bound:
    """Upper bounds of a value's magnitude in each unit family. A valid calc() is linear in
    each family (a length times a length is not CSS), so families are bounded separately:
    ``pt`` absolute lengths in points, ``font`` em-like units, ``root`` rem-like units, ``page``
    percentages and page units (in percent), ``number`` plain numbers, ``other`` angles,
    times and resolutions; ``exact`` is a plain number's value when it is known."""

    pt: float = 0.0
    font: float = 0.0
    root: float = 0.0
    page: float = 0.0
    number: float = 0.0
    other: float = 0.0
    exact: float | None = None

    @property
    def is_number(self) -> bool:
        return not (self.pt or self.font or self.root or self.page or self.other)

    def scaled(self, factor: float) -> Bound:
        k = _magnitude(factor)
        families = {f.name: _magnitude(getattr(self, f.name) * k) if k else 0.0
                    for f in fields(self)[:-1]}
        return Bound(**families, exact=None if self.exact is None else self.exact * factor)

    def __add__(self, other: Bound) -> Bound:
        exact = (self.exact + other.exact
                 if self.exact is not None and other.exact is not None else None)
        families = {f.name: getattr(self, f.name) + getattr(other, f.name)
                    for f in fields(self)[:-1]}
        return Bound(**families, exact=exact)

    def widest(self, other: Bound) -> Bound:
        return Bound(*(max(getattr(self, f.name), getattr(other, f.name))
                       for f in fields(self)[:-1]))


ZERO = Bound(exact=0.0)
TOO_MANY = 10 ** 9
UNBOUNDED = Bound(*(math.inf,) * 6)


def _magnitude(value: float) -> float:
    return math.inf if value != value else abs(value)  # NaN is unbounded


def _number(value: float) -> Bound:
    if value != value or math.isinf(value):
        return UNBOUNDED
    return Bound(number=abs(value), exact=value)


class Values:
    """Evaluates the bounds of values, knowing every custom property's definitions."""

    def __init__(self, decls: list[Declaration]):
        self.custom: dict[str, list[list]] = {}
        #: each custom property's first declaration (where a problem with it is reported)
        self.decls: list[Declaration] = []
        for decl in decls:
            if decl.name.startswith("--") and decl.context == "style":
                if decl.name not in self.custom:
                    self.decls.append(decl)
                self.custom.setdefault(decl.name, []).append(list(decl.node.value))
        self._seen: list[str] = []
        self._sizes: dict[str, int] = {}
        self._depth = 0

    # -- top level: each component value on its own -----------------------------------------
    def components(self, tokens: Iterable, depth: int = 0) -> Iterator[Bound]:
        """The bound of each independent component of a value (arguments of functions that
        are not math functions, e.g. translate(), are components of their own)."""
        if depth > MAX_NESTING:
            yield UNBOUNDED
            return
        for token in tokens:
            kind = token.type
            if kind in ("whitespace", "comment"):
                continue
            if kind == "function" and token.lower_name == "var":
                for bounds in self.each(token, lambda d: list(self.components(d, depth + 1))):
                    yield from bounds
            elif kind == "function" and token.lower_name in MATH_FUNCTIONS:
                yield self.math(token, depth + 1)
            elif kind == "function" and token.lower_name == "attr":
                yield UNBOUNDED  # the book's data, as a number (here through a var())
            elif kind == "function":
                yield from self.components(token.arguments, depth + 1)
            elif kind in ("() block", "[] block", "{} block"):
                yield from self.components(token.content, depth + 1)
            else:
                yield self.leaf(token)

    def each(self, var, evaluate):
        """``evaluate`` applied to what a ``var(--name, fallback)`` may stand for: the fallback
        and every definition of ``--name`` — unless ``--name`` is already being evaluated (a
        definition that refers back to itself has no value in CSS) or stands for more than
        ``MAX_VAR_TOKENS`` tokens (refused on its own, by ``problems``)."""
        name, fallback = _var_parts(var)
        alternatives = [fallback] if fallback else []
        if name not in self._seen and self.size(name) <= MAX_VAR_TOKENS:
            alternatives += self.custom.get(name, [])
        self._seen.append(name)
        try:
            return [evaluate(alternative) for alternative in alternatives]
        finally:
            self._seen.pop()

    def size(self, name: str) -> int:
        """How many tokens ``var(name)`` stands for, every definition and var() inside them
        counted (a definition that refers back to a property it is inside counts nothing)."""
        if name not in self._sizes:
            if self._depth >= MAX_VAR_DEPTH:
                return TOO_MANY
            self._sizes[name] = 0  # while counting: a cycle adds nothing
            self._depth += 1
            try:
                total = sum(_token_count(d, self) for d in self.custom.get(name, []))
            finally:
                self._depth -= 1
            self._sizes[name] = min(total, TOO_MANY)
        return self._sizes[name]

    def problems(self) -> Iterator[tuple[int, int, str, str | None]]:
        for decl in self.decls:
            if self.size(decl.name) > MAX_VAR_TOKENS:
                node = decl.node
                size = self.size(decl.name)
                yield (node.source_line, node.source_column,
                       f"custom property {decl.name} " + (
                           f"stands for {size:,} tokens once its var() are substituted"
                           if size < TOO_MANY else
                           f"refers through var() more than {MAX_VAR_DEPTH} deep")
                       + f"; the limit is {MAX_VAR_TOKENS} tokens, {MAX_VAR_DEPTH} deep",
                       "nested var() multiply: define the value directly")

    def leaf(self, token) -> Bound:
        kind = token.type
        if kind == "number":
            return _number(token.value)
        if kind == "percentage":
            return Bound(page=_magnitude(token.value))
        if kind == "dimension":
            unit, value = token.lower_unit, _magnitude(token.value)
            if unit in PT_PER_UNIT:
                return Bound(pt=value * PT_PER_UNIT[unit])
            if unit in FONT_UNITS:
                return Bound(font=value)
            if unit in ROOT_UNITS:
                return Bound(root=value)
            if unit in PAGE_UNITS:
                return Bound(page=value)
            return Bound(other=value)
        if kind == "ident":
            name = token.lower_value
            if name in ("infinity", "-infinity", "nan"):
                return UNBOUNDED
            return {"e": _number(math.e), "pi": _number(math.pi)}.get(name, ZERO)
        return ZERO

    # -- inside math functions ------------------------------------------------------------
    def math(self, function, depth: int) -> Bound:
        name = function.lower_name
        bounds = [self.expression(a, depth + 1) for a in _split(function.arguments, ",")]
        args = [a for a in bounds if a is not None]
        if not args:
            return ZERO
        exact = [a.exact for a in args]
        values = [e for e in exact if e is not None]
        known = len(values) == len(exact)
        if name == "calc":
            return args[0]
        if name in ("min", "max", "clamp", "mod", "rem"):
            widest = args[0]
            for arg in args[1:]:
                widest = widest.widest(arg)
            if known and name in ("min", "max", "clamp"):
                value = {"min": min, "max": max}.get(name, lambda *v: max(v[0], min(v[1], v[2])))(
                    *values) if name != "clamp" or len(values) == 3 else None
                return widest if value is None else replace(widest, exact=value)
            return widest
        if name in ("round", "hypot"):
            total = args[0]
            for arg in args[1:]:
                total = total + arg
            return replace(total, exact=None)
        if name == "abs":
            return replace(args[0], exact=None if exact[0] is None else abs(exact[0]))
        if name == "sign":
            return Bound(number=1.0)
        if name in ("sin", "cos"):
            return Bound(number=1.0)
        if name in ("asin", "acos", "atan", "atan2"):
            return Bound(other=math.pi)
        if name in ("tan", "pow", "sqrt", "exp", "log") and known:
            function_of: dict[str, Callable[..., float]] = {
                "tan": math.tan, "pow": math.pow, "sqrt": math.sqrt, "exp": math.exp,
                "log": lambda x, b=math.e: math.log(x, b)}
            try:
                return _number(function_of[name](*values))
            except (ArithmeticError, ValueError, TypeError):
                return UNBOUNDED
        return UNBOUNDED

    def expression(self, tokens: list, depth: int) -> Bound | None:
        """The bound of a calc() expression: sums of products."""
        if depth > MAX_NESTING:
            return UNBOUNDED
        items = [t for t in tokens if t.type not in ("whitespace", "comment")]
        if not items:
            return None
        total: Bound | None = None
        product: Bound | None = None
        operator: str | None = None
        negative = False
        for token in items:
            if token.type == "literal" and token.value in "+-*/":
                operator = token.value
                if operator in "+-" and product is not None:
                    total = product if total is None else total + product
                    product = None
                    negative = operator == "-"
                continue
            value = self.operand(token, depth + 1)
            if product is None:
                product = value.scaled(-1) if negative else value
            elif operator == "*":
                product = _times(product, value)
            elif operator == "/":
                product = _divided(product, value)
            else:  # two operands side by side (not valid CSS): bounded as a sum
                total = product if total is None else total + product
                product = value
            operator = None
        if product is not None:
            total = product if total is None else total + product
        return total

    def operand(self, token, depth: int) -> Bound:
        if token.type == "() block":
            return self.expression(token.content, depth + 1) or ZERO
        if token.type == "function" and token.lower_name == "var":
            bound: Bound | None = None
            for value in self.each(token, lambda d: self.expression(d, depth + 1) or ZERO):
                bound = value if bound is None else bound.widest(value)
            return bound or ZERO
        if token.type == "function" and token.lower_name in MATH_FUNCTIONS:
            return self.math(token, depth + 1)
        if token.type == "function":
            return UNBOUNDED  # attr() or an unknown function: nothing to bound it by
        return self.leaf(token)


def _var_parts(var) -> tuple[str, list]:
    """A var()'s custom property name and its fallback tokens."""
    arguments = _split(var.arguments, ",")
    name = "".join(t.value for t in arguments[0] if t.type == "ident")
    fallback = [t for group in arguments[1:] for t in group]
    return name, fallback


def _token_count(tokens: Iterable, values: Values) -> int:
    count = 0
    for token in tokens:
        if token.type in ("whitespace", "comment"):
            continue
        count += 1
        if token.type == "function" and token.lower_name == "var":
            name, fallback = _var_parts(token)
            count += values.size(name) + _token_count(fallback, values)
        elif token.type == "function":
            count += _token_count(token.arguments, values)
        elif token.type.endswith("block"):
            count += _token_count(token.content, values)
    return count


MATH_FUNCTIONS = {"calc", "min", "max", "clamp", "round", "mod", "rem", "sin", "cos", "tan",
                  "asin", "acos", "atan", "atan2", "pow", "sqrt", "hypot", "log", "exp", "abs",
                  "sign"}


def _times(a: Bound, b: Bound) -> Bound:
    if a.is_number and a.exact is not None:
        return b.scaled(a.exact)
    if b.is_number and b.exact is not None:
        return a.scaled(b.exact)
    if a.is_number:
        return b.scaled(a.number)
    if b.is_number:
        return a.scaled(b.number)
    return UNBOUNDED


def _divided(a: Bound, b: Bound) -> Bound:
    if b.is_number and b.exact:
        return a.scaled(1 / b.exact)
    return UNBOUNDED  # a divisor that may be zero, or is not a known number


def _pt(value: float) -> str:
    return f"{value:,.4g}pt"


def _length_problem(bound: Bound) -> str | None:
    """What is wrong with a bound in an ordinary property (a length, number or percentage)."""
    if any(math.isinf(getattr(bound, f.name)) for f in fields(bound)[:-1]):
        return ("its size can't be bounded from the stylesheet (it takes infinity, a division "
                "by what may be 0, attr() or a math function of unknown values)")
    worst = bound.pt + (bound.font + bound.root) * MAX_FONT_PT
    if worst > MAX_LENGTH_PT:
        return (f"a length here reaches {_pt(worst)}; the limit is {MAX_LENGTH_PT:,.0f}pt "
                f"(200 in, the largest PDF page), and an em counts as the largest font, "
                f"{MAX_FONT_PT:.0f}pt (so at most {MAX_LENGTH_PT / MAX_FONT_PT:g}em)")
    if bound.page > MAX_PERCENT:
        return (f"a percentage or page unit here can reach {bound.page:,.6g}; "
                f"the limit is {MAX_PERCENT:,.0f}")
    if bound.number > MAX_NUMBER:
        return f"a number here can reach {bound.number:,.6g}; the limit is {MAX_NUMBER:,.0f}"
    return None


def _line_height_problem(bound: Bound) -> str | None:
    if bound.number + bound.font + bound.page / 100 > MAX_LINE_HEIGHT:
        return (f"a line height is at most {MAX_LINE_HEIGHT:g} times the font size "
                f"({MAX_LINE_HEIGHT:g}, {MAX_LINE_HEIGHT:g}em or {MAX_LINE_HEIGHT * 100:g}%)")
    return _length_problem(replace(bound, number=0.0, font=0.0, page=0.0))


def _through_vars(tokens: Iterable, values: Values, token_problems, *,
                  skip: tuple[str, ...] = ("whitespace", "comment"),
                  depth: int = 0) -> Iterator[str]:
    """``token_problems(token)`` for each token of a value, every ``var()`` followed into each
    of its definitions (at most ``MAX_NESTING`` deep)."""
    for token in tokens:
        if token.type in skip:
            continue
        if depth > MAX_NESTING:
            yield "var() nests too deep"
            return
        if token.type == "function" and token.lower_name == "var":
            for problems in values.each(token, lambda d: list(_through_vars(
                    d, values, token_problems, skip=skip, depth=depth + 1))):
                yield from problems
        else:
            yield from token_problems(token)


def _font_size_problems(tokens: Iterable, values: Values) -> Iterator[str]:
    return _through_vars(tokens, values, _font_size_token,
                         skip=("whitespace", "comment", "string"))


def _font_size_token(token) -> Iterator[str]:
    kind = token.type
    if kind == "function":
        yield (f"{token.name}() in a font size: the size can't be told from the text; "
               "write the size itself")
    elif kind == "ident" and token.lower_value in ("larger", "smaller"):
        yield (f"`{token.value}` is relative to the parent's size, and nested elements "
               "multiply it")
    elif kind == "percentage" or (kind == "dimension" and token.lower_unit in FONT_UNITS):
        yield (f"{tinycss2.serialize([token])} is relative to the parent's size, and nested "
               "elements multiply it (0.5em eleven levels deep is 0.005pt)")
    elif kind == "dimension" and token.lower_unit in PT_PER_UNIT:
        size = token.value * PT_PER_UNIT[token.lower_unit]
        if size and not MIN_FONT_PT <= size <= MAX_FONT_PT:
            yield (f"a font size of {_pt(size)} is outside {MIN_FONT_PT:g}–"
                   f"{MAX_FONT_PT:g}pt")
    elif kind == "dimension" and token.lower_unit in ROOT_UNITS:
        size = token.value
        if size and not MIN_FONT_REM <= size <= MAX_FONT_REM:
            yield (f"a font size of {tinycss2.serialize([token])} is outside "
                   f"{MIN_FONT_REM:g}–{MAX_FONT_REM:g}{token.lower_unit}")
    elif kind == "dimension":
        yield (f"{tinycss2.serialize([token])} is not a size a font may have here "
               "(page units grow with the page)")


FONT_SIZE_HINT = (f"give font sizes in pt (0 or {MIN_FONT_PT:g}–{MAX_FONT_PT:g}pt), "
                  f"mm or rem ({MIN_FONT_REM:g}–{MAX_FONT_REM:g}rem)")


def _spacing_problems(tokens: Iterable, values: Values) -> Iterator[str]:
    return _through_vars(tokens, values, _spacing_token)


def _spacing_token(token) -> Iterator[str]:
    low_pt, low_em = MIN_SPACING
    kind = token.type
    if kind == "function":
        yield f"{token.name}() in a spacing: write the spacing itself"
    elif kind == "dimension" and token.lower_unit in PT_PER_UNIT:
        space = token.value * PT_PER_UNIT[token.lower_unit]
        if not -low_pt <= space <= MAX_FONT_PT:
            yield f"a spacing of {_pt(space)} is outside {-low_pt:g}–{MAX_FONT_PT:g}pt"
    elif kind == "dimension" and token.lower_unit in FONT_UNITS | ROOT_UNITS:
        if not -low_em <= token.value <= MAX_SPACING_EM:
            yield (f"a spacing of {tinycss2.serialize([token])} is outside "
                   f"{-low_em:g}–{MAX_SPACING_EM:g}{token.lower_unit}")
    elif kind == "dimension":
        yield f"{tinycss2.serialize([token])} is not a unit a spacing may have here"
    elif kind == "percentage" and not -100 * low_em <= token.value <= MAX_PERCENT:
        yield f"a spacing of {token.value:g}% is outside {-100 * low_em:g}–{MAX_PERCENT:g}%"


SPACING_HINT = (f"a spacing lies between {-MIN_SPACING[0]:g}pt ({-MIN_SPACING[1]:g}em) and "
                f"{MAX_FONT_PT:g}pt ({MAX_SPACING_EM:g}em): a negative spacing that cancels a "
                "glyph's width makes a leader (…) of millions of dots")


def _value_problems(rules: list) -> Iterator[tuple[int, int, str, str | None]]:
    decls = list(declarations(rules))
    values = Values(decls)
    styles = CounterStyles(decls)
    yield from values.problems()
    yield from styles.problems()
    for decl in decls:
        node = decl.node
        where = (node.source_line, node.source_column)
        name = decl.name
        if name.startswith("--") or decl.context == "font-face":
            continue  # custom properties are checked where var() uses them
        if decl.context == "counter-style":
            continue  # CounterStyles
        if _has_function(node.value, "attr") and name not in ("content", "string-set",
                                                              "bookmark-label"):
            yield (*where, f"`{decl.text}`: attr() is allowed in content only",
                   "the book's attributes are data, not sizes: write the value itself")
            continue
        if name in ("content", "quotes", "list-style", "list-style-type", "string-set",
                    "bookmark-label"):
            yield from ((*where, message, hint)
                        for message, hint in _text_problems(decl, values, styles))
            if name != "list-style":
                continue  # text, not sizes (list-style may hold a list-style-image's size)
        if name == "font-size" or name == "font":
            size, line_height = _font_parts(decl.value) if name == "font" else (decl.value, [])
            for message in dict.fromkeys(_font_size_problems(size, values)):
                yield (*where, f"`{decl.text}`: {message}", FONT_SIZE_HINT)
            if line_height:
                yield from _bounded(where, decl, values, line_height, _line_height_problem)
            continue
        if name in SPACING_PROPERTIES:
            for message in dict.fromkeys(_spacing_problems(decl.value, values)):
                yield (*where, f"`{decl.text}`: {message}", SPACING_HINT)
            continue
        check = _line_height_problem if name == "line-height" else _length_problem
        yield from _bounded(where, decl, values, node.value, check)
    yield from _page_problems(decls, values)


def _bounded(where, decl: Declaration, values: Values, tokens, check):
    for bound in values.components(tokens):
        message = check(bound)
        if message:
            yield (*where, f"`{decl.text}`: {message}",
                   "use a value that fits a page; values past the limits overflow the "
                   "typesetting engine or make it lay out without end")
            return


def _has_function(tokens: Iterable, name: str) -> bool:
    for token in tokens:
        if token.type == "function" and (token.lower_name == name
                                         or _has_function(token.arguments, name)):
            return True
        if token.type.endswith("block") and _has_function(token.content, name):
            return True
    return False


def _font_parts(tokens: list) -> tuple[list, list]:
    """The ``font`` shorthand's size (everything before ``/``; its numbers are weights) and
    line height (the value after ``/``)."""
    parts = _split(tokens, "/")
    size = [t for t in parts[0] if t.type != "number"]
    return size, parts[1][:1] if len(parts) > 1 else []


# ---- pages ---------------------------------------------------------------------------------

def _page_problems(decls: list[Declaration], values: Values):
    """Each ``@page`` rule of the project, on each page size it may apply to, keeps a text area
    of at least ``MIN_PAGE_AREA_MM`` once its margins, paddings and borders are taken out (a
    side it does not set keeps the book's margin for that page)."""
    rules: dict[int, list[Declaration]] = {}
    for decl in decls:
        if decl.context == "page":
            rules.setdefault(id(decl.at_rule), []).append(decl)
    declared = [size for group in rules.values() for d in group if d.name == "size"
                for size in [_page_size(d.value)] if size]
    # a rule's text area is narrowest on the narrowest page, shortest on the shortest one
    declared = list({id(s): s for s in (min(declared, key=lambda s: s[0][0], default=None),
                                        min(declared, key=lambda s: s[0][1], default=None))
                     if s is not None}.values())
    book = [((w, h), name) for name, ((w, h), _) in BOOK_PAGES.items()]
    for group in rules.values():
        own = [size for d in group if d.name == "size" for size in [_page_size(d.value)] if size]
        for (width, height), label in own or book + declared:
            edges: dict[str, dict[str, float]] = {}
            for decl in group:
                for (prefix, side), amount in _page_edges(decl, values, width * MM).items():
                    sides = edges.setdefault(prefix, {})
                    sides[side] = max(sides.get(side, 0.0), amount)
            margins = BOOK_PAGES.get(label, (None, BOOK_PAGES["A4"][1]))[1]
            reach = {side: edges.get("margin", {}).get(side, margins[i] * MM)
                     + edges.get("padding", {}).get(side, 0.0)
                     + edges.get("border", {}).get(side, 0.0)
                     for i, side in enumerate(SIDES)}
            text_w = (width * MM - reach["left"] - reach["right"]) / MM
            text_h = (height * MM - reach["top"] - reach["bottom"]) / MM
            min_w, min_h = MIN_PAGE_AREA_MM
            if text_w < min_w or text_h < min_h:
                rule = group[0].at_rule
                assert rule is not None             # a page declaration is inside its @page
                yield (rule.source_line, rule.source_column,
                       f"this @page rule leaves a text area of {max(text_w, 0):.0f} × "
                       f"{max(text_h, 0):.0f} mm on a page of {width:g} × {height:g} mm"
                       + ("" if label[0].isdigit() else f" ({label})")
                       + f"; the smallest is {min_w:g} × {min_h:g} mm",
                       "use a larger page or smaller margins: a small text area multiplies "
                       "the pages, and the time the book takes")
                break


SIDES = ("top", "right", "bottom", "left")


def _page_size(tokens: list) -> tuple[tuple[float, float], str] | None:
    """``size``'s page in mm, and a name for it; None for ``auto`` or what is not a size."""
    lengths = [t.value * PT_PER_UNIT[t.lower_unit] / MM for t in tokens
               if t.type == "dimension" and t.lower_unit in PT_PER_UNIT]
    names = [t.lower_value for t in tokens if t.type == "ident"]
    for name in names:
        if name in PAGE_SIZES_MM:
            w, h = PAGE_SIZES_MM[name]
            size = (h, w) if "landscape" in names else (w, h)
            return size, name.upper() if name[0] in "abc" else name
    if lengths:
        w, h = (lengths * 2)[:2]
        return (abs(w), abs(h)), f"{abs(w):g} × {abs(h):g} mm"
    return None


def _page_edges(decl: Declaration, values: Values,
                page_width: float) -> dict[tuple[str, str], float]:
    """How far a margin, padding or border declaration of an ``@page`` rule reaches into a page
    ``page_width`` pt wide on each side it sets, in pt: ``{(prefix, side): pt}``."""
    name = decl.name
    for prefix in ("margin", "padding", "border"):
        if name in (prefix, f"{prefix}-width"):
            amounts = [_reach(b, page_width) for b in values.components(decl.value)]
            if prefix == "border":
                amounts = [max(amounts, default=0.0)]
            amounts = amounts[:4] or [0.0]
            four = (amounts * 4 if len(amounts) == 1 else amounts * 2 if len(amounts) == 2
                    else [*amounts, amounts[1]] if len(amounts) == 3 else amounts)
            return {(prefix, side): amount for side, amount in zip(SIDES, four, strict=False)}
        for side in SIDES:
            if name in (f"{prefix}-{side}", f"{prefix}-{side}-width"):
                amounts = [_reach(b, page_width) for b in values.components(decl.value)]
                return {(prefix, side): max(amounts, default=0.0)}
    return {}


def _reach(bound: Bound, page_width: float) -> float:
    """A bound's length in pt on a page ``page_width`` pt wide (an em is the initial 12pt)."""
    return bound.pt + (bound.font + bound.root) * 12.0 + bound.page / 100 * page_width


# ---- generated text --------------------------------------------------------------------------

#: the largest counter value a book may show: a counter-increment of MAX_NUMBER on each of
#: 100,000 elements
COUNTER_VALUE_BOUND = MAX_NUMBER * 100_000


class CounterStyles:
    """The project's ``@counter-style`` rules, and the longest text each can produce."""

    def __init__(self, decls: list[Declaration]):
        self.rules: dict[str, dict[str, Declaration]] = {}
        self.at: dict[str, tinycss2.ast.AtRule] = {}
        for decl in decls:
            if decl.context == "counter-style" and decl.at_rule is not None:
                name = tinycss2.serialize(decl.at_rule.prelude).strip()
                self.rules.setdefault(name, {})[decl.name] = decl
                self.at.setdefault(name, decl.at_rule)
        self._longest: dict[str, int] = {}

    def chars(self, name: str | None) -> int:
        """The longest counter text in style ``name`` (a built-in style: ``COUNTER_CHARS``)."""
        if name not in self.rules:
            return COUNTER_CHARS
        if name not in self._longest:
            self._longest[name] = COUNTER_CHARS  # while working it out: a cycle of extends
            # a longer style is refused on its own (``problems``): counted at the limit here
            self._longest[name] = min(self._worst(name)[0], MAX_COUNTER_CHARS)
        return self._longest[name]

    def problems(self) -> Iterator[tuple[int, int, str, str | None]]:
        for name in self.rules:
            longest, why = self._worst(name)
            if longest > MAX_COUNTER_CHARS:
                rule = self.at[name]
                yield (rule.source_line, rule.source_column,
                       f"@counter-style {name}: {why}; the limit is {MAX_COUNTER_CHARS} "
                       "characters", COUNTER_HINT)

    def _descriptor(self, name: str, descriptor: str, seen: tuple = ()) -> list | None:
        """A descriptor's tokens, from the rule or (``extends``) the style it extends."""
        rule = self.rules.get(name, {})
        if descriptor in rule:
            return rule[descriptor].value
        system = rule.get("system")
        if system and system.value and system.value[0].type == "ident" \
                and system.value[0].lower_value == "extends" and len(system.value) > 1:
            parent = system.value[1].value
            if parent in self.rules and parent not in seen:
                return self._descriptor(parent, descriptor, (*seen, name))
        return None

    def _system(self, name: str, seen: tuple = ()) -> str | None:
        """The style's effective system; None when it extends a built-in style."""
        tokens = self.rules.get(name, {}).get("system")
        if tokens is None:
            return "symbolic"
        words = [t.lower_value for t in tokens.value if t.type == "ident"]
        if words[:1] == ["extends"]:
            parent = tokens.value[1].value if len(tokens.value) > 1 else ""
            if parent in self.rules and parent not in seen:
                return self._system(parent, (*seen, name))
            return None
        return words[0] if words else "symbolic"

    def _worst(self, name: str) -> tuple[int, str]:
        """The longest text style ``name`` can produce, and how it comes about."""
        symbols = [len(_symbol(t)) for t in self._descriptor(name, "symbols") or []
                   if t.type in ("string", "ident")]
        additive = []
        for pair in _split(self._descriptor(name, "additive-symbols") or [], ","):
            weight = [t.value for t in pair if t.type == "number"]
            text = [_symbol(t) for t in pair if t.type in ("string", "ident")]
            if weight and text:
                additive.append((int(weight[0]), len(text[0])))
        extra = [len(_symbol(t)) for d in ("negative",) for t in self._descriptor(name, d) or []
                 if t.type in ("string", "ident")]
        longest_symbol = max(symbols + [n for _, n in additive] + extra, default=0)
        pad = self._descriptor(name, "pad") or []
        pad_count = [t.value for t in pad if t.type == "number"]
        pad_text = [len(_symbol(t)) for t in pad if t.type in ("string", "ident")]
        padded = (pad_count[0] if pad_count else 0) * (pad_text[0] if pad_text else 1)
        if padded > MAX_COUNTER_CHARS or (pad_count and pad_count[0] > MAX_COUNTER_CHARS):
            return int(min(padded, 10 ** 9)), f"its pad makes {padded:,.0f} characters"
        if longest_symbol > MAX_COUNTER_CHARS:
            return longest_symbol, f"a symbol of {longest_symbol} characters"
        for descriptor in ("prefix", "suffix"):
            for token in self._descriptor(name, descriptor) or []:
                if token.type in ("string", "ident") and len(_symbol(token)) > MAX_COUNTER_CHARS:
                    return len(_symbol(token)), f"its {descriptor} has {len(_symbol(token))} " \
                                                "characters"
        system = self._system(name)
        low, high = _range(self._descriptor(name, "range"))
        top = max(abs(low), abs(high))
        if system in ("symbolic", "additive", None) and math.isinf(top):
            kind = "extends a built-in style" if system is None else f"is {system}"
            return TOO_MANY, (f"it {kind} without a finite range: its text grows with the "
                              "counter's value, without end")
        if system in ("symbolic", "additive", None) and top > MAX_COUNTER_RANGE:
            return TOO_MANY, f"its range reaches {top:,.0f}, past {MAX_COUNTER_RANGE:,}"
        if system == "symbolic":
            count = max(len(symbols), 1)
            longest = math.ceil(top / count) * longest_symbol
            return longest, f"its symbols repeat to {longest:,} characters at {top:,.0f}"
        if system == "additive":
            return _additive_longest(additive, int(top)), "its additive symbols run long"
        if system in ("numeric", "alphabetic") and len(symbols) >= 2:
            digits = math.ceil(math.log(COUNTER_VALUE_BOUND, len(symbols))) + 1
            longest = digits * longest_symbol
            return longest, (f"a counter of {COUNTER_VALUE_BOUND:,.0f} takes {digits} of its "
                             f"symbols, {longest:,} characters")
        return longest_symbol + padded, "its symbols run long"


COUNTER_HINT = ("give it a finite range (range: 1 99) and short symbols; a counter past its "
                "range falls back to decimal")


def _symbol(token) -> str:
    return token.value


def _range(tokens: list | None) -> tuple[float, float]:
    """The widest ``range`` of a counter style: ``auto`` (or none) is unbounded."""
    if not tokens or any(t.type == "ident" and t.lower_value == "auto" for t in tokens):
        return (-math.inf, math.inf)
    low, high = math.inf, -math.inf
    for pair in _split(tokens, ","):
        ends = [(-math.inf if i == 0 else math.inf) if t.type == "ident" else t.value
                for i, t in enumerate(pair) if t.type in ("ident", "number")]
        if len(ends) == 2:
            low, high = min(low, ends[0]), max(high, ends[1])
    return (low, high) if low <= high else (-math.inf, math.inf)


def _additive_longest(symbols: list[tuple[int, int]], top: int) -> int:
    """The longest greedy additive representation of any value up to ``top``."""
    symbols = sorted(((w, n) for w, n in symbols if w > 0), reverse=True)[:64]
    if not symbols:
        return 0
    longest = 0
    for value in range(top + 1):
        length = 0
        for weight, size in symbols:
            repeats, value = divmod(value, weight)
            length += repeats * size
            if not value:
                break
        longest = max(longest, length)
    return longest


class TextCost:
    """How many characters a ``content`` value (or a list marker) puts on the page."""

    def __init__(self, values: Values, styles: CounterStyles, quote_chars: int):
        self.values = values
        self.styles = styles
        self.quote_chars = quote_chars

    def chars(self, tokens: Iterable, element=None, depth: int = 0) -> int:
        """``element`` (a ``cssselect2.ElementWrapper``) gives attr() its value and counters()
        its depth; without it attr() counts its fallback and counters() one level."""
        if depth > MAX_NESTING:
            return MAX_CONTENT_CHARS + 1
        total = 0
        for token in tokens:
            kind = token.type
            if kind == "string":
                total += len(token.value)
            elif kind == "ident" and token.lower_value in ("open-quote", "close-quote"):
                total += self.quote_chars
            elif kind == "url":
                total += 1
            elif kind == "function":
                total += self._function(token, element, depth)
        return total

    def _function(self, token, element, depth: int) -> int:
        name = token.lower_name
        args = _arguments(token)
        if name == "var":
            return max(self.values.each(token, lambda d: self.chars(d, element, depth + 1)),
                       default=0)
        if name in ("counter", "target-counter"):
            style = args[-1][0].value if len(args) >= (3 if name[0] == "t" else 2) and args[-1] \
                and args[-1][0].type == "ident" else None
            return self.styles.chars(style)
        if name in ("counters", "target-counters"):
            nth = 2 if name == "counters" else 3
            separator = self.chars(args[nth - 1], element, depth + 1) if len(args) >= nth else 0
            style = args[nth][0].value if len(args) > nth and args[nth] \
                and args[nth][0].type == "ident" else None
            return (self.styles.chars(style) + separator) * _levels(element)
        if name == "attr":
            fallback = self.chars(sum(args[1:], []), element, depth + 1)
            attribute = "".join(t.value for t in args[0] if t.type == "ident")[:1000] \
                if args and args[0] else ""
            if element is None or not attribute:
                return fallback
            value = element.etree_element.get(args[0][0].value)
            return fallback if value is None else len(value)
        if name in ("leader", "target-text"):
            return LEADER_CHARS
        return 1  # url(), image(), element(), string(), content()…: one box


def _levels(element) -> int:
    """How many counters() may join: the element's depth (statically: one)."""
    if element is None:
        return 1
    depth, node = 1, element
    while node.parent is not None:
        depth, node = depth + 1, node.parent
    return depth


def _quote_chars(decls: list[Declaration]) -> int:
    return max((len(t.value) for d in decls if d.name == "quotes" for t in d.value
                if t.type == "string"), default=1)


def _text_problems(decl: Declaration, values: Values,
                   styles: CounterStyles) -> Iterator[tuple[str, str | None]]:
    tokens = decl.node.value
    if _has_function(tokens, "target-text"):
        yield (f"`{decl.text}`: target-text() is not allowed: it copies a whole element's "
               "text, which the book's text budget can't see",
               "use target-counter() to refer to a page or number")
    if decl.name in ("quotes", "list-style", "list-style-type"):
        longest = max((len(t.value) for t in decl.value if t.type == "string"), default=0)
        if longest > MAX_COUNTER_CHARS:
            yield (f"`{decl.name}` has a string of {longest:,} characters; the limit is "
                   f"{MAX_COUNTER_CHARS}", "a quote mark or list marker is a few characters")
        return
    chars = TextCost(values, styles, quote_chars=1).chars(tokens)
    if chars > MAX_CONTENT_CHARS:
        yield (f"`{decl.name}` generates {chars:,} characters (a counter counts "
               f"{COUNTER_CHARS}, a leader {LEADER_CHARS}); the limit is {MAX_CONTENT_CHARS}",
               "generated text bypasses the book's text budget: put long text in the brief")


class GeneratedText:
    """The generated content of a project stylesheet, counted against a book before layout.

    Takes: the stylesheet's text and the name errors give it. ``check(root)`` takes the
    book's ``cssselect2.ElementWrapper`` (``weasyprint.HTML(...).wrapper_element``) and raises
    a ``BriefbookError`` at the declaration that adds the most when the stylesheet would add
    more than ``MAX_GENERATED_CHARS`` characters: each element a ``content`` rule's selector
    matches (with a ``::before``, ``::after``, ``::marker``… pseudo-element) costs that
    content's characters, at least one; each element a ``display: list-item`` rule matches
    costs a marker; a list-style string costs its length for every ``li`` of the book. Every
    matching rule is counted, whatever the cascade picks: an upper bound."""

    def __init__(self, text: str, where: str):
        rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
        decls = list(declarations(rules))
        values = Values(decls)
        self.styles = CounterStyles(decls)
        self.cost = TextCost(values, self.styles, _quote_chars(decls))
        self.where = where
        self.marker_strings = max((len(t.value) for d in decls
                                   if d.name in ("list-style", "list-style-type")
                                   for t in d.value if t.type == "string"), default=0)
        #: (declaration, kind) for each rule that generates text on elements
        self.entries: list[tuple[Declaration, str]] = []
        for decl in decls:
            if decl.context != "style":
                continue
            if decl.name == "content" and not all(
                    t.type == "ident" and t.lower_value in ("none", "normal") for t in decl.value):
                self.entries.append((decl, "content"))
            elif decl.name == "display" and any(
                    t.type == "ident" and t.lower_value == "list-item" for t in decl.value):
                self.entries.append((decl, "list-item"))
            elif decl.name in ("list-style", "list-style-type") and any(
                    t.type == "string" for t in decl.value):
                self.entries.append((decl, "marker-string"))
        self._matcher = None

    @classmethod
    def of(cls, path: Path | None) -> GeneratedText | None:
        """For the project stylesheet at ``path`` (None, or no generated content: None)."""
        if path is None:
            return None
        generated = cls(Path(path).read_text(encoding="utf-8-sig"), str(path))
        return generated if generated.entries else None

    def matcher(self):
        if self._matcher is None:
            self._matcher = cssselect2.Matcher()
            for index, (decl, kind) in enumerate(self.entries):
                try:
                    selectors = cssselect2.compile_selector_list(decl.selectors)
                except cssselect2.SelectorError:
                    continue  # WeasyPrint ignores the rule, with a warning the render refuses
                for selector in selectors:
                    pseudo = selector.pseudo_element
                    if (kind == "content") == (pseudo in GENERATING_PSEUDOS) or (
                            kind == "marker-string" and pseudo is None):
                        self._matcher.add_selector(selector, index)
        return self._matcher

    def count(self, root) -> dict[int, tuple[int, int]]:
        """``{entry index: (characters, elements)}`` for the book under ``root``."""
        matcher = self.matcher()
        tally: dict[int, list[int]] = {}
        items = 0
        for element in root.iter_subtree():
            items += element.local_name == "li"
            seen = set()
            for _specificity, _order, pseudo, index in matcher.match(element):
                if (index, pseudo) in seen:
                    continue
                seen.add((index, pseudo))
                decl, kind = self.entries[index]
                if kind == "content":
                    chars = self.cost.chars(decl.node.value, element)
                elif kind == "list-item":
                    if element.local_name == "li":
                        continue  # a list item already: its marker is the book's own
                    chars = max(self.marker_strings, self.styles.chars(None) + 2)
                else:
                    chars = 0  # a list-style string: counted per list item, below
                entry = tally.setdefault(index, [0, 0])
                entry[0] += max(chars, 1)
                entry[1] += 1
        for index, entry in tally.items():
            decl, kind = self.entries[index]
            if kind == "marker-string":
                longest = max((len(t.value) for t in decl.value if t.type == "string"), default=0)
                entry[0] = longest * items
        return {index: (chars, elements) for index, (chars, elements) in tally.items()}

    def check(self, root) -> None:
        counted = self.count(root)
        total = sum(chars for chars, _ in counted.values())
        if total <= MAX_GENERATED_CHARS:
            return
        index, (chars, elements) = max(counted.items(), key=lambda item: item[1][0])
        decl, kind = self.entries[index]
        node = decl.node
        selector = tinycss2.serialize(decl.selectors).strip()
        what = {"content": "this content", "list-item": "this list-item display",
                "marker-string": "this list marker"}[kind]
        raise BriefbookError(
            f"the stylesheet's generated text would add {total:,} characters to this book; the "
            f"limit is {MAX_GENERATED_CHARS:,}. {what.capitalize()} adds {chars:,} "
            f"({elements:,} elements match `{selector[:80]}`)",
            where=f"{self.where}:{node.source_line}:{node.source_column}",
            hint="generated text bypasses the book's text budget and slows the layout: match "
                 "fewer elements (a class, not `*` or a tag) or generate less text")
