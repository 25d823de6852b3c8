"""PDF files for the checks: read one (bounded; it must be a PDF) and compare two on disk.

Takes: PDF paths, a resolution (dpi), a colour threshold, a budget of changed pixels per
page and a folder for the diff images.
Gives: ``read_pdf(path)`` — its bytes (at most ``MAX_PDF_BYTES``; a FIFO, device or folder
is refused, and so is a file that is not a PDF); ``check_dpi`` / ``check_threshold`` — the
value, or an error saying its range; ``compare_files(...)`` — the ``Comparison`` of two PDFs,
both checked against the page and pixel budgets before either is rendered, its expected /
actual / diff images and ``summary.json`` written to the folder when a page changed beyond
the budget, the folder's earlier report cleared when none did.
"""

from __future__ import annotations

from pathlib import Path

from briefbook.checks.compare import Budget, Comparison, compare_documents
from briefbook.checks.rasterise import check_pdf_file_budget, rasterise
from briefbook.checks.report import clear_report, write_report
from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import read_bounded

#: Largest PDF ``compare``/``lint`` read: ten times the largest book a brief can make.
MAX_PDF_BYTES = 200_000_000


def read_pdf(path: Path) -> bytes:
    """The bytes of the PDF at ``path`` (bounded; not a PDF: an error naming it)."""
    data = read_bounded(path, MAX_PDF_BYTES, "a PDF")
    if not data.startswith(b"%PDF-"):
        raise BriefbookError("not a PDF file", where=str(path))
    return data


def check_dpi(dpi: float) -> float:
    """``dpi`` if it is from 10 to 1200 (NaN is not)."""
    if not 10 <= dpi <= 1200:  # also refuses NaN
        raise BriefbookError(f"--dpi {dpi:g} is out of range", hint="use a value between 10 and "
                             "1200 (the default is 75)")
    return dpi


def check_threshold(threshold: float) -> float:
    """``threshold`` if it is from 0 to 1."""
    if not 0.0 <= threshold <= 1.0:
        raise BriefbookError(f"--threshold {threshold} must be between 0 and 1")
    return threshold


def compare_files(old: Path, new: Path, out: Path, *, dpi: float, threshold: float,
                  budget: str) -> Comparison:
    """Compare the PDFs ``old`` (expected) and ``new`` (actual) page by page; the report goes
    to ``out`` when a page changed beyond ``budget`` (else ``out``'s earlier report goes)."""
    check_threshold(threshold)
    parsed = Budget.parse(budget)
    old_pdf, new_pdf = read_pdf(old), read_pdf(new)
    check_dpi(dpi)
    # Both within their page and pixel budgets before either is rendered.
    check_pdf_file_budget(old_pdf, dpi, where=str(old))
    check_pdf_file_budget(new_pdf, dpi, where=str(new))
    old_pages = rasterise(old_pdf, dpi=dpi, where=str(old))
    new_pages = rasterise(new_pdf, dpi=dpi, where=str(new))
    result = compare_documents(old_pages, new_pages, threshold=threshold, budget=parsed)
    if result.failed:
        write_report(result, old_pages, new_pages, out,
                     extra={"expected_pdf": str(old), "actual_pdf": str(new)})
    else:
        clear_report(out)
    return result


__all__ = ["MAX_PDF_BYTES", "check_dpi", "check_threshold", "compare_files", "read_pdf"]
