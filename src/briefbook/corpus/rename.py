"""Renaming an article in the corpus: its id, and its section and paragraph ids
(``OLD/s2/p3`` → ``NEW/s2/p3``), in ``sources.yaml``, ``ids.lock`` and ``corrections.yaml``, and
the files under ``raw/`` named after it — planned and checked here, written by the caller.

Takes: a corpus folder, the article's id and the new one.
Gives: ``plan_rename(corpus_dir, old, new) -> CorpusRename``: each corpus file that changes,
as a ``core.filegroup.Rewrite`` (its text now and after), and the files to rename
(``raw/OLD.txt`` → ``raw/NEW.txt``; the original, ``raw/OLD.pdf`` or ``raw/OLD.gb18030.txt``, the
same way) as ``Move`` s; ``renamed_corpus(corpus_dir, plan)``: the corpus as it will load once
the plan is made, built from the new texts (the raw files read where they are now) and checked
against the new ``ids.lock`` — so the rename is proved before anything is written; and the
rules the catalog's and the briefs' renames share (``id_change``, ``citing_change``,
``mentions``). A new id that is not an article id, or is taken, is refused (``check_new_id``).

Only values that hold ids change, as the models say: an entry's ``id``, ``file`` and
``original.file`` (``SourceEntry``, ``Original``; a file is renamed only when its name starts
with the id and a dot, else it keeps its name), a repair's ``article`` (``corrections.yaml``),
an id's line in ``ids.lock``. Text that mentions the id (a note, a reason, a comment) is
left as written, and ``mentions`` finds it for the report. Each YAML edit is made in the file's
own text and read back (``core.roundtrip``): comments and layout stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefbook.core.errors import BriefbookError, shown
from briefbook.core.filegroup import Move, Rewrite
from briefbook.core.roundtrip import Loc, apply, checked, rewrite_scalar, scalars_at, set_at
from briefbook.core.safeyaml import load_yaml, read_text
from briefbook.corpus.defects import load_corrections
from briefbook.corpus.model import ARTICLE_ID_RULE, PARAGRAPH_ID, Corpus, is_article_id
from briefbook.corpus.remove import owns
from briefbook.corpus.sources import SOURCES_FILE, SourceEntry, load_sources, read_raw
from briefbook.corpus.store import (
    CORRECTIONS_FILE,
    LOCK_FILE,
    build_article,
    check_lock,
    read_lock,
)

#: Where sources.yaml and corrections.yaml hold an article id, or a file named after it.
SOURCES_IDS: tuple[Loc, ...] = (("articles", "*", "id"),)
SOURCES_FILES: tuple[Loc, ...] = (("articles", "*", "file"), ("articles", "*", "original", "file"))
CORRECTIONS_IDS: tuple[Loc, ...] = (("repairs", "*", "article"),)


@dataclass(frozen=True)
class CorpusRename:
    """What renaming ``old`` to ``new`` changes in the corpus folder."""

    old: str
    new: str
    rewrites: tuple[Rewrite, ...]      # sources.yaml, ids.lock, corrections.yaml (those changed)
    moves: tuple[Move, ...]            # raw files named after the id
    kept_names: tuple[str, ...]        # files of the article not named after it (not renamed)


# --------------------------------------------------------------------------- the rules

def _token(article_id: str) -> re.Pattern[str]:
    """The id as a whole word (not part of a longer id)."""
    return re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(article_id)}(?![A-Za-z0-9_-])")


def id_change(old: str, new: str) -> Callable[[str], str]:
    """For a value that is an id (``OLD``, ``OLD/s2``, ``OLD/s2/p3``): the article's part
    renamed; any other value as it is. Made the same way to the value and to its source text
    (quoted or not)."""
    token = _token(old)

    def change(text: str) -> str:
        core = text.strip().strip("'\"").strip()
        return token.sub(new, text, count=1) if owns(old, core) else text
    return change


def citing_change(old: str, new: str) -> Callable[[str], str]:
    """For a text that cites paragraph ids (``PARAGRAPH_ID``, as the catalog's
    ``status_reason``): each of the article's renamed; the rest of the text as it is."""
    def one(match: re.Match[str]) -> str:
        cited = match.group()
        return new + cited[len(old):] if owns(old, cited) else cited
    return lambda text: PARAGRAPH_ID.sub(one, text)


