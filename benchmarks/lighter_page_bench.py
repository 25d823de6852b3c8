"""Lighter page benchmark (issue 27 item 9): this checkout against an earlier commit, alternating.

Run: ``.venv/bin/python benchmarks/lighter_page_bench.py --old REV [--runs N]`` (part of
``make bench``: REV defaults to ``LIGHTER_PAGE_BASE``, the commit before issue 27's work). Prints
Markdown (the source of the lighter-page part of benchmarks/RESULTS.md). Only public tools:
``git worktree`` for the old source, new processes, ``time.perf_counter`` and
``time.process_time``.

- elements: tags in the full book's HTML as the engine lays it out (after
  ``engine.spacing.lighten_html`` where the source has it), and its ``<span>`` elements.
- warm: one long-lived process per source (``PYTHONPATH`` = its ``src``, the same venv), each
  with its own ``Renderer``; after a first render each, the driver asks them in turn (old, new,
  old, new …) to render the full book again and reads the wall and CPU seconds they measured.
  A third process runs this checkout with the span unwrapping turned off (every span of
  ``typeset.py`` laid out): the same content, so its ratio is the lighter page's alone.
- whole process: ``briefbook render full-book.yaml`` as a new process, old and new in turn,
  with ``--jobs 1`` (one process lays the book out) and with the default (the cores); each
  source has a cache of its own, seeded by one render first (charts, layout facts).
- Typst: the same content (benchmarks/typst_anchor.py, the new source's ``Book``) compiled by
  the ``typst`` package: a first compile in a new ``Compiler`` in this process, and a new
  process that imports typst and compiles; the warm and whole-process renders are divided by
  them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
BRIEF = ROOT / "briefs" / "full-book.yaml"
#: The commit before issue 27's work (the baseline of its "lighter page" goal).
LIGHTER_PAGE_BASE = "9d522b7af7ceb92e9f0e580d1c35081266269185"

#: A warm-render worker: loads a Renderer once, then renders the brief each time it reads a
#: line, and answers with its wall and CPU seconds (JSON).
WORKER = r"""
import json, sys, time
from pathlib import Path
from briefbook.project import load_project
from briefbook.render import Renderer
root, brief, keep_spans = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "keep-spans"
if keep_spans:  # the same engine, laying out every span typeset.py writes
    from briefbook.render.engine import spacing
    spacing.lighten_html = lambda html: html
    spacing.lighten = lambda root: 0
renderer = Renderer(load_project(root))
html = renderer.html(renderer.book(brief))
try:  # what the engine lays out, where it unwraps the spans it makes needless
    from briefbook.render.engine.spacing import lighten_html
    html = lighten_html(html)
except ImportError:  # a source before it
    pass
print(json.dumps({"tags": html.count("<") - html.count("</") - html.count("<!"),
                  "spans": html.count("<span")}), flush=True)
for line in sys.stdin:
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = renderer.render(brief)
    print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                      "bytes": len(pdf)}), flush=True)
