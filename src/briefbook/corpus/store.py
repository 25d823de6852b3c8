"""Build the cleaned corpus from raw text + rules + corrections, and check the id lock.

Takes: a corpus folder (``sources.yaml``, ``raw/*.txt``, ``corrections.yaml``,
``ids.lock``).
Gives: ``load_corpus(dir) -> Corpus`` (cached per folder and file mtimes), and
``build_article`` which also returns a per-line trace (what each raw line became and
which rule changed it) for ``briefbook corpus diff`` and ``briefbook ingest``.

The build is deterministic: the same inputs give the same ``Corpus`` and the same
``corpus_json`` dump. Rules run in a fixed order:

1. ``repair``      lost characters → reviewed repair, or ``〓`` (defects.py)
2. ``pinyin``      drop pinyin annotations ``網(wǎng)`` → ``網``
3. ``t2s``         traditional → simplified (OpenCC), only for traditional-script articles
4. ``t2s-fix``     reviewed fixes to OpenCC output (``conversions`` in corrections.yaml)
5. ``trim``        indentation / trailing spaces
6. classification  blank / debris:<rule> / header (headline, date/来源/作者 lines; see
                   ``header``) / caption / byline / text
7. ``dateline``    first text line: ``长江日报7月25日讯`` (+ reporters) → metadata; a line that
                   is only a dateline (``某某网5月6日讯``) becomes a byline
8. ``editor-note`` a closing ``（责编：…）``; ``punctuation`` and ``spacing`` on kept text
                   and captions

What the text rules did to the article's own lines (not to page debris) is kept on the
article as ``Article.cleaning`` — the facts a book's notes on the source are built from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import write_atomic
from briefbook.core.safeyaml import read_text
from briefbook.corpus import clean, header
from briefbook.corpus.defects import (
    Corrections,
    apply_to_raw,
    attach_repairs,
    find_defects,
    load_corrections,
)
from briefbook.corpus.model import (
    Article,
    Caption,
    Cleaning,
    Corpus,
    Credit,
    PageHeader,
    Section,
    unknown_id,
)
from briefbook.corpus.segment import Block, segment
from briefbook.corpus.sources import SourceEntry, load_sources, read_original, read_raw

#: Most paragraphs one article may have (a 10 MB article of ordinary news text has ~35,000).
MAX_PARAGRAPHS = 50_000
CORRECTIONS_FILE = "corrections.yaml"
LOCK_FILE = "ids.lock"


@dataclass(frozen=True)
class Rules:
    """The rule set; tests pass variants to prove the id lock catches re-pointing."""

    debris: clean.DebrisRules = clean.DEBRIS_RULES


DEFAULT_RULES = Rules()


@dataclass
class LineTrace:
    """What one raw line became."""

    number: int  # 1-based raw line
    raw: str
    text: str = ""  # cleaned text it contributes ('' when dropped)
    kind: str = "text"  # blank | debris | header | caption | byline | text
    rule: str | None = None  # debris rule / classification detail
    changes: dict[str, int] = field(default_factory=dict)  # rule -> count
    target: str | None = None  # id it ended up in (paragraph / section / caption)

    def note(self, rule: str, count: int) -> None:
        if count:
            self.changes[rule] = self.changes.get(rule, 0) + count


@dataclass(frozen=True)
class Build:
    article: Article
    trace: tuple[LineTrace, ...]

    def rule_counts(self) -> dict[str, int]:
        """How many changes each rule made, plus dropped lines per debris rule."""
        counts: Counter[str] = Counter()
        for t in self.trace:
            for rule, n in t.changes.items():
                counts[rule] += n
            if t.kind in ("debris", "header", "byline", "caption"):
                counts[f"{t.kind}:{t.rule}" if t.rule else t.kind] += 1
        return dict(sorted(counts.items()))


def build_article(entry: SourceEntry, raw: str, *, corrections: Corrections,
                  rules: Rules = DEFAULT_RULES, where: str | None = None) -> Build:
    """Run the whole pipeline on one raw text."""
    where = where or entry.file
    defects = attach_repairs(find_defects(entry.id, raw), corrections.for_article(entry.id),
                             raw, where)
    repaired = apply_to_raw(raw, defects)
    raw_lines = raw.split("\n")
    lines = repaired.split("\n")
    traces = [LineTrace(number=i + 1, raw=r) for i, r in enumerate(raw_lines)]
    for d in defects:
        traces[d.line - 1].note("repair" if d.repair is not None else "unrepaired", 1)

    texts = _text_rules(traces, lines, entry.script, corrections.conversion_fixes)
    # A page header is looked for in text copied from a page; a web page, PDF or Word file
    # gave its headline, date and outlet from its structure, and its first lines are body.
    page, credits = _classify_lines(traces, texts, rules, page_header=entry.original is None
                                    or entry.original.format == "text")
    dateline = _dateline(traces, texts, credits)
    blocks = _kept_blocks(traces, texts)
    _check_paragraphs(blocks, where)
    layout, sections, captions = segment(entry.id, blocks)
    _mark_targets(traces, sections, captions)
    body_lines = {t.number for t in traces if t.kind in ("text", "caption")}
    defects = [dataclasses.replace(d, in_body=d.line in body_lines) for d in defects]

    article = Article(
        id=entry.id, outlet=entry.outlet, published=entry.published,
        published_inferred=entry.published_inferred, title=entry.title,
        title_supplied=entry.title_supplied, events=tuple(entry.events), script=entry.script,
        layout=layout, reporters=tuple(c.name for c in credits if c.role == "记者"),
        credits=tuple(credits), dateline=dateline, page=page, sections=sections,
        captions=captions, defects=tuple(defects), notes=entry.notes, raw_file=entry.file,
        cleaning=cleaning_of(traces))
    return Build(article=article, trace=tuple(traces))


def _text_rules(traces: list[LineTrace], lines: list[str], script: str,
                fixes: tuple[tuple[str, str], ...]) -> list[str]:
    """Rules 2–5 on every line (pinyin, t2s and its fixes for traditional text, trim)."""
    texts: list[str] = []
    for t, text in zip(traces, lines, strict=True):
        text, n = clean.strip_pinyin(text)
        t.note("pinyin", n)
        if script == "traditional":
            text, n = clean.to_simplified(text)
            t.note("t2s", n)
            text, n = clean.apply_fixes(text, fixes)
            t.note("t2s-fix", n)
        text, n = clean.trim(text)
        t.note("trim", n)
        texts.append(text)
    return texts


def _classify_lines(traces: list[LineTrace], texts: list[str], rules: Rules, *,
                    page_header: bool = True) -> tuple[PageHeader | None, list[Credit]]:
    """Rule 6: each line's kind set on its trace; gives the page header (when
    ``page_header``) and the bylines' credits."""
    header_idx, page = header.find_page_header(texts, rules.debris) if page_header \
        else (set(), None)
    if page is not None and page.headline:
        page = dataclasses.replace(page, headline=clean.normalise_punctuation(page.headline)[0])
    credits: list[Credit] = []
    trailing: str | None = None      # inside a trailing block (相关阅读 …): all debris
    for i, (t, text) in enumerate(zip(traces, texts, strict=True)):
        if not text:
            t.kind = "blank"
        elif i in header_idx:
            t.kind = "header"
        elif trailing is not None:
            t.kind, t.rule = "debris", clean.debris_rule(text, rules.debris) or f"after-{trailing}"
        elif (rule := clean.debris_rule(text, rules.debris)) is not None:
            t.kind, t.rule = "debris", rule
            if rule in clean.TRAILING_BLOCK_RULES and _last_text_ahead(texts, i, rules) < 3:
                trailing = rule
        elif (line_credits := clean.parse_credit_line(text) or
              clean.parse_reporter_line(text)) is not None:
            t.kind = "byline"
            credits.extend(line_credits)
        elif clean.parse_caption(text) is not None:
            t.kind = "caption"
        else:
            t.kind = "text"
    return page, credits


