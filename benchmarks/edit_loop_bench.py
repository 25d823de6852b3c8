"""Edit-loop benchmark: incremental re-render vs warm full render, and the Typst anchor.

Run: ``.venv/bin/python benchmarks/edit_loop_bench.py [--runs N]`` (part of ``make bench``).
Prints Markdown (the source of the edit-loop part of benchmarks/RESULTS.md). All times are
``time.perf_counter`` in this one process, so the ratios compare like with like on whatever
load the shared machine has at that moment.

- warm full: ``Renderer.render(full-book)`` after a first render in the same process.
- incremental: ``IncrementalRenderer.render`` after editing one section's commentary (two
  texts alternate, so every render sees a real change); the first render (whole book) seeds it.
- preview refresh: ``PreviewSession.render`` after the same edit — what ``briefbook preview``
  does: incremental layout, then a PDF and page images of the changed chapter only.
- ``render --jobs``: ``briefbook render full-book --jobs 2`` and ``--jobs 1`` as new processes,
  in turn (A B A B …), each with a layout cache of its own that an earlier render seeded:
  once re-rendering the same brief, once after the same one-section edit.
- Typst: the same content exported from the ``Book`` model (text, tables, the same SVG charts,
  the bundled fonts only; benchmarks/typst_anchor.py), compiled by the ``typst`` package:
  first compile in a new ``Compiler`` (fonts loaded), warm re-compile, and re-compile after
  the same one-section edit.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
BRIEF = ROOT / "briefs" / "full-book.yaml"
EDITS = ("本节评论在编辑中改了一句。", "本节评论在编辑中又改了一句，稍长一些。")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def edit_commentary(text: str, variant: str, nth: int = 3) -> str:
    """Put ``variant`` at the start of the ``nth`` commentary (the marker is the YAML key)."""
    marker = "commentary: "
    at = -1
    for _ in range(nth):
        at = text.index(marker, at + 1)
    return text[:at + len(marker)] + variant + text[at + len(marker):]


def whole_process(args: list[str], env: dict) -> float:
    import subprocess

    start = time.perf_counter()
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def jobs_ratios(brief: Path, original: str, work: Path, runs: int) -> dict[str, list[float]]:
    """Whole-process ``render --jobs 2`` ÷ ``--jobs 1``, pair by pair."""
    import os

    exe = str(Path(sys.executable).with_name("briefbook"))
    envs = {j: {**os.environ, "BRIEFBOOK_CACHE": str(work / f"cache-j{j}")} for j in (1, 2)}

    def render(j: int) -> float:
        return whole_process([exe, "render", str(brief), "-o", str(work / f"j{j}.pdf"),
                              "--jobs", str(j)], envs[j])

    out: dict[str, list[float]] = {"same brief": [], "after an edit": [], "j1": [], "j2": []}
    brief.write_text(original, encoding="utf-8")
    for j in (1, 2):
        render(j)  # seeds each cache (charts, layout facts, footnote moves)
    for _ in range(runs):
        b, a = render(1), render(2)
        out["same brief"].append(a / b)
        out["j1"].append(b)
        out["j2"].append(a)
    for i in range(runs):
        brief.write_text(edit_commentary(original, EDITS[i % 2] + str(i)), encoding="utf-8")
        b, a = render(1), render(2)
        out["after an edit"].append(a / b)
    brief.write_text(original, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import typst

    from briefbook.core import resources
    from briefbook.project import load_project
    from briefbook.render import Renderer
    from briefbook.render.layout.incremental import IncrementalRenderer
    from typst_anchor import book_to_typst

    work = Path(tempfile.mkdtemp(prefix="bb-editloop-"))
    try:
        brief = work / "full-book.yaml"
        original = BRIEF.read_text(encoding="utf-8")
        brief.write_text(original, encoding="utf-8")

        renderer = Renderer(load_project(ROOT))
        renderer.render(brief)  # warm-up: fonts, stylesheet, corpus, charts
        warm = [timed(lambda: renderer.render(brief)) for _ in range(args.runs)]

        incremental = IncrementalRenderer(renderer)
        first_incremental = timed(lambda: incremental.render(brief))
        inc, laid = [], []
        for i in range(args.runs):
            brief.write_text(edit_commentary(original, EDITS[i % 2]), encoding="utf-8")
            inc.append(timed(lambda: incremental.render(brief)))
            laid.append(f"{incremental.last.laid_out}/{incremental.last.chapters}")
        # The same, editing the fourth section: a chapter with no quote to move for its
        # footnote (the third section's quote moves, so an edit there lays it out twice).
        brief.write_text(original, encoding="utf-8")
        incremental.render(brief)
        inc4, laid4 = [], []
        for i in range(args.runs):
            brief.write_text(edit_commentary(original, EDITS[i % 2], nth=4), encoding="utf-8")
            inc4.append(timed(lambda: incremental.render(brief)))
            laid4.append(f"{incremental.last.laid_out}/{incremental.last.chapters}")

        # What the preview does after a save: lay out what changed, draw and rasterise only
        # the chapters laid out anew (the other pages' images are kept).
        from briefbook.preview.session import PreviewSession

        session = PreviewSession(brief, renderer.project,
                                 renderer_factory=lambda *_: IncrementalRenderer(renderer))
        brief.write_text(original, encoding="utf-8")
        session.render()
        refresh = []
        for i in range(args.runs):
            brief.write_text(edit_commentary(original, EDITS[i % 2]), encoding="utf-8")
            refresh.append(timed(session.render))
            assert session.snapshot.error is None, session.snapshot.error

        # The pieces of one incremental render, to say where its time goes.
        brief.write_text(edit_commentary(original, EDITS[args.runs % 2]), encoding="utf-8")
        t_book = timed(lambda: renderer.book(brief))
        book = renderer.book(brief)
        t_html = timed(lambda: renderer.html(book))

        # Typst anchor on the same content.
        book = renderer.book(brief)
        charts = {name: svg for name, (svg, _) in renderer.charts(book).items()}
        folder = work / "typst"
        source = book_to_typst(book, charts, folder)
        compiler = None

        def first_compile():
            nonlocal compiler
            compiler = typst.Compiler(str(source), root=str(folder), font_paths=[str(resources.FONTS_DIR)],
                                      ignore_system_fonts=True)
            compiler.compile()

        typst_first = timed(first_compile)
        typst_warm = [timed(compiler.compile) for _ in range(args.runs)]
        text = source.read_text(encoding="utf-8")
        typst_edit = []
        for i in range(args.runs):
            source.write_text(text.replace("#\"三、", f"#\"{EDITS[i % 2]}三、", 1), encoding="utf-8")
            typst_edit.append(timed(compiler.compile))
        pdf = compiler.compile()

        jobs = jobs_ratios(brief, original, work, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    m = statistics.median
    print("## Edit loop: incremental layout and the Typst anchor\n")
    print(f"Full example (`briefs/full-book.yaml`), one process, median of {args.runs} runs each.\n")
    print("| measurement | seconds | ratio | goal |")
    print("| --- | --- | --- | --- |")
    print(f"| warm full render (`Renderer.render`) | {m(warm):.2f} | 1.00 | |")
    print(f"| first incremental render (whole book, cut into chapters) | {first_incremental:.2f} | "
          f"{first_incremental / m(warm):.2f} | |")
    print(f"| incremental re-render after a one-section edit (chapters laid out: {', '.join(laid)}) | "
          f"{m(inc):.2f} | {m(inc) / m(warm):.2f} | ≤ 0.25 |")
    print(f"| … the same, editing the fourth section instead (laid out: {', '.join(laid4)}) | "
          f"{m(inc4):.2f} | {m(inc4) / m(warm):.2f} | ≤ 0.25 |")
    print(f"| preview refresh after the same edit (layout, that chapter's PDF and PNGs at 96 dpi) | "
          f"{m(refresh):.2f} | {m(refresh) / m(warm):.2f} | |")
    print(f"| … of which checking the brief + assembling the book | {t_book:.2f} | | |")
    print(f"| … of which HTML from the templates | {t_html:.2f} | | |")
    print(f"| Typst first compile (new Compiler, fonts loaded), {len(pdf) // 1024} KB | {typst_first:.2f} | | |")
    print(f"| Typst warm re-compile, unchanged source | {m(typst_warm):.3f} | | |")
    print(f"| Typst re-compile after the same one-section edit | {m(typst_edit):.3f} | | |")
    print()
    print("| our time ÷ Typst's | ÷ first compile (new Compiler) | ÷ re-compile after the edit | goal |")
    print("| --- | --- | --- | --- |")
    for label, ours, goal in (("warm full render", m(warm), ""),
                              ("incremental re-render", m(inc), "≤ 4×"),
                              ("… editing the fourth section", m(inc4), "≤ 4×"),
                              ("preview refresh", m(refresh), "")):
        print(f"| {label} | {ours / typst_first:.1f}× | {ours / m(typst_edit):.1f}× | {goal} |")
    print()
    print("## `render --jobs 2` ÷ `--jobs 1` (full example, whole processes)\n")
    print("| case | ratio (median of pairs) | min | max | goal |")
    print("| --- | --- | --- | --- | --- |")
    for case in ("same brief", "after an edit"):
        r = jobs[case]
        print(f"| {case} | {m(r):.2f} | {min(r):.2f} | {max(r):.2f} | ≤ 0.7 |")
    print(f"\nSame brief, medians: --jobs 1 {m(jobs['j1']):.2f} s, --jobs 2 {m(jobs['j2']):.2f} s "
          f"({args.runs} pairs).")


if __name__ == "__main__":
    main()
