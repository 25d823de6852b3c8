"""Rewrites of sources.yaml and the metrics catalog keep the user's file (``core.roundtrip``).

A project whose sources.yaml, catalog and brief carry comments everywhere (top, after a key,
between entries, inside an entry, at the end of a line, at the end of the file), quoted values,
blank lines and a catalog indented two ways (plugins/hewan.py) goes through what rewrites
them: ``ingest`` (an entry appended), ``corpus remove`` (an entry dropped), ``metrics link``
(a report and a new metric appended) and ``corpus rename`` (ids renamed in place). After each
step the files are compared, character for character, with the text they must hold — written
out here by hand. Then the edits on their own: entries dropped, added and changed in a list
with blank lines between entries and nested lists indented; an emptied list; a missing key;
and what is refused (an alias bomb, an entry that is an alias, a flow mapping), unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import yaml
from plugins.hewan import ARTICLE_ID, BRIEF, CATALOG, LATER, LATER_ID, sources_yaml

from briefbook.core.errors import BriefbookError
from briefbook.core.roundtrip import append_to_list
from briefbook.corpus.ingest import ingest
from briefbook.corpus.sources import SourceEntry, SourcesFile, sources_text
from briefbook.manage import remove_uncited, rename_article
from briefbook.metrics.link import LinkOptions, link_into_project

#: The entries of a draft file, written by hand: a report of the pocket parks opened, and the
#: ones still being built (a new metric).
DRAFT = f"""\
observations:
- n: 1
  kind: reported
  value: 6
  period: 2025年
  source: {LATER_ID}/s1/p1
  quote: 河湾区首批6个口袋公园开园迎客
  unit: 个
- n: 2
  kind: reported
  value: 9
  period: 2025年
  progress: underway
  source: {LATER_ID}/s1/p2
  quote: 其余9个口袋公园正在施工
  unit: 个
  label: 在建口袋公园
  topic: 综合
"""


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _later_entry(sha: str) -> str:
    """The entry ``ingest`` appends for ``LATER``: sources.yaml's fields in their order."""
    return f"""\
- id: {LATER_ID}
  file: raw/{LATER_ID}.txt
  sha256: {sha}
  outlet: 河湾晚报
  published: '2025-06-02'
  published_inferred: false
  title: 河湾区首批口袋公园开园
  title_supplied: false
  script: simplified
"""


