"""Distribution commands: ``build`` (many briefs, in parallel, incremental) and ``editions``.

Takes: brief files (default: the current project's ``briefs/*.yaml``), an output folder,
``--jobs``, ``--executor local|dask``, ``--scheduler ADDRESS`` and the Dask waits
``--connect-timeout`` / ``--workers-timeout``; for editions a readers CSV.
Gives: PDFs and ``manifest.json`` (build) or ``editions.json`` (editions) in the
output folder, a progress bar on the terminal, one line per failure or wait (stderr), exit
code 1 when anything failed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from briefbook.cli import app
from briefbook.cli.options import ProjectOpt, project_for
from briefbook.cli.progress import bar, note
from briefbook.core.errors import BriefbookError, shown_message
from briefbook.core.proc import available_cores
from briefbook.distribute.build import build as run_build
from briefbook.distribute.executor import ExecutorKind, executor_settings
from briefbook.distribute.signing import CopyProtection, key_from_options

SignOpt = Annotated[Path | None, typer.Option(
    "--sign", help="sign with this PKCS#12 key (.p12); password: --sign-password-file or "
                   "$BRIEFBOOK_SIGN_PASSWORD")]
SignPasswordOpt = Annotated[Path | None, typer.Option(
    "--sign-password-file", help="file whose first line is the key's password")]
JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", min=1, max=64,
                                             help="worker processes (default: CPU count)")]
ExecutorOpt = Annotated[ExecutorKind | None, typer.Option(
    "--executor", help="where the work runs: local (worker processes, the default) or dask",
    show_default=False)]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", metavar="ADDRESS", show_default=False,
    help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask; default: a local "
         "cluster of --jobs workers on 127.0.0.1)")]

ConnectTimeoutOpt = Annotated[float | None, typer.Option(
    "--connect-timeout", metavar="SECONDS", min=0.1, max=86_400, show_default=False,
    help="with --scheduler: give up when it has not answered as a Dask scheduler after this "
         "long (default 20)")]
WorkersTimeoutOpt = Annotated[float | None, typer.Option(
    "--workers-timeout", metavar="SECONDS", min=0.1, max=86_400, show_default=False,
    help="with --scheduler: give up when no worker has joined after this long (default 60)")]


def _jobs(value: int | None) -> int:
    return value or available_cores()


@app.command()
def build(
    briefs: Annotated[list[Path] | None, typer.Argument(
        help="brief files (default: the project's briefs/*.yaml)", show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("dist"),
    jobs: JobsOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", help="render even when nothing changed")] = False,
    project: ProjectOpt = None,
    executor: ExecutorOpt = None,
    scheduler: SchedulerOpt = None,
    connect_timeout: ConnectTimeoutOpt = None,
    workers_timeout: WorkersTimeoutOpt = None,
) -> None:
    """Render many briefs in parallel; skip those whose inputs did not change."""
    start = time.perf_counter()
    proj = project_for(project, briefs[0] if briefs else None)
    settings = executor_settings(proj, executor, scheduler, connect_timeout=connect_timeout,
                                 workers_timeout=workers_timeout)
    with bar() as progress:
        task = progress.add_task("rendering", total=None)

        def event(kind: str, brief: str, info: dict[str, Any] | None) -> None:
            if kind == "plan" and info is not None:
                progress.update(task, total=info["todo"])
            elif kind == "failed" and info is not None:  # printed once, above the bar
                progress.console.print(_failure_line(brief, info["error"]), style="red",
                                       markup=False, highlight=False, soft_wrap=True)
                progress.advance(task)
            elif kind == "built":
                progress.advance(task)
            elif kind == "stale":
                progress.console.print(shown_message(f"removed {brief}: a temporary file left "
                                                     "by a build that was killed"),
                                       markup=False, highlight=False, soft_wrap=True)
            elif kind == "note":  # a wait: the Dask scheduler, its first worker
                note(progress)(brief)

        result = run_build(proj, briefs or None, out, jobs=_jobs(jobs), force=force,
                           on_event=event, executor=settings)
    typer.echo(f"{out}: {len(result.built)} built, {len(result.skipped)} unchanged, "
               f"{len(result.failed)} failed  ({time.perf_counter() - start:.2f} s)")
    if result.failed:
        raise typer.Exit(1)


def _failure_line(brief: str, message: str) -> str:
    line = f"error: {message}" if brief in message else f"error: {brief}: {message}"
    return shown_message(line)


@app.command()
def editions(
    brief: Annotated[Path, typer.Argument(help="brief file (YAML)", show_default=False)],
    readers: Annotated[Path, typer.Option("--readers", help="CSV with header name[,copy]")],
    out: Annotated[Path, typer.Option("--out", help="output folder")],
    jobs: JobsOpt = None,
    max_readers: Annotated[int, typer.Option(
        "--max-readers", min=1, help="refuse a list longer than this (a guard against a "
        "wrong file; default 10,000)")] = 10_000,
    project: ProjectOpt = None,
    sign: SignOpt = None,
    sign_password_file: SignPasswordOpt = None,
    encrypt: Annotated[bool, typer.Option("--encrypt", help="encrypt each copy (AES-256) with "
                                          "its own password")] = False,
    passwords: Annotated[Path | None, typer.Option(
        "--passwords", help="with --encrypt: CSV file (mode 0600, outside --out) for the "
                            "reader passwords")] = None,
    executor: ExecutorOpt = None,
    scheduler: SchedulerOpt = None,
    connect_timeout: ConnectTimeoutOpt = None,
    workers_timeout: WorkersTimeoutOpt = None,
) -> None:
    """One PDF per reader, each marked with the reader's name and copy number on every page
    (and a faint dot code in the side margins that `briefbook trace` reads)."""
    # imported here: editions loads pypdf, numpy and Pillow (the trace dots) (~0.4 s);
    # `briefbook --help` must not
    from briefbook.distribute.editions import make_editions, read_readers
    from briefbook.distribute.finish import CopyFinish

    if not brief.is_file():
        raise BriefbookError("brief not found", where=str(brief))
    proj = project_for(project, brief)
    settings = executor_settings(proj, executor, scheduler, connect_timeout=connect_timeout,
                                 workers_timeout=workers_timeout)
    start = time.perf_counter()
    finish = CopyFinish.new(CopyProtection(key_from_options(sign, sign_password_file), encrypt),
                            passwords)
    finish.check(out)  # the passwords file: a new or regular file, outside --out
    listed = read_readers(readers, max_readers=max_readers)  # validate before the slow render
    # imported here: the render stage loads WeasyPrint (~1 s); a wrong readers list is
    # refused before it loads
    from briefbook.render import Renderer

    renderer = Renderer(proj)
    with bar() as progress:
        task = progress.add_task("stamping", total=len(listed))
        entries = make_editions(brief, listed, out, renderer=renderer, jobs=_jobs(jobs),
                                executor=settings, finish=finish,
                                on_progress=lambda n: progress.advance(task, n),
                                on_stale=lambda p: note(progress)(
                                    f"removed {p}: staging left by a run that was killed"),
                                on_note=note(progress))
    typer.echo(f"{out}: {len(entries)} copies of {brief.name}, {entries[0]['pages']} pages each "
               f"({time.perf_counter() - start:.2f} s)")
    if finish.passwords is not None:
        typer.echo(f"reader passwords: {finish.passwords} (mode 0600; hand each reader theirs)")
