"""Every image and PDF is sized before it is decoded, and key and password files are read
within bounds (issue 24, "unbounded images" and "unbounded reads").

The hostile inputs are made here, small on disk: a 333-byte PDF whose one page is
14,400×14,400 pt (PDF's largest), a 3,001-page PDF, a 110-Mpx PNG and a PNG that declares
1×59,000,000 px (both ≈130 KB, compressed white). Each must be refused with a clear message
before any pixel is rendered or decoded — in bounded time and memory, measured in a child
process where the number would otherwise be hidden by the test process's own."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from briefbook.checks.baseline import check_against_baseline, load_baseline
from briefbook.checks.rasterise import (MAX_DOCUMENT_PIXELS, MAX_IMAGE_PIXELS, MAX_PDF_PAGES,
                                        check_pdf_file_budget, open_image, rasterise)
from briefbook.distribute.signing import load_key, read_password
from briefbook.core.errors import BriefbookError
from plugins.cli import MINIMAL, assert_clean_failure, run_cli
from plugins.example import REPO as ROOT

A4 = (595.0, 842.0)
ADDRESS_SPACE = 4 << 30  # for the measured child processes


# --------------------------------------------------------------------------- hostile inputs

def tiny_pdf(pages: list[tuple[float, float]]) -> bytes:
    """A minimal valid PDF with one empty page per (width, height) in points."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for width, height in pages:
        kids.append(f"{len(objects) + 1} 0 R")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:g} {height:g}] >>"
                       .encode())
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return bytes(out)


