"""Commands that make and vet books: ``init``, ``render``, ``check``, ``schema``, ``doctor``.

Every brief is rendered with its own project (found by walking up from the brief's folder), or
with the one ``--project`` names; where each output goes, and in what form, is
``distribute/outputs.py``'s.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from briefbook.brief import json_schema
from briefbook.cli import app
from briefbook.cli.options import ProjectOpt, project_for
from briefbook.cli.progress import bar
from briefbook.core.errors import BriefbookError, shown_message
from briefbook.core.fileio import write_atomic
from briefbook.core.proc import available_cores
from briefbook.distribute.outputs import (
    OutputFormat,
    PdfVariant,
    check_render_choices,
    render_targets,
)
from briefbook.distribute.signing import key_from_options, sign_bytes
from briefbook.project.config import project_json_schema


@app.command()
def render(
    briefs: Annotated[list[Path], typer.Argument(help="one or more brief files (YAML)")],
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="PDF path (one brief)")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="folder for the PDFs")] = None,
    project: ProjectOpt = None,
    pdf_variant: Annotated[PdfVariant | None, typer.Option(
        "--pdf-variant", help="pdf/a-3b (archival, brief+metrics+sources attached) or pdf/ua-1 "
                              "(tagged); none: a plain PDF", show_default=False)] = None,
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", help="pdf, or html (one self-contained accessible file)")] = OutputFormat.PDF,
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
    check_render_choices(output_format, pdf_variant, signed=sign is not None)
    key = key_from_options(sign, sign_password_file)  # vetted before any rendering
    targets = render_targets(briefs, output_format, output=output, out_dir=out_dir)
    # imported here: the render stage loads WeasyPrint (~1 s); `briefbook --help` must not
    from briefbook.render import Renderer, render_to_file

    variant = pdf_variant.value if pdf_variant is not None else None  # the render stage's str
    jobs = jobs or available_cores()
    renderers: dict[Path, Renderer] = {}
    failures = 0
    with bar() as progress:
        task = progress.add_task("rendering", total=len(briefs))
        for brief, target in zip(briefs, targets, strict=True):
            progress.update(task, description=f"rendering {brief.name}")
            start = time.perf_counter()
            try:
                found = project_for(project, brief)
                renderer = renderers.setdefault(found.root, Renderer(found))
                if output_format is OutputFormat.HTML:
                    # imported here: its font subsetting (uharfbuzz) only for this format
                    from briefbook.render.formats.html_edition import render_html_to_file

                    pdf = render_html_to_file(brief, target, renderer)
                elif key is None:
                    pdf = render_to_file(brief, target, renderer, variant=variant, jobs=jobs)
                else:  # signed: the file appears only once signed
                    pdf = sign_bytes(renderer.render(brief, variant=variant, jobs=jobs), key)
                    write_atomic(target, pdf)
            except BriefbookError as exc:
                failures += 1
                typer.secho(shown_message(f"error: {exc}"), err=True, fg=typer.colors.RED)
                continue
            finally:
                progress.advance(task)
            typer.echo(f"{target}  {len(pdf) / 1024:,.0f} KB  "
                       f"{time.perf_counter() - start:.2f} s")
    if failures:
        raise typer.Exit(1)


@app.command()
def check(brief: Annotated[Path | None, typer.Argument(
              help="brief file (YAML) [default: every brief in the project's briefs/]",
              show_default=False)] = None,
          project: ProjectOpt = None) -> None:
    """Validate a brief: every problem at once, with file:line:column."""
    # imported here: the render stage loads WeasyPrint (~1 s); `briefbook --help` must not
    from briefbook.render import Renderer

    if brief is not None:
        Renderer(project_for(project, brief)).check(brief)
        typer.echo(f"{brief}: ok")
        return
    found = project_for(project)
    if not found.briefs():
        typer.echo(f"no briefs yet in {found.briefs_dir}; write one there (`briefbook schema` "
                   "prints what a brief holds), then `briefbook check briefs/NAME.yaml`")
        return
    renderer = Renderer(found)
    for each in found.briefs():
        renderer.check(each)
        typer.echo(f"{each}: ok")


@app.command()
def schema(of_project: Annotated[bool, typer.Option(
        "--project", help="the schema of briefbook.yaml instead of a brief's")] = False) -> None:
    """Print the brief's (or the project file's) JSON Schema, for editors."""
    if of_project:
        typer.echo(project_json_schema(), nl=False)
        return
    typer.echo(json_schema(), nl=False)


@app.command()
def init(folder: Annotated[Path, typer.Argument(help="new project folder (missing or empty)")],
         title: Annotated[str | None, typer.Option("--title", help="the project's name")] = None,
         bare: Annotated[bool, typer.Option(
             "--bare", help="no example article, metrics or brief: an empty corpus and briefs/")
         ] = False,
         ) -> None:
    """Start a project: briefbook.yaml, an example article, its metrics and a brief."""
    from briefbook.scaffold import init_project  # imported here: only `init` needs it

    made = init_project(folder, title=title, bare=bare)
    typer.echo(f"created project {made.root}")
    if bare:
        typer.echo(f"next: cd {folder}, set the topics in briefbook.yaml, then "
                   "`briefbook ingest ARTICLE.txt --id ID`")
        return
    typer.echo(f"next: cd {folder} && briefbook render briefs/example.yaml")


@app.command()
def doctor(quiet: Annotated[bool, typer.Option(
        "--quiet", help="print only problems")] = False) -> None:
    """Check that this machine can render: libraries, versions, fonts."""
    from briefbook.doctor import findings  # imported here: only `doctor` needs it

    results = findings()
    for f in results:
        if quiet and f.ok:
            continue
        mark = (typer.style("ok  ", fg=typer.colors.GREEN) if f.ok
                else typer.style("FAIL", fg=typer.colors.RED))
        typer.echo(f"{mark} {f.name:<34} {f.value}" + ("" if f.ok else f"  → {f.fix}"))
    if not all(f.ok for f in results):
        raise typer.Exit(1)
