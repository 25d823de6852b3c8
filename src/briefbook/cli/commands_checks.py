"""Commands that check books: ``compare``, ``lint``, ``snapshot``; ``trace`` checks a copy;
``font fix`` repairs a font that ``lint`` or the project stylesheet check refused.

Takes: PDFs (or a brief to render) on the command line. Gives: a per-page table or one line
per failure on stdout, diff images on disk, and exit code 0 (all good) or 1 (a change beyond
the budget, or a lint failure). Diff images land in ``test-artifacts/compare/`` (compare) and
``test-artifacts/visual/<baseline folder name>/`` (snapshot) unless ``--out`` says otherwise.
A PDF over the page or pixel budgets (``checks.rasterise``: 300 pages, 40 Mpx a page) is a
clear error before anything is rendered; ``compare`` checks both PDFs before rendering either.
``trace`` takes a PDF copy or a page image and an editions folder and names the reader and
copy number from the copy's dot code (distribute/trace.py). ``font fix IN OUT`` writes a
CID-keyed CFF font with each glyph's CID set to its glyph id
(``briefbook.core.fonts.renumber_cids``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import typer
from fontTools.ttLib import TTFont

from briefbook.checks.compare import DEFAULT_THRESHOLD, Budget, Comparison
from briefbook.checks.files import check_threshold, compare_files, read_pdf
from briefbook.checks.rasterise import DEFAULT_DPI
from briefbook.cli import app
from briefbook.cli.options import ProjectOpt
from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import atomic_path, read_bounded
from briefbook.core.fonts import cid_mismatches, renumber_cids
from briefbook.distribute.trace import trace_file

COMPARE_OUT = Path("test-artifacts/compare")
VISUAL_OUT = Path("test-artifacts/visual")


def print_table(comparison: Comparison) -> None:
    typer.echo(f"{'page':>4}  {'status':<13} {'changed px':>10} {'%':>9}  change at (mm)")
    for page in comparison.pages:
        at = str(page.bbox) if page.bbox else ""
        typer.echo(f"{page.number:>4}  {page.status:<13} {page.changed_pixels:>10} "
                   f"{page.percent:>9.4f}  {at}")
    if comparison.old_page_count != comparison.new_page_count:
        typer.echo(f"page count: expected {comparison.old_page_count}, "
                   f"got {comparison.new_page_count}")


@app.command()
def compare(
    old: Annotated[Path, typer.Argument(help="The expected PDF.")],
    new: Annotated[Path, typer.Argument(help="The actual PDF.")],
    out: Annotated[Path, typer.Option(
        help="Folder for expected/actual/diff PNGs and summary.json.")] = COMPARE_OUT,
    dpi: Annotated[float, typer.Option(help="Rasterisation resolution.")] = DEFAULT_DPI,
    threshold: Annotated[float, typer.Option(
        help="YIQ colour distance 0…1 a pixel must exceed to count as changed.")
    ] = DEFAULT_THRESHOLD,
    budget: Annotated[str, typer.Option(
        help='Changed pixels a page may have: a count ("20") or a percentage ("0.01%").')] = "0",
) -> None:
    """Compare two PDFs page by page; exit 1 if any page changed beyond the budget."""
    result = compare_files(old, new, out, dpi=dpi, threshold=threshold, budget=budget)
    print_table(result)
    if result.failed:
        typer.echo(f"CHANGED — diff images in {out}/")
        raise typer.Exit(1)
    typer.echo("unchanged")


@app.command()
def lint(
    pdf: Annotated[Path, typer.Argument(help="The PDF to check.")],
    expect_text: Annotated[list[str] | None, typer.Option(
        "--expect-text", help="Text that must occur (repeatable; whitespace ignored).")] = None,
    pages: Annotated[int | None, typer.Option(help="Expected page count.")] = None,
) -> None:
    """Check fonts (embedded, subset, allowed, ToUnicode, no .notdef, glyphs found the
    standard way), text and metadata."""
    # imported here: checks.lint loads pypdf and the render stage (~1 s); `briefbook --help`
    # must not
    from briefbook.checks.lint import lint_pdf

    try:
        report = lint_pdf(read_pdf(pdf), expected_pages=pages, expected_texts=expect_text or ())
    except BriefbookError as exc:  # e.g. over the page budget: name the file
        exc.where = exc.where or str(pdf)
        raise
    for issue in report.failures:
        typer.echo(f"FAIL {issue}")
    for issue in report.warnings:
        typer.echo(f"warn {issue}")
    if not report.ok:
        raise typer.Exit(1)
    typer.echo(f"ok: {report.page_count} page(s), {len(report.fonts)} font(s)")


@app.command()
def snapshot(
    brief: Annotated[Path, typer.Argument(help="The brief (YAML) to render.")],
    baseline: Annotated[Path, typer.Option(help="Folder holding the baseline page PNGs.")],
    update: Annotated[bool, typer.Option(
        "--update", help="Record or re-record the baseline (look at the render or diff first); "
                         "without it a missing baseline is an error.")] = False,
    dpi: Annotated[float | None, typer.Option(
        help=f"Resolution (default: the baseline's, or {DEFAULT_DPI} when recording).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Folder for diff images (default test-artifacts/visual/<baseline name>).")] = None,
    threshold: Annotated[float, typer.Option(help="YIQ colour distance 0…1.")] = DEFAULT_THRESHOLD,
    budget: Annotated[str, typer.Option(
        help='Changed pixels a page may have ("20" or "0.01%").')] = "0",
    project: ProjectOpt = None,
) -> None:
    """Render BRIEF and compare it with the baseline (record it with --update); exit 1 on a
    change or a missing baseline."""
    check_threshold(threshold)
    parsed = Budget.parse(budget)
    # imported here: the render stage loads WeasyPrint (~1 s); `briefbook --help` must not
    from briefbook.checks.baseline import check_against_baseline
    from briefbook.render import render_pdf_bytes

    if not brief.is_file():
        raise BriefbookError("no such brief", where=str(brief))
    pdf_bytes = render_pdf_bytes(brief, project)
    out_dir = out if out is not None else VISUAL_OUT / baseline.resolve().name
    result = check_against_baseline(pdf_bytes, baseline, update=update, dpi=dpi,
                                    out_dir=out_dir, threshold=threshold, budget=parsed)
    if result.comparison is not None:
        print_table(result.comparison)
    typer.echo(result.describe())
    if result.failed:
        typer.echo("if the change is intended: look at the diff images, then rerun with --update")
        raise typer.Exit(1)


font_app = typer.Typer(help="Fonts for a project's stylesheet.", no_args_is_help=True)
app.add_typer(font_app, name="font")
#: Largest font ``font fix`` reads (the biggest Noto CJK face is about 20 MB).
MAX_FONT_BYTES = 100_000_000


@font_app.command("fix")
def font_fix(
    source: Annotated[Path, typer.Argument(metavar="IN", help="a CID-keyed CFF font (.otf)",
                                           show_default=False)],
    target: Annotated[Path, typer.Argument(metavar="OUT", help="where to write the fixed font",
                                           show_default=False)],
) -> None:
    """Write IN to OUT with every CID equal to its glyph id.

    Then every PDF viewer draws the glyphs WeasyPrint means; only the CFF charset changes."""
    if source.resolve() == target.resolve():
        raise BriefbookError("OUT must be another file than IN", where=str(target))
    data = read_bounded(source, MAX_FONT_BYTES, "a font")
    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            cid_keyed = "CFF " in font and hasattr(font["CFF "].cff.topDictIndex[0], "ROS")
        mismatched = cid_mismatches(io.BytesIO(data)) if cid_keyed else 0
    except Exception as exc:  # fontTools' own errors for a file that is not a font
        raise BriefbookError(f"not a font fontTools can read ({exc})", where=str(source)) from None
    if not cid_keyed:
        raise BriefbookError("not a CID-keyed CFF font: viewers find its glyphs by glyph id "
                             "already; use it as it is", where=str(source))
    with atomic_path(target) as tmp:
        renumber_cids(io.BytesIO(data), tmp)
    typer.echo(f"{target}: {mismatched:,} glyph(s) renumbered; every CID now equals its glyph id")


@app.command()
def trace(
    file: Annotated[Path, typer.Argument(help="a PDF copy, or a PNG/JPEG of one of its pages",
                                         show_default=False)],
    editions: Annotated[Path | None, typer.Option(
        "--editions", help="folder with the run's editions.json (default: the file's folder)")
    ] = None,
) -> None:
    """Name the reader and copy number of an edition from a PDF or a page image."""

    result = trace_file(file, editions or file.parent)
    entry = result.entry
    where = (f"page {result.pages[0]}" if result.total_pages == 1 else
             f"{len(result.pages)} of {result.total_pages} pages")
    typer.echo(f"{file}: copy {entry['copy']} of {entry.get('file', '?')}, reader "
               f"{entry['name']} (trace code {entry['trace']}, read on {where})")
