"""HTML → PDF with WeasyPrint, locked down and strict.

Takes: a complete HTML string (from ``book.html``) and the in-memory resources it links to.
Gives: PDF bytes. Any WeasyPrint warning — a ``.notdef`` glyph, a font face that failed to
load, a refused URL, a CSS rule it ignored — fails the render with a clear error, and a hint
for that kind of warning, because a warning today is a flawed page in print tomorrow. Before
layout, the project stylesheet's generated content is counted against the book
(``project.stylesheet.GeneratedText``).

A ``PdfWriter`` is long-lived: it parses the stylesheet and loads the bundled fonts once (their
``@font-face`` rules come from ``briefbook.core.fonts``), so a second render in the same process
skips that work. Layout stops with a clear error past ``pagebudget.MAX_LAYOUT_PAGES`` pages.
Before WeasyPrint styles the HTML, the spans that ``book/typeset.py`` writes for a browser and
the engine makes needless (a Latin run's quarter-em, an unbreakable date or last pair: the
engine does them inside the text, ``engine.spacing``) are unwrapped, so the page lays out
about half as many elements.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from briefbook.core import resources
from briefbook.core.errors import BriefbookError
from briefbook.core.fonts import font_face_css
from briefbook.project.stylesheet import GeneratedText
from briefbook.render.engine import pinned, spacing
from briefbook.render.engine.fetcher import AssetFetcher

STYLESHEET = resources.TEMPLATES_DIR / "book.css"


@contextlib.contextmanager
def weasyprint_warnings() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs at WARNING or above while the block runs."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


class PdfWriter:
    """Holds WeasyPrint's font configuration and parsed stylesheet across renders."""

    def __init__(self, stylesheet: Path = STYLESHEET, *, project_stylesheet: Path | None = None,
                 project_root: Path | None = None):
        #: whether briefbook's WeasyPrint patches are active (justification, run marks, the
        #: page budget, tag names: ``engine.pinned``); False on any other WeasyPrint version
        self.patched = pinned.install()
        roots = [resources.ASSETS_DIR, resources.FONTS_DIR, resources.TEMPLATES_DIR]
        if project_root is not None:
            roots.append(project_root)  # the project stylesheet's own fonts and images
        self.fetcher = AssetFetcher(roots)
        self.font_config = FontConfiguration()
        with weasyprint_warnings() as warnings:
            self.fonts = CSS(string=font_face_css(), font_config=self.font_config,
                             url_fetcher=self.fetcher)
        raise_on_warnings(warnings, self.fetcher, where="bundled fonts")
        remove_at_exit(self.font_config)
        self.stylesheets = [self.fonts]
        #: the project stylesheet's generated content, counted against each book before layout
        self.generated = GeneratedText.of(project_stylesheet)
        #: the text of every stylesheet cascaded after the fonts (book.css, then the project's)
        self.css_text = ""
        for sheet in (stylesheet, project_stylesheet):
            if sheet is None:
                continue
            text = Path(sheet).read_text(encoding="utf-8")
            self.css_text += ("\n" if self.css_text else "") + text
            with weasyprint_warnings() as warnings:
                self.stylesheets.append(CSS(filename=str(sheet), font_config=self.font_config,
                                            url_fetcher=self.fetcher))
            raise_on_warnings(warnings, self.fetcher, where=str(sheet))

    def write(self, html: str, generated: Mapping[str, tuple[bytes, str]] | None = None,
              *, where: str = "render", options: Mapping[str, Any] | None = None) -> bytes:
        """``options``: extra ``write_pdf`` keywords (PDF variants, see formats.archival)."""
        with self.strict(where, generated=generated or {}):
            return self.layout(html).write_pdf(**dict(options or {}))

    @contextlib.contextmanager
    def strict(self, where: str, *,
               generated: Mapping[str, tuple[bytes, str]] | None = None) -> Iterator[None]:
        """Run the block with WeasyPrint's warnings (and refused URLs) turned into one clear
        error; ``generated``, if given, are the in-memory resources (charts) it may load."""
        if generated is not None:
            self.fetcher.generated = dict(generated)
        self.fetcher.refused.clear()
        with weasyprint_warnings() as warnings:
            yield
        raise_on_warnings(warnings, self.fetcher, where=where)

    def layout(self, html: str, extra_css: str | None = None) -> Document:
        """WeasyPrint's ``Document`` for ``html`` (pages laid out, nothing written), with
        ``extra_css`` cascaded after the stylesheets (a chapter's seam, layout.chapters).
        The caller collects warnings and sets ``fetcher.generated``."""
        stylesheets = list(self.stylesheets)
        if extra_css:
            stylesheets.append(CSS(string=extra_css, font_config=self.font_config))
        if self.patched:  # the spans the engine's own spacing makes needless (engine.spacing)
            html = spacing.lighten_html(html)
        document = HTML(string=html, base_url=str(resources.TEMPLATES_DIR) + "/",
                        url_fetcher=self.fetcher)
        if self.patched:
            spacing.lighten(document.etree_element)
        if self.generated is not None:
            self.generated.check(document.wrapper_element)
        return document.render(stylesheets=stylesheets, font_config=self.font_config)


def remove_at_exit(font_config: FontConfiguration) -> None:
    """WeasyPrint copies each font face it loads into a folder of its own, removed when the
    configuration is collected; remove it at the process's exit too, where the configuration
    may be left uncollected (``core.collector.leave_to_the_exit``)."""
    folder = getattr(font_config, "_folder", None)
    if folder is not None:
        weakref.finalize(font_config, shutil.rmtree, folder, True)


def raise_on_warnings(warnings: list[str], fetcher: AssetFetcher, *, where: str) -> None:
    problems = [f"refused to load {url}" for url in fetcher.refused]
    problems += [w for w in warnings if not any(url.split(" ")[0] in w for url in fetcher.refused)]
    if problems:
        shown = [p if len(p) <= 300 else p[:299] + "…" for p in dict.fromkeys(problems)]
        raise BriefbookError(
            "the PDF would not print as designed:\n  - " + "\n  - ".join(shown),
            where=where, hint="; ".join(dict.fromkeys(_hint(p) for p in problems)))


def _hint(problem: str) -> str:
    """What to do about one of WeasyPrint's warnings (or a refused URL)."""
    if problem.startswith("refused to load"):
        return ("only files inside the project folder and the bundled assets load: copy the "
                "file into the project and name it by a relative path")
    if problem.startswith(".notdef"):
        return ("a .notdef glyph is a character the bundled fonts lack: replace it, or add a "
                "font that has it (see assets/fonts/README.md)")
    if problem.startswith(("Ignored `", "Parse error", "Error: ", "Unknown ", "Unsupported ",
                           "Invalid ", "Empty ", "Missing ")):
        return ("WeasyPrint skipped this CSS (the line:column above is in the stylesheet): "
                "fix the declaration or remove it")
    if "font" in problem.lower():
        return ("a font WeasyPrint can't load or embed: check the @font-face src names an "
                "OpenType or TrueType file in the project")
    return "fix the cause WeasyPrint names above: a warning today is a flawed page in print"
