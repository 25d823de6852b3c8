"""Helpers for the reliability tests: the CLI as users run it, PDF text, folder snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium

from plugins.example import REPO as ROOT

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]
MINIMAL = "title: 简报\nissuer: 研究组\ndate: 2021-08-01\n"


def run_cli(*args, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("BRIEFBOOK_DEBUG", None)
    return subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=ROOT, **kw)


def assert_clean_failure(result: subprocess.CompletedProcess, *names: object) -> None:
    """Exit 1, an ``error:`` line naming each of ``names``, no traceback, no internal error."""
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "error:" in result.stderr, out
    assert "Traceback" not in out and "internal error" not in out, out
    for name in names:
        assert str(name) in result.stderr, (name, out)


def page_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def is_pdf(pdf: bytes) -> bool:
    if not pdf.startswith(b"%PDF-"):
        return False
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc) >= 1
    finally:
        doc.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to prove nothing changed)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}
