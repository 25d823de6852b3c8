"""Reviewing what cleaning did: raw vs. cleaned, line by line, with the rule responsible.

Takes: a ``Build`` (article + per-line trace from ``briefbook.corpus.store``).
Gives: text for ``briefbook corpus diff ID``: a review view (each raw line, what it
became, which rules changed it and where it ended up) or a plain unified diff.
"""

from __future__ import annotations

import difflib

from briefbook.corpus.store import Build


def _rules(changes: dict[str, int]) -> str:
    return " ".join(f"{r}×{n}" for r, n in changes.items())


def review(build: Build, *, changed_only: bool = False) -> str:
    art = build.article
    out = [f"# {art.id}: raw {art.raw_file} → cleaned ({art.script} source, layout {art.layout})",
           "# '-' raw line, '+' cleaned text, [rules that changed it], → where it went"]
    blank = 0
    for t in build.trace:
        if t.kind == "blank":
            blank += 1
            continue
        tag = f"L{t.number}"
        if t.kind in ("debris", "header", "byline"):
            what = f"dropped ({t.kind}{':' + t.rule if t.rule else ''})"
            if t.kind == "byline":
                what = f"→ metadata ({'dateline' if t.rule == 'dateline' else 'reporters'})"
            if t.kind == "header":
                what = "→ metadata (page header: headline / date / source / author)"
            extra = f"  [{_rules(t.changes)}]" if t.changes else ""
            out.append(f"{tag:<5} {what}{extra}")
            out.append(f"      - {t.raw}")
            continue
        if changed_only and t.raw.strip() == t.text and not t.changes:
            continue
        where = f"  → {t.target}" if t.target else ""
        label = "caption" if t.kind == "caption" else "text"
        rules = f"  [{_rules(t.changes)}]" if t.changes else "  [unchanged]"
        out.append(f"{tag:<5} {label}{rules}{where}")
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


def unified(build: Build, context: int = 1) -> str:
    raw = [t.raw for t in build.trace]
    cleaned = [t.text for t in build.trace if t.kind in ("text", "caption")]
    art = build.article
    return "".join(f"{line}\n" for line in difflib.unified_diff(
        raw, cleaned, fromfile=f"{art.raw_file} (raw)", tofile=f"{art.id} (cleaned)",
        n=context, lineterm=""))
