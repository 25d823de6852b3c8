"""lint_pdf on a good PDF and on PDFs with real faults."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import matplotlib
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from plugins import sample_doc
from briefbook.checks.lint import lint_pdf, normalise_text
from briefbook.checks.render_log import capture_weasyprint_warnings
from briefbook.core.errors import BriefbookError
from briefbook.core.resources import FONTS_DIR

META = ('<title>测试</title><meta name="author" content="测试组">'
        '<meta name="dcterms.created" content="2021-07-25T00:00:00Z">')


def render(body: str, extra_css: str = "", head: str = META) -> bytes:
    fc = FontConfiguration()
    serif = (FONTS_DIR / "NotoSerifCJKsc-Regular.otf").as_uri()
    css = CSS(string=f'@font-face {{ font-family: "Noto Serif CJK SC"; src: url("{serif}"); }}'
                     f'html {{ font-family: "Noto Serif CJK SC"; }} {extra_css}', font_config=fc)
    html = f'<html lang="zh-Hans"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
    return HTML(string=html).write_pdf(stylesheets=[css], font_config=fc)


def test_good_document_passes(docs):
    report = lint_pdf(docs["base"].pdf, expected_pages=2, expected_texts=[
        "武汉“八大工程”进展简报", sample_doc.PARA_4, "586亿元", "图1 留汉大学生人数（万人）"])
    assert report.ok, report.failures
    assert report.warnings == []
    assert report.page_count == 2
    assert {f.family for f in report.fonts} == {"Noto Serif CJK SC", "Noto Sans CJK SC"}
    assert all(f.embedded and f.subset and f.has_to_unicode for f in report.fonts)
    assert report.metadata["Lang"] == "zh-Hans" and report.metadata["Title"].startswith("武汉")


def test_text_spanning_a_line_break_is_found(docs):
    report = lint_pdf(docs["base"].pdf)
    page2 = report.text[1]
    # PARA_4 wraps: PDFium puts a line break inside it, normalisation removes it
    assert sample_doc.PARA_4 not in page2 and "\n" in page2
    assert normalise_text(sample_doc.PARA_4) in normalise_text(page2)


def test_missing_text_and_wrong_page_count_fail(docs):
    report = lint_pdf(docs["char"].pdf, expected_pages=3,
                      expected_texts=[sample_doc.PARA_CHAR, "百分之四"])
    assert report.codes() == {"missing-text", "page-count"}
    assert any(sample_doc.PARA_CHAR in str(f) for f in report.failures)
    assert "2 page(s), expected 3" in str(report.failures[0])


def test_missing_metadata_fails_and_optional_metadata_warns():
    report = lint_pdf(render("<p>武汉</p>", head=""))
    assert report.codes() == {"metadata"}
    missing = " ".join(str(f) for f in report.failures)
    assert "Title" in missing and "Author" in missing and "CreationDate" in missing
    assert {str(w) for w in report.warnings} == {"metadata: document Subject is missing",
                                                 "metadata: document Keywords is missing"}


def test_system_font_is_not_allowed():
    """DejaVu Sans as the machine has it (fonts-dejavu-core, installed by make)."""
    assert "DejaVu Sans" in subprocess.run(["fc-list"], capture_output=True, text=True).stdout
    pdf = render('<p>武汉</p><p style="font-family: \'DejaVu Sans\'">Hello 2021</p>')
    report = lint_pdf(pdf)
    assert report.codes() == {"font-family"}
    assert "DejaVu Sans" in str(report.failures[0])
    # the font *is* embedded and subset: only the family is wrong
    dejavu = [f for f in report.fonts if f.family == "DejaVu Sans"][0]
    assert dejavu.embedded and dejavu.subset and dejavu.has_to_unicode


def test_css_alias_does_not_fool_the_family_check():
    """A @font-face called 'Noto Serif CJK SC' that loads DejaVu is still DejaVu."""
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = render("<p class=x>Hello</p>",
                 f'@font-face {{ font-family: "Fake Noto"; src: url("file://{dejavu}"); }}'
                 '.x { font-family: "Fake Noto"; }')
    report = lint_pdf(pdf)
    assert "font-family" in report.codes()
    assert any("DejaVu Sans" in str(f) for f in report.failures)


def test_notdef_glyph_is_caught_in_the_pdf_and_in_the_log():
    body = "<p>武汉\ue000工程</p>"
    with pytest.raises(BriefbookError, match=r"U\+E000"):
        with capture_weasyprint_warnings():
            render(body)
    with capture_weasyprint_warnings(strict=False) as log:
        pdf = render(body)
    assert log.notdef_codepoints == [0xE000]
    report = lint_pdf(pdf, expected_texts=["武汉"])
    assert report.codes() == {"notdef", "uncovered-char"}
    assert all("U+E000" in str(f) for f in report.failures)
    assert "U+6B66" not in str(report.failures)  # the good glyphs are not reported


def _edit(pdf: bytes, edit) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    fonts = writer.pages[0]["/Resources"]["/Font"]
    edit({str(k): v.get_object() for k, v in fonts.items()})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_unsubset_name_and_missing_tounicode_fail(docs):
    def edit(fonts):
        serif = [f for f in fonts.values() if "Serif" in str(f["/BaseFont"])][0]
        serif[NameObject("/BaseFont")] = NameObject("/Noto-Serif-CJK-SC")
        sans = [f for f in fonts.values() if "Sans-CJK-SC-Bold" in str(f["/BaseFont"])][0]
        del sans["/ToUnicode"]
    report = lint_pdf(_edit(docs["base"].pdf, edit))
    # without ToUnicode PDFium guesses the text, which may add "uncovered-char"
    assert {"font-not-subset", "font-no-tounicode"} <= report.codes()
    assert report.codes() <= {"font-not-subset", "font-no-tounicode", "uncovered-char"}


def _minimal_pdf(objects: list[bytes]) -> bytes:
    """A classic PDF with an xref table: object i+1 is objects[i]; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer << /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


CONTENT = b"BT /F1 24 Tf 72 720 Td (Hello world) Tj ET"
HELVETICA_PDF = _minimal_pdf([
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
    b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Length %d >>\nstream\n" % len(CONTENT) + CONTENT + b"\nendstream",
])


def test_unembedded_standard_font_fails_every_font_check():
    report = lint_pdf(HELVETICA_PDF, expected_texts=["Hello world"])
    assert {"font-not-embedded", "font-family", "font-no-tounicode", "metadata"} == report.codes()
    assert report.text == ["Hello world"]


def test_garbage_is_unreadable():
    report = lint_pdf(b"not a pdf at all")
    assert report.codes() == {"unreadable"} and not report.ok


def test_font_used_only_in_a_shared_form_is_reported_on_every_page():
    """A form XObject drawn on several pages (an edition's stamp): its fonts are on all."""
    from briefbook.distribute.editions import Stamper

    base = render('<p>第一页</p><p style="break-before: page">第二页</p>')
    stamper = Stamper(base)
    out = io.BytesIO()
    stamper.stamp(stamper.stamp_page("印章 第001份"), out)
    report = lint_pdf(out.getvalue(), expected_pages=2)
    assert report.ok, report.failures
    stamp_fonts = [f for f in report.fonts if f.family == "Noto Sans CJK SC"]
    assert stamp_fonts and all(f.pages == {1, 2} for f in stamp_fonts), \
        [(f.name, f.pages) for f in report.fonts]
