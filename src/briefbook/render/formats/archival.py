"""PDF variants of a book: archival PDF/A-3b with its provenance inside, tagged PDF/UA-1.

Takes: a variant name, the brief file, the assembled ``Book`` and the metric ``Catalog``.
Gives: the keyword options for WeasyPrint's ``write_pdf`` (``pdf_variant``, ``pdf_tags``,
``attachments``), and ``provenance_files`` — the brief as written (YAML), the metrics the book
cites (JSON: values, quotes, paragraph ids, statuses, as-of date) and its sources (JSON).

WeasyPrint 70.0 does the PDF/A-3 side itself: XMP ``pdfaid:part=3``/``conformance=B``, an
sRGB output intent with its ICC profile, file identifiers, and for each attachment a
``/Filespec`` with ``/AFRelationship`` listed in the catalog's ``/AF`` array — twice each, so
``finish`` keeps one (checked in tests/render/test_archival.py). What it lacks for PDF/UA —
header/footer text as artifacts, header cells' scope, linked footnotes — ``formats.tagging``
adds after it.

Attachments carry the book's date as their creation and modification time, so two renders of
the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf
from weasyprint import Attachment

from briefbook.core.errors import BriefbookError
from briefbook.corpus.model import known_on
from briefbook.render.book.model import Book
from briefbook.render.formats.tagging import repair

if TYPE_CHECKING:
    from briefbook.corpus.model import Corpus
    from briefbook.metrics.catalog import Catalog, Observation
    from briefbook.project.config import Event

#: variant → what it asks of WeasyPrint. ``pdf/a-3b`` embeds the provenance files.
VARIANTS = {
    "pdf/a-3b": {"pdf_variant": "pdf/a-3b"},
    "pdf/ua-1": {"pdf_variant": "pdf/ua-1"},
}
#: the outputs whose in-line gaps ride on glyph widths (engine/bridge.py): every one but PDF/A,
#: which asks that /W equal the font program's widths (its runs carry ActualText instead)
BRIDGED_VARIANTS = (None, "pdf/ua-1")
#: what each variant is for, for ``--help`` and error messages
VARIANT_HELP = "pdf/a-3b (archival, provenance attached) or pdf/ua-1 (tagged, accessible)"

BRIEF_FILE = "brief.yaml"
METRICS_FILE = "metrics.json"
SOURCES_FILE = "sources.json"


@dataclass(frozen=True)
class ProvenanceFile:
    name: str
    data: bytes
    mime: str
    description: str
    relationship: str  # PDF/A-3 AFRelationship: Source (what the book was made from) | Data


def check_variant(variant: str | None) -> str | None:
    if variant is None or variant in VARIANTS:
        return variant
    raise BriefbookError(f"unknown PDF variant {variant!r}",
                         hint=f"use {VARIANT_HELP}, or leave --pdf-variant out for a plain PDF")


def cited_metric_ids(book: Book) -> list[str]:
    """Every metric the book prints, in book order."""
    rows = list(book.key_figures) + list(book.table or ())
    rows += [r for s in book.sections for r in s.rows]
    return list(dict.fromkeys(r.id for r in rows))


def _observation(obs: Observation | None, corpus: Corpus) -> dict[str, Any] | None:
    return None if obs is None else _observed(obs, corpus)


def _observed(obs: Observation, corpus: Corpus) -> dict[str, Any]:
    article = corpus.article(obs.article_id)
    return {
        "value": obs.value, "unit": obs.unit, "qualifier": obs.qualifier,
        "display": obs.display, "period": obs.period, "quote": obs.quote,
        "paragraph": obs.source, "outlet": article.outlet,
        "published": article.published.isoformat(),
    }


def metrics_document(book: Book, catalog: Catalog, corpus) -> dict:
    metrics = []
    for metric_id in cited_metric_ids(book):
        m = catalog.get(metric_id)
        metrics.append({
            "id": m.id, "label": m.label, "topic": m.topic, "unit": m.unit,
            "status": str(m.status), "status_reason": m.status_reason,
            "ratio": None if m.ratio is None else round(m.ratio, 4),
            "pledged": _observation(m.pledged, corpus),
            "reported": _observation(m.reported, corpus),
            "observations": [_observed(o, corpus) | {"kind": o.kind} for o in m.observations],
        })
    return {"title": book.title, "as_of": book.as_of_iso or book.date_iso, "metrics": metrics}


def sources_document(book: Book, corpus, events: Mapping[str, Event]) -> dict:
    """The corpus as the book knew it: the articles published, and the events held, on or
    before the book's day (``corpus.model.known_on``), and which of them it cites."""
    cited = {ref.split("/", 1)[0] for ref in cited_paragraphs(book)}
    day = dt.date.fromisoformat(book.as_of_iso or book.date_iso)
    return {"title": book.title, "as_of": day.isoformat(), "sources": [
        {"id": a.id, "outlet": a.outlet, "title": a.title,
         "published": a.published.isoformat(), "published_inferred": a.published_inferred,
         "events": [{"id": e, "name": events[e].name, "date": events[e].date.isoformat()}
                    for e in a.events if known_on(events[e], day)],
         "paragraphs": sum(1 for _ in a.paragraphs()), "cited": a.id in cited}
        for a in corpus.articles if known_on(a, day)]}


