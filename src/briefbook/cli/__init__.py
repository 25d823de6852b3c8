"""The ``briefbook`` command.

Takes: the command line. Gives: one command per pipeline stage; each command module below
adds its commands to ``app``. Bad input ends with one clear message and exit code 1
(2 for a malformed command line) — never a traceback.

Command modules are imported on demand: ``main`` loads only the module of the command being
run (importing all of them — numpy, pypdfium2, the corpus — took 0.6 s, most of a
no-change ``briefbook build``). ``--help`` and unknown commands load everything.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

import typer

from briefbook import __version__
from briefbook.core.collector import leave_to_the_exit
from briefbook.core.errors import BriefbookError, shown_message

app = typer.Typer(
    name="briefbook",
    help="Turn a YAML brief into a typeset Simplified-Chinese briefing book (PDF).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"briefbook {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_show_version,
                                       is_eager=True, help="Print the version and exit.")) -> None:
    """Turn a YAML brief into a typeset Simplified-Chinese briefing book (PDF)."""


#: Which module defines each top-level command (its import registers it on ``app``).
COMMANDS = {
    "render": "commands_render", "check": "commands_render", "schema": "commands_render",
    "doctor": "commands_render", "init": "commands_render",
    "sources": "commands_corpus", "sections": "commands_corpus", "show": "commands_corpus",
    "ingest": "commands_corpus", "corpus": "commands_corpus",
    "metrics": "commands_metrics", "extract": "commands_metrics",
    "compare": "commands_checks", "lint": "commands_checks", "snapshot": "commands_checks",
    "font": "commands_checks",
    "build": "commands_build", "editions": "commands_build", "trace": "commands_checks",
    "preview": "commands_preview",
}
#: Order of the commands in ``--help``: the pipeline's order.
MODULES = ("commands_render", "commands_corpus", "commands_metrics", "commands_checks",
           "commands_build", "commands_preview")


def load_commands(command: str | None = None) -> typer.Typer:
    """Register ``command``'s module on ``app`` (all modules when None); returns ``app``."""
    for module in MODULES:
        if command is None or COMMANDS.get(command) == module:
            import_module(f"briefbook.cli.{module}")
    return app


def fail(message: str, code: int = 1) -> None:
    """Print ``message`` (untrusted parts escaped: no raw control characters) and exit."""
    typer.secho(shown_message(message), err=True, fg=typer.colors.RED)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn known failures into clear messages."""
    # Typer's standalone mode handles usage errors (exit 2) and Ctrl-C ("Aborted!", exit 1);
    # our own errors and bugs propagate out of it and are reported here.
    args = sys.argv[1:] if argv is None else argv
    first = next((a for a in args if not a.startswith("-")), None)
    try:
        load_commands(first if first in COMMANDS else None)  # imports: Ctrl-C may land here
        app(args=argv, prog_name="briefbook")
    except KeyboardInterrupt:  # outside a command (Typer handles it inside one)
        fail("interrupted", 130)
    except BriefbookError as exc:
        fail(f"error: {exc}")
    except Exception as exc:  # a bug, not bad input: still no raw traceback by default
        if os.environ.get("BRIEFBOOK_DEBUG"):
            raise
        fail(f"internal error: {type(exc).__name__}: {exc}\n"
             "  this is a bug in briefbook; rerun with BRIEFBOOK_DEBUG=1 for the traceback", 70)
    finally:
        if argv is None:  # the program (not a caller in this process): it ends now
            leave_to_the_exit()
