"""The HTML edition in a real browser: Debian's Chromium, headless, driven by Playwright.

The book's text, statuses, citations and sources are present; charts are inline SVG with
their text alternative; the subset fonts load and cover the text; nothing is fetched from
outside the file; a 375-px phone never scrolls sideways; printing gives the book's pages.
Screenshots go to test-artifacts/html-edition/ for a person to look at.
"""

import io
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import sync_playwright
from pypdf import PdfReader

from briefbook.core.errors import BriefbookError
from briefbook.render.book.model import ChartJob
from briefbook.brief.schema import ChartKind
from briefbook.render.formats.html_edition import check_format, inline_svg, render_html_to_file
from plugins.example import BRIEFS_DIR

FULL = BRIEFS_DIR / "full-book.yaml"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "html-edition"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def full_book_html(renderer, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html") / "full-book.html"
    render_html_to_file(FULL, out, renderer)
    return out


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, edition, width, requests):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.on("request", lambda r: requests.append(r.url))
    page.goto(edition.as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def test_inline_svg_gets_title_description_and_own_ids():
    svg = (b'<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="10pt" height="5pt" viewBox="0 0 10 5">'
           b'<defs><clipPath id="p1"><rect/></clipPath></defs><g clip-path="url(#p1)"/>'
           b'<use xlink:href="#p1"/></svg>\n')
    job = ChartJob("chart-2.svg", ChartKind.STATUS_BREAKDOWN, "状态<图>", (), "共1项：已完成1项。")
    out = str(inline_svg(svg, job))
    assert out.startswith('<svg viewBox="0 0 10 5" role="img" aria-labelledby="chart-2-title chart-2-desc">')
    assert '<title id="chart-2-title">状态&lt;图&gt;</title><desc id="chart-2-desc">共1项：已完成1项。</desc>' in out
    assert 'id="chart-2-p1"' in out and "url(#chart-2-p1)" in out and 'href="#chart-2-p1"' in out


def test_formats_and_variants_are_checked():
    assert check_format("html", None) == "html"
    with pytest.raises(BriefbookError, match="unknown format 'docx'"):
        check_format("docx", None)
    with pytest.raises(BriefbookError, match="PDF output only"):
        check_format("html", "pdf/a-3b")


@pytest.mark.slow
def test_phone_reads_the_whole_book_without_sideways_scrolling(browser, full_book_html, renderer):
    requests: list[str] = []
    page = open_page(browser, full_book_html, 375, requests)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-top.png"))
    page.screenshot(path=str(ARTIFACTS / "phone-full.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate("document.body.scrollWidth") <= 375
    text = page.inner_text("body")

    brief = yaml.safe_load(FULL.read_text(encoding="utf-8"))
    corpus, catalog = renderer.corpus, renderer.catalog
    assert brief["title"] in text and brief["question"] in text
    for section in brief["sections"]:
        assert section["heading"] in text
        for ref in section.get("quotes", []):
            for para in _paragraphs(corpus.resolve(ref)):
                assert para.text in text  # every quote, verbatim
                assert para.id in text  # and its citation
    for metric in catalog.metrics:  # the full book's table lists them all, with statuses
        assert metric.label in text
        assert str(metric.status) in text
    rows = page.evaluate("""[...document.querySelectorAll('table.metrics tbody tr')].map(
        r => [r.querySelector('td.metric').innerText, r.querySelector('.badge').innerText])""")
    by_label = {label.split("\n")[0]: status for label, status in rows}
    assert all(by_label[m.label] == str(m.status) for m in catalog.metrics)
    for article in corpus.articles:
        assert article.title in text
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    page.close()


@pytest.mark.slow
def test_charts_are_inline_svg_with_text_alternatives(browser, full_book_html):
    page = open_page(browser, full_book_html, 1024, [])
    charts = page.evaluate("""[...document.querySelectorAll('figure svg')].map(s => ({
        role: s.getAttribute('role'), title: s.querySelector('title').textContent,
        desc: s.querySelector('desc').textContent, width: s.getBoundingClientRect().width}))""")
    assert len(charts) == 4
    assert all(c["role"] == "img" and c["title"] and c["desc"] for c in charts)
    assert "留汉大学生：承诺力争25万人，报道30.2万人，为承诺的121%" in charts[0]["desc"]
    assert all(c["width"] > 300 for c in charts)
    page.screenshot(path=str(ARTIFACTS / "desktop-charts.png"), full_page=True)
    page.close()


@pytest.mark.slow
def test_embedded_fonts_load_and_cover_the_text(browser, full_book_html):
    page = open_page(browser, full_book_html, 1024, [])
    faces = page.evaluate("""[...document.fonts].map(f => [f.family, f.weight, f.status])""")
    assert sorted(faces) == [["BB Sans", "400", "loaded"], ["BB Sans", "700", "loaded"],
                             ["BB Serif", "400", "loaded"], ["BB Serif", "700", "loaded"]]
    text = page.inner_text("body")
    han = "".join(sorted({c for c in text if "\u4e00" <= c <= "\u9fff"}))
    assert len(han) > 500
    assert page.evaluate("t => document.fonts.check('16px \"BB Serif\"', t)", han)
    page.close()


@pytest.mark.slow
def test_prints_to_pages(browser, full_book_html):
    page = open_page(browser, full_book_html, 1024, [])
    pdf = page.pdf(format="A4", print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 10
    assert "超大城市治理简报" in reader.pages[0].extract_text()
    (ARTIFACTS / "printed.pdf").write_bytes(pdf)
    page.close()


def _paragraphs(node):
    from briefbook.render.book.model import _paragraphs

    return _paragraphs(node)


def test_font_faces_are_whole_css_rules():
    """The edition's @font-face rules parse as CSS with nothing left over (a stray `}` after
    each rule once slipped in when a line was split, and no browser test noticed: browsers
    recover from it)."""
    import tinycss2

    from briefbook.render.formats.html_edition import FACES, font_faces

    rules = tinycss2.parse_stylesheet(font_faces("武汉市2021年"), skip_comments=True,
                                      skip_whitespace=True)
    assert [r.type for r in rules] == ["at-rule"] * len(FACES), rules
    for rule in rules:
        assert rule.lower_at_keyword == "font-face"
        names = [d.lower_name for d in tinycss2.parse_declaration_list(rule.content,
                 skip_comments=True, skip_whitespace=True)]
        assert names == ["font-family", "font-weight", "font-display", "src"], names
