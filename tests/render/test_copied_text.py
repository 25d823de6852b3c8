"""Copied text equals the source, in pdftotext (Poppler), pdfium and pdf.js (issue 22, item 4).

The quarter-em beside a Latin run and the letter-spacing of a justified line are gaps between
glyphs; extractors read a gap over about a tenth of an em as a space, so "2020年6月" came out as
"2020 年 6 月" in all three. render/engine/runs.py marks each run of text on a line and
render/engine/bridge.py makes each gap of a run part of the glyph advance before it (PDF/A keeps its
gaps and gets ActualText instead). Here each paragraph of a brief written for the test — Han
with dates, figures, percentages, Latin words and a long justified paragraph — and three
quoted corpus paragraphs must come out of each extractor exactly as written, line breaks aside.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import yaml
from PIL import Image, ImageChops

from briefbook.corpus import load_corpus
from briefbook.render import Renderer
from briefbook.render.engine.bridge import finish_runs
from briefbook.render.engine.runs import TAG
from plugins.example import BRIEFS_DIR, CORPUS_DIR, copy_project
from plugins.pdf_text import placed_chars

#: Text written for this test: each paragraph mixes Han with the Latin runs the quarter-em
#: spaces (dates, decimals, percentages, ranges, words); the last is long enough to be set as
#: several justified lines.
PARAGRAPHS = [
    "2020年6月，全会提出力争全年留下25万大学生；2021年7月报道新增30.2万人，完成121%。",
    "PM2.5年均浓度降到35微克，GDP增长6.5%，5G基站新建1.2万个，覆盖率达到95%以上。",
    "截至2021年6月30日，共有1793个单位党组织、14.9万余名党员干部到社区报到，"
    "比2020年底多出2.1万名；其中约60%集中在中心城区，新城区占40%，"
    "各区在7月至9月之间分三批完成登记，第一批在7月15日前，第二批在8月20日前，"
    "第三批在9月30日前，每批都有APP线上登记和窗口登记两种方式可选。",
]
QUOTES = ("hbrb-2020-06-29/s6/p1", "cjrb-2021-07-25/s3/p3", "cjrb-2021-07-25/s5/p4")


def unbroken(text: str) -> str:
    """Text with the line breaks an extractor puts at each line end taken out (nothing else:
    a space anywhere else is a space the reader would paste)."""
    return re.sub(r"[\r\n]+", "", text)


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout


def pdfium_text(path: Path) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


EXTRACTORS = ["pdftotext", "pdfium", "pdf.js"]


@pytest.fixture(scope="module")
def extract(pdfjs_browser):
    def pdfjs(path: Path) -> str:
        return "\n".join(pdfjs_browser.page_texts(path))

    def run(name: str, path: Path) -> str:
        return {"pdftotext": pdftotext, "pdfium": pdfium_text, "pdf.js": pdfjs}[name](path)
    return run


@pytest.fixture(scope="module")
def mixed_book(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A brief of the paragraphs above, rendered plain, as PDF/UA-1 and as PDF/A-3b."""
    root = tmp_path_factory.mktemp("copied")
    project = copy_project(root / "project", briefs=False)
    brief = root / "project" / "mixed.yaml"
    brief.write_text(yaml.safe_dump({
        "title": "复制文字测试", "issuer": "城市治理研究组", "date": "2021-08-16",
        "cover": False, "contents": False,
        "summary": {"text": PARAGRAPHS[0]},
        "sections": [{"heading": "混排段落", "commentary": "\n\n".join(PARAGRAPHS[1:])}],
    }, allow_unicode=True, sort_keys=False), encoding="utf-8")
    renderer = Renderer(project)
    paths = []
    for variant in (None, "pdf/ua-1", "pdf/a-3b"):
        path = root / f"mixed-{(variant or 'plain').replace('/', '-')}.pdf"
        path.write_bytes(renderer.render(brief, variant=variant))
        paths.append(path)
    return tuple(paths)


@pytest.mark.slow
@pytest.mark.parametrize("engine", EXTRACTORS)
@pytest.mark.parametrize("variant", ["plain", "pdf/ua-1"])
def test_mixed_paragraphs_copy_as_written(mixed_book, extract, engine, variant):
    path = mixed_book[0 if variant == "plain" else 1]
    text = unbroken(extract(engine, path))
    for paragraph in PARAGRAPHS:
        assert paragraph in text, f"{engine} ({variant}) reads:\n{text}"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["pdftotext", "pdfium"])
def test_pdf_a_copies_as_written_through_actual_text(mixed_book, extract, engine):
    """PDF/A keeps its gaps (its /W must equal the font's widths) and carries each run's text
    as ActualText, which Poppler and pdfium read (pdf.js 6.5 does not)."""
    text = unbroken(extract(engine, mixed_book[2]))
    for paragraph in PARAGRAPHS:
        assert paragraph in text, f"{engine} (pdf/a-3b) reads:\n{text}"


