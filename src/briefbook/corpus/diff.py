"""Reviewing what cleaning did: raw vs. cleaned, line by line, with the rule responsible.

Takes: a ``Build`` (article + per-line trace from ``briefbook.corpus.store``) and, for an
article read from another file (a page, PDF, Word file or text in another encoding), its
``Provenance``: the original read again by its format's reader (``corpus.formats``), checked
to give the raw text byte for byte, and where in the original each raw line came from.
Gives: text for ``briefbook corpus diff ID``: a review view (each raw line, where it came from
in the original, what it became, which rules changed it and where it ended up) or a plain
unified diff.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from briefbook.corpus.formats import FORMAT_NAMES, reader
from briefbook.corpus.sources import SourceEntry, read_original
from briefbook.corpus.store import Build


@dataclass(frozen=True)
class Provenance:
    """Where an article's raw text came from: lines for the diff's head, and for each raw
    line (1-based: ``origins[n - 1]``) where it was in the original ("page 3")."""

    head: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    same: bool = True  # the original read again gives the raw text

    def origin(self, line: int) -> str:
        return self.origins[line - 1] if 0 < line <= len(self.origins) else ""


def provenance(corpus_dir: Path, entry: SourceEntry, raw: str) -> Provenance:
    """The original of ``entry`` read again (its hash checked by ``read_original``), compared
    with the raw text ``raw``; an empty Provenance when the raw copy is the original."""
    data = read_original(corpus_dir, entry)
    if data is None or entry.original is None:
        return Provenance()
    original = entry.original
    what = (f"text in {original.encoding}" if original.format == "text"
            else FORMAT_NAMES[original.format])
    head = [f"# original: {original.file} ({what}, {len(data):,} bytes, "
            f"SHA-256 {original.sha256[:16]}…, verified)"]
    if original.format == "text":
        same = data.decode(original.encoding or "utf-8").removeprefix("\ufeff") == raw
        origins: tuple[str, ...] = ()
    else:
        extracted = reader(original.format)(data, original.file)
        same, origins = extracted.text == raw, extracted.origins
    head.append("# the original read again gives the raw text exactly" if same else
                "# WARNING: the original read again no longer gives the raw text (the reader "
                "has changed since ingest); the raw text and its ids stand, the places shown "
                "may be off")
    return Provenance(head=tuple(head), origins=origins if same else (), same=same)


def _rules(changes: dict[str, int]) -> str:
    return " ".join(f"{r}×{n}" for r, n in changes.items())


def review(build: Build, *, changed_only: bool = False,
           source: Provenance | None = None) -> str:
    art = build.article
    source = source or Provenance()
    out = [*source.head,
           f"# {art.id}: raw {art.raw_file} → cleaned ({art.script} source, layout {art.layout})",
           "# '-' raw line, '+' cleaned text, [rules that changed it], → where it went"
           + (", (where it was in the original)" if source.origins else "")]
    blank = 0
    for t in build.trace:
        if t.kind == "blank":
            blank += 1
            continue
        tag = f"L{t.number}"
        place = source.origin(t.number)
        tag_after = f"  ({place})" if place else ""
        if t.kind in ("debris", "header", "byline"):
            what = f"dropped ({t.kind}{':' + t.rule if t.rule else ''})"
            if t.kind == "byline":
                what = f"→ metadata ({'dateline' if t.rule == 'dateline' else 'reporters'})"
            if t.kind == "header":
                what = "→ metadata (page header: headline / date / source / author)"
            extra = f"  [{_rules(t.changes)}]" if t.changes else ""
            out.append(f"{tag:<5} {what}{extra}{tag_after}")
            out.append(f"      - {t.raw}")
            continue
        if changed_only and t.raw.strip() == t.text and not t.changes:
            continue
        where = f"  → {t.target}" if t.target else ""
        label = "caption" if t.kind == "caption" else "text"
        rules = f"  [{_rules(t.changes)}]" if t.changes else "  [unchanged]"
        out.append(f"{tag:<5} {label}{rules}{where}{tag_after}")
        out.append(f"      - {t.raw}")
        if t.kind == "caption":
            cap = next((c for c in art.captions if c.line == t.number), None)
            credit = f"   (credit → metadata: {cap.credit} 摄)" if cap and cap.credit else ""
            out.append(f"      + {t.text}{credit}")
        elif t.raw != t.text:
            out.append(f"      + {t.text}")
    out.append(f"# {blank} blank line(s) dropped; {len(art.defects)} defect(s): " +
               ("; ".join(f"{d.position} {d.raw!r} → {d.repair or '〓 (unrepaired)'}"
                          for d in art.defects) or "none"))
    return "\n".join(out) + "\n"


def unified(build: Build, context: int = 1, source: Provenance | None = None) -> str:
    raw = [t.raw for t in build.trace]
    cleaned = [t.text for t in build.trace if t.kind in ("text", "caption")]
    art = build.article
    head = "".join(f"{line}\n" for line in (source.head if source else ()))
    return head + "".join(f"{line}\n" for line in difflib.unified_diff(
        raw, cleaned, fromfile=f"{art.raw_file} (raw)", tofile=f"{art.id} (cleaned)",
        n=context, lineterm=""))
