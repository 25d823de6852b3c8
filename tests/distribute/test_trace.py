"""Traceable copies: ``trace`` names reader and copy from a PDF — visible mark and metadata
removed — or from a 150-dpi PNG/JPEG (quality 80) of any page."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from briefbook.core.errors import BriefbookError
from briefbook.distribute.editions import Reader, make_editions
from briefbook.distribute.trace import trace_file

COPIES = 20
BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]


def run(*args):
    return subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def twenty_readers_copies(tmp_path_factory, sheet_brief, sheet_pdf):
    out = tmp_path_factory.mktemp("traced")
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
    readers = [Reader(f"{surname}读者", 100 + i) for i, surname in enumerate(surnames)]
    entries = make_editions(sheet_brief, readers, out, base=sheet_pdf)
    return out, entries


def page_images(pdf, dpi: int = 150) -> list[Image.Image]:
    """Each page rasterised the way a scanner or screenshot would deliver it (RGB)."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def unmark(src: Path, dst: Path) -> None:
    """What someone hiding a copy's origin does: delete the visible stamp (its drawing and its
    form XObject), the XMP and the document info, and re-save with pikepdf."""
    import pikepdf

    with pikepdf.open(src) as pdf:
        for page in pdf.pages:
            ops = [(operands, op) for operands, op in pikepdf.parse_content_stream(page)
                   if not (str(op) == "Do" and operands and str(operands[0]) == "/BBStamp")]
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
            xobjects = page.Resources.get("/XObject")
            if xobjects is not None and "/BBStamp" in xobjects:
                del xobjects["/BBStamp"]
        if "/Metadata" in pdf.Root:
            del pdf.Root.Metadata
        del pdf.trailer["/Info"]
        pdf.save(dst, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def test_manifest_keeps_a_distinct_trace_code_per_copy(twenty_readers_copies):
    _out, entries = twenty_readers_copies
    codes = [e["trace"] for e in entries]
    assert len(set(codes)) == COPIES and all(len(c) == 6 for c in codes)


def test_every_copy_traces_from_its_pdf(twenty_readers_copies):
    out, entries = twenty_readers_copies
    for entry in entries:
        result = trace_file(out / entry["file"], out)
        assert (result.entry["copy"], result.entry["name"]) == (entry["copy"], entry["name"])
        assert result.pages == [1] and result.total_pages == 1


def test_every_page_traces_from_150_dpi_jpeg_q80_and_png(twenty_readers_copies, tmp_path):
    out, entries = twenty_readers_copies
    for index, entry in enumerate(entries):
        for number, image in enumerate(page_images(out / entry["file"]), 1):
            formats = [(f"p{number}.jpg", {"quality": 80})]  # all 20 as JPEG, the harder case
            if index % 4 == 0:  # and 5 of them as PNG
                formats.append((f"p{number}.png", {"compress_level": 1}))
            for name, options in formats:
                image.save(tmp_path / name, **options)
                found = trace_file(tmp_path / name, out).entry
                assert (found["copy"], found["name"]) == (entry["copy"], entry["name"]), name


def test_traces_after_the_mark_and_the_metadata_are_removed(twenty_readers_copies, tmp_path):
    from pypdf import PdfReader

    out, entries = twenty_readers_copies
    for entry in entries[:5]:
        stripped = tmp_path / f"stripped-{entry['copy']}.pdf"
        unmark(out / entry["file"], stripped)
        reader = PdfReader(stripped)
        text = "".join(page.extract_text() for page in reader.pages)
        assert Reader(entry["name"], entry["copy"]).mark not in text  # the visible mark is gone
        assert entry["name"] not in text
        assert reader.metadata is None and "/Metadata" not in reader.trailer["/Root"]
        assert "BBStamp" not in stripped.read_text(encoding="latin-1")
        result = trace_file(stripped, out)
        assert (result.entry["copy"], result.entry["name"]) == (entry["copy"], entry["name"])
        image = page_images(stripped)[0]  # and from a picture of the stripped copy
        image.save(tmp_path / "stripped.jpg", quality=80)
        assert trace_file(tmp_path / "stripped.jpg", out).entry["copy"] == entry["copy"]


def test_cli_names_reader_and_copy(twenty_readers_copies, tmp_path):
    out, entries = twenty_readers_copies
    entry = entries[7]
    page_images(out / entry["file"])[0].save(tmp_path / "scan.jpg", quality=80)
    result = run("trace", tmp_path / "scan.jpg", "--editions", out)
    assert result.returncode == 0, result.stderr
    assert f"copy {entry['copy']}" in result.stdout and entry["name"] in result.stdout
    result = run("trace", out / entries[3]["file"])  # the folder defaults to the file's own
    assert result.returncode == 0, result.stderr
    assert f"copy {entries[3]['copy']}" in result.stdout and entries[3]["name"] in result.stdout


# --- bad input ---------------------------------------------------------------------------------

def test_a_page_from_no_edition_is_reported_not_guessed(twenty_readers_copies, tmp_path, sheet_pdf):
    out, _ = twenty_readers_copies
    page_images(sheet_pdf)[0].save(tmp_path / "plain.jpg", quality=80)  # the unmarked book
    (tmp_path / "plain.pdf").write_bytes(sheet_pdf)
    result = run("trace", tmp_path / "plain.jpg", "--editions", out)
    assert result.returncode == 1
    assert "no edition mark found" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(BriefbookError, match="no edition mark found on it"):
        trace_file(tmp_path / "plain.pdf", out)
    blank = Image.new("RGB", (1240, 1754), "white")
    blank.save(tmp_path / "blank.png")
    with pytest.raises(BriefbookError, match="no edition mark"):
        trace_file(tmp_path / "blank.png", out)
    (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
    result = run("trace", tmp_path / "notes.txt", "--editions", out)
    assert result.returncode == 1 and "not a PDF or a page image" in result.stderr


def test_a_copy_from_another_run_is_not_attributed(twenty_readers_copies, tmp_path, sheet_brief, sheet_pdf):
    out, entries = twenty_readers_copies
    other = tmp_path / "other"
    made = make_editions(sheet_brief, [Reader(entries[0]["name"], entries[0]["copy"])], other,
                         base=sheet_pdf)  # same reader, same copy number, another run
    assert made[0]["trace"] not in {e["trace"] for e in entries}
    result = run("trace", other / made[0]["file"], "--editions", out)
    assert result.returncode == 1
    assert "no copy in" in result.stderr and "another editions run" in result.stderr


def test_an_editions_folder_without_its_manifest(twenty_readers_copies, tmp_path):
    out, entries = twenty_readers_copies
    lonely = tmp_path / "copies"
    lonely.mkdir()
    (lonely / "copy.pdf").write_bytes((out / entries[0]["file"]).read_bytes())
    result = run("trace", lonely / "copy.pdf")
    assert result.returncode == 1
    assert "no editions.json" in result.stderr and "--editions" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(os.listdir(lonely)) == ["copy.pdf"]


@pytest.mark.slow
def test_every_page_of_a_multi_page_book_traces(tmp_path, renderer):
    from plugins.example import BRIEFS_DIR

    brief = BRIEFS_DIR / "topic-public-health.yaml"
    entries = make_editions(brief, [Reader("张三", 1), Reader("李四", 2)], tmp_path,
                            base=renderer.render(brief))
    assert entries[0]["pages"] > 3
    for entry in entries:
        for number, image in enumerate(page_images(tmp_path / entry["file"]), 1):
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=80)
            (tmp_path / "page.jpg").write_bytes(buffer.getvalue())
            assert trace_file(tmp_path / "page.jpg", tmp_path).entry["copy"] == entry["copy"], \
                number
