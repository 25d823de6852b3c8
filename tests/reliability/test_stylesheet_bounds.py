"""Hostile project stylesheets (issue 24): values past what WeasyPrint and Pango can hold,
generated content that bypassed the book's text budget, nesting that recursed without end.

Each is refused at file:line:column — by ``briefbook check``, before any layout, or (generated
content, which depends on the book) by the render before layout — with a clear message, exit 1
and no PDF; and a WeasyPrint warning about the stylesheet gets a hint that says what it is
(it used to talk about ``.notdef`` glyphs whatever the warning).

Through the real CLI entry point, on copies of the example project.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from briefbook.cli import main
from briefbook.project import stylesheet
from plugins.example import project_with_stylesheet
from plugins.cli import assert_clean_failure, run_cli

HAN = "汉"


def project_with(tmp_path: Path, css: str) -> Path:
    """A copy of the example project whose ``styles/house.css`` is ``css``."""
    return project_with_stylesheet(tmp_path / "p", css)


def check_fails(capsys, root: Path) -> str:
    """``briefbook check`` of a brief of the project: exit 1, a message, no traceback."""
    with pytest.raises(SystemExit) as info:
        main(["check", str(root / "briefs" / "summary-sheet.yaml")])
    err = capsys.readouterr().err
    assert info.value.code == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    return err


# css, where the problem is (line:column), what the message says
REFUSED = [
    # the issue's two: Pango's 32-bit size overflows (OverflowError, ZeroDivisionError)
    ("* { font-size: 1e9px }", "1:5", "a font size of 7.5e+08pt is outside 4–300pt"),
    ("h1 { font-size: 3e6px }", "1:6", "a font size of 2.25e+06pt is outside 4–300pt"),
    # found by trying: OverflowError in Pango
    ("p { letter-spacing: 1e9px }", "1:5", "a spacing of 7.5e+08pt is outside"),
    ("p { letter-spacing: -1e9px }", "1:5", "a spacing of -7.5e+08pt is outside"),
    ("p { word-spacing: 1e9px }", "1:5", "a spacing of 7.5e+08pt is outside"),
    ("p {\n  text-indent: 1e9px;\n}", "2:3", "a length here reaches 7.5e+08pt"),
    # a PDF with no pages (pypdf: "unable to find /Root")
    ("@page { size: 1e300px }", "1:9", "the limit is 14,400pt"),
    # unbounded time: a 0.01pt font fills each contents leader with millions of dots (300 s,
    # 2 GB); em and % multiply down (or up) through nested elements
    ("* { font-size: 0.01pt }", "1:5", "a font size of 0.01pt is outside 4–300pt"),
    ("* { font-size: 0.5em }", "1:5", "relative to the parent's size"),
    ("* { font-size: 2em }", "1:5", "relative to the parent's size"),
    ("li { font-size: larger }", "1:6", "relative to the parent's size"),
    ("p { font-size: calc(1px * 1e9) }", "1:5", "calc() in a font size"),
    ("p { letter-spacing: -0.3em }", "1:5", "a spacing of -0.3em is outside -0.05–2em"),
    # a 40 × 40 mm text area took the example book from 19 s to 224 s
    ("\n@page { size: 50mm; margin: 5mm }", "2:1", "a text area of 40 × 40 mm"),
    ("@page { margin: 140mm 100mm }", "1:1", "a text area of 10 × 17 mm on a page of 210 × 297 mm (A4)"),
    # calc(), var() and the math functions are bounded, not trusted
    ("p { width: calc(1e9px * 1e9) }", "1:5", "a length here reaches 7.5e+17pt"),
    ("p { width: calc(1px / (1 - 1)) }", "1:5", "its size can't be bounded"),
    ("p { margin-left: calc(1px * pow(10, 300)) }", "1:5", "a length here reaches 7.5e+299pt"),
    ("p { width: calc(infinity * 1px) }", "1:5", "its size can't be bounded"),
    (":root { --w: 1e9px }\np { width: var(--w) }", "2:5", "a length here reaches 7.5e+08pt"),
    (":root { --big: 1e9px }\np { font-size: var(--big) }", "2:5", "a font size of 7.5e+08pt"),
    ("p { width: attr(start px) }", "1:5", "attr() is allowed in content only"),
    (":root { --n: attr(start px) }\np { width: var(--n) }", "2:5", "its size can't be bounded"),
    (":root { --a0: 1px; "
     + " ".join(f"--a{i}: var(--a{i - 1}) var(--a{i - 1}) var(--a{i - 1}) var(--a{i - 1});"
                for i in range(1, 6)) + " }", "1:", "tokens once its var() are substituted"),
    ("body { counter-reset: x 99999999999999999999 }", "1:8", "a number here can reach 1e+20"),
    ("p { transform: scale(1e9) }", "1:5", "a number here can reach 1e+09"),
    ("p { width: " + "calc(" * 40 + "1px" + ")" * 40 + " }", "1:", "nest more than 32 deep"),
    # CSS nesting copies the parent selector per `&`: eight levels kept WeasyPrint busy 54 s
    ("a, b " + "{ & a, & b " * 8 + "{ color: red }" + " }" * 8, "1:41",
     "this nested rule's selector expands to 3,320 tokens"),
    # generated text: the issue's 2,000 characters, and counters that repeat without end
    (f'p::after {{ content: "{HAN * 2000}" }}', "1:12", "generates 2,000 characters"),
    ('a::after { content: target-text(attr(href)) }', "1:12", "target-text() is not allowed"),
    ("@counter-style s { system: symbolic; symbols: a }\nli { list-style: s }", "1:1",
     "it is symbolic without a finite range: its text grows with the counter's value"),
    ("@counter-style r { system: extends upper-roman; range: 1 infinite }", "1:1",
     "extends a built-in style without a finite range"),
    ('@counter-style z { system: numeric; symbols: "0" "1"; pad: 1000000 "0" }', "1:1",
     "its pad makes 1,000,000 characters"),
    (f'li {{ list-style-type: "{HAN * 100}" }}', "1:6", "a string of 100 characters"),
    # in @media, in CSS nesting, in a custom property: found all the same
    ("@media print {\n  h2 { font-size: 1e9px }\n}", "2:8", "outside 4–300pt"),
    ("div {\n  & p { font-size: 1e9px }\n}", "2:9", "outside 4–300pt"),
]


@pytest.mark.parametrize(("css", "position", "needle"), REFUSED,
                         ids=[c[0][:40] for c in REFUSED])
def test_a_hostile_value_is_refused_at_its_position(tmp_path, capsys, css, position, needle):
    root = project_with(tmp_path, css)
    start = time.perf_counter()
    err = check_fails(capsys, root)
    assert f"house.css:{position}" in err, err
    assert needle in err, err
    assert "hint:" in err, err
    assert time.perf_counter() - start < 10


def test_the_values_a_book_uses_pass(tmp_path, capsys):
    """No false alarms: sizes in pt, mm and rem, calc() of lengths, var(), a counter style
    with a range, margins that leave an A5 text area, CSS nesting, generated text."""
    css = """
    :root { --gap: 4mm; --accent: #8a1c1c; }
    @page { size: A5; margin: 20mm 15mm 18mm 15mm;
            @bottom-center { content: "第 " counter(page) " 页"; font-size: 8pt; } }
    @page :first { margin-top: 40mm; }
    @counter-style circled { system: fixed; symbols: ① ② ③ ④ ⑤ ⑥ ⑦ ⑧ ⑨ ⑩; }
    @counter-style stars { system: symbolic; symbols: "*"; range: 1 4; }
    html { font-size: 10.5pt; }
    h1 { font-size: 18pt; letter-spacing: 0.1em; line-height: 1.4; margin: 0 0 var(--gap); }
    h2 { font-size: 1rem; word-spacing: 0.25em; }
    .badge { font-size: 0.8rem; padding: 0 calc(var(--gap) / 2); color: var(--accent); }
    blockquote { margin: 0 calc(2em + 1mm); max-width: 44em; width: calc(100% - 2em); }
    figure { width: min(100%, 120mm); transform: rotate(90deg) scale(0.8); }
    section { & > h2::before { content: counter(section, circled) "　"; } }
    a::after { content: "（" attr(href) "）"; }
    q { quotes: "「" "」" "『" "』"; }
    ol.steps { list-style: stars; }
    """
    root = project_with(tmp_path, css)
    with pytest.raises(SystemExit) as info:
        main(["check", str(root / "briefs" / "summary-sheet.yaml")])
    assert info.value.code in (0, None), capsys.readouterr().err


def test_many_problems_are_listed_up_to_a_limit(tmp_path, capsys):
    css = "".join(f".c{i} {{ font-size: 1e9px }}\n" for i in range(100))
    err = check_fails(capsys, project_with(tmp_path, css))
    assert err.count("outside 4–300pt") == stylesheet.MAX_PROBLEMS_SHOWN
    assert f"and {100 - stylesheet.MAX_PROBLEMS_SHOWN} more problem(s)" in err


# ---- the render, through the real CLI ----------------------------------------------------

@pytest.mark.parametrize(("css", "brief"), [
    ("* { font-size: 1e9px }", "summary-sheet.yaml"),  # was: internal error: OverflowError
    ("h1 { font-size: 3e6px }", "full-book.yaml"),     # was: internal error: ZeroDivisionError
])
def test_the_issue_cases_render_to_a_clear_error(tmp_path, css, brief):
    root = project_with(tmp_path, css)
    out = tmp_path / "out"
    result = run_cli("render", root / "briefs" / brief, "--out-dir", out, "--project", root,
                     timeout=120)
    assert_clean_failure(result, "house.css:1:", "is outside 4–300pt")
    assert not out.exists() or not any(out.iterdir())


def test_generated_text_past_the_budget_stops_the_render_before_layout(tmp_path):
    """100 generated characters after each of the sheet's 72 elements (92 before issue 27's
    lighter page took the typesetting spans out of the HTML; 91 before the status colours came
    in a <style> of the page; the count is an upper bound and counts the head's elements too):
    7,200 characters (9,200 took 29 s to lay out; 300 after each: over 200 s).
    Refused before layout."""
    css = f'*::after {{ content: "{HAN * 100}" }}\n'
    root = project_with(tmp_path, css)
    out = tmp_path / "out"
    start = time.perf_counter()
    result = run_cli("render", root / "briefs" / "summary-sheet.yaml", "--out-dir", out,
                     "--project", root, timeout=120)
    assert_clean_failure(result, "house.css:1:12", "would add 7,200 characters to this book",
                         f"the limit is {stylesheet.MAX_GENERATED_CHARS:,}", "`*::after`")
    assert not out.exists() or not any(out.iterdir())
    assert time.perf_counter() - start < 25


def test_a_warning_about_the_stylesheet_gets_a_hint_about_the_stylesheet(tmp_path):
    """An unknown property is a WeasyPrint warning; its hint used to say a `.notdef glyph
    means a character the bundled fonts lack`, whatever the warning was. A warning that quotes
    a long value is cut (WeasyPrint quotes the whole declaration: a megabyte, once)."""
    root = project_with(tmp_path, f"p {{\n  colr: red;\n  colour: '{'x' * 5000}';\n}}\n")
    result = run_cli("render", root / "briefs" / "summary-sheet.yaml", "--out-dir",
                     tmp_path / "out", "--project", root, timeout=120)
    assert_clean_failure(result, "house.css", "Ignored `colr: red", "at 2:3", "Ignored `colour")
    hint = result.stderr.split("hint:", 1)[1]
    assert ".notdef" not in hint and "fonts lack" not in hint, hint
    assert "WeasyPrint skipped this CSS" in hint and "fix the declaration or remove it" in hint
    assert max(len(line) for line in result.stderr.splitlines()) < 400


def test_each_warning_gets_its_own_hint():
    from briefbook.render.engine.pdf import _hint

    notdef = _hint(".notdef glyph rendered for Unicode string unsupported by fonts: \"\" (U+E000)")
    assert "character the bundled fonts lack" in notdef
    assert "refused" not in notdef and "CSS" not in notdef
    refused = _hint("refused to load file:///etc/passwd")
    assert "inside the project folder" in refused and ".notdef" not in refused
    font = _hint("Font-face 'House' cannot be loaded")
    assert "@font-face src" in font and ".notdef" not in font
