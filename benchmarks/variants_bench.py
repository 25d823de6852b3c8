"""Variant benchmark: archival PDF/A-3b, tagged PDF/UA-1 and the HTML edition vs a plain PDF.

Run: ``.venv/bin/python benchmarks/variants_bench.py [--runs N] [--brief FILE]`` (part of
``make bench``). Prints a Markdown table: size and time of each output as ratios against the
plain PDF of the same brief, measured in the same run —

- in-process: one warm ``Renderer``; each round renders plain, pdf/a-3b, pdf/ua-1, html in
  turn (alternating, so drift hits all alike); medians of ``--runs`` rounds;
- whole-process: ``briefbook render`` in a new process per output (chart cache warm),
  alternating, medians of ``--runs`` rounds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
CLI = [sys.executable, "-m", "briefbook.cli"]
OUTPUTS = {  # name → CLI options
    "plain PDF": [],
    "pdf/a-3b": ["--pdf-variant", "pdf/a-3b"],
    "pdf/ua-1": ["--pdf-variant", "pdf/ua-1"],
    "html": ["--format", "html"],
}


def in_process(brief: Path, runs: int) -> dict[str, tuple[float, int]]:
    from briefbook.project import load_project
    from briefbook.render import Renderer
    from briefbook.render.formats.html_edition import render_html

    renderer = Renderer(load_project(ROOT))
    make = {
        "plain PDF": lambda: renderer.render(brief),
        "pdf/a-3b": lambda: renderer.render(brief, variant="pdf/a-3b"),
        "pdf/ua-1": lambda: renderer.render(brief, variant="pdf/ua-1"),
        "html": lambda: render_html(renderer, brief).encode(),
    }
    for build in make.values():  # warm up: fonts, stylesheet, charts, imports
        build()
    times: dict[str, list[float]] = {name: [] for name in make}
    sizes: dict[str, int] = {}
    for _ in range(runs):
        for name, build in make.items():
            start = time.perf_counter()
            data = build()
            times[name].append(time.perf_counter() - start)
            sizes[name] = len(data)
    return {name: (statistics.median(times[name]), sizes[name]) for name in make}


def whole_process(brief: Path, runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in OUTPUTS}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            for name, options in OUTPUTS.items():
                suffix = "html" if name == "html" else "pdf"
                out = Path(tmp) / f"{name.replace('/', '-')}.{suffix}"
                start = time.perf_counter()
                subprocess.run([*CLI, "render", str(brief), "-o", str(out), *options],
                               check=True, capture_output=True, cwd=ROOT)
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--brief", type=Path, default=ROOT / "briefs" / "full-book.yaml")
    args = parser.parse_args()
    warm = in_process(args.brief, args.runs)
    cold = whole_process(args.brief, max(1, args.runs // 2 + 1))
    base_time, base_size = warm["plain PDF"]
    print(f"## Variants: {args.brief.name} (medians; ratios against the plain PDF)\n")
    print("| output | size | × size | in-process | × time | whole process | × time |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (seconds, size) in warm.items():
        print(f"| {name} | {size / 1024:,.0f} KB | {size / base_size:.2f} | {seconds:.2f} s "
              f"| {seconds / base_time:.2f} | {cold[name]:.2f} s | {cold[name] / cold['plain PDF']:.2f} |")


if __name__ == "__main__":
    main()
