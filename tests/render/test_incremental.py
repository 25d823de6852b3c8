"""Incremental layout gives a full render's pages, pixel for pixel.

For every example brief and a sequence of typical edits (a commentary changed, a quote added,
a metric removed, the title changed), one long-lived ``IncrementalRenderer`` re-renders after
each edit — reusing the chapters the edit did not touch — and its pages are compared with a
fresh full render's using the project's own ``checks.compare`` (budget 0 pixels) and by
extracted text. Page numbers, the contents, footnote and figure numbers and running headers
are all on those pages, so a seam handed over wrongly shows up as changed pixels.
"""

from __future__ import annotations

import pytest
import yaml

from briefbook.checks.compare import compare_documents
from briefbook.checks.rasterise import rasterise
from briefbook.render import Renderer
from briefbook.render.engine.bridge import finish_runs
from briefbook.render.layout.incremental import IncrementalRenderer
from plugins.pdf_text import page_texts as texts
from plugins.example import BRIEFS_DIR, example_project

BRIEFS = sorted(BRIEFS_DIR.glob("*.yaml"))



def edits(data: dict, spare_quote: str):
    """(name, edit) pairs, applied one after another to the brief's data."""
    def commentary(d):
        if d.get("sections"):
            d["sections"][0]["commentary"] = (d["sections"][0].get("commentary") or "") + \
                "编辑时加上的一句评论，让这一段多出一行文字，看后面各页是否仍然一致。"
        else:
            d["summary"]["text"] += "编辑时加上的一句摘要。"

    def quote_added(d):
        if d.get("sections"):
            d["sections"][-1].setdefault("quotes", []).append(spare_quote)
        else:
            d["sections"] = [{"heading": "新加的一节", "quotes": [spare_quote]}]

    def metric_removed(d):
        holders = [s for s in d.get("sections", []) if s.get("metrics")] + [
            h for h in (d.get("summary"), d.get("table")) if isinstance(h, dict)
            and isinstance(h.get("metrics"), list) and h["metrics"]]
        if holders:
            holders[0]["metrics"] = holders[0]["metrics"][:-1]
        else:  # a brief whose metrics come from table topics: narrow the table to one topic
            d["table"]["topics"] = d["table"]["topics"][:1]

    def title_changed(d):
        d["title"] = d["title"] + "（修订）"

    return [("commentary", commentary), ("quote added", quote_added),
            ("metric removed", metric_removed), ("title change", title_changed)]


@pytest.mark.slow
@pytest.mark.parametrize("example", BRIEFS, ids=[b.stem for b in BRIEFS])
def test_incremental_pages_equal_full_render(example, tmp_path):
    renderer = Renderer(example_project())
    incremental = IncrementalRenderer(renderer)
    brief = tmp_path / example.name
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    used = {q for s in data.get("sections", []) for q in s.get("quotes", [])}
    spare = next(i for i in renderer.corpus.ids() if i.count("/") == 2 and i not in used)
    brief.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    incremental.render(brief)  # first render: the whole book, cut into chapters
    for name, edit in edits(data, spare):
        edit(data)
        brief.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        got = incremental.render(brief)
        stats = incremental.last
        want = renderer.render(brief)
        comparison = compare_documents(rasterise(want), rasterise(got))
        assert not comparison.failed, f"{example.stem} after {name}: {comparison.describe()}"
        assert texts(got) == texts(want), f"{example.stem} after {name}: text differs"
        if name == "commentary":
            # What the preview shows: each chapter's own PDF, page by page, is the same too.
            layouts = incremental.layouts(brief)
            # (each finished as the whole book is: a gap inside a show rides on a glyph's
            # advance there, which pdfium may shade a pixel differently from the raw show)
            pieces = [p for layout in layouts
                      for p in rasterise(finish_runs(incremental.write_one(layout)))]
            pieces = [type(p)(i, p.image, p.size_pt, p.dpi) for i, p in enumerate(pieces)]
            comparison = compare_documents(rasterise(want), pieces)
            assert not comparison.failed, f"{example.stem} chapter PDFs: {comparison.describe()}"
        if stats.chapters > 2 and name == "commentary":
            # The edit touched one chapter: the others were reused, not laid out again.
            assert stats.laid_out < stats.chapters and stats.reused > 0, stats
