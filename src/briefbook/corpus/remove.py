"""Take one article out of the corpus: its ``sources.yaml`` entry, its ``ids.lock`` lines and
its raw file (and the original it was read from, if kept), all or nothing.

Takes: a corpus folder and an article id. Whether anything cites the article is not this
stage's to know (briefs and the metrics catalog sit above it): ``briefbook.manage`` asks first.
Gives: ``remove_article(corpus_dir, article_id) -> Removed`` (what went: the entry, the raw
file, how many locked ids), or a ``BriefbookError`` — an unknown id with did-you-mean, or a
write that failed, after which the corpus is as it was. The new ``sources.yaml`` and
``ids.lock`` are written with ``write_atomic``; if the second write or the deletion of the raw
file (last) fails, the old texts are written back. ``sources.yaml`` is rewritten by
``save_sources``, which edits it in place: only the entry's lines go, the comments stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefbook.core.errors import BriefbookError, shown
from briefbook.core.fileio import write_atomic
from briefbook.core.safeyaml import read_text
from briefbook.core.suggest import did_you_mean
from briefbook.corpus.defects import load_corrections
from briefbook.corpus.sources import (
    SOURCES_FILE,
    SourcesFile,
    load_sources,
    original_path,
    raw_path,
    save_sources,
)
from briefbook.corpus.store import CORRECTIONS_FILE, LOCK_FILE


@dataclass(frozen=True)
class Removed:
    """What ``remove_article`` took out."""

    article_id: str
    title: str
    raw_file: Path
    original_file: Path | None  # the original it was read from, if one was kept
    locked_ids: int  # lines dropped from ids.lock
    repairs_left: int  # repairs in corrections.yaml that named the article (left in place)


def owns(article_id: str, some_id: str) -> bool:
    """Whether ``some_id`` is the article's id or one of its sections' or paragraphs'."""
    return some_id == article_id or some_id.startswith(article_id + "/")


def remaining_lock(text: str, article_id: str) -> tuple[str, int]:
    """``ids.lock``'s text without the article's lines (comments and the rest verbatim), and
    how many lines went."""
    kept: list[str] = []
    dropped = 0
    for row in text.splitlines(keepends=True):
        if not row.startswith("#") and owns(article_id, row.split("\t", 1)[0].strip()):
            dropped += 1
            continue
        kept.append(row)
    return "".join(kept), dropped


def article_ids(corpus_dir: Path) -> list[str]:
    """The ids ``sources.yaml`` lists, in its order."""
    return [e.id for e in load_sources(corpus_dir).articles]


def check_known(corpus_dir: Path, article_id: str) -> None:
    """Refuse an id ``sources.yaml`` does not list, with the closest ones it does."""
    known = article_ids(corpus_dir)
    if article_id in known:
        return
    close = did_you_mean(article_id, known, n=3)
    hint = ("did you mean " + ", ".join(close) + "?") if close else \
        "run `briefbook sources` to list the articles"
    raise BriefbookError(f"unknown article id {shown(article_id)!r}",
                         where=str(corpus_dir / SOURCES_FILE), hint=hint)


def remove_article(corpus_dir: Path, article_id: str) -> Removed:
    """Remove ``article_id`` from ``corpus_dir`` (see the module docstring)."""
    corpus_dir = Path(corpus_dir)
    check_known(corpus_dir, article_id)
    sources = load_sources(corpus_dir)
    entry = next(e for e in sources.articles if e.id == article_id)
    raw = raw_path(corpus_dir, entry)
    original = original_path(corpus_dir, entry)
    sources_path, lock_path = corpus_dir / SOURCES_FILE, corpus_dir / LOCK_FILE
    old_sources = read_text(sources_path, "the sources catalogue")
    old_lock = read_text(lock_path, "the id lock") if lock_path.exists() else None
    new_lock, dropped = remaining_lock(old_lock or "", article_id)
    corrections = corpus_dir / CORRECTIONS_FILE
    left = len(load_corrections(corrections).for_article(article_id)) \
        if corrections.exists() else 0
    try:
        save_sources(corpus_dir, SourcesFile(
            articles=[e for e in sources.articles if e.id != article_id]))
        if old_lock is not None:
            write_atomic(lock_path, new_lock)
        raw.unlink(missing_ok=True)
        if original is not None:
            original.unlink(missing_ok=True)
    except OSError as exc:
        _restore(sources_path, old_sources, lock_path, old_lock)
        raise BriefbookError(f"cannot remove {article_id}: {exc.strerror or exc}; the corpus "
                             "is as it was", where=str(exc.filename or corpus_dir),
                             hint="check that the corpus folder is writable") from None
    return Removed(article_id=article_id, title=entry.title, raw_file=raw,
                   original_file=original, locked_ids=dropped, repairs_left=left)


def _restore(sources_path: Path, old_sources: str, lock_path: Path,
             old_lock: str | None) -> None:
    """Write the old ``sources.yaml`` and ``ids.lock`` back (best effort: each is atomic)."""
    write_atomic(sources_path, old_sources)
    if old_lock is not None:
        write_atomic(lock_path, old_lock)
