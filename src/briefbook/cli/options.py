"""Options every command shares, and finding the project a command works on.

Takes: ``--project DIR`` (or nothing: the project is found by walking up from the brief's
folder, or from the current folder). Gives: the ``Project`` value the stages are handed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from briefbook.project import Project, find_project

ProjectOpt = Annotated[Path | None, typer.Option(
    "--project", help="project folder (the one holding briefbook.yaml) "
                      "[default: found from the brief's folder or the current folder]",
    show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def project_for(override: Path | None, start: Path | None = None) -> Project:
    """The project named by ``--project``, else the one around ``start`` (or the cwd)."""
    return find_project(start, override)
