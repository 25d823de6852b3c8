"""Adding a new raw article to the corpus.

Takes: a text file and its metadata (id, date, outlet, optional title, the project events it
reports on — zero or more, checked against the project's events). A
``title`` that differs from the page headline (or given for a copy without one) is recorded
as ``title_supplied``; without ``title`` the headline is the title.
Gives: an ``IngestReport`` (defects found, changes per rule, sections/paragraphs made);
unless ``dry_run``, the article is stored: verbatim raw copy under ``raw/``, its ids
appended to ``ids.lock``, its entry added to ``sources.yaml`` — each written atomically,
in that order, after the whole pipeline has succeeded on the text; a failure part-way
restores the lock and sources.yaml and removes the raw copy (the corpus stays loadable).

Bad input (not UTF-8, binary, empty, duplicate id or duplicate text, unknown event,
no article text, a character no bundled face can print) raises ``BriefbookError`` naming the
file (and, for a character, its line and column).
"""

from __future__ import annotations

import dataclasses
import difflib
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefbook.corpus import clean
from briefbook.corpus.defects import load_corrections
from briefbook.corpus.model import Article
from briefbook.corpus.sources import (ID_PATTERN, MAX_ARTICLE_BYTES, RAW_DIR, SOURCES_FILE, SourceEntry, SourcesFile,
                                      decode_raw, load_sources, read_raw,
                                      save_sources)
from briefbook.corpus.store import (CORRECTIONS_FILE, LOCK_FILE, Build, build_article,
                                    load_corpus, render_lock)
from briefbook.corpus.model import Event
from briefbook.errors import BriefbookError
from briefbook.fileio import read_bounded, write_atomic


def named_events(text: str, events: Iterable[Event]) -> list[Event]:
    """The project events whose name (or short name) the text mentions, in project order."""
    return [e for e in events if e.name in text or (e.short and e.short in text)]


@dataclass(frozen=True)
class IngestReport:
    article: Article
    rule_counts: dict[str, int]
    stored: bool
    raw_path: Path


def ingest(file: Path, *, corpus_dir: Path, article_id: str, date: str, outlet: str,
           title: str | None = None, events: Sequence[str] = (),
           known_events: Iterable[Event] = (),
           date_inferred: bool = False, dry_run: bool = False) -> IngestReport:
    """Clean and store one article. ``events`` are ids of ``known_events`` (the project's)."""
    file = Path(file)
    where = str(file)
    if not ID_PATTERN.match(article_id):
        raise BriefbookError(f"bad article id {article_id!r}", where=where,
                             hint="lower-case letters, digits and '-', e.g. cjrb-2021-07-25")
    try:
        published = dt.date.fromisoformat(date)
    except ValueError as exc:
        raise BriefbookError(f"bad date {date!r}", where=where, hint="use YYYY-MM-DD") from exc
    if not outlet.strip():
        raise BriefbookError("--outlet is empty", where=where)
    data = read_bounded(file, MAX_ARTICLE_BYTES, "the article",
                        hint="split it into several articles")
    text = decode_raw(data, where)

    corpus = load_corpus(corpus_dir)  # the corpus must be healthy before we add to it
    sources = load_sources(corpus_dir)
    if any(e.id == article_id for e in sources.articles):
        raise BriefbookError(f"article id {article_id!r} is already in the corpus", where=where,
                             hint="choose another --id")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    entries = {e.id: e for e in sources.articles}
    for art in corpus.articles:
        existing = read_raw(Path(corpus_dir), entries[art.id])
        if hashlib.sha256(existing.encode("utf-8")).hexdigest() == digest:
            raise BriefbookError(f"this text is already in the corpus as {art.id!r}", where=where)

    script = clean.detect_script(text)
    known = {e.id: e for e in known_events}
    for event_id in events:
        if event_id not in known:
            close = difflib.get_close_matches(event_id, list(known), n=1, cutoff=0.5)
            hint = (f"did you mean {close[0]!r}? " if close else "") + (
                "the project's events: " + ", ".join(known) if known else
                "the project has no events yet: add them under `events:` in briefbook.yaml")
            raise BriefbookError(f"unknown event {event_id!r}", where=where, hint=hint)
    if len(set(events)) != len(events):
        raise BriefbookError("an event is given twice", where=where)

    rel = f"{RAW_DIR}/{article_id}.txt"
    entry = SourceEntry(id=article_id, file=rel, outlet=outlet.strip(), published=published,
                        published_inferred=date_inferred, title=title or "(untitled)",
                        title_supplied=False, events=list(events), script=script)
    corrections = load_corrections(Path(corpus_dir) / CORRECTIONS_FILE)
    build: Build = build_article(entry, text, corrections=corrections, where=where)
    if title is None:
        headline = build.article.page.headline if build.article.page else None
        if not headline:
            raise BriefbookError("the text has no headline to use as title", where=where,
                                 hint="pass --title")
        headline = clean.normalise_punctuation(headline)[0]
        entry = entry.model_copy(update={"title": headline})
        build = build_article(entry, text, corrections=corrections, where=where)
    else:
        headline = build.article.page.headline if build.article.page else None
        if clean.normalise_punctuation(title)[0] != headline:   # the editor's own title
            entry = entry.model_copy(update={"title_supplied": True})
            build = Build(article=dataclasses.replace(build.article, title_supplied=True),
                          trace=build.trace)

    _check_printable(build.article, text, where)
    # The title and outlet print in every book's appendix of sources: a character the fonts
    # lack would break all of them, so it is refused here, with its code point.
    from briefbook.render.preflight import missing_characters

    for field, value in (("title", entry.title), ("outlet", entry.outlet)):
        missing = missing_characters(value)
        if missing:
            from briefbook.errors import shown

            chars = ", ".join(f"U+{ord(c):04X}" for c in missing)
            raise BriefbookError(f"the {field} {shown(value)!r} has characters the bundled fonts "
                                 f"cannot print ({chars})", where=where,
                                 hint=f"pass --{field} with printable characters")
    raw_path = Path(corpus_dir) / rel
    if raw_path.exists() and not dry_run:
        raise BriefbookError(f"{raw_path} already exists but sources.yaml does not list it",
                             where=where, hint="remove the stray file or choose another --id")
    if not dry_run:
        _store(Path(corpus_dir), raw_path, data, build.article, sources, entry)
    return IngestReport(article=build.article, rule_counts=build.rule_counts(),
                        stored=not dry_run, raw_path=raw_path)


