"""The status table (``metrics.status.STATUSES``) is the one place a status's class, colours and
meaning are written, and everything that shows a status reads it: the rubric, the book model's
classes, the charts and the status rules of the PDF and of the HTML edition.

Before the table the same facts were written in five places and had drifted: the HTML edition
styled statuses by hand in edition.css, with other colours than book.css and the charts.

Contrast (issue 27): every status colour reads at 4.5:1 (WCAG 2 AA for normal-size text) against
its badge's ink and against the white page, in the PDF and in the HTML edition, which now share
one colour per status; in grey, 超额完成, 推进中 and 未见报道 stay apart.
"""

from __future__ import annotations

import re
from collections import Counter

import pypdfium2 as pdfium
import pytest
import tinycss2
from plugins.example import BRIEFS_DIR

from briefbook.charts import STATUS_COLOURS, StatusCount, status_breakdown
from briefbook.core import resources
from briefbook.metrics.status import (
    OTHER_SLUG,
    RUBRIC,
    STATUSES,
    Status,
    StatusRow,
    status_row,
    status_slug,
)

FULL = BRIEFS_DIR / "full-book.yaml"
STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def contrast(one: str, two: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rules(css: str) -> dict[str, dict[str, str]]:
    """Selector → {property: value} of a stylesheet's plain rules (the last one wins)."""
    found: dict[str, dict[str, str]] = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword in {"media", "supports"}:
            for selector, declared in rules(tinycss2.serialize(rule.content or [])).items():
                found.setdefault(f"@{rule.lower_at_keyword} {selector}", {}).update(declared)
        if rule.type != "qualified-rule":
            continue
        declarations = tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                       skip_whitespace=True)
        for selector in tinycss2.serialize(rule.prelude).split(","):
            into = found.setdefault(" ".join(selector.split()), {})
            for d in declarations:
                if d.type == "declaration":
                    into[d.lower_name] = tinycss2.serialize(d.value).strip().lower()
    return found


def status_selectors(css: str) -> list[str]:
    """The selectors of ``css`` that style one status (``.badge.<slug>``, ``.key-figure.<slug>``
    …), in plain rules or inside ``@media``."""
    slugs = {row.slug for row in STATUSES}
    return [s for s in rules(css)
            if any(re.search(rf"\.{re.escape(slug)}(?![\w-])", s) for slug in slugs)]


# ------------------------------------------------------------------ the table itself

def test_every_status_of_the_rubric_has_exactly_one_row():
    assert Counter(row.status for row in STATUSES) == Counter(list(Status))
    assert [row.status for row in STATUSES] == list(Status)         # in the rubric's order
    assert len({row.slug for row in STATUSES}) == len(STATUSES)
    assert RUBRIC == tuple((row.status, row.meaning) for row in STATUSES)
    assert all(row.meaning and not row.meaning.isascii() for row in STATUSES)
    for row in STATUSES:
        assert status_row(str(row.status)) is row
        assert status_slug(str(row.status)) == row.slug
    assert status_slug("逾期未见达成") == "overdue-unmet"   # the slow books look for this class
    assert status_row("别的说法") is None and status_slug("别的说法") == OTHER_SLUG


@pytest.mark.parametrize("field, value", [("slug", "Done"), ("slug", "done;x"), ("slug", ""),
                                          ("colour", "green"), ("ink", "#fff"),
                                          ("colour", "#12345G"), ("colour", "#1b7837;")])
def test_a_row_takes_only_what_css_can_carry_unescaped(field, value):
    fields = dict(status=Status.DONE, slug="done", colour="#3f7f45", ink="#ffffff",
                  meaning="已完成")
    with pytest.raises(ValueError, match=field):
        StatusRow(**{**fields, field: value})


WHITE = "#ffffff"