def cited_paragraphs(book: Book) -> list[str]:
    """Paragraph ids the book cites, in metric rows and quotes."""
    rows = list(book.key_figures) + list(book.table or ())
    rows += [r for s in book.sections for r in s.rows]
    refs = [f.citation.ref for r in rows for f in (r.pledged, r.reported) if f is not None]
    return refs + [q.citation.ref for s in book.sections for q in s.quotes]


def _json(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


def provenance_files(brief_path: Path, book: Book, catalog: Catalog, corpus,
                     events: Mapping[str, Event]) -> list[ProvenanceFile]:
    """The files an archival PDF carries; ``catalog`` is the one as of the book's date."""
    try:
        brief_bytes = Path(brief_path).read_bytes()
    except OSError as exc:
        raise BriefbookError(f"cannot read the brief to embed it: {exc.strerror}",
                             where=str(brief_path)) from exc
    return [
        ProvenanceFile(BRIEF_FILE, brief_bytes, "application/yaml",
                       "简报定义（YAML），本册据此生成", "Source"),
        ProvenanceFile(METRICS_FILE, _json(metrics_document(book, catalog, corpus)),
                       "application/json",
                       "本册引用的指标：数值、原文引语、段落编号、状态、截至日期", "Data"),
        ProvenanceFile(SOURCES_FILE, _json(sources_document(book, corpus, events)),
                       "application/json", "资料来源清单", "Data"),
    ]


def write_options(variant: str | None, files: list[ProvenanceFile], book: Book) -> dict:
    """Keyword arguments for ``Document.write_pdf`` for ``variant`` (``{}`` for a plain PDF)."""
    checked = check_variant(variant)
    if checked is None:
        return {}
    # pdf/ua-1's tag names come with the other WeasyPrint patches (engine.pinned, installed by
    # the writer that lays the book out).
    options: dict[str, Any] = dict(VARIANTS[checked])
    if variant == "pdf/a-3b":
        when = dt.datetime.fromisoformat(book.date_iso)
        options["attachments"] = [
            # A data: URL, so WeasyPrint records the MIME type (it guesses none for .yaml).
            Attachment(url=f"data:{f.mime};base64,{base64.b64encode(f.data).decode()}",
                       name=f.name, description=f.description,
                       created=when, modified=when, relationship=f.relationship)
            for f in files]
    return options


def finish(variant: str, pdf: bytes) -> bytes:
    """What WeasyPrint leaves undone for ``variant`` (tag-tree repairs for PDF/UA, /AF for
    PDF/A-3)."""
    if variant == "pdf/ua-1":
        return repair(pdf)
    if variant == "pdf/a-3b":
        return dedupe_associated_files(pdf)
    return pdf


def dedupe_associated_files(data: bytes) -> bytes:
    """WeasyPrint 70.0 lists each attachment twice in the catalog's ``/AF`` (once from the
    name tree, once from the file specifications): keep each file specification once."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        associated = pdf.Root.get("/AF")
        if associated is None:
            return data
        unique = list({spec.objgen: spec for spec in associated}.values())
        if len(unique) == len(associated):
            return data
        pdf.Root.AF = pikepdf.Array(unique)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)  # same inputs, same bytes
        return out.getvalue()
