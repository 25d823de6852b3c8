"""Adding a new raw article to the corpus.

Takes: a text file (UTF-8, or an encoding detected or named: ``corpus.encoding``), its id
(``model.ARTICLE_ID_RULE``: the rule every other command checks ids by, so an id stored here
is never refused later), the project events it reports on (zero or more, checked against the
project's events), and optionally its date, outlet and title.
The page's own header gives those three where it prints them (``header``: its headline, and
a ``2023-05-06 来源：某某报 作者：…`` line in any of the forms real pages use); a value given
here is needed only where the page does not say, and one that contradicts the page is used
but reported as a warning naming both (``page_metadata``). A title given for a page without
a headline, or other than the page's headline, is recorded as ``title_supplied`` (the page's
headline stays in ``Article.page``); one equal to the headline is not.
Gives: an ``IngestReport`` (defects found, changes per rule, sections/paragraphs made,
warnings, which metadata came from the page);
unless ``dry_run``, the article is stored: verbatim raw copy under ``raw/`` (a file in
another encoding — GB18030/GBK, Big5, UTF-16, detected or given, ``corpus.encoding`` — is
stored as the same text in UTF-8, which the corpus reader takes; the report names the
encoding), its ids
appended to ``ids.lock``, its entry added to ``sources.yaml`` — each written atomically,
in that order, after the whole pipeline has succeeded on the text; a failure part-way
restores the lock and sources.yaml and removes the raw copy (the corpus stays loadable).

Bad input (bytes no encoding decodes, with the offset; text that could be GB18030 or Big5;
binary, empty, a bad id, duplicate id or duplicate text, unknown event,
no article text, a date, outlet or title the page does not print and none given, a character
no bundled face can print) raises ``BriefbookError`` naming the file (and, for a character,
its line and column) and the option to pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefbook.core.coverage import HINT, describe, missing_characters
from briefbook.core.errors import BriefbookError, shown
from briefbook.core.fileio import read_bounded, write_atomic
from briefbook.core.suggest import did_you_mean
from briefbook.corpus import clean
from briefbook.corpus.defects import load_corrections
from briefbook.corpus.encoding import decode_article
from briefbook.corpus.model import ARTICLE_ID_RULE, Article, PageHeader, is_article_id
from briefbook.corpus.sources import (
    MAX_ARTICLE_BYTES,
    RAW_DIR,
    SOURCES_FILE,
    SourceEntry,
    SourcesFile,
    load_sources,
    read_raw,
    save_sources,
)
from briefbook.corpus.store import (
    CORRECTIONS_FILE,
    LOCK_FILE,
    Build,
    build_article,
    load_corpus,
    render_lock,
)
from briefbook.project.config import Event


def named_events(text: str, events: Iterable[Event]) -> list[Event]:
    """The project events whose name (or short name) the text mentions, in project order."""
    return [e for e in events if e.name in text or (e.short and e.short in text)]


@dataclass(frozen=True)
class IngestReport:
    article: Article
    rule_counts: dict[str, int]
    stored: bool
    raw_path: Path
    warnings: tuple[str, ...] = ()  # given values the page contradicts (the given one is used)
    from_page: tuple[str, ...] = ()  # which of "title", "date", "outlet" the page gave
    #: with no ``events`` given: the project events the text names (the analyst may add them)
    named: tuple[Event, ...] = ()
    encoding: str = "utf-8"  # the file's encoding (Python's codec name) …
    encoding_detected: bool = True  # … detected, or given with --encoding


@dataclass(frozen=True)
class Metadata:
    """An article's catalogue metadata, decided from its page header and the given values."""

    title: str
    title_supplied: bool
    published: dt.date
    published_inferred: bool
    outlet: str
    from_page: tuple[str, ...]
    warnings: tuple[str, ...]


