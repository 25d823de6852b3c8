"""``trace``: whose copy is this? Reads the dot code of an edition from a PDF or a page image.

Takes: a PDF (any copy, also with its visible mark cut off or its metadata stripped) or a
PNG/JPEG of one whole page; the editions folder (``editions.json``), by default the file's own
folder. Gives: the reader's name, copy number and file, and on which pages the code was read;
exit 1 when no copy of that folder matches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from briefbook.cli import app


@app.command()
def trace(
    file: Annotated[Path, typer.Argument(help="a PDF copy, or a PNG/JPEG of one of its pages",
                                         show_default=False)],
    editions: Annotated[Path | None, typer.Option(
        "--editions", help="folder with the run's editions.json (default: the file's folder)")
    ] = None,
) -> None:
    """Name the reader and copy number of an edition from a PDF or a page image."""
    from briefbook.distribute.trace import trace_file

    result = trace_file(file, editions or file.parent)
    entry = result.entry
    where = (f"page {result.pages[0]}" if result.total_pages == 1 else
             f"{len(result.pages)} of {result.total_pages} pages")
    typer.echo(f"{file}: copy {entry['copy']} of {entry.get('file', '?')}, reader "
               f"{entry['name']} (trace code {entry['trace']}, read on {where})")
