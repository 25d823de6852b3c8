"""Number-with-unit mentions of a text file or of corpus text, each with its paragraph id.

Takes: a text file (read bounded, UTF-8), or an article, section or paragraph id of a loaded
corpus.
Gives: ``file_parts(path)`` and ``corpus_parts(corpus, any_id)`` — the text as (paragraph id
or None, text) pieces, with the publication date that frames its years (corpus text only);
``mention_rows(parts, published)`` — every mention ``extract.extract_mentions`` finds in the
pieces (joined by newlines), as a JSON-ready dict with the ``paragraph`` it is in.
"""

from __future__ import annotations

import bisect
import datetime as dt
from pathlib import Path
from typing import Any

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import read_bounded
from briefbook.corpus.model import Article, Corpus, Paragraph
from briefbook.corpus.sources import MAX_ARTICLE_BYTES
from briefbook.metrics.extract import extract_mentions

Part = tuple[str | None, str]


def file_parts(path: Path, where: str | None = None) -> list[Part]:
    """A text file as one piece without a paragraph id (a FIFO or device is refused); errors
    name it as ``where`` (default: the path)."""
    data = read_bounded(path, MAX_ARTICLE_BYTES, "the text to extract from")
    try:
        return [(None, data.decode("utf-8-sig"))]
    except UnicodeDecodeError as exc:
        raise BriefbookError(f"cannot read the file: {exc}", where=where or str(path)) from exc


def corpus_parts(corpus: Corpus, any_id: str) -> tuple[list[Part], dt.date | None]:
    """The paragraphs of an article or section (or one paragraph) with their ids, and the
    publication date of the article they are in (None: no paragraph)."""
    found = corpus.resolve(any_id)
    if isinstance(found, Paragraph):
        parts: list[Part] = [(found.id, found.text)]
    else:
        paras = found.paragraphs() if isinstance(found, Article) else found.paragraphs
        parts = [(p.id, p.text) for p in paras]
    first = next((pid for pid, _ in parts if pid), None)
    published = corpus.article(first.split("/", 1)[0]).published if first else None
    return parts, published


def mention_rows(parts: list[Part], published: dt.date | None) -> list[dict[str, Any]]:
    """Every mention in ``parts`` (joined by newlines), with the paragraph it is in."""
    text = "\n".join(t for _, t in parts)
    starts: list[int] = []
    pos = 0
    for _pid, t in parts:
        starts.append(pos)
        pos += len(t) + 1
    return [{"paragraph": parts[bisect.bisect_right(starts, m.start) - 1][0], **m.to_json()}
            for m in extract_mentions(text, published)]


__all__ = ["corpus_parts", "file_parts", "mention_rows"]
