"""``briefbook preview``: the book's pages in a browser, re-rendered on every save."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# Typer runs an app with a single command as that command (no name on the command line):
# register the render commands too, which costs only their definitions.
from briefbook.cli import (
    app,
    commands_render,  # noqa: F401  (registers render, check, …)
)
from briefbook.cli.options import ProjectOpt, project_for
from briefbook.core import resources

if TYPE_CHECKING:
    from briefbook.preview.session import Snapshot


@app.command()
def preview(
    brief: Annotated[Path, typer.Argument(help="brief file (YAML)", show_default=False)],
    port: Annotated[int, typer.Option(
        "--port", help="port on 127.0.0.1 (0: any free port)")] = 8765,
    project: ProjectOpt = None,
) -> None:
    """Serve the book's pages on 127.0.0.1 and refresh them when the brief, corpus or templates
    change."""
    # imported here: the preview server loads uvicorn and starlette (~0.2 s); `briefbook
    # --help` must not
    from briefbook.preview.server import serve
    from briefbook.preview.session import PreviewSession

    found = project_for(project, brief)
    session = PreviewSession(brief.absolute(), project=found)
    # What a render reads besides the brief: the project file, corpus (with the metric
    # catalog), the package templates and book.css, and the project's stylesheet folder.
    watched = [found.corpus_dir, resources.TEMPLATES_DIR]
    if found.stylesheet is not None:
        watched.append(found.stylesheet.parent)

    def ready(url: str) -> None:
        typer.echo(f"preview of {brief} at {url}  (Ctrl-C to stop)")

    def rendered(snapshot: Snapshot) -> None:
        if snapshot.error:
            typer.secho(snapshot.error, err=True, fg=typer.colors.RED)
        else:
            detail = f" ({snapshot.detail})" if snapshot.detail else ""
            typer.echo(f"rendered {len(snapshot.pages)} pages in {snapshot.seconds:.2f} s{detail}")

    serve(session, watched, watch_files=[found.config_path], port=port, on_ready=ready,
          on_render=rendered)
    typer.echo("preview stopped")