"""


def worker(src: Path, root: Path, keep_spans: bool = False) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.Popen([sys.executable, "-c", WORKER, str(root), str(BRIEF),
                             "keep-spans" if keep_spans else "-"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=root)


def ask(proc: subprocess.Popen) -> dict:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("render\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def whole(src: Path, root: Path, out: Path, cache: Path, jobs: int | None) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "BRIEFBOOK_CACHE": str(cache)}
    args = [sys.executable, "-m", "briefbook.cli", "render", str(BRIEF), "-o", str(out)]
    if jobs:
        args += ["--jobs", str(jobs)]
    start = time.perf_counter()
    subprocess.run(args, env=env, cwd=root, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def typst_times(work: Path) -> tuple[float, float]:
    """Typst's first compile in a new Compiler (this process) and a new process's compile."""
    import typst
    from typst_anchor import book_to_typst

    from briefbook.core import resources
    from briefbook.project import load_project
    from briefbook.render import Renderer

    renderer = Renderer(load_project(ROOT))
    book = renderer.book(BRIEF)
    charts = {name: svg for name, (svg, _) in renderer.charts(book).items()}
    folder = work / "typst"
    source = book_to_typst(book, charts, folder)
    start = time.perf_counter()
    typst.Compiler(str(source), root=str(folder), font_paths=[str(resources.FONTS_DIR)],
                   ignore_system_fonts=True).compile()
    first = time.perf_counter() - start
    code = ("import sys, typst; typst.compile(sys.argv[1], root=sys.argv[2], "
            "font_paths=[sys.argv[3]], ignore_system_fonts=True)")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(source), str(folder),
                    str(resources.FONTS_DIR)], check=True)
    return first, time.perf_counter() - start


def m(values: list[float]) -> float:
    return statistics.median(values)


def paired(olds: list[float], news: list[float]) -> str:
    """The median of new ÷ old over runs made one after the other, and its range."""
    ratios = [new / old for old, new in zip(olds, news, strict=True)]
    return f"{m(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default=LIGHTER_PAGE_BASE, help="the commit to compare with")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bb-lighter-"))
    old_root = work / "old"
    subprocess.run(["git", "worktree", "add", "--detach", str(old_root), args.old], cwd=ROOT,
                   check=True, capture_output=True)
    try:
        report(args, work, old_root)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old_root)], cwd=ROOT,
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def report(args, work: Path, old_root: Path) -> None:
    sources = {"old": (old_root / "src", old_root), "new": (ROOT / "src", ROOT)}
    procs = {name: worker(src, root) for name, (src, root) in sources.items()}
    procs["spans"] = worker(ROOT / "src", ROOT, keep_spans=True)
    counts = {name: json.loads(p.stdout.readline()) for name, p in procs.items()}  # type: ignore[union-attr]
    warm: dict[str, list[dict]] = {"old": [], "new": [], "spans": []}
    for name in procs:
        ask(procs[name])  # first render: fonts, stylesheet, charts
    for _ in range(args.runs):
        for name in procs:
            warm[name].append(ask(procs[name]))
    for proc in procs.values():
        proc.stdin.close()  # type: ignore[union-attr]
        proc.wait()

    processes: dict[tuple[str, int | None], list[float]] = {}
    for jobs in (1, None):
        for name, (src, root) in sources.items():
            whole(src, root, work / f"{name}.pdf", work / f"cache-{name}", jobs)  # seed
        for _ in range(args.runs):
            for name, (src, root) in sources.items():
                processes.setdefault((name, jobs), []).append(
                    whole(src, root, work / f"{name}.pdf", work / f"cache-{name}", jobs))
    typst_first, typst_process = typst_times(work)

    rev = subprocess.run(["git", "rev-parse", "--short", args.old], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    print(f"## A lighter page: full book, `{rev}` (old) and this checkout at `{head}` (new)")
    print()
    print(f"Elements laid out: {counts['old']['tags']:,} → {counts['new']['tags']:,} "
          f"(`<span>`: {counts['old']['spans']:,} → {counts['new']['spans']:,}).")
    print()
    print("| measurement | old | new | new ÷ old | ÷ Typst, old | ÷ Typst, new | goal |")
    print("|---|---|---|---|---|---|---|")
    for key, label in (("wall", "warm render, wall"), ("cpu", "warm render, CPU")):
        olds, news = [r[key] for r in warm["old"]], [r[key] for r in warm["new"]]
        old, new = m(olds), m(news)
        print(f"| {label} | {old:.2f} s | {new:.2f} s | {paired(olds, news)} | "
              f"{old / typst_first:.1f}× | {new / typst_first:.1f}× | "
              f"{'≤ 0.6' if key == 'wall' else ''} |")
    for jobs in (1, None):
        olds, news = processes["old", jobs], processes["new", jobs]
        old, new = m(olds), m(news)
        label = f"whole process, `--jobs {jobs}`" if jobs else "whole process, default jobs"
        print(f"| {label} | {old:.2f} s | {new:.2f} s | {paired(olds, news)} | "
              f"{old / typst_process:.1f}× | {new / typst_process:.1f}× | ≤ 0.7 |")
    spans, new = m([r["cpu"] for r in warm["spans"]]), m([r["cpu"] for r in warm["new"]])
    print(f"| warm render, CPU, this checkout laying out every span ({counts['spans']['tags']:,}"
          f" elements) | {spans:.2f} s | {new:.2f} s | {new / spans:.2f} | | | |")
    print()
    print(f"Medians of {args.runs} alternating runs; new ÷ old is the median of the ratios "
          f"pair by pair (old and new run one after the other), with their range: the machine's "
          f"speed drifts between pairs. Typst: first compile in a new `Compiler` "
          f"{typst_first:.2f} s, a new process compiling {typst_process:.2f} s. PDF: "
          f"{warm['old'][-1]['bytes'] / 1024:,.0f} KB → {warm['new'][-1]['bytes'] / 1024:,.0f} KB.")


if __name__ == "__main__":
    main()
