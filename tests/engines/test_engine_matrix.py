"""Every kind of PDF the tool writes looks the same in pdfium, Poppler, MuPDF and Ghostscript.

Issue 22: the bundled faces' CIDs had drifted from their glyph ids, so MuPDF drew Chinese blank
and Ghostscript drew boxes while pdfium — the suite's only rasteriser — looked right. Here each
kind of output is drawn at 50 DPI by Poppler, MuPDF, Ghostscript and pdf.js (pdfjs-dist in
Debian Chromium) and each page compared with pdfium's (``plugins/engines.py``: a pixel differs
when it differs after a 5×5 blur by more than 48 grey levels AND by more than 64 from every
pixel within one pixel around it; a page fails over 0.01 % of its pixels or 4 pixels in one
16-px tile).

Why those budgets (measured on the full book, 20 pages × 4 engines): correct pages have no
differing pixel at all in any engine; the same book with the old faces differs on every MuPDF,
Ghostscript and pdf.js page by 0.14–3.2 % and 24–197 pixels in a tile; one blanked character at
body size makes 14 pixels in its tile. Either tolerance alone is not enough: the blur alone
flags pdf.js's pixel-snapped badge edges (48 pixels in a tile), the shift alone flags glyph
anti-aliasing (17). Failures name the kind, the engine and the page.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pytest
import yaml

from briefbook.distribute.editions import Reader, make_editions
from briefbook.distribute.finish import CopyFinish
from briefbook.distribute.signing import CopyProtection, load_key
from briefbook.render import Renderer
from briefbook.render.layout.incremental import IncrementalRenderer
import numpy as np

from plugins.engines import engine_differences, missing_tools, versions
from plugins.example import BRIEFS_DIR, example_project

EXAMPLES = sorted(p.stem for p in BRIEFS_DIR.glob("*.yaml"))
#: The archival and tagged variants of every example but the full book (20 pages; the four
#: others hold every element it has: tables, charts, footnotes, cards, timelines, A5), to keep
#: the suite lean; the full book is drawn plain, stitched, after pdfwrite and in pdf.js.
VARIANT_EXAMPLES = [name for name in EXAMPLES if name != "full-book"]
#: A chaptered book smaller than the full book, for --jobs 2 and the preview.
CHAPTERED = "topic-public-health"
KEY_PASSWORD = b"engine matrix key"


@pytest.fixture(scope="module", autouse=True)
def engines_installed() -> None:
    """Every test here fails at once, naming them, when Poppler, MuPDF or Ghostscript is
    missing."""
    problems = missing_tools()
    assert not problems, f"missing engines {problems}: run make (scripts/ensure-system-deps.sh)"


@pytest.fixture(scope="module")
def pdfjs(pdfjs_browser):
    """pdf.js (one Chromium for the whole module) as a fifth engine: a PDF's pages as greyscale
    arrays."""
    def draw(pdf, *, dpi, password):
        return [np.asarray(image.convert("L")) for image in
                pdfjs_browser.render_pages(pdf, dpi=dpi, password=password)]
    return draw


@pytest.fixture(scope="module")
def plain(renderer):
    """Plain renders, once per module."""
    made: dict[str, bytes] = {}

    def render(example: str) -> bytes:
        if example not in made:
            made[example] = renderer.render(BRIEFS_DIR / f"{example}.yaml")
        return made[example]
    return render


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def assert_same_in_every_engine(kind: str, pdf: Path, password: str | None = None,
                                pdfjs=None) -> None:
    problems, rows = engine_differences(pdf, password=password,
                                        more={"pdf.js": pdfjs} if pdfjs else None)
    failed = [f"{kind}: {row}" for row in rows if row.failed]
    assert not problems and not failed, "\n".join(
        [f"{kind}: {p}" for p in problems] + failed + [f"engines: {versions()}"])
    assert rows, f"{kind}: no page was compared"


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES)
def test_every_page_of_every_example(plain, module_folder, pdfjs, example):
    assert_same_in_every_engine(f"{example} (plain)",
                                _write(module_folder, f"{example}.pdf", plain(example)), pdfjs=pdfjs)


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["pdf/a-3b", "pdf/ua-1"])
@pytest.mark.parametrize("example", VARIANT_EXAMPLES)
def test_archival_and_tagged_variants(renderer, module_folder, pdfjs, example, variant):
    pdf = renderer.render(BRIEFS_DIR / f"{example}.yaml", variant=variant)
    name = f"{example}-{variant.replace('/', '-')}.pdf"
    assert_same_in_every_engine(f"{example} ({variant})", _write(module_folder, name, pdf), pdfjs=pdfjs)


@pytest.mark.slow
def test_jobs_2_stitched_book(renderer, module_folder, pdfjs, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFBOOK_CACHE", str(tmp_path / "cache"))
    brief = BRIEFS_DIR / f"{CHAPTERED}.yaml"
    renderer.render(brief, jobs=2)  # the first render learns the chapters' pages
    pdf = renderer.render(brief, jobs=2)
    assert renderer.last_layout.runs == 2 and not renderer.last_layout.whole, renderer.last_layout
    assert_same_in_every_engine(f"{CHAPTERED} (--jobs 2)", _write(module_folder, "jobs2.pdf", pdf), pdfjs=pdfjs)


@pytest.mark.slow
def test_preview_incremental_book(module_folder, pdfjs, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFBOOK_CACHE", str(tmp_path / "cache"))
    incremental = IncrementalRenderer(Renderer(example_project()))
    brief = tmp_path / f"{CHAPTERED}.yaml"
    data = yaml.safe_load((BRIEFS_DIR / f"{CHAPTERED}.yaml").read_text(encoding="utf-8"))
    brief.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    incremental.render(brief)
    data["sections"][0]["commentary"] = (data["sections"][0].get("commentary") or "") + \
        "预览中改动的一句评论。"
    brief.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    pdf = incremental.render(brief)
    assert incremental.last.reused > 0, "the edit should reuse the other chapters"
    assert_same_in_every_engine(f"{CHAPTERED} (preview, incremental)",
                                _write(module_folder, "incremental.pdf", pdf), pdfjs=pdfjs)


@pytest.fixture(scope="module")
def protected_copies(plain, tmp_path_factory):
    """An edition copy, a signed copy and an encrypted copy of the summary sheet. Made in a
    thread of their own: pyHanko signs with ``asyncio.run``, and Playwright's sync API (pdf.js)
    keeps an event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_make_copies, plain("summary-sheet"),
                           tmp_path_factory.mktemp("copies")).result()