def white_png(width: int, height: int) -> bytes:
    """A valid 8-bit grey PNG of ``width``×``height`` white pixels, compressed in slices (so
    making a 110-Mpx one costs a few MB, not 110)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * width
    rows_per_slice = max(1, (8 << 20) // len(row))
    parts, done = [], 0
    while done < height:
        count = min(rows_per_slice, height - done)
        parts.append(compressor.compress(row * count))
        done += count
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts))
            + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    files = {
        "big-page.pdf": tiny_pdf([(14400, 14400)]),
        "a4.pdf": tiny_pdf([A4]),
        "3001-pages.pdf": tiny_pdf([A4] * 3001),
        "110-mpx.png": white_png(10_000, 11_000),
        "1x59m.png": white_png(1, 59_000_000),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in files}


@contextlib.contextmanager
def deadline(seconds: float):
    """Fail (TimeoutError) instead of hanging: a blocked open() of a FIFO is interrupted."""
    def expired(signum, frame):
        raise TimeoutError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def child_peak(code: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, int]:
    """Run ``code`` in a fresh Python; its output and its peak RSS in MB (printed last). The
    peak is VmHWM, this process's own: ``ru_maxrss`` would carry the test process's peak over
    the fork and exec."""
    script = (f"{code}\n"
              "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
              "print('PEAK', int(hwm.split()[1]) // 1024)")
    def cap_memory() -> None:  # a regression fails with MemoryError, never starves the machine
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT, preexec_fn=cap_memory)
    peak = [line for line in result.stdout.splitlines() if line.startswith("PEAK ")]
    assert peak, result.stdout + result.stderr
    return result, int(peak[-1].split()[1])


# ---------------------------------------------------------------------------- PDF budgets

def test_compare_refuses_a_page_of_14400_pt_before_rendering_it(hostile):
    # Before: rasterised at 15,001² px; 97 s and 6.4 GB peak, then a "CHANGED" report.
    started = time.monotonic()
    result = run_cli("compare", hostile["big-page.pdf"], hostile["a4.pdf"], "--out",
                     hostile["a4.pdf"].parent / "report", timeout=60)
    assert_clean_failure(result, "big-page.pdf", "page 1 is 14,400×14,400 pt",
                         "the limit for one page is 40.0 Mpx", "lower DPI")
    assert time.monotonic() - started < 30
    assert not (hostile["a4.pdf"].parent / "report").exists()  # nothing rendered, nothing written


def test_compare_and_lint_refuse_3001_pages_before_any_page(hostile):
    # Before: compare rendered all 6,002 pages (16 s, 3.2 GB); lint scanned every page (a
    # 3,001-page copy of a real book: 347 s).
    report = hostile["a4.pdf"].parent / "report2"
    for args in (("compare", hostile["a4.pdf"], hostile["3001-pages.pdf"], "--out", report),
                 ("lint", hostile["3001-pages.pdf"])):
        result = run_cli(*args, timeout=60)
        assert_clean_failure(result, "3001-pages.pdf", "3,001 pages",
                             f"the limit is {MAX_PDF_PAGES}")


def test_page_and_document_budgets_are_checked_from_the_page_tree(hostile):
    pdf = hostile["big-page.pdf"].read_bytes()
    started = time.monotonic()
    fits = r"(?s)page 1 is 14,400×14,400 pt.*lower DPI \(at most 30\)"
    with pytest.raises(BriefbookError, match=fits):
        rasterise(pdf, dpi=75)  # the hint names a DPI at which this page would fit
    with pytest.raises(BriefbookError, match="3,001 pages"):
        check_pdf_file_budget(hostile["3001-pages.pdf"], 75)
    # Each A4 page is fine at 300 DPI (8.7 Mpx) but 300 of them (2,611 Mpx) are not.
    many = tiny_pdf([A4] * MAX_PDF_PAGES)
    with pytest.raises(BriefbookError, match=f"limit is {MAX_DOCUMENT_PIXELS / 1e6:,.1f} Mpx"):
        rasterise(many, dpi=300)
    assert time.monotonic() - started < 5
    # What a book needs passes: 70 A4 pages at 200 DPI.
    assert len(check_pdf_file_budget(tiny_pdf([A4] * 70), 200)) == 70


# -------------------------------------------------------------------------- image budgets

def test_open_image_refuses_110_mpx_and_1x59m_px_before_decoding(hostile):
    # Before (trace): the 110-Mpx PNG was decoded in spite of Pillow's warning, and the
    # 1×59,000,000 PNG cost 1.5 GB. Pillow's global limit is left as it is.
    pillow_limit = Image.MAX_IMAGE_PIXELS
    code = ("from briefbook.checks.rasterise import open_image\n"
            "from briefbook.core.errors import BriefbookError\n"
            "import warnings; warnings.simplefilter('error')\n"
            f"for path in {[str(hostile['110-mpx.png']), str(hostile['1x59m.png'])]!r}:\n"
            "    try:\n        open_image(path)\n"
            "    except BriefbookError as exc:\n        print('REFUSED', exc)\n")
    result, peak = child_peak(code)
    assert result.returncode == 0, result.stderr
    refused = [line for line in result.stdout.splitlines() if line.startswith("REFUSED")]
    assert len(refused) == 2, result.stdout + result.stderr
    assert "110.0 Mpx" in refused[0] and "nothing was decoded" in refused[0]
    assert "1×59,000,000 px" in refused[1] and "nothing was decoded" in refused[1]
    assert peak < 150, f"{peak} MB: something was decoded"
    assert Image.MAX_IMAGE_PIXELS == pillow_limit


def test_open_image_turns_pillows_bomb_check_into_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "page.png"
    Image.fromarray(np.full((300, 200), 255, np.uint8)).save(path)
    assert open_image(path).size == (200, 300)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 20_000)  # warning range (≤ 2× the limit)
    with pytest.raises(BriefbookError, match="too large to decode.*nothing was decoded"):
        open_image(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)  # Pillow's error range
    with pytest.raises(BriefbookError, match="too large to decode"):
        open_image(path)
    monkeypatch.undo()
    # A header cut short (a cut-short body is not checked here: WeasyPrint, once imported,
    # sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process).
    for bad, message in ((b"%PDF-1.4 not an image", "not a PNG or JPEG image"),
                         (path.read_bytes()[:20], "not a PNG or JPEG image|cannot be read")):
        with pytest.raises(BriefbookError, match=message):
            open_image(bad)
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    with deadline(10), pytest.raises(BriefbookError, match="FIFO"):
        open_image(fifo)  # refused at once, never waits for a writer
    assert MAX_IMAGE_PIXELS >= 48_000_000  # a 48-Mpx phone photo of a page is a page image


def record_tiny_baseline(folder: Path) -> None:
    check_against_baseline(tiny_pdf([A4]), folder, update=True)


@pytest.mark.parametrize("forged, size", [("110-mpx.png", "110.0 Mpx"),
                                           ("1x59m.png", "1×59,000,000 px")])
def test_a_forged_baseline_page_is_refused_before_it_is_decoded(hostile, tmp_path, forged, size):
    baseline = tmp_path / "baseline"
    record_tiny_baseline(baseline)
    (baseline / "page-001.png").write_bytes(hostile[forged].read_bytes())
    code = ("from pathlib import Path\n"
            "from briefbook.checks.baseline import check_against_baseline\n"
            "from briefbook.core.errors import BriefbookError\n"
            "try:\n"
            f"    check_against_baseline(Path({str(hostile['a4.pdf'])!r}).read_bytes(), "
            f"Path({str(baseline)!r}), out_dir=Path({str(tmp_path / 'report')!r}))\n"
            "except BriefbookError as exc:\n    print('REFUSED', exc)\n")
    # Before: decoded (Pillow only warns below 179 Mpx) and compared with the rendered page: a
    # mask as large as both together (for 1×59,000,000 px: 59,000,000×621, a MemoryError).
    result, peak = child_peak(code)
    assert "REFUSED" in result.stdout, result.stdout + result.stderr
    assert size in result.stdout and "nothing was decoded" in result.stdout
    assert peak < 200, f"{peak} MB"
    assert not (tmp_path / "report").exists()


def test_a_baseline_json_that_is_a_fifo_or_huge_is_refused(tmp_path):
    baseline = tmp_path / "baseline"
    record_tiny_baseline(baseline)
    meta = baseline / "baseline.json"
    meta.unlink()
    os.mkfifo(meta)
    with deadline(10), pytest.raises(BriefbookError, match="FIFO"):
        load_baseline(baseline)  # before: blocked for ever waiting for a writer
    meta.unlink()
    meta.write_text(json.dumps({"dpi": 75, "mode": "L", "page_sizes_pt": [list(A4)] * 3001}))
    with pytest.raises(BriefbookError, match="3,001 pages; the limit is"):
        load_baseline(baseline)
    meta.write_text(json.dumps({"dpi": 75, "mode": "L", "page_sizes_pt": [1]}))
    with pytest.raises(BriefbookError, match="baseline.json is unreadable"):
        load_baseline(baseline)  # before: TypeError (an internal error)


# ------------------------------------------------------------ key and password file reads

@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_sign_key_and_password_file_that_are_devices_or_fifos_fail_at_once(tmp_path, fifo,
                                                                          special):
    # Before: /dev/zero was read until memory ran out, a FIFO waited for ever.
    special = fifo if special == "fifo" else Path(special)
    brief = tmp_path / "brief.yaml"
    brief.write_text(MINIMAL, encoding="utf-8")
    key = tmp_path / "key.p12"
    key.write_bytes(b"not really a key")
    out = tmp_path / "out.pdf"
    for options, what in ((("--sign", special), "PKCS#12 signing key"),
                          (("--sign", key, "--sign-password-file", special), "password file")):
        started = time.monotonic()
        result = run_cli("render", brief, "-o", out, *options, timeout=60)
        assert_clean_failure(result, special, what, "must be a regular file")
        assert time.monotonic() - started < 30
        assert not out.exists()


def test_key_and_password_files_are_read_within_bounds(tmp_path):
    big = tmp_path / "big"
    with open(big, "wb") as handle:
        handle.truncate(2 << 20)  # sparse: 2 MB that cost nothing
    with pytest.raises(BriefbookError, match="the limit is"):
        load_key(big, b"")
    with pytest.raises(BriefbookError, match="the limit is"):
        read_password(big)
    ok = tmp_path / "password.txt"
    ok.write_bytes(b"secret\nsecond line\n")
    assert read_password(ok) == b"secret"
