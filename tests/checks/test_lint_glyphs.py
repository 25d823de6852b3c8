"""lint's glyph-lookup check: a viewer that follows ISO 32000-1 finds each shown glyph through
the embedded CFF charset (code → CID → glyph); WeasyPrint writes glyph ids as codes, which
only holds for a face whose CIDs equal its glyph ids.

The faulty faces are made here from a bundled one: hb-subset renumbers the glyphs and keeps
their CIDs (the fault as it happened), and a face whose CIDs are rotated by one makes every
character land on its neighbour's glyph. PDFs are rewritten with pypdf to show the same
glyphs the way other writers do (bare CFF, codes that are CIDs, a TrueType CIDToGIDMap).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib
import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ByteStringObject, ContentStream, DecodedStreamObject, NameObject
from typer.testing import CliRunner
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from briefbook.checks.lint import lint_pdf
from briefbook.cli import load_commands
from briefbook.core.fonts import cid_mismatches
from briefbook.core.resources import FONTS_DIR

SANS = FONTS_DIR / "NotoSansCJKsc-Regular.otf"
SERIF = FONTS_DIR / "NotoSerifCJKsc-Regular.otf"
META = ('<title>测试</title><meta name="author" content="测试组">'
        '<meta name="dcterms.created" content="2021-07-25T00:00:00Z">')
WHY = ("its embedded CFF font is CID-keyed with CIDs other than its glyph ids, and the codes "
       "are glyph ids (/CIDToGIDMap /Identity, which CFF fonts do not use); render with a "
       "font whose CIDs equal its glyph ids (`briefbook font fix IN OUT` writes one)")
STANDARD = ("print wrong in viewers that follow the PDF standard (MuPDF, pdf.js, Ghostscript; "
            "pdfium and Poppler show them right)")


# ---------------------------------------------------------------------------------- helpers

def hb_subset(source: Path, text: str, target: Path) -> Path:
    """``source`` cut to ``text`` by HarfBuzz: glyph ids 1…n, the CIDs of ``source`` kept."""
    subset_input = hb.SubsetInput()
    for char in text:
        subset_input.unicode_set.add(ord(char))
    target.write_bytes(hb.subset(hb.Face(hb.Blob.from_file_path(str(source))),
                                 subset_input).blob.data)
    return target


def rotate_cids(source: Path, target: Path) -> Path:
    """``source`` with glyph k's CID set to k+1 (the last glyph's to 1): the code of glyph k,
    read as a CID, finds glyph k-1."""
    with TTFont(source, recalcBBoxes=False, recalcTimestamp=False) as font:
        top = font["CFF "].cff.topDictIndex[0]
        old = list(top.charset)
        count = len(old) - 1
        new = [".notdef"] + [f"cid{gid % count + 1:05d}" for gid in range(1, count + 1)]
        strings = top.CharStrings
        strings.charStrings = {new[gid]: strings.charStrings[name] for gid, name in enumerate(old)}
        top.charset = new
        font.setGlyphOrder(new)
        font.save(target)
    return target


def render(font: Path, *pages: str, family: str = "Test Face") -> bytes:
    """Each of ``pages`` on its own page, set in ``font``."""
    config = FontConfiguration()
    css = CSS(string=f'@font-face {{ font-family: "{family}"; src: url("{font.as_uri()}"); }}'
                     f'html {{ font-family: "{family}"; }} p + p {{ break-before: page; }}',
              font_config=config)
    body = "".join(f"<p>{text}</p>" for text in pages)
    html = (f'<html lang="zh-Hans"><head><meta charset="utf-8">{META}</head>'
            f'<body>{body}</body></html>')
    return HTML(string=html).write_pdf(stylesheets=[css], font_config=config)


def lint(pdf: bytes, **kwargs):
    return lint_pdf(pdf, allowed_families=("Test Face", "Noto Serif CJK SC", "Noto Sans CJK SC",
                                           "DejaVu Sans"), **kwargs)


def glyph_failures(report) -> list[str]:
    return [issue.message for issue in report.failures if issue.code == "glyph-lookup"]


def _fonts(writer: PdfWriter):
    """Each Type0 font of the document once: (font, descendant, font program stream)."""
    seen = {}
    for page in writer.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
            seen[ref.idnum] = (font, descendant, descriptor[key].get_object())
    return list(seen.values())


def rewrite(pdf: bytes, *, code=None, bare_cff: bool = False, cid_map=None,
            drop_cid_map: bool = False) -> bytes:
    """``pdf`` (one font) rewritten: every shown code and ToUnicode key through ``code``; the
    OpenType program replaced by its bare CFF (FontFile3 /CIDFontType0C); /CIDToGIDMap a
    stream from ``cid_map`` (CID → glyph id) or dropped."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    [(font, descendant, program)] = _fonts(writer)
    if code is not None:
        for page in writer.pages:
            content = ContentStream(page.get_contents(), writer)
            for operands, operator in content.operations:
                if operator == b"TJ":
                    operands[0][:] = [_recode(item, code) for item in operands[0]]
                elif operator == b"Tj":
                    operands[0] = _recode(operands[0], code)
            page.replace_contents(content)
        to_unicode = font["/ToUnicode"].get_object()  # WeasyPrint writes bfchar lines only
        head, _, rest = to_unicode.get_data().decode("latin-1").partition("beginbfchar")
        pairs, _, tail = rest.partition("endbfchar")
        lines = [f"<{code(int(source, 16)):04x}> <{target}>"
                 for source, target in (re.findall(r"<(\w+)>\s*<(\w*)>", pairs))]
        to_unicode.set_data(("\n".join([f"{head}beginbfchar", *lines, f"endbfchar{tail}"]))
                            .encode("latin-1"))
    if bare_cff:
        with TTFont(io.BytesIO(program.get_data())) as otf:
            cff = otf.getTableData("CFF ")
        stream = DecodedStreamObject()
        stream.set_data(cff)
        stream[NameObject("/Subtype")] = NameObject("/CIDFontType0C")
        descriptor = descendant["/FontDescriptor"].get_object()
        descriptor[NameObject("/FontFile3")] = writer._add_object(stream)
    if drop_cid_map:
        del descendant["/CIDToGIDMap"]
    if cid_map is not None:
        size = max(cid_map) + 1
        table = bytearray(2 * size)
        for cid, gid in cid_map.items():
            table[2 * cid:2 * cid + 2] = gid.to_bytes(2, "big")
        stream = DecodedStreamObject()
        stream.set_data(bytes(table))
        descendant[NameObject("/CIDToGIDMap")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _recode(item, code):
    if isinstance(item, (bytes, str)) or hasattr(item, "original_bytes"):
        data = item.original_bytes if hasattr(item, "original_bytes") else bytes(item)
        return ByteStringObject(b"".join(code((data[i] << 8) | data[i + 1]).to_bytes(2, "big")
                                         for i in range(0, len(data) - 1, 2)))
    return item


def embedded_charset(pdf: bytes) -> dict[int, int]:
    """Glyph id → CID of the one embedded CFF font."""
    reader = PdfReader(io.BytesIO(pdf))
    descendant = next(iter(reader.pages[0]["/Resources"]["/Font"].values())).get_object()[
        "/DescendantFonts"][0].get_object()
    data = descendant["/FontDescriptor"]["/FontFile3"].get_object().get_data()
    with TTFont(io.BytesIO(data)) as font:
        top = font["CFF "].cff.topDictIndex[0]
        return {gid: int(name[3:]) for gid, name in enumerate(top.charset) if gid}


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("faces")
    subset = hb_subset(SANS, "武汉本文测试一二三", folder / "subset.otf")
    return {"subset": subset,
            "rotated": rotate_cids(hb_subset(SANS, "一二三", folder / "three.otf"),
                                   folder / "rotated.otf")}


# ------------------------------------------------------------------------------------ tests

def test_the_test_faces_have_the_fault(faces):
    assert cid_mismatches(faces["subset"]) == 11  # 9 characters, 2 GSUB alternates
    assert cid_mismatches(faces["rotated"]) == 3
    assert cid_mismatches(SANS) == 0


def test_a_subset_whose_cids_are_not_its_glyph_ids_fails_naming_font_characters_pages(faces):
    report = lint(render(faces["subset"], "武汉本文", "测试", "一二三武"))
    [message] = glyph_failures(report)
    name = report.fonts[0].name
    assert name.endswith("+Test-Face")
    assert message == (
        f"font {name} (pages 1-3): 9 character(s) {STANDARD}: U+6B66 '武' (no glyph), "
        "U+6C49 '汉' (no glyph), U+672C '本' (no glyph), U+6587 '文' (no glyph), "
        "U+6D4B '测' (no glyph), U+8BD5 '试' (no glyph) and 3 more — " + WHY)
    assert report.codes() == {"glyph-lookup"}  # pdfium's reading is fine: no .notdef, text ok


def test_pages_are_those_that_show_a_wrong_glyph(faces):
    # the rotated face: glyph k has CID k+1, so code k (a CID) finds glyph k-1; 一, 三, 二 are
    # glyphs 1, 2, 3 (the bundled face's order), so 一 draws 二, 二 draws 三, 三 draws 一
    pdf = render(faces["rotated"], "一二三", "", "三二")
    assert embedded_charset(pdf) == {1: 2, 2: 3, 3: 1}
    report = lint(pdf)
    [message] = glyph_failures(report)
    assert message == (
        f"font {report.fonts[0].name} (pages 1,3): 3 character(s) {STANDARD}: "
        "U+4E00 '一' (draws U+4E8C '二'), U+4E8C '二' (draws U+4E09 '三'), "
        "U+4E09 '三' (draws U+4E00 '一') — " + WHY)


def test_a_wrong_glyph_outside_the_subset_draws_a_blank(faces):
    # only 二 (glyph 3) is shown: the glyph its code finds, 三's, is in the PDF's subset but
    # empty (WeasyPrint keeps glyph ids and empties unused glyphs), so the viewer draws nothing
    report = lint(render(faces["rotated"], "二"))
    [message] = glyph_failures(report)
    assert f"(page 1): 1 character(s) {STANDARD}: U+4E8C '二' (draws a blank) — " in message


def test_the_bundled_faces_pass():
    pdf = render(SERIF, "武汉“八大工程”——本文测试", "2020—2021", "武—汉。", family="Noto Serif CJK SC")
    # two glyphs for U+2014: the cmap's, and between ideographs one that GSUB chose, which
    # the cmap gives to U+2015 — the code is that glyph's CID, so it is no fault
    reader = PdfReader(io.BytesIO(pdf))
    font = next(iter(reader.pages[0]["/Resources"]["/Font"].values())).get_object()
    dashes = {int(code, 16) for code in re.findall(
        r"<(\w+)>\s*<2014>", font["/ToUnicode"].get_object().get_data().decode("latin-1"))}
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    with TTFont(io.BytesIO(descriptor["/FontFile3"].get_object().get_data())) as program:
        assert program.getGlyphID(program.getBestCmap()[0x2014]) in dashes and len(dashes) == 2
    report = lint(pdf)
    assert report.ok, report.failures
    assert glyph_failures(report) == []


def test_the_sample_document_passes(docs):
    assert glyph_failures(lint_pdf(docs["base"].pdf)) == []


def test_bare_cff_without_cmap_is_checked_through_its_charset(faces):
    pdf = rewrite(render(faces["subset"], "武汉", "本文"), bare_cff=True)
    [(_, _, program)] = _fonts(PdfWriter(clone_from=PdfReader(io.BytesIO(pdf))))
    assert program["/Subtype"] == "/CIDFontType0C"
    report = lint(pdf)
    [message] = glyph_failures(report)
    assert message.startswith(f"font {report.fonts[0].name} (pages 1-2): 4 character(s) "
                              f"{STANDARD}: U+6B66 '武' (no glyph), U+6C49 '汉' (no glyph), "
                              "U+672C '本' (no glyph), U+6587 '文' (no glyph) — ")


def test_bare_cff_rotated_draws_the_neighbour_glyph_without_a_cmap(faces):
    report = lint(rewrite(render(faces["rotated"], "一二三"), bare_cff=True))
    [message] = glyph_failures(report)
    # no cmap: the wrong glyphs are named by id
    assert ": U+4E00 '一' (draws glyph 3), U+4E8C '二' (draws glyph 2), " \
           "U+4E09 '三' (draws glyph 1) — " in message


@pytest.mark.parametrize("bare_cff", [False, True])
def test_codes_that_are_cids_pass(faces, bare_cff):
    """The same subset written the standard way (codes are CIDs, no /CIDToGIDMap), as a
    writer that follows ISO 32000-1 does: every viewer draws it right, so lint passes."""
    pdf = render(faces["subset"], "武汉本文", "测试一二三")
    cids = embedded_charset(pdf)
    report = lint(rewrite(pdf, code=lambda c: cids.get(c, c), drop_cid_map=True,
                          bare_cff=bare_cff))
    assert glyph_failures(report) == [] and "notdef" not in report.codes(), report.failures


def test_glyph_ids_as_codes_without_identity_are_caught_through_the_cmap(faces):
    """No /CIDToGIDMap: the codes are the glyph ids of the ToUnicode characters in the
    program's cmap, not their CIDs."""
    report = lint(rewrite(render(faces["rotated"], "一二三"), drop_cid_map=True))
    [message] = glyph_failures(report)
    assert ": U+4E00 '一' (draws U+4E8C '二'), U+4E8C '二' (draws U+4E09 '三'), " \
           "U+4E09 '三' (draws U+4E00 '一') — the codes are not CIDs of its embedded " \
           "CID-keyed CFF font; render with a font whose CIDs" in message


#: A TrueType face every install has: matplotlib (a pinned dependency) ships DejaVu Sans.
DEJAVU = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def test_truetype_with_a_cid_to_gid_map_stream():
    pdf = render(DEJAVU, "Hello", family="DejaVu Sans")
    [(_, descendant, _)] = _fonts(PdfWriter(clone_from=PdfReader(io.BytesIO(pdf))))
    assert descendant["/Subtype"] == "/CIDFontType2"
    glyphs = set(_shown_codes(pdf))
    # the codes become CIDs 1000+, the map sends each back to its glyph: right everywhere
    moved = rewrite(pdf, code=lambda c: c + 1000, cid_map={g + 1000: g for g in glyphs})
    report = lint(moved)
    assert "notdef" not in report.codes() and glyph_failures(report) == [], report.failures
    # a map that sends a CID past the font's glyphs: .notdef
    broken = rewrite(pdf, code=lambda c: c + 1000, cid_map={g + 1000: 60000 for g in glyphs})
    assert "notdef" in lint(broken).codes()


def _shown_codes(pdf: bytes) -> list[int]:
    reader = PdfReader(io.BytesIO(pdf))
    codes = []
    for operands, operator in ContentStream(reader.pages[0].get_contents(), reader).operations:
        if operator == b"TJ":
            for item in operands[0]:
                if hasattr(item, "original_bytes") or isinstance(item, bytes):
                    data = item.original_bytes if hasattr(item, "original_bytes") else bytes(item)
                    codes += [(data[i] << 8) | data[i + 1] for i in range(0, len(data) - 1, 2)]
    return codes


def test_the_lint_command_prints_the_failure_and_exits_1(faces, tmp_path):
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(render(faces["rotated"], "一二三", family="Noto Sans CJK SC"))
    result = CliRunner().invoke(load_commands("lint"), ["lint", str(pdf)])
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert re.fullmatch(
        rf"FAIL glyph-lookup: font [A-Z]{{6}}\+Noto-Sans-CJK-SC \(page 1\): 3 character\(s\) "
        rf"{re.escape(STANDARD)}: U\+4E00 '一' \(draws U\+4E8C '二'\), U\+4E8C '二' \(draws "
        rf"U\+4E09 '三'\), U\+4E09 '三' \(draws U\+4E00 '一'\) — {re.escape(WHY)}", line), line
