"""Which reader a file goes to: by its suffix, checked against its first bytes; formats the
tool does not read are refused saying how to save them."""

from __future__ import annotations

import io
import zipfile

import pytest

from briefbook.core.errors import BriefbookError
from briefbook.corpus.formats import extract, format_of

TEXT = "青石镇完成管网改造\n2025-04-02 来源：青石镇人民政府\n\n工程更换主管道十二公里。\n".encode()
PAGE = b"<!DOCTYPE html>\n<html><head><meta charset=utf-8></head><body><p>x</p></body></html>"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def a_zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return out.getvalue()


WORD = a_zip("[Content_Types].xml", "word/document.xml")


@pytest.mark.parametrize(("name", "data", "fmt"), [
    ("a.txt", TEXT, "text"), ("A.TXT", TEXT, "text"), ("a", TEXT, "text"),
    ("notes.md", TEXT, "text"), ("page.html", PAGE, "html"), ("page.HTM", PAGE, "html"),
    ("page.shtml", PAGE, "html"), ("page.html", TEXT, "html"),  # a page of bare text
    ("report.pdf", PDF, "pdf"), ("report.docx", WORD, "docx"),
    ("download", PDF, "pdf"), ("saved.asp", PAGE, "html"), ("x.bin", WORD, "docx"),
])
def test_the_suffix_and_the_bytes_pick_the_reader(name, data, fmt):
    assert format_of(name, data, name) == fmt


@pytest.mark.parametrize(("name", "data", "said"), [
    ("report.pdf", TEXT, None), ("report.pdf", WORD, "a Word"), ("a.txt", PDF, "a PDF"),
    ("report.docx", PDF, "a PDF"), ("report.docx", a_zip("xl/workbook.xml"), "a ZIP"),
    ("a.txt", WORD, "a Word"),
])
def test_bytes_that_contradict_the_suffix_are_refused(name, data, said):
    if said is None:  # text named .pdf: not sniffed as anything else, read by the PDF reader
        assert format_of(name, data, name) == "pdf"
        return
    with pytest.raises(BriefbookError, match=f"named .* but its bytes are {said}") as err:
        format_of(name, data, name)
    assert ("rename it to end in ." if said != "a ZIP" else "the file you meant") in \
        (err.value.hint or "")


@pytest.mark.parametrize(("name", "hint"), [
    ("old.doc", "save it as a Word file (.docx)"), ("n.odt", "save it as a Word file"),
    ("p.mhtml", "HTML only"), ("scan.jpg", "run OCR"), ("t.xlsx", "metrics catalog"),
])
def test_formats_not_read_are_refused_with_what_to_do(name, hint):
    with pytest.raises(BriefbookError, match="cannot read") as err:
        format_of(name, b"\xd0\xcf\x11\xe0 whatever", name)
    assert hint in (err.value.hint or "")


def test_a_plain_zip_is_not_an_article():
    with pytest.raises(BriefbookError, match="a ZIP archive, not an article"):
        format_of("bundle.dat", a_zip("a.txt"), "bundle.dat")


def test_encoding_is_for_text_only():
    with pytest.raises(BriefbookError, match="--encoding applies to plain-text files; this "
                                             "is a PDF"):
        extract(PDF, name="r.pdf", where="r.pdf", encoding="gbk")


def test_text_goes_through_the_encoding_reader():
    got = extract(TEXT.decode().encode("gbk"), name="a.txt", where="a.txt")
    assert got.format == "text" and got.encoding == "gb18030" and got.text == TEXT.decode()
