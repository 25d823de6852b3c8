"""HTML → PDF with WeasyPrint, locked down and strict.

Takes: a complete HTML string (from ``render.html``) and the in-memory resources it links to.
Gives: PDF bytes. Any WeasyPrint warning — a ``.notdef`` glyph, a font face that failed to
load, a refused URL, a CSS rule it ignored — fails the render with a clear error, because a
warning today is a flawed page in print tomorrow.

A ``PdfWriter`` is long-lived: it parses the stylesheet and loads the bundled fonts once, so a
second render in the same process skips that work.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path

from briefbook import paths
from briefbook.errors import BriefbookError
from briefbook.render.fetcher import AssetFetcher

STYLESHEET = paths.TEMPLATES_DIR / "book.css"


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
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from briefbook.render import justify

        self.cjk_justify = justify.install()
        roots = [paths.ASSETS_DIR, paths.TEMPLATES_DIR]
        if project_root is not None:
            roots.append(project_root)  # the project stylesheet's own fonts and images
        self.fetcher = AssetFetcher(roots)
        self.font_config = FontConfiguration()
        self.stylesheets = []
        for sheet in (stylesheet, project_stylesheet):
            if sheet is None:
                continue
            with weasyprint_warnings() as warnings:
                self.stylesheets.append(CSS(filename=str(sheet), font_config=self.font_config,
                                            url_fetcher=self.fetcher))
            raise_on_warnings(warnings, self.fetcher, where=str(sheet))

    def write(self, html: str, generated: Mapping[str, tuple[bytes, str]] | None = None,
              *, where: str = "render") -> bytes:
        from weasyprint import HTML

        self.fetcher.generated = dict(generated or {})
        self.fetcher.refused.clear()
        with weasyprint_warnings() as warnings:
            document = HTML(string=html, base_url=str(paths.TEMPLATES_DIR) + "/",
                            url_fetcher=self.fetcher).render(
                stylesheets=self.stylesheets, font_config=self.font_config)
            pdf = document.write_pdf()
        raise_on_warnings(warnings, self.fetcher, where=where)
        return pdf


def raise_on_warnings(warnings: list[str], fetcher: AssetFetcher, *, where: str) -> None:
    problems = [f"refused to load {url}" for url in fetcher.refused]
    problems += [w for w in warnings if not any(url.split(" ")[0] in w for url in fetcher.refused)]
    if problems:
        raise BriefbookError(
            "the PDF would not print as designed:\n  - " + "\n  - ".join(dict.fromkeys(problems)),
            where=where,
            hint="a .notdef glyph means a character the bundled fonts lack (see assets/fonts/README.md)",
        )
