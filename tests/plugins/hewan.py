"""Pytest plugin: a small project of the suite's own — Hewan district's pocket parks and
greenways — whose YAML files carry comments everywhere, for ``corpus rename`` and for the
in-place edits of sources.yaml and the catalog (``core.roundtrip``).

Gives: ``ARTICLE`` (an article written for these tests, not copied from anywhere),
``ARTICLE_ID``, ``LATER`` and ``LATER_ID`` (a second one, to ingest), the commented texts the
project holds (``sources_yaml(sha)``, ``CATALOG``, ``BRIEF``), ``hewan_project(folder)``
(makes it) and the fixture ``hewan``: a fresh copy per test (built once per session); the
corpus tests' conftest.py imports the fixtures from here.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from briefbook.corpus.ingest import ingest
from briefbook.project import Project, load_project
from briefbook.scaffold import init_project

ARTICLE_ID = "hwrb-2025-04-08"
ARTICLE = """\
河湾区今年新建口袋公园十五个

2025-04-08 10:20　来源：河湾日报

本报讯 4月7日，河湾区园林局介绍了今年的城市绿化安排。

一、口袋公园

去年，全区已建成口袋公园9个，周边居民步行五分钟就能进园。今年，区里计划新建口袋公园15个，优先安排在老旧小区附近。

二、绿道

去年，全区新修绿道12公里。今年将再修绿道20公里，把沿河的几段连起来。
"""

LATER_ID = "hwwb-2025-06-02"
LATER = """\
河湾区首批口袋公园开园

2025-06-02 18:05　来源：河湾晚报

本报讯 6月1日，河湾区首批6个口袋公园开园迎客。

园林局说，其余9个口袋公园正在施工，年底前全部建成。
"""


def sources_yaml(sha: str) -> str:
    """The project's sources.yaml, ``sha`` the raw text's SHA-256: comments at the top,
    after a key, between and inside entries and at the end; a quoted title and date."""
    return f"""\
# 河湾区的报道（本套测试自写）。raw/ 下是原样副本，不要改。
# 第二行注释，也要原样保留。

articles:   # 每篇一条

# —— 2025年4月 ——
- id: {ARTICLE_ID}     # 河湾日报
  file: raw/{ARTICLE_ID}.txt
  sha256: {sha}
  outlet: 河湾日报
  published: '2025-04-08'
  published_inferred: false
  # 标题照登
  title: "河湾区今年新建口袋公园十五个"
  title_supplied: false
  script: simplified
  notes: 口袋公园和绿道两项；{ARTICLE_ID} 是日报版。
# 文件末尾的注释
"""


#: The catalog: metrics at the margin, their observations indented, blank lines and section
#: comments between metrics, a quoted source, a note and a status_reason naming the article.
CATALOG = f"""\
# 河湾区的指标（本套测试自写）。
# 每条引文都须逐字出自所引段落。

metrics:

# ---- 口袋公园 ----

- id: pocket-parks      # 口袋公园
  label: 口袋公园
  unit: 个
  topic: 综合
  observations:
    - kind: pledged
      value: 15
      period: 2025年
      source: {ARTICLE_ID}/s2/p1
      quote: 今年，区里计划新建口袋公园15个
      # 去年的9个是已建成数，不是承诺

# ---- 绿道 ----

- id: greenways
  label: 绿道
  unit: 公里
  topic: 综合
  observations:
    - kind: pledged
      value: 20
      period: 2025年
      source: '{ARTICLE_ID}/s3/p1'   # 引号也照旧
      quote: 今年将再修绿道20公里
  note: 见 {ARTICLE_ID} 第三节。

# 文件末尾
"""

#: A brief quoting the article in flow and block lists; its commentary names an id as text.
BRIEF = f"""\
# 河湾区绿化简报（本套测试自写）
title: 河湾区绿化
date: 2025-04-10
sections:
  - heading: 口袋公园
    commentary: |
      {ARTICLE_ID}/s2/p1 说今年新建15个。
    quotes: [{ARTICLE_ID}/s2/p1, {ARTICLE_ID}/s1/p1]   # 两段
    metrics: [pocket-parks]
  - heading: 绿道
    quotes:
      - {ARTICLE_ID}/s3     # 整节
"""


def hewan_project(folder: Path) -> Project:
    """A bare project with ``ARTICLE`` ingested and the commented files above."""
    project = init_project(folder, bare=True)
    source = folder.parent / f"{ARTICLE_ID}.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    ingest(source, corpus_dir=project.corpus_dir, article_id=ARTICLE_ID)
    raw = project.corpus_dir / "raw" / f"{ARTICLE_ID}.txt"
    sha = hashlib.sha256(raw.read_bytes()).hexdigest()
    (project.corpus_dir / "sources.yaml").write_text(sources_yaml(sha), encoding="utf-8")
    project.catalog_path.write_text(CATALOG, encoding="utf-8")
    (project.briefs_dir / "parks.yaml").write_text(BRIEF, encoding="utf-8")
    return load_project(folder)


@pytest.fixture(scope="session")
def hewan_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hewan_project(tmp_path_factory.mktemp("hewan") / "project").root


@pytest.fixture
def hewan(hewan_template: Path, tmp_path: Path) -> Project:
    """A private copy of the Hewan project that a test may change."""
    shutil.copytree(hewan_template, tmp_path / "hewan")
    return load_project(tmp_path / "hewan")