@pytest.mark.slow
def test_pdf_a_widths_are_the_font_programs_and_runs_are_actual_text(mixed_book):
    with pikepdf.open(mixed_book[2]) as pdf:
        fonts = {str(name) for page in pdf.pages for name in page.Resources.Font.keys()}
        assert not any(re.search(r"w\d+$", name) for name in fonts), fonts  # no widened copy
        spans = [operands[1].ActualText for page in pdf.pages
                 for operands, operator in pikepdf.parse_content_stream(page)
                 if str(operator) == "BDC" and "/ActualText" in operands[1]]
    assert PARAGRAPHS[0] in "".join(str(span) for span in spans)  # one span per line


@pytest.mark.slow
@pytest.mark.parametrize("engine", EXTRACTORS)
def test_quoted_corpus_paragraphs_copy_verbatim(example_pdfs, extract, engine, tmp_path):
    corpus = load_corpus(CORPUS_DIR)
    path = tmp_path / "full-book.pdf"
    path.write_bytes(example_pdfs["full-book"])
    text = unbroken(extract(engine, path))
    for pid in QUOTES:
        assert corpus.paragraph(pid).text in text, f"{engine}: {pid}"
    assert "2020年6月" in text and "30.2万人" in text


@pytest.mark.slow
def test_no_run_mark_is_left_and_pages_are_unchanged(renderer, mixed_book, tmp_path):
    """The marks are gone from every output, and bridging moves no glyph: the plain PDF looks
    exactly like the same PDF with its marks dropped and no gap bridged."""
    for path in mixed_book:
        with pikepdf.open(path) as pdf:
            tags = {str(operands[0]) for page in pdf.pages
                    for operands, operator in pikepdf.parse_content_stream(page)
                    if str(operator) in ("BDC", "BMC")}
        assert f"/{TAG}" not in tags, path.name
    brief = BRIEFS_DIR / "note-grassroots.yaml"
    book = renderer.book(brief)
    raw = renderer.write_keeping_footnotes(renderer.html(book), renderer.charts(book),
                                           where=str(brief))
    bridged = finish_runs(raw)
    assert bridged != raw
    # Every glyph's origin, as pdfium reads it, is where it was (to the 0.01 pt the bridge
    # writes numbers to), and Poppler draws the same pixels but for the anti-aliasing of a
    # glyph or two (at most 0.05 % of a page): where a show is cut to go on in another copy
    # of its font, a renderer places the next glyphs from that show's start, and a glyph's
    # sub-pixel position can round the other way (pdfium, which snaps each text object to its
    # pixel grid, shows it most).
    def origins(pdf: bytes) -> list[tuple[int, str, float, float]]:
        return [(c.page, c.char, c.x, c.y) for c in placed_chars(pdf)]

    before, after = origins(raw), origins(bridged)
    assert [c[:2] for c in before] == [c[:2] for c in after]
    moved = [(a, b) for a, b in zip(before, after, strict=True)
             if abs(a[2] - b[2]) > 0.02 or abs(a[3] - b[3]) > 0.02]
    assert not moved, moved[:5]
    for name, pdf in (("raw", raw), ("bridged", bridged)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "75", "-gray", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True, timeout=60)
    for image in sorted(tmp_path.glob("raw-*.pgm")):
        drawn = tmp_path / image.name.replace("raw", "bridged")
        changed = ImageChops.difference(Image.open(image), Image.open(drawn)).point(
            lambda shade: 255 if shade > 8 else 0).histogram()[255]
        assert changed <= image.stat().st_size // 2000, f"Poppler draws {drawn.name} otherwise"
    with pikepdf.open(io.BytesIO(bridged)) as pdf:
        copies = {str(name) for name in pdf.pages[0].Resources.Font.keys()
                  if re.search(r"w\d+$", str(name))}
    assert copies, "a note with dates and figures needs at least one widened font copy"


@pytest.mark.slow
def test_an_edition_stamp_carries_no_run_mark(mixed_book):
    """The stamp sheet is drawn by WeasyPrint in a process that has rendered a book (so with
    run marks): its runs are finished like a book's."""
    from briefbook.distribute.editions import Stamper

    sheet = Stamper(mixed_book[0].read_bytes()).sheet(["张三 第001份"])
    with pikepdf.open(io.BytesIO(sheet)) as pdf:
        tags = {str(operands[0]) for operands, operator in
                pikepdf.parse_content_stream(pdf.pages[0]) if str(operator) in ("BDC", "BMC")}
    assert f"/{TAG}" not in tags
