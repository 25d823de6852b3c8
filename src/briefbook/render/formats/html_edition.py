"""The HTML edition: the same book as one self-contained, accessible HTML file.

Takes: a brief and a ``BookSource`` (``render.Renderer``: the same ``Book``, templates and
drawn charts as the PDF). Gives: one UTF-8 HTML string — no external requests — with

- every figure, quote, status, citation and source of the PDF (the same templates render it);
- charts as inline SVG with ``role="img"``, a ``<title>`` (the caption) and a ``<desc>`` (the
  text alternative worded from the chart's rows, charts.describe); ids inside each SVG are
  prefixed so several charts never clash;
- the bundled Noto CJK faces subset with HarfBuzz (uharfbuzz) to exactly the characters of
  the file, all OpenType layout features kept (``halt`` for paired punctuation), as base64
  WOFF in ``@font-face``; the stacks in templates/edition.css fall back to the reader's CJK
  fonts if a browser refuses them;
- templates/edition.css: readable at 375 px (metric tables become cards), printable; the
  status colours follow it, from the status table (metrics.status.STATUSES), the same
  colours as the PDF's (book.html.j2, partials/status.css.j2).

The PDF's citations are footnotes; here they stand under their quote.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import uharfbuzz as hb
from fontTools.ttLib import TTFont
from markupsafe import Markup, escape

from briefbook.core import resources
from briefbook.core.coverage import check_coverage
from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import write_atomic
from briefbook.render.book.html import environment
from briefbook.render.book.model import Book, ChartJob, chart_jobs

EDITION_CSS = resources.TEMPLATES_DIR / "edition.css"
FORMATS = ("pdf", "html")
#: (CSS family, weight, bundled file)
FACES = (
    ("BB Serif", 400, "NotoSerifCJKsc-Regular.otf"),
    ("BB Serif", 700, "NotoSerifCJKsc-Bold.otf"),
    ("BB Sans", 400, "NotoSansCJKsc-Regular.otf"),
    ("BB Sans", 700, "NotoSansCJKsc-Bold.otf"),
)


def check_format(output_format: str, variant: str | None) -> str:
    """The file suffix for ``--format``; refuses a PDF variant for HTML."""
    if output_format not in FORMATS:
        raise BriefbookError(f"unknown format {output_format!r}",
                             hint="use --format pdf or --format html")
    if output_format == "html" and variant is not None:
        raise BriefbookError("--pdf-variant applies to PDF output only",
                             hint="drop --pdf-variant, or render the PDF and the HTML separately")
    return output_format


class BookSource(Protocol):
    """What the HTML edition needs of ``render.Renderer``: the book and its drawn charts."""

    def book(self, brief_path: Path) -> Book: ...

    def charts(self, book: Book) -> dict[str, tuple[bytes, str]]: ...


@dataclass(frozen=True)
class EditionView:
    """What the templates need besides the book: the inline stylesheet and inline charts."""

    css: Markup
    charts: dict[str, Markup]


def inline_svg(svg: bytes, chart: ChartJob) -> Markup:
    """A matplotlib SVG as inline markup: no XML prolog, own id prefix, title and description."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    if start < 0 or not text.rstrip().endswith("</svg>"):
        raise BriefbookError(f"chart {chart.name} is not an SVG document")
    text = text[start:]
    prefix = re.sub(r"[^a-z0-9]+", "-", chart.name.removesuffix(".svg").lower()) + "-"
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', text)
    text = re.sub(r'url\(#([^)]+)\)', rf'url(#{prefix}\1)', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', text)
    opening = text.index(">") + 1
    title_id, desc_id = f"{prefix}title", f"{prefix}desc"
    tag = text[:opening - 1]
    tag = re.sub(r'\s(width|height)="[^"]*"', "", tag)  # sized by CSS from its viewBox
    head = (f'{tag} role="img" aria-labelledby="{title_id} {desc_id}">'
            f'<title id="{title_id}">{escape(chart.title)}</title>'
            f'<desc id="{desc_id}">{escape(chart.alt)}</desc>')
    return Markup(head + text[opening:])


def subset_font(path: Path, characters: str) -> bytes:
    """``path`` cut down to ``characters`` (all layout features kept), as WOFF."""
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    request = hb.SubsetInput()
    for char in sorted(set(characters)):
        request.unicode_set.add(ord(char))
    request.layout_feature_tag_set.clear()
    request.layout_feature_tag_set.invert()  # the empty set inverted: every feature
    subset = hb.subset(face, request)
    if subset is None:
        raise BriefbookError(f"could not subset {path.name} for the HTML edition")
    font = TTFont(io.BytesIO(bytes(subset.blob.data)))
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_faces(characters: str) -> str:
    rules = []
    for family, weight, filename in FACES:
        data = base64.b64encode(subset_font(resources.FONTS_DIR / filename, characters)).decode()
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                     f'font-display: swap; src: url(data:font/woff;base64,{data}) '
                     'format("woff"); }')
    return "\n".join(rules)


def render_html(renderer: BookSource, brief_path: Path) -> str:
    """The HTML edition of the brief at ``brief_path``."""
    book = renderer.book(Path(brief_path))
    drawn = renderer.charts(book)
    charts = {job.name: inline_svg(drawn[job.name][0], job) for job in chart_jobs(book)}
    template = environment().get_template("book.html.j2")
    stylesheet = EDITION_CSS.read_text(encoding="utf-8")
    draft = template.render(book=book, edition=EditionView(Markup(stylesheet), charts))
    check_coverage(draft, where=str(brief_path))
    css = Markup(font_faces(draft) + "\n" + stylesheet)
    return template.render(book=book, edition=EditionView(css, charts))


def render_html_to_file(brief_path: Path, out: Path, renderer: BookSource) -> bytes:
    """Render the HTML edition and write it atomically; returns its bytes."""
    data = render_html(renderer, Path(brief_path)).encode("utf-8")
    write_atomic(Path(out), data)
    return data
