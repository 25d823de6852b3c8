"""The ``briefbook`` command.

Takes: the command line. Gives: one command per pipeline stage; each command module below
adds its commands to ``app``. Bad input ends with one clear message and exit code 1
(2 for a malformed command line) — never a traceback.
"""

from __future__ import annotations

import os

import typer

from briefbook.errors import BriefbookError

app = typer.Typer(
    name="briefbook",
    help="Turn a YAML brief into a typeset Simplified-Chinese briefing book (PDF).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module registers its commands on ``app`` when imported.
from briefbook.cli import commands_render  # noqa: E402,F401

for _optional in ("commands_corpus", "commands_metrics", "commands_checks", "commands_build"):
    try:
        __import__(f"briefbook.cli.{_optional}")
    except ModuleNotFoundError as _exc:  # a stage not written yet
        if _exc.name != f"briefbook.cli.{_optional}":
            raise


def fail(message: str, code: int = 1) -> None:
    typer.secho(message, err=True, fg=typer.colors.RED)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn known failures into clear messages."""
    # Typer's standalone mode handles usage errors (exit 2) and Ctrl-C ("Aborted!", exit 1);
    # our own errors and bugs propagate out of it and are reported here.
    try:
        app(args=argv, prog_name="briefbook")
    except BriefbookError as exc:
        fail(f"error: {exc}")
    except Exception as exc:  # a bug, not bad input: still no raw traceback by default
        if os.environ.get("BRIEFBOOK_DEBUG"):
            raise
        fail(f"internal error: {type(exc).__name__}: {exc}\n"
             "  this is a bug in briefbook; rerun with BRIEFBOOK_DEBUG=1 for the traceback", 70)
