"""What a layout strategy needs of the writer: HTML in, a laid-out document or PDF bytes out.

Takes: nothing. Gives: ``Writer``, the protocol ``engine.pdf.PdfWriter`` meets (its parsed
stylesheets' text, its fetcher of in-memory charts, ``strict`` to turn WeasyPrint's warnings
into one error, ``layout`` for a ``Document``, ``write`` for PDF bytes), and ``Charts``, the
drawn charts a book's HTML links to (name → (bytes, MIME type)). The strategies in this
package take a ``Writer`` and a layout cache folder, never the ``Renderer``.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from weasyprint.document import Document

    from briefbook.render.engine.fetcher import AssetFetcher

#: a book's drawn charts: name → (bytes, MIME type)
Charts = Mapping[str, tuple[bytes, str]]


class Writer(Protocol):
    """HTML → WeasyPrint document → PDF, with the book's stylesheets (``engine.pdf.PdfWriter``)."""

    #: the text of every stylesheet cascaded after the fonts (chapters' seams are cut from it)
    css_text: str
    #: the only way the document loads anything; a layout sets the charts it may load
    fetcher: AssetFetcher

    def strict(self, where: str, *,
               generated: Charts | None = None) -> AbstractContextManager[None]: ...

    def layout(self, html: str, extra_css: str | None = None) -> Document: ...

    def write(self, html: str, generated: Charts | None = None, *, where: str = "render",
              options: Mapping[str, Any] | None = None) -> bytes: ...
