"""extract.py: precision/recall against the hand-checked gold list (gold_mentions.yaml).

Reproduce the numbers: .venv/bin/python -m pytest tests/metrics/test_extract.py -q -s -k score
"""

from pathlib import Path

import pytest
import yaml

from briefbook.metrics.extract import extract_mentions

GOLD = yaml.safe_load((Path(__file__).parent / "gold_mentions.yaml").read_text(encoding="utf-8"))
FLOOR_P, FLOOR_R, FLOOR_KIND = 0.95, 0.95, 0.9


def article_text(article, *, with_extras: bool) -> str:
    """Body paragraphs; with_extras adds the section headings and photo captions."""
    parts = [p.text for p in article.paragraphs()]
    if with_extras:
        parts += [s.heading for s in article.sections if s.heading]
        parts += [c.text for c in article.captions]
    return "\n".join(parts)


def _occurrences(text: str, sub: str) -> list[int]:
    out, i = [], text.find(sub)
    while i != -1:
        out.append(i)
        i = text.find(sub, i + 1)
    return out


def score(corpus, *, with_extras: bool) -> dict:
    totals = {"gold": 0, "found": 0, "matched": 0, "kind_ok": 0, "misses": [], "extra": []}
    for aid, items in GOLD.items():
        text = article_text(corpus.article(aid), with_extras=with_extras)
        gold = [g for g in items if with_extras or g.get("where", "body") == "body"]
        found = extract_mentions(text)
        used: set[int] = set()
        # Longest anchors first, any occurrence: a heading that repeats a body sentence
        # ("32项区块链电子证照上线") must not take the body's mention.
        for g in sorted(gold, key=lambda g: -len(g["near"])):
            spans = [(i, i + len(g["near"])) for i in _occurrences(text, g["near"])]
            assert spans, f"gold anchor {g['near']!r} not in {aid} — is the gold list stale?"
            hit = next((i for i, m in enumerate(found) if i not in used
                        and m.value == g["value"] and m.unit == g["unit"]
                        and any(a <= m.start and m.end <= b for a, b in spans)), None)
            if hit is None:
                totals["misses"].append((aid, g["near"]))
                continue
            used.add(hit)
            totals["matched"] += 1
            totals["kind_ok"] += found[hit].kind == g["kind"]
            if (found[hit].qualifier or None) != g.get("qualifier"):
                totals["misses"].append((aid, f"qualifier of {g['near']}"))
        totals["extra"] += [(aid, m.text, m.sentence[:30]) for i, m in enumerate(found) if i not in used]
        totals["gold"] += len(gold)
        totals["found"] += len(found)
    totals["precision"] = totals["matched"] / totals["found"]
    totals["recall"] = totals["matched"] / totals["gold"]
    totals["kind_accuracy"] = totals["kind_ok"] / totals["matched"]
    return totals


@pytest.mark.parametrize("with_extras", [False, True], ids=["body", "body+headings+captions"])
def test_score_against_gold(corpus, with_extras):
    s = score(corpus, with_extras=with_extras)
    print(f"\n[{'body+headings+captions' if with_extras else 'body'}] gold={s['gold']} "
          f"found={s['found']} matched={s['matched']} precision={s['precision']:.3f} "
          f"recall={s['recall']:.3f} kind_accuracy={s['kind_accuracy']:.3f}")
    for miss in s["misses"]:
        print("  missed:", miss)
    for extra in s["extra"]:
        print("  extra: ", extra)
    assert s["precision"] >= FLOOR_P and s["recall"] >= FLOOR_R
    assert s["kind_accuracy"] >= FLOOR_KIND


@pytest.mark.parametrize("text, expected", [
    ("武汉将千方百计稳住就业，力争全年留下25万大学生在汉创业就业。",
     [(250000, "人", "力争", "pledged")]),
    ("去年新增留汉大学生30.2万人。", [(302000, "人", None, "reported")]),
    ("武汉将出台新一轮清单。建好用好三支队伍。", [(3, "支", None, "pledged")]),
    ("出台相关配套文件近30份。", [(30, "份", "近", "reported")]),
    ("131个民生服务事项和32项区块链电子证照上线运行。",
     [(131, "个", None, "reported"), (32, "项", None, "reported")]),
    ("十三届十一次全会审议，全球首款128层QLC芯片，13家民营企业入围“中国民营企业500强”。",
     [(13, "家", None, "reported")]),
    ("市委主要领导强调，打造武汉“12分钟文化圈”。", [(12, "分钟", None, "pledged")]),
    # held-out forms, not from the seeds
    ("到2025年，全市新增就业岗位100万个以上，城镇登记失业率控制在4.5%以内。",
     [(1_000_000, "个", "以上", "pledged"), (4.5, "%", None, "pledged")]),
    ("今年上半年，全市地区生产总值达8616.88亿元，同比增长28.5%。",
     [(861_688_000_000, "元", None, "reported"), (28.5, "%", None, "reported")]),
    ("武汉将建设1000公里城市绿道，人均公园绿地面积达到15平方米。",
     [(1000, "公里", None, "pledged"), (15, "平方米", None, "pledged")]),
])
def test_cases(text, expected):
    got = [(m.value, m.unit, m.qualifier, m.kind) for m in extract_mentions(text)]
    assert got == expected


def test_mention_carries_its_sentence():
    [m] = extract_mentions("第一句。选派357名年轻干部到街道工作。下一句。")
    assert m.sentence == "选派357名年轻干部到街道工作。" and m.cue == "选派"
