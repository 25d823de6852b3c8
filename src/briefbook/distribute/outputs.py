"""Where rendered books go, and in what form.

Takes: brief paths and the output choices of ``render`` (``--format``, ``--pdf-variant``,
``--sign``, ``-o``, ``--out-dir``) or of ``build`` (the output folder).
Gives: the choices as enums (``OutputFormat``, ``PdfVariant``); ``check_render_choices`` —
a combination that cannot be made is an error; ``render_targets`` — one checked output path
per brief (``-o``, else ``OUT_DIR/<stem>.<format>``, else beside the brief), refused before
anything is rendered when two briefs share one or a path is a link, FIFO, device or folder;
``build_targets`` — brief → ``OUT/<stem>.pdf``, two briefs of one stem refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import check_writable_target


class OutputFormat(StrEnum):
    """What ``render`` writes: a PDF, or one self-contained accessible HTML file."""

    PDF = "pdf"
    HTML = "html"

    @property
    def suffix(self) -> str:
        return f".{self.value}"


class PdfVariant(StrEnum):
    """A PDF's variant (the render stage's ``formats.archival.VARIANTS``; none: a plain PDF)."""

    ARCHIVAL = "pdf/a-3b"   # archival: the brief, metrics and sources attached
    TAGGED = "pdf/ua-1"     # tagged, accessible


def check_render_choices(output_format: OutputFormat, variant: PdfVariant | None, *,
                         signed: bool) -> None:
    """Refuse what cannot be made: a PDF variant or a signature for the HTML edition."""
    if output_format is OutputFormat.HTML and variant is not None:
        raise BriefbookError("--pdf-variant applies to PDF output only",
                             hint="drop --pdf-variant, or render the PDF and the HTML separately")
    if output_format is OutputFormat.HTML and signed:
        raise BriefbookError("--sign signs PDFs; the HTML edition cannot be signed",
                             hint="drop --sign, or render a PDF")


def render_targets(briefs: Sequence[Path], output_format: OutputFormat, *,
                   output: Path | None = None, out_dir: Path | None = None) -> list[Path]:
    """The output path of each brief, in order: ``output`` (one brief only; its suffix must
    match the format), else ``out_dir/<stem>.<format>``, else beside the brief. Every path
    is checked as a place to write (``fileio.check_writable_target``)."""
    suffix = output_format.suffix
    if output and len(briefs) > 1:
        raise BriefbookError("-o names one file; use --out-dir for several briefs")
    if output and output.suffix.lower() != suffix:
        raise BriefbookError(f"-o {output}: this writes {output_format.value.upper()}, so the "
                             f"name must end in {suffix}",
                             hint=f"name the output {output.with_suffix(suffix).name}")
    targets = [output or (out_dir or brief.parent) / f"{brief.stem}{suffix}" for brief in briefs]
    clashes = sorted({str(t) for t in targets if targets.count(t) > 1})
    if clashes:
        raise BriefbookError(f"several briefs would write the same PDF: {', '.join(clashes)}",
                             hint="render them into different --out-dir folders")
    for target in targets:  # a link, FIFO, device or folder as output: refused before rendering
        check_writable_target(target)
    return targets


def build_targets(briefs: Iterable[Path], out_dir: Path) -> dict[Path, Path]:
    """Brief → ``out_dir/<stem>.pdf`` (a brief named twice counts once); two different
    briefs of one stem would write one PDF: an error."""
    stems: dict[str, Path] = {}
    for brief in briefs:
        if brief.stem in stems and stems[brief.stem].resolve() != brief.resolve():
            raise BriefbookError(f"two briefs would both write {brief.stem}.pdf: "
                                 f"{stems[brief.stem]} and {brief}", where=str(brief))
        stems[brief.stem] = brief
    return {brief: Path(out_dir) / f"{brief.stem}.pdf" for brief in stems.values()}


__all__ = ["OutputFormat", "PdfVariant", "build_targets", "check_render_choices",
           "render_targets"]
