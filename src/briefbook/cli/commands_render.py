"""Commands that make and vet books: ``init``, ``render``, ``check``, ``schema``, ``doctor``.

Every brief is rendered with its own project (found by walking up from the brief's folder), or
with the one ``--project`` names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from briefbook.cli import app
from briefbook.cli.options import ProjectOpt, project_for
from briefbook.core.errors import BriefbookError, shown_message

BriefArg = Annotated[Path, typer.Argument(help="brief file (YAML)", show_default=False)]


@app.command()
def render(
    briefs: Annotated[list[Path], typer.Argument(help="one or more brief files (YAML)")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="PDF path (one brief)")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="folder for the PDFs")] = None,
    project: ProjectOpt = None,
    pdf_variant: Annotated[str | None, typer.Option(
        "--pdf-variant", help="pdf/a-3b (archival, brief+metrics+sources attached) or pdf/ua-1 (tagged)",
        show_default=False)] = None,
    output_format: Annotated[str, typer.Option(
        "--format", help="pdf, or html (one self-contained accessible file)")] = "pdf",
    sign: Annotated[Path | None, typer.Option(
        "--sign", help="sign with this PKCS#12 key (.p12); password: --sign-password-file or "
                       "$BRIEFBOOK_SIGN_PASSWORD")] = None,
    sign_password_file: Annotated[Path | None, typer.Option(
        "--sign-password-file", help="file whose first line is the key's password")] = None,
    jobs: Annotated[int | None, typer.Option(
        "-j", "--jobs", min=1, max=64, show_default=False,
        help="processes laying out each book's chapters (default: the cores available). "
             "Pages and text are the same for any N; --jobs 1 gives the one-process bytes")] = None,
) -> None:
    """Render briefs to PDF (or HTML). A failed render leaves any existing file untouched."""
    import time

    from briefbook.distribute.signing import key_from_options
    from briefbook.render import Renderer, render_to_file
    from briefbook.render.formats.archival import check_variant
    from briefbook.render.formats.html_edition import check_format, render_html_to_file
    from briefbook.render.layout.jobs import available_cores

    suffix = check_format(output_format, pdf_variant)
    check_variant(pdf_variant)

    if suffix == "html" and sign is not None:
        raise BriefbookError("--sign signs PDFs; the HTML edition cannot be signed",
                             hint="drop --sign, or render a PDF")
    key = key_from_options(sign, sign_password_file)  # vetted before any rendering
    if output and len(briefs) > 1:
        raise BriefbookError("-o names one file; use --out-dir for several briefs")
    if output and output.suffix.lower() != f".{suffix}":
        raise BriefbookError(f"-o {output}: this writes {suffix.upper()}, so the name must end "
                             f"in .{suffix}",
                             hint=f"name the output {output.with_suffix('.' + suffix).name}")
    targets = [output or (out_dir or brief.parent) / f"{brief.stem}.{suffix}" for brief in briefs]
    clashes = sorted({str(t) for t in targets if targets.count(t) > 1})
    if clashes:
        raise BriefbookError(f"several briefs would write the same PDF: {', '.join(clashes)}",
                             hint="render them into different --out-dir folders")
    from briefbook.core.fileio import check_writable_target

    for target in targets:  # a link, FIFO, device or folder as output: refused before rendering
        check_writable_target(target)
    jobs = jobs or available_cores()
    renderers: dict[Path, Renderer] = {}
    failures = 0
    for brief, target in zip(briefs, targets, strict=True):
        start = time.perf_counter()
        try:
            found = project_for(project, brief)
            renderer = renderers.setdefault(found.root, Renderer(found))
            if suffix == "html":
                pdf = render_html_to_file(brief, target, renderer)
            elif key is None:
                pdf = render_to_file(brief, target, renderer, variant=pdf_variant, jobs=jobs)
            else:  # signed: the file appears only once signed
                from briefbook.distribute.signing import sign_bytes
                from briefbook.core.fileio import write_atomic

                pdf = sign_bytes(renderer.render(brief, variant=pdf_variant, jobs=jobs), key)
                write_atomic(target, pdf)
        except BriefbookError as exc:
            failures += 1
            typer.secho(shown_message(f"error: {exc}"), err=True, fg=typer.colors.RED)
            continue
        typer.echo(f"{target}  {len(pdf) / 1024:,.0f} KB  {time.perf_counter() - start:.2f} s")
    if failures:
        raise typer.Exit(1)


@app.command()
def check(brief: BriefArg, project: ProjectOpt = None) -> None:
    """Validate a brief: every problem at once, with file:line:column."""
    from briefbook.render import Renderer

    Renderer(project_for(project, brief)).check(brief)
    typer.echo(f"{brief}: ok")


@app.command()
def schema(of_project: Annotated[bool, typer.Option(
        "--project", help="the schema of briefbook.yaml instead of a brief's")] = False) -> None:
    """Print the brief's (or the project file's) JSON Schema, for editors."""
    if of_project:
        from briefbook.project.config import project_json_schema

        typer.echo(project_json_schema(), nl=False)
        return
    from briefbook.brief import json_schema

    typer.echo(json_schema(), nl=False)


@app.command()
def init(folder: Annotated[Path, typer.Argument(help="new project folder (missing or empty)")],
         title: Annotated[str | None, typer.Option("--title", help="the project's name")] = None,
         ) -> None:
    """Start a project: briefbook.yaml, an example article, its metrics and a brief."""
    from briefbook.scaffold import init_project

    made = init_project(folder, title=title)
    typer.echo(f"created project {made.root}")
    typer.echo(f"next: cd {folder} && briefbook render briefs/example.yaml")


@app.command()
def doctor(quiet: Annotated[bool, typer.Option("--quiet", help="print only problems")] = False) -> None:
    """Check that this machine can render: libraries, versions, fonts."""
    from briefbook.doctor import findings

    results = findings()
    for f in results:
        if quiet and f.ok:
            continue
        mark = typer.style("ok  ", fg=typer.colors.GREEN) if f.ok else typer.style("FAIL", fg=typer.colors.RED)
        typer.echo(f"{mark} {f.name:<34} {f.value}" + ("" if f.ok else f"  → {f.fix}"))
    if not all(f.ok for f in results):
        raise typer.Exit(1)
