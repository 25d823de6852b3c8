"""``trace`` sizes its input before decoding it (issue 24): a PDF's page count and page pixels,
a page image's pixels and sides, and the bytes of the file and of ``editions.json`` — FIFOs
and devices refused. Each case runs the real CLI in a child process whose address space is
capped, so the old behaviour (a 9.7 GB bitmap, a blocking read) fails the test without
endangering the machine."""

from __future__ import annotations

import json
import os
import resource
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from briefbook.checks.rasterise import MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MAX_PDF_PAGES
from briefbook.distribute.trace import MAX_MANIFEST_BYTES

MEMORY_CAP = 3 << 30  # bytes of address space for the child


def cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_trace(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "briefbook.cli", "trace", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          preexec_fn=cap_memory)


@pytest.fixture
def run_folder(tmp_path) -> Path:
    """An editions folder with a manifest listing one traceable copy."""
    (tmp_path / "editions.json").write_text(json.dumps(
        {"outputs": [{"file": "copy-001.pdf", "copy": 1, "name": "甲", "trace": "0a1b2c"}]}),
        encoding="utf-8")
    return tmp_path


def refused(result, *needles):
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def png(path: Path, width: int, height: int) -> None:
    """A valid all-black greyscale PNG of width × height, compressed as it is streamed (a few
    hundred KB on disk, width × height bytes once decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    squeeze = zlib.compressobj(9)
    row = b"\0" * (width + 1)
    rows_per_piece = max(1, (1 << 20) // len(row))
    parts = []
    for start in range(0, height, rows_per_piece):
        parts.append(squeeze.compress(row * min(rows_per_piece, height - start)))
    parts.append(squeeze.flush())
    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))


def test_a_541_byte_pdf_with_a_huge_page_is_refused_before_it_is_rasterised(run_folder):
    pdf = run_folder / "huge.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
                    b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
                    b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 14400 14400]>> endobj\n"
                    b"trailer <</Root 1 0 R>>\n%%EOF\n")
    refused(run_trace(pdf), "page 1 is 14,400×14,400 pt", "the limit for one page")


def test_a_pdf_over_the_page_limit_is_refused_before_any_page_is_rendered(run_folder):
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(MAX_PDF_PAGES + 1):
        pdf.add_blank_page(page_size=(72, 72))
    pdf.save(run_folder / "many.pdf")
    refused(run_trace(run_folder / "many.pdf", timeout=30),
            f"the PDF has {MAX_PDF_PAGES + 1:,} pages; the limit is {MAX_PDF_PAGES:,}")


@pytest.mark.parametrize("size", [(1, 59_000_000), (MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS
                                                      // MAX_IMAGE_SIDE + 1)],
                         ids=["1x59M", "over-the-pixel-limit"])
def test_a_page_image_bomb_is_refused_before_it_is_decoded(run_folder, size):
    bomb = run_folder / "bomb.png"
    png(bomb, *size)
    assert bomb.stat().st_size < 1_000_000
    refused(run_trace(bomb, timeout=60), "nothing was decoded")


def test_a_fifo_as_the_editions_manifest_is_refused_not_waited_on(run_folder, tmp_path_factory):
    image = tmp_path_factory.mktemp("scan") / "page.png"
    png(image, 100, 140)
    (run_folder / "editions.json").unlink()
    os.mkfifo(run_folder / "editions.json")
    refused(run_trace(image, "--editions", run_folder, timeout=30), "FIFO")


def test_an_oversized_editions_manifest_is_refused(run_folder, tmp_path_factory):
    image = tmp_path_factory.mktemp("scan") / "page.png"
    png(image, 100, 140)
    with open(run_folder / "editions.json", "r+b") as handle:
        handle.truncate(MAX_MANIFEST_BYTES + 1)  # sparse: no disk used
    refused(run_trace(image, "--editions", run_folder, timeout=30),
            f"{MAX_MANIFEST_BYTES + 1:,} bytes; the limit is {MAX_MANIFEST_BYTES:,}")


def test_a_fifo_as_the_file_to_trace_is_refused_not_waited_on(run_folder):
    os.mkfifo(run_folder / "scan.jpg")
    refused(run_trace(run_folder / "scan.jpg", timeout=30), "FIFO")