def _make_copies(base: bytes, root: Path) -> dict:
    from plugins.pki import ThrowawayCA

    brief = BRIEFS_DIR / "summary-sheet.yaml"
    key = load_key(ThrowawayCA.create().issue_p12(root / "signer.p12", KEY_PASSWORD),
                   KEY_PASSWORD)
    readers = [Reader("张三", 1)]
    made = {}
    for kind, finish in [("edition", None),
                         ("signed", CopyFinish.new(CopyProtection(key))),
                         ("encrypted", CopyFinish.new(CopyProtection(key, encrypt=True),
                                                      root / "passwords.csv"))]:
        out = root / kind
        entry = make_editions(brief, readers, out, base=base, finish=finish)[0]
        password = None
        if kind == "encrypted":
            password = (root / "passwords.csv").read_text(encoding="utf-8").splitlines()[1] \
                .split(",")[3]
        made[kind] = (out / entry["file"], password)
    return made


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["edition", "signed", "encrypted"])
def test_copies(protected_copies, pdfjs, kind):
    pdf, password = protected_copies[kind]
    if kind == "encrypted":
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(pdf)
    assert_same_in_every_engine(f"{kind} copy", pdf, password, pdfjs=pdfjs)


@pytest.mark.slow
def test_printing_through_ghostscript_pdfwrite_keeps_the_pages(plain, module_folder, pdfjs):
    """CUPS filters hand a PDF to Ghostscript's pdfwrite; what comes out must still be the book:
    same page count, every page within the budget of the original in every engine, the same
    characters on every page but for a glyph shared by two code points."""
    import subprocess

    import pypdfium2 as pdfium

    from plugins.engines import PageDifference, differing, pages

    original = _write(module_folder, "print-in.pdf", plain("full-book"))
    printed = module_folder / "print-out.pdf"
    subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite",
                    "-dPDFSETTINGS=/prepress", f"-sOutputFile={printed}", str(original)],
                   check=True, timeout=180)
    want = pages("pdfium", original)
    got = pages("pdfium", printed)
    assert len(got) == len(want)
    failed = [str(row) for row in (PageDifference.of("pdfwrite→pdfium", n, differing(a, b))
                                   for n, (a, b) in enumerate(zip(want, got), 1)) if row.failed]
    assert not failed, "\n".join(failed)
    assert_same_in_every_engine("full-book after pdfwrite", printed, pdfjs=pdfjs)

    def characters(path):  # pdfwrite may reorder runs (the contents' leaders), not change them
        document = pdfium.PdfDocument(str(path))
        try:
            return [Counter("".join(page.get_textpage().get_text_range().split()))
                    for page in document]
        finally:
            document.close()
    # pdfwrite writes its own ToUnicode maps, from the font's cmap: a glyph the font maps from
    # two code points may come back as the other one (seen: one "—" of the sources page read
    # as U+1414). Paper does not care; copying from the printed PDF is not the book's promise.
    for number, (want, got) in enumerate(zip(characters(original), characters(printed)), 1):
        changed = sum((want - got).values())
        assert changed <= max(2, want.total() // 1000), (number, want - got, got - want)


def test_every_engine_reports_its_version():
    """The failure messages name each engine's version; that part must work too."""
    found = versions()
    assert set(found) == {"pdfium", "poppler", "mupdf", "ghostscript"}
    assert all(any(ch.isdigit() for ch in version) for version in found.values()), found