def page_metadata(page: PageHeader | None, *, title: str | None, date: dt.date | None,
                  outlet: str | None, date_inferred: bool, where: str) -> Metadata:
    """Title, date and outlet: the given value where there is one, else what the page prints.
    Pure. Values the page does not give and none was given: one ``BriefbookError`` naming
    each, with the options to pass."""
    headline = page.headline if page else None
    printed_date = page.date if page else None
    printed_time = page.time if page else None
    printed_outlet = clean.normalise_punctuation(page.source)[0].strip() \
        if page and page.source else None
    warnings: list[str] = []
    from_page: list[str] = []
    missing: list[tuple[str, str]] = []     # (what the page lacks, the option to pass)

    supplied = False
    if title is None:
        if headline:
            title = headline
            from_page.append("title")
        else:
            missing.append(("it has no headline (its first line reads as text, not as a title)",
                            "--title TITLE"))
    else:
        title = title.strip()
        supplied = clean.normalise_punctuation(title)[0] != headline
        if supplied and headline:
            warnings.append(f"--title 《{title}》 differs from the page's headline 《{headline}》; "
                            "using the given title (books note it as the editor's)")

    if date is None:
        if printed_date is not None:
            date = printed_date
            from_page.append("date")
        elif printed_time:
            missing.append((f"it prints its date as {printed_time!r} without the year, and no full "
                            "date with that month and day appears elsewhere on it",
                            "--date YYYY-MM-DD"))
        else:
            missing.append(("it prints no date (no line such as '2023-05-06 来源：某某报')",
                            "--date YYYY-MM-DD (with --date-inferred if you worked it out "
                            "from the text)"))
    elif printed_date is not None and date != printed_date:
        warnings.append(f"--date {date} differs from the date the page prints "
                        f"({printed_date}, printed as {printed_time!r}); using {date}")
    if date_inferred and printed_date is not None:
        warnings.append(f"--date-inferred, but the page prints its date ({printed_time}); "
                        "the date is recorded as inferred, as given")

    if outlet is None:
        if printed_outlet:
            outlet = printed_outlet
            from_page.append("outlet")
        else:
            missing.append(("it names no outlet (no 来源 line)", "--outlet NAME"))
    elif printed_outlet and not _same_outlet(outlet, printed_outlet):
        warnings.append(f"--outlet {outlet} differs from the outlet the page prints "
                        f"(来源：{printed_outlet}); using {outlet}")

    if missing:
        raise BriefbookError("the page does not say all the metadata: "
                             + "; ".join(what for what, _ in missing), where=where,
                             hint="pass " + " ".join(option for _, option in missing))
    assert title is not None and date is not None and outlet is not None
    return Metadata(title=title, title_supplied=supplied, published=date,
                    published_inferred=date_inferred, outlet=outlet.strip(),
                    from_page=tuple(from_page), warnings=tuple(warnings))


def _same_outlet(given: str, printed: str) -> bool:
    """长江日报 and 长江日报-长江网 agree: one names the other."""
    a, b = ("".join(x.split()) for x in (given, printed))
    return a in b or b in a


def ingest(file: Path, *, corpus_dir: Path, article_id: str, date: str | None = None,
           outlet: str | None = None, title: str | None = None, events: Sequence[str] = (),
           known_events: Iterable[Event] = (),
           date_inferred: bool = False, dry_run: bool = False,
           encoding: str | None = None) -> IngestReport:
    """Clean and store one article. ``events`` are ids of ``known_events`` (the project's);
    ``date``, ``outlet`` and ``title`` are needed only where the page does not print them;
    ``encoding`` (a codec name) only where detection (``corpus.encoding``) cannot tell."""
    file = Path(file)
    where = str(file)
    published = _checked_options(article_id, date, outlet, title, where)
    data = read_bounded(file, MAX_ARTICLE_BYTES, "the article",
                        hint="split it into several articles")
    decoded = decode_article(data, where, encoding)
    text = decoded.text
    sources = _check_new(corpus_dir, article_id, text, where)

    script = clean.detect_script(text)
    known = {e.id: e for e in known_events}
    _check_events(events, known, where)

    rel = f"{RAW_DIR}/{article_id}.txt"
    draft = SourceEntry(id=article_id, file=rel, outlet=outlet or "?",
                        published=published or dt.date(1970, 1, 1), title="?",
                        events=list(events), script=script)
    corrections = load_corrections(Path(corpus_dir) / CORRECTIONS_FILE)
    build: Build = build_article(draft, text, corrections=corrections, where=where)
    meta = page_metadata(build.article.page, title=title, date=published, outlet=outlet,
                         date_inferred=date_inferred, where=where)
    fields = {"title": meta.title, "title_supplied": meta.title_supplied,
              "published": meta.published, "published_inferred": meta.published_inferred,
              "outlet": meta.outlet}
    entry = draft.model_copy(update=fields)
    article = dataclasses.replace(build.article, title=meta.title,
                                  title_supplied=meta.title_supplied, published=meta.published,
                                  published_inferred=meta.published_inferred,
                                  outlet=meta.outlet)
    build = Build(article=article, trace=build.trace)

    _check_printable(build.article, text, where)
    _check_entry_printable(entry, where)
    raw_path = Path(corpus_dir) / rel
    if raw_path.exists() and not dry_run:
        raise BriefbookError(f"{raw_path} already exists but sources.yaml does not list it",
                             where=where, hint="remove the stray file or choose another --id")
    if not dry_run:
        _store(Path(corpus_dir), raw_path, decoded.stored, build.article, sources, entry)
    named = () if events else tuple(named_events(clean.to_simplified(text)[0], known.values()))
    return IngestReport(article=build.article, rule_counts=build.rule_counts(),
                        stored=not dry_run, raw_path=raw_path,
                        warnings=decoded.warnings + meta.warnings, from_page=meta.from_page,
                        named=named, encoding=decoded.encoding,
                        encoding_detected=decoded.detected)


