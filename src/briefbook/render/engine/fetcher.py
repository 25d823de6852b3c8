"""The only way a rendered document can load anything.

Takes: URLs that WeasyPrint asks for (fonts, stylesheets, images, charts).
Gives: the bytes of files under the project's asset and template folders, and of the charts
this render generated in memory; everything else — other files, ``..`` escapes, symlinks
out of the folders, http(s), data: URLs — is refused and recorded, and the render fails.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from briefbook.core import resources

#: Generated resources (charts) are addressed as ``briefbook-generated:NAME``.
GENERATED_SCHEME = "briefbook-generated"


class RefusedURL(ValueError):
    """A URL outside the allow-list."""


class AssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher locked to an allow-list of folders and in-memory resources."""

    def __init__(
        self,
        roots: Iterable[Path] = (resources.ASSETS_DIR, resources.FONTS_DIR,
                                 resources.TEMPLATES_DIR),
        generated: Mapping[str, tuple[bytes, str]] | None = None,
    ):
        super().__init__(allowed_protocols={"file", GENERATED_SCHEME})
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.generated = dict(generated or {})
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            return self._serve(url)
        except (RefusedURL, ValueError) as exc:  # ValueError: e.g. a NUL byte in the path
            self.refused.append(f"{url} ({exc})")
            raise RefusedURL(str(exc)) from None

    def _serve(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == GENERATED_SCHEME:
            name = parts.path
            if name not in self.generated:
                raise RefusedURL("no such generated resource")
            body, mime = self.generated[name]
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        if scheme != "file":
            raise RefusedURL(f"scheme {scheme or 'none'!r} is not allowed")
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL("remote file hosts are not allowed")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedURL("outside the project's asset and template folders")
        if not path.is_file():
            raise RefusedURL("no such file")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".otf":
            mime = "font/otf"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})
