"""``render --jobs N``: chapters laid out in several processes give a one-process render's
pages, text, links, outline and metadata.

The reference is ``Renderer.render`` with one process. Pages are compared with the project's
own ``checks.compare`` (budget 0), text page by page with PDFium, and the PDF structure
(outline with its levels and targets, named destinations, link annotations, document info,
language) with pikepdf. Each test has its own layout cache (``BRIEFBOOK_CACHE``), so what an
earlier render learnt is under the test's control.
"""

from __future__ import annotations

import io
import json
import os
import signal

import pikepdf
import pytest

from briefbook.checks.compare import compare_documents
from briefbook.checks.rasterise import rasterise
from briefbook.core.errors import BriefbookError
from briefbook.render import Renderer
from briefbook.render.layout.chapters import Chapter
from briefbook.render.layout.facts import LayoutFacts
from briefbook.render.layout.jobs import _runs
from plugins.pdf_text import page_texts as texts
from plugins.example import BRIEFS_DIR, example_project

CHAPTERED = ["full-book", "topic-public-health"]   # the examples whose chapters start pages


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFBOOK_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"



def structure(pdf: bytes) -> dict:
    """What a reader's viewer shows besides the pages, with page objects as page numbers."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        page = {p.obj.objgen: i for i, p in enumerate(doc.pages)}
        outline = []
        with doc.open_outline() as tree:
            def walk(items, depth):
                for item in items:
                    dest = item.destination
                    outline.append((depth, item.title, page[dest[0].objgen], float(dest[3])))
                    walk(item.children, depth + 1)
            walk(tree.root, 0)
        names = doc.Root.Names.Dests.Names
        dests = {str(names[i]): (page[names[i + 1][0].objgen], float(names[i + 1][3]))
                 for i in range(0, len(names), 2)}
        links = [(i, str(a.get("/Dest", "")), str(a.get("/A", {}).get("/URI", "")),
                  [round(float(v), 2) for v in a.Rect])
                 for i, p in enumerate(doc.pages) for a in p.obj.get("/Annots", [])]
        return {"outline": outline, "dests": dests, "links": links,
                "info": {str(k): str(v) for k, v in doc.docinfo.items()},
                "lang": str(doc.Root.get("/Lang")), "pages": len(doc.pages)}


def assert_same_book(got: bytes, want: bytes, label: str) -> None:
    comparison = compare_documents(rasterise(want), rasterise(got))
    assert not comparison.failed, f"{label}: {comparison.describe()}"
    assert texts(got) == texts(want), f"{label}: text differs"
    assert structure(got) == structure(want), f"{label}: outline, links or metadata differ"


@pytest.mark.slow
@pytest.mark.parametrize("name", CHAPTERED)
def test_two_processes_give_the_one_process_book(name, own_cache, example_pdfs):
    renderer = Renderer(example_project())
    brief = BRIEFS_DIR / f"{name}.yaml"
    # Nothing known yet: the book is laid out whole first (the full book then moves a quote
    # to keep a footnote on its page, and lays the moved version out in parallel).
    first = renderer.render(brief, jobs=2)
    assert_same_book(first, example_pdfs[name], f"{name}, first render")
    assert list((own_cache / "layout").glob("*.json")), "the first render keeps layout facts"

    parallel = renderer.render(brief, jobs=2)
    stats = renderer.last_layout
    assert not stats.whole and stats.runs == 2 and stats.passes == 1 and stats.guessed == 0, stats
    assert_same_book(parallel, example_pdfs[name], name)
    # One font program per face across the pieces: about a one-process render's size.
    assert len(parallel) <= 1.15 * len(example_pdfs[name]), (len(parallel), len(example_pdfs[name]))
    assert renderer.render(brief, jobs=2) == parallel, "the same book twice: the same bytes"


@pytest.mark.slow
def test_wrong_or_damaged_layout_facts_cost_time_not_pages(own_cache, example_pdfs):
    renderer = Renderer(example_project())
    brief = BRIEFS_DIR / "topic-public-health.yaml"
    renderer.render(brief, jobs=2)  # seeds the facts
    facts = list((own_cache / "layout").glob("*.json"))
    # signed as the render signs them (unsigned entries are refused: tests/reliability/test_cache)
    store = LayoutFacts(renderer.layout_cache, renderer.writer.css_text).store
    for i, path in enumerate(facts):
        value = json.loads(store.get(path.stem))
        if isinstance(value, dict) and "pages" in value:
            # every other chapter: a page count too many and anchors a page off; the rest junk
            wrong = {"pages": value["pages"] + 1,
                     "anchors": {n: o + 1 for n, o in value["anchors"].items()}}
            junk = ["{not json", json.dumps({"pages": 2, "anchors": {"x": "page two"}})][i % 4 // 2]
            store.put(path.stem, (json.dumps(wrong) if i % 2 else junk).encode("utf-8"))
    got = renderer.render(brief, jobs=2)
    stats = renderer.last_layout
    assert not stats.whole and stats.passes >= 2, stats
    assert_same_book(got, example_pdfs["topic-public-health"], "after wrong facts")


@pytest.mark.slow
def test_a_killed_layout_process_is_a_clear_error_and_leaves_no_process(own_cache, monkeypatch):
    import briefbook.render.layout.jobs as jobs

    renderer = Renderer(example_project())
    brief = BRIEFS_DIR / "topic-public-health.yaml"
    renderer.render(brief, jobs=2)
    parent = os.getpid()
    real = jobs._lay_out_run

    def dies_in_the_child(*args, **kwargs):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs, "_lay_out_run", dies_in_the_child)
    with pytest.raises(BriefbookError, match="stopped before it finished"):
        renderer.render(brief, jobs=2)
    import multiprocessing

    assert multiprocessing.active_children() == []


def chapter(i: int, size: int) -> Chapter:
    return Chapter(i, "x" * size, f"c{i}" if i else None, {}, {}, ())


@pytest.mark.parametrize("costs, jobs, cuts", [
    ([1, 1, 1, 1], 2, [0, 2]),
    ([10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 2, [0, 1]),   # one heavy chapter: alone
    ([1, 1, 1, 1, 1, 10], 2, [0, 5]),
    ([3, 3, 3], 5, [0, 1, 2]),                          # never more runs than chapters
    ([2, 2, 2, 2, 2, 2], 3, [0, 2, 4]),
])
def test_runs_cut_the_chapters_evenly(costs, jobs, cuts):
    chapters = [chapter(i, c) for i, c in enumerate(costs)]
    runs = _runs(chapters, costs, jobs)
    assert [r.first for r in runs] == cuts
    assert [c for r in runs for c in r.chapters] == chapters


def test_cli_jobs(tmp_path, own_cache, example_pdfs):
    import subprocess
    import sys
    from pathlib import Path

    exe = str(Path(sys.executable).with_name("briefbook"))
    brief = str(BRIEFS_DIR / "summary-sheet.yaml")
    out = tmp_path / "one.pdf"
    done = subprocess.run([exe, "render", brief, "-o", str(out), "--jobs", "1"],
                          capture_output=True, text=True, env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == example_pdfs["summary-sheet"], "--jobs 1: the one-process bytes"
    bad = subprocess.run([exe, "render", brief, "-o", str(tmp_path / "x.pdf"), "--jobs", "0"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "--jobs" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.pdf").exists()
