"""Loose lines: the stretch between Han characters, line by line, in every example on each paper.

Run: ``.venv/bin/python benchmarks/loose_lines.py [--papers A4,A5,B5] [--worst N]``. Renders
each brief in ``briefs/`` on each paper (a copy of the brief with its ``paper:`` set, in a
temporary folder, rendered with this project) and prints, as Markdown, per brief and paper the
number of lines measured, the largest stretch and how many lines are stretched by more than
0.1 and 0.2 em, then the loosest lines. The measure is tests/plugins/stretch.py
(``line_stretches``): the extra space between two Han characters side by side, the median
over the line's pairs, in em of their type size — 0 for a line set solid.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    import pypdfium2 as pdfium
    from plugins.stretch import line_stretches, worst

    from briefbook.project import load_project
    from briefbook.render import Renderer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", default="A4,A5,B5")
    parser.add_argument("--worst", type=int, default=8)
    args = parser.parse_args()
    renderer = Renderer(load_project(ROOT))
    found = []
    print("| brief | paper | pages | lines | largest stretch (em) | > 0.1 em | > 0.2 em |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for brief in sorted((ROOT / "briefs").glob("*.yaml")):
            data = yaml.safe_load(brief.read_text(encoding="utf-8"))
            for paper in args.papers.split(","):
                copy = Path(tmp) / f"{brief.stem}-{paper}.yaml"
                copy.write_text(yaml.safe_dump({**data, "paper": paper}, allow_unicode=True,
                                               sort_keys=False), encoding="utf-8")
                pdf = renderer.render(copy)
                lines = line_stretches(pdf)
                stretches = [line.stretch for line in lines]
                document = pdfium.PdfDocument(pdf)
                pages = len(document)
                document.close()
                print(f"| {brief.stem} | {paper} | {pages} | {len(lines)} | "
                      f"{max(stretches, default=0):.3f} | {sum(s > 0.1 for s in stretches)} | "
                      f"{sum(s > 0.2 for s in stretches)} |")
                found += [(line, brief.stem, paper) for line in lines]
    print()
    print(f"The {args.worst} loosest lines:")
    print()
    by_line = {id(line): (name, paper) for line, name, paper in found}
    for line in worst([line for line, _, _ in found], args.worst):
        name, paper = by_line[id(line)]
        print(f"- {line.stretch:.3f} em — {name} on {paper}, page {line.page}: {line.text[:40]}")


if __name__ == "__main__":
    main()
