"""Adding a new raw article to the corpus.

Takes: an article's file — plain text (UTF-8, or an encoding detected or named:
``corpus.encoding``), a saved web page, a PDF or a Word file (``corpus.formats``) — its id
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
unless ``dry_run``, the article is stored: its raw text under ``raw/ID.txt`` (a UTF-8 text
file verbatim; anything else as the text read from it, in UTF-8, which the corpus reader
takes) and, where that is not the file itself, the original beside it verbatim
(``raw/ID.pdf``, ``raw/ID.html``, ``raw/ID.docx``, ``raw/ID.gb18030.txt``), both with their
SHA-256 in ``sources.yaml`` (checked on every load); its ids appended to ``ids.lock``; its
entry added to ``sources.yaml`` — each written atomically, in that order, after the whole
pipeline has succeeded on the text; a failure part-way restores the lock and sources.yaml and
removes the files it wrote (the corpus stays loadable).
Metadata the text's own header does not print is taken from what the file says about itself
(a page's ``<meta>``, a Word file's Title style, a PDF's title page: ``FileMetadata``), and the
report says where each value was found.

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefbook.core.coverage import HINT, describe, missing_characters
from briefbook.core.errors import BriefbookError, shown
from briefbook.core.fileio import read_bounded, write_atomic
from briefbook.core.suggest import did_you_mean
from briefbook.corpus import clean
from briefbook.corpus.defects import load_corrections
from briefbook.corpus.formats import STORED_SUFFIX, Extracted, FileMetadata, extract
from briefbook.corpus.model import ARTICLE_ID_RULE, Article, PageHeader, is_article_id
from briefbook.corpus.sources import (
    MAX_ORIGINAL_BYTES,
    RAW_DIR,
    SOURCES_FILE,
    Original,
    SourceEntry,
    SourcesFile,
    decode_raw,
    load_sources,
    read_raw,
    save_sources,
    sha256_of,
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
    format: str = "text"  # the file's format (corpus.formats.FORMATS)
    #: for each of title, date, outlet the file gave: where ("the page's header",
    #: '<meta property="og:title">', …)
    found_in: dict[str, str] = dataclasses.field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what reading the file left out or joined
    original_path: Path | None = None  # the original kept beside the raw text, if any


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
    found_in: dict[str, str] = dataclasses.field(default_factory=dict)


PAGE_HEADER = "the page's header"


@dataclass(frozen=True)
class _Printed:
    """What the page prints of its metadata: its header in the text, else the file's own."""

    headline: str | None
    date: dt.date | None
    time: str | None
    outlet: str | None
    found_in: dict[str, str]


def _printed(page: PageHeader | None, file_meta: FileMetadata) -> _Printed:
    found = {k: PAGE_HEADER for k, v in (("title", page and page.headline),
                                         ("date", page and page.date),
                                         ("outlet", page and page.source)) if v}
    headline = page.headline if page else None
    printed_date = page.date if page else None
    printed_time = page.time if page else None
    printed_outlet = clean.normalise_punctuation(page.source)[0].strip() \
        if page and page.source else None
    if headline is None and file_meta.title:
        headline = clean.normalise_punctuation(file_meta.title)[0].strip()
        found["title"] = file_meta.found_in.get("title", "the file")
    if printed_date is None and file_meta.date:
        printed_date, printed_time = file_meta.date, file_meta.date.isoformat()
        found["date"] = file_meta.found_in.get("date", "the file")
    if printed_outlet is None and file_meta.outlet:
        printed_outlet = clean.normalise_punctuation(file_meta.outlet)[0].strip()
        found["outlet"] = file_meta.found_in.get("outlet", "the file")
    return _Printed(headline, printed_date, printed_time, printed_outlet, found)


def page_metadata(page: PageHeader | None, *, title: str | None, date: dt.date | None,
                  outlet: str | None, date_inferred: bool, where: str,
                  file_meta: FileMetadata | None = None) -> Metadata:
    """Title, date and outlet: the given value where there is one, else what the page prints
    (its header in the text first, then what the file says about itself: ``file_meta``).
    Pure. Values the page does not give and none was given: one ``BriefbookError`` naming
    each, with the options to pass."""
    printed = _printed(page, file_meta or FileMetadata())
    headline, printed_date = printed.headline, printed.date
    printed_time, printed_outlet, found = printed.time, printed.outlet, printed.found_in
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
            missing.append(("it names no outlet (no 来源 line, site name or issuing body)",
                            "--outlet NAME"))
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
                    from_page=tuple(from_page), warnings=tuple(warnings),
                    found_in={k: v for k, v in found.items() if k in from_page})


def _same_outlet(given: str, printed: str) -> bool:
    """长江日报 and 长江日报-长江网 agree: one names the other."""
    a, b = ("".join(x.split()) for x in (given, printed))
    return a in b or b in a


