"""The catalogue of raw articles (``corpus/sources.yaml``) and reading raw files safely.

Takes: ``corpus/sources.yaml`` and the files under ``corpus/raw/``.
Gives: validated ``SourceEntry`` records (each naming the project events it reports on, by
id — the events themselves are the project's, in ``briefbook.yaml``), with every schema problem
at its ``sources.yaml:line:column``; and raw text decoded as UTF-8 — or a ``BriefbookError``
naming the file when it is not UTF-8 (GBK, Big5), binary or empty.
Writing goes through ``briefbook.core.fileio`` so the catalogue is never half-written,
and edits the file in place (``core.roundtrip``): the user's comments and layout stay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from briefbook.core.chars import BIDI_CONTROLS
from briefbook.core.errors import BriefbookError, BriefbookErrors, shown
from briefbook.core.fileio import read_bounded, write_atomic
from briefbook.core.models import Locator, validate
from briefbook.core.roundtrip import edit_list
from briefbook.core.safeyaml import load_yaml, load_yaml_file, read_text
from briefbook.corpus.model import ARTICLE_ID_RULE, is_article_id

SOURCES_FILE = "sources.yaml"
RAW_DIR = "raw"
#: Largest raw article accepted (ingest and every corpus load). Above it the corpus rebuild
#: that every command runs gets slow (benchmarks/large_input.py: ~10 s to ingest 10 MB).
MAX_ARTICLE_BYTES = 10_000_000
#: Largest original file accepted (a saved page, PDF or Word file may carry images and styles,
#: so it may be larger than the text it yields, which is still held to MAX_ARTICLE_BYTES).
MAX_ORIGINAL_BYTES = 100_000_000


SHA256_RULE = r"^[0-9a-f]{64}$"


class Original(BaseModel):
    """The file the article was ingested from, where the raw text is not that file itself (a
    web page, PDF or Word file, or text in an encoding other than UTF-8): kept beside the raw
    text, verbatim, with its SHA-256, so the text and the ids locked to it trace back to the
    bytes (``corpus.formats`` reads it again, the same way, for ``corpus diff``)."""

    model_config = ConfigDict(extra="forbid")
    file: str  # relative to the corpus folder, inside raw/ (raw/ID.pdf, raw/ID.gb18030.txt)
    format: Literal["text", "html", "pdf", "docx"]
    sha256: str = Field(pattern=SHA256_RULE)
    encoding: str | None = None  # text only: the codec it was read in


class SourceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    file: str  # relative to the corpus folder
    sha256: str | None = Field(default=None, pattern=SHA256_RULE)  # of the raw text file
    original: Original | None = None
    outlet: str
    published: dt.date
    published_inferred: bool = False
    title: str
    title_supplied: bool = False
    events: list[str] = Field(default_factory=list)  # project event ids, e.g. ["13-9"]
    script: Literal["simplified", "traditional"]
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def _id_ok(cls, value: str) -> str:
        if not is_article_id(value):
            raise ValueError(f"an article id is {ARTICLE_ID_RULE}")
        return value


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[SourceEntry] = Field(default_factory=list)


def load_sources(corpus_dir: Path, text: str | None = None) -> SourcesFile:
    """The validated catalogue of ``corpus_dir`` — or ``text``, as its ``sources.yaml`` would
    hold it (``corpus rename`` checks its edit before writing it) — or one ``BriefbookErrors``
    naming every schema problem at its ``sources.yaml:line:column`` (``core.models``' wording)."""
    path = corpus_dir / SOURCES_FILE
    if text is None and not path.exists():
        raise BriefbookError("no sources catalogue", where=str(path),
                             hint="is --corpus pointing at a corpus folder?")
    data, node = load_yaml_file(path, "the sources catalogue") if text is None else \
        load_yaml(text, str(path))
    locator = Locator(path, node)
    sources, errors = validate(data, locator, SourcesFile)
    if sources is None:
        raise BriefbookErrors(errors)
    seen: set[str] = set()
    for i, entry in enumerate(sources.articles):
        raw_path(corpus_dir, entry)  # confined to raw/ before anything is read
        original_path(corpus_dir, entry)
        if entry.id in seen:
            raise BriefbookError(f"duplicate article id {entry.id!r}",
                                 where=locator.where(("articles", i, "id")))
        seen.add(entry.id)
    return sources


def article_lines(corpus_dir: Path) -> dict[str, int]:
    """The line of ``sources.yaml`` where each article's entry starts (for error messages)."""
    path = corpus_dir / SOURCES_FILE
    data, node = load_yaml_file(path, "the sources catalogue")
    locator = Locator(path, node)
    articles = data.get("articles") if isinstance(data, dict) else None
    lines: dict[str, int] = {}
    for i, item in enumerate(articles if isinstance(articles, list) else []):
        line = locator.line(("articles", i))
        if isinstance(item, dict) and isinstance(item.get("id"), str) and line is not None:
            lines[item["id"]] = line
    return lines


#: The head of a new ``sources.yaml`` (an existing one keeps its own).
SOURCES_HEADER = (
    "# Raw articles of the corpus. Files under raw/ are verbatim copies; never edit them.\n"
    "# published_inferred: the date is not printed in the copy and was inferred.\n"
    "# title_supplied: the title is the corpus editor's (the copy has no headline, "
    "or another one).\n")


def entry_data(entry: SourceEntry) -> dict[str, object]:
    """An entry as ``sources.yaml`` writes it: every field in the model's order, but the
    optional ones it does not have (no events, notes, hash or original)."""
    data = entry.model_dump(mode="json", exclude_defaults=False)
    if not data.get("events"):
        data.pop("events", None)
    for key in ("notes", "sha256", "original"):
        if data.get(key) is None:
            data.pop(key, None)
    return data


def _same_entry(old: object, new: dict[str, object]) -> bool:
    """Whether an entry as the file has it (``old``) says what ``new`` does."""
    try:
        return entry_data(SourceEntry.model_validate(old)) == new
    except ValueError:
        return False


def sources_text(text: str | None, sources: SourcesFile, where: str) -> str:
    """The text of ``sources.yaml`` holding ``sources``: a new file (``text`` None) is its
    header and the entries; an existing one is edited in place (``core.roundtrip``): entries
    that stay keep their lines and the comments around them, new ones are added where they
    come (at the end, for ``ingest``), entries that go lose their lines."""
    entries = [entry_data(e) for e in sources.articles]
    if text is None:
        return SOURCES_HEADER + yaml.safe_dump({"articles": entries}, allow_unicode=True,
                                               sort_keys=False, width=100)
    return edit_list(text, where, "articles", entries, what="the sources catalogue",
                     ident=lambda e: str(e.get("id")) if isinstance(e, dict) else repr(e),
                     same=_same_entry)


def save_sources(corpus_dir: Path, sources: SourcesFile) -> None:
    """Write the catalogue atomically: an existing file edited in place, its comments, layout
    and untouched entries kept (``sources_text``)."""
    path = corpus_dir / SOURCES_FILE
    text = read_text(path, "the sources catalogue") if path.exists() else None
    write_atomic(path, sources_text(text, sources, str(path)))


def decode_raw(data: bytes, where: str) -> str:
    """Decode a raw article: UTF-8 only (a BOM is allowed), not empty, not binary."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise BriefbookError(f"the article is {len(data):,} bytes; the limit is "
                             f"{MAX_ARTICLE_BYTES:,}", where=where,
                             hint="split it into several articles")
    if not data.strip():
        raise BriefbookError("the file is empty", where=where)
    if b"\x00" in data:
        raise BriefbookError("this is a binary file, not text", where=where,
                             hint="give a plain-text (.txt) copy of the article in UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = _guess_encoding(data)
        raise BriefbookError(
            f"not UTF-8 text (byte {exc.start} cannot be decoded{guess})", where=where,
            hint=f"convert it first, e.g. iconv -f {'GBK' if 'GB' in guess else 'BIG5'} -t UTF-8 "
                 f"{where} > article.txt") from exc
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(3, len(text) // 100):
        raise BriefbookError("this looks like a binary file, not text", where=where)
    if not text.strip():
        raise BriefbookError("the file has no text", where=where)
    bad = _UNPRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        char = bad.group()
        kind = ("a bidirectional control (it would reorder the printed text)"
                if _BIDI_RE.fullmatch(char) else "a control character")
        raise BriefbookError(f"line {line}, column {column}: U+{ord(char):04X} is {kind}",
                             where=where, hint="remove it from the text and ingest again")
    return text


# Never part of an article: C0/C1 controls (tab, newlines and form feed aside) and the
# bidirectional controls (briefbook.core.chars.BIDI_CONTROLS).
_BIDI = "".join(sorted(BIDI_CONTROLS))
_UNPRINTABLE = re.compile(f"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f{_BIDI}]")
_BIDI_RE = re.compile(f"[{_BIDI}]")


def _guess_encoding(data: bytes) -> str:
    for codec, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return f"; it looks like {label}"
    return ""


def raw_path(corpus_dir: Path, entry: SourceEntry) -> Path:
    """Where ``entry``'s raw copy is: a file inside ``corpus_dir/raw/``, or an error naming
    sources.yaml and the entry. An absolute path, a ``..`` step, a backslash or a symbolic link
    leading out of ``raw/`` is refused (checked on the resolved path, like the asset fetcher)."""
    return confined(corpus_dir, entry.id, entry.file)


def original_path(corpus_dir: Path, entry: SourceEntry) -> Path | None:
    """Where ``entry``'s original file is (``raw_path``'s rules), or None: the raw copy is the
    original."""
    return None if entry.original is None else confined(corpus_dir, entry.id,
                                                        entry.original.file)


def confined(corpus_dir: Path, article_id: str, name: str) -> Path:
    """``name`` (a path sources.yaml gives for article ``article_id``) as a file inside
    ``corpus_dir/raw/``, or an error naming sources.yaml and the entry."""
    where = str(Path(corpus_dir) / SOURCES_FILE)

    def refuse(why: str) -> BriefbookError:
        return BriefbookError(f"article {shown(article_id)}: file {shown(name)!r} {why}",
                              where=where, hint=f"list the raw copy as {RAW_DIR}/<name>.txt, "
                              f"a file inside {Path(corpus_dir) / RAW_DIR}")

    parts = name.split("/")
    if (not name or name.startswith("/") or "\\" in name or "\0" in name
            or Path(name).is_absolute() or len(parts) < 2 or parts[0] != RAW_DIR
            or any(p in ("", ".", "..") for p in parts)):
        raise refuse(f"is not a relative path inside {RAW_DIR}/")
    raw_dir = (Path(corpus_dir) / RAW_DIR).resolve()
    path = Path(corpus_dir) / name
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise refuse(f"cannot be resolved ({exc})") from None
    if not resolved.is_relative_to(raw_dir) or resolved == raw_dir:
        raise refuse(f"leads outside {RAW_DIR}/ (to {resolved})")
    return path


def read_raw(corpus_dir: Path, entry: SourceEntry) -> str:
    """The raw text of ``entry``, checked against the SHA-256 recorded at ingest (if any)."""
    path = raw_path(corpus_dir, entry)
    data = read_bounded(path, MAX_ARTICLE_BYTES, f"raw article {entry.id}",
                        hint="split it into several articles")
    _check_hash(data, entry.sha256, path, entry)
    return decode_raw(data, str(path))


def read_original(corpus_dir: Path, entry: SourceEntry) -> bytes | None:
    """The bytes of ``entry``'s original file, checked against its recorded SHA-256; None
    when the raw copy is the original."""
    path = original_path(corpus_dir, entry)
    if path is None or entry.original is None:
        return None
    if not path.is_file():
        raise BriefbookError(f"the original of article {entry.id} is missing",
                             where=str(path), hint="restore it from a backup or version "
                             "control: the raw text's ids trace back to it")
    data = read_bounded(path, MAX_ORIGINAL_BYTES, f"the original of article {entry.id}",
                        hint="restore the file ingest stored")
    _check_hash(data, entry.original.sha256, path, entry)
    return data


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_hash(data: bytes, recorded: str | None, path: Path, entry: SourceEntry) -> None:
    if recorded is None or sha256_of(data) == recorded:
        return
    raise BriefbookError(
        f"{path.name} is not the file ingested as {entry.id}: its SHA-256 is "
        f"{sha256_of(data)[:16]}…, sources.yaml records {recorded[:16]}…", where=str(path),
        hint="files under raw/ are verbatim copies, never edited: restore the file from a "
             "backup or version control; to take a new version of the article, `briefbook "
             "corpus remove` it and ingest the new file")