def file_change(old: str, new: str) -> Callable[[str], str]:
    """For a file ``sources.yaml`` names (``raw/OLD.txt``, ``raw/OLD.gb18030.txt``): its name
    renamed when it starts with the id and a dot; else as it is."""
    pattern = re.compile(rf"(?<=/){re.escape(old)}(?=\.[^/]*$)")

    def change(text: str) -> str:
        name = text.strip().strip("'\"")
        if not pattern.search(name):
            return text
        return text.replace(name, pattern.sub(new, name, count=1), 1)
    return change


def check_new_id(corpus_dir: Path, known: Sequence[str], old: str, new: str) -> None:
    """Refuse a new id that is not an article id, is the old one, or is taken (an article
    of ``known``, or ids of it still in ``ids.lock``)."""
    where = str(corpus_dir / SOURCES_FILE)
    if not is_article_id(new):
        raise BriefbookError(f"{shown(new)!r} is not an article id", where=where,
                             hint=f"an article id is {ARTICLE_ID_RULE}")
    if new == old:
        raise BriefbookError(f"{old} is already called {new}; nothing to do", where=where)
    if new in known:
        raise BriefbookError(f"there is already an article {new}; nothing was changed",
                             where=where, hint="choose another id (`briefbook sources` lists "
                             "the ones taken)")
    lock = corpus_dir / LOCK_FILE
    if lock.exists() and any(owns(new, i) for i in read_lock(lock)):
        raise BriefbookError(f"ids.lock still holds ids of {new}; nothing was changed",
                             where=str(lock), hint="run `briefbook corpus lock` first, or "
                             "choose another id")


def rename_values(text: str, where: str, what: str,
                  fields: Sequence[tuple[Loc, Callable[[str], str]]]) -> tuple[str, int]:
    """``text`` (YAML) with ``change`` made to every string value at each pattern of
    ``fields`` (``core.roundtrip.scalars_at``), in place and read back; and how many values
    of the file changed."""
    data, root = load_yaml(text, where)
    splices = {}
    for pattern, change in fields:
        for loc, node in scalars_at(root, pattern):
            value = change(node.value)
            if value == node.value:
                continue
            splice = rewrite_scalar(text, node, change)
            if splice is None:
                raise BriefbookError(f"line {node.start_mark.line + 1}: cannot rename the id in "
                                     "this value where it is written (a tag, escapes?); "
                                     "nothing was changed", where=where,
                                     hint="write the value as plain text, then run again")
            splices[(splice.start, splice.end)] = splice
            set_at(data, loc, value)
    if not splices:
        return text, 0
    return checked(apply(text, splices.values()), data, where, what=what), len(splices)


def mentions(text: str, article_id: str) -> list[int]:
    """The lines of ``text`` that name ``article_id`` as a word (comments and text included)."""
    return sorted({text.count("\n", 0, m.start()) + 1
                   for m in _token(article_id).finditer(text)})


# --------------------------------------------------------------------------- the plan

def plan_rename(corpus_dir: Path, old: str, new: str) -> CorpusRename:
    """Every change renaming ``old`` to ``new`` makes in ``corpus_dir`` (nothing written).
    ``old`` must be an article of ``sources.yaml`` (``corpus.remove.check_known``)."""
    corpus_dir = Path(corpus_dir)
    sources = load_sources(corpus_dir)
    check_new_id(corpus_dir, [e.id for e in sources.articles], old, new)
    entry = next(e for e in sources.articles if e.id == old)
    rewrites: list[Rewrite] = []

    path = corpus_dir / SOURCES_FILE
    text = read_text(path, "the sources catalogue")
    at = sources.articles.index(entry)      # only this entry's values (``*`` → its index)
    fields = [(_entry(p, at), id_change(old, new)) for p in SOURCES_IDS] + \
        [(_entry(p, at), file_change(old, new)) for p in SOURCES_FILES]
    new_text, n = rename_values(text, str(path), "the sources catalogue", fields)
    rewrites.append(Rewrite(path, text, new_text, n, "values"))

    lock = corpus_dir / LOCK_FILE
    text = read_text(lock, "the id lock")
    new_text, n = renamed_lock(text, old, new)
    if n:
        rewrites.append(Rewrite(lock, text, new_text, n, "ids"))

    corrections = corpus_dir / CORRECTIONS_FILE
    if corrections.exists():
        text = read_text(corrections, "the corrections file")
        new_text, n = rename_values(text, str(corrections), "the corrections file",
                                    [(p, _exactly(old, new)) for p in CORRECTIONS_IDS])
        if n:
            rewrites.append(Rewrite(corrections, text, new_text, n, "repairs"))

    moves, kept = _moves(corpus_dir, entry, old, new)
    return CorpusRename(old, new, tuple(rewrites), tuple(moves), tuple(kept))


