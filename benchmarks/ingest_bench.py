"""Ingest of a 100-page PDF report, a large saved web page and a Word file: the time of reading
the original, against ingesting the same text as a plain .txt file in the same run.

Run:  .venv/bin/python benchmarks/ingest_bench.py [--runs 3] [--pages 100]

The files are made by the test plugins (tests/plugins/report_pdfs.py ``long_report``: a work
report of exactly N pages set by WeasyPrint with running heads and folios;
tests/plugins/saved_pages.py ``large_page``: ~2 MB, 1,200 paragraphs, 20 tables, a 3,000-link
menu, sidebars, comments; tests/plugins/word_files.py ``report``). For each, the text its reader
gives is written to a .txt file (the baseline: the same article without the reading), then
``ingest --dry-run`` runs on the original and on the .txt, alternately, ``--runs`` times each:

- in one process (``corpus.ingest.ingest``, the corpus already loaded once: what the reader
  adds to the cleaning, id and font checks every ingest runs), and
- as whole processes (``python -m briefbook ingest … --dry-run``: imports included —
  trafilatura, python-docx, pypdfium2 load only for their format).

Printed per file: its size, the paragraphs it gives, the medians (s) for the original and
the .txt, and their ratio. The ratio is what to compare between machines and commits.
Not part of the test suite (tests/corpus/formats/ checks what the readers give).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]


def originals(pages: int) -> list[tuple[str, str, bytes]]:
    """(label, file name, bytes) of each file benchmarked."""
    from plugins.report_pdfs import long_report
    from plugins.saved_pages import large_page
    from plugins.word_files import report

    page = large_page()
    return [(f"PDF report, {pages} pages", "report.pdf", long_report(pages)),
            (f"saved web page, {page.html.count(b'<p')} <p>", "page.html", page.html),
            ("Word report", "report.docx", report().data)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()

    from briefbook.corpus import load_corpus
    from briefbook.corpus.formats import extract
    from briefbook.corpus.ingest import ingest

    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        corpus = work / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        shutil.copy(ROOT / "briefbook.yaml", work / "briefbook.yaml")
        load_corpus(corpus)
        print(f"{'file':<34} {'bytes':>11} {'paras':>6} {'orig s':>8} {'.txt s':>8} "
              f"{'ratio':>6}   whole process: {'orig s':>7} {'.txt s':>7} {'ratio':>6}")
        for label, name, data in originals(args.pages):
            original = work / name
            original.write_bytes(data)
            text = extract(data, name=name, where=name).text
            plain = work / f"{original.stem}-{original.suffix[1:]}.txt"
            plain.write_text(text, encoding="utf-8")
            options = {"corpus_dir": corpus, "article_id": "bench", "dry_run": True,
                       "date": "2024-01-10", "outlet": "青禾日报", "title": "基准测试"}
            times: dict[str, list[float]] = {"orig": [], "txt": [], "orig-proc": [],
                                             "txt-proc": []}
            paragraphs = 0
            for _ in range(args.runs):
                for key, path in (("orig", original), ("txt", plain)):
                    start = time.perf_counter()
                    report = ingest(path, **options)
                    times[key].append(time.perf_counter() - start)
                    paragraphs = sum(1 for _ in report.article.paragraphs())
                for key, path in (("orig-proc", original), ("txt-proc", plain)):
                    start = time.perf_counter()
                    subprocess.run([sys.executable, "-m", "briefbook", "ingest", str(path),
                                    "--id", "bench", "--dry-run", "--date", "2024-01-10",
                                    "--outlet", "青禾日报", "--title", "基准测试",
                                    "--project", str(work)], check=True,
                                   capture_output=True, cwd=work)
                    times[key].append(time.perf_counter() - start)
            m = {k: statistics.median(v) for k, v in times.items()}
            print(f"{label:<34} {len(data):>11,} {paragraphs:>6} {m['orig']:>8.2f} "
                  f"{m['txt']:>8.2f} {m['orig'] / m['txt']:>6.2f}   "
                  f"{'':>15}{m['orig-proc']:>7.2f} {m['txt-proc']:>7.2f} "
                  f"{m['orig-proc'] / m['txt-proc']:>6.2f}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