def _dateline(traces: list[LineTrace], texts: list[str], credits: list[Credit]) -> str | None:
    """Rule 7: the dateline split off the first text line (its credits put first in
    ``credits``, the line's rest left in ``texts``), or None."""
    dateline = None
    first = next((t for t in traces if t.kind == "text"), None)
    if first is not None:
        i = first.number - 1
        dateline, dl_credits, rest = clean.split_dateline(texts[i])
        if dateline:
            first.note("dateline", 1)
            credits[:0] = dl_credits
            texts[i] = rest
            if not rest.strip():    # 某某网5月6日讯 on a line of its own
                first.kind, first.rule = "byline", "dateline"
    return dateline


def _kept_blocks(traces: list[LineTrace], texts: list[str]) -> list[Block]:
    """Rule 8: editor's note, punctuation and spacing on the text and caption lines, which
    become the blocks to segment."""
    blocks: list[Block] = []
    for t, text in zip(traces, texts, strict=True):
        if t.kind not in ("text", "caption"):
            continue
        credit = None
        if t.kind == "caption":
            text, credit = clean.parse_caption(text)  # type: ignore[misc]
        for name, step in (("editor-note", clean.strip_editor_note),
                           ("punctuation", clean.normalise_punctuation),
                           ("spacing", clean.tidy_spacing)):
            text, n = step(text)
            t.note(name, n)
        t.text = text
        blocks.append(Block(line=t.number, text=text, kind=t.kind, credit=credit))
    return blocks


