"""Large input: time and peak memory of ingest, corpus load, catalog load and render.

Run:  .venv/bin/python benchmarks/large_input.py [--sizes 0.5,2,10] [--metrics 1000]

For each size (MB of article text) a fresh subprocess:
  1. copies corpus/ to a temp folder,
  2. ingests a generated simplified-Chinese article of that size (one line per paragraph,
     thousands of paragraphs, each with a figure such as ``新建项目123个``),
  3. loads the corpus again (full rebuild + id-lock check, as every command does),
  4. loads a catalog of the 31 real metrics + N generated ones citing the new article,
  5. renders a brief (10 sections quoting 20 paragraphs each, the table of every metric).
It prints one row per size: seconds per stage and the process's peak RSS.
Not part of the test suite (it takes minutes at 10 MB).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_LINES = [line.strip() for line in
              (ROOT / "corpus/raw/cjrb-2021-07-25.txt").read_text(encoding="utf-8").splitlines()
              if len(line.strip()) > 60 and "讯" not in line]


def article_text(megabytes: float) -> tuple[str, int]:
    """A plausible article of about ``megabytes`` MB: headline, dateline, N paragraphs."""
    lines = ["武汉推进超大城市治理现代化（测试长文）", "",
             "  长江日报7月25日讯 7月25日，市委十三届十一次全会审议工作情况报告。"]
    size, i = 0, 0
    target = int(megabytes * 1_000_000)
    while size < target:
        i += 1
        body = SEED_LINES[i % len(SEED_LINES)]
        line = f"  第{i}段：全市新建项目{i}个。{body}"
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
    return "\n".join(lines) + "\n", i


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(megabytes: float, n_metrics: int) -> dict:
    from briefbook.corpus import load_corpus
    from briefbook.corpus.ingest import ingest
    from briefbook.metrics import load_catalog
    from briefbook.project import load_project
    from briefbook.render import Renderer

    row: dict = {"MB": megabytes, "metrics": n_metrics}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        shutil.copy2(ROOT / "briefbook.yaml", tmp / "briefbook.yaml")
        project = load_project(tmp)
        text, paragraphs = article_text(megabytes)
        src = tmp / "big.txt"
        src.write_text(text, encoding="utf-8")
        row["bytes"] = src.stat().st_size
        row["paragraphs"] = paragraphs

        t = time.perf_counter()
        report = ingest(src, corpus_dir=corpus, article_id="big-2021-07-26", date="2021-07-26",
                        outlet="测试", title="测试长文", events=["13-11"],
                        known_events=project.events)
        row["ingest_s"] = round(time.perf_counter() - t, 2)
        paras = [p for p in report.article.paragraphs()]
        row["corpus_paragraphs"] = len(paras)

        t = time.perf_counter()
        c = load_corpus(corpus)
        row["load_corpus_s"] = round(time.perf_counter() - t, 2)

        by_number = {}
        for p in paras:
            if p.text.startswith("第") and "段：全市新建项目" in p.text:
                n = int(p.text[1:p.text.index("段")])
                by_number[n] = p.id
        catalog = corpus / "metrics.yaml"
        extra = []
        numbers = sorted(by_number)
        for k in range(1, n_metrics + 1):
            n = numbers[min(len(numbers) - 1, (k - 1) * max(1, len(numbers) // n_metrics))]
            extra.append(
                f"- id: gen-{k}\n  label: 新建项目{k}\n  unit: 个\n  topic: 城市建设\n"
                f"  observations:\n    - kind: reported\n      value: {n}\n      period: 2021年\n"
                f"      source: {by_number[n]}\n      quote: 新建项目{n}个\n")
        base = (ROOT / "corpus/metrics.yaml").read_text(encoding="utf-8")
        catalog.write_text(base.rstrip("\n") + "\n\n" + "\n".join(extra), encoding="utf-8")
        row["catalog_bytes"] = catalog.stat().st_size

        t = time.perf_counter()
        cat = load_catalog(c, catalog)
        row["load_catalog_s"] = round(time.perf_counter() - t, 2)
        row["catalog_metrics"] = len(cat.metrics)

        ids = sorted(by_number.items())
        step = max(1, len(ids) // 200)
        quoted = [pid for _, pid in ids[::step]][:200]
        sections = "".join(
            f"  - heading: 第{s + 1}部分\n    quotes: [{', '.join(quoted[s * 20:(s + 1) * 20])}]\n"
            for s in range(10))
        brief = tmp / "brief.yaml"
        brief.write_text("title: 大文本测试\nissuer: 研究组\ndate: 2021-08-01\n"
                         "table: {metrics: all}\nsections:\n" + sections, encoding="utf-8")
        renderer = Renderer(project)
        t = time.perf_counter()
        pdf = renderer.render(brief)
        row["render_s"] = round(time.perf_counter() - t, 2)
        row["pdf_KB"] = len(pdf) // 1024
    row["peak_RSS_MB"] = round(peak_mb())
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="0.5,2,10")
    ap.add_argument("--metrics", type=int, default=1000)
    ap.add_argument("--one", type=float)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.metrics)))
        return
    rows = []
    for size in [float(s) for s in args.sizes.split(",")]:
        out = subprocess.run([sys.executable, __file__, "--one", str(size),
                              "--metrics", str(args.metrics)],
                             capture_output=True, text=True, check=False)
        if out.returncode:
            print(f"{size} MB failed:\n{out.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    if rows:
        keys = list(rows[0])
        print("\n" + " | ".join(keys))
        for r in rows:
            print(" | ".join(str(r[k]) for k in keys))


if __name__ == "__main__":
    main()