def luma(colour: str) -> float:
    """The grey a colour prints as (ITU-R BT.601 on the sRGB values, as PDF viewers and printers
    turn colour to grey)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_the_contrast_formula_gives_the_known_ratios():
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)  # the AA grey
    assert contrast("#8c8c8c", WHITE) == pytest.approx(3.36, abs=0.01)  # the old grey badge


def test_every_status_colour_reads_at_aa_against_its_ink_and_the_page():
    """Badges are 7.5 pt bold: normal-size text, so 4.5:1 against their ink. The same colour
    draws the charts' bars (graphics: 3:1 against the white page) and their status words
    (text: 4.5:1), so it must reach 4.5:1 against white too."""
    for row in STATUSES:
        assert contrast(row.colour, row.ink) >= 4.5, (row.status, contrast(row.colour, row.ink))
        assert contrast(row.colour, WHITE) >= 4.5, (row.status, contrast(row.colour, WHITE))


def test_a_status_outside_the_table_reads_at_aa_too():
    from briefbook.charts import OTHER

    assert contrast(OTHER, WHITE) >= 4.5
    for name in ("book.css", "edition.css"):
        badge = rules((resources.TEMPLATES_DIR / name).read_text(encoding="utf-8"))[".badge"]
        ink = badge["color"]
        ink = "#" + "".join(c * 2 for c in ink[1:]) if len(ink) == 4 else ink  # #fff
        assert contrast(badge["background"], ink) >= 4.5, name


def test_a_cards_status_edge_stands_out_from_the_card():
    """The summary card's left edge is a graphic on the card's tint: 3:1."""
    tint = re.search(r"--tint:\s*(#[0-9a-f]{6})",
                     (resources.TEMPLATES_DIR / "book.css").read_text(encoding="utf-8")).group(1)
    for row in STATUSES:
        assert contrast(row.colour, tint) >= 3, row.status


def test_in_grey_the_three_commonest_statuses_differ():
    greys = sorted(luma(status_colour) for status_colour in (
        STATUS_COLOURS[Status.EXCEEDED], STATUS_COLOURS[Status.IN_PROGRESS],
        STATUS_COLOURS[Status.NO_REPORT]))
    assert greys[1] - greys[0] >= 20 and greys[2] - greys[1] >= 20, greys


# ------------------------------------------------------------------ the charts

def test_charts_draw_each_status_in_the_tables_colour():
    assert dict(STATUS_COLOURS) == {str(row.status): row.colour for row in STATUSES}
    svg = status_breakdown([StatusCount(str(row.status), 1) for row in STATUSES]).decode()
    fills = set(re.findall(r"fill:\s*(#[0-9a-f]{6})", svg))
    assert {row.colour for row in STATUSES} <= fills


def test_in_a_grey_rendering_the_bars_of_the_three_commonest_statuses_differ(renderer):
    """The chart laid out by WeasyPrint as in a book, rendered by PDFium and turned to grey
    (PIL's "L": BT.601): the bars of 超额完成, 推进中 and 未见报道 are three greys 20 levels
    apart or more."""
    words = ("超额完成", "推进中", "未见报道")
    svg = status_breakdown([StatusCount(word, 3) for word in words])
    pdf = renderer.writer.write('<html lang="zh-Hans"><body><img src="briefbook-generated:c.svg">'
                                "</body></html>", {"c.svg": (svg, "image/svg+xml")})
    doc = pdfium.PdfDocument(pdf)
    try:
        grey = doc[0].render(scale=2).to_pil().convert("L")
    finally:
        doc.close()
    width, height = grey.size
    pixels = grey.load()
    rows: Counter[int] = Counter()  # grey value -> rows crossed by a long run of it
    for y in range(height):
        run, value = 0, None
        for x in range(width):
            v = pixels[x, y]
            run = run + 1 if v == value else 1
            value = v
            if run == 60 and v < 200:
                rows[v] += 1
    bars = sorted(v for v, n in rows.items() if n >= 6)
    assert len(bars) == 3, rows
    assert bars[1] - bars[0] >= 20 and bars[2] - bars[1] >= 20, bars
    expected = sorted(luma(STATUS_COLOURS[word]) for word in words)
    assert all(abs(b - e) <= 3 for b, e in zip(bars, expected, strict=True)), (bars, expected)


# ------------------------------------------------------------------ the stylesheets

def test_no_stylesheet_writes_a_status_colour():
    for name in ("book.css", "edition.css"):
        css = (resources.TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert status_selectors(css) == [], name


def expect_status_rules(css: str) -> None:
    """``css`` styles every status from the table: badge background and ink, card edge."""
    styled = rules(css)
    for row in STATUSES:
        badge = styled.get(f".badge.{row.slug}", {})
        assert badge.get("background") == row.colour, (row.status, badge)
        assert badge.get("color") == row.ink, (row.status, badge)
        card = styled.get(f".key-figure.{row.slug}", {})
        assert card.get("border-left-color") == row.colour, (row.status, card)


def test_the_pdfs_page_styles_every_status_from_the_table_in_print_colours(renderer):
    html = renderer.html(renderer.book(FULL))
    styles = STYLE.findall(html)
    assert len(styles) == 1
    expect_status_rules(styles[0])


@pytest.mark.slow
def test_the_html_edition_styles_every_status_from_the_table_in_screen_colours(renderer):
    from briefbook.render.formats.html_edition import EDITION_CSS, render_html

    html = render_html(renderer, FULL)
    styles = STYLE.findall(html)
    assert len(styles) == 1
    assert EDITION_CSS.read_text(encoding="utf-8") in styles[0]
    expect_status_rules(styles[0])


@pytest.mark.slow
def test_in_a_browser_every_edition_badge_has_its_status_colour_and_overdue_is_not_grey(
        renderer, tmp_path):
    from playwright.sync_api import sync_playwright

    from briefbook.render.formats.html_edition import render_html_to_file

    edition = tmp_path / "full-book.html"
    render_html_to_file(FULL, edition, renderer)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(edition.as_uri())
            shown = page.evaluate("""slugs => slugs.map(slug => {
                const badge = document.createElement('span');
                badge.className = 'badge ' + slug;
                document.body.appendChild(badge);
                const style = getComputedStyle(badge);
                return [style.backgroundColor, style.color];
            })""", [row.slug for row in STATUSES] + [OTHER_SLUG])
        finally:
            browser.close()

    def rgb(colour: str) -> str:
        return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))

    *statuses, other = shown
    assert statuses == [[rgb(row.colour), rgb(row.ink)] for row in STATUSES]
    overdue = dict(zip((row.slug for row in STATUSES), statuses, strict=True))["overdue"]
    assert overdue[0] != other[0] and len(set(re.findall(r"\d+", overdue[0]))) > 1  # not grey
