"""Changing several files as one: new texts written and files renamed, all or nothing.

Takes: ``Rewrite`` s (a file, its text as it was read, its new text) and ``Move`` s (a file and
its new name).
Gives: ``commit(rewrites, moves)``: every change made, or none — a ``BriefbookError`` naming
what failed, after every file is put back as it was. Before anything changes it refuses a
file that changed since it was read, one that is read-only (no write permission for its owner:
kept as the user set it, even where the folder would let it be replaced), one that is not a
regular file, and a new name that is taken.

The order keeps the project readable at each step, should the process be killed part-way:
each moved file gets its new name beside the old one first (a hard link: the same bytes under
both names; a copy where the file system has no hard links), then each text is written with
``write_atomic``, and the old names go last. On a failure the steps done are undone in reverse
order: old names linked back, the old bytes written back, the new names removed.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import check_writable_target, read_bounded, write_atomic
from briefbook.core.safeyaml import MAX_TEXT_FILE_BYTES, read_text


@dataclass(frozen=True)
class Rewrite:
    """A file's text as it was read (``old``) and what it becomes (``new``); ``changed``
    counts the values changed in it, ``what`` says what they are (for the report)."""

    path: Path
    old: str
    new: str
    changed: int = 0
    what: str = "values"


@dataclass(frozen=True)
class Move:
    """A file given a new name (in the same folder, or another on the same file system)."""

    source: Path
    target: Path


@dataclass
class _Journal:
    """The steps done so far, to undo them in reverse order."""

    undo: list[tuple[str, Callable[[], None]]] = field(default_factory=list)

    def rollback(self) -> list[str]:
        """Undo every step, latest first; the ones that could not be undone."""
        failed = []
        for name, step in reversed(self.undo):
            try:
                step()
            except (OSError, BriefbookError) as exc:
                failed.append(f"{name} ({getattr(exc, 'strerror', None) or exc})")
        return failed


def check_changeable(rewrites: Sequence[Rewrite], moves: Sequence[Move]) -> None:
    """Refuse, before anything changes, what ``commit`` could not do or should not: a file
    changed since it was read, not a regular file, or read-only; a new name already taken."""
    for r in rewrites:
        check_writable_target(r.path)
        if r.path.exists() and not os.stat(r.path).st_mode & stat.S_IWUSR:
            raise BriefbookError("the file is read-only; nothing was changed", where=str(r.path),
                                 hint=f"make it writable (chmod u+w {r.path}) and run again")
        if read_text(r.path, "the file") != r.old:
            raise BriefbookError("the file changed while the command ran; nothing was changed",
                                 where=str(r.path), hint="run the command again")
    for m in moves:
        if not m.source.is_file():
            raise BriefbookError("the file to rename is missing; nothing was changed",
                                 where=str(m.source))
        if os.path.lexists(m.target):
            raise BriefbookError(f"cannot rename {m.source.name} to {m.target.name}: "
                                 f"{m.target.name} already exists; nothing was changed",
                                 where=str(m.target),
                                 hint="move that file away (or delete it) and run again")


def commit(rewrites: Sequence[Rewrite], moves: Sequence[Move]) -> None:
    """Make every change, or none (see the module docstring)."""
    check_changeable(rewrites, moves)
    journal = _Journal()
    try:
        for m in moves:
            _link(m.source, m.target)
            journal.undo.append((f"remove {m.target}", _remover(m.target)))
        for r in rewrites:
            before = read_bounded(r.path, MAX_TEXT_FILE_BYTES, "the file")
            write_atomic(r.path, r.new)
            journal.undo.append((f"put back {r.path}", _writer(r.path, before)))
        for m in moves:
            m.source.unlink()
            journal.undo.append((f"put back {m.source}", _linker(m.target, m.source)))
    except (OSError, BriefbookError) as exc:
        failed = journal.rollback()
        raise _failure(exc, failed) from None
    except BaseException:                   # Ctrl-C: undone all the same, then on its way
        journal.rollback()
        raise


def _failure(exc: OSError | BriefbookError, failed: list[str]) -> BriefbookError:
    """The error for a failure part-way, saying whether every file is as it was."""
    if isinstance(exc, BriefbookError):
        reason, where = exc.message, exc.where
    else:
        reason, where = exc.strerror or str(exc), exc.filename
    if not failed:
        return BriefbookError(f"{reason}; every file was put back as it was",
                              where=str(where) if where else None,
                              hint="check that the project's folders and files are writable, "
                                   "then run again")
    return BriefbookError(f"{reason}; and these could not be undone: " + "; ".join(failed),
                          where=str(where) if where else None,
                          hint="put these files back from version control (git status shows "
                               "them) before running again")


def _link(source: Path, target: Path) -> None:
    """``target`` a second name of ``source`` (a copy where hard links are not supported)."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                             errno.EMLINK):
            raise
        with open(source, "rb") as src, open(target, "xb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)


def _remover(path: Path) -> Callable[[], None]:
    return lambda: path.unlink(missing_ok=True)


def _writer(path: Path, data: bytes) -> Callable[[], None]:
    return lambda: write_atomic(path, data)


def _linker(source: Path, target: Path) -> Callable[[], None]:
    return lambda: _link(source, target)
