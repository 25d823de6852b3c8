"""Reading ``briefbook.yaml``: safe YAML with positions, then the typed config.

Takes: the path of a project file (untrusted). Gives: a ``ProjectConfig``, or one
``BriefbookErrors`` listing every problem at file:line:column (the same wording as briefs).
"""

from __future__ import annotations

from pathlib import Path

from briefbook.brief.load import Locator, read_yaml, refuse_foreign, validate
from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.project.config import ProjectConfig


def read_config(path: Path) -> ProjectConfig:
    data, root = read_yaml(path)
    locator = Locator(path, root)
    if data is None:
        raise BriefbookError("the project file is empty", where=f"{path}:1:1",
                             hint="it needs at least `title:` and `topics:`; "
                                  "`briefbook init DIR` writes a complete one")
    if not isinstance(data, dict):
        raise locator.error((), f"a project file is a mapping of fields, not a "
                                f"{type(data).__name__}")
    refuse_foreign(data, path, ProjectConfig, "a project file",
                   hint="a project file starts with title: and topics:; "
                        "`briefbook schema --project` prints its fields")
    config, errors = validate(data, locator, ProjectConfig)
    if errors:
        raise BriefbookErrors(errors)
    assert isinstance(config, ProjectConfig)
    return config