def ingest(file: Path, *, corpus_dir: Path, article_id: str, date: str | None = None,
           outlet: str | None = None, title: str | None = None, events: Sequence[str] = (),
           known_events: Iterable[Event] = (),
           date_inferred: bool = False, dry_run: bool = False,
           encoding: str | None = None,
           step: Callable[[str], None] | None = None) -> IngestReport:
    """Clean and store one article. ``events`` are ids of ``known_events`` (the project's);
    ``date``, ``outlet`` and ``title`` are needed only where the page does not print them;
    ``encoding`` (a codec name) only where detection (``corpus.encoding``) cannot tell;
    ``step`` is told, in a few words, each stage as it starts (for a progress display)."""
    file = Path(file)
    where = str(file)
    say = step or (lambda _: None)
    published = _checked_options(article_id, date, outlet, title, where)
    say("reading")
    data = read_bounded(file, MAX_ORIGINAL_BYTES, "the article",
                        hint="split it into several files")
    extracted = extract(data, name=file.name, where=where, encoding=encoding)
    text = extracted.text if extracted.format == "text" else \
        decode_raw(extracted.text.encode("utf-8"), where)
    stored = data if extracted.format == "text" and extracted.encoding == "utf-8" \
        else text.encode("utf-8")
    say("checking the corpus")
    sources = _check_new(corpus_dir, article_id, text, where)

    script = clean.detect_script(text)
    known = {e.id: e for e in known_events}
    _check_events(events, known, where)

    rel = f"{RAW_DIR}/{article_id}.txt"
    original = _original(article_id, extracted, data)
    draft = SourceEntry(id=article_id, file=rel, sha256=sha256_of(stored), original=original,
                        outlet=outlet or "?", published=published or dt.date(1970, 1, 1),
                        title="?", events=list(events), script=script)
    say("cleaning")
    corrections = load_corrections(Path(corpus_dir) / CORRECTIONS_FILE)
    build: Build = build_article(draft, text, corrections=corrections, where=where)
    meta = page_metadata(build.article.page, title=title, date=published, outlet=outlet,
                         date_inferred=date_inferred, where=where,
                         file_meta=extracted.metadata)
    fields = {"title": meta.title, "title_supplied": meta.title_supplied,
              "published": meta.published, "published_inferred": meta.published_inferred,
              "outlet": meta.outlet}
    entry = draft.model_copy(update=fields)
    article = dataclasses.replace(build.article, title=meta.title,
                                  title_supplied=meta.title_supplied, published=meta.published,
                                  published_inferred=meta.published_inferred,
                                  outlet=meta.outlet)
    build = Build(article=article, trace=build.trace)

    say("checking the fonts")
    _check_printable(build.article, text, where)
    _check_entry_printable(entry, where)
    raw_path = Path(corpus_dir) / rel
    kept = Path(corpus_dir) / original.file if original else None
    for path in filter(None, (raw_path, kept)):
        if path.exists() and not dry_run:
            raise BriefbookError(f"{path} already exists but sources.yaml does not list it",
                                 where=where, hint="remove the stray file or choose another --id")
    if not dry_run:
        say("storing")
        _store(Path(corpus_dir), raw_path, stored, build.article, sources, entry,
               original=(kept, data) if kept else None)
    named = () if events else tuple(named_events(clean.to_simplified(text)[0], known.values()))
    return IngestReport(article=build.article, rule_counts=build.rule_counts(),
                        stored=not dry_run, raw_path=raw_path,
                        warnings=extracted.warnings + meta.warnings, from_page=meta.from_page,
                        named=named, encoding=extracted.encoding,
                        encoding_detected=extracted.encoding_detected,
                        format=extracted.format, found_in=meta.found_in,
                        notes=extracted.notes, original_path=kept)


def _original(article_id: str, extracted: Extracted, data: bytes) -> Original | None:
    """The record of the original file, where the raw text is not the file itself."""
    if extracted.format == "text":
        if extracted.encoding == "utf-8":
            return None
        return Original(file=f"{RAW_DIR}/{article_id}.{extracted.encoding}.txt", format="text",
                        sha256=sha256_of(data), encoding=extracted.encoding)
    return Original(file=f"{RAW_DIR}/{article_id}{STORED_SUFFIX[extracted.format]}",
                    format=extracted.format,  # type: ignore[arg-type]
                    sha256=sha256_of(data))


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
           sources: SourcesFile, entry: SourceEntry, *,
           original: tuple[Path, bytes] | None = None) -> None:
    """The original (if kept), the raw copy, then the lock, then the catalogue — each atomic,
    and all or nothing: if any write fails (or is interrupted) the lock and sources.yaml are
    put back as they were and the files written removed, so the corpus still loads and the
    ingest can simply be re-run."""
    lock_path = corpus_dir / LOCK_FILE
    sources_path = corpus_dir / SOURCES_FILE
    old_lock = lock_path.read_bytes()
    old_sources = sources_path.read_bytes()
    try:
        if original is not None:
            write_atomic(*original)
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
        if original is not None:
            original[0].unlink(missing_ok=True)
        raise