def _check_paragraphs(blocks: list[Block], where: str) -> None:
    """An error when there is no text paragraph, or more than ``MAX_PARAGRAPHS``."""
    if not any(b.kind == "text" for b in blocks):
        raise BriefbookError("no article text found (every line was page debris or empty)",
                             where=where)
    paragraphs = sum(1 for b in blocks if b.kind == "text")
    if paragraphs > MAX_PARAGRAPHS:
        raise BriefbookError(f"{paragraphs:,} lines of text; the limit is {MAX_PARAGRAPHS:,} "
                             "paragraphs per article", where=where,
                             hint="split it into several articles")


def cleaning_of(traces: list[LineTrace]) -> Cleaning:
    """What the text rules changed on the article's own lines (blank lines and page debris
    left out: a converted menu is not the article)."""
    own = [t for t in traces if t.kind not in ("blank", "debris")]
    return Cleaning(simplified=sum(t.changes.get("t2s", 0) for t in own),
                    pinyin=sum(t.changes.get("pinyin", 0) for t in own))


def _last_text_ahead(texts: list[str], i: int, rules: Rules) -> int:
    """How many of the lines after ``i`` read as sentences (end in 。！？): a trailing link
    list has none; a hot-list heading in mid-page is followed by the article again."""
    return sum(1 for t in texts[i + 1:] if t and t[-1] in "。！？" and
               clean.debris_rule(t, rules.debris) is None)


def _mark_targets(traces: list[LineTrace], sections: tuple[Section, ...],
                  captions: tuple[Caption, ...]) -> None:
    by_line = {t.number: t for t in traces}
    for s in sections:
        if s.line in by_line and (s.heading or s.speaker):
            by_line[s.line].target = s.id
        for p in s.paragraphs:
            by_line[p.lines[0]].target = p.id
    for s in sections:  # a heading line right after a speaker line
        if s.speaker and s.heading:
            for t in traces:
                if t.number > s.line and t.text == s.heading and t.target is None:
                    t.target = s.id
                    break
    for c in captions:
        by_line[c.line].target = f"caption before {c.before or c.section_id + ' (end)'}"


# --- the id lock -------------------------------------------------------------------------


def id_anchors(article: Article) -> dict[str, tuple[str, str]]:
    """id → (anchor in the raw file, a short excerpt for people reading the lock)."""
    out: dict[str, tuple[str, str]] = {}
    for s in article.sections:
        label = s.heading or (f"{s.speaker}（{s.post}）" if s.speaker else None) or \
            (s.paragraphs[0].text if s.paragraphs else "")
        out[s.id] = (s.anchor, label[:20])
        for p in s.paragraphs:
            out[p.id] = (p.anchor, p.text[:20])
    return out


def render_lock(articles: list[Article]) -> str:
    rows = ["# ids.lock — every corpus id and the raw line it points to "
            "(ID<TAB>ANCHOR<TAB>excerpt).",
            "# Checked on every build: a rule change that would re-point or drop an id fails.",
            "# Regenerate only on purpose (`briefbook corpus lock`) and review the diff."]
    for art in sorted(articles, key=lambda a: a.id):
        for pid, (anchor, excerpt) in id_anchors(art).items():
            rows.append(f"{pid}\t{anchor}\t{excerpt}")
    return "\n".join(rows) + "\n"


def read_lock(path: Path, text: str | None = None) -> dict[str, str]:
    """id → anchor, from ``path`` (or ``text``, as the file would hold it)."""
    if text is None and not path.exists():
        raise BriefbookError("the id lock is missing", where=str(path),
                             hint="create it with `briefbook corpus lock` and commit it")
    lock: dict[str, str] = {}
    text = read_text(path, "the id lock") if text is None else text
    for n, row in enumerate(text.splitlines(), 1):
        if not row.strip() or row.startswith("#"):
            continue
        parts = row.split("\t")
        if len(parts) < 2:
            raise BriefbookError(f"line {n}: expected ID<TAB>ANCHOR", where=str(path))
        lock[parts[0]] = parts[1]
    return lock


