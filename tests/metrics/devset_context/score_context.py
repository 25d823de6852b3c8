"""Score ``metrics draft`` on the document-context development set (issue 23, item 5).

Run:  .venv/bin/python tests/metrics/devset_context/score_context.py [dev|held] [-q]
Used by tests/metrics/test_devset_context.py, which holds the floors.

Each page in raw/ is ingested (dry run, no --title) into a scratch corpus exactly as
`briefbook ingest` would, then drafted with ``draft.draft`` — the entries an analyst gets.
A gold figure matches a draft entry with its value and unit whose quote overlaps the gold
``near`` anchor in the same paragraph. recall = matched / gold, precision = matched / entries,
kind accuracy = right kind / matched, period accuracy = right period end / matched (the end
is what the catalog uses: the pledge's deadline, the day a report counts to).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TOPICS = ("民生保障", "城市建设", "公共卫生", "就业与人才", "生态环境", "文化旅游")


def ingest_all(folder: Path, split: str | None = None) -> dict:
    """article id → (gold entry, cleaned Article) for the pages of ``split`` (all: None)."""
    from briefbook.corpus.ingest import ingest

    gold = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.yaml").write_text("articles: []\n", encoding="utf-8")
    (folder / "ids.lock").write_text("", encoding="utf-8")
    (folder / "raw").mkdir(exist_ok=True)
    out = {}
    for aid, g in gold.items():
        if split and g["split"] != split:
            continue
        report = ingest(HERE / "raw" / f"{aid}.txt", corpus_dir=folder, article_id=aid,
                        date=str(g["date"]), outlet="开发集", dry_run=True)
        out[aid] = (g, report.article)
    return out


def period_end(text: str) -> dt.date | None:
    from briefbook.metrics.periods import parse_period

    return parse_period(text).end


def _spans(text: str, sub: str) -> list[tuple[int, int]]:
    out, i = [], text.find(sub)
    while i != -1:
        out.append((i, i + len(sub)))
        i = text.find(sub, i + 1)
    return out


def score_article(g: dict, article) -> dict:
    """Totals and problems for one article's draft against its gold figures."""
    from briefbook.metrics.draft import draft

    paras = {p.id: p.text for p in article.paragraphs()}
    entries = draft(article, TOPICS)["observations"]
    used: set[int] = set()
    t = {"gold": len(g["figures"]), "found": len(entries), "matched": 0, "kind_ok": 0,
         "period_ok": 0, "problems": []}
    for fig in g["figures"]:
        hit = None
        for i, e in enumerate(entries):
            if i in used or e["value"] != fig["value"] or e["unit"] != fig["unit"]:
                continue
            text = paras[e["source"]]
            quotes = _spans(text, e["quote"])
            if any(a < qb and qa < b for a, b in _spans(text, fig["near"]) for qa, qb in quotes):
                hit = i
                break
        if hit is None:
            t["problems"].append(f"{article.id}: missed {fig['near']}")
            continue
        used.add(hit)
        e = entries[hit]
        t["matched"] += 1
        if e["kind"] == fig["kind"]:
            t["kind_ok"] += 1
        else:
            t["problems"].append(f"{article.id}: kind of {fig['near']}: {e['kind']} "
                                 f"(cue {e['cue']}), gold {fig['kind']}")
        wanted = fig["period"] if isinstance(fig["period"], list) else [fig["period"]]
        if period_end(e["period"]) in {period_end(p) for p in wanted}:
            t["period_ok"] += 1
        else:
            t["problems"].append(f"{article.id}: period of {fig['near']}: {e['period']} "
                                 f"(cue {e['period_cue']}), gold {fig['period']}")
    t["problems"] += [f"{article.id}: extra {e['value']}{e['unit']} in {e['quote'][:20]}"
                      for i, e in enumerate(entries) if i not in used]
    return t


def score(articles: dict) -> dict[str, dict]:
    """split → totals with precision, recall, kind_accuracy, period_accuracy."""
    totals: dict[str, dict] = {}
    for g, article in articles.values():
        t = totals.setdefault(g["split"], {"problems": []})
        part = score_article(g, article)
        for k in ("gold", "found", "matched", "kind_ok", "period_ok"):
            t[k] = t.get(k, 0) + part[k]
        t["problems"] += part["problems"]
    for t in totals.values():
        t["precision"] = t["matched"] / t["found"] if t["found"] else 0.0
        t["recall"] = t["matched"] / t["gold"] if t["gold"] else 0.0
        t["kind_accuracy"] = t["kind_ok"] / t["matched"] if t["matched"] else 0.0
        t["period_accuracy"] = t["period_ok"] / t["matched"] if t["matched"] else 0.0
    return totals


def line(name: str, t: dict) -> str:
    return (f"{name:<6} gold={t['gold']:>3} found={t['found']:>3} matched={t['matched']:>3} "
            f"precision={t['precision']:.3f} recall={t['recall']:.3f} "
            f"kind_accuracy={t['kind_accuracy']:.3f} period_accuracy={t['period_accuracy']:.3f}")


def main(argv: list[str]) -> None:
    split = next((a for a in argv if a in ("dev", "held")), None)
    with tempfile.TemporaryDirectory() as tmp:
        totals = score(ingest_all(Path(tmp) / "corpus", split))
    for name, t in sorted(totals.items()):
        print(line(name, t))
        if "-q" not in argv:
            for p in t["problems"]:
                print("   ", p)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[2] / "src"))
    main(sys.argv[1:])