def _checked_options(article_id: str, date: str | None, outlet: str | None,
                     title: str | None, where: str) -> dt.date | None:
    """The date given, parsed; an error for a bad article id or date, or an empty option."""
    if not is_article_id(article_id):
        cut = article_id if len(article_id) <= 40 else article_id[:40] + "…"
        raise BriefbookError(f"bad article id {cut!r}"
                             + (f" ({len(article_id)} characters)" if cut != article_id
                                else ""), where=where, hint=f"an article id is {ARTICLE_ID_RULE}")
    published: dt.date | None = None
    if date is not None:
        try:
            published = dt.date.fromisoformat(date)
        except ValueError as exc:
            raise BriefbookError(f"bad date {date!r}", where=where,
                                 hint="use YYYY-MM-DD") from exc
    for option, value, default in (("--outlet", outlet, "the outlet the page prints"),
                                   ("--title", title, "the page's headline")):
        if value is not None and not value.strip():
            raise BriefbookError(f"{option} is empty", where=where,
                                 hint=f"leave it out to take {default}")
    return published


def _check_new(corpus_dir: Path, article_id: str, text: str, where: str) -> SourcesFile:
    """The corpus's sources file, once the corpus loads and has neither this id nor this
    text; an error otherwise."""
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
    return sources


def _check_events(events: Sequence[str], known: dict[str, Event], where: str) -> None:
    """An error for an event id the project does not have (with a did-you-mean) or one given
    twice."""
    for event_id in events:
        if event_id not in known:
            close = did_you_mean(event_id, list(known))
            hint = (f"did you mean {close[0]!r}? " if close else "") + (
                "the project's events: " + ", ".join(known) if known else
                "the project has no events yet: add them under `events:` in briefbook.yaml")
            raise BriefbookError(f"unknown event {event_id!r}", where=where, hint=hint)
    if len(set(events)) != len(events):
        raise BriefbookError("an event is given twice", where=where)


def _check_entry_printable(entry: SourceEntry, where: str) -> None:
    """An error, with the code points, when the title or outlet has a character the bundled
    fonts lack."""
    # The title and outlet print in every book's appendix of sources: a character the fonts
    # lack would break all of them, so it is refused here, with its code point.
    for field, value in (("title", entry.title), ("outlet", entry.outlet)):
        missing = missing_characters(value)
        if missing:
            chars = ", ".join(f"U+{ord(c):04X}" for c in missing)
            raise BriefbookError(f"the {field} {shown(value)!r} has characters the bundled fonts "
                                 f"cannot print ({chars})", where=where,
                                 hint=f"pass --{field} with printable characters")


def _check_printable(article: Article, raw: str, where: str) -> None:
    """Refuse an article the bundled faces cannot print (the render's preflight coverage),
    naming each character's line and column in the raw file."""
    # the page's headline prints too when the title is the editor's (the book notes it)
    headline = article.page.headline if article.title_supplied and article.page else None
    missing = missing_characters("\n".join(filter(None, (article.title, headline,
                                                          article.text))))
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
