"""Every size limit is an explicit constant and gives a clear error, fast — never a hang."""

from __future__ import annotations

import time

import pytest

from briefbook.brief import load_brief
from briefbook.brief import schema
from briefbook.core import models, safeyaml
from briefbook.brief.load import MAX_BRIEF_BYTES
from briefbook.corpus import load_corpus, sources, store
from briefbook.corpus.ingest import ingest
from briefbook.core.errors import BriefbookError
from briefbook.metrics import catalog

from plugins.cli import MINIMAL
from plugins.example import example_project

EVENTS = example_project().events

N = 1  # one over each limit


@pytest.mark.parametrize("extra, message", [
    (f"subtitle: {'长' * (models.MAX_TEXT + N)}\n", f"at most {models.MAX_TEXT} characters"),
    (f"summary: {{text: {'长' * (schema.MAX_LONG_TEXT + N)}}}\n",
     f"at most {schema.MAX_LONG_TEXT} characters"),
    ("sections:\n" + "  - heading: 节\n" * (schema.MAX_SECTIONS + N),
     f"at most {schema.MAX_SECTIONS} items"),
    ("charts:\n" + "  - kind: timeline\n" * (schema.MAX_CHARTS + N), f"at most {schema.MAX_CHARTS} items"),
    (f"keywords: [{', '.join(['词'] * (schema.MAX_KEYWORDS + N))}]\n",
     f"at most {schema.MAX_KEYWORDS} items"),
    (f"summary: {{metrics: [{', '.join(['m'] * (schema.MAX_IDS + N))}]}}\n",
     f"at most {schema.MAX_IDS} items"),
    ("keywords: " + "[" * (safeyaml.MAX_YAML_DEPTH + N) + "]" * (safeyaml.MAX_YAML_DEPTH + N) + "\n",
     f"nested more than {safeyaml.MAX_YAML_DEPTH} levels deep"),
    ("x: &x [" + ", ".join(["a"] * 1000) + "]\ny: [" + ", ".join(["*x"] * 201) + "]\n",
     f"expands to more than {safeyaml.MAX_YAML_NODES:,} values"),
    ("# " + "x" * MAX_BRIEF_BYTES + "\n", f"the limit is {MAX_BRIEF_BYTES:,}"),
])
def test_brief_limits(tmp_path, extra, message):
    path = tmp_path / "brief.yaml"
    path.write_text(MINIMAL + extra, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(BriefbookError) as info:
        load_brief(path)
    assert message in str(info.value) and str(path) in str(info.value)
    assert time.perf_counter() - start < 5


def test_just_under_the_node_limit_loads(tmp_path):
    path = tmp_path / "brief.yaml"
    path.write_text(MINIMAL + "keywords: &k [" + ", ".join(["词"] * 40) + "]\n"
                    "cover: true\n", encoding="utf-8")
    load_brief(path)


def test_article_size_limit(corpus_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_ARTICLE_BYTES", 1_000)
    src = tmp_path / "big.txt"
    src.write_text("标题\n\n" + "  市委十三届十一次全会召开。\n" * 100, encoding="utf-8")
    with pytest.raises(BriefbookError, match="the limit is 1,000") as info:
        ingest(src, corpus_dir=corpus_copy, article_id="big", date="2021-07-26", outlet="x",
               title="t", events=["13-11"], known_events=EVENTS)
    assert info.value.where == str(src)


def test_paragraph_count_limit(corpus_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(store, "MAX_PARAGRAPHS", 50)
    src = tmp_path / "many.txt"
    src.write_text("标题\n\n" + "".join(f"  市委十三届十一次全会第{i}段内容。\n" for i in range(60)),
                   encoding="utf-8")
    with pytest.raises(BriefbookError, match="limit is 50 paragraphs"):
        ingest(src, corpus_dir=corpus_copy, article_id="many", date="2021-07-26", outlet="x",
               title="t", events=["13-11"], known_events=EVENTS)


def test_catalog_limits(corpus_copy, monkeypatch):
    corpus = load_corpus(corpus_copy)
    path = corpus_copy / "metrics.yaml"
    monkeypatch.setattr(catalog, "MAX_METRICS", 10)
    with pytest.raises(BriefbookError, match="metrics; the limit is 10"):
        catalog.load_catalog(corpus, path)
    monkeypatch.setattr(catalog, "MAX_CATALOG_BYTES", 1_000)
    with pytest.raises(BriefbookError, match="the limit is 1,000"):
        catalog.load_catalog(corpus, path)
