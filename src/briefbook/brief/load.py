"""Reading a brief file: YAML with line numbers, then the typed model, every error at once.

Takes: a path to a YAML brief (untrusted). Gives: a ``Brief`` plus a ``Locator`` that maps
any YAML path (``sections[2].quotes[0]``) back to ``file:line:column``. Raises
``BriefbookErrors`` listing every problem, each with its location, what is wrong and, where
it can guess, what was meant. The reading and the wording are ``core.models``'s (the project
file shares them); what is the brief's own is here: its limits, its hints, how to write its
fields, and that a brief reached through a symbolic link must stay in its project.

What a file that is not a brief gives away (errors are printed and served on the preview's
``/state``): a brief path that is a symbolic link to a file outside its project folder (outside
any project: outside the folder the path names) is refused before it is read; a mapping none
of whose top-level keys is a brief field is refused as "not a brief" without naming any of its
keys; an unknown field's name is shown cut to 40 characters (``core.models.MAX_SHOWN_KEY``).
"""

from __future__ import annotations

import os
from pathlib import Path

from briefbook.brief.schema import Brief
from briefbook.core.errors import BriefbookError
from briefbook.core.models import FileKind, Locator, load_model, read_mapping
from briefbook.project import PROJECT_FILE

MAX_BRIEF_BYTES = 1_000_000

#: What a brief is called in messages, how to start one, how to write its fields.
BRIEF = FileKind(
    noun="brief",
    empty_hint="start from briefs/summary-sheet.yaml",
    foreign_hint="a brief starts with title: and date:; `briefbook schema` prints its fields",
    max_bytes=MAX_BRIEF_BYTES,
    examples={"sections": "- heading: 就业与人才", "charts": "- kind: timeline",
              "summary": "summary: {text: 一段摘要}", "table": "table: {topics: [公共卫生]}",
              "appendix": "appendix: {sources: true}"},
)


def read_brief(path: Path) -> tuple[dict, Locator]:
    """Read a brief's YAML as a mapping, with its locator."""
    path = Path(path)
    refuse_link_out(path, "the brief")
    return read_mapping(path, Brief, BRIEF)


def load_brief(path: Path) -> tuple[Brief, Locator]:
    """Read and validate a brief; raise every schema problem at once."""
    path = Path(path)
    refuse_link_out(path, "the brief")
    return load_model(path, Brief, what=BRIEF)


def refuse_link_out(path: Path, what: str) -> None:
    """Refuse ``path`` when symbolic links lead it out of its project folder (the nearest
    folder at or above it, by name, holding ``briefbook.yaml``; outside any project, the
    folder the path names): a project's ``briefs/x.yaml -> ~/.ssh/id_rsa`` is not read."""
    absolute = Path(os.path.abspath(path))
    real = absolute.resolve()
    if real == absolute:
        return                              # no link on the way: nothing to check
    home = absolute.parent
    for folder in (absolute.parent, *absolute.parent.parents):
        if (folder / PROJECT_FILE).is_file():
            home = folder
            break
    if real.is_relative_to(home.resolve()):
        return
    raise BriefbookError(f"{what} is a symbolic link to a file outside "
                         f"{'the project folder' if home != absolute.parent else 'its folder'}"
                         f" ({home}); it was not read", where=str(path),
                         hint=f"copy the file into {home} instead of linking to it")