def test_ingest_remove_link_and_rename_keep_every_comment(hewan, tmp_path):
    corpus = hewan.corpus_dir
    sources, catalog = corpus / "sources.yaml", hewan.catalog_path
    brief = hewan.briefs_dir / "parks.yaml"
    sha = _sha(corpus / "raw" / f"{ARTICLE_ID}.txt")
    original = sources.read_text(encoding="utf-8")
    assert original == sources_yaml(sha)
    page = tmp_path / "later.txt"
    page.write_text(LATER, encoding="utf-8")

    # ingest: the new entry after the last one's own lines, the closing comment after it
    ingest(page, corpus_dir=corpus, article_id=LATER_ID)
    later_sha = _sha(corpus / "raw" / f"{LATER_ID}.txt")
    end = "# 文件末尾的注释\n"
    appended = original.replace(end, _later_entry(later_sha) + end)
    assert sources.read_text(encoding="utf-8") == appended

    # remove: the file is what it was before the ingest, byte for byte
    remove_uncited(hewan, LATER_ID)
    assert sources.read_text(encoding="utf-8") == original

    # link: a report of a known metric (a new `observations:` list at the end) and a new
    # metric (after the last one, a blank line before it as between the others, its
    # observations indented as theirs are)
    ingest(page, corpus_dir=corpus, article_id=LATER_ID)
    draft = tmp_path / "draft.yaml"
    draft.write_text(DRAFT, encoding="utf-8")
    link_into_project(hewan, "pocket-parks", [f"{draft}#1"], LinkOptions(into=catalog))
    link_into_project(hewan, "parks-building", [f"{draft}#2"],
                      LinkOptions(new=True, into=catalog))
    assert catalog.read_text(encoding="utf-8") == CATALOG.replace("""\
  note: 见 hwrb-2025-04-08 第三节。

# 文件末尾
""", """\
  note: 见 hwrb-2025-04-08 第三节。

- id: parks-building
  label: 在建口袋公园
  unit: 个
  topic: 综合
  observations:
    - kind: reported
      value: 9
      period: 2025年
      progress: underway
      source: hwwb-2025-06-02/s1/p2
      quote: 其余9个口袋公园正在施工

# 文件末尾
observations:
- metric: pocket-parks
  kind: reported
  value: 6
  period: 2025年
  source: hwwb-2025-06-02/s1/p1
  quote: 河湾区首批6个口袋公园开园迎客
""")
    linked = catalog.read_text(encoding="utf-8")

    # rename: the ids and the file name change, nothing else (the notes, the commentary and
    # the comments that name the article are text)
    done = rename_article(hewan, ARTICLE_ID, "hw-2025-04-08")
    assert [(r.path.name, r.changed) for r in done.rewrites] == [
        ("sources.yaml", 2), ("ids.lock", 6), ("metrics.yaml", 2), ("parks.yaml", 3)]
    assert sources.read_text(encoding="utf-8") == f"""\
# 河湾区的报道（本套测试自写）。raw/ 下是原样副本，不要改。
# 第二行注释，也要原样保留。

articles:   # 每篇一条

# —— 2025年4月 ——
- id: hw-2025-04-08     # 河湾日报
  file: raw/hw-2025-04-08.txt
  sha256: {sha}
  outlet: 河湾日报
  published: '2025-04-08'
  published_inferred: false
  # 标题照登
  title: "河湾区今年新建口袋公园十五个"
  title_supplied: false
  script: simplified
  notes: 口袋公园和绿道两项；hwrb-2025-04-08 是日报版。
- id: hwwb-2025-06-02
  file: raw/hwwb-2025-06-02.txt
  sha256: {later_sha}
  outlet: 河湾晚报
  published: '2025-06-02'
  published_inferred: false
  title: 河湾区首批口袋公园开园
  title_supplied: false
  script: simplified
# 文件末尾的注释
"""
    assert catalog.read_text(encoding="utf-8") == linked.replace(
        "      source: hwrb-2025-04-08/s2/p1\n", "      source: hw-2025-04-08/s2/p1\n").replace(
        "      source: 'hwrb-2025-04-08/s3/p1'   # 引号也照旧\n",
        "      source: 'hw-2025-04-08/s3/p1'   # 引号也照旧\n")
    assert "  note: 见 hwrb-2025-04-08 第三节。\n" in catalog.read_text(encoding="utf-8")
    assert brief.read_text(encoding="utf-8") == """\
# 河湾区绿化简报（本套测试自写）
title: 河湾区绿化
date: 2025-04-10
sections:
  - heading: 口袋公园
    commentary: |
      hwrb-2025-04-08/s2/p1 说今年新建15个。
    quotes: [hw-2025-04-08/s2/p1, hw-2025-04-08/s1/p1]   # 两段
    metrics: [pocket-parks]
  - heading: 绿道
    quotes:
      - hw-2025-04-08/s3     # 整节
"""
    assert BRIEF.count(ARTICLE_ID) == 4


#: Two entries, a blank line between them; an entry's nested list indented below its key,
#: with a comment inside it; an unquoted date.
TWO = """\
# 两篇报道
articles:
# —— 日报 ——
- id: hwrb-2025-04-08   # 日报
  file: raw/hwrb-2025-04-08.txt
  outlet: 河湾日报
  published: '2025-04-08'
  title: 河湾区今年新建口袋公园十五个
  script: simplified
  events:
    - hw-2025
    # 只有一个事件

- id: hwwb-2025-06-02
  file: raw/hwwb-2025-06-02.txt
  outlet: 河湾晚报
  published: 2025-06-02
  title: 河湾区首批口袋公园开园
  script: simplified

# 末尾
"""


def _entries(text: str) -> list[SourceEntry]:
    return SourcesFile.model_validate(yaml.safe_load(text)).articles


def test_an_entry_dropped_keeps_the_comments_around_it():
    daily, evening = _entries(TWO)
    assert sources_text(TWO, SourcesFile(articles=[evening]), "s.yaml") == """\
# 两篇报道
articles:
# —— 日报 ——

- id: hwwb-2025-06-02
  file: raw/hwwb-2025-06-02.txt
  outlet: 河湾晚报
  published: 2025-06-02
  title: 河湾区首批口袋公园开园
  script: simplified

# 末尾
"""
    # the last one too: the list is written [] after its key, the comments stay
    assert sources_text(TWO, SourcesFile(articles=[]), "s.yaml") == """\
# 两篇报道
articles: []
# —— 日报 ——

# 末尾
"""


