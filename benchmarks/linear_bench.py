"""Linear work: ``check`` of alias-heavy and long-list briefs, ``extract`` and ``metrics draft``
of one sentence of N figures — time and peak memory at N and at larger N, and their ratios.

Run:  .venv/bin/python benchmarks/linear_bench.py [--quick]

Each case runs in a fresh subprocess (the process's own peak RSS is reported, not the
bench's), on input generated here:
  check  — a brief of nested aliases (``a1: [*a0, *a0, …]``, a few hundred bytes) standing for
           ≈ 30,000 and ≈ 180,000 values, and a brief with a 25,000- and a 100,000-item list;
  extract — ``今年全市新建项目1个、新建项目2个、…。``: one sentence of 1,000, 8,000, 100,000
           figures (the last 2.3 MB, as in issue 24);
  draft  — the same sentence ingested as an article, then ``metrics draft`` (1,000 and 8,000;
           100,000 without --quick).
Printed per case: the size, wall and CPU seconds, peak RSS, and the ratio of CPU time at N to
CPU time at the previous N (CPU time: other processes on a shared machine do not count)
beside the ratio of the sizes — linear work keeps them close; quadratic work squares the
size ratio (before issue 24: check 143 s at 180,000 values, extract 89 s at 8,000).
Not part of the test suite (tests/reliability/test_linear.py checks the structure).
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
HEAD = "title: 超大城市治理简报\ndate: 2021-08-01\n"


def alias_brief(levels: int) -> str:
    lines = [HEAD.rstrip("\n"), 'a0: &a0 ["治理", "城市", "简报", "全会", "审议", "工作"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 6)}]")
    lines.append(f"b: [*a{levels - 1}, *a{levels - 1}]")
    return "\n".join(lines) + "\n"


def list_brief(items: int) -> str:
    return HEAD + "keywords: [" + ",".join(["a"] * items) + "]\n"


def sentence(n: int) -> str:
    return ("武汉新建项目统计\n\n长江日报讯 今年全市"
            + "、".join(f"新建项目{i}个" for i in range(1, n + 1)) + "。\n")


def one(kind: str, size: int) -> dict:
    """One case in this process: {seconds, peak RSS}."""
    from briefbook.core.errors import BriefbookError

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        start, cpu = time.perf_counter(), time.process_time()
        if kind in ("aliases", "list"):
            from briefbook.brief.check import check_brief
            from briefbook.core.safeyaml import expanded_size, load_yaml

            text = alias_brief(size) if kind == "aliases" else list_brief(size)
            brief = tmp / "brief.yaml"
            brief.write_text(text, encoding="utf-8")
            values = expanded_size(load_yaml(text, "b")[1])
            start, cpu = time.perf_counter(), time.process_time()
            try:
                check_brief(brief, corpus_ids=set(), metric_ids=set())
            except BriefbookError:
                pass
            row = {"bytes": len(text.encode()), "values": values}
        elif kind == "extract":
            from briefbook.metrics.extract import extract_mentions

            mentions = extract_mentions(sentence(size))
            row = {"bytes": len(sentence(size).encode()), "mentions": len(mentions)}
        else:
            from briefbook.corpus.ingest import ingest
            from briefbook.metrics.draft import draft
            from briefbook.project import load_project

            shutil.copytree(ROOT / "corpus", tmp / "corpus")
            shutil.copy2(ROOT / "briefbook.yaml", tmp / "briefbook.yaml")
            src = tmp / "article.txt"
            src.write_text(sentence(size), encoding="utf-8")
            project = load_project(tmp)
            report = ingest(src, corpus_dir=tmp / "corpus", article_id="bench-2021-08-01",
                            date="2021-08-01", outlet="长江日报", title="武汉新建项目统计",
                            known_events=project.events)
            start, cpu = time.perf_counter(), time.process_time()
            doc = draft(report.article, project.topics)
            row = {"bytes": src.stat().st_size, "entries": len(doc["observations"])}
        row["s"] = round(time.perf_counter() - start, 2)
        row["cpu_s"] = round(time.process_time() - cpu, 2)
    row["peak_RSS_MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return row


CASES = {
    "aliases": (5, 6),            # levels of 6-way aliases: ≈ 30,000 and ≈ 180,000 values
    "list": (25_000, 100_000),
    "extract": (1_000, 8_000, 100_000),
    "draft": (1_000, 8_000, 100_000),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="draft up to 8,000 figures only")
    ap.add_argument("--one", nargs=2)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return
    print("case | N | size | wall s | CPU s | peak RSS MB | CPU time ratio | size ratio")
    for kind, sizes in CASES.items():
        if args.quick and kind == "draft":
            sizes = sizes[:2]
        previous = None
        for size in sizes:
            out = subprocess.run([sys.executable, __file__, "--one", kind, str(size)],
                                 capture_output=True, text=True, check=False)
            if out.returncode:
                print(f"{kind} {size} failed:\n{out.stderr[-2000:]}", file=sys.stderr)
                continue
            row = json.loads(out.stdout.strip().splitlines()[-1])
            amount = row.get("values") or row.get("mentions") or row.get("entries") or size
            ratios = ("", "")
            if previous is not None:
                ratios = (f"{row['cpu_s'] / max(previous[0], 0.01):.1f}",
                          f"{amount / previous[1]:.1f}")
            print(f"{kind} | {amount:,} | {row['bytes']:,} B | {row['s']} | {row['cpu_s']} | "
                  f"{row['peak_RSS_MB']} | {ratios[0]} | {ratios[1]}", flush=True)
            previous = (row["cpu_s"], amount)


if __name__ == "__main__":
    main()