def _check_printable(article: Article, raw: str, where: str) -> None:
    """Refuse an article the bundled faces cannot print (the render's preflight coverage),
    naming each character's line and column in the raw file."""
    from briefbook.render.preflight import HINT, describe, missing_characters

    missing = missing_characters(article.title + "\n" + article.text)
    if not missing:
        return
    lines = []
    for m in missing.values():
        at = raw.find(m.char)
        if at < 0:
            position = "the cleaned text (after conversion to simplified)"
        else:
            line = raw.count("\n", 0, at) + 1
            position = f"line {line}, column {at - (raw.rfind(chr(10), 0, at) + 1) + 1}"
        lines.append(describe(m, position=position))
    raise BriefbookError("the article has characters the bundled fonts cannot print:\n  - "
                         + "\n  - ".join(lines), where=where, hint=HINT)


def _store(corpus_dir: Path, raw_path: Path, data: bytes, article: Article,
           sources: SourcesFile, entry: SourceEntry) -> None:
    """Raw copy, then the lock, then the catalogue — each atomic, and all or nothing: if any
    write fails (or is interrupted) the lock and sources.yaml are put back as they were and
    the raw copy removed, so the corpus still loads and the ingest can simply be re-run."""
    lock_path = corpus_dir / LOCK_FILE
    sources_path = corpus_dir / SOURCES_FILE
    old_lock = lock_path.read_bytes()
    old_sources = sources_path.read_bytes()
    try:
        write_atomic(raw_path, data)
        lock_text = old_lock.decode("utf-8")
        new_rows = [r for r in render_lock([article]).splitlines() if not r.startswith("#")]
        write_atomic(lock_path, lock_text.rstrip("\n") + "\n" + "\n".join(new_rows) + "\n")
        sources.articles.append(entry)
        save_sources(corpus_dir, sources)
    except BaseException:
        sources.articles[:] = [e for e in sources.articles if e is not entry]
        for path, old in ((sources_path, old_sources), (lock_path, old_lock)):
            if path.read_bytes() != old:
                write_atomic(path, old)
        raw_path.unlink(missing_ok=True)
        raise
