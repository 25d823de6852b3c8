"""A book's PDF with every footnote on the page of its call: laid out whole, or by several
processes.

Takes: a ``Writer`` (``layout.writer``), the layout cache folder, the book's HTML and drawn
charts, the PDF variant's ``write_pdf`` options and a job count. Gives: PDF bytes. If
WeasyPrint pushed a footnote to a later page than its call, the quote that carries it starts
the next page, with its footnote, and the book is laid out again (at most three more times);
the moves an earlier render of the same HTML needed are made at once (``layout.facts``).
``jobs`` > 1 lays a plain PDF's chapters out in that many processes (``layout.jobs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from briefbook.render.layout.facts import FootnoteMoves
from briefbook.render.layout.jobs import ParallelStats, write_once
from briefbook.render.layout.notes import move_quotes_to_next_page
from briefbook.render.layout.writer import Charts, Writer


def write_keeping_footnotes(writer: Writer, cache: Path, html: str, charts: Charts, *,
                            where: str, options: Mapping[str, Any] | None = None,
                            jobs: int = 1, stats: ParallelStats | None = None) -> bytes:
    """The PDF of ``html``, each footnote on its call's page; ``stats`` says how it was laid
    out (``layout.jobs.ParallelStats``)."""
    stats = stats if stats is not None else ParallelStats()
    moves = FootnoteMoves(cache, writer.css_text)
    rounds = moves.get(html)
    original = html
    for numbers in rounds:
        html = move_quotes_to_next_page(html, set(numbers))
    pdf, moved = write_once(writer, cache, html, charts, jobs=jobs, where=where,
                            options=options, stats=stats)
    for _attempt in range(3):
        if not moved:
            break
        rounds.append(sorted(moved))
        html = move_quotes_to_next_page(html, moved)
        pdf, moved = write_once(writer, cache, html, charts, jobs=jobs, where=where,
                                options=options, stats=stats)
    if rounds:
        moves.put(original, rounds)
    return pdf
