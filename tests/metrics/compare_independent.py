"""Compare the extractor against the independent gold list (a script, not a test).

Run:  .venv/bin/python tests/metrics/compare_independent.py [gold.yaml]

Loads tests/metrics/gold_mentions_independent.yaml (or the path given), runs
``extract_mentions`` over the cleaned text of every body paragraph of every article
named in the gold list, matches mentions by (paragraph, value, unit) as multisets,
and prints precision, recall, pledged/reported accuracy over matched mentions and
every disagreement (missed, spurious, wrong kind).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import yaml

from plugins.example import CORPUS_DIR
from briefbook.corpus import load_corpus
from briefbook.metrics.extract import extract_mentions

HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = HERE / "gold_mentions_independent.yaml"


def _key(paragraph: str, value, unit: str) -> tuple[str, float, str]:
    return (paragraph, float(value), unit)


def score(gold_path: Path = None) -> dict:
    """Precision, recall and kind accuracy of the extractor against a gold list."""
    gold_path = gold_path or DEFAULT_GOLD
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))["mentions"]
    articles = sorted({g["paragraph"].split("/")[0] for g in gold})

    corpus = load_corpus(CORPUS_DIR)
    predicted: list[dict] = []
    for aid in articles:
        for para in corpus.article(aid).paragraphs():
            for m in extract_mentions(corpus.paragraph(para.id).text):
                predicted.append({"paragraph": para.id, "text": m.text, "value": m.value,
                                  "unit": m.unit, "qualifier": m.qualifier, "kind": m.kind,
                                  "cue": m.cue})

    # Multiset matching on (paragraph, value, unit), in textual order within a key.
    pred_by_key: dict[tuple, list[dict]] = defaultdict(list)
    for p in predicted:
        pred_by_key[_key(p["paragraph"], p["value"], p["unit"])].append(p)

    matched: list[tuple[dict, dict]] = []
    missed: list[dict] = []
    for g in gold:
        bucket = pred_by_key.get(_key(g["paragraph"], g["value"], g["unit"]))
        if bucket:
            matched.append((g, bucket.pop(0)))
        else:
            missed.append(g)
    spurious = [p for bucket in pred_by_key.values() for p in bucket]

    tp = len(matched)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    kind_ok = [(g, p) for g, p in matched if g["kind"] == p["kind"]]
    kind_bad = [(g, p) for g, p in matched if g["kind"] != p["kind"]]
    qual_bad = [(g, p) for g, p in matched if g.get("qualifier") != p["qualifier"]]
    return dict(gold=gold, predicted=predicted, matched=matched, missed=missed,
                spurious=spurious, tp=tp, precision=precision, recall=recall, f1=f1,
                kind_ok=kind_ok, kind_bad=kind_bad, qual_bad=qual_bad, articles=articles)


def main(argv: list[str]) -> int:
    gold_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_GOLD
    r = score(gold_path)
    gold, predicted, matched, missed, spurious = (r[k] for k in (
        "gold", "predicted", "matched", "missed", "spurious"))
    tp, precision, recall, f1, articles = (r[k] for k in ("tp", "precision", "recall", "f1",
                                                         "articles"))
    kind_ok, kind_bad, qual_bad = r["kind_ok"], r["kind_bad"], r["qual_bad"]

    print(f"gold: {gold_path.relative_to(HERE.parent.parent) if gold_path.is_relative_to(HERE.parent.parent) else gold_path}")
    print(f"articles: {', '.join(articles)}")
    print(f"gold mentions: {len(gold)}   predicted: {len(predicted)}   matched: {tp}")
    print(f"precision: {precision:.3f} ({tp}/{len(predicted)})")
    print(f"recall:    {recall:.3f} ({tp}/{len(gold)})")
    print(f"F1:        {f1:.3f}")
    if matched:
        print(f"kind accuracy over matched: {len(kind_ok) / tp:.3f} ({len(kind_ok)}/{tp})")

    print(f"\nmissed ({len(missed)}):")
    for g in missed:
        print(f"  {g['paragraph']:28} {g['text']:10} value={g['value']} unit={g['unit']} "
              f"kind={g['kind']}")
    print(f"\nspurious ({len(spurious)}):")
    for p in spurious:
        print(f"  {p['paragraph']:28} {p['text']:10} value={p['value']} unit={p['unit']} "
              f"kind={p['kind']} cue={p['cue']}")
    print(f"\nwrong kind ({len(kind_bad)}):")
    for g, p in kind_bad:
        print(f"  {g['paragraph']:28} {g['text']:10} gold={g['kind']} extractor={p['kind']} "
              f"cue={p['cue']}")
    print(f"\nqualifier differences on matched mentions ({len(qual_bad)}) [informational]:")
    for g, p in qual_bad:
        print(f"  {g['paragraph']:28} {g['text']:10} gold={g.get('qualifier')} "
              f"extractor={p['qualifier']} (extractor text {p['text']})")
    print("\nmatched, with the extractor's cue [informational]:")
    for g, p in matched:
        print(f"  {g['paragraph']:28} {g['text']:10} {str(p['kind']):9} cue={p['cue']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
