"""``briefbook preview``: the book's pages in a browser, re-rendered on every save."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from briefbook.cli import app
# Typer runs an app with a single command as that command (no name on the command line):
# register the render commands too, which costs only their definitions.
from briefbook.cli import commands_render  # noqa: F401  (registers render, check, …)


@app.command()
def preview(
    brief: Annotated[Path, typer.Argument(help="brief file (YAML)", show_default=False)],
    port: Annotated[int, typer.Option("--port", help="port on 127.0.0.1 (0: any free port)")] = 8765,
    corpus: Annotated[Path | None, typer.Option("--corpus", help="corpus folder (default: the project's)")] = None,
) -> None:
    """Serve the book's pages on 127.0.0.1 and refresh them when the brief, corpus or templates change."""
    from briefbook import paths
    from briefbook.preview.server import serve
    from briefbook.preview.session import PreviewSession

    # Issue 11 hands a Project here; until then the default corpus is the package's.
    corpus_dir = (corpus or paths.CORPUS_DIR).absolute()
    session = PreviewSession(brief.absolute(), corpus_dir=corpus_dir)

    def ready(url: str) -> None:
        typer.echo(f"preview of {brief} at {url}  (Ctrl-C to stop)")

    def rendered(snapshot) -> None:
        if snapshot.error:
            typer.secho(snapshot.error, err=True, fg=typer.colors.RED)
        else:
            detail = f" ({snapshot.detail})" if snapshot.detail else ""
            typer.echo(f"rendered {len(snapshot.pages)} pages in {snapshot.seconds:.2f} s{detail}")

    serve(session, [corpus_dir, paths.TEMPLATES_DIR], port=port, on_ready=ready, on_render=rendered)
    typer.echo("preview stopped")
