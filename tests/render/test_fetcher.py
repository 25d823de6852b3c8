"""The URL fetcher serves only the project's asset and template folders."""

import pytest

from briefbook.core import resources
from briefbook.render.engine.fetcher import AssetFetcher, RefusedURL


@pytest.fixture
def fetcher():
    return AssetFetcher(generated={"chart-1.svg": (b"<svg/>", "image/svg+xml")})


def test_serves_bundled_font(fetcher):
    response = fetcher.fetch((resources.FONTS_DIR / "NotoSansCJKsc-Regular.otf").as_uri())
    assert response.read(4) == b"OTTO"


def test_serves_generated_chart(fetcher):
    assert fetcher.fetch("briefbook-generated:chart-1.svg").read() == b"<svg/>"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    (resources.TEMPLATES_DIR / ".." / "__init__.py").as_uri(),
    (resources.FONTS_DIR / ".." / ".." / "core" / "resources.py").as_uri(),
    "file://evil.example/etc/passwd",
    "http://127.0.0.1/x.png",
    "https://example.com/font.otf",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.com/x",
    "briefbook-generated:not-made.svg",
])
def test_refuses_everything_else(fetcher, url):
    with pytest.raises((RefusedURL, ValueError)):
        fetcher.fetch(url)


def test_refuses_symlink_out_of_assets(fetcher, tmp_path):
    link = resources.ASSETS_DIR / "test-link-to-etc"
    try:
        link.symlink_to("/etc")
        with pytest.raises(RefusedURL):
            fetcher.fetch((link / "passwd").as_uri())
    finally:
        link.unlink(missing_ok=True)


def test_refusals_are_recorded(fetcher):
    with pytest.raises(RefusedURL):
        fetcher.fetch("file:///etc/hostname")
    assert fetcher.refused and "file:///etc/hostname" in fetcher.refused[0]


def test_malformed_url_is_a_recorded_refusal(fetcher):
    with pytest.raises(RefusedURL):
        fetcher.fetch((resources.FONTS_DIR / "a%00b.otf").as_uri().replace("a%2500b", "a%00b"))
    assert fetcher.refused