def check_lock(articles: list[Article], lock: dict[str, str], where: str) -> None:
    """Every id must point where the lock says; nothing may appear or vanish."""
    built = {pid: anchor for art in articles for pid, (anchor, _) in id_anchors(art).items()}
    problems: list[str] = []
    for pid, anchor in lock.items():
        if pid not in built:
            problems.append(f"{pid} (locked at {anchor}) no longer exists")
        elif built[pid] != anchor:
            problems.append(f"{pid} would move from {anchor} to {built[pid]}")
    for pid in built:
        if pid not in lock:
            problems.append(f"{pid} ({built[pid]}) is new and not in the lock")
    if problems:
        shown = "\n    ".join(problems[:8]) + (f"\n    … {len(problems) - 8} more"
                                                 if len(problems) > 8 else "")
        raise BriefbookError(
            f"corpus ids do not match the lock ({len(problems)} problem(s)):\n    {shown}",
            where=where,
            hint="a cleaning/segmenting rule changed which text an id names; fix the rule, "
                 "or if intended run `briefbook corpus lock` and review the diff of ids.lock")


# --- loading -----------------------------------------------------------------------------


def build_all(corpus_dir: Path, rules: Rules = DEFAULT_RULES) -> list[Build]:
    corpus_dir = Path(corpus_dir)
    sources = load_sources(corpus_dir)
    corrections = load_corrections(corpus_dir / CORRECTIONS_FILE)
    known = {e.id for e in sources.articles}
    for r in corrections.repairs:
        if r.article not in known:
            raise BriefbookError(f"repair for unknown article {r.article!r}",
                                 where=str(corpus_dir / CORRECTIONS_FILE))
    builds = []
    for entry in sources.articles:
        raw = read_raw(corpus_dir, entry)
        read_original(corpus_dir, entry)  # there, and the bytes ingested
        builds.append(build_article(entry, raw,
                                    corrections=corrections, rules=rules,
                                    where=str(corpus_dir / entry.file)))
    return builds


def build_corpus(corpus_dir: Path, rules: Rules = DEFAULT_RULES, *,
                 check: bool = True) -> Corpus:
    corpus_dir = Path(corpus_dir)
    articles = [b.article for b in build_all(corpus_dir, rules)]
    if check:
        check_lock(articles, read_lock(corpus_dir / LOCK_FILE), str(corpus_dir / LOCK_FILE))
    return Corpus(articles=tuple(sorted(articles, key=lambda a: (a.published, a.id))),
                  root=corpus_dir)


def write_lock(corpus_dir: Path, rules: Rules = DEFAULT_RULES) -> Path:
    corpus = build_corpus(corpus_dir, rules, check=False)
    path = Path(corpus_dir) / LOCK_FILE
    write_atomic(path, render_lock(list(corpus.articles)))
    return path


_CACHE: dict[tuple, Corpus] = {}


def _stamp(corpus_dir: Path) -> tuple:
    files = [corpus_dir / "sources.yaml", corpus_dir / CORRECTIONS_FILE, corpus_dir / LOCK_FILE]
    raw_dir = corpus_dir / "raw"
    if raw_dir.is_dir():
        files += sorted(raw_dir.iterdir())
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) if f.exists() else (str(f),)
                 for f in files)


def load_corpus(corpus_dir: Path) -> Corpus:
    """The cleaned corpus, built from raw text and checked against ``ids.lock``.

    Cached per folder while none of its files changes (mtime and size).
    """
    corpus_dir = Path(corpus_dir).resolve()
    if not corpus_dir.is_dir():
        raise BriefbookError("corpus folder not found", where=str(corpus_dir))
    key = (str(corpus_dir), _stamp(corpus_dir))
    if key not in _CACHE:
        _CACHE.clear() if len(_CACHE) > 16 else None
        _CACHE[key] = build_corpus(corpus_dir)
    return _CACHE[key]


# --- JSON --------------------------------------------------------------------------------


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.name.startswith("_") and f.metadata.get("plain", True)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_plain(value: object) -> object:
    """Dataclasses → JSON-ready dicts/lists (dates as ISO strings)."""
    return _plain(value)


def corpus_json(corpus: Corpus) -> str:
    """A canonical JSON dump of the whole cleaned corpus (used to prove determinism)."""
    return json.dumps(to_plain(corpus), ensure_ascii=False, indent=1, sort_keys=True)


def build_one(corpus_dir: Path, article_id: str, rules: Rules = DEFAULT_RULES) -> Build:
    """The build (article + line trace) of one article, for review and diffs (only that
    article is built)."""
    corpus_dir = Path(corpus_dir)
    sources = load_sources(corpus_dir)
    entry = next((e for e in sources.articles if e.id == article_id), None)
    if entry is None:
        raise unknown_id(article_id, sorted(e.id for e in sources.articles), "article")
    return build_article(entry, read_raw(corpus_dir, entry),
                         corrections=load_corrections(corpus_dir / CORRECTIONS_FILE),
                         rules=rules, where=str(corpus_dir / entry.file))
