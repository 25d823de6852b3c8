"""The status table (``metrics.status.STATUSES``) is the one place a status's class, colours and
meaning are written, and everything that shows a status reads it: the rubric, the book model's
classes, the charts and the status rules of the PDF and of the HTML edition.

Before the table the same facts were written in five places and had drifted: the HTML edition
styled statuses by hand in edition.css, with other colours than book.css and the charts.
"""

from __future__ import annotations

import re
from collections import Counter

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
                                          ("screen", "#12345G"), ("screen", "#1b7837;")])
def test_a_row_takes_only_what_css_can_carry_unescaped(field, value):
    fields = dict(status=Status.DONE, slug="done", colour="#5aae61", ink="#ffffff",
                  screen="#3f7f45", meaning="已完成")
    with pytest.raises(ValueError, match=field):
        StatusRow(**{**fields, field: value})


def test_the_editions_badges_read_at_4_5_to_1_and_differ_from_print_only_where_needed():
    for row in STATUSES:
        assert contrast(row.screen, row.ink) >= 4.5, row.status
        assert row.screen == row.colour or contrast(row.colour, row.ink) < 4.5, row.status


# ------------------------------------------------------------------ the charts

def test_charts_draw_each_status_in_the_tables_colour():
    assert dict(STATUS_COLOURS) == {str(row.status): row.colour for row in STATUSES}
    svg = status_breakdown([StatusCount(str(row.status), 1) for row in STATUSES]).decode()
    fills = set(re.findall(r"fill:\s*(#[0-9a-f]{6})", svg))
    assert {row.colour for row in STATUSES} <= fills


# ------------------------------------------------------------------ the stylesheets

def test_no_stylesheet_writes_a_status_colour():
    for name in ("book.css", "edition.css"):
        css = (resources.TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert status_selectors(css) == [], name


def expect_status_rules(css: str, background: str) -> None:
    """``css`` styles every status from the table: badge background and ink, card edge."""
    styled = rules(css)
    for row in STATUSES:
        badge = styled.get(f".badge.{row.slug}", {})
        assert badge.get("background") == getattr(row, background), (row.status, badge)
        assert badge.get("color") == row.ink, (row.status, badge)
        card = styled.get(f".key-figure.{row.slug}", {})
        assert card.get("border-left-color") == row.colour, (row.status, card)


def test_the_pdfs_page_styles_every_status_from_the_table_in_print_colours(renderer):
    html = renderer.html(renderer.book(FULL))
    styles = STYLE.findall(html)
    assert len(styles) == 1
    expect_status_rules(styles[0], "colour")


@pytest.mark.slow
def test_the_html_edition_styles_every_status_from_the_table_in_screen_colours(renderer):
    from briefbook.render.formats.html_edition import EDITION_CSS, render_html

    html = render_html(renderer, FULL)
    styles = STYLE.findall(html)
    assert len(styles) == 1
    assert EDITION_CSS.read_text(encoding="utf-8") in styles[0]
    expect_status_rules(styles[0], "screen")


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
    assert statuses == [[rgb(row.screen), rgb(row.ink)] for row in STATUSES]
    overdue = dict(zip((row.slug for row in STATUSES), statuses, strict=True))["overdue"]
    assert overdue[0] != other[0] and len(set(re.findall(r"\d+", overdue[0]))) > 1  # not grey
