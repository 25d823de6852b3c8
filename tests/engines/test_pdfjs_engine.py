"""The pdf.js helper (plugins/pdfjs.py) on a tiny WeasyPrint PDF: pages, their size,
ink where the text is, the text itself, an encrypted copy opened with its password, and no
request leaving 127.0.0.1. Fails, never skips, when pdf.js or Chromium is missing.
"""

import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
import weasyprint
from playwright.sync_api import Error as PlaywrightError

from plugins.pdfjs import PDFJS_VERSION, PdfJsError

PASSWORD = "开门 sesame"


@pytest.fixture(scope="module")
def tiny_pdfs(tmp_path_factory) -> dict:
    """A two-page A5 PDF (ABC, DEF), plain and encrypted with PASSWORD."""
    folder = tmp_path_factory.mktemp("pdfjs")
    plain = folder / "abc.pdf"
    plain.write_bytes(weasyprint.HTML(string=(
        '<style>@page { size: A5; margin: 0 } p { margin: 20px; font: 40px sans-serif }</style>'
        '<p>ABC</p><p style="break-before: page">DEF</p>')).write_pdf())
    locked = folder / "abc-locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user=PASSWORD, owner="owner", aes=True))
    return {"plain": plain, "locked": locked}


def test_pages_are_pdfium_sized_with_ink_where_the_text_is(pdfjs_browser, tiny_pdfs):
    assert pdfjs_browser.version == PDFJS_VERSION
    images = pdfjs_browser.render_pages(tiny_pdfs["plain"], dpi=50)
    pdfium_sizes = [page.render(scale=50 / 72).to_pil().size
                    for page in pdfium.PdfDocument(tiny_pdfs["plain"])]
    assert [image.size for image in images] == pdfium_sizes == [(292, 414)] * 2
    assert all(image.mode == "RGB" for image in images)
    grey = np.asarray(images[0].convert("L"))
    dark = grey < 128
    assert dark[:60, :120].sum() > 50, "no ink where ABC is"
    assert not dark[100:, :].any(), "ink below the text"
    assert grey[0, -1] == 255 and grey[-1, 0] == 255, "paper is not white"
    only_second = pdfjs_browser.render_pages(tiny_pdfs["plain"], dpi=50, pages=[1])
    assert len(only_second) == 1 and np.array_equal(np.asarray(only_second[0]), np.asarray(images[1]))
    with pytest.raises(IndexError):
        pdfjs_browser.render_pages(tiny_pdfs["plain"], pages=[2])


def test_text_is_read_per_page(pdfjs_browser, tiny_pdfs):
    texts = pdfjs_browser.page_texts(tiny_pdfs["plain"])
    assert len(texts) == 2
    assert "ABC" in texts[0] and "DEF" in texts[1] and "DEF" not in texts[0]


def test_encrypted_copy_opens_with_its_password_only(pdfjs_browser, tiny_pdfs):
    assert "ABC" in pdfjs_browser.page_texts(tiny_pdfs["locked"], password=PASSWORD)[0]
    [image] = pdfjs_browser.render_pages(tiny_pdfs["locked"], pages=[0], password=PASSWORD)
    assert (np.asarray(image.convert("L")) < 128).sum() > 50
    with pytest.raises(PdfJsError, match="PasswordException"):
        pdfjs_browser.page_texts(tiny_pdfs["locked"])
    with pytest.raises(PdfJsError, match="PasswordException"):
        pdfjs_browser.render_pages(tiny_pdfs["locked"], password="wrong")


def test_nothing_is_fetched_from_outside(pdfjs_browser):
    # the served page's Content-Security-Policy refuses it in the browser …
    fetched = pdfjs_browser._page.evaluate(
        "fetch('http://example.com/x.js').then(() => 'fetched', () => 'refused')")
    assert fetched == "refused"
    # … and the context's route aborts any request for another address
    other = pdfjs_browser._context.new_page()
    with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
        other.goto("http://example.com/")
    other.close()
    assert pdfjs_browser.blocked == ["http://example.com/"]
    pdfjs_browser.blocked.clear()
    pdfjs_browser.errors.clear()  # the refusals are logged as console errors; they are the point here