def test_an_entry_added_looks_like_its_neighbours():
    daily, evening = _entries(TWO)
    tv = SourceEntry(id="hwds-2025-07-01", file="raw/hwds-2025-07-01.txt", outlet="河湾电视台",
                     published=dt.date(2025, 7, 1), title="河湾绿道全线贯通",
                     events=["hw-2025"], script="simplified")
    assert sources_text(TWO, SourcesFile(articles=[daily, evening, tv]), "s.yaml") == """\
# 两篇报道
articles:
# —— 日报 ——
- id: hwrb-2025-04-08   # 日报
  file: raw/hwrb-2025-04-08.txt
  outlet: 河湾日报
  published: '2025-04-08'
  title: 河湾区今年新建口袋公园十五个
  script: simplified
  events:
    - hw-2025
    # 只有一个事件

- id: hwwb-2025-06-02
  file: raw/hwwb-2025-06-02.txt
  outlet: 河湾晚报
  published: 2025-06-02
  title: 河湾区首批口袋公园开园
  script: simplified

- id: hwds-2025-07-01
  file: raw/hwds-2025-07-01.txt
  outlet: 河湾电视台
  published: '2025-07-01'
  published_inferred: false
  title: 河湾绿道全线贯通
  title_supplied: false
  events:
    - hw-2025
  script: simplified

# 末尾
"""


def test_only_the_changed_entry_is_written_anew():
    daily, evening = _entries(TWO)
    retitled = evening.model_copy(update={"title": "河湾区首批口袋公园开园迎客"})
    assert sources_text(TWO, SourcesFile(articles=[daily, retitled]), "s.yaml") == \
        TWO.replace("""\
- id: hwwb-2025-06-02
  file: raw/hwwb-2025-06-02.txt
  outlet: 河湾晚报
  published: 2025-06-02
  title: 河湾区首批口袋公园开园
  script: simplified
""", """\
- id: hwwb-2025-06-02
  file: raw/hwwb-2025-06-02.txt
  outlet: 河湾晚报
  published: '2025-06-02'
  published_inferred: false
  title: 河湾区首批口袋公园开园迎客
  title_supplied: false
  script: simplified
""")
    # nothing changed: the text as it was
    assert sources_text(TWO, SourcesFile(articles=[daily, evening]), "s.yaml") == TWO


def test_an_empty_list_and_a_missing_key_are_written_as_blocks():
    bare = "# 新项目\narticles: []   # 还没有\n"
    entry = _entries(TWO)[1]
    assert sources_text(bare, SourcesFile(articles=[entry]), "s.yaml") == """\
# 新项目
articles:   # 还没有
- id: hwwb-2025-06-02
  file: raw/hwwb-2025-06-02.txt
  outlet: 河湾晚报
  published: '2025-06-02'
  published_inferred: false
  title: 河湾区首批口袋公园开园
  title_supplied: false
  script: simplified
"""
    assert append_to_list("# 只有注释\n", "c.yaml", "observations", [{"metric": "a", "value": 1}],
                          what="the catalog") == \
        "# 只有注释\nobservations:\n- metric: a\n  value: 1\n"
    assert append_to_list("metrics: []\n# 末尾", "c.yaml", "metrics", [{"id": "b"}],
                          what="the catalog") == "metrics:\n- id: b\n# 末尾"


@pytest.mark.parametrize(("text", "says"), [
    ("articles: []\narticles: []\n", "once in a mapping"),         # the safe loader first
    ("x: &x {id: a, file: raw/a.txt}\narticles:\n- *x\n", "alias"),  # an entry that is an alias
    ("{articles: []}\n", "not a block mapping"),
])
def test_refused_without_a_change(text, says):
    entry = _entries(TWO)[1]
    with pytest.raises(BriefbookError) as caught:
        sources_text(text, SourcesFile(articles=[entry]), "s.yaml")
    assert says in str(caught.value)


def test_an_alias_bomb_is_stopped_by_the_safe_loader_first():
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True)) + "articles: []\n"
    with pytest.raises(BriefbookError, match="expands to more than"):
        sources_text(laughs, SourcesFile(articles=[]), "s.yaml")
