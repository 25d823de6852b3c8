"""Score the extractor and the cleaner on the development set and on the seeds.

Run:  .venv/bin/python tests/metrics/devset/score.py        (prints every disagreement)
Used by tests/metrics/test_devset.py, which holds the floors.

Development set: the pages in raw/ with the hand labels in gold.yaml, each ingested (dry
run) into a scratch corpus folder exactly as `briefbook ingest` would, without --title;
then ``extract_mentions`` over the cleaned body paragraphs. A gold figure is matched by
value and unit inside its ``near`` anchor; precision = matched / found, recall = matched /
gold, kind accuracy = right kind / matched. Titles: the ingested title equals the label.
Seeds: the same numbers against tests/metrics/gold_mentions.yaml (body paragraphs).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SCRATCH_SOURCES = "articles: []\n"


def scratch_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.yaml").write_text(SCRATCH_SOURCES, encoding="utf-8")
    (folder / "ids.lock").write_text("", encoding="utf-8")
    (folder / "raw").mkdir(exist_ok=True)
    return folder


def ingest_devset(folder: Path) -> dict:
    """article id → (gold entry, cleaned Article), each ingested dry-run, no --title."""
    from briefbook.corpus.ingest import ingest

    gold = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))
    corpus = scratch_corpus(folder)
    out = {}
    for aid, g in gold.items():
        report = ingest(HERE / "raw" / f"{aid}.txt", corpus_dir=corpus, article_id=aid,
                        date=str(g["date"]), outlet="开发集", dry_run=True)
        out[aid] = (g, report.article)
    return out


def _occurrences(text: str, sub: str) -> list[int]:
    found, i = [], text.find(sub)
    while i != -1:
        found.append(i)
        i = text.find(sub, i + 1)
    return found


def match(text: str, gold: list[dict], where: str, published=None) -> dict:
    from briefbook.metrics.extract import extract_mentions

    found = extract_mentions(text, published)
    used: set[int] = set()
    t = {"gold": len(gold), "found": len(found), "matched": 0, "kind_ok": 0, "problems": []}
    for g in sorted(gold, key=lambda g: -len(g["near"])):
        spans = [(i, i + len(g["near"])) for i in _occurrences(text, g["near"])]
        if not spans:
            t["problems"].append(f"{where}: anchor {g['near']!r} not in the cleaned text")
            continue
        hit = next((i for i, m in enumerate(found) if i not in used and m.value == g["value"]
                    and m.unit == g["unit"] and any(a <= m.start and m.end <= b for a, b in spans)),
                   None)
        if hit is None:
            t["problems"].append(f"{where}: missed {g['near']}")
            continue
        used.add(hit)
        t["matched"] += 1
        m = found[hit]
        if m.kind == g["kind"]:
            t["kind_ok"] += 1
        else:
            t["problems"].append(f"{where}: kind of {g['near']}: {m.kind} (cue {m.cue}), "
                                 f"gold {g['kind']}")
        if (m.qualifier or None) != g.get("qualifier"):
            t["problems"].append(f"{where}: qualifier of {g['near']}: {m.qualifier}")
    t["problems"] += [f"{where}: extra {m.text} in {m.sentence[:24]}" for i, m in enumerate(found)
                      if i not in used]
    return t


def _add(total: dict, part: dict) -> None:
    for k in ("gold", "found", "matched", "kind_ok"):
        total[k] = total.get(k, 0) + part[k]
    total.setdefault("problems", []).extend(part["problems"])


def _rates(t: dict) -> dict:
    t["precision"] = t["matched"] / t["found"] if t["found"] else 0.0
    t["recall"] = t["matched"] / t["gold"] if t["gold"] else 0.0
    t["kind_accuracy"] = t["kind_ok"] / t["matched"] if t["matched"] else 0.0
    return t


def score_devset(articles: dict) -> dict[str, dict]:
    """split (dev | held) → totals, rates, title results."""
    totals: dict[str, dict] = {}
    for aid, (g, article) in articles.items():
        t = totals.setdefault(g["split"], {"titles_ok": 0, "articles": 0})
        text = "\n".join(p.text for p in article.paragraphs())
        _add(t, match(text, g["figures"], aid, article.published))
        t["articles"] += 1
        if article.title == g["title"]:
            t["titles_ok"] += 1
        else:
            t["problems"].append(f"{aid}: title {article.title!r}, gold {g['title']!r}")
        headings = [s.heading for s in article.sections if s.heading]
        if headings:
            t["problems"].append(f"{aid}: headings {headings}")
            t["headings"] = t.get("headings", 0) + len(headings)
    return {k: _rates(v) for k, v in totals.items()}


def score_seeds() -> dict:
    from briefbook.corpus import load_corpus

    gold = yaml.safe_load((HERE.parent / "gold_mentions.yaml").read_text(encoding="utf-8"))
    corpus = load_corpus(Path(__file__).resolve().parents[3] / "corpus")
    total: dict = {}
    for aid, items in gold.items():
        text = "\n".join(p.text for p in corpus.article(aid).paragraphs())
        _add(total, match(text, [g for g in items if g.get("where", "body") == "body"], aid,
                          corpus.article(aid).published))
    return _rates(total)


def line(name: str, t: dict) -> str:
    extra = f" titles={t['titles_ok']}/{t['articles']}" if "articles" in t else ""
    return (f"{name:<22} gold={t['gold']:>3} found={t['found']:>3} matched={t['matched']:>3} "
            f"precision={t['precision']:.3f} recall={t['recall']:.3f} "
            f"kind_accuracy={t['kind_accuracy']:.3f}{extra}")


def main(verbose: bool = True) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        dev = score_devset(ingest_devset(Path(tmp) / "corpus"))
    seeds = score_seeds()
    for name, t in (("seeds (body)", seeds), ("devset: dev part", dev["dev"]),
                    ("devset: held back", dev["held"])):
        print(line(name, t))
        if verbose:
            for p in t["problems"]:
                print("   ", p)


if __name__ == "__main__":
    main(verbose="-q" not in sys.argv)