def _entry(pattern: Loc, index: int) -> Loc:
    """``pattern`` with its first ``*`` (the list of entries) naming entry ``index``."""
    at = pattern.index("*")
    return (*pattern[:at], index, *pattern[at + 1:])


def _exactly(old: str, new: str) -> Callable[[str], str]:
    """For a value that must equal the id (a repair's ``article``)."""
    token = _token(old)
    return lambda text: token.sub(new, text, count=1) \
        if text.strip().strip("'\"").strip() == old else text


def renamed_lock(text: str, old: str, new: str) -> tuple[str, int]:
    """``ids.lock``'s text with the article's ids renamed in place (the rest verbatim), and
    how many there were."""
    rows = []
    count = 0
    for row in text.splitlines(keepends=True):
        first = row.split("\t", 1)[0]
        if not row.startswith("#") and owns(old, first.strip()):
            row = new + row[len(old):]
            count += 1
        rows.append(row)
    return "".join(rows), count


def _moves(corpus_dir: Path, entry: SourceEntry, old: str, new: str
           ) -> tuple[list[Move], list[str]]:
    """The article's files named after it (raw copy, original), each with its new name; the
    names of those that are not (they keep them)."""
    moves, kept = [], []
    names = [entry.file] + ([entry.original.file] if entry.original is not None else [])
    rename = file_change(old, new)
    for name in names:
        renamed = rename(name)
        if renamed == name:
            kept.append(name)
        else:
            moves.append(Move(corpus_dir / name, corpus_dir / renamed))
    return moves, kept


# --------------------------------------------------------------------------- the proof

def renamed_corpus(corpus_dir: Path, plan: CorpusRename) -> Corpus:
    """The corpus as it will load once ``plan`` is made: ``sources.yaml``,
    ``corrections.yaml`` and ``ids.lock`` from their new texts, each article built from its raw
    file where it is now, every id checked against the new lock. Raises what a load would."""
    corpus_dir = Path(corpus_dir)
    texts = {r.path.name: r.new for r in plan.rewrites}
    sources = load_sources(corpus_dir, texts.get(SOURCES_FILE))
    corrections = load_corrections(corpus_dir / CORRECTIONS_FILE, texts.get(CORRECTIONS_FILE))
    known = {e.id for e in sources.articles}
    for r in corrections.repairs:
        if r.article not in known:
            raise BriefbookError(f"repair for unknown article {r.article!r}",
                                 where=str(corpus_dir / CORRECTIONS_FILE))
    now = {m.target: m.source for m in plan.moves}
    articles = []
    for entry in sources.articles:
        where_now = now.get(corpus_dir / entry.file)
        reading = entry if where_now is None else entry.model_copy(
            update={"file": where_now.relative_to(corpus_dir).as_posix()})
        articles.append(build_article(entry, read_raw(corpus_dir, reading),
                                      corrections=corrections,
                                      where=str(corpus_dir / reading.file)).article)
    lock = corpus_dir / LOCK_FILE
    check_lock(articles, read_lock(lock, texts.get(LOCK_FILE)), str(lock))
    return Corpus(articles=tuple(sorted(articles, key=lambda a: (a.published, a.id))),
                  root=corpus_dir)
