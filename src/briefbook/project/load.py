"""Reading ``briefbook.yaml``: safe YAML with positions, then the typed config.

Takes: the path of a project file (untrusted). Gives: a ``ProjectConfig``, or one
``BriefbookErrors`` listing every problem at file:line:column (``core.models.load_model``:
the same reading and wording as briefs).
"""

from __future__ import annotations

from pathlib import Path

from briefbook.core.models import FileKind, load_model
from briefbook.project.config import ProjectConfig

#: What a project file is called in messages and how to start one.
PROJECT = FileKind(
    noun="project file",
    empty_hint="it needs at least `title:` and `topics:`; `briefbook init DIR` writes a "
               "complete one",
    foreign_hint="a project file starts with title: and topics:; `briefbook schema --project` "
                 "prints its fields",
)


def read_config(path: Path) -> ProjectConfig:
    """The validated config of the project file at ``path``."""
    config, _ = load_model(path, ProjectConfig, what=PROJECT)
    return config
